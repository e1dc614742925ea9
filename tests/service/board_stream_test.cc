// The board stream's ends through a real server, many times over: refused at
// the start, left by the watcher while updates are being written, and ended
// by the server stopping. Each stream must be finished exactly once (a second
// Finish aborts or corrupts gRPC's call), and none may stay subscribed.
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "shop/queue/v1/board_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/service/test_server.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;
using testing::TestServer;

grpc::StatusCode Watch(pb::BoardService::Stub& stub, const std::string& branch, int recent) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  pb::WatchBoardRequest req;
  req.set_branch_id(branch);
  req.set_recent_call_count(recent);
  auto reader = stub.WatchBoard(&ctx, req);
  pb::WatchBoardResponse msg;
  if (reader->Read(&msg)) {
    ctx.TryCancel();
    while (reader->Read(&msg)) {
    }
    (void)reader->Finish();
    return grpc::StatusCode::OK;
  }
  return reader->Finish().error_code();
}

// Starts a stream and cancels it at once, racing the server's answer.
grpc::StatusCode WatchAndLeave(pb::BoardService::Stub& stub, const std::string& branch,
                               int recent) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  pb::WatchBoardRequest req;
  req.set_branch_id(branch);
  req.set_recent_call_count(recent);
  auto reader = stub.WatchBoard(&ctx, req);
  ctx.TryCancel();
  pb::WatchBoardResponse msg;
  while (reader->Read(&msg)) {
  }
  return reader->Finish().error_code();
}

bool Serving(TestServer& server) {
  auto health = grpc::health::v1::Health::NewStub(server.Channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckResponse resp;
  return health->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &resp).ok() &&
         resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

bool NoWatchersLeft(TestServer& server) {
  for (int i = 0; i < 1000 && server.server().board().watcher_count() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return server.server().board().watcher_count() == 0;
}

// Creates tickets (each one publishes a board update) until stopped.
class Publisher {
 public:
  explicit Publisher(TestServer& server) : stub_(pb::KioskService::NewStub(server.Channel())) {
    thread_ = std::thread([this] {
      for (int i = 0; !stop_; ++i) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        pb::CreateTicketRequest req;
        req.set_branch_id("test");
        req.set_service_prefix(i % 2 ? "R" : "N");
        req.set_request_id("pub-" + std::to_string(i));
        pb::CreateTicketResponse resp;
        if (!stub_->CreateTicket(&ctx, req, &resp).ok()) return;  // the server stopped
        ++published_;
      }
    });
  }
  ~Publisher() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int published() const { return published_; }

 private:
  std::unique_ptr<pb::KioskService::Stub> stub_;
  std::atomic<bool> stop_{false};
  std::atomic<int> published_{0};
  std::thread thread_;
};

TEST(BoardStream, RefusedStreamsEndOnceAndLeaveNoWatcher) {
  TestServer server;
  auto staff = pb::BoardService::NewStub(server.Channel());
  auto anonymous = pb::BoardService::NewStub(server.AnonymousChannel());
  auto board = pb::BoardService::NewStub(server.ChannelWith(server.Token(Role::kBoard)));
  for (int i = 0; i < 200; ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ(Watch(*staff, "test", 99), grpc::StatusCode::INVALID_ARGUMENT);
    ASSERT_EQ(Watch(*anonymous, "test", 0), grpc::StatusCode::UNAUTHENTICATED);
    ASSERT_EQ(Watch(*board, "elsewhere", 0), grpc::StatusCode::PERMISSION_DENIED);
    ASSERT_EQ(Watch(*staff, "no-such-branch", 0), grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(Watch(*staff, "test", 5), grpc::StatusCode::OK);
  EXPECT_TRUE(Serving(server));
  EXPECT_TRUE(NoWatchersLeft(server));
}

// A refusal that meets the watcher's own cancel: gRPC then reports the
// cancel (OnCancel) after the stream was already finished.
TEST(BoardStream, RefusedStreamsCancelledAtOnceEndOnce) {
  TestServer server;
  auto staff = pb::BoardService::NewStub(server.Channel());
  auto anonymous = pb::BoardService::NewStub(server.AnonymousChannel());
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        grpc::StatusCode code = WatchAndLeave(t % 2 ? *staff : *anonymous, "test", t % 2 ? 99 : 0);
        grpc::StatusCode refusal = t % 2 ? grpc::StatusCode::INVALID_ARGUMENT
                                         : grpc::StatusCode::UNAUTHENTICATED;
        if (code != refusal && code != grpc::StatusCode::CANCELLED) ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(Watch(*staff, "test", 5), grpc::StatusCode::OK);
  EXPECT_TRUE(Serving(server));
  EXPECT_TRUE(NoWatchersLeft(server));
}

TEST(BoardStream, WatchersLeavingWhileUpdatesAreWrittenEndOnce) {
  TestServer server;
  auto stub = pb::BoardService::NewStub(server.Channel());
  Publisher publisher(server);
  constexpr int kWatchers = 4;
  std::vector<std::thread> watchers;
  std::atomic<int> bad{0};
  for (int w = 0; w < kWatchers; ++w) {
    watchers.emplace_back([&, w] {
      for (int i = 0; i < 50; ++i) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        pb::WatchBoardRequest req;
        req.set_branch_id("test");
        auto reader = stub->WatchBoard(&ctx, req);
        pb::WatchBoardResponse msg;
        // Leave at once, after the snapshot, or after a few updates: the
        // cancel meets a write in flight at different points.
        for (int n = 0; n < (i + w) % 4 && reader->Read(&msg); ++n) {
        }
        ctx.TryCancel();
        while (reader->Read(&msg)) {
        }
        grpc::Status end = reader->Finish();
        if (end.error_code() != grpc::StatusCode::CANCELLED) ++bad;
      }
    });
  }
  for (auto& t : watchers) t.join();
  publisher.Stop();
  EXPECT_EQ(bad.load(), 0) << "a stream left by its watcher ended otherwise than CANCELLED";
  EXPECT_GT(publisher.published(), 0);
  EXPECT_TRUE(Serving(server));
  EXPECT_TRUE(NoWatchersLeft(server));
}

TEST(BoardStream, StreamsEndOnceWhenTheServerStops) {
  for (int round = 0; round < 10; ++round) {
    SCOPED_TRACE(round);
    TestServer server;
    auto stub = pb::BoardService::NewStub(server.Channel());
    Publisher publisher(server);
    constexpr int kWatchers = 6;
    std::vector<std::thread> watchers;
    std::atomic<int> bad{0};
    std::atomic<int> reading{0};
    for (int w = 0; w < kWatchers; ++w) {
      watchers.emplace_back([&, w] {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
        pb::WatchBoardRequest req;
        req.set_branch_id("test");
        auto reader = stub->WatchBoard(&ctx, req);
        pb::WatchBoardResponse msg;
        bool first = reader->Read(&msg);
        ++reading;
        // Every third watcher leaves just as the server stops.
        if (w % 3 == 0) ctx.TryCancel();
        while (first && reader->Read(&msg)) {
        }
        grpc::Status end = reader->Finish();
        if (end.error_code() != grpc::StatusCode::UNAVAILABLE &&
            end.error_code() != grpc::StatusCode::CANCELLED)
          ++bad;
      });
    }
    while (reading < kWatchers) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server.Shutdown();
    for (auto& t : watchers) t.join();
    publisher.Stop();
    EXPECT_EQ(bad.load(), 0);
    EXPECT_EQ(server.server().board().watcher_count(), 0u);
  }
}

}  // namespace
}  // namespace shop::queue
