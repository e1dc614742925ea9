// The HTTP transport over real sockets on 127.0.0.1: round trips, keep-alive,
// the limits and the transport's own error answers, TLS, and listening.
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/http/http_server.h"
#include "tests/http_transport/test_client.h"

namespace shop::queue::http {
namespace {

using namespace testing;  // NOLINT
using ::testing::HasSubstr;

// Echoes what it saw, so the test can check the parsed Request.
Response Echo(const Request& r) {
  Response res;
  res.content_type = "text/plain";
  res.body = "method=" + r.method + "\npath=" + r.path + "\nquery=" + r.query + "\npeer=" +
             r.peer + "\nx-test=" + r.Header("x-test") + "\nbody=" + r.body;
  res.headers.emplace_back("X-Reply", "yes");
  return res;
}

std::unique_ptr<HttpServer> StartOrDie(ServerOptions o, Handler h = Echo) {
  auto server = HttpServer::Start(std::move(o), std::move(h));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  if (!server.ok()) return nullptr;
  return std::move(*server);
}

TEST(HttpTransportTest, GetAndPostRoundTrip) {
  auto server = StartOrDie({});
  ASSERT_TRUE(server);
  Conn c(server->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(Get("/a/b%20c?x=1&y=2", "X-Test: hello\r\n")));
  auto r = c.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("x-reply"), "yes");
  EXPECT_EQ(r->Header("content-type"), "text/plain");
  EXPECT_FALSE(r->Header("date").empty());
  EXPECT_EQ(r->body,
            "method=GET\npath=/a/b%20c\nquery=x=1&y=2\npeer=127.0.0.1\nx-test=hello\nbody=");

  ASSERT_TRUE(c.Send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
  r = c.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body, HasSubstr("method=POST\npath=/p\nquery=\n"));
  EXPECT_THAT(r->body, HasSubstr("body=hello"));
  EXPECT_EQ(server->stats().requests, 2u);
}

TEST(HttpTransportTest, KeepAliveServesTwoRequestsOnOneConnection) {
  auto server = StartOrDie({});
  ASSERT_TRUE(server);
  Conn c(server->port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.Send(Get("/k?i=" + std::to_string(i))));
    auto r = c.ReadReply();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_THAT(r->body, HasSubstr("query=i=" + std::to_string(i)));
  }
  EXPECT_EQ(server->stats().connections_open, 1u);
}

TEST(HttpTransportTest, Http10ClosesAfterTheAnswer) {
  auto server = StartOrDie({});
  ASSERT_TRUE(server);
  Conn c(server->port());
  ASSERT_TRUE(c.Send("GET /old HTTP/1.0\r\n\r\n"));
  auto r = c.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(c.WaitClosed());
}

void ExpectTransportError(const std::optional<HttpReply>& r, int status, int code) {
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, status);
  EXPECT_EQ(r->Header("content-type"), "application/json");
  EXPECT_THAT(r->body, HasSubstr("\"code\": " + std::to_string(code) + ","));
  EXPECT_THAT(r->body, HasSubstr("\"message\": \""));
}

TEST(HttpTransportTest, ContentLengthOverLimitIsRefusedBeforeTheBody) {
  std::atomic<int> calls{0};
  ServerOptions o;
  o.max_body_bytes = 1024;
  auto server = StartOrDie(o, [&](const Request& r) {
    ++calls;
    return Echo(r);
  });
  ASSERT_TRUE(server);
  Conn c(server->port());
  // Only the head: the answer must come without the body being sent.
  ASSERT_TRUE(c.Send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"));
  ExpectTransportError(c.ReadReply(), 413, 8);
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_EQ(calls.load(), 0);
  EXPECT_EQ(server->stats().rejected, 1u);
}

TEST(HttpTransportTest, BodyAtTheLimitIsAccepted) {
  ServerOptions o;
  o.max_body_bytes = 200 * 1024;  // more than the read buffer holds at once
  auto server = StartOrDie(o, [](const Request& r) {
    Response res;
    res.body = std::to_string(r.body.size());
    return res;
  });
  ASSERT_TRUE(server);
  Conn c(server->port());
  ASSERT_TRUE(c.Send("POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 204800\r\n\r\n" +
                     std::string(200 * 1024, 'b')));
  auto r = c.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "204800");
}

