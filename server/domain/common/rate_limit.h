// RateLimiter: a token bucket per key (a client address): `burst` calls at
// once, refilled at `per_minute` calls per minute. Keys unused for a while are
// forgotten, so memory stays bounded by the callers of the last minutes.
//
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "server/domain/common/clock.h"

namespace shop::queue {

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, int per_minute, int burst)
      : clock_(clock), per_minute_(per_minute), burst_(burst) {}

  // True if the call may go ahead (and takes a token); false otherwise, with
  // `retry_after` (if given) set to when a token will be there.
  bool Allow(const std::string& key, absl::Duration* retry_after = nullptr);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  void ForgetIdle(absl::Time now);  // mu_ held

  const Clock& clock_;
  const int per_minute_;
  const int burst_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;  // guarded by mu_
  absl::Time last_sweep_ = absl::InfinitePast();  // guarded by mu_
};

}  // namespace shop::queue
