// The live board across a server that stops and comes back (issue 11): one
// line when the connection drops, none per reconnection attempt, attempts
// spaced out with back-off and jitter, and one line when it is back on the
// same port. Against a fake BoardService in-process.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/client/rpc.h"
#include "counter/counter_client.h"
#include "tests/client/in_process_server.h"

namespace shop::queue::counter {
namespace {

using namespace std::chrono_literals;

// Sends a snapshot and holds the stream; while `stopping`, answers every
// call at once with UNAVAILABLE, as the real server does while it drains.
class FakeBoard final : public v1::BoardService::Service {
 public:
  std::atomic<bool> stopping{false};
  std::atomic<int> calls{0};

  grpc::Status WatchBoard(grpc::ServerContext* context, const v1::WatchBoardRequest*,
                          grpc::ServerWriter<v1::WatchBoardResponse>* writer) override {
    ++calls;
    if (stopping) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is stopping");
    v1::WatchBoardResponse snapshot;
    snapshot.set_snapshot(true);
    writer->Write(snapshot);
    while (!context->IsCancelled() && !stopping) std::this_thread::sleep_for(5ms);
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is stopping");
  }
};

// Waits up to `limit` for `done`.
template <typename Done>
bool WaitFor(Done done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

TEST(BoardReconnectTest, OneLineWhenLostNoneWhileRetryingOneWhenBack) {
  FakeBoard board;
  auto server = std::make_unique<test_support::InProcessServer>(
      std::initializer_list<grpc::Service*>{&board});
  ASSERT_TRUE(server->started());
  const int port = server->port();
  const CounterClient counter(client::MakeChannel("127.0.0.1:" + std::to_string(port)), "demo",
                              "", client::CallOptions());

  std::mutex mu;
  std::vector<std::string> lines;  // what the board program prints about its connection
  std::atomic<int> messages{0};
  client::StreamCanceller canceller;
  grpc::Status result = grpc::Status(grpc::StatusCode::UNKNOWN, "not finished");
  std::thread watcher([&] {
    result = counter.WatchBoardLive(
        [&](const v1::WatchBoardResponse&) {
          ++messages;
          return true;
        },
        [&](BoardLink link, const grpc::Status&) {
          std::lock_guard<std::mutex> lock(mu);
          lines.push_back(link == BoardLink::kLost ? "lost" : "back");
        },
        &canceller);
  });
  const auto lines_now = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return lines;
  };

  ASSERT_TRUE(WaitFor([&] { return messages >= 1; }, 5s));

  // The server drains for 3 s, refusing every call at once.
  board.stopping = true;
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(lines_now(), std::vector<std::string>{"lost"});
  // First stream + attempts after ~0.5, ~1.5, ~3.5 s (each +-20%).
  EXPECT_LE(board.calls.load(), 5) << "reconnection attempts were not spaced out";

  // Gone, then back on the same port.
  server.reset();
  std::this_thread::sleep_for(1s);
  board.stopping = false;
  server = std::make_unique<test_support::InProcessServer>(
      std::initializer_list<grpc::Service*>{&board}, port);
  ASSERT_TRUE(server->started());
  EXPECT_TRUE(WaitFor([&] { return messages >= 2; }, 20s)) << "did not reconnect";
  EXPECT_EQ(lines_now(), (std::vector<std::string>{"lost", "back"}));

  canceller.Cancel();
  watcher.join();
  EXPECT_TRUE(result.ok()) << client::DescribeStatus(result);
}

TEST(BoardReconnectTest, CancelStopsTheWaitBetweenAttempts) {
  FakeBoard board;
  test_support::InProcessServer server({&board});
  const CounterClient counter(server.NewChannel(), "demo", "", client::CallOptions());
  std::atomic<int> messages{0};
  client::StreamCanceller canceller;
  grpc::Status result;
  std::thread watcher([&] {
    result = counter.WatchBoardLive(
        [&](const v1::WatchBoardResponse&) {
          ++messages;
          return true;
        },
        [](BoardLink, const grpc::Status&) {}, &canceller);
  });
  ASSERT_TRUE(WaitFor([&] { return messages >= 1; }, 5s));
  board.stopping = true;
  std::this_thread::sleep_for(1200ms);  // in a wait of ~1 s or more by now
  const auto cancelled_at = std::chrono::steady_clock::now();
  canceller.Cancel();
  watcher.join();
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 500ms);
  EXPECT_TRUE(result.ok()) << client::DescribeStatus(result);
}

TEST(BoardReconnectTest, CancelStopsTheWaitForAServerThatIsAway) {
  FakeBoard board;
  auto server = std::make_unique<test_support::InProcessServer>(
      std::initializer_list<grpc::Service*>{&board});
  const CounterClient counter(server->NewChannel(), "demo", "", client::CallOptions());
  std::atomic<int> messages{0};
  client::StreamCanceller canceller;
  grpc::Status result;
  std::thread watcher([&] {
    result = counter.WatchBoardLive(
        [&](const v1::WatchBoardResponse&) {
          ++messages;
          return true;
        },
        [](BoardLink, const grpc::Status&) {}, &canceller);
  });
  ASSERT_TRUE(WaitFor([&] { return messages >= 1; }, 5s));
  server.reset();
  std::this_thread::sleep_for(2s);  // reconnecting to nobody
  const auto cancelled_at = std::chrono::steady_clock::now();
  canceller.Cancel();
  watcher.join();
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 500ms);
  EXPECT_TRUE(result.ok()) << client::DescribeStatus(result);
}

}  // namespace
}  // namespace shop::queue::counter
