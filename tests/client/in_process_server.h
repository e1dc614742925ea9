// InProcessServer: a gRPC server on 127.0.0.1 (a free port, or the one given)
// hosting fake services for client tests. Shuts down (cancelling open
// streams) when destroyed. Not thread-safe; the services must outlive it.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include "common/client/rpc.h"

namespace shop::queue::test_support {

class InProcessServer {
 public:
  // `port` 0: a free port. Another port: that one (for a server that comes
  // back where an earlier one was).
  explicit InProcessServer(std::initializer_list<grpc::Service*> services, int port = 0) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:" + std::to_string(port),
                             grpc::InsecureServerCredentials(), &port_);
    for (grpc::Service* service : services) builder.RegisterService(service);
    server_ = builder.BuildAndStart();
  }
  ~InProcessServer() {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
  }

  bool started() const { return server_ != nullptr && port_ > 0; }
  int port() const { return port_; }
  std::shared_ptr<grpc::Channel> NewChannel() const {
    return client::MakeChannel("127.0.0.1:" + std::to_string(port_));
  }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace shop::queue::test_support
