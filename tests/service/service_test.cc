// The gRPC API through a real server on 127.0.0.1 (port 0) and a real
// SQLite file: the kiosk-to-counter flow, status codes, idempotency, the
// board stream, health checking and graceful stop.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "shop/queue/v1/board_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/service/test_server.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;
using testing::TestServer;

std::unique_ptr<grpc::ClientContext> Ctx(int seconds = 5) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return ctx;
}

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest()
      : kiosk_(pb::KioskService::NewStub(server_.Channel())),
        counter_(pb::CounterService::NewStub(server_.Channel())),
        board_(pb::BoardService::NewStub(server_.Channel())) {}

  pb::Ticket Take(const std::string& prefix, const std::string& request_id) {
    pb::CreateTicketRequest req;
    req.set_branch_id("test");
    req.set_service_prefix(prefix);
    req.set_language(pb::LANGUAGE_EN);
    req.set_request_id(request_id);
    pb::CreateTicketResponse resp;
    grpc::Status st = kiosk_->CreateTicket(Ctx().get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.ticket();
  }

  grpc::Status Open(const std::string& counter) {
    pb::OpenCounterRequest req;
    req.set_branch_id("test");
    req.set_counter_id(counter);
    pb::OpenCounterResponse resp;
    return counter_->OpenCounter(Ctx().get(), req, &resp);
  }

  grpc::Status CallNext(const std::string& counter, const std::string& request_id,
                        pb::Ticket* out) {
    pb::CallNextTicketRequest req;
    req.set_branch_id("test");
    req.set_counter_id(counter);
    req.set_request_id(request_id);
    pb::CallNextTicketResponse resp;
    grpc::Status st = counter_->CallNextTicket(Ctx().get(), req, &resp);
    if (out) *out = resp.ticket();
    return st;
  }

  TestServer server_;
  std::unique_ptr<pb::KioskService::Stub> kiosk_;
  std::unique_ptr<pb::CounterService::Stub> counter_;
  std::unique_ptr<pb::BoardService::Stub> board_;
};

TEST_F(ServiceTest, KioskToCounterToDone) {
  pb::ListServicesRequest lreq;
  lreq.set_branch_id("test");
  pb::ListServicesResponse lresp;
  ASSERT_TRUE(kiosk_->ListServices(Ctx().get(), lreq, &lresp).ok());
  ASSERT_EQ(lresp.services_size(), 3);
  EXPECT_EQ(lresp.services(0).prefix(), "R");  // the configured order
  pb::Ticket t = Take("R", "kiosk-1");
  EXPECT_EQ(t.display_number(), "R001");
  EXPECT_EQ(t.state(), pb::TICKET_STATE_WAITING);
  EXPECT_EQ(t.position(), 0);

  ASSERT_TRUE(Open("1").ok());
  pb::Ticket called;
  ASSERT_TRUE(CallNext("1", "c-1", &called).ok());
  EXPECT_EQ(called.ticket_id(), t.ticket_id());
  EXPECT_EQ(called.state(), pb::TICKET_STATE_CALLED);

  pb::StartTicketRequest sreq;
  sreq.set_branch_id("test");
  sreq.set_counter_id("1");
  sreq.set_ticket_id(t.ticket_id());
  pb::StartTicketResponse sresp;
  ASSERT_TRUE(counter_->StartTicket(Ctx().get(), sreq, &sresp).ok());
  EXPECT_EQ(sresp.ticket().state(), pb::TICKET_STATE_SERVING);

  pb::CompleteTicketRequest creq;
  creq.set_branch_id("test");
  creq.set_counter_id("1");
  creq.set_ticket_id(t.ticket_id());
  pb::CompleteTicketResponse cresp;
  ASSERT_TRUE(counter_->CompleteTicket(Ctx().get(), creq, &cresp).ok());
  EXPECT_EQ(cresp.ticket().state(), pb::TICKET_STATE_DONE);

  pb::GetTicketRequest greq;
  greq.set_branch_id("test");
  greq.set_ticket_id(t.ticket_id());
  pb::GetTicketResponse gresp;
  ASSERT_TRUE(kiosk_->GetTicket(Ctx().get(), greq, &gresp).ok());
  EXPECT_EQ(gresp.ticket().state(), pb::TICKET_STATE_DONE);
}

