// BoardHub fan-out, bounded queues and shutdown.
#include "server/domain/queue/board.h"

#include <thread>

#include <gtest/gtest.h>

namespace shop::queue {
namespace {

BoardUpdate WithCount(int n) {
  BoardUpdate u;
  u.waiting["R"] = n;
  return u;
}

TEST(BoardHub, DeliversToWatchersOfTheBranchOnly) {
  BoardHub hub;
  auto a = hub.Subscribe("a");
  auto b = hub.Subscribe("b");
  hub.Publish("a", WithCount(3));
  auto got = a->Next(absl::Seconds(1));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->waiting["R"], 3);
  EXPECT_FALSE(b->Next(absl::Milliseconds(10)));
}

TEST(BoardHub, SlowWatcherLosesOldestNotNewest) {
  BoardHub hub(2);
  auto s = hub.Subscribe("a");
  for (int i = 1; i <= 5; ++i) hub.Publish("a", WithCount(i));
  EXPECT_EQ(s->Next(absl::Seconds(1))->waiting["R"], 4);
  EXPECT_EQ(s->Next(absl::Seconds(1))->waiting["R"], 5);
}

TEST(BoardHub, ShutdownWakesWaitingWatchers) {
  BoardHub hub;
  auto s = hub.Subscribe("a");
  std::thread t([&] { hub.Shutdown(); });
  auto got = s->Next(absl::Seconds(10));
  t.join();
  EXPECT_FALSE(got);
  EXPECT_TRUE(s->closed());
  EXPECT_TRUE(hub.Subscribe("a")->closed());
}

TEST(BoardHub, UnsubscribeStopsDelivery) {
  BoardHub hub;
  auto s = hub.Subscribe("a");
  EXPECT_TRUE(hub.HasWatchers("a"));
  hub.Unsubscribe("a", s);
  EXPECT_FALSE(hub.HasWatchers("a"));
  hub.Publish("a", WithCount(1));
  EXPECT_FALSE(s->Next(absl::Milliseconds(10)));
}

}  // namespace
}  // namespace shop::queue
