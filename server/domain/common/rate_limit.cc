#include "server/domain/common/rate_limit.h"

#include <algorithm>

namespace shop::queue {

bool RateLimiter::Allow(const std::string& key, absl::Duration* retry_after) {
  const absl::Time now = clock_.Now();
  const double per_second = per_minute_ / 60.0;
  std::lock_guard lock(mu_);
  ForgetIdle(now);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{static_cast<double>(burst_), now});
  Bucket& b = it->second;
  if (!fresh) {
    double refill = absl::ToDoubleSeconds(now - b.updated) * per_second;
    b.tokens = std::min<double>(burst_, b.tokens + std::max(0.0, refill));
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (retry_after) *retry_after = absl::Seconds((1.0 - b.tokens) / per_second);
  return false;
}

void RateLimiter::ForgetIdle(absl::Time now) {
  // A bucket idle long enough to be full again is the same as no bucket.
  const absl::Duration refill_time = absl::Seconds(60.0 * burst_ / per_minute_);
  if (now - last_sweep_ < absl::Minutes(1)) return;
  last_sweep_ = now;
  for (auto it = buckets_.begin(); it != buckets_.end();)
    it = now - it->second.updated >= refill_time ? buckets_.erase(it) : std::next(it);
}

}  // namespace shop::queue
