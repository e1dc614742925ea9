// QueueManager's board updates: published after each commit by this server
// (one store per server), or taken from the store's change feed (a database
// several servers share); and the snapshot a board stream starts with.
#include <algorithm>

#include "server/domain/queue/queue_manager.h"

namespace shop::queue {

void QueueManager::PublishAfterCommit(const BranchConfig& b, const std::vector<CallRecord>& calls) {
  if (following_store_) return;  // the store's feed publishes every server's changes
  if (!board_.HasWatchers(b.branch_id)) return;
  BoardUpdate u;
  for (const auto& c : calls) {
    const CounterConfig* cc = b.FindCounter(c.counter_id);
    u.calls.push_back({c, cc ? cc->display_name : c.counter_id});
  }
  absl::Time now = clock_.Now();
  Status st = store_.Read([&](ReadTx& tx) { return FillBranchState(tx, b, now, u); });
  if (!st.ok()) return;
  board_.Publish(b.branch_id, u);
}

Status QueueManager::FollowStoreChanges() {
  std::lock_guard lock(feed_mu_);
  for (const auto& b : config_.branches) {
    int64_t last = 0;
    QUEUE_RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
      auto calls = tx.tickets().RecentCalls(b.branch_id, 1);
      if (!calls.ok()) return calls.status();
      if (!calls->empty()) last = calls->front().event_id;
      return Status::Ok();
    }));
    last_call_event_[b.branch_id] = last;
  }
  following_store_ = true;
  return Status::Ok();
}

void QueueManager::OnStoreChange(const std::string& branch_id) {
  if (!following_store_) return;
  if (branch_id.empty()) {
    for (const auto& b : config_.branches) PublishFromStore(b);
  } else if (const BranchConfig* b = config_.FindBranch(branch_id)) {
    PublishFromStore(*b);
  }
}

void QueueManager::PublishFromStore(const BranchConfig& b) {
  // At most this many calls per update; a longer gap (a feed down for a
  // while) shows its latest calls, not an hour of old ones.
  constexpr int kMaxCalls = 50;
  std::lock_guard lock(feed_mu_);
  int64_t& last = last_call_event_[b.branch_id];
  if (!board_.HasWatchers(b.branch_id)) {
    // Nobody to tell: only keep up with the calls, so a watcher who comes
    // later is not told old ones.
    (void)store_.Read([&](ReadTx& tx) -> Status {
      auto newest = tx.tickets().RecentCalls(b.branch_id, 1);
      if (!newest.ok()) return newest.status();
      if (!newest->empty()) last = std::max(last, newest->front().event_id);
      return Status::Ok();
    });
    return;
  }
  BoardUpdate u;
  absl::Time now = clock_.Now();
  int64_t seen = last;  // stored only once the update is out: a failed read retries them
  Status st = store_.Read([&](ReadTx& tx) -> Status {
    u.calls.clear();
    auto calls = tx.tickets().CallsAfter(b.branch_id, last, kMaxCalls);
    if (!calls.ok()) return calls.status();
    if (calls->size() == kMaxCalls) {  // skip ahead to the newest ones
      auto newest = tx.tickets().RecentCalls(b.branch_id, kMaxCalls);
      if (!newest.ok()) return newest.status();
      calls->assign(newest->rbegin(), newest->rend());
    }
    for (const CallRecord& c : *calls) {
      const CounterConfig* cc = b.FindCounter(c.counter_id);
      u.calls.push_back({c, cc ? cc->display_name : c.counter_id});
      seen = std::max(seen, c.event_id);
    }
    return FillBranchState(tx, b, now, u);
  });
  if (!st.ok()) return;
  board_.Publish(b.branch_id, u);
  last = seen;
}

void QueueManager::PublishBoardState(const std::string& branch_id) {
  if (const BranchConfig* b = config_.FindBranch(branch_id)) PublishAfterCommit(*b, {});
}

Status QueueManager::FillBranchState(ReadTx& tx, const BranchConfig& b, absl::Time now,
                                     BoardUpdate& u) {
  auto counts = tx.tickets().WaitingCounts(b.branch_id);
  if (!counts.ok()) return counts.status();
  u.waiting = *counts;
  u.branch = &b;
  for (const auto& s : b.services) u.waiting.emplace(s.prefix, 0);
  auto due = tx.tickets().DueAppointments(b.branch_id, now + BoardUpdate::kDueWithin, BoardUpdate::kMaxDue);
  if (!due.ok()) return due.status();
  u.due.clear();
  for (const Ticket& t : *due)
    u.due.push_back({t.id, t.DisplayNumber(), t.service_prefix, t.due_time});
  auto devices = tx.staff().ListDeviceStatus(b.branch_id);
  if (!devices.ok()) return devices.status();
  u.device_faults = Faults(std::move(*devices));
  u.time_zone = b.time_zone_name;
  u.branch_display_name = b.display_name;
  return Status::Ok();
}

Result<BoardUpdate> QueueManager::BoardSnapshot(const std::string& branch_id, int recent_calls) {
  auto b = Branch(branch_id);
  if (!b.ok()) return b.status();
  BoardUpdate u;
  u.snapshot = true;
  absl::Time now = clock_.Now();
  Status st = store_.Read([&](ReadTx& tx) -> Status {
    auto calls = tx.tickets().RecentCalls(branch_id, recent_calls);
    if (!calls.ok()) return calls.status();
    for (auto it = calls->rbegin(); it != calls->rend(); ++it) {
      const CounterConfig* cc = (*b)->FindCounter(it->counter_id);
      u.calls.push_back({*it, cc ? cc->display_name : it->counter_id});
    }
    return FillBranchState(tx, **b, now, u);
  });
  if (!st.ok()) return st;
  return u;
}

}  // namespace shop::queue
