// BoardHub: in-process fan-out of board updates (calls, and the branch's
// state: waiting counts, due appointments, device faults) to the watchers of
// a branch. Updates are published after their transaction
// commits.
//
// Each subscription has a bounded queue; a watcher that falls far behind
// loses its oldest updates rather than slowing the publishers. Shutdown()
// wakes and ends every subscription (used on graceful stop).
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/staff/device.h"
#include "server/domain/store.h"

namespace shop::queue {

struct BranchConfig;

struct BoardCallView {
  CallRecord call;
  std::string counter_display_name;
};

// An appointment ticket checked in, waiting, due soon or overdue.
struct DueAppointmentView {
  int64_t ticket_id = 0;
  std::string display_number;
  std::string service_prefix;
  absl::Time due_time;
};

struct BoardUpdate {
  std::vector<BoardCallView> calls;        // newest last
  // The branch's state, in every update:
  std::map<std::string, int> waiting;      // prefix -> waiting count, every service
  std::vector<DueAppointmentView> due;     // earliest first, at most kMaxDue
  std::vector<DeviceStatus> device_faults;  // devices that need staff, staff order
  std::string time_zone;                   // IANA
  std::string branch_display_name;
  // The branch's configuration (service names); lives as long as the server.
  const BranchConfig* branch = nullptr;
  bool snapshot = false;

  // Due appointments: due within kDueWithin from now, or overdue.
  static constexpr absl::Duration kDueWithin = absl::Minutes(30);
  static constexpr int kMaxDue = 10;
};

class BoardSubscription {
 public:
  explicit BoardSubscription(size_t capacity) : capacity_(capacity) {}
  // Waits up to `timeout` for the next update. nullopt on timeout or when
  // closed; check closed() to tell them apart.
  std::optional<BoardUpdate> Next(absl::Duration timeout);
  // The next update if one is queued, without waiting.
  std::optional<BoardUpdate> TryNext();
  bool closed() const;
  // Calls `listener` (on the publishing thread, with no lock held) after each
  // update is queued and when the subscription closes; for streams that are
  // pushed to rather than pulled from. Pass nullptr to stop.
  void SetListener(std::function<void()> listener);

 private:
  friend class BoardHub;
  void Push(const BoardUpdate& u);
  void Close();

  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<BoardUpdate> queue_;  // guarded by mu_
  bool closed_ = false;            // guarded by mu_
  std::function<void()> listener_;  // guarded by mu_
};

class BoardHub {
 public:
  explicit BoardHub(size_t per_watcher_capacity = 256) : capacity_(per_watcher_capacity) {}
  std::shared_ptr<BoardSubscription> Subscribe(const std::string& branch_id);
  void Unsubscribe(const std::string& branch_id, const std::shared_ptr<BoardSubscription>& s);
  bool HasWatchers(const std::string& branch_id) const;
  void Publish(const std::string& branch_id, const BoardUpdate& update);
  void Shutdown();
  size_t watcher_count() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<std::shared_ptr<BoardSubscription>>> subs_;  // guarded by mu_
  bool shut_down_ = false;  // guarded by mu_
};

}  // namespace shop::queue
