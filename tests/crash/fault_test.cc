// Faults through the real queue-server binary: a stop under load, a full
// disk, and clients that retry after a deadline.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/support/server_process.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;
using testing::ServerProcess;
using Clock = std::chrono::steady_clock;

grpc::Status Create(pb::KioskService::Stub& stub, const std::string& request_id,
                    pb::CreateTicketResponse* resp,
                    std::chrono::microseconds deadline = std::chrono::seconds(5)) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + deadline);
  pb::CreateTicketRequest req;
  req.set_branch_id("demo");
  req.set_service_prefix("R");
  req.set_request_id(request_id);
  return stub.CreateTicket(&ctx, req, resp);
}

int64_t CountTickets(ServerProcess& server) {
  auto desk = pb::CounterService::NewStub(server.NewChannel());
  int64_t n = 0;
  pb::ListTicketsRequest req;
  req.set_branch_id("demo");
  req.set_page_size(1000);
  for (;;) {
    grpc::ClientContext ctx;
    pb::ListTicketsResponse resp;
    if (!desk->ListTickets(&ctx, req, &resp).ok()) return -1;
    n += resp.tickets_size();
    if (resp.next_page_token().empty()) return n;
    req.set_page_token(resp.next_page_token());
  }
}

TEST(Fault, SigtermUnderLoadFinishesAcceptedCallsAndRefusesNewOnes) {
  testing::TempDir dir;
  const std::string db = dir.File("queue.db");
  ServerProcess server(QUEUE_SERVER_PATH, db, dir.path().string());
  ASSERT_NE(server.port(), 0);
  ASSERT_FALSE(server.Token().empty());
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int t = 0; t < 8; ++t) channels.push_back(server.NewChannel());
  std::atomic<bool> stop{false};
  std::atomic<int64_t> stop_began_us{0};
  std::mutex mu;
  std::map<std::string, int> codes;         // code name -> count
  std::set<std::string> ok_ids;             // answered OK
  std::vector<std::string> bad;             // unexpected outcomes
  std::vector<std::thread> load;
  auto now_us = [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               Clock::now().time_since_epoch())
        .count();
  };
  for (int t = 0; t < 8; ++t) {
    load.emplace_back([&, t] {
      auto stub = pb::KioskService::NewStub(channels[t]);
      for (int i = 0; !stop; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        int64_t sent = now_us();
        pb::CreateTicketResponse resp;
        grpc::Status st = Create(*stub, id, &resp);
        std::lock_guard lock(mu);
        if (st.ok()) {
          ok_ids.insert(id);
          ++codes["OK"];
          continue;
        }
        ++codes[std::to_string(st.error_code())];
        int64_t began = stop_began_us.load();
        // Only UNAVAILABLE, and only for calls that may not have reached the
        // server before the stop began (a call sent well before it was
        // accepted, and an accepted call must complete).
        if (st.error_code() != grpc::StatusCode::UNAVAILABLE || began == 0 ||
            sent < began - 1'000'000)
          bad.push_back(id + ": code " + std::to_string(st.error_code()) + " " +
                        st.error_message());
        return;  // the server is going away
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  stop_began_us = now_us();
  server.Signal(SIGTERM);
  int status = server.Wait();
  stop = true;
  for (auto& th : load) th.join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit status " << status;
  EXPECT_TRUE(bad.empty()) << bad.size() << " unexpected outcomes, first: " << bad.front();
  EXPECT_GT(ok_ids.size(), 0u);
  // Every call answered OK is stored.
  ServerProcess again(QUEUE_SERVER_PATH, db, dir.path().string());
  ASSERT_NE(again.port(), 0);
  auto stub = pb::KioskService::NewStub(again.NewChannel());
  for (const auto& id : ok_ids) {
    pb::CreateTicketResponse resp;
    ASSERT_TRUE(Create(*stub, id, &resp).ok());  // a retry returns the stored ticket
  }
  EXPECT_EQ(CountTickets(again), static_cast<int64_t>(ok_ids.size()) + 0)
      << "a retried create made a new ticket, or a refused create was stored";
}

TEST(Fault, FullDiskIsResourceExhaustedKeepsDataAndResumesWithRoom) {
  testing::TempDir dir;
  const std::string db = dir.File("queue.db");
  std::set<int64_t> stored;
  {
    ServerProcess server(QUEUE_SERVER_PATH, db, dir.path().string(),
                         {"--max-db-pages", "48"});
    ASSERT_NE(server.port(), 0);
    auto stub = pb::KioskService::NewStub(server.NewChannel());
    grpc::Status st;
    for (int i = 0; i < 100000 && st.ok(); ++i) {
      pb::CreateTicketResponse resp;
      st = Create(*stub, "fill-" + std::to_string(i), &resp);
      if (st.ok()) stored.insert(resp.ticket().ticket_id());
    }
    ASSERT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
    EXPECT_NE(st.error_message().find("full"), std::string::npos) << st.error_message();
    ASSERT_GT(stored.size(), 10u);
    // Reads still work, and a second attempt fails the same clear way.
    pb::CreateTicketResponse resp;
    EXPECT_EQ(Create(*stub, "one-more", &resp).error_code(),
              grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_EQ(CountTickets(server), static_cast<int64_t>(stored.size()));
    stub.reset();  // an idle client connection would hold up the graceful stop
    server.Stop(SIGTERM);
  }
  EXPECT_EQ(testing::IntegrityCheck(db), "ok");
  // With room again, writing resumes where it stopped.
  ServerProcess server(QUEUE_SERVER_PATH, db, dir.path().string());
  ASSERT_NE(server.port(), 0);
  auto stub = pb::KioskService::NewStub(server.NewChannel());
  pb::CreateTicketResponse resp;
  ASSERT_TRUE(Create(*stub, "after-room", &resp).ok());
  EXPECT_EQ(resp.ticket().display_number(),
            "R" + std::string(stored.size() + 1 < 100 ? "0" : "") +
                std::to_string(stored.size() + 1));
  EXPECT_EQ(CountTickets(server), static_cast<int64_t>(stored.size()) + 1);
  std::string why;
  EXPECT_TRUE(testing::Contiguous(testing::NumbersByServiceAndDay(db), &why)) << why;
}

TEST(Fault, RetryAfterDeadlineWithTheSameRequestIdGetsTheOneTicket) {
  testing::TempDir dir;
  const std::string db = dir.File("queue.db");
  ServerProcess server(QUEUE_SERVER_PATH, db, dir.path().string());
  ASSERT_NE(server.port(), 0);
  auto stub = pb::KioskService::NewStub(server.NewChannel());
  int timed_out = 0;
  std::set<int64_t> tickets;
  constexpr int kRequests = 300;
  for (int i = 0; i < kRequests; ++i) {
    std::string id = "dl-" + std::to_string(i);
    pb::CreateTicketResponse first;
    // A deadline shorter than a durable commit: many of these time out after
    // the server has already stored the ticket.
    grpc::Status st = Create(*stub, id, &first, std::chrono::microseconds(300 + 5 * (i % 100)));
    if (!st.ok()) {
      ASSERT_EQ(st.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << st.error_message();
      ++timed_out;
    }
    pb::CreateTicketResponse retry;
    ASSERT_TRUE(Create(*stub, id, &retry).ok());
    if (st.ok()) {
      EXPECT_EQ(retry.ticket().ticket_id(), first.ticket().ticket_id());
    }
    pb::CreateTicketResponse again;
    ASSERT_TRUE(Create(*stub, id, &again).ok());
    EXPECT_EQ(again.ticket().ticket_id(), retry.ticket().ticket_id());
    tickets.insert(retry.ticket().ticket_id());
  }
  EXPECT_GT(timed_out, 0) << "no request timed out; the test proved nothing";
  EXPECT_EQ(tickets.size(), static_cast<size_t>(kRequests));
  EXPECT_EQ(CountTickets(server), kRequests) << "a retry after a deadline made a second ticket";
  std::string why;
  EXPECT_TRUE(testing::Contiguous(testing::NumbersByServiceAndDay(db), &why)) << why;
}

}  // namespace
}  // namespace shop::queue
