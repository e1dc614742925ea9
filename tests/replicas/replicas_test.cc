// A chain's deployment: several real queue-server processes (replicas) on
// one PostgreSQL database, a throwaway cluster of the test's own.
//
// - Two replicas, 20 counters on each calling next 500 times while kiosks on
//   both issue tickets: no ticket is called twice, numbers per service and
//   day run 1..n.
// - kill -9 of one replica under load: the other goes on, no confirmed
//   ticket is lost, and the background work moves to the survivor.
// - The database stopped and started under load: calls fail with
//   UNAVAILABLE (quickly, not hanging), then succeed again by themselves;
//   nothing half-written.
// - A call on replica B reaches a board watching replica A within 1 s, and a
//   call made while A's change feed reconnects is not missed.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "server/storage/postgres/pg_conn.h"
#include "shop/queue/v1/board_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/server_process.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;
using testing::PgCluster;
using testing::ServerProcess;
using Clock = std::chrono::steady_clock;

constexpr const char* kBranch = "chain";
constexpr int kCounters = 40;  // "1".."40": replica A serves 1..20, B 21..40

std::unique_ptr<grpc::ClientContext> Ctx(int seconds = 10) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return ctx;
}

std::string ChainConfig(const std::string& key_file) {
  std::string out =
      "[[branch]]\nid = \"chain\"\nname = \"Chain shop\"\ntime_zone = \"Europe/Moscow\"\n"
      "max_recalls = 2\nclosed_dates = []\n\n[branch.hours]\n";
  for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"})
    out += std::string(day) + " = \"00:00-24:00\"\n";
  out += "\n[[branch.service]]\nprefix = \"R\"\nname = { ru = \"Р\", en = \"R\", zh = \"R\" }\n"
         "default_service_minutes = 5\n\n"
         "[[branch.service]]\nprefix = \"P\"\nname = { ru = \"П\", en = \"P\", zh = \"P\" }\n"
         "default_service_minutes = 5\n\n";
  for (int c = 1; c <= kCounters; ++c)
    out += "[[branch.counter]]\nid = \"" + std::to_string(c) + "\"\nname = \"Counter " +
           std::to_string(c) + "\"\nservices = [\"R\", \"P\"]\n\n";
  out += "[privacy]\nkey_file = \"" + key_file + "\"\n";
  return out;
}

grpc::Status Create(pb::KioskService::Stub& stub, const std::string& prefix,
                    const std::string& request_id, pb::CreateTicketResponse* resp) {
  pb::CreateTicketRequest req;
  req.set_branch_id(kBranch);
  req.set_service_prefix(prefix);
  req.set_request_id(request_id);
  return stub.CreateTicket(Ctx().get(), req, resp);
}

grpc::Status OpenCounter(pb::CounterService::Stub& stub, const std::string& counter) {
  pb::OpenCounterRequest req;
  req.set_branch_id(kBranch);
  req.set_counter_id(counter);
  pb::OpenCounterResponse resp;
  return stub.OpenCounter(Ctx().get(), req, &resp);
}

grpc::Status CallNext(pb::CounterService::Stub& stub, const std::string& counter,
                      const std::string& request_id, pb::CallNextTicketResponse* resp) {
  pb::CallNextTicketRequest req;
  req.set_branch_id(kBranch);
  req.set_counter_id(counter);
  req.set_request_id(request_id);
  return stub.CallNextTicket(Ctx().get(), req, resp);
}

