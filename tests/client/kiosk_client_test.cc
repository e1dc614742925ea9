#include "kiosk/kiosk_client.h"

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/client/in_process_server.h"

namespace shop::queue::kiosk {
namespace {

using namespace std::chrono_literals;

// A KioskService whose CreateTicket fails as scripted before it succeeds, and
// remembers every request_id it saw.
class FakeKiosk final : public v1::KioskService::Service {
 public:
  // Codes returned by the first calls, in order; later calls succeed.
  std::vector<grpc::StatusCode> script;
  // How long the first call takes before answering.
  std::chrono::milliseconds first_call_delay{0};

  grpc::Status CreateTicket(grpc::ServerContext*, const v1::CreateTicketRequest* request,
                            v1::CreateTicketResponse* response) override {
    std::size_t call = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      request_ids_.push_back(request->request_id());
      call = request_ids_.size();
    }
    if (call == 1) std::this_thread::sleep_for(first_call_delay);
    if (call <= script.size()) return grpc::Status(script[call - 1], "scripted failure");
    response->mutable_ticket()->set_ticket_id(7);
    response->mutable_ticket()->set_display_number(request->service_prefix() + "001");
    response->mutable_ticket()->set_language(request->language());
    response->mutable_ticket()->set_priority_class(request->priority_class());
    response->mutable_branch()->set_branch_id(request->branch_id());
    return grpc::Status::OK;
  }

  // Two pages: A and B, then C.
  grpc::Status ListServices(grpc::ServerContext*, const v1::ListServicesRequest* request,
                            v1::ListServicesResponse* response) override {
    if (request->page_token().empty()) {
      response->add_services()->set_prefix("A");
      response->add_services()->set_prefix("B");
      response->set_next_page_token("page2");
    } else if (request->page_token() == "page2") {
      response->add_services()->set_prefix("C");
    } else {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "page_token: unknown");
    }
    return grpc::Status::OK;
  }

  std::vector<std::string> request_ids() {
    std::lock_guard<std::mutex> lock(mu_);
    return request_ids_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> request_ids_;
};

client::CallOptions FastRetries() {
  client::CallOptions options;
  options.deadline = 2000ms;
  options.first_backoff = 1ms;
  return options;
}

TEST(KioskClientTest, RetriesUnavailableWithTheSameRequestId) {
  FakeKiosk fake;
  fake.script = {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::UNAVAILABLE};
  test_support::InProcessServer server({&fake});
  ASSERT_TRUE(server.started());
  KioskClient kiosk(server.NewChannel(), "demo", FastRetries());

  v1::CreateTicketResponse issued;
  grpc::Status status =
      kiosk.TakeTicket("R", v1::LANGUAGE_EN, v1::PRIORITY_CLASS_ELDERLY, &issued);

  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(issued.ticket().display_number(), "R001");
  EXPECT_EQ(issued.ticket().language(), v1::LANGUAGE_EN);
  EXPECT_EQ(issued.ticket().priority_class(), v1::PRIORITY_CLASS_ELDERLY);
  EXPECT_EQ(issued.branch().branch_id(), "demo");
  const std::vector<std::string> ids = fake.request_ids();
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0].size(), 32u);
  EXPECT_EQ(ids[1], ids[0]);
  EXPECT_EQ(ids[2], ids[0]);
}

TEST(KioskClientTest, RetriesAfterADeadlineWithTheSameRequestId) {
  FakeKiosk fake;
  fake.first_call_delay = 300ms;
  test_support::InProcessServer server({&fake});
  client::CallOptions options = FastRetries();
  options.deadline = 100ms;
  KioskClient kiosk(server.NewChannel(), "demo", options);

  v1::CreateTicketResponse issued;
  grpc::Status status = kiosk.TakeTicket("N", v1::LANGUAGE_RU, v1::PRIORITY_CLASS_UNSPECIFIED,
                                         &issued);

  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::vector<std::string> ids = fake.request_ids();
  ASSERT_GE(ids.size(), 2u);
  for (const std::string& id : ids) EXPECT_EQ(id, ids[0]);
}

TEST(KioskClientTest, GivesUpAfterMaxAttempts) {
  FakeKiosk fake;
  fake.script.assign(10, grpc::StatusCode::UNAVAILABLE);
  test_support::InProcessServer server({&fake});
  KioskClient kiosk(server.NewChannel(), "demo", FastRetries());

  v1::CreateTicketResponse issued;
  grpc::Status status = kiosk.TakeTicket("R", v1::LANGUAGE_RU, v1::PRIORITY_CLASS_UNSPECIFIED,
                                         &issued);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(fake.request_ids().size(), 4u);
  EXPECT_FALSE(issued.has_ticket());
}

TEST(KioskClientTest, DoesNotRetryOtherErrors) {
  FakeKiosk fake;
  fake.script = {grpc::StatusCode::INVALID_ARGUMENT};
  test_support::InProcessServer server({&fake});
  KioskClient kiosk(server.NewChannel(), "demo", FastRetries());

  v1::CreateTicketResponse issued;
  grpc::Status status = kiosk.TakeTicket("?", v1::LANGUAGE_RU, v1::PRIORITY_CLASS_UNSPECIFIED,
                                         &issued);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(fake.request_ids().size(), 1u);
}

TEST(KioskClientTest, EachTicketGetsItsOwnRequestId) {
  FakeKiosk fake;
  test_support::InProcessServer server({&fake});
  KioskClient kiosk(server.NewChannel(), "demo", FastRetries());

  v1::CreateTicketResponse issued;
  ASSERT_TRUE(kiosk.TakeTicket("R", v1::LANGUAGE_RU, {}, &issued).ok());
  ASSERT_TRUE(kiosk.TakeTicket("R", v1::LANGUAGE_RU, {}, &issued).ok());
  const std::vector<std::string> ids = fake.request_ids();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0], ids[1]);
}

TEST(KioskClientTest, ListServicesReadsEveryPage) {
  FakeKiosk fake;
  test_support::InProcessServer server({&fake});
  KioskClient kiosk(server.NewChannel(), "demo", FastRetries());

  std::vector<v1::Service> services;
  ASSERT_TRUE(kiosk.ListServices(&services).ok());
  ASSERT_EQ(services.size(), 3u);
  EXPECT_EQ(services[0].prefix(), "A");
  EXPECT_EQ(services[2].prefix(), "C");
}

TEST(KioskClientTest, UnreachableServerIsUnavailable) {
  client::CallOptions options = FastRetries();
  options.max_attempts = 2;
  KioskClient kiosk(client::MakeChannel("127.0.0.1:1"), "demo", options);
  v1::Branch branch;
  EXPECT_EQ(kiosk.GetBranch(&branch).error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace shop::queue::kiosk
