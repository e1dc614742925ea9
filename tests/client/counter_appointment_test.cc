// How the counter program marks appointment tickets: the ticket line (list,
// status, the interactive screen) with the due time in this machine's zone,
// and the board's calls.
#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "counter/format.h"

namespace shop::queue::counter {
namespace {

constexpr int64_t kDue = 1714563000;  // 2024-05-01 11:30 UTC = 14:30 in Moscow

class CounterAppointmentTest : public ::testing::Test {
 protected:
  // The due time is shown in this machine's zone: pin it.
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_ = tz ? std::optional<std::string>(tz) : std::nullopt;
    setenv("TZ", "Europe/Moscow", 1);
  }
  void TearDown() override {
    if (saved_) {
      setenv("TZ", saved_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
  }

 private:
  std::optional<std::string> saved_;
};

v1::Ticket AppointmentTicket() {
  v1::Ticket ticket;
  ticket.set_ticket_id(43);
  ticket.set_display_number("R018");
  ticket.set_service_prefix("R");
  ticket.set_state(v1::TICKET_STATE_WAITING);
  ticket.set_origin(v1::TICKET_ORIGIN_APPOINTMENT);
  ticket.mutable_due_time()->set_seconds(kDue);
  return ticket;
}

TEST_F(CounterAppointmentTest, TicketLineShowsTheMarkerAndTheDueTime) {
  EXPECT_EQ(FormatTicket(AppointmentTicket()),
            "R018 [id 43]  service R  waiting  recalls 0  appointment due 14:30");
  EXPECT_EQ(FormatTicket(AppointmentTicket(), "America/New_York"),
            "R018 [id 43]  service R  waiting  recalls 0  appointment due 07:30");
  // The branch's zone, as the server names it, whatever this machine's is.
  v1::Ticket far = AppointmentTicket();
  far.set_time_zone("Asia/Vladivostok");
  EXPECT_EQ(FormatTicket(far), "R018 [id 43]  service R  waiting  recalls 0  appointment due 21:30");
  v1::Ticket no_due = AppointmentTicket();
  no_due.clear_due_time();
  EXPECT_EQ(FormatTicket(no_due), "R018 [id 43]  service R  waiting  recalls 0  appointment");
  v1::Ticket walk_in = AppointmentTicket();
  walk_in.set_origin(v1::TICKET_ORIGIN_WALK_IN);
  EXPECT_EQ(FormatTicket(walk_in), "R018 [id 43]  service R  waiting  recalls 0");
}

TEST_F(CounterAppointmentTest, BoardCallShowsTheMarker) {
  v1::BoardCall call;
  call.set_display_number("R018");
  call.set_counter_id("3");
  call.set_counter_display_name("Counter 3");
  EXPECT_EQ(FormatBoardCall(call), "R018 -> Counter 3");
  call.set_appointment(true);
  EXPECT_EQ(FormatBoardCall(call), "R018 -> Counter 3  appointment");
  call.set_recall_count(1);
  EXPECT_EQ(FormatBoardCall(call), "R018 -> Counter 3 (recall 1)  appointment");
}

}  // namespace
}  // namespace shop::queue::counter
