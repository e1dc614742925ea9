// Every method of every service, called through a real server with no
// token, an expired session, and each role's token: the code must follow
// the policy table (UNAUTHENTICATED without valid credentials,
// PERMISSION_DENIED for a role the table does not list, anything else
// otherwise).
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include "server/domain/staff/auth.h"
#include "shop/queue/v1/auth_service.pb.h"
#include "shop/queue/v1/booking_service.pb.h"
#include "shop/queue/v1/case_service.pb.h"
#include "shop/queue/v1/board_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/service/test_server.h"

namespace shop::queue {
namespace {

// Calls `m` with an empty request; for a stream, reads the first message.
grpc::StatusCode CallWith(const std::shared_ptr<grpc::Channel>& channel,
                          const google::protobuf::MethodDescriptor* m) {
  return testing::CallRaw(channel, *m, "").error_code();
}

TEST(Roles, EveryMethodFollowsThePolicyTableForEveryCaller) {
  auto clock = std::make_shared<ManualClock>(absl::Now());
  testing::TestServer server(testing::AlwaysOpenConfig(), clock);
  const std::string expired = server.Token(Role::kClerk);
  clock->Advance(Session::kLifetime + absl::Minutes(1));

  const auto methods = testing::AllMethods();
  ASSERT_EQ(methods.size(), MethodPolicy().size());
  int checked = 0;
  for (const auto* m : methods) {
    SCOPED_TRACE(testing::MethodPath(*m));
    const RoleSet allowed = MethodPolicy().find(testing::MethodPath(*m))->second;
    auto anonymous = CallWith(server.AnonymousChannel(), m);
    auto stale = CallWith(server.ChannelWith(expired), m);
    if (allowed.is_public()) {
      EXPECT_NE(anonymous, grpc::StatusCode::UNAUTHENTICATED);
      EXPECT_NE(anonymous, grpc::StatusCode::PERMISSION_DENIED);
    } else {
      EXPECT_EQ(anonymous, grpc::StatusCode::UNAUTHENTICATED);
      EXPECT_EQ(stale, grpc::StatusCode::UNAUTHENTICATED);
    }
    for (Role role : {Role::kKiosk, Role::kBoard, Role::kClerk, Role::kSupervisor, Role::kAdmin,
                      Role::kReviewer}) {
      SCOPED_TRACE(RoleName(role));
      auto code = CallWith(server.ChannelWith(server.Token(role)), m);
      if (allowed.is_public() || allowed.Has(role)) {
        EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED);
        EXPECT_NE(code, grpc::StatusCode::PERMISSION_DENIED);
      } else {
        EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED);
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(methods.size()) * 6);
}

// A reviewer of online applications works no counter, kiosk or counter
// case (nor hands a card over at a counter); he may log out.
TEST(Roles, AReviewerCallsNoCounterOrKioskMethod) {
  testing::TestServer server;
  const std::string reviewer = server.Token(Role::kReviewer);
  int denied = 0;
  for (const auto* m : testing::AllMethods()) {
    const std::string path = testing::MethodPath(*m);
    SCOPED_TRACE(path);
    const std::string service = m->service()->name();
    if (path == "/shop.queue.v1.AuthService/Logout") continue;  // at the end
    auto code = CallWith(server.ChannelWith(reviewer), m);
    if (service == "CounterService" || service == "KioskService" || service == "CaseService" ||
        service == "BoardService" || path == "/shop.queue.v1.RemoteService/HandOverCard") {
      EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED);
      ++denied;
    }
  }
  EXPECT_GT(denied, 30);
  const auto* logout =
      v1::LogoutRequest::descriptor()->file()->FindServiceByName("AuthService")->FindMethodByName(
          "Logout");
  EXPECT_EQ(CallWith(server.ChannelWith(reviewer), logout), grpc::StatusCode::OK);
}

TEST(Roles, LogoutEndsTheSessionAtOnce) {
  testing::TestServer server;
  const std::string token = server.Token(Role::kClerk);
  const auto* list = v1::ListServicesRequest::descriptor()->file()->FindServiceByName(
      "KioskService")->FindMethodByName("ListServices");
  EXPECT_NE(CallWith(server.ChannelWith(token), list), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(server.server().auth().Logout(token).ok());
  EXPECT_EQ(CallWith(server.ChannelWith(token), list), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace shop::queue

namespace shop::queue {
namespace {

grpc::Status Open(const std::shared_ptr<grpc::Channel>& ch, const std::string& counter) {
  auto stub = v1::CounterService::NewStub(ch);
  grpc::ClientContext ctx;
  v1::OpenCounterRequest req;
  req.set_branch_id("test");
  req.set_counter_id(counter);
  v1::OpenCounterResponse resp;
  return stub->OpenCounter(&ctx, req, &resp);
}

grpc::Status Next(const std::shared_ptr<grpc::Channel>& ch, const std::string& counter,
                  const std::string& request_id) {
  auto stub = v1::CounterService::NewStub(ch);
  grpc::ClientContext ctx;
  v1::CallNextTicketRequest req;
  req.set_branch_id("test");
  req.set_counter_id(counter);
  req.set_request_id(request_id);
  v1::CallNextTicketResponse resp;
  return stub->CallNextTicket(&ctx, req, &resp);
}

TEST(Roles, AClerkActsOnlyAtHisOwnCounter) {
  testing::TestServer server;
  auto anna = server.ChannelWith(server.Token(Role::kClerk));
  auto boris = server.ChannelWith(server.Token(Role::kClerk));
  auto supervisor = server.ChannelWith(server.Token(Role::kSupervisor));
  ASSERT_TRUE(Open(anna, "1").ok());
  EXPECT_EQ(Open(boris, "1").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Next(boris, "1", "b1").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Not denied (nobody is waiting, so NOT_FOUND) for the owner and a supervisor.
  EXPECT_EQ(Next(anna, "1", "a1").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Next(supervisor, "1", "s1").error_code(), grpc::StatusCode::NOT_FOUND);
  // Boris may open his own counter.
  EXPECT_TRUE(Open(boris, "2").ok());
}

}  // namespace
}  // namespace shop::queue

namespace shop::queue {
namespace {

TEST(Roles, ADeviceActsOnlyInItsBranch) {
  testing::TestServer server;
  auto kiosk = v1::KioskService::NewStub(server.ChannelWith(server.Token(Role::kKiosk)));
  auto staff = v1::KioskService::NewStub(server.Channel());
  v1::ListServicesRequest req;
  req.set_branch_id("elsewhere");
  v1::ListServicesResponse resp;
  grpc::ClientContext a;
  EXPECT_EQ(kiosk->ListServices(&a, req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext b;
  EXPECT_EQ(staff->ListServices(&b, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  req.set_branch_id("test");
  grpc::ClientContext c;
  EXPECT_TRUE(kiosk->ListServices(&c, req, &resp).ok());
}

}  // namespace
}  // namespace shop::queue
