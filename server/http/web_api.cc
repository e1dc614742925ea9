#include "server/http/web_api.h"

#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "absl/time/clock.h"
#include "server/http/client_address.h"
#include "server/http/qr_svg.h"
#include "server/http/web_assets.h"
#include "server/service/errors.h"

namespace shop::queue::http {
namespace {

namespace pb = ::shop::queue::v1;

constexpr const char* kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
constexpr const char* kJson = "application/json";
constexpr const char* kBoardCookie = "board_token";

void Secure(Response& r) {
  r.headers.emplace_back("Content-Security-Policy", kCsp);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
}

Response JsonResponse(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = kJson;
  r.body = std::move(body);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response Redirect(const std::string& location) {
  Response r;
  r.status = 303;
  r.headers.emplace_back("Location", location);
  r.body = "See " + location + "\n";
  return r;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding ('+' as a space only in queries); nullopt when malformed.
std::optional<std::string> Decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

// The value of `key` in a query string ("" when absent or malformed).
std::string QueryParam(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) != key) continue;
    if (eq == std::string_view::npos) return "";
    return Decode(pair.substr(eq + 1), true).value_or("");
  }
  return "";
}

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view item = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const size_t eq = item.find('=');
    if (eq != std::string_view::npos && item.substr(0, eq) == name)
      return std::string(item.substr(eq + 1));
  }
  return "";
}

// A path segment: non-empty, no slash, no dot-only, printable ASCII.
bool SafeSegment(std::string_view s) {
  if (s.empty() || s == "." || s == ".." || s.size() > 200) return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c >= 0x7f || c == '/' || c == '\\') return false;
  return true;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

Response MethodNotAllowed(const char* allow) {
  Response r = ErrorResponse(Status::InvalidArgument(
      "method", std::string("this path takes ") + allow + " only"));
  r.status = 405;
  r.headers.emplace_back("Allow", allow);
  return r;
}

// Protobuf's JSON parser is lenient with some types (a bool given as the
// string "yes" passes); the JSON mapping is not. This walks the body against
// the message's descriptor and refuses a value of the wrong JSON type,
// naming the field as the proto does ("start_time", "form.full_name").
// Unknown fields are left to the parser, which refuses them too.
Status CheckJsonTypes(const nlohmann::json& j, const google::protobuf::Descriptor* d,
                      const std::string& prefix, int depth = 0) {
  using google::protobuf::FieldDescriptor;
  if (depth > 16) return Status::InvalidArgument("body", "the body nests too deep");
  if (!j.is_object())
    return Status::InvalidArgument(prefix.empty() ? "body" : prefix, "must be a JSON object");
  for (const auto& [key, value] : j.items()) {
    const FieldDescriptor* f = d->FindFieldByName(key);
    for (int i = 0; !f && i < d->field_count(); ++i)
      if (d->field(i)->json_name() == key) f = d->field(i);
    if (!f || value.is_null()) continue;
    const std::string name = prefix.empty() ? f->name() : prefix + "." + f->name();
    auto check = [&](const nlohmann::json& v, const FieldDescriptor* fd) -> Status {
      const char* want = nullptr;
      switch (fd->cpp_type()) {
        case FieldDescriptor::CPPTYPE_BOOL:
          if (!v.is_boolean()) want = "true or false";
          break;
        case FieldDescriptor::CPPTYPE_STRING:
          if (!v.is_string()) want = "a string";
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          if (!v.is_string() && !v.is_number_integer()) want = "an enum name";
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE: {
          const std::string type = fd->message_type()->full_name();
          if (type == "google.protobuf.Timestamp" || type == "google.protobuf.Duration") {
            if (!v.is_string()) want = "a string";
          } else if (type.rfind("google.protobuf.", 0) != 0) {
            return CheckJsonTypes(v, fd->message_type(), name, depth + 1);
          }
          break;
        }
        default:  // numbers: JSON numbers, or strings holding them (int64)
          if (!v.is_number() && !v.is_string()) want = "a number";
      }
      if (want) return Status::InvalidArgument(name, "must be " + std::string(want));
      return Status::Ok();
    };
    if (f->is_map()) {
      if (!value.is_object()) return Status::InvalidArgument(name, "must be a JSON object");
      for (const auto& [k, v] : value.items()) {
        if (v.is_null()) continue;
        QUEUE_RETURN_IF_ERROR(check(v, f->message_type()->map_value()));
      }
    } else if (f->is_repeated()) {
      if (!value.is_array()) return Status::InvalidArgument(name, "must be a JSON array");
      for (const auto& v : value) QUEUE_RETURN_IF_ERROR(check(v, f));
    } else {
      QUEUE_RETURN_IF_ERROR(check(value, f));
    }
  }
  return Status::Ok();
}

