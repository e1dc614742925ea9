#include "tests/service/test_server.h"

#include <stdexcept>

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
  QueueServerOptions options;
  options.listen = "127.0.0.1:0";
  options.config = std::move(config);
  options.store = store_;
  options.clock = std::move(clock);
  options.drain_linger = absl::ZeroDuration();
  auto server = QueueServer::Start(std::move(options));
  if (!server.ok()) throw std::runtime_error(server.status().ToString());
  server_ = std::move(server).value();
}

TestServer::~TestServer() {
  server_.reset();
  store_.reset();
}

std::shared_ptr<grpc::Channel> TestServer::Channel() const {
  return grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
}

}  // namespace shop::queue::testing
