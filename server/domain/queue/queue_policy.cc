#include "server/domain/queue/queue_policy.h"

#include <algorithm>
#include <tuple>

namespace shop::queue {
namespace {

int Tier(const Ticket& t, absl::Time now) { return static_cast<int>(TierOf(t, now)); }

auto SortKey(const Ticket& t, absl::Time now) {
  int tier = Tier(t, now);
  absl::Time due = (tier == 0 || tier == 3) ? t.due_time : absl::InfinitePast();
  return std::make_tuple(tier, due, t.issue_time, t.id);
}

}  // namespace

QueueTier TierOf(const Ticket& t, absl::Time now) {
  if (t.origin == Origin::kAppointment)
    return t.due_time <= now ? QueueTier::kDueAppointment : QueueTier::kEarlyAppointment;
  return t.priority != Priority::kNone ? QueueTier::kPriority : QueueTier::kWalkIn;
}

bool CalledBefore(const Ticket& a, const Ticket& b, absl::Time now) {
  return SortKey(a, now) < SortKey(b, now);
}

std::optional<size_t> PickNext(const std::vector<Ticket>& waiting,
                               const std::set<std::string>& services, absl::Time now) {
  std::optional<size_t> best;
  for (size_t i = 0; i < waiting.size(); ++i) {
    const Ticket& t = waiting[i];
    if (t.state != TicketState::kWaiting || !services.count(t.service_prefix)) continue;
    if (Tier(t, now) == 3) continue;  // appointment not yet due
    if (!best || CalledBefore(t, waiting[*best], now)) best = i;
  }
  return best;
}

int PositionOf(const Ticket& t, const std::vector<Ticket>& waiting, absl::Time now) {
  int ahead = 0;
  for (const Ticket& o : waiting) {
    if (o.id == t.id || o.state != TicketState::kWaiting || o.service_prefix != t.service_prefix)
      continue;
    if (CalledBefore(o, t, now)) ++ahead;
  }
  return ahead;
}

absl::Duration RollingAverage(const std::vector<absl::Duration>& recent, absl::Duration fallback,
                              size_t window) {
  size_t n = std::min(window, recent.size());
  if (n == 0) return fallback;
  absl::Duration sum;
  for (size_t i = 0; i < n; ++i) sum += recent[i];
  return sum / static_cast<int64_t>(n);
}

absl::Duration EstimateWait(int position, absl::Duration average, int open_counters) {
  return average * position / std::max(1, open_counters);
}

}  // namespace shop::queue
