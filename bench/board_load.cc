// The board phase: `watchers` WatchBoard streams on the first branch, opened
// with the callback API (one ClientReadReactor each, no thread each). Once
// every stream has delivered its snapshot, one counter of that branch cycles
// tickets (call-next, start, complete) at about `board_rate` calls per
// second. Each watcher records, for every BoardCall it receives, the lag from
// the call's call_time (server wall clock) to its arrival (bench wall clock;
// the same machine). Afterwards every ready watcher should have seen every
// call the driver made.
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "bench/load.h"
#include "shop/queue/v1/board_service.grpc.pb.h"

namespace shop::bench {

namespace pb = shop::queue::v1;
using namespace std::chrono_literals;

namespace {

constexpr double kSnapshotTimeoutS = 60;  // for all watchers to get their snapshot
constexpr double kDrainTimeoutS = 5;      // for the last events after the driver stops
constexpr double kCancelTimeoutS = 15;    // for every stream to end after TryCancel

// State the watchers share with the phase's thread. Thread-safe.
class WatcherGroup {
 public:
  void SnapshotArrived() { Bump(&ready_); }
  void StreamDone() { Bump(&done_); }
  void EventArrived() { events_.fetch_add(1, std::memory_order_relaxed); }
  int64_t events() const { return events_.load(std::memory_order_relaxed); }
  // Wait until at least `n` snapshots / finished streams; false on timeout.
  bool WaitReady(int n, double timeout_s) { return WaitFor(&ready_, n, timeout_s); }
  bool WaitDone(int n, double timeout_s) { return WaitFor(&done_, n, timeout_s); }
  int ready() {
    std::lock_guard lock(mu_);
    return ready_;
  }

 private:
  void Bump(int* counter) {
    std::lock_guard lock(mu_);
    ++*counter;
    cv_.notify_all();
  }
  bool WaitFor(int* counter, int n, double timeout_s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::duration<double>(timeout_s),
                        [&] { return *counter >= n; });
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int ready_ = 0;  // guarded by mu_
  int done_ = 0;   // guarded by mu_
  std::atomic<int64_t> events_{0};
};

// One board stream. gRPC runs its callbacks one at a time, so its own fields
// need no lock; the phase reads them only after OnDone (ordered by the
// group's mutex in StreamDone/WaitDone).
class Watcher final : public grpc::ClientReadReactor<pb::WatchBoardResponse> {
 public:
  Watcher(WatcherGroup& group, int replica) : group_(group), replica_(replica) {}

  void Start(pb::BoardService::Stub& stub, const std::string& branch) {
    request_.set_branch_id(branch);
    stub.async()->WatchBoard(&context_, &request_, this);
    StartRead(&message_);
    StartCall();
  }
  void Cancel() { context_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream ended; OnDone follows
    auto now = std::chrono::system_clock::now();
    if (message_.snapshot()) {
      snapshot_ = true;
      group_.SnapshotArrived();
    } else {
      for (const pb::BoardCall& call : message_.calls()) {
        if (call.recall_count() != 0) continue;
        calls_.push_back({call.ticket_id(), now - ToTimePoint(call.call_time())});
        group_.EventArrived();
      }
    }
    StartRead(&message_);
  }
  void OnDone(const grpc::Status& status) override {
    status_ = status;
    group_.StreamDone();
  }

  struct Seen {
    int64_t ticket_id;
    std::chrono::system_clock::duration lag;
  };
  bool snapshot() const { return snapshot_; }
  int replica() const { return replica_; }
  const std::vector<Seen>& calls() const { return calls_; }
  const grpc::Status& status() const { return status_; }

 private:
  static std::chrono::system_clock::time_point ToTimePoint(const google::protobuf::Timestamp& t) {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos())));
  }

  WatcherGroup& group_;
  const int replica_;  // which server replica the stream is on
  grpc::ClientContext context_;
  pb::WatchBoardRequest request_;
  pb::WatchBoardResponse message_;
  bool snapshot_ = false;
  std::vector<Seen> calls_;
  grpc::Status status_;
};

// Drives one counter at `rate` cycles per second until the window closes.
CounterTally DriveCounter(LoadContext& ctx, const std::string& branch, const std::string& counter) {
  const BenchOptions& opt = ctx.options;
  auto stub = pb::CounterService::NewStub(ctx.channels[0]);
  CounterTally tally;
  auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / opt.board_rate));
  Window win = Window::Start(opt.duration_s, 0);
  auto next = Clock::now();
  for (int64_t seq = 0; win.Running(); ++seq) {
    CounterCycle(*stub, branch, counter, ctx.run_id + "-board-" + std::to_string(seq),
                 opt.deadline_s, win, std::chrono::milliseconds(0), tally);
    next += period;
    std::this_thread::sleep_until(next);
  }
  return tally;
}

// Lags of the driver's calls, and how many ready watchers missed one.
// With several replicas, also per replica the watchers are on (the driver
// calls on replica 0, so the others' lag includes the change feed).
struct Delivery {
  OpStats lag;
  int64_t received = 0;
  int64_t watchers_missing = 0;
  std::vector<OpStats> replica_lag;
  std::vector<int64_t> replica_missing;
};

