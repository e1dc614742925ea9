// EchoServer: an in-process shop.bench.v1.EchoService server on 127.0.0.1
// with a free port, using gRPC's synchronous server API (as queue-server
// does). It is the baseline: what gRPC alone does on this machine. Start()
// returns nullptr if it cannot listen; the destructor shuts it down.
// port() is safe from any thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "shop/bench/v1/echo_service.grpc.pb.h"

namespace shop::bench {

class EchoServer {
 public:
  static std::unique_ptr<EchoServer> Start();
  ~EchoServer();
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  int port() const { return port_; }

 private:
  class Service;
  EchoServer();

  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace shop::bench