// One JSON API route: the request message from the body, the call, the
// response message back.
template <typename Calls, typename Req, typename Resp>
Response Unary(const Request& http, Calls& calls, Status (Calls::*fn)(const Req&, Resp*)) {
  Req req;
  if (!http.body.empty()) {
    const auto body = nlohmann::json::parse(http.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_discarded()) {
      Status types = CheckJsonTypes(body, Req::descriptor(), "");
      if (!types.ok()) return ErrorResponse(types);
    }
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    auto parsed = google::protobuf::util::JsonStringToMessage(http.body, &req, options);
    if (!parsed.ok()) {
      std::string why(parsed.message());
      if (why.size() > 300) why = why.substr(0, 300) + "...";
      return ErrorResponse(Status::InvalidArgument(
          "body", "the body is not a valid " + Req::descriptor()->name() + " in JSON: " + why));
    }
  }
  Status st = service::CheckRequestBounds(req);
  Resp resp;
  if (st.ok()) st = (calls.*fn)(req, &resp);
  if (!st.ok()) return ErrorResponse(st);
  return JsonResponse(200, ToJson(resp));
}

using P = service::PublicCalls;
using R = service::RemotePublicCalls;
using D = WebApi::Deps;

// The JSON API: each route one method of shop.queue.v1.
struct ApiRoute {
  const char* name;
  bool limited;  // the booking and remote calls share the per-address limit
  Response (*call)(const Request&, const D&);
};
constexpr ApiRoute kRoutes[] = {
    {"BookingService/ListBranches", true,
     [](const Request& r, const D& d) { return Unary(r, d.calls, &P::ListBranches); }},
    {"BookingService/ListSlots", true,
     [](const Request& r, const D& d) { return Unary(r, d.calls, &P::ListSlots); }},
    {"BookingService/CreateBooking", true,
     [](const Request& r, const D& d) { return Unary(r, d.calls, &P::CreateBooking); }},
    {"BookingService/GetBooking", true,
     [](const Request& r, const D& d) { return Unary(r, d.calls, &P::GetBooking); }},
    {"BookingService/CancelBooking", true,
     [](const Request& r, const D& d) { return Unary(r, d.calls, &P::CancelBooking); }},
    {"BookingService/RescheduleBooking", true,
     [](const Request& r, const D& d) { return Unary(r, d.calls, &P::RescheduleBooking); }},
    {"TicketStatusService/GetTicketStatus", false,
     [](const Request& r, const D& d) { return Unary(r, d.calls, &P::GetTicketStatus); }},
    // The remote route's applicant (the reference travels in the body, never
    // in the path, so proxies and access logs do not keep it).
    {"RemoteService/ListOperators", true,
     [](const Request& r, const D& d) { return Unary(r, d.remote, &R::ListOperators); }},
    {"RemoteService/ApplyForReplacement", true,
     [](const Request& r, const D& d) { return Unary(r, d.remote, &R::ApplyForReplacement); }},
    {"RemoteService/GetApplicationStatus", true,
     [](const Request& r, const D& d) { return Unary(r, d.remote, &R::GetApplicationStatus); }},
    {"RemoteService/WithdrawApplication", true,
     [](const Request& r, const D& d) { return Unary(r, d.remote, &R::WithdrawApplication); }},
    {"RemoteService/ActivateCard", true,
     [](const Request& r, const D& d) { return Unary(r, d.remote, &R::ActivateCard); }},
};

}  // namespace

Response ErrorResponse(const Status& st) {
  const google::rpc::Status rpc = service::ToRpcStatus(st);
  Response r =
      JsonResponse(service::HttpStatusOf(static_cast<grpc::StatusCode>(rpc.code())), ToJson(rpc));
  return r;
}

WebApi::WebApi(Deps deps) : d_(deps) {
  using T = Metrics::Type;
  d_.metrics.Describe("http_requests_total", T::kCounter,
                      "HTTP requests answered, by route pattern, method and status code.");
  d_.metrics.Describe("http_request_duration_seconds", T::kHistogram,
                      "Time to answer an HTTP request (to the stream's start for events).",
                      Metrics::LatencyBuckets());
}

std::string WebApi::RouteOf(const std::string& path) {
  if (path == "/" || path == "/book" || path == "/apply" || path == "/apply/status" ||
      path == "/healthz" || path == "/metrics" || path == "/qr.svg")
    return path;
  if (StartsWith(path, "/t/")) return "/t/:token";
  if (StartsWith(path, "/board/")) return "/board/:branch";
  if (StartsWith(path, "/static/")) return "/static/:file";
  if (StartsWith(path, "/api/v1/tickets/")) return "/api/v1/tickets/:token/events";
  if (StartsWith(path, "/api/v1/boards/")) return "/api/v1/boards/:branch/events";
  for (const ApiRoute& r : kRoutes)
    if (path == std::string("/api/v1/") + r.name) return path;
  return "other";
}