TEST_F(ServiceTest, GetCounterNamesTheZoneTheClerkAndTheTransfers) {
  ASSERT_TRUE(Open("1").ok());
  pb::Ticket t = Take("N", "kiosk-transfer");
  pb::Ticket called;
  ASSERT_TRUE(CallNext("1", "c-transfer-1", &called).ok());
  pb::TransferTicketRequest treq;
  treq.set_branch_id("test");
  treq.set_counter_id("1");
  treq.set_ticket_id(t.ticket_id());
  treq.set_target_service_prefix("P");
  pb::TransferTicketResponse tresp;
  ASSERT_TRUE(counter_->TransferTicket(Ctx().get(), treq, &tresp).ok());
  ASSERT_TRUE(CallNext("1", "c-transfer-2", &called).ok());
  ASSERT_EQ(called.ticket_id(), t.ticket_id());

  pb::GetCounterRequest req;
  req.set_branch_id("test");
  req.set_counter_id("1");
  pb::GetCounterResponse resp;
  ASSERT_TRUE(counter_->GetCounter(Ctx().get(), req, &resp).ok());
  EXPECT_EQ(resp.time_zone(), "Europe/Moscow");
  EXPECT_EQ(resp.counter().clerk_login(), TestServer::kSupervisorLogin);
  ASSERT_EQ(resp.current_ticket_transfers_size(), 1);
  const pb::TicketTransfer& m = resp.current_ticket_transfers(0);
  EXPECT_EQ(m.from_service_prefix(), "N");
  EXPECT_EQ(m.to_service_prefix(), "P");
  EXPECT_EQ(m.counter_id(), "1");
  EXPECT_GE(m.time().seconds(), t.issue_time().seconds());

  // Another counter (closed, no ticket): no clerk, no transfers, the zone.
  req.set_counter_id("3");
  ASSERT_TRUE(counter_->GetCounter(Ctx().get(), req, &resp).ok());
  EXPECT_EQ(resp.counter().clerk_login(), "");
  EXPECT_EQ(resp.current_ticket_transfers_size(), 0);
  EXPECT_EQ(resp.time_zone(), "Europe/Moscow");

  pb::ListDevicesRequest dreq;
  dreq.set_branch_id("test");
  pb::ListDevicesResponse dresp;
  ASSERT_TRUE(counter_->ListDevices(Ctx().get(), dreq, &dresp).ok());
  EXPECT_EQ(dresp.time_zone(), "Europe/Moscow");
}