grpc::Status NoShow(pb::CounterService::Stub& stub, const std::string& counter, int64_t ticket) {
  pb::MarkNoShowTicketRequest req;
  req.set_branch_id(kBranch);
  req.set_counter_id(counter);
  req.set_ticket_id(ticket);
  pb::MarkNoShowTicketResponse resp;
  return stub.MarkNoShowTicket(Ctx().get(), req, &resp);
}

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = PgCluster::Start();
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    cluster_ = std::move(cluster).value();
    const std::string name = cluster_->UniqueName("chain");
    ASSERT_TRUE(cluster_->CreateDatabase(name).ok());
    uri_ = cluster_->Uri(name);
    config_ = dir_.File("chain.toml");
    std::ofstream(config_) << ChainConfig(dir_.File("pii.key"));
  }

  std::unique_ptr<ServerProcess> Replica(const std::string& log_name) {
    auto p = std::make_unique<ServerProcess>(
        QUEUE_SERVER_PATH, uri_, dir_.path().string(),
        std::vector<std::string>{"--config", config_, "--sweep-seconds", "1"},
        dir_.File(log_name));
    EXPECT_NE(p->port(), 0) << "replica did not start; see " << dir_.File(log_name);
    return p;
  }

  // Plain SQL on the chain's database.
  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    std::vector<std::vector<std::string>> out;
    auto conn = pg::Conn::Open(uri_);
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return out;
    auto rows = (*conn)->Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok()) return out;
    for (int r = 0; r < rows->size(); ++r) {
      out.emplace_back();
      for (int c = 0; c < rows->columns(); ++c) out.back().push_back(rows->Text(r, c));
    }
    return out;
  }

  // Numbers per service and day run 1..n; the why of the first gap.
  std::string NumberingProblem() {
    auto rows = Query(
        "SELECT number_prefix, business_day, COUNT(*), MIN(number), MAX(number), "
        "COUNT(DISTINCT number) FROM tickets GROUP BY number_prefix, business_day");
    for (const auto& r : rows)
      if (r[3] != "1" || r[4] != r[2] || r[5] != r[2])
        return r[0] + " on " + r[1] + ": " + r[2] + " tickets, numbers " + r[3] + ".." + r[4] +
               ", " + r[5] + " distinct";
    return "";
  }

  // The application_name of the session holding the background lease.
  std::string LeaseHolder() {
    auto rows = Query(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 1364542805 "
        "AND l.objid = 1157627907");
    return rows.empty() ? "" : rows[0][0];
  }

  testing::TempDir dir_;
  std::unique_ptr<PgCluster> cluster_;
  std::string uri_;
  std::string config_;
};

// Kiosks issuing on `server` until `stop`; answered request ids -> ticket.
void IssueUntil(ServerProcess& server, const std::string& tag, std::atomic<bool>& stop,
                std::mutex& mu, std::map<std::string, int64_t>& answered, bool stop_on_error) {
  auto stub = pb::KioskService::NewStub(server.NewChannel());
  for (int i = 0; !stop; ++i) {
    const std::string id = tag + "-" + std::to_string(i);
    pb::CreateTicketResponse resp;
    grpc::Status st = Create(*stub, i % 2 ? "R" : "P", id, &resp);
    if (!st.ok()) {
      if (stop_on_error) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    std::lock_guard lock(mu);
    answered[id] = resp.ticket().ticket_id();
  }
}

TEST_F(ReplicasTest, TwoReplicasNeverCallOneTicketTwiceAndNumberWithoutGaps) {
  constexpr int kCallsPerCounter = 500;
  constexpr int kTickets = kCounters * kCallsPerCounter;
  auto a = Replica("a.log");
  auto b = Replica("b.log");
  ASSERT_TRUE(a->port() && b->port());
  std::mutex mu;
  std::map<std::string, int64_t> answered;
  // Kiosks on both replicas issue every ticket the counters will call; the
  // counters start once a tenth is there and call while the rest arrive.
  std::atomic<int> issued{0};
  std::vector<std::thread> kiosks;
  for (int k = 0; k < 8; ++k)
    kiosks.emplace_back([&, k] {
      auto stub = pb::KioskService::NewStub((k % 2 ? *b : *a).NewChannel());
      for (int i = 0; issued.fetch_add(1) < kTickets; ++i) {
        const std::string id = "k" + std::to_string(k) + "-" + std::to_string(i);
        pb::CreateTicketResponse resp;
        grpc::Status st;
        for (int attempt = 0; attempt < 5; ++attempt)  // the same request id: one ticket
          if ((st = Create(*stub, i % 2 ? "R" : "P", id, &resp)).ok()) break;
        ASSERT_TRUE(st.ok()) << st.error_message();
        std::lock_guard lock(mu);
        answered[id] = resp.ticket().ticket_id();
      }
    });
  while (issued.load() < kTickets / 10) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::map<int64_t, std::string> called;  // ticket -> counter
  std::vector<std::string> doubles;
  std::vector<std::thread> counters;
  std::atomic<int> failures{0};
  for (int c = 1; c <= kCounters; ++c) {
    counters.emplace_back([&, c] {
      ServerProcess& server = c <= kCounters / 2 ? *a : *b;
      auto stub = pb::CounterService::NewStub(server.NewChannel());
      const std::string counter = std::to_string(c);
      if (!OpenCounter(*stub, counter).ok()) return void(++failures);
      for (int n = 0, attempt = 0; n < kCallsPerCounter && attempt < 100000; ++attempt) {
        pb::CallNextTicketResponse resp;
        grpc::Status st =
            CallNext(*stub, counter, "c" + counter + "-" + std::to_string(attempt), &resp);
        if (st.error_code() == grpc::StatusCode::NOT_FOUND) {  // the queue is empty just now
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
        if (!st.ok()) return void(++failures);
        {
          std::lock_guard lock(mu);
          auto [it, fresh] = called.emplace(resp.ticket().ticket_id(), counter);
          if (!fresh)
            doubles.push_back(std::to_string(it->first) + " at " + it->second + " and " + counter);
        }
        if (!NoShow(*stub, counter, resp.ticket().ticket_id()).ok()) return void(++failures);
        ++n;
      }
    });
  }
  for (auto& t : counters) t.join();
  for (auto& t : kiosks) t.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(doubles.empty()) << doubles.size() << " double calls, first: " << doubles.front();
  EXPECT_EQ(called.size(), size_t{kTickets});
  EXPECT_EQ(answered.size(), size_t{kTickets});
  EXPECT_EQ(NumberingProblem(), "");
  // Each ticket has one call in its history, across both replicas.
  auto twice = Query("SELECT COUNT(*) FROM (SELECT ticket_id FROM ticket_events WHERE kind = "
                     "'call' GROUP BY ticket_id HAVING COUNT(*) > 1) AS d");
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_EQ(twice[0][0], "0");
  auto stored = Query("SELECT COUNT(*) FROM tickets");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0][0], std::to_string(kTickets));
}

