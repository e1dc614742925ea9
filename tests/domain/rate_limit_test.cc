// The per-address token bucket of the public booking API, with a manual clock.
#include "server/domain/common/rate_limit.h"

#include <gtest/gtest.h>

namespace shop::queue {
namespace {

TEST(RateLimiter, ABurstThenOneTokenPerRefillInterval) {
  ManualClock clock(absl::FromUnixSeconds(1'800'000'000));
  RateLimiter limiter(clock, /*per_minute=*/30, /*burst=*/3);  // a token every 2 s
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("ipv4:10.0.0.1")) << i;
  absl::Duration retry;
  EXPECT_FALSE(limiter.Allow("ipv4:10.0.0.1", &retry));
  EXPECT_EQ(retry, absl::Seconds(2));
  EXPECT_TRUE(limiter.Allow("ipv4:10.0.0.2")) << "another address has its own bucket";
  clock.Advance(absl::Seconds(1));
  EXPECT_FALSE(limiter.Allow("ipv4:10.0.0.1"));
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(limiter.Allow("ipv4:10.0.0.1"));
  EXPECT_FALSE(limiter.Allow("ipv4:10.0.0.1"));
  clock.Advance(absl::Hours(1));  // long idle: the bucket is full again, not more
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("ipv4:10.0.0.1")) << i;
  EXPECT_FALSE(limiter.Allow("ipv4:10.0.0.1"));
}

}  // namespace
}  // namespace shop::queue
