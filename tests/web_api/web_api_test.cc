// The JSON API and the pages' routes of the HTTP face, through a real
// server on loopback: codes and bodies for good and bad requests, the
// security headers, the rate limit with and without a trusted proxy.
#include <nlohmann/json.hpp>

#include "server/http/client_address.h"
#include "tests/web_api/web_fixture.h"

namespace shop::queue::testing {
namespace {

using nlohmann::json;

json Body(const HttpReply& r) {
  auto j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.body;
  return j;
}

// A refusal: the HTTP code, and a google.rpc.Status body with the gRPC code.
void ExpectRefusal(const HttpReply& r, int http, int grpc_code, const std::string& what) {
  EXPECT_EQ(r.status, http) << what << ": " << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/json") << what;
  json j = Body(r);
  EXPECT_EQ(j.value("code", -1), grpc_code) << what << ": " << r.body;
  EXPECT_FALSE(j.value("message", std::string()).empty()) << what;
}

TEST(ClientAddress, BelievesForwardedForOnlyFromTrustedProxies) {
  const std::vector<std::string> none;
  const std::vector<std::string> proxy = {"10.0.0.1"};
  EXPECT_EQ(http::ClientAddressOf("203.0.113.5", "198.51.100.7", none), "203.0.113.5");
  EXPECT_EQ(http::ClientAddressOf("10.0.0.1", "198.51.100.7", proxy), "198.51.100.7");
  // The client may write anything in front; the proxy appends what it saw.
  EXPECT_EQ(http::ClientAddressOf("10.0.0.1", "1.1.1.1, 198.51.100.7", proxy), "198.51.100.7");
  EXPECT_EQ(http::ClientAddressOf("203.0.113.5", "1.1.1.1", proxy), "203.0.113.5");
  // A chain of trusted proxies is walked through; garbage ends the walk.
  EXPECT_EQ(http::ClientAddressOf("10.0.0.1", "198.51.100.7, 10.0.0.1", proxy), "198.51.100.7");
  EXPECT_EQ(http::ClientAddressOf("10.0.0.1", "198.51.100.7, junk", proxy), "10.0.0.1");
  EXPECT_EQ(http::ClientAddressOf("10.0.0.1", "", proxy), "10.0.0.1");
  EXPECT_EQ(http::ClientAddressOf("::1", "2001:db8::1", {"::1"}), "2001:db8::1");
}

TEST(WebApi, HealthMetricsAndPagesRoutes) {
  WebServer web;
  auto health = web.Request("GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(Body(health)["status"], "SERVING");
  EXPECT_NE(health.Header("content-security-policy").find("default-src 'none'"),
            std::string::npos);
  EXPECT_EQ(health.Header("x-content-type-options"), "nosniff");

  web.TakeTicket();
  web.Post("/api/v1/BookingService/ListBranches", "{}");
  auto metrics = web.Request("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.Header("content-type").find("text/plain; version=0.0.4"), std::string::npos);
  for (const char* line :
       {"# TYPE http_requests_total counter", "# TYPE http_request_duration_seconds histogram",
        "# TYPE grpc_requests_total counter", "queue_tickets_issued_total 1",
        "queue_waiting_tickets{branch=\"test\",service=\"R\"} 1",
        "queue_open_counters{branch=\"test\"} 0", "http_sse_clients{kind=\"board\"} 0",
        "http_request_duration_seconds_bucket{route=\"/api/v1/BookingService/ListBranches\","
        "le=\"+Inf\"} 1",
        "grpc_requests_total{method=\"/shop.queue.v1.KioskService/CreateTicket\",code=\"OK\"} 1"})
    EXPECT_NE(metrics.body.find(line), std::string::npos) << line << "\n" << metrics.body;
  EXPECT_EQ(metrics.body.back(), '\n');

  auto root = web.Request("GET", "/");
  EXPECT_EQ(root.status, 303);
  EXPECT_EQ(root.Header("location"), "/book");

  auto qr = web.Request("GET", "/qr.svg?text=K7M2-QX9D");
  EXPECT_EQ(qr.status, 200);
  EXPECT_EQ(qr.Header("content-type"), "image/svg+xml");
  EXPECT_NE(qr.body.find("<svg"), std::string::npos);
  ExpectRefusal(web.Request("GET", "/qr.svg?text=" + std::string(300, 'a')), 400, 3, "long QR");
}

TEST(WebApi, GoodCallsAnswerTheProtoMessagesAsJson) {
  WebServer web;
  auto branches = web.Post("/api/v1/BookingService/ListBranches", "{}");
  ASSERT_EQ(branches.status, 200) << branches.body;
  json b = Body(branches);
  ASSERT_EQ(b["branches"].size(), 1u);
  EXPECT_EQ(b["branches"][0]["branch"]["branchId"], "test");
  EXPECT_EQ(b["branches"][0]["services"][0]["prefix"], "R");
  EXPECT_EQ(b["branches"][0]["slotLengths"]["R"], "900s");

  auto slots = web.Post("/api/v1/BookingService/ListSlots",
                        R"({"branchId":"test","servicePrefix":"R","onlyFree":true})");
  ASSERT_EQ(slots.status, 200) << slots.body;
  json s = Body(slots);
  ASSERT_FALSE(s["slots"].empty());
  const std::string start = s["slots"][0]["startTime"];

  json req = {{"branchId", "test"}, {"servicePrefix", "R"}, {"startTime", start},
              {"name", "Anna Petrova"}, {"phone", "+79161234567"}, {"language", "LANGUAGE_EN"},
              {"requestId", "web-1"}};
  auto made = web.Post("/api/v1/BookingService/CreateBooking", req.dump());
  ASSERT_EQ(made.status, 200) << made.body;
  const std::string code = Body(made)["booking"]["code"];
  EXPECT_EQ(code.size(), 9u);
  EXPECT_EQ(Body(made)["booking"]["phoneMasked"].get<std::string>().find("4567"),
            Body(made)["booking"]["phoneMasked"].get<std::string>().size() - 4);

  auto got = web.Post("/api/v1/BookingService/GetBooking",
                      json{{"code", code}, {"phone", "+79161234567"}}.dump());
  EXPECT_EQ(got.status, 200) << got.body;
  auto cancelled = web.Post("/api/v1/BookingService/CancelBooking",
                            json{{"code", code}, {"phone", "+79161234567"}}.dump());
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Body(cancelled)["booking"]["state"], "BOOKING_STATE_CANCELLED");
  // Someone else's phone learns nothing.
  ExpectRefusal(web.Post("/api/v1/BookingService/GetBooking",
                         json{{"code", code}, {"phone", "+79160000000"}}.dump()),
                404, 5, "other phone");
}

TEST(WebApi, BadRequestsGetAClear4xxAndTheServerKeepsServing) {
  WebServer web;
  const std::string slots = "/api/v1/BookingService/ListSlots";
  ExpectRefusal(web.Post(slots, "{not json"), 400, 3, "malformed JSON");
  ExpectRefusal(web.Post(slots, R"({"branchId": 5})"), 400, 3, "wrong type");
  ExpectRefusal(web.Post(slots, R"({"branchId": "test", "bogus": 1})"), 400, 3, "unknown field");
  ExpectRefusal(web.Post(slots, R"({"onlyFree": "yes"})"), 400, 3, "wrong type (bool)");
  ExpectRefusal(web.Post(slots, R"({"branchId": ")" + std::string(5000, 'x') + R"("})"), 400, 3,
                "field over the bounds");
  ExpectRefusal(web.Post(slots, std::string(1 << 20, ' ')), 413, 8, "huge body");
  ExpectRefusal(web.Request("GET", slots), 405, 3, "GET on a POST route");
  ExpectRefusal(web.Request("POST", slots, "branchId=test", "", "application/x-www-form-urlencoded"),
                415, 3, "a form post");
  ExpectRefusal(web.Post("/api/v1/BookingService/DropDatabase", "{}"), 404, 5, "unknown method");
  ExpectRefusal(web.Request("GET", "/nowhere"), 404, 5, "unknown route");
  for (const char* evil : {"/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                           "/static/..%2f..%2fetc%2fpasswd", "/static/%00", "/static/a%zz",
                           "/static//etc/passwd", "/static/..\\..\\etc\\passwd"}) {
    auto r = web.Request("GET", evil);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << evil << ": " << r.status;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << evil;
  }
  // A bad phone is named as the field it is.
  auto bad = web.Post("/api/v1/BookingService/CreateBooking",
                      R"({"branchId":"test","servicePrefix":"R","startTime":"2030-01-01T10:00:00Z",)"
                      R"("name":"A","phone":"12","requestId":"x1"})");
  ExpectRefusal(bad, 400, 3, "bad phone");
  bool named = false;
  for (const auto& d : Body(bad)["details"])
    for (const auto& v : d["fieldViolations"]) named |= v["field"] == "phone";
  EXPECT_TRUE(named) << bad.body;
  // None of that hurt: a good call still works.
  EXPECT_EQ(web.Post("/api/v1/BookingService/ListBranches", "{}").status, 200);
  EXPECT_EQ(web.Request("GET", "/healthz").status, 200);
}

TEST(WebApi, RateLimitIsPerClientAddressAndIgnoresSpoofedForwardedFor) {
  ServerConfig config = WebConfig();
  config.booking_api.per_address_per_minute = 1;
  config.booking_api.burst = 2;
  WebServer web(config);
  const std::string list = "/api/v1/BookingService/ListBranches";
  EXPECT_EQ(web.Post(list, "{}").status, 200);
  EXPECT_EQ(web.Post(list, "{}").status, 200);
  auto limited = web.Post(list, "{}");
  ExpectRefusal(limited, 429, 8, "over the limit");
  EXPECT_FALSE(limited.Header("retry-after").empty());
  // Not a trusted proxy: its X-Forwarded-For changes nothing.
  ExpectRefusal(web.Post(list, "{}", "X-Forwarded-For: 198.51.100.7\r\n"), 429, 8, "spoofed");
}

TEST(WebApi, BehindATrustedProxyEachForwardedClientHasItsOwnBudget) {
  ServerConfig config = WebConfig();
  config.booking_api.per_address_per_minute = 1;
  config.booking_api.burst = 1;
  config.http.trusted_proxies = {"127.0.0.1"};
  WebServer web(config);
  const std::string list = "/api/v1/BookingService/ListBranches";
  const std::string a = "X-Forwarded-For: 198.51.100.7\r\n";
  const std::string b = "X-Forwarded-For: 198.51.100.8\r\n";
  EXPECT_EQ(web.Post(list, "{}", a).status, 200);
  ExpectRefusal(web.Post(list, "{}", a), 429, 8, "a again");
  EXPECT_EQ(web.Post(list, "{}", b).status, 200);
  // A client's own forged entry in front of the proxy's does not help.
  ExpectRefusal(web.Post(list, "{}", "X-Forwarded-For: 203.0.113.9, 198.51.100.8\r\n"), 429, 8,
                "forged prefix");
}

}  // namespace
}  // namespace shop::queue::testing