TEST(HttpTransportTest, ExpectContinueGetsA100BeforeTheBody) {
  auto server = StartOrDie({});
  ASSERT_TRUE(server);
  Conn c(server->port());
  ASSERT_TRUE(c.Send("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
                     "Expect: 100-continue\r\n\r\n"));
  auto interim = c.ReadUntil("\r\n\r\n");
  ASSERT_TRUE(interim);
  EXPECT_EQ(*interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(c.Send("data"));
  auto r = c.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body, HasSubstr("body=data"));
}

TEST(HttpTransportTest, ChunkedBodyOverLimitIs413) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  auto server = StartOrDie(o);
  ASSERT_TRUE(server);
  Conn c(server->port());
  std::string req = "POST /big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) req += "200\r\n" + std::string(512, 'x') + "\r\n";
  req += "0\r\n\r\n";
  ASSERT_TRUE(c.Send(req));
  ExpectTransportError(c.ReadReply(), 413, 8);
}

// A large-body route (an upload): its own limit and request timeout; every
// other request keeps max_body_bytes, whatever Content-Length it claims.
ServerOptions UploadOptions() {
  ServerOptions o;
  o.max_body_bytes = 1024;
  o.large_bodies.push_back({"POST", "/upload", 64 * 1024, absl::Seconds(30)});
  return o;
}

Response BodySize(const Request& r) {
  Response res;
  res.body = std::to_string(r.body.size());
  return res;
}

std::string PostOf(const std::string& target, size_t n) {
  return "POST " + target + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(n) +
         "\r\n\r\n" + std::string(n, 'u');
}

TEST(HttpTransportTest, OnlyTheLargeBodyRouteTakesALargerBody) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(UploadOptions(), [&](const Request& r) {
    ++calls;
    return BodySize(r);
  });
  ASSERT_TRUE(server);
  {
    Conn c(server->port());
    ASSERT_TRUE(c.Send(PostOf("/upload", 60 * 1024)));
    auto r = c.ReadReply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, std::to_string(60 * 1024));
  }
  {
    Conn c(server->port());  // a query does not change the route
    ASSERT_TRUE(c.Send(PostOf("/upload?x=1", 2048)));
    auto r = c.ReadReply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  // Over the route's own limit, another path, another method, another
  // spelling of the path: 413 before the body is read (only heads sent).
  for (const std::string head :
       {"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 70000\r\n\r\n",
        "POST /other HTTP/1.1\r\nHost: t\r\nContent-Length: 2048\r\n\r\n",
        "PUT /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 2048\r\n\r\n",
        "POST /uploa%64 HTTP/1.1\r\nHost: t\r\nContent-Length: 2048\r\n\r\n",
        "POST /upload/ HTTP/1.1\r\nHost: t\r\nContent-Length: 2048\r\n\r\n"}) {
    Conn c(server->port());
    ASSERT_TRUE(c.Send(head));
    ExpectTransportError(c.ReadReply(), 413, 8);
    EXPECT_TRUE(c.WaitClosed()) << head;
  }
  // A chunked body is held to the route's limit as it comes.
  {
    Conn c(server->port());
    std::string req = "POST /other HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i) req += "200\r\n" + std::string(512, 'x') + "\r\n";
    ASSERT_TRUE(c.Send(req + "0\r\n\r\n"));
    ExpectTransportError(c.ReadReply(), 413, 8);
  }
  {
    Conn c(server->port());
    std::string req = "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i) req += "200\r\n" + std::string(512, 'x') + "\r\n";
    ASSERT_TRUE(c.Send(req + "0\r\n\r\n"));
    auto r = c.ReadReply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "2048");
  }
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(server->stats().large_bodies, 0u) << "every slot given back";
}

