// A real queue server (gRPC and the HTTP face on 127.0.0.1, ports picked by
// the OS, a fresh SQLite file) and small helpers to talk HTTP and gRPC to
// it, for the JSON API's and live streams' tests.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/http_transport/test_client.h"
#include "tests/service/test_server.h"

namespace shop::queue::testing {

namespace pb = ::shop::queue::v1;
using http::testing::Conn;
using http::testing::HttpReply;

inline ServerConfig WebConfig() {
  ServerConfig c = AlwaysOpenConfig();
  c.http.listen = "127.0.0.1:0";
  c.branches[0].services[0].slot_length = absl::Minutes(15);  // R can be booked
  return c;
}

class WebServer {
 public:
  explicit WebServer(ServerConfig config = WebConfig()) : server_(std::move(config), nullptr) {
    kiosk_ = pb::KioskService::NewStub(server_.Channel());
    counter_ = pb::CounterService::NewStub(server_.Channel());
  }
  int http_port() { return server_.server().http_port(); }
  TestServer& server() { return server_; }

  // One request on a fresh connection; the reply (status 0 when none came).
  HttpReply Request(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& extra_headers = "",
                    const std::string& content_type = "application/json") {
    Conn c(http_port());
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers;
    if (!body.empty() || method == "POST")
      req += "Content-Type: " + content_type + "\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    c.Send(req);
    auto r = c.ReadReply();
    return r ? *r : HttpReply{};
  }
  HttpReply Post(const std::string& path, const std::string& json,
                 const std::string& extra_headers = "") {
    return Request("POST", path, json, extra_headers);
  }

  pb::CreateTicketResponse TakeTicket(const std::string& prefix = "R") {
    grpc::ClientContext ctx;
    pb::CreateTicketRequest req;
    req.set_branch_id("test");
    req.set_service_prefix(prefix);
    req.set_language(pb::LANGUAGE_EN);
    req.set_request_id("web-" + std::to_string(++seq_));
    pb::CreateTicketResponse resp;
    auto st = kiosk_->CreateTicket(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp;
  }
  void OpenCounter(const std::string& counter) {
    grpc::ClientContext ctx;
    pb::OpenCounterRequest req;
    req.set_branch_id("test");
    req.set_counter_id(counter);
    pb::OpenCounterResponse resp;
    auto st = counter_->OpenCounter(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  // The called ticket's number, or "" when nobody waits.
  std::string CallNext(const std::string& counter) {
    grpc::ClientContext ctx;
    pb::CallNextTicketRequest req;
    req.set_branch_id("test");
    req.set_counter_id(counter);
    req.set_request_id("next-" + std::to_string(++seq_));
    pb::CallNextTicketResponse resp;
    auto st = counter_->CallNextTicket(&ctx, req, &resp);
    return st.ok() ? resp.ticket().display_number() : "";
  }
  void Finish(const std::string& counter, int64_t ticket_id) {
    {
      grpc::ClientContext ctx;
      pb::StartTicketRequest req;
      req.set_branch_id("test");
      req.set_counter_id(counter);
      req.set_ticket_id(ticket_id);
      pb::StartTicketResponse resp;
      ASSERT_TRUE(counter_->StartTicket(&ctx, req, &resp).ok());
    }
    grpc::ClientContext ctx;
    pb::CompleteTicketRequest req;
    req.set_branch_id("test");
    req.set_counter_id(counter);
    req.set_ticket_id(ticket_id);
    pb::CompleteTicketResponse resp;
    ASSERT_TRUE(counter_->CompleteTicket(&ctx, req, &resp).ok());
  }

 private:
  TestServer server_;
  std::unique_ptr<pb::KioskService::Stub> kiosk_;
  std::unique_ptr<pb::CounterService::Stub> counter_;
  int seq_ = 0;
};

}  // namespace shop::queue::testing
