// Tickets named by their printed number ("R017", as on the slip and the
// board) through the real client classes and a real server: the counter calls,
// starts, parks and returns "r3"; the kiosk looks up "R001"; numbers are
// today's (the same number tomorrow is another ticket); a wrong number or an
// id that disagrees is refused clearly. And every ticket, case and booking
// names its branch's time zone.
#include <gtest/gtest.h>

#include "common/client/ticket_ref.h"
#include "counter/counter_client.h"
#include "kiosk/kiosk_client.h"
#include "server/domain/queue/ticket.h"
#include "tests/service/test_server.h"

namespace shop::queue {
namespace {

namespace v1 = ::shop::queue::v1;
using client::TicketRef;
using testing::At;

TEST(TicketNumber, ParsesWhatPeopleType) {
  const std::vector<std::pair<std::string, int>> ok = {
      {"R017", 17}, {"r17", 17}, {"R-017", 17}, {" R 017 ", 17}, {"C1000", 1000}};
  for (const auto& [text, number] : ok) {
    auto n = ParseTicketNumber(text);
    ASSERT_TRUE(n) << text;
    EXPECT_EQ(n->prefix, text == "C1000" ? "C" : "R") << text;
    EXPECT_EQ(n->number, number) << text;
  }
  for (const char* bad : {"", "R", "17", "R0", "RR1", "R1234567", "R1x", "Я17", "R 1 7 x"})
    EXPECT_FALSE(ParseTicketNumber(bad)) << bad;

  EXPECT_EQ(client::ParseTicketRef("42")->id, 42);
  EXPECT_EQ(client::ParseTicketRef("r017")->number, "R017");
  EXPECT_EQ(client::ParseTicketRef(" R-17 ")->number, "R17");
  for (const char* bad : {"", "0", "R", "4x", "-5", "R17!"})
    EXPECT_FALSE(client::ParseTicketRef(bad)) << bad;
}

TEST(TicketNumber, TheCounterAndTheKioskNameTicketsByTheirPrintedNumber) {
  auto clock = std::make_shared<ManualClock>(At("Europe/Moscow", 2026, 3, 10, 10, 0));
  testing::TestServer server(testing::AlwaysOpenConfig(), clock);
  // A kiosk's device token does not expire (the clock moves a day below).
  kiosk::KioskClient kiosk(server.ChannelWith(server.Token(Role::kKiosk)), "test");
  counter::CounterClient desk(server.Channel(), "test", "1");
  v1::CreateTicketResponse slip;
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(kiosk.TakeTicket("R", v1::LANGUAGE_EN, v1::PRIORITY_CLASS_UNSPECIFIED, &slip).ok());
  EXPECT_EQ(slip.ticket().display_number(), "R003");
  EXPECT_EQ(slip.ticket().time_zone(), "Europe/Moscow");
  v1::Counter opened;
  ASSERT_TRUE(desk.Open({}, &opened).ok());

  v1::Ticket t;
  ASSERT_TRUE(desk.Call(TicketRef::Printed("r3"), &t).ok());
  EXPECT_EQ(t.display_number(), "R003");
  EXPECT_EQ(t.ticket_id(), slip.ticket().ticket_id());
  EXPECT_EQ(t.time_zone(), "Europe/Moscow");
  ASSERT_TRUE(desk.Start(TicketRef::Printed("R003"), &t).ok());
  ASSERT_TRUE(desk.Park(TicketRef::Printed("R-003"), &t).ok());
  EXPECT_EQ(t.state(), v1::TICKET_STATE_PARKED);
  ASSERT_TRUE(desk.Return(TicketRef::Printed("R003"), &t).ok());
  EXPECT_EQ(t.state(), v1::TICKET_STATE_CALLED);

  v1::Ticket first;
  ASSERT_TRUE(kiosk.GetTicket(TicketRef::Printed("R001"), &first).ok());
  EXPECT_EQ(first.display_number(), "R001");
  EXPECT_EQ(first.position(), 0);

  // A number nobody took today; a number and an id that disagree.
  grpc::Status none = kiosk.GetTicket(TicketRef::Printed("R099"), &first);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::NOT_FOUND) << none.error_message();
  EXPECT_NE(none.error_message().find("R099"), std::string::npos) << none.error_message();
  EXPECT_NE(none.error_message().find("2026-03-10"), std::string::npos) << none.error_message();
  TicketRef both = TicketRef::Printed("R001");
  both.id = slip.ticket().ticket_id();
  grpc::Status mixed = kiosk.GetTicket(both, &first);
  EXPECT_EQ(mixed.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << mixed.error_message();
  grpc::Status bad = desk.Recall(TicketRef::Printed("R1x"), &t);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad.error_message();
  EXPECT_NE(bad.error_message().find("ticket_number"), std::string::npos) << bad.error_message();

  // Tomorrow R001 is a new ticket, not yesterday's.
  clock->Advance(absl::Hours(24));
  v1::CreateTicketResponse tomorrow;
  ASSERT_TRUE(kiosk.TakeTicket("R", v1::LANGUAGE_EN, v1::PRIORITY_CLASS_UNSPECIFIED, &tomorrow).ok());
  EXPECT_EQ(tomorrow.ticket().display_number(), "R001");
  v1::Ticket again;
  ASSERT_TRUE(kiosk.GetTicket(TicketRef::Printed("r1"), &again).ok());
  EXPECT_EQ(again.ticket_id(), tomorrow.ticket().ticket_id());
  EXPECT_NE(again.ticket_id(), first.ticket_id());
}

}  // namespace
}  // namespace shop::queue
