// Server-Sent-Events streams over real sockets: order, sharing one frame
// among many streams, disconnects, slow clients, heartbeats, shutdown, and
// 2,000 open streams at once.
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/http/http_server.h"
#include "tests/http_transport/test_client.h"

namespace shop::queue::http {
namespace {

using namespace testing;  // NOLINT
using ::testing::HasSubstr;

// A handler whose GET /events opens a stream kept in `hub`.
Handler StreamHandler(StreamHub* hub, std::string first = "") {
  return [hub, first](const Request& r) {
    Response res;
    if (r.path != "/events") {
      res.status = 404;
      return res;
    }
    res.body = first;
    res.headers.emplace_back("X-Stream", "1");
    res.start_stream = [hub](std::shared_ptr<EventStream> s) { hub->Add(std::move(s)); };
    return res;
  };
}

std::unique_ptr<HttpServer> StartOrDie(ServerOptions o, Handler h) {
  auto server = HttpServer::Start(std::move(o), std::move(h));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  if (!server.ok()) return nullptr;
  return std::move(*server);
}

// The process's resident set, in kB.
long RssKb() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

Frame MakeFrame(std::string_view event, std::string_view data) {
  return std::make_shared<const std::string>(SseFrame(event, data));
}

// Opens a stream and reads its head.
std::unique_ptr<Conn> OpenStream(int port, std::string* head = nullptr) {
  auto c = std::make_unique<Conn>(port);
  if (!c->connected() || !c->Send(Get("/events", "Accept: text/event-stream\r\n"))) return nullptr;
  auto h = c->ReadUntil("\r\n\r\n");
  if (!h) return nullptr;
  if (head) *head = *h;
  return c;
}

TEST(SseTest, HeadFirstBodyAndFramesInOrder) {
  StreamHub hub;
  auto server = StartOrDie({}, StreamHandler(&hub, SseFrame("snapshot", "all")));
  ASSERT_TRUE(server);
  std::string head;
  auto c = OpenStream(server->port(), &head);
  ASSERT_TRUE(c);
  EXPECT_THAT(head, HasSubstr("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(head, HasSubstr("Content-Type: text/event-stream\r\n"));
  EXPECT_THAT(head, HasSubstr("Cache-Control: no-store\r\n"));
  EXPECT_THAT(head, HasSubstr("X-Accel-Buffering: no\r\n"));
  EXPECT_THAT(head, HasSubstr("X-Stream: 1\r\n"));
  EXPECT_THAT(head, Not(HasSubstr("Content-Length")));
  ASSERT_TRUE(hub.WaitFor(1));
  auto s = hub.All()[0];
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(s->Send(MakeFrame("n", std::to_string(i))));
  auto got = c->ReadUntil("data: 199\n\n");
  ASSERT_TRUE(got);
  std::string expected = SseFrame("snapshot", "all");
  for (int i = 0; i < 200; ++i) expected += SseFrame("n", std::to_string(i));
  EXPECT_EQ(*got, expected);
  EXPECT_EQ(server->stats().streams_open, 1u);
}

TEST(SseTest, OneSharedFrameReachesTwoHundredStreams) {
  StreamHub hub;
  ServerOptions o;
  o.io_threads = 2;
  auto server = StartOrDie(o, StreamHandler(&hub));
  ASSERT_TRUE(server);
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < 200; ++i) {
    conns.push_back(OpenStream(server->port()));
    ASSERT_TRUE(conns.back()) << i;
  }
  ASSERT_TRUE(hub.WaitFor(200));
  const Frame shared = MakeFrame("board", "{\"now\": 7}");
  for (auto& s : hub.All()) ASSERT_TRUE(s->Send(shared));
  for (auto& c : conns) {
    auto got = c->ReadUntil("\n\n");
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, *shared);
  }
}

TEST(SseTest, OnCloseRunsOnceWhenTheClientLeaves) {
  StreamHub hub;
  auto server = StartOrDie({}, StreamHandler(&hub));
  ASSERT_TRUE(server);
  auto c = OpenStream(server->port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(hub.WaitFor(1));
  auto s = hub.All()[0];
  std::atomic<int> closes{0};
  s->OnClose([&] { ++closes; });
  EXPECT_FALSE(s->closed());
  c->Close();  // nothing is being written: only the pending read can notice
  EXPECT_TRUE(Eventually([&] { return closes.load() == 1; }));
  EXPECT_TRUE(s->closed());
  EXPECT_FALSE(s->Send(MakeFrame("late", "x")));
  std::atomic<int> late{0};
  s->OnClose([&] { ++late; });  // already ended: runs at once
  EXPECT_EQ(late.load(), 1);
  EXPECT_TRUE(Eventually([&] { return server->stats().streams_open == 0; }));
  EXPECT_TRUE(Eventually([&] { return server->stats().connections_open == 0; }));
  EXPECT_EQ(closes.load(), 1);
}

TEST(SseTest, CloseEndsTheStreamAfterQueuedFrames) {
  StreamHub hub;
  auto server = StartOrDie({}, StreamHandler(&hub));
  ASSERT_TRUE(server);
  auto c = OpenStream(server->port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(hub.WaitFor(1));
  auto s = hub.All()[0];
  ASSERT_TRUE(s->Send(MakeFrame("a", "1")));
  ASSERT_TRUE(s->Send(MakeFrame("b", "2")));
  s->Close();
  EXPECT_TRUE(c->WaitClosed());
  EXPECT_EQ(c->pending(), SseFrame("a", "1") + SseFrame("b", "2"));
  EXPECT_TRUE(s->closed());
}

TEST(SseTest, SlowClientOverTheQueueIsDisconnected) {
  StreamHub hub;
  ServerOptions o;
  o.max_stream_queue = 4;
  auto server = StartOrDie(o, StreamHandler(&hub));
  ASSERT_TRUE(server);
  auto c = OpenStream(server->port());
  ASSERT_TRUE(c);
  c->ShrinkReceiveBuffer();
  ASSERT_TRUE(hub.WaitFor(1));
  auto s = hub.All()[0];
  std::atomic<bool> closed{false};
  s->OnClose([&] { closed = true; });
  const Frame big = MakeFrame("big", std::string(1 << 20, 'x'));
  // The client never reads: the socket fills, then the queue.
  bool refused = false;
  for (int i = 0; i < 1000 && !refused; ++i) {
    refused = !s->Send(big);
    if (!refused) std::this_thread::sleep_for(2ms);
  }
  EXPECT_TRUE(refused);
  EXPECT_TRUE(Eventually([&] { return closed.load(); }));
  EXPECT_TRUE(s->closed());
  EXPECT_TRUE(Eventually([&] { return server->stats().streams_open == 0; }));
}

TEST(SseTest, StalledClientIsCutAtTheWriteTimeout) {
  StreamHub hub;
  ServerOptions o;
  o.max_stream_queue = 100000;  // only the write timeout can end it
  o.write_timeout = absl::Milliseconds(500);
  auto server = StartOrDie(o, StreamHandler(&hub));
  ASSERT_TRUE(server);
  auto c = OpenStream(server->port());
  ASSERT_TRUE(c);
  c->ShrinkReceiveBuffer();
  ASSERT_TRUE(hub.WaitFor(1));
  auto s = hub.All()[0];
  std::atomic<bool> closed{false};
  s->OnClose([&] { closed = true; });
  const Frame big = MakeFrame("big", std::string(1 << 20, 'x'));
  for (int i = 0; i < 32; ++i) s->Send(big);  // one shared 1 MB frame, 32 times
  EXPECT_TRUE(Eventually([&] { return closed.load(); }, 10s));
  EXPECT_FALSE(s->Send(big));
}

TEST(SseTest, HeartbeatArrivesWhenIdle) {
  StreamHub hub;
  ServerOptions o;
  o.heartbeat = absl::Milliseconds(200);
  auto server = StartOrDie(o, StreamHandler(&hub));
  ASSERT_TRUE(server);
  auto c = OpenStream(server->port());
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->ReadUntil(": ping\n\n", 5s));
  EXPECT_TRUE(c->ReadUntil(": ping\n\n", 5s));  // and again
}

TEST(SseTest, ShutdownClosesOpenStreamsPromptly) {
  StreamHub hub;
  auto server = StartOrDie({}, StreamHandler(&hub));
  ASSERT_TRUE(server);
  auto c = OpenStream(server->port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(hub.WaitFor(1));
  std::atomic<int> closes{0};
  hub.All()[0]->OnClose([&] { ++closes; });
  const auto start = Clock::now();
  server->Shutdown(absl::Seconds(10));
  EXPECT_LT(Clock::now() - start, 3s);
  EXPECT_EQ(closes.load(), 1);
  EXPECT_TRUE(hub.All()[0]->closed());
  EXPECT_TRUE(c->WaitClosed());
  EXPECT_EQ(server->stats().streams_open, 0u);
}

TEST(SseTest, TwoThousandIdleStreamsStayOpenAndGetABroadcast) {
  constexpr int kStreams = 2000;
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 2 * kStreams + 200) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 2 * kStreams + 200);
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  ASSERT_GE(lim.rlim_cur, 2u * kStreams + 100) << "not enough file descriptors";
  StreamHub hub;
  ServerOptions o;
  o.io_threads = 2;
  auto server = StartOrDie(o, StreamHandler(&hub));
  ASSERT_TRUE(server);
  std::vector<std::unique_ptr<Conn>> conns;
  conns.reserve(kStreams);
  const long rss_before = RssKb();
  const auto start = Clock::now();
  for (int i = 0; i < kStreams; ++i) {
    conns.push_back(OpenStream(server->port()));
    ASSERT_TRUE(conns.back()) << i;
  }
  ASSERT_TRUE(hub.WaitFor(kStreams, 30s));
  const auto opened = Clock::now();
  std::this_thread::sleep_for(500ms);  // they stay open while idle
  const long rss_open = RssKb();
  EXPECT_EQ(server->stats().streams_open, static_cast<uint64_t>(kStreams));
  const Frame shared = MakeFrame("board", "{\"serving\": \"A-017\"}");
  for (auto& s : hub.All()) ASSERT_TRUE(s->Send(shared));
  for (auto& c : conns) {
    auto got = c->ReadUntil("\n\n", 10s);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, *shared);
  }
  const auto done = Clock::now();
  std::printf("[ figures ] %d streams opened in %lld ms; broadcast received by all in %lld ms\n",
              kStreams,
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(opened - start).count()),
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(done - opened).count()) -
                  500);
  std::printf("[ figures ] resident memory grew %ld kB for %d streams (server and test client, "
              "user space): %.1f kB each\n",
              rss_open - rss_before, kStreams,
              static_cast<double>(rss_open - rss_before) / kStreams);
  conns.clear();
  EXPECT_TRUE(Eventually([&] { return server->stats().streams_open == 0; }, 20s));
}

}  // namespace
}  // namespace shop::queue::http