TEST(HttpTransportTest, LargeBodiesAtOnceAreCapped) {
  ServerOptions o = UploadOptions();
  o.max_large_bodies = 1;
  auto server = StartOrDie(o, BodySize);
  ASSERT_TRUE(server);
  // One upload under way (its head and half its body sent) holds the slot.
  Conn first(server->port());
  ASSERT_TRUE(first.Send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4096\r\n\r\n" +
                         std::string(2048, 'a')));
  for (int i = 0; i < 100 && server->stats().large_bodies == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server->stats().large_bodies, 1u);
  // A second is told to come back, before its body is read; a small post to
  // the same route does not need a slot.
  Conn second(server->port());
  ASSERT_TRUE(second.Send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4096\r\n\r\n"));
  ExpectTransportError(second.ReadReply(), 503, 14);
  Conn small(server->port());
  ASSERT_TRUE(small.Send(PostOf("/upload", 100)));
  auto r = small.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // The first finishes; its slot is free again.
  ASSERT_TRUE(first.Send(std::string(2048, 'a')));
  r = first.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "4096");
  for (int i = 0; i < 100 && server->stats().large_bodies != 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server->stats().large_bodies, 0u);
  Conn third(server->port());
  ASSERT_TRUE(third.Send(PostOf("/upload", 4096)));
  r = third.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(HttpTransportTest, LargeBodyRouteHasItsOwnRequestTimeout) {
  ServerOptions o = UploadOptions();
  o.request_timeout = absl::Milliseconds(300);
  o.large_bodies[0].request_timeout = absl::Seconds(5);
  auto server = StartOrDie(o, BodySize);
  ASSERT_TRUE(server);
  // Slower than request_timeout allows, within the route's own.
  Conn c(server->port());
  ASSERT_TRUE(c.Send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4096\r\n\r\n"));
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(200ms);
    ASSERT_TRUE(c.Send(std::string(1024, 'z')));
  }
  auto r = c.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "4096");
  // Any other request still has request_timeout.
  Conn slow(server->port());
  ASSERT_TRUE(slow.Send("POST /other HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab"));
  ExpectTransportError(slow.ReadReply(), 408, 4);
}

TEST(HttpTransportTest, HeaderOverLimitIs431) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  auto server = StartOrDie(o);
  ASSERT_TRUE(server);
  Conn c(server->port());
  ASSERT_TRUE(c.Send(Get("/h", "X-Big: " + std::string(4000, 'a') + "\r\n")));
  ExpectTransportError(c.ReadReply(), 431, 8);
}

TEST(HttpTransportTest, GarbageIs400) {
  auto server = StartOrDie({});
  ASSERT_TRUE(server);
  Conn c(server->port());
  ASSERT_TRUE(c.Send("\x01\x02 this is not http\r\n\r\n"));
  ExpectTransportError(c.ReadReply(), 400, 3);
  EXPECT_TRUE(c.WaitClosed());
}

TEST(HttpTransportTest, SlowlorisIsCutOffAtTheRequestTimeout) {
  ServerOptions o;
  o.request_timeout = absl::Seconds(1);
  auto server = StartOrDie(o);
  ASSERT_TRUE(server);
  Conn c(server->port());
  const std::string req = Get("/slow", "X-Pad: " + std::string(200, 'p') + "\r\n");
  const auto start = Clock::now();
  bool closed = false;
  std::string got;
  // One byte every 200 ms: it would take ~50 s to finish.
  for (size_t i = 0; i < req.size() && !closed; ++i) {
    if (!c.Send(req.substr(i, 1))) break;
    closed = c.WaitClosed(200ms);
    if (Clock::now() - start > 5s) break;
  }
  if (!closed) closed = c.WaitClosed(3s);
  EXPECT_TRUE(closed);
  EXPECT_LT(Clock::now() - start, 3s);
  EXPECT_THAT(c.pending(), HasSubstr("408"));
  EXPECT_THAT(c.pending(), HasSubstr("\"code\": 4,"));
}

