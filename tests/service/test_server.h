// An in-process queue server on 127.0.0.1 with a port the OS picks and a
// fresh database on the suite's engine (tests/support/test_db.h: a SQLite
// file in a temp dir, or a PostgreSQL database), for service tests. For
// tests only.
#pragma once

#include <memory>
#include <string>

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>

#include "server/service/server.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/support/pausing_store.h"
#include "tests/support/test_config.h"
#include "tests/support/test_db.h"

namespace shop::queue::testing {

class TestServer {
 public:
  // `config` defaults to TestConfig() open around the clock.
  explicit TestServer(std::shared_ptr<const Clock> clock = nullptr);
  TestServer(ServerConfig config, std::shared_ptr<const Clock> clock);
  ~TestServer();

  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  // A channel whose calls carry a supervisor's session token (a supervisor
  // may call every kiosk, counter and board method), of login
  // kSupervisorLogin.
  std::shared_ptr<grpc::Channel> Channel();
  static constexpr const char* kSupervisorLogin = "supervisor-main";
  // A channel with no token at all.
  std::shared_ptr<grpc::Channel> AnonymousChannel() const;
  // A channel with `token`.
  std::shared_ptr<grpc::Channel> ChannelWith(const std::string& token) const;
  // A fresh token for `role`: a device token for kiosk and board, a new
  // staff account's session for the others.
  std::string Token(Role role);
  // A new staff account `login` with `role` (password "test-password"),
  // logged in: its session token.
  std::string StaffToken(Role role, const std::string& login);
  // The keyed hash of personal data the server uses (a fixed test key), to
  // seed the register.
  const PiiHasher& hasher() const { return *hasher_; }
  QueueServer& server() { return *server_; }
  EngineStore& store() { return *store_; }
  // The store the server uses: store() behind a PausingStore, so a test can
  // hold a call inside the server.
  PausingStore& pausing() { return *pausing_; }
  // The database: for checks of what is stored.
  const TestDb& db() const { return db_; }
  void Shutdown(absl::Duration grace = absl::Seconds(5)) { server_->Shutdown(grace); }
  // Stops the server, closes the database, and starts a new server (on a new
  // port) with the same configuration and clock on the same database: what
  // a restart keeps, it kept in the database. Channels made before point at
  // the old port: make new ones.
  void Restart();
  // Restart(), on the same port as before: clients that keep their channel
  // (a desktop app) find the new server by themselves.
  void RestartOnSamePort();

 private:
  // Opens the store and starts the server on it.
  void Start();

  TempDir dir_;
  TestDb db_{dir_, "queue.db"};
  ServerConfig config_;
  std::shared_ptr<const Clock> clock_;
  std::shared_ptr<const PiiHasher> hasher_;
  // Photos sealed under the same fixed key: they open after Restart().
  std::shared_ptr<const PhotoSealer> sealer_;
  std::shared_ptr<EngineStore> store_;
  std::shared_ptr<PausingStore> pausing_;
  std::unique_ptr<QueueServer> server_;
  std::string supervisor_token_;
  int accounts_ = 0;
  int listen_port_ = 0;  // 0: a free port
};

// The test branch, open 00:00-24:00 every day.
ServerConfig AlwaysOpenConfig();

// Calls on branch "test" that many service tests make. Each returns the
// call's status and fills `out` (may be null) from the response.
grpc::Status TakeTicket(v1::KioskService::StubInterface& kiosk, const std::string& service,
                        const std::string& request_id, v1::CreateTicketResponse* out = nullptr,
                        v1::Language language = v1::LANGUAGE_UNSPECIFIED,
                        v1::PriorityClass priority = v1::PRIORITY_CLASS_UNSPECIFIED);
// Opens counter `id` for all the services it may serve.
grpc::Status OpenCounter(v1::CounterService::StubInterface& counter, const std::string& id);
grpc::Status CallNext(v1::CounterService::StubInterface& counter, const std::string& id,
                      const std::string& request_id, v1::Ticket* out = nullptr);

// Every RPC of the API, from the proto descriptors.
std::vector<const google::protobuf::MethodDescriptor*> AllMethods();
// "/shop.queue.v1.KioskService/CreateTicket".
std::string MethodPath(const google::protobuf::MethodDescriptor& m);
// Calls `m` with the serialized `request` (deadline 5 s); for a stream,
// reads the first message (OK if one came).
grpc::Status CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                     const google::protobuf::MethodDescriptor& m, const std::string& request);

}  // namespace shop::queue::testing
