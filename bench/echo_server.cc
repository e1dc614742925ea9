#include "bench/echo_server.h"

#include <chrono>

namespace shop::bench {

class EchoServer::Service final : public shop::bench::v1::EchoService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext*, const shop::bench::v1::EchoRequest* req,
                    shop::bench::v1::EchoResponse* resp) override {
    resp->set_payload(req->payload());
    return grpc::Status::OK;
  }
};

EchoServer::EchoServer() : service_(std::make_unique<Service>()) {}

std::unique_ptr<EchoServer> EchoServer::Start() {
  std::unique_ptr<EchoServer> s(new EchoServer());
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &s->port_);
  builder.RegisterService(s->service_.get());
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || s->port_ == 0) return nullptr;
  return s;
}

EchoServer::~EchoServer() {
  if (server_) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
  }
}

}  // namespace shop::bench
