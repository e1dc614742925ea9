// Crash safety: the real queue-server binary as a child process, loaded from
// several threads, killed with SIGKILL mid-load, restarted on the same file.
// Every answered create must be there, numbers must have no duplicate and no
// gap, and SQLite must report the file sound.
//
// CRASH_TEST_ROUNDS=N in the environment runs N kill/restart rounds (default 3).
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;

class ServerProcess {
 public:
  ServerProcess(const std::string& db, const std::string& port_file) {
    std::remove(port_file.c_str());
    pid_ = fork();
    if (pid_ == 0) {
      execl(QUEUE_SERVER_PATH, QUEUE_SERVER_PATH, "--listen", "127.0.0.1:0", "--db", db.c_str(),
            "--port-file", port_file.c_str(), "--log-level", "warn", nullptr);
      _exit(127);
    }
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::ifstream in(port_file);
      if (!(in >> port_)) port_ = 0;
      if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  ~ServerProcess() { Kill(SIGKILL); }
  int port() const { return port_; }
  void Kill(int sig) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

struct Answered {
  int64_t ticket_id;
  std::string display_number;
};

std::vector<std::vector<int64_t>> NumbersByServiceAndDay(const std::string& db_path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT number_prefix, business_day, number FROM tickets "
                     "ORDER BY number_prefix, business_day, number",
                     -1, &st, nullptr);
  std::map<std::string, std::vector<int64_t>> groups;
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string key = reinterpret_cast<const char*>(sqlite3_column_text(st, 0)) +
                      std::string("/") + reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    groups[key].push_back(sqlite3_column_int64(st, 2));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  std::vector<std::vector<int64_t>> out;
  for (auto& [k, v] : groups) out.push_back(v);
  return out;
}

std::string IntegrityCheck(const std::string& db_path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr);
  std::string out = sqlite3_step(st) == SQLITE_ROW
                        ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0))
                        : "no answer";
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

grpc::Status Create(pb::KioskService::Stub& stub, const std::string& prefix,
                    const std::string& request_id, pb::CreateTicketResponse* resp) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  pb::CreateTicketRequest req;
  req.set_branch_id("demo");
  req.set_service_prefix(prefix);
  req.set_request_id(request_id);
  return stub.CreateTicket(&ctx, req, resp);
}

TEST(Crash, KillNineMidLoadLosesNoAnsweredTicket) {
  int rounds = 3;
  if (const char* env = std::getenv("CRASH_TEST_ROUNDS")) rounds = std::max(1, std::atoi(env));
  testing::TempDir dir;
  const std::string db = dir.File("queue.db");
  const std::string port_file = dir.File("port");
  std::map<std::string, Answered> answered;  // request_id -> ticket
  std::mt19937 rng(std::random_device{}());

  for (int round = 0; round < rounds; ++round) {
    ServerProcess server(db, port_file);
    ASSERT_NE(server.port(), 0) << "server did not start";
    std::string address = "127.0.0.1:" + std::to_string(server.port());
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::thread> load;
    for (int t = 0; t < 6; ++t) {
      load.emplace_back([&, t] {
        auto stub = pb::KioskService::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
        for (int i = 0; !stop; ++i) {
          std::string id = "r" + std::to_string(round) + "-t" + std::to_string(t) + "-" +
                           std::to_string(i);
          pb::CreateTicketResponse resp;
          grpc::Status st = Create(*stub, t % 2 ? "R" : "P", id, &resp);
          if (!st.ok()) break;  // the server died
          std::lock_guard lock(mu);
          answered[id] = {resp.ticket().ticket_id(), resp.ticket().display_number()};
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 400));
    server.Kill(SIGKILL);
    stop = true;
    for (auto& th : load) th.join();

    // Restart on the same file: all answered tickets are there.
    ServerProcess again(db, port_file);
    ASSERT_NE(again.port(), 0) << "server did not restart after kill -9";
    auto stub = pb::KioskService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(again.port()), grpc::InsecureChannelCredentials()));
    for (const auto& [id, a] : answered) {
      grpc::ClientContext ctx;
      pb::GetTicketRequest req;
      req.set_branch_id("demo");
      req.set_ticket_id(a.ticket_id);
      pb::GetTicketResponse resp;
      grpc::Status st = stub->GetTicket(&ctx, req, &resp);
      ASSERT_TRUE(st.ok()) << "round " << round << ": answered ticket " << a.display_number
                           << " is lost: " << st.error_message();
      EXPECT_EQ(resp.ticket().display_number(), a.display_number);
    }
    // A client retrying an answered create gets the same ticket back.
    if (!answered.empty()) {
      const auto& [id, a] = *answered.begin();
      pb::CreateTicketResponse resp;
      ASSERT_TRUE(Create(*stub, a.display_number.substr(0, 1), id, &resp).ok());
      EXPECT_EQ(resp.ticket().ticket_id(), a.ticket_id);
    }
    stub.reset();  // an idle connected client delays a graceful stop by a few seconds
    again.Kill(SIGTERM);
    for (const auto& numbers : NumbersByServiceAndDay(db)) {
      for (size_t i = 0; i < numbers.size(); ++i)
        ASSERT_EQ(numbers[i], static_cast<int64_t>(i + 1))
            << "round " << round << ": numbers have a gap or a duplicate";
    }
    ASSERT_EQ(IntegrityCheck(db), "ok");
  }
  EXPECT_GT(answered.size(), 0u);
}

}  // namespace
}  // namespace shop::queue
