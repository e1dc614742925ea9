// Crash safety: the real queue-server binary as a child process, loaded by
// kiosks and counters from several threads, killed with SIGKILL at a random
// moment, restarted on the same file. After every round: every answered
// create is there, every answered call-next left its ticket called, no
// counter holds two tickets, numbers per service and day run 1..n without a
// gap or duplicate, and PRAGMA integrity_check is ok.
//
// CRASH_TEST_ROUNDS=N runs N rounds (default 10), e.g. 1000 by hand.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
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

struct Answered {
  int64_t ticket_id;
  std::string display_number;
};

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return ctx;
}

grpc::Status Create(pb::KioskService::Stub& stub, const std::string& prefix,
                    const std::string& request_id, pb::CreateTicketResponse* resp) {
  pb::CreateTicketRequest req;
  req.set_branch_id("demo");
  req.set_service_prefix(prefix);
  req.set_request_id(request_id);
  return stub.CreateTicket(Ctx().get(), req, resp);
}

// A counter that calls and finishes tickets until the server dies. Records
// the tickets whose call-next was answered.
void RunCounter(std::shared_ptr<grpc::Channel> channel, const std::string& counter, int round,
                std::atomic<bool>& stop, std::mutex& mu, std::map<int64_t, std::string>& called) {
  auto stub = pb::CounterService::NewStub(channel);
  pb::OpenCounterRequest open;
  open.set_branch_id("demo");
  open.set_counter_id(counter);
  pb::OpenCounterResponse opened;
  if (!stub->OpenCounter(Ctx().get(), open, &opened).ok()) return;
  // A counter may still hold a ticket from the round before the crash.
  pb::GetCounterRequest get;
  get.set_branch_id("demo");
  get.set_counter_id(counter);
  pb::GetCounterResponse state;
  if (stub->GetCounter(Ctx().get(), get, &state).ok() && state.counter().current_ticket_id()) {
    pb::MarkNoShowTicketRequest ns;
    ns.set_branch_id("demo");
    ns.set_counter_id(counter);
    ns.set_ticket_id(state.counter().current_ticket_id());
    pb::MarkNoShowTicketResponse r;
    (void)stub->MarkNoShowTicket(Ctx().get(), ns, &r);
  }
  for (int i = 0; !stop; ++i) {
    pb::CallNextTicketRequest req;
    req.set_branch_id("demo");
    req.set_counter_id(counter);
    req.set_request_id("c" + counter + "-r" + std::to_string(round) + "-" + std::to_string(i));
    pb::CallNextTicketResponse resp;
    grpc::Status st = stub->CallNextTicket(Ctx().get(), req, &resp);
    if (st.error_code() == grpc::StatusCode::NOT_FOUND) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    if (!st.ok()) return;
    {
      std::lock_guard lock(mu);
      called[resp.ticket().ticket_id()] = counter;
    }
    pb::MarkNoShowTicketRequest ns;
    ns.set_branch_id("demo");
    ns.set_counter_id(counter);
    ns.set_ticket_id(resp.ticket().ticket_id());
    pb::MarkNoShowTicketResponse r;
    if (!stub->MarkNoShowTicket(Ctx().get(), ns, &r).ok()) return;
  }
}

TEST(Crash, KillNineLoopLosesNoAnsweredWrite) {
  int rounds = 10;
  if (const char* env = std::getenv("CRASH_TEST_ROUNDS")) rounds = std::max(1, std::atoi(env));
  testing::TempDir dir;
  const std::string db = dir.File("queue.db");
  std::map<std::string, Answered> answered;  // request_id -> ticket
  std::map<int64_t, std::string> called;     // ticket id -> counter
  std::mt19937 rng(std::random_device{}());

  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    ServerProcess server(QUEUE_SERVER_PATH, db, dir.path().string());
    ASSERT_NE(server.port(), 0) << "server did not start";
    ASSERT_FALSE(server.Token().empty()) << "cannot log in";
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    for (int i = 0; i < 6; ++i) channels.push_back(server.NewChannel());
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::thread> load;
    for (int t = 0; t < 4; ++t) {
      load.emplace_back([&, t] {
        auto stub = pb::KioskService::NewStub(channels[t]);
        for (int i = 0; !stop; ++i) {
          std::string id = "r" + std::to_string(round) + "-t" + std::to_string(t) + "-" +
                           std::to_string(i);
          pb::CreateTicketResponse resp;
          if (!Create(*stub, t % 2 ? "R" : "P", id, &resp).ok()) return;  // the server died
          std::lock_guard lock(mu);
          answered[id] = {resp.ticket().ticket_id(), resp.ticket().display_number()};
        }
      });
    }
    for (int k = 0; k < 2; ++k) {
      std::string c = std::to_string(k + 1);
      load.emplace_back([&, c, k] { RunCounter(channels[4 + k], c, round, stop, mu, called); });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 450));
    server.Stop(SIGKILL);
    stop = true;
    for (auto& th : load) th.join();

    ServerProcess again(QUEUE_SERVER_PATH, db, dir.path().string());
    ASSERT_NE(again.port(), 0) << "server did not restart after kill -9";
    {
      auto kiosk = pb::KioskService::NewStub(again.NewChannel());
      for (const auto& [id, a] : answered) {
        pb::GetTicketRequest req;
        req.set_branch_id("demo");
        req.set_ticket_id(a.ticket_id);
        pb::GetTicketResponse resp;
        grpc::Status st = kiosk->GetTicket(Ctx().get(), req, &resp);
        ASSERT_TRUE(st.ok()) << "answered ticket " << a.display_number << " is lost";
        ASSERT_EQ(resp.ticket().display_number(), a.display_number);
        if (called.count(a.ticket_id)) {
          ASSERT_NE(resp.ticket().state(), pb::TICKET_STATE_WAITING)
              << a.display_number << " was called, but is waiting again";
        }
      }
      // A client retrying an answered create gets the same ticket back.
      if (!answered.empty()) {
        const auto& [id, a] = *std::next(answered.begin(), rng() % answered.size());
        pb::CreateTicketResponse resp;
        ASSERT_TRUE(Create(*kiosk, a.display_number.substr(0, 1), id, &resp).ok());
        EXPECT_EQ(resp.ticket().ticket_id(), a.ticket_id);
      }
      // No counter holds two called or serving tickets.
      auto desk = pb::CounterService::NewStub(again.NewChannel());
      pb::ListTicketsRequest list;
      list.set_branch_id("demo");
      list.set_state(pb::TICKET_STATE_CALLED);
      list.set_page_size(1000);
      pb::ListTicketsResponse active;
      ASSERT_TRUE(desk->ListTickets(Ctx().get(), list, &active).ok());
      std::map<std::string, int> per_counter;
      for (const auto& t : active.tickets())
        ASSERT_LE(++per_counter[t.counter_id()], 1) << "counter " << t.counter_id();
    }
    again.Stop(SIGTERM);
    std::string why;
    ASSERT_TRUE(testing::Contiguous(testing::NumbersByServiceAndDay(db), &why)) << why;
    ASSERT_EQ(testing::IntegrityCheck(db), "ok");
  }
  EXPECT_GT(answered.size(), 0u);
  EXPECT_GT(called.size(), 0u);
}

}  // namespace
}  // namespace shop::queue