TEST_F(ReplicasTest, KillNineOfOneReplicaLosesNothingAndTheOtherTakesOverTheBackgroundWork) {
  auto a = Replica("a.log");
  ASSERT_TRUE(a->port());
  // A starts first, so it takes the background lease.
  const auto began = Clock::now();
  while (LeaseHolder().empty() && Clock::now() - began < std::chrono::seconds(10))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::string a_holder = LeaseHolder();
  ASSERT_EQ(a_holder, "queue-server/" + std::to_string(a->pid()) + " lease");
  auto b = Replica("b.log");
  ASSERT_TRUE(b->port());

  std::atomic<bool> stop_a{false}, stop_b{false};
  std::mutex mu;
  std::map<std::string, int64_t> answered;
  std::vector<std::thread> on_a, on_b;
  for (int k = 0; k < 2; ++k) {
    on_a.emplace_back([&, k] { IssueUntil(*a, "a" + std::to_string(k), stop_a, mu, answered, true); });
    on_b.emplace_back([&, k] { IssueUntil(*b, "b" + std::to_string(k), stop_b, mu, answered, false); });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  a->Stop(SIGKILL);
  stop_a = true;
  for (auto& t : on_a) t.join();
  size_t before;
  {
    std::lock_guard lock(mu);
    before = answered.size();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  stop_b = true;
  for (auto& t : on_b) t.join();
  EXPECT_GT(answered.size(), before) << "replica B stopped issuing when A died";

  // Every answered ticket is stored, and numbering has no gap.
  std::set<std::string> ids;
  for (const auto& r : Query("SELECT ticket_id FROM tickets")) ids.insert(r[0]);
  for (const auto& [request, ticket] : answered)
    EXPECT_TRUE(ids.count(std::to_string(ticket))) << request << " -> " << ticket << " is lost";
  EXPECT_EQ(NumberingProblem(), "");

  // B takes the background lease within a few sweeps (--sweep-seconds 1).
  const std::string b_holder = "queue-server/" + std::to_string(b->pid()) + " lease";
  const auto died = Clock::now();
  while (LeaseHolder() != b_holder && Clock::now() - died < std::chrono::seconds(15))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(LeaseHolder(), b_holder);
}

TEST_F(ReplicasTest, TheDatabaseStoppedAndStartedUnderLoadGivesUnavailableThenRecovers) {
  auto a = Replica("a.log");
  ASSERT_TRUE(a->port());
  auto stub = pb::KioskService::NewStub(a->NewChannel());
  std::map<std::string, int64_t> answered;
  int i = 0;
  auto issue = [&](grpc::Status* st) {
    const std::string id = "x" + std::to_string(i++);
    pb::CreateTicketResponse resp;
    *st = Create(*stub, "R", id, &resp);
    if (st->ok()) answered[id] = resp.ticket().ticket_id();
  };
  grpc::Status st;
  for (int k = 0; k < 50; ++k) {
    issue(&st);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  ASSERT_TRUE(cluster_->Stop(PgCluster::StopMode::kFast).ok());
  // Down: each call fails with UNAVAILABLE, within seconds (no hang).
  for (int k = 0; k < 5; ++k) {
    const auto t0 = Clock::now();
    issue(&st);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << st.error_message();
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(8));
  }
  ASSERT_TRUE(cluster_->StartAgain().ok());
  // Back: calls succeed again by themselves, within a few seconds.
  const auto up = Clock::now();
  do {
    issue(&st);
    if (!st.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (!st.ok() && Clock::now() - up < std::chrono::seconds(20));
  ASSERT_TRUE(st.ok()) << "still failing after the database came back: " << st.error_message();
  for (int k = 0; k < 20; ++k) {
    issue(&st);
    EXPECT_TRUE(st.ok()) << st.error_message();
  }
  std::set<std::string> ids;
  for (const auto& r : Query("SELECT ticket_id FROM tickets")) ids.insert(r[0]);
  for (const auto& [request, ticket] : answered)
    EXPECT_TRUE(ids.count(std::to_string(ticket))) << request << " is lost";
  EXPECT_EQ(NumberingProblem(), "");
  // Every stored ticket has its history line: nothing half-written.
  auto orphans = Query("SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS "
                       "(SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.ticket_id)");
  ASSERT_EQ(orphans.size(), 1u);
  EXPECT_EQ(orphans[0][0], "0");
}

// Watches replica `server`'s board; the display numbers of calls arrive in
// `seen` with their arrival time.
class BoardWatch {
 public:
  explicit BoardWatch(ServerProcess& server) : stub_(pb::BoardService::NewStub(server.NewChannel())) {
    pb::WatchBoardRequest req;
    req.set_branch_id(kBranch);
    reader_ = stub_->WatchBoard(&ctx_, req);
    pb::WatchBoardResponse first;
    ok_ = reader_->Read(&first);  // the snapshot
    thread_ = std::thread([this] {
      pb::WatchBoardResponse msg;
      while (reader_->Read(&msg)) {
        std::lock_guard lock(mu_);
        for (const auto& c : msg.calls()) seen_.emplace(c.display_number(), Clock::now());
      }
    });
  }
  ~BoardWatch() {
    ctx_.TryCancel();
    thread_.join();
  }
  bool ok() const { return ok_; }
  // When `number` arrived, waiting up to `timeout` for it.
  std::optional<Clock::time_point> Arrival(const std::string& number, std::chrono::seconds timeout) {
    const auto until = Clock::now() + timeout;
    while (Clock::now() < until) {
      {
        std::lock_guard lock(mu_);
        auto it = seen_.find(number);
        if (it != seen_.end()) return it->second;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return std::nullopt;
  }

 private:
  std::unique_ptr<pb::BoardService::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<pb::WatchBoardResponse>> reader_;
  bool ok_ = false;
  std::thread thread_;
  std::mutex mu_;
  std::multimap<std::string, Clock::time_point> seen_;
};

TEST_F(ReplicasTest, ACallOnOneReplicaReachesTheOtherOnesBoardWithinASecondAcrossAReconnect) {
  auto a = Replica("a.log");
  auto b = Replica("b.log");
  ASSERT_TRUE(a->port() && b->port());
  auto kiosk = pb::KioskService::NewStub(b->NewChannel());
  auto desk = pb::CounterService::NewStub(b->NewChannel());
  ASSERT_TRUE(OpenCounter(*desk, "21").ok());
  BoardWatch board(*a);
  ASSERT_TRUE(board.ok());

  auto call_one = [&](const std::string& tag) -> std::pair<std::string, Clock::time_point> {
    pb::CreateTicketResponse made;
    EXPECT_TRUE(Create(*kiosk, "R", tag, &made).ok());
    pb::CallNextTicketResponse called;
    grpc::Status st = CallNext(*desk, "21", tag + "-call", &called);
    const auto at = Clock::now();
    EXPECT_TRUE(st.ok()) << st.error_message();
    EXPECT_TRUE(NoShow(*desk, "21", called.ticket().ticket_id()).ok());
    return {called.ticket().display_number(), at};
  };
  for (int k = 0; k < 5; ++k) {
    auto [number, at] = call_one("t" + std::to_string(k));
    auto arrived = board.Arrival(number, std::chrono::seconds(5));
    ASSERT_TRUE(arrived) << number << " never reached replica A's board";
    EXPECT_LT(*arrived - at, std::chrono::seconds(1)) << number;
  }

  // A's change feed loses its connection; a call made meanwhile still
  // reaches A's board once the feed is back (it re-reads what it missed).
  auto killed = Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                      "application_name = 'queue-server/" + std::to_string(a->pid()) + " feed'");
  ASSERT_EQ(killed.size(), 1u) << "replica A's feed session not found";
  auto [number, at] = call_one("gap");
  auto arrived = board.Arrival(number, std::chrono::seconds(10));
  ASSERT_TRUE(arrived) << number << " was missed across the reconnect";
}

}  // namespace
}  // namespace shop::queue
