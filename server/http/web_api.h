// WebApi: the routes of the HTTP face (docs/http-api.md): the pages and
// their files, the JSON API (each route one gRPC method of shop.queue.v1,
// through protobuf's JSON mapping and the same PublicCalls as gRPC), the
// live streams (LiveHub), /healthz and /metrics.
//
// Every answer carries the security headers (a strict
// Content-Security-Policy, nosniff, no referrer, no framing). Refusals are
// JSON google.rpc.Status with the HTTP code of their gRPC code.
//
// Thread-safe; borrows everything it is given, which must outlive it.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "server/domain/staff/auth_manager.h"
#include "server/domain/common/rate_limit.h"
#include "server/http/http_server.h"
#include "server/http/live_hub.h"
#include "server/service/metrics.h"
#include "server/service/public_calls.h"
#include "server/service/remote_public_calls.h"

namespace shop::queue::http {

class WebApi {
 public:
  struct Deps {
    const ServerConfig& config;
    service::PublicCalls& calls;
    service::RemotePublicCalls& remote;
    AuthManager& auth;
    RateLimiter& limiter;
    LiveHub& live;
    Metrics& metrics;
  };
  explicit WebApi(Deps deps);

  Response Handle(const Request& req);
  // /healthz answers 503 from now on (the server is stopping).
  void SetNotServing() { serving_ = false; }

  // The route pattern a request counts under in /metrics ("/t/:token").
  static std::string RouteOf(const std::string& path);

  // The one route whose body may be larger than [http] max_body_bytes: an
  // online application with its two photos (RemoteService's
  // ApplyForReplacement), and its limit: two photos of up to 5 MiB in
  // base64 (13.3 MiB) and the form, 15 MiB in all (or max_body_bytes when
  // that is larger).
  static constexpr const char* kApplicationPath = "/api/v1/RemoteService/ApplyForReplacement";
  static constexpr size_t kApplicationMaxBodyBytes = 15 * 1024 * 1024;

 private:
  Response Route(const Request& req, const std::string& path);
  Response Api(const Request& req, const std::string& method_path);
  Response TicketEvents(const Request& req, const std::string& token);
  Response BoardEvents(const Request& req, const std::string& branch);
  Response BoardPage(const Request& req, const std::string& branch);
  Response Page(std::string_view asset);
  Response Static(const std::string& name);
  Response Qr(const Request& req);
  Response Metrics();
  std::string ClientOf(const Request& req) const;

  Deps d_;
  std::atomic<bool> serving_{true};
};

// A refusal as the JSON API answers it: google.rpc.Status JSON with the
// HTTP status of its gRPC code (429 with Retry-After).
Response ErrorResponse(const Status& st);

}  // namespace shop::queue::http