Delivery CheckDelivery(const std::vector<std::unique_ptr<Watcher>>& watchers,
                       const std::vector<int64_t>& called, int replicas) {
  std::unordered_set<int64_t> expected(called.begin(), called.end());
  Delivery d;
  d.replica_lag.resize(replicas);
  d.replica_missing.resize(replicas);
  for (const auto& w : watchers) {
    if (!w->snapshot()) continue;
    std::unordered_set<int64_t> seen;
    for (const Watcher::Seen& s : w->calls()) {
      if (!expected.count(s.ticket_id) || !seen.insert(s.ticket_id).second) continue;
      auto lag = std::chrono::duration_cast<Clock::duration>(s.lag);
      d.lag.RecordLatency(lag);
      d.replica_lag[w->replica()].RecordLatency(lag);
      ++d.received;
    }
    if (seen.size() < expected.size()) {
      ++d.watchers_missing;
      ++d.replica_missing[w->replica()];
    }
  }
  return d;
}

}  // namespace

PhaseResult RunBoard(LoadContext& ctx) {
  const BenchOptions& opt = ctx.options;
  const std::string branch = ctx.layout.BranchId(0);
  const std::string counter = Layout::CounterId(0);
  PhaseResult result = PhaseResult::Named("board", opt.duration_s);

  // Set-up, not timed: tickets for the driver, its counter open.
  std::string error;
  auto tickets = static_cast<int64_t>(opt.board_rate * opt.duration_s * 1.5) + 20;
  CreateTickets(ctx, {branch}, tickets, &error);
  auto counter_stub = pb::CounterService::NewStub(ctx.channels[0]);
  grpc::Status open = OpenCounter(*counter_stub, branch, counter, opt.deadline_s);
  if (!error.empty() || !open.ok()) {
    result.setup_error = !error.empty() ? error : "OpenCounter: " + open.error_message();
    return result;
  }

  WatcherGroup group;
  std::vector<std::unique_ptr<pb::BoardService::Stub>> stubs;
  for (const auto& ch : ctx.channels) stubs.push_back(pb::BoardService::NewStub(ch));
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < opt.watchers; ++i) {
    watchers.push_back(std::make_unique<Watcher>(group, ctx.ReplicaOf(i)));
    watchers.back()->Start(*stubs[ctx.ChannelIndex(i)], branch);
  }
  auto subscribe_start = Clock::now();
  group.WaitReady(opt.watchers, kSnapshotTimeoutS);
  double subscribe_s = std::chrono::duration<double>(Clock::now() - subscribe_start).count();
  const int ready = group.ready();

  CounterTally driver = DriveCounter(ctx, branch, counter);
  const int64_t expected = static_cast<int64_t>(driver.called.size()) * ready;
  auto drain_until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(kDrainTimeoutS));
  while (group.events() < expected && Clock::now() < drain_until) std::this_thread::sleep_for(10ms);

  for (auto& w : watchers) w->Cancel();
  if (!group.WaitDone(opt.watchers, kCancelTimeoutS)) {
    // A reactor must outlive its OnDone; leak them rather than crash.
    for (auto& w : watchers) (void)w.release();
    result.setup_error = "board streams did not end within 15 s of cancelling";
    return result;
  }

  Delivery d = CheckDelivery(watchers, driver.called, ctx.replicas);
  for (const auto& w : watchers) {
    auto code = w->status().error_code();
    if (code != grpc::StatusCode::OK && code != grpc::StatusCode::CANCELLED) {
      d.lag.RecordError(code);
      d.replica_lag[w->replica()].RecordError(code);
    }
  }
  // The driver's failed calls count against the board row too.
  d.lag.MergeErrors(driver.call_next);
  d.lag.MergeErrors(driver.start);
  d.lag.MergeErrors(driver.complete);

  ctx.called_ticket_ids.insert(ctx.called_ticket_ids.end(), driver.called.begin(),
                               driver.called.end());
  result.ops.push_back(Summarize("board_lag", std::move(d.lag), result.seconds));
  // Several replicas: the lag of the watchers on each (rows board_r0, ...;
  // the driving counter is on replica 0).
  if (ctx.replicas > 1)
    for (int r = 0; r < ctx.replicas; ++r)
      result.ops.push_back(Summarize("board_r" + std::to_string(r), std::move(d.replica_lag[r]),
                                     result.seconds));
  result.figures = {{"watchers", opt.watchers},
                    {"watchers_ready", ready},
                    {"subscribe_ms", static_cast<int64_t>(subscribe_s * 1000)},
                    {"board_calls", static_cast<int64_t>(driver.called.size())},
                    {"driver_empty_call_next", driver.empty},
                    {"events_expected", expected},
                    {"events_received", d.received},
                    {"watchers_missing_calls", d.watchers_missing},
                    {"duplicates", CountDuplicates(ctx.called_ticket_ids)}};
  if (ctx.replicas > 1)
    for (int r = 0; r < ctx.replicas; ++r)
      result.figures.push_back(
          {"watchers_missing_calls_r" + std::to_string(r), d.replica_missing[r]});
  return result;
}

}  // namespace shop::bench
