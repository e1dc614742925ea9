// Device status reports: what a detail may hold, when the change time moves,
// and the order staff see devices in.
#include "server/domain/staff/device.h"

#include <gtest/gtest.h>

namespace shop::queue {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'780'000'000);

TEST(DeviceDetail, AcceptsShortTextInAnyScript) {
  EXPECT_TRUE(ValidateDeviceDetail("").ok());
  EXPECT_TRUE(ValidateDeviceDetail("write error: No such device").ok());
  EXPECT_TRUE(ValidateDeviceDetail("нет бумаги 打印机缺纸").ok());
  // 200 characters of two bytes each: characters count, not bytes.
  std::string two_hundred;
  for (int i = 0; i < 200; ++i) two_hundred += "я";
  EXPECT_TRUE(ValidateDeviceDetail(two_hundred).ok());
  Status longer = ValidateDeviceDetail(two_hundred + "x");
  EXPECT_EQ(longer.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(longer.field(), "detail");
}

TEST(DeviceDetail, RefusesBadUtf8AndControlCharacters) {
  for (std::string bad : {std::string("\xff\xfe"), std::string("\xc0\xaf"), std::string("line\nbreak"),
                          std::string("tab\there"), std::string("nul\0x", 5), std::string("del\x7f"),
                          std::string("c1 \xc2\x85 next line")}) {
    SCOPED_TRACE(bad);
    Status st = ValidateDeviceDetail(bad);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(st.field(), "detail");
  }
}

TEST(DeviceReport, ChangeTimeMovesOnlyWithTheState) {
  DeviceStatus first =
      ApplyDeviceReport(std::nullopt, "b", "hall-1", PrinterState::kOk, "", kT0);
  EXPECT_EQ(first.report_time, kT0);
  EXPECT_EQ(first.change_time, kT0);
  DeviceStatus same = ApplyDeviceReport(first, "b", "hall-1", PrinterState::kOk, "still fine",
                                        kT0 + absl::Minutes(1));
  EXPECT_EQ(same.report_time, kT0 + absl::Minutes(1));
  EXPECT_EQ(same.change_time, kT0);
  EXPECT_EQ(same.detail, "still fine");
  DeviceStatus empty = ApplyDeviceReport(same, "b", "hall-1", PrinterState::kOutOfPaper, "",
                                         kT0 + absl::Minutes(2));
  EXPECT_EQ(empty.change_time, kT0 + absl::Minutes(2));
  EXPECT_TRUE(empty.NeedsStaff());
}

TEST(DeviceOrder, FaultsFirstThenById) {
  auto dev = [](std::string id, PrinterState s) {
    DeviceStatus d;
    d.device_id = std::move(id);
    d.printer_state = s;
    return d;
  };
  std::vector<DeviceStatus> all = {dev("a", PrinterState::kOk), dev("d", PrinterState::kOffline),
                                   dev("b", PrinterState::kNone), dev("c", PrinterState::kError),
                                   dev("e", PrinterState::kOutOfPaper)};
  SortForStaff(all);
  std::vector<std::string> ids;
  for (const auto& d : all) ids.push_back(d.device_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"c", "d", "e", "a", "b"}));
  auto faults = Faults(all);
  ids.clear();
  for (const auto& d : faults) ids.push_back(d.device_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"c", "d", "e"}));
  EXPECT_FALSE(NeedsStaff(PrinterState::kNone));
  EXPECT_FALSE(NeedsStaff(PrinterState::kOk));
}

}  // namespace
}  // namespace shop::queue
