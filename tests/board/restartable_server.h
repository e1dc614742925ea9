// A real queue server in-process that can be stopped and started again on
// the same port and database, as a shop's server restarts under a running
// board. Branch "test" (tests/support/test_config.h), open around the clock.
// For tests only; not thread-safe.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "server/crypto/pii_key.h"
#include "server/service/server.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/service/test_server.h"
#include "tests/support/test_config.h"

namespace shop::queue::testing {

class RestartableServer {
 public:
  static constexpr const char* kSupervisor = "board-test-super";
  static constexpr const char* kPassword = "test-password";

  explicit RestartableServer(ServerConfig config = AlwaysOpenConfig())
      : config_(std::move(config)),
        hasher_(std::make_shared<crypto::HmacPiiHasher>(std::string(32, 't'))) {
    db_path_ = dir_.File("queue.db");
    Start();
    Status st = server_->auth().AddStaff(kSupervisor, "Test supervisor", Role::kSupervisor,
                                         kPassword, "test");
    if (!st.ok()) throw std::runtime_error(st.ToString());
    auto board = server_->auth().IssueDevice("hall-board", Role::kBoard, "test", "test");
    if (!board.ok()) throw std::runtime_error(board.status().ToString());
    board_token_ = *board;
  }
  ~RestartableServer() { Stop(); }

  // Starts on the port it had (a free one the first time).
  void Start() {
    auto store = SqliteStore::Open(db_path_);
    if (!store.ok()) throw std::runtime_error(store.status().ToString());
    store_ = std::move(store).value();
    QueueServerOptions options;
    options.listen = "127.0.0.1:" + std::to_string(port_);
    options.config = config_;
    options.store = store_;
    options.pii_hasher = hasher_;
    options.drain_linger = absl::ZeroDuration();
    auto server = QueueServer::Start(std::move(options));
    if (!server.ok()) throw std::runtime_error(server.status().ToString());
    server_ = std::move(server).value();
    port_ = server_->port();
  }
  // Stops gracefully (board streams end with UNAVAILABLE) and closes the db.
  void Stop() {
    if (!server_) return;
    server_->Shutdown(absl::Seconds(2));
    server_.reset();
    store_.reset();
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // The hall board's device token (kept in the database: valid after restarts).
  const std::string& board_token() const { return board_token_; }
  // A fresh supervisor session on the running server.
  std::string SupervisorToken() {
    auto login = server_->auth().Login(kSupervisor, kPassword);
    if (!login.ok()) throw std::runtime_error(login.status().ToString());
    return login->token;
  }
  QueueServer& server() { return *server_; }

 private:
  ServerConfig config_;
  std::shared_ptr<const PiiHasher> hasher_;
  TempDir dir_;
  std::string db_path_;
  int port_ = 0;
  std::shared_ptr<SqliteStore> store_;
  std::unique_ptr<QueueServer> server_;
  std::string board_token_;
};

}  // namespace shop::queue::testing