TEST(HttpTransportTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions o;
  o.idle_timeout = absl::Milliseconds(300);
  auto server = StartOrDie(o);
  ASSERT_TRUE(server);
  Conn c(server->port());
  ASSERT_TRUE(c.Send(Get("/once")));
  ASSERT_TRUE(c.ReadReply());
  const auto start = Clock::now();
  EXPECT_TRUE(c.WaitClosed(5s));
  EXPECT_GE(Clock::now() - start, 200ms);
  EXPECT_TRUE(c.pending().empty());  // closed silently
  EXPECT_TRUE(Eventually([&] { return server->stats().connections_open == 0; }));
}

TEST(HttpTransportTest, MaxConnectionsExceededIs503) {
  ServerOptions o;
  o.max_connections = 2;
  auto server = StartOrDie(o);
  ASSERT_TRUE(server);
  Conn a(server->port()), b(server->port());
  for (Conn* c : {&a, &b}) {
    ASSERT_TRUE(c->Send(Get("/x")));
    ASSERT_TRUE(c->ReadReply());
  }
  Conn third(server->port());
  ASSERT_TRUE(third.Send(Get("/x")));
  ExpectTransportError(third.ReadReply(), 503, 14);
  EXPECT_TRUE(third.WaitClosed());
  // The two admitted ones still work.
  ASSERT_TRUE(a.Send(Get("/y")));
  auto r = a.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(HttpTransportTest, HandlerExceptionIs500AndServingGoesOn) {
  auto server = StartOrDie({}, [](const Request& r) -> Response {
    if (r.path == "/throw") throw std::runtime_error("boom");
    return Echo(r);
  });
  ASSERT_TRUE(server);
  Conn c(server->port());
  ASSERT_TRUE(c.Send(Get("/throw")));
  ExpectTransportError(c.ReadReply(), 500, 13);
  ASSERT_TRUE(c.Send(Get("/fine")));
  auto r = c.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  Conn d(server->port());
  ASSERT_TRUE(d.Send(Get("/fine")));
  r = d.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(HttpTransportTest, OddHandlerStatusesDoNotBreakTheConnection) {
  auto server = StartOrDie({}, [](const Request& r) {
    Response res;
    res.body = "ignored";
    res.status = r.path == "/none" ? 204 : 42;
    return res;
  });
  ASSERT_TRUE(server);
  Conn c(server->port());
  ASSERT_TRUE(c.Send(Get("/none")));
  auto r = c.ReadReply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->body, "");
  ASSERT_TRUE(c.Send(Get("/bad")));
  ExpectTransportError(c.ReadReply(), 500, 13);
}

TEST(HttpTransportTest, Ipv6PeerHasNoPort) {
  ServerOptions o;
  o.listen = "[::1]:0";
  auto server = HttpServer::Start(o, Echo);
  if (!server.ok()) GTEST_SKIP() << "no IPv6 loopback: " << server.status().ToString();
  int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_port = htons(static_cast<uint16_t>((*server)->port()));
  addr.sin6_addr = in6addr_loopback;
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string req = Get("/v6");
  ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  std::string got;
  char buf[4096];
  while (got.find("body=") == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  EXPECT_THAT(got, HasSubstr("peer=::1\n"));
}

TEST(HttpTransportTest, PortInUseIsUnavailable) {
  auto first = StartOrDie({});
  ASSERT_TRUE(first);
  ServerOptions o;
  o.listen = "127.0.0.1:" + std::to_string(first->port());
  auto second = HttpServer::Start(o, Echo);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr(o.listen));
  EXPECT_THAT(second.status().message(), HasSubstr("in use"));
}

TEST(HttpTransportTest, ShutdownLetsARunningHandlerAnswer) {
  std::atomic<bool> entered{false};
  auto server = StartOrDie({}, [&](const Request& r) {
    entered = true;
    std::this_thread::sleep_for(300ms);
    return Echo(r);
  });
  ASSERT_TRUE(server);
  Conn c(server->port());
  ASSERT_TRUE(c.Send(Get("/slow")));
  ASSERT_TRUE(Eventually([&] { return entered.load(); }));
  server->Shutdown(absl::Seconds(5));
  auto r = c.ReadReply(1s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("connection"), "close");
  server->Shutdown();  // idempotent
  Conn late(server->port());
  EXPECT_FALSE(late.connected());
}

TEST(SseFrameTest, SplitsLinesAndDropsCarriageReturns) {
  EXPECT_EQ(SseFrame("tick", "1"), "event: tick\ndata: 1\n\n");
  EXPECT_EQ(SseFrame("", "a\nb"), "data: a\ndata: b\n\n");
  EXPECT_EQ(SseFrame("x", "a\r\nb\rc"), "event: x\ndata: a\ndata: bc\n\n");
  EXPECT_EQ(SseFrame("", ""), "data: \n\n");
}

TEST(RequestTest, HeaderGivesTheFirstValue) {
  Request r;
  r.headers = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  EXPECT_EQ(r.Header("a"), "1");
  EXPECT_EQ(r.Header("c"), "");
}

// --- TLS ---

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/http_tls_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " +
                            (dir_ / "k.pem").string() + " -out " + (dir_ / "c.pem").string() +
                            " -days 1 -subj /CN=localhost >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    cert_ = ReadAll(dir_ / "c.pem");
    key_ = ReadAll(dir_ / "k.pem");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string cert_, key_;
};