TEST_F(ServiceTest, StatusCodesMeanWhatTheySay) {
  pb::CreateTicketRequest req;
  req.set_branch_id("test");
  req.set_service_prefix("Q");
  req.set_request_id("r");
  pb::CreateTicketResponse resp;
  grpc::Status st = kiosk_->CreateTicket(Ctx().get(), req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("service_prefix", 0), 0u) << st.error_message();

  req.set_service_prefix("R");
  req.set_language(static_cast<pb::Language>(42));
  st = kiosk_->CreateTicket(Ctx().get(), req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("language", 0), 0u) << st.error_message();

  pb::GetTicketRequest greq;
  greq.set_branch_id("test");
  greq.set_ticket_id(12345);
  pb::GetTicketResponse gresp;
  EXPECT_EQ(kiosk_->GetTicket(Ctx().get(), greq, &gresp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  greq.set_branch_id("elsewhere");
  EXPECT_EQ(kiosk_->GetTicket(Ctx().get(), greq, &gresp).error_code(),
            grpc::StatusCode::NOT_FOUND);

  pb::Ticket t = Take("R", "k");
  pb::CompleteTicketRequest creq;
  creq.set_branch_id("test");
  creq.set_counter_id("1");
  creq.set_ticket_id(t.ticket_id());
  pb::CompleteTicketResponse cresp;
  EXPECT_EQ(counter_->CompleteTicket(Ctx().get(), creq, &cresp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(CallNext("1", "x", nullptr).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Open("1").ok());
  EXPECT_EQ(CallNext("1", "", nullptr).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(CallNext("1", "y", nullptr).ok());
  ASSERT_TRUE(CallNext("1", "z", nullptr).error_code() == grpc::StatusCode::FAILED_PRECONDITION);

  pb::ListTicketsRequest list;
  list.set_branch_id("test");
  list.set_page_token("garbage");
  pb::ListTicketsResponse lresp;
  st = counter_->ListTickets(Ctx().get(), list, &lresp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("page_token", 0), 0u);
}

TEST_F(ServiceTest, NobodyWaitingIsNotFound) {
  ASSERT_TRUE(Open("1").ok());
  EXPECT_EQ(CallNext("1", "empty", nullptr).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServiceTest, SameCreateThreeTimesIsOneTicket) {
  pb::Ticket a = Take("P", "retry-me");
  pb::Ticket b = Take("P", "retry-me");
  pb::Ticket c = Take("P", "retry-me");
  EXPECT_EQ(a.ticket_id(), b.ticket_id());
  EXPECT_EQ(a.ticket_id(), c.ticket_id());
  EXPECT_EQ(a.display_number(), "P001");
  pb::ListTicketsRequest list;
  list.set_branch_id("test");
  pb::ListTicketsResponse lresp;
  ASSERT_TRUE(counter_->ListTickets(Ctx().get(), list, &lresp).ok());
  EXPECT_EQ(lresp.tickets_size(), 1);
}

TEST_F(ServiceTest, ListTicketsPages) {
  for (int i = 0; i < 5; ++i) Take("R", "p" + std::to_string(i));
  pb::ListTicketsRequest list;
  list.set_branch_id("test");
  list.set_page_size(2);
  std::vector<std::string> numbers;
  for (int page = 0; page < 5; ++page) {
    pb::ListTicketsResponse resp;
    ASSERT_TRUE(counter_->ListTickets(Ctx().get(), list, &resp).ok());
    for (const auto& t : resp.tickets()) numbers.push_back(t.display_number());
    if (resp.next_page_token().empty()) break;
    list.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(numbers, (std::vector<std::string>{"R001", "R002", "R003", "R004", "R005"}));
}

TEST_F(ServiceTest, BoardStreamsSnapshotThenCalls) {
  Take("R", "b1");
  grpc::ClientContext ctx;
  pb::WatchBoardRequest req;
  req.set_branch_id("test");
  auto reader = board_->WatchBoard(&ctx, req);
  pb::WatchBoardResponse msg;
  ASSERT_TRUE(reader->Read(&msg));
  EXPECT_TRUE(msg.snapshot());
  int waiting_r = -1;
  for (const auto& w : msg.waiting_counts())
    if (w.service_prefix() == "R") waiting_r = w.waiting_count();
  EXPECT_EQ(waiting_r, 1);

  ASSERT_TRUE(Open("1").ok());
  ASSERT_TRUE(CallNext("1", "b-call", nullptr).ok());
  bool saw_call = false;
  while (!saw_call && reader->Read(&msg)) {
    for (const auto& c : msg.calls()) {
      EXPECT_EQ(c.display_number(), "R001");
      EXPECT_EQ(c.counter_display_name(), "Counter 1");
      saw_call = true;
    }
  }
  EXPECT_TRUE(saw_call);
  ctx.TryCancel();
}

TEST_F(ServiceTest, HealthIsServing) {
  auto health = grpc::health::v1::Health::NewStub(server_.Channel());
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(health->Check(Ctx().get(), req, &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

// The drain itself, while it runs: a call that was running when the stop
// began is held inside the server (in the store, after its write), so gRPC
// cannot have stopped yet. Meanwhile health says NOT_SERVING, new calls and
// new board streams get UNAVAILABLE "server is stopping", open board streams
// end with UNAVAILABLE; then the running call is let go and finishes OK.
TEST_F(ServiceTest, ShutdownDrainsRunningCallsAndRefusesNewOnes) {
  grpc::ClientContext watch_ctx;
  pb::WatchBoardRequest watch;
  watch.set_branch_id("test");
  auto watcher = board_->WatchBoard(&watch_ctx, watch);
  pb::WatchBoardResponse msg;
  ASSERT_TRUE(watcher->Read(&msg));

  // Held: the write of this create (the sweeper writes too).
  server_.pausing().HoldNext(testing::PausingStore::Op::kWrite, [](ReadTx& tx) {
    auto r = tx.tickets().FindRequest("test", "create_ticket",
                            std::string("supervisor:") + testing::TestServer::kSupervisorLogin,
                            "running-at-stop");
    return r.ok() && r->has_value();
  });
  std::atomic<bool> running_returned{false};
  grpc::Status running_status;
  pb::CreateTicketResponse created;
  std::thread running([&] {
    pb::CreateTicketRequest req;
    req.set_branch_id("test");
    req.set_service_prefix("R");
    req.set_request_id("running-at-stop");
    running_status = kiosk_->CreateTicket(Ctx(60).get(), req, &created);
    running_returned = true;
  });
  std::thread stopper;
  // Whatever fails below, let the held call go and wait for both threads.
  struct Cleanup {
    testing::TestServer& server;
    std::thread& running;
    std::thread& stopper;
    ~Cleanup() {
      server.pausing().Resume();
      if (running.joinable()) running.join();
      if (stopper.joinable()) stopper.join();
    }
  } cleanup{server_, running, stopper};
  ASSERT_TRUE(server_.pausing().WaitUntilHeld(absl::Seconds(10)));
  stopper = std::thread([&] { server_.Shutdown(absl::Seconds(60)); });

  // Health turns NOT_SERVING (and is still answered: gRPC is up).
  auto health = grpc::health::v1::Health::NewStub(server_.Channel());
  grpc::health::v1::HealthCheckResponse hresp;
  grpc::Status hst;
  for (int i = 0; i < 1000; ++i) {
    hresp.Clear();
    hst = health->Check(Ctx().get(), grpc::health::v1::HealthCheckRequest(), &hresp);
    if (!hst.ok() || hresp.status() != grpc::health::v1::HealthCheckResponse::SERVING) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(hst.ok()) << "health not answered during the drain: " << hst.error_message();
  EXPECT_EQ(hresp.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);

  // New calls are turned away by the drain, not by a stopped gRPC.
  pb::ListServicesRequest lreq;
  lreq.set_branch_id("test");
  pb::ListServicesResponse lresp;
  grpc::Status refused;
  for (int i = 0; i < 1000; ++i) {
    refused = kiosk_->ListServices(Ctx().get(), lreq, &lresp);
    if (!refused.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(refused.error_message().find("server is stopping"), std::string::npos)
      << refused.error_message();

  // The open board stream ends with UNAVAILABLE; a new one is refused.
  while (watcher->Read(&msg)) {
  }
  grpc::Status watch_end = watcher->Finish();
  EXPECT_EQ(watch_end.error_code(), grpc::StatusCode::UNAVAILABLE) << watch_end.error_message();
  {
    grpc::ClientContext ctx;
    auto late = board_->WatchBoard(&ctx, watch);
    EXPECT_FALSE(late->Read(&msg));
    grpc::Status late_end = late->Finish();
    EXPECT_EQ(late_end.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_NE(late_end.error_message().find("server is stopping"), std::string::npos)
        << late_end.error_message();
  }

  // All that happened while the running call was still inside.
  EXPECT_FALSE(running_returned.load()) << "the running call ended before the drain was checked";
  server_.pausing().Resume();
  running.join();
  stopper.join();
  EXPECT_TRUE(running_status.ok()) << "the call running at the stop was not let finish: "
                                   << running_status.error_code() << " "
                                   << running_status.error_message();
  EXPECT_EQ(created.ticket().display_number(), "R001");
  // After the stop, nothing answers at all.
  EXPECT_EQ(kiosk_->ListServices(Ctx(2).get(), lreq, &lresp).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace shop::queue
