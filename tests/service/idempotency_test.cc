// Client request ids through a real server on loopback: a retry gets the
// first result; an id is its caller's own (a kiosk's, a clerk's), so another
// caller who sends it gets a result of his own, never the first caller's; and
// the same id with other parameters is INVALID_ARGUMENT.
#include <gtest/gtest.h>

#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/service/test_server.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;

class IdempotencyTest : public ::testing::Test {
 protected:
  grpc::Status Take(pb::KioskService::Stub& kiosk, const std::string& service,
                    const std::string& request_id, pb::Ticket* out) {
    pb::CreateTicketResponse resp;
    grpc::Status st = testing::TakeTicket(kiosk, service, request_id, &resp);
    *out = resp.ticket();
    return st;
  }

  testing::TestServer server_;
};

TEST_F(IdempotencyTest, ATicketRequestIdIsTheKiosksOwn) {
  auto hall = pb::KioskService::NewStub(server_.ChannelWith(server_.Token(Role::kKiosk)));
  auto door = pb::KioskService::NewStub(server_.ChannelWith(server_.Token(Role::kKiosk)));
  pb::Ticket first, again, other, bad;
  ASSERT_TRUE(Take(*hall, "R", "uuid-1", &first).ok());
  ASSERT_TRUE(Take(*hall, "R", "uuid-1", &again).ok());
  EXPECT_EQ(again.ticket_id(), first.ticket_id()) << "a retry gets the first ticket";

  // Another kiosk sending the same id takes a ticket of its own.
  ASSERT_TRUE(Take(*door, "R", "uuid-1", &other).ok());
  EXPECT_NE(other.ticket_id(), first.ticket_id());
  EXPECT_EQ(first.display_number(), "R001");
  EXPECT_EQ(other.display_number(), "R002");

  // The same kiosk, the same id, another service: refused, nothing issued.
  grpc::Status st = Take(*hall, "P", "uuid-1", &bad);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_NE(st.error_message().find("request_id reused with other parameters"), std::string::npos)
      << st.error_message();
  EXPECT_EQ(bad.ticket_id(), 0);
  pb::Ticket p;
  ASSERT_TRUE(Take(*hall, "P", "uuid-2", &p).ok());
  EXPECT_EQ(p.display_number(), "P001") << "the refused request took no number";
}

TEST_F(IdempotencyTest, ACallNextRequestIdIsTheClerksOwn) {
  auto kiosk = pb::KioskService::NewStub(server_.ChannelWith(server_.Token(Role::kKiosk)));
  auto anna = pb::CounterService::NewStub(server_.ChannelWith(server_.StaffToken(Role::kClerk, "anna")));
  auto boris = pb::CounterService::NewStub(server_.ChannelWith(server_.StaffToken(Role::kClerk, "boris")));
  pb::Ticket t;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Take(*kiosk, "R", "t" + std::to_string(i), &t).ok());
  ASSERT_TRUE(testing::OpenCounter(*anna, "1").ok());
  ASSERT_TRUE(testing::OpenCounter(*boris, "2").ok());

  pb::Ticket called, again, by_boris, bad;
  ASSERT_TRUE(testing::CallNext(*anna, "1", "call-1", &called).ok());
  ASSERT_TRUE(testing::CallNext(*anna, "1", "call-1", &again).ok());
  EXPECT_EQ(again.ticket_id(), called.ticket_id()) << "a retry gets the same customer";

  // Boris with Anna's id: a customer of his own, never hers.
  grpc::Status st = testing::CallNext(*boris, "2", "call-1", &by_boris);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_NE(by_boris.ticket_id(), called.ticket_id());
  EXPECT_EQ(by_boris.counter_id(), "2");

  // Anna's id from another counter: refused.
  st = testing::CallNext(*anna, "3", "call-1", &bad);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_EQ(bad.ticket_id(), 0);
}

}  // namespace
}  // namespace shop::queue