Response WebApi::Handle(const Request& req) {
  const absl::Time began = absl::Now();
  auto path = Decode(req.path, false);
  Response r;
  if (!path || path->empty() || path->front() != '/' ||
      path->find('\0') != std::string::npos || path->find('\\') != std::string::npos ||
      path->find("/../") != std::string::npos || path->find("/./") != std::string::npos ||
      path->ends_with("/..") || path->find("//") != std::string::npos)
    r = ErrorResponse(Status::InvalidArgument("path", "the path is malformed or not allowed"));
  else
    r = Route(req, *path);
  Secure(r);
  const std::string route = path ? RouteOf(*path) : "other";
  const std::string method =
      req.method == "GET" || req.method == "POST" || req.method == "HEAD" ? req.method : "other";
  d_.metrics.Add("http_requests_total",
                 Metrics::Labels({{"route", route},
                                  {"method", method},
                                  {"code", std::to_string(r.status)}}));
  d_.metrics.Observe("http_request_duration_seconds", Metrics::Labels({{"route", route}}),
                     absl::ToDoubleSeconds(absl::Now() - began));
  return r;
}

Response WebApi::Route(const Request& req, const std::string& path) {
  const bool get = req.method == "GET";
  auto only_get = [&](const std::function<Response()>& fn) {
    return get ? fn() : MethodNotAllowed("GET");
  };
  if (path == "/") return only_get([] { return Redirect("/book"); });
  if (path == "/book") return only_get([&] { return Page("book.html"); });
  if (path == "/apply") return only_get([&] { return Page("apply.html"); });
  // The reference is in the address's fragment (#REF), which browsers never
  // send: the server and proxies see only this path.
  if (path == "/apply/status") return only_get([&] { return Page("apply-status.html"); });
  if (path == "/healthz")
    return only_get([&] {
      return serving_ ? JsonResponse(200, "{\"status\":\"SERVING\"}")
                      : JsonResponse(503, "{\"status\":\"NOT_SERVING\"}");
    });
  if (path == "/metrics")
    return only_get([&] {
      // Counts of the shop's traffic and queues are not for the public side;
      // a scraper elsewhere is listed in [http] metrics_from.
      const std::string peer = ClientAddressOf(req.peer, "", {});
      const bool allowed = peer == "::1" || StartsWith(peer, "127.") ||
                           StartsWith(peer, "::ffff:127.") ||
                           std::find(d_.config.http.metrics_from.begin(),
                                     d_.config.http.metrics_from.end(),
                                     peer) != d_.config.http.metrics_from.end();
      return allowed ? Metrics()
                     : ErrorResponse(Status::PermissionDenied(
                           "/metrics is for this machine and [http] metrics_from only"));
    });
  if (path == "/qr.svg") return only_get([&] { return Qr(req); });
  if (StartsWith(path, "/static/")) return only_get([&] { return Static(path.substr(8)); });
  if (StartsWith(path, "/t/") && SafeSegment(path.substr(3)))
    return only_get([&] { return Page("ticket.html"); });
  if (StartsWith(path, "/board/") && SafeSegment(path.substr(7)))
    return only_get([&] { return BoardPage(req, path.substr(7)); });
  if (StartsWith(path, "/api/v1/tickets/") && path.ends_with("/events")) {
    const std::string token = path.substr(16, path.size() - 16 - 7);
    if (SafeSegment(token)) return only_get([&] { return TicketEvents(req, token); });
  }
  if (StartsWith(path, "/api/v1/boards/") && path.ends_with("/events")) {
    const std::string branch = path.substr(15, path.size() - 15 - 7);
    if (SafeSegment(branch)) return only_get([&] { return BoardEvents(req, branch); });
  }
  if (StartsWith(path, "/api/v1/")) return Api(req, path.substr(8));
  return ErrorResponse(Status::NotFound("no such page: " + RouteOf(path)));
}

std::string WebApi::ClientOf(const Request& req) const {
  std::string forwarded;
  for (const auto& [name, value] : req.headers)
    if (name == "x-forwarded-for") forwarded += (forwarded.empty() ? "" : ",") + value;
  return ClientAddressOf(req.peer, forwarded, d_.config.http.trusted_proxies);
}

