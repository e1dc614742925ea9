// The staff's view of the hall devices, against a real in-process server: a
// kiosk reports through KioskClient, `counter devices` lines (times in the
// branch's zone, not this machine's), the fault lines of the clerk's screen
// and of the board.
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/client/keys.h"
#include "counter/counter_client.h"
#include "counter/counter_console.h"
#include "counter/format.h"
#include "kiosk/kiosk_client.h"
#include "tests/client/piped_input.h"
#include "tests/service/test_server.h"

namespace shop::queue::counter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Vladivostok (UTC+10), so a time shown in UTC or in this machine's zone
// would read differently.
constexpr const char* kZone = "Asia/Vladivostok";

ServerConfig VladivostokConfig() {
  ServerConfig c = testing::TestConfig(kZone);
  for (auto& h : c.branches[0].hours) h = DayHours{0, 24 * 60};
  return c;
}

class CounterDevicesTest : public ::testing::Test {
 protected:
  CounterDevicesTest()
      : clock_(std::make_shared<ManualClock>(testing::At(kZone, 2026, 3, 10, 14, 2))),
        server_(VladivostokConfig(), clock_),
        counter_(server_.ChannelWith(server_.Token(Role::kClerk)), "test", "1") {}

  kiosk::KioskClient Kiosk(const std::string& name) {
    auto token = server_.server().auth().IssueDevice(name, Role::kKiosk, "test", "test");
    EXPECT_TRUE(token.ok());
    return kiosk::KioskClient(server_.ChannelWith(*token), "test");
  }

  // The clerk's screen, drawn once (then 'q').
  std::string Screen() {
    testing::PipedInput input("q");
    client::KeyReader keys(input.fd());
    std::ostringstream out;
    CounterConsole console(counter_, keys, out);
    EXPECT_EQ(console.Run(), 0);
    return out.str();
  }

  std::shared_ptr<ManualClock> clock_;
  testing::TestServer server_;
  CounterClient counter_;
};

TEST_F(CounterDevicesTest, DevicesCommandLinesFaultsFirstInTheBranchZone) {
  kiosk::KioskClient hall1 = Kiosk("hall-1");
  kiosk::KioskClient hall2 = Kiosk("hall-2");
  v1::Device stored;
  ASSERT_TRUE(hall2.ReportDeviceStatus(v1::PRINTER_STATE_OK, "", nullptr).ok());
  ASSERT_TRUE(hall1.ReportDeviceStatus(v1::PRINTER_STATE_OUT_OF_PAPER, "", &stored).ok());
  EXPECT_EQ(stored.device_id(), "hall-1");
  clock_->Advance(absl::Minutes(3));
  ASSERT_TRUE(
      hall2.ReportDeviceStatus(v1::PRINTER_STATE_ERROR, "write error: No such device", nullptr)
          .ok());
  // A bad report is refused and changes nothing.
  EXPECT_EQ(hall1.ReportDeviceStatus(v1::PRINTER_STATE_UNSPECIFIED, "", nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  std::vector<v1::Device> devices;
  ASSERT_TRUE(counter_.ListDevices(&devices).ok());
  std::string zone;
  ASSERT_TRUE(counter_.BranchTimeZone(&zone).ok());
  EXPECT_EQ(zone, kZone);
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(FormatDevice(devices[0], zone), "kiosk hall-1: printer out of paper (since 14:02)");
  EXPECT_EQ(FormatDevice(devices[1], zone),
            "kiosk hall-2: printer error (since 14:05; write error: No such device)");
}

TEST_F(CounterDevicesTest, ClerkScreenShowsALinePerFaultyDevice) {
  kiosk::KioskClient hall1 = Kiosk("hall-1");
  kiosk::KioskClient hall2 = Kiosk("hall-2");
  ASSERT_TRUE(hall1.ReportDeviceStatus(v1::PRINTER_STATE_OFFLINE, "", nullptr).ok());
  ASSERT_TRUE(hall2.ReportDeviceStatus(v1::PRINTER_STATE_NONE, "", nullptr).ok());
  EXPECT_THAT(Screen(), HasSubstr("! kiosk hall-1: printer offline\n"));
  EXPECT_THAT(Screen(), Not(HasSubstr("hall-2")));  // no printer needs nobody
  ASSERT_TRUE(hall1.ReportDeviceStatus(v1::PRINTER_STATE_OK, "", nullptr).ok());
  EXPECT_THAT(Screen(), Not(HasSubstr("! kiosk")));
}

TEST_F(CounterDevicesTest, BoardMessagesGiveTheFaultLines) {
  kiosk::KioskClient hall1 = Kiosk("hall-1");
  ASSERT_TRUE(hall1.ReportDeviceStatus(v1::PRINTER_STATE_OUT_OF_PAPER, "", nullptr).ok());
  std::vector<std::string> lines;
  ASSERT_TRUE(counter_
                  .WatchBoard([&](const v1::WatchBoardResponse& m) {
                    lines = FaultLines(m.device_faults());
                    return false;
                  })
                  .ok());
  EXPECT_EQ(lines, std::vector<std::string>{"! kiosk hall-1: printer out of paper"});
}

}  // namespace
}  // namespace shop::queue::counter