TEST_F(TlsTest, RoundTripOverTls) {
  ServerOptions o;
  o.tls_cert_pem = cert_;
  o.tls_key_pem = key_;
  auto server = StartOrDie(o);
  ASSERT_TRUE(server);
  Conn c(server->port(), /*tls=*/true);
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.Send(Get("/secure?i=1", "X-Test: tls\r\n")));
    auto r = c.ReadReply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_THAT(r->body, HasSubstr("path=/secure\nquery=i=1\npeer=127.0.0.1\nx-test=tls"));
  }
  // Plain HTTP to a TLS port gets nowhere.
  Conn plain(server->port());
  ASSERT_TRUE(plain.Send(Get("/")));
  EXPECT_TRUE(plain.WaitClosed());
}

TEST_F(TlsTest, EventStreamOverTls) {
  ServerOptions o;
  o.tls_cert_pem = cert_;
  o.tls_key_pem = key_;
  StreamHub hub;
  auto server = StartOrDie(o, [&hub](const Request&) {
    Response res;
    res.start_stream = [&hub](std::shared_ptr<EventStream> s) { hub.Add(std::move(s)); };
    return res;
  });
  ASSERT_TRUE(server);
  auto c = std::make_unique<Conn>(server->port(), /*tls=*/true);
  ASSERT_TRUE(c->connected());
  ASSERT_TRUE(c->Send(Get("/events")));
  ASSERT_TRUE(c->ReadUntil("\r\n\r\n"));
  ASSERT_TRUE(hub.WaitFor(1));
  auto s = hub.All()[0];
  std::atomic<int> closes{0};
  s->OnClose([&] { ++closes; });
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(s->Send(std::make_shared<const std::string>(SseFrame("n", std::to_string(i)))));
  auto got = c->ReadUntil("data: 2\n\n");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, SseFrame("n", "0") + SseFrame("n", "1") + SseFrame("n", "2"));
  c.reset();
  EXPECT_TRUE(Eventually([&] { return closes.load() == 1; }));
}

TEST_F(TlsTest, SilentClientIsCutAtTheHandshakeTimeout) {
  ServerOptions o;
  o.tls_cert_pem = cert_;
  o.tls_key_pem = key_;
  o.request_timeout = absl::Seconds(1);
  auto server = StartOrDie(o);
  ASSERT_TRUE(server);
  Conn c(server->port());  // TCP only: no ClientHello ever comes
  ASSERT_TRUE(c.connected());
  const auto start = Clock::now();
  EXPECT_TRUE(c.WaitClosed(5s));
  EXPECT_LT(Clock::now() - start, 4s);
}

TEST_F(TlsTest, BadPemIsInvalidArgument) {
  ServerOptions o;
  o.tls_cert_pem = "-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n";
  o.tls_key_pem = key_;
  auto s = HttpServer::Start(o, Echo);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("tls_cert"));
  o.tls_cert_pem = cert_;
  o.tls_key_pem = "garbage";
  s = HttpServer::Start(o, Echo);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("tls_key"));
}

}  // namespace
}  // namespace shop::queue::http