Response WebApi::Api(const Request& req, const std::string& method_path) {
  const ApiRoute* route = nullptr;
  for (const ApiRoute& candidate : kRoutes)
    if (method_path == candidate.name) route = &candidate;
  if (!route)
    return ErrorResponse(Status::NotFound("no such API method; see docs/http-api.md"));
  if (req.method != "POST") return MethodNotAllowed("POST");
  const std::string type = req.Header("content-type");
  if (!req.body.empty() && !StartsWith(type, "application/json")) {
    Response r = ErrorResponse(
        Status::InvalidArgument("content-type", "the body must be application/json"));
    r.status = 415;
    return r;
  }
  if (route->limited) {
    absl::Duration retry;
    if (!d_.limiter.Allow(ClientOf(req), &retry)) {
      const int64_t seconds = absl::ToInt64Seconds(retry) + 1;
      Response r = ErrorResponse(Status::ResourceExhausted(
          "too many requests from this address; retry in " + std::to_string(seconds) + " s"));
      r.headers.emplace_back("Retry-After", std::to_string(seconds));
      return r;
    }
  }
  return route->call(req, d_);
}

Response WebApi::TicketEvents(const Request&, const std::string& token) {
  auto view = d_.calls.queue().GetTicketByStatusToken(token);
  if (!view.ok()) return ErrorResponse(view.status());
  Response r;
  r.body = LiveHub::StatusFrame(*view, d_.config);
  r.start_stream = [live = &d_.live, first = *view](std::shared_ptr<EventStream> s) {
    live->AddTicket(first, std::move(s));
  };
  return r;
}

Response WebApi::BoardEvents(const Request& req, const std::string& branch) {
  std::string token = QueryParam(req.query, "token");
  if (token.empty()) token = CookieValue(req.Header("cookie"), kBoardCookie);
  if (token.empty())
    return ErrorResponse(Status::Unauthenticated(
        "a board token is needed: open /board/" + branch + "?token=TOKEN once"));
  auto who = d_.auth.Resolve(token);
  if (!who.ok()) return ErrorResponse(who.status());
  if (!who->has_value())
    return ErrorResponse(Status::Unauthenticated("the board token is not valid (revoked?)"));
  if ((*who)->role != Role::kBoard || (*who)->branch_id != branch)
    return ErrorResponse(
        Status::PermissionDenied("this token is not a board token of branch " + branch));
  if (!d_.config.FindBranch(branch)) return ErrorResponse(Status::NotFound("no such branch"));
  int recent = 10;
  const std::string n = QueryParam(req.query, "recent");
  if (!n.empty()) {
    if (n.size() > 2 || n.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(n) > 50)
      return ErrorResponse(Status::InvalidArgument("recent", "recent must be 0..50"));
    recent = std::stoi(n);
  }
  Response r;
  r.start_stream = [live = &d_.live, branch, recent](std::shared_ptr<EventStream> s) {
    Status st = live->AddBoard(branch, recent, s);
    if (!st.ok()) {
      spdlog::warn("web board of {}: {}", branch, st.ToString());
      s->Close();
    }
  };
  return r;
}

Response WebApi::BoardPage(const Request& req, const std::string& branch) {
  const std::string token = QueryParam(req.query, "token");
  if (token.empty()) return Page("board.html");
  auto who = d_.auth.Resolve(token);
  if (!who.ok()) return ErrorResponse(who.status());
  if (!who->has_value() || (*who)->role != Role::kBoard || (*who)->branch_id != branch) {
    Response r;
    r.status = 403;
    r.body = "This link's token is not a board token of branch " + branch +
             ". Ask the shop's administrator for the board link.\n";
    return r;
  }
  // Kept in a cookie so the token leaves the address bar (and the TV's
  // history); the events stream reads it from there.
  Response r = Redirect("/board/" + branch);
  r.headers.emplace_back("Set-Cookie", std::string(kBoardCookie) + "=" + token +
                                           "; Path=/; Max-Age=31536000; HttpOnly; "
                                           "SameSite=Strict" +
                                           (StartsWith(d_.config.http.public_url, "https://")
                                                ? "; Secure"
                                                : ""));
  return r;
}

Response WebApi::Page(std::string_view asset) {
  const Asset* a = FindAsset(asset);
  if (!a) return ErrorResponse(Status::NotFound("this page is not built into this server"));
  Response r;
  r.content_type = std::string(a->content_type);
  r.body = std::string(a->data);
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

Response WebApi::Static(const std::string& name) {
  if (!SafeSegment(name) || name.find('/') != std::string::npos)
    return ErrorResponse(Status::NotFound("no such file"));
  const Asset* a = FindAsset(name);
  if (!a) return ErrorResponse(Status::NotFound("no such file"));
  return Page(name);
}

Response WebApi::Qr(const Request& req) {
  auto svg = QrSvg(QueryParam(req.query, "text"));
  if (!svg.ok()) return ErrorResponse(svg.status());
  Response r;
  r.content_type = "image/svg+xml";
  r.body = std::move(*svg);
  r.headers.emplace_back("Cache-Control", "private, max-age=3600");
  return r;
}

Response WebApi::Metrics() {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = d_.metrics.Render();
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace shop::queue::http
