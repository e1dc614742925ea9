#include "tests/service/test_server.h"

#include <stdexcept>

#include "common/client/rpc.h"

namespace shop::queue::testing {

ServerConfig AlwaysOpenConfig() {
  ServerConfig c = TestConfig();
  for (auto& h : c.branches[0].hours) h = DayHours{0, 24 * 60};
  return c;
}

TestServer::TestServer(std::shared_ptr<const Clock> clock)
    : TestServer(AlwaysOpenConfig(), std::move(clock)) {}

TestServer::TestServer(ServerConfig config, std::shared_ptr<const Clock> clock) {
  db_path_ = dir_.File("queue.db");
  auto store = SqliteStore::Open(db_path_);
  if (!store.ok()) throw std::runtime_error(store.status().ToString());
  store_ = std::move(store).value();
  pausing_ = std::make_shared<PausingStore>(store_);
  QueueServerOptions options;
  options.listen = "127.0.0.1:0";
  options.config = std::move(config);
  options.store = pausing_;
  options.clock = std::move(clock);
  options.drain_linger = absl::ZeroDuration();
  auto server = QueueServer::Start(std::move(options));
  if (!server.ok()) throw std::runtime_error(server.status().ToString());
  server_ = std::move(server).value();
  supervisor_token_ = Token(Role::kSupervisor);
}

TestServer::~TestServer() {
  pausing_->Resume();
  server_.reset();
  pausing_.reset();
  store_.reset();
}

std::shared_ptr<grpc::Channel> TestServer::AnonymousChannel() const {
  return grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
}

std::shared_ptr<grpc::Channel> TestServer::ChannelWith(const std::string& token) const {
  return client::CreateChannelWithToken(address(), grpc::InsecureChannelCredentials(), token);
}

std::shared_ptr<grpc::Channel> TestServer::Channel() { return ChannelWith(supervisor_token_); }

std::string TestServer::Token(Role role) {
  AuthManager& auth = server_->auth();
  std::string name = std::string(RoleName(role)) + "-" + std::to_string(++accounts_);
  if (role == Role::kKiosk || role == Role::kBoard) {
    auto token = auth.IssueDevice(name, role, "test", "test");
    if (!token.ok()) throw std::runtime_error(token.status().ToString());
    return *token;
  }
  Status st = auth.AddStaff(name, "Test " + name, role, "test-password", "test");
  if (!st.ok()) throw std::runtime_error(st.ToString());
  auto login = auth.Login(name, "test-password");
  if (!login.ok()) throw std::runtime_error(login.status().ToString());
  return login->token;
}

}  // namespace shop::queue::testing
