// Many kiosks and counters at once, through a real server.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/service/test_server.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;

grpc::Status Create(pb::KioskService::Stub& stub, const std::string& prefix,
                    const std::string& request_id, pb::Ticket* out) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  pb::CreateTicketRequest req;
  req.set_branch_id("test");
  req.set_service_prefix(prefix);
  req.set_request_id(request_id);
  pb::CreateTicketResponse resp;
  grpc::Status st = stub.CreateTicket(&ctx, req, &resp);
  *out = resp.ticket();
  return st;
}

TEST(Concurrency, EightKiosksHundredTicketsEachNoDuplicateNoGap) {
  testing::TestServer server;
  constexpr int kThreads = 8, kPerThread = 100;
  std::mutex mu;
  std::vector<int> numbers;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto stub = pb::KioskService::NewStub(server.Channel());  // own connection each
      for (int j = 0; j < kPerThread; ++j) {
        pb::Ticket t;
        grpc::Status st =
            Create(*stub, "R", "k" + std::to_string(i) + "-" + std::to_string(j), &t);
        if (!st.ok()) {
          ++errors;
          continue;
        }
        std::lock_guard lock(mu);
        numbers.push_back(static_cast<int>(std::stoi(t.display_number().substr(1))));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  ASSERT_EQ(numbers.size(), static_cast<size_t>(kThreads * kPerThread));
  std::set<int> distinct(numbers.begin(), numbers.end());
  EXPECT_EQ(distinct.size(), numbers.size()) << "a number was issued twice";
  EXPECT_EQ(*distinct.begin(), 1);
  EXPECT_EQ(*distinct.rbegin(), kThreads * kPerThread) << "a number was skipped";
}

TEST(Concurrency, FourCountersNeverReceiveTheSameTicket) {
  ServerConfig config = testing::AlwaysOpenConfig();
  config.branches[0].counters.push_back({"4", "Counter 4", {"R", "N", "P"}});
  testing::TestServer server(config, nullptr);
  auto kiosk = pb::KioskService::NewStub(server.Channel());
  constexpr int kTickets = 200;
  for (int i = 0; i < kTickets; ++i) {
    pb::Ticket t;
    ASSERT_TRUE(Create(*kiosk, i % 3 == 0 ? "P" : "R", "t" + std::to_string(i), &t).ok());
  }
  const std::vector<std::string> counters = {"1", "2", "4", "3"};
  std::mutex mu;
  std::vector<int64_t> called;
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (const auto& c : counters) {
    threads.emplace_back([&, c] {
      auto stub = pb::CounterService::NewStub(server.Channel());
      {
        grpc::ClientContext ctx;
        pb::OpenCounterRequest req;
        req.set_branch_id("test");
        req.set_counter_id(c);
        pb::OpenCounterResponse resp;
        if (!stub->OpenCounter(&ctx, req, &resp).ok()) ++unexpected;
      }
      for (int i = 0;; ++i) {
        grpc::ClientContext ctx;
        pb::CallNextTicketRequest req;
        req.set_branch_id("test");
        req.set_counter_id(c);
        req.set_request_id(c + "-" + std::to_string(i));
        pb::CallNextTicketResponse resp;
        grpc::Status st = stub->CallNextTicket(&ctx, req, &resp);
        if (st.error_code() == grpc::StatusCode::NOT_FOUND) break;  // queue empty
        if (!st.ok()) {
          ++unexpected;
          break;
        }
        {
          std::lock_guard lock(mu);
          called.push_back(resp.ticket().ticket_id());
        }
        grpc::ClientContext ctx2;
        pb::MarkNoShowTicketRequest ns;
        ns.set_branch_id("test");
        ns.set_counter_id(c);
        ns.set_ticket_id(resp.ticket().ticket_id());
        pb::MarkNoShowTicketResponse nsr;
        if (!stub->MarkNoShowTicket(&ctx2, ns, &nsr).ok()) ++unexpected;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(called.size(), static_cast<size_t>(kTickets));
  EXPECT_EQ(std::set<int64_t>(called.begin(), called.end()).size(), called.size())
      << "two counters received the same ticket";
}

}  // namespace
}  // namespace shop::queue
