// Queue policy: which waiting ticket a counter calls next, where a ticket
// stands, and how long it will wait.
//
// Call order among the services a counter serves:
//   1. appointment tickets that are due (due_time <= now), earliest due first;
//   2. priority tickets (elderly, disabled, pregnant, with children);
//   3. walk-ins;
// ties by earliest issue time, then by ticket id. Appointment tickets that are
// not yet due are never called by call-next.
//
// Pure functions over values; thread-safe.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/queue/ticket.h"

namespace shop::queue {

// The tiers of the call order. Within a tier, tickets go by (due_time,
// issue_time, id) for appointments and (issue_time, id) otherwise. Storage
// uses the tiers to answer "who is first" and "how many are ahead" with
// indexed queries instead of loading whole queues; see WriteTx.
enum class QueueTier {
  kDueAppointment = 0,
  kPriority = 1,
  kWalkIn = 2,
  kEarlyAppointment = 3,  // never called by call-next until due
};
inline constexpr QueueTier kAllTiers[] = {QueueTier::kDueAppointment, QueueTier::kPriority,
                                          QueueTier::kWalkIn, QueueTier::kEarlyAppointment};
QueueTier TierOf(const Ticket& t, absl::Time now);

// Returns the index in `waiting` of the ticket to call next, among tickets in
// kWaiting whose service_prefix is in `services`; nullopt if none qualifies.
std::optional<size_t> PickNext(const std::vector<Ticket>& waiting,
                               const std::set<std::string>& services, absl::Time now);

// True if `a` is called before `b` (both waiting) at time `now`. Appointments
// not yet due sort after everything else.
bool CalledBefore(const Ticket& a, const Ticket& b, absl::Time now);

// How many tickets of `waiting` (same service as `t`, waiting) are called
// before `t`.
int PositionOf(const Ticket& t, const std::vector<Ticket>& waiting, absl::Time now);

// Rolling average of recent service durations (newest first in `recent`);
// `fallback` when there is no data. Only the first `window` entries count.
absl::Duration RollingAverage(const std::vector<absl::Duration>& recent, absl::Duration fallback,
                              size_t window = 20);

// position x average / max(1, open_counters).
absl::Duration EstimateWait(int position, absl::Duration average, int open_counters);

}  // namespace shop::queue
