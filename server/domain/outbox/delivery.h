// The outbox's delivery rules, as plain functions (no network, no database):
// the idempotency key of a message, the back-off after a failed attempt, when
// a message is given up (dead letter), and what of an error may be stored.
//
// Delivery is at least once: a message is marked sent only after its channel
// accepted it, so a crash between the two sends it again, under the same key
// (the gateway or the mail system may drop the repeat).
//
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "server/domain/common/status.h"

namespace shop::queue {

// How failed attempts are retried ([notify] in the configuration).
struct RetryPolicy {
  // Failed attempts after which a message is dead (1 = never retried).
  int max_attempts = 8;
  // The wait after the first failure; it doubles after each further one, up
  // to `cap`.
  absl::Duration base = absl::Seconds(30);
  absl::Duration cap = absl::Hours(1);
  // With jitter the wait is drawn evenly from [delay/2, delay] ("equal
  // jitter"), so messages that failed together do not retry together;
  // without, it is exactly the delay.
  bool jitter = true;

  // InvalidArgument (naming the [notify] key) for max_attempts < 1, a
  // non-positive base, or a cap below the base.
  Status Validate() const;
};

// How an attempt failed, as its channel judges it.
enum class FailureKind {
  kTransient,  // a timeout, a refused connection, HTTP 5xx/408/429/401/403/404, SMTP 4xx: retry
  kPermanent,  // refused for good (other HTTP 4xx, SMTP 550-553, a bad address): dead now
};

// What to record after a failed attempt.
struct AfterFailure {
  int attempts = 0;      // failed attempts, this one included
  bool dead = false;     // give up: no further attempt
  absl::Time next_try;   // when not dead: the next attempt, not before
};

// The wait before the next attempt after `attempts` (>= 1) failures:
// min(cap, base * 2^(attempts-1)), jittered with `unit` (in [0, 1), the
// caller's random draw; ignored without jitter).
absl::Duration BackoffDelay(const RetryPolicy& policy, int attempts, double unit);

// The outcome of an attempt that failed at `now`, `attempts_before` failures
// having come before it.
AfterFailure NextAfterFailure(const RetryPolicy& policy, int attempts_before, FailureKind kind,
                              absl::Time now, double unit);

// The message's idempotency key: "outbox-<id>-<created, Unix microseconds>".
// The same for every attempt and after restarts (both parts are stored), and
// distinct for two messages (ids are never reused within a database; the
// time tells apart databases restored from older backups). Letters, digits
// and '-' only, so it fits an HTTP header and the left part of a Message-ID.
std::string IdempotencyKey(int64_t id, absl::Time created);

// The longest error kept with a message (bytes).
inline constexpr size_t kMaxErrorBytes = 200;

// What of a channel's error may be stored and logged: one line, at most
// kMaxErrorBytes (cut at a UTF-8 character boundary), with runs of 5 or more
// digits (phone numbers) replaced by "#" and words with '@' (addresses) by
// "<address>". Channels should not put personal data into errors; this is
// the net under them.
std::string SafeError(std::string_view raw);

}  // namespace shop::queue
