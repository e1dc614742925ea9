// GroupCommit: the write path both engines share. One writer thread owns
// the only write connection of this process. Callers of Write() queue their
// function and wait; the writer takes everything queued (up to 1,024), runs
// it in one transaction (each function inside its own savepoint, so a
// failing function rolls back only itself), commits, and only then answers
// every caller. Every step of that protocol is checked: when one fails so
// that the transaction can no longer be trusted (a failed begin, release,
// rollback-to or commit, or the engine ending the transaction by itself),
// the whole transaction is rolled back and every request in it gets an
// error; OK always means committed.
//
// A request that lost a race with another process (Steps::Retryable: a
// deadlock or serialization failure on PostgreSQL) is rolled back to its
// savepoint and runs again, first in the next transaction, after the
// requests before it have committed (at most kMaxAttempts times). A request
// whose failure made the engine roll back the whole transaction (SQLite on a
// full disk) gets its error, and its neighbours run again in the next one:
// they did nothing wrong.
//
// `Steps` adapts a connection type `Conn` (see sqlite::WriterSteps and
// pg::WriterSteps):
//   Status Begin(Conn&)       opens the transaction (ending any left open)
//   Status Savepoint(Conn&), Release(Conn&), RollbackTo(Conn&), Commit(Conn&)
//   void Abandon(Conn&)       rolls back whatever is open, errors ignored
//   bool InTransaction(Conn&) false once the engine has ended it by itself
//   bool Retryable(const Status&, Conn&)  asked right after the failure
// and may offer
//   Status SyncCommitted()    makes every committed transaction durable
// Then COMMIT only writes (SQLite: synchronous=NORMAL on the writer), and a
// second thread syncs: each sync answers the callers of every transaction
// committed before it began, while the writer runs the next batches. The
// fsync is thus taken off the writer's critical path, and one sync covers
// several commits. OK still means committed and durable; a failed sync
// answers its callers with its error (what they wrote may or may not survive
// a power cut: the outcome is unknown).
//
// Thread-safe. Destroying it stops the writer after the queued work.
#pragma once

#include <concepts>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/domain/common/status.h"

namespace shop::queue::storage {

// Told after each writer transaction: how many write requests it held, how
// long its commit took, and whether it committed. Runs on the writer
// thread: must be quick.
using BatchObserver = std::function<void(size_t writes, absl::Duration commit, bool committed)>;

template <typename Steps>
concept SyncsAfterCommit = requires(Steps& steps) {
  { steps.SyncCommitted() } -> std::same_as<Status>;
};

template <typename Conn, typename Steps>
class GroupCommit {
 public:
  using Fn = std::function<Status(Conn&)>;
  static constexpr size_t kMaxBatch = 1024;
  static constexpr int kMaxAttempts = 5;

  GroupCommit(std::unique_ptr<Conn> conn, Steps steps, BatchObserver on_batch)
      : conn_(std::move(conn)), steps_(std::move(steps)), on_batch_(std::move(on_batch)) {
    if constexpr (SyncsAfterCommit<Steps>) sync_thread_ = std::thread([this] { SyncLoop(); });
    thread_ = std::thread([this] { Loop(); });
  }
  ~GroupCommit() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();  // the writer runs what is queued first
    if (sync_thread_.joinable()) {
      {
        std::lock_guard lock(sync_mu_);
        sync_stopping_ = true;
      }
      sync_cv_.notify_all();
      sync_thread_.join();  // and the syncer answers what was committed
    }
  }
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  [[nodiscard]] Status Write(const Fn& fn) {
    Pending p{&fn, {}, 0};
    std::future<Status> result = p.done.get_future();
    {
      std::lock_guard lock(mu_);
      if (stopping_) return Status::Unavailable("storage is shutting down");
      queue_.push_back(&p);
    }
    cv_.notify_one();
    return result.get();
  }

  // Transactions committed so far (each may hold many writes).
  int64_t commit_count() const {
    std::lock_guard lock(mu_);
    return commits_;
  }
  // Write requests run so far (committed or not; a retried one counts each time).
  int64_t write_count() const {
    std::lock_guard lock(mu_);
    return writes_;
  }
  // Write requests waiting for the writer (not yet taken into a batch).
  int64_t queued_count() const {
    std::lock_guard lock(mu_);
    return static_cast<int64_t>(queue_.size());
  }
  // Syncs run after commits (Steps::SyncCommitted); zero without it.
  int64_t sync_count() const {
    std::lock_guard lock(sync_mu_);
    return syncs_;
  }

 private:
  struct Pending {
    const Fn* fn;
    std::promise<Status> done;
    int attempts;
  };

  void Loop() {
    for (;;) {
      std::vector<Pending*> batch;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and nothing left to do
        while (!queue_.empty() && batch.size() < kMaxBatch) {
          batch.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      RunBatch(batch);
    }
  }

  void RunBatch(std::vector<Pending*>& batch) {
    // answers[i] is request i's own answer; OK ones stand only if the commit
    // succeeds. Requests not reached keep OK here and get tx_error below.
    std::vector<Status> answers(batch.size());
    size_t ran = 0;        // requests [0, ran) ran in this transaction
    bool retry = false;    // batch[ran] lost a race: it and those after it go again
    bool culprit = false;  // batch[ran] made the engine roll everything back
    Status tx_error = steps_.Begin(*conn_);
    if (tx_error.ok()) {
      while (ran < batch.size() && tx_error.ok() && !retry) {
        tx_error = RunRequest(*batch[ran], &answers[ran], &retry, &culprit);
        if (!retry) ++ran;
      }
      const absl::Time commit_began = absl::Now();
      if (tx_error.ok()) tx_error = steps_.Commit(*conn_);
      if (on_batch_) on_batch_(ran, absl::Now() - commit_began, tx_error.ok());
    }
    if (culprit) {
      RedoAllBut(batch, ran - 1, answers[ran - 1]);
      return;
    }
    // Without a retry every request of the batch is answered now: those not
    // reached get the transaction's error.
    const size_t answered = retry ? ran : batch.size();
    {
      std::lock_guard lock(mu_);
      writes_ += static_cast<int64_t>(retry ? ran + 1 : batch.size());
      if (tx_error.ok()) ++commits_;
      // The request to run again, and those after it, go first next time.
      for (size_t i = batch.size(); i > answered; --i) queue_.push_front(batch[i - 1]);
    }
    if (!tx_error.ok()) {
      // Nothing of this transaction is stored: roll back, and no request of
      // it is answered OK (a request that failed by itself keeps its answer).
      steps_.Abandon(*conn_);
      for (size_t i = 0; i < answered; ++i)
        if (answers[i].ok()) answers[i] = tx_error;
    }
    if constexpr (SyncsAfterCommit<Steps>) {
      if (tx_error.ok()) {
        // Failures are answered now; what committed waits for the next sync.
        std::vector<Pending*> committed;
        for (size_t i = 0; i < answered; ++i) {
          if (answers[i].ok())
            committed.push_back(batch[i]);
          else
            batch[i]->done.set_value(answers[i]);
        }
        if (!committed.empty()) {
          {
            std::lock_guard lock(sync_mu_);
            unsynced_.insert(unsynced_.end(), committed.begin(), committed.end());
          }
          sync_cv_.notify_one();
        }
        return;
      }
    }
    for (size_t i = 0; i < answered; ++i) batch[i]->done.set_value(answers[i]);
  }

  // Steps::SyncCommitted's thread: every sync answers the requests committed
  // before it began.
  void SyncLoop() {
    for (;;) {
      std::vector<Pending*> committed;
      {
        std::unique_lock lock(sync_mu_);
        sync_cv_.wait(lock, [&] { return sync_stopping_ || !unsynced_.empty(); });
        if (unsynced_.empty()) return;  // stopping, and everything answered
        committed.swap(unsynced_);
      }
      Status synced;
      try {
        synced = steps_.SyncCommitted();
      } catch (...) {
        synced = Status::Internal("the sync after commit failed with an exception");
      }
      {
        std::lock_guard lock(sync_mu_);
        ++syncs_;
      }
      for (Pending* p : committed) p->done.set_value(synced);
    }
  }

  // After batch[culprit]'s failure rolled the whole transaction back: it is
  // answered `why`, the others go first in the next transaction.
  void RedoAllBut(std::vector<Pending*>& batch, size_t culprit, const Status& why) {
    steps_.Abandon(*conn_);
    {
      std::lock_guard lock(mu_);
      writes_ += static_cast<int64_t>(culprit + 1);
      for (size_t i = batch.size(); i > 0; --i)
        if (i - 1 != culprit) queue_.push_front(batch[i - 1]);
    }
    batch[culprit]->done.set_value(why);
  }

  // Runs one request inside its savepoint. Returns non-OK when the
  // transaction cannot be trusted any more; sets *retry when the request
  // lost a race and must run again in the next transaction, and *culprit
  // when its own failure made the engine roll the whole transaction back.
  [[nodiscard]] Status RunRequest(Pending& p, Status* answer, bool* retry, bool* culprit) {
    Conn& conn = *conn_;
    Status savepoint = steps_.Savepoint(conn);
    if (!savepoint.ok()) {
      // Nothing of this request ran; the transaction is intact if still open.
      *answer = savepoint;
      return steps_.InTransaction(conn) ? Status::Ok() : savepoint;
    }
    Status st = Call(*p.fn, conn);
    *answer = st;
    // Asked before the rollback below, which clears what the engine knows of
    // the failure.
    const bool lost_race = !st.ok() && steps_.Retryable(st, conn);
    if (!steps_.InTransaction(conn)) {
      // The engine rolled the whole transaction back (e.g. SQLITE_FULL): the
      // earlier requests of this transaction are lost too.
      if (st.ok()) return Status::Internal("not stored: the write transaction was rolled back");
      *culprit = true;
      return st;
    }
    if (st.ok()) {
      QUEUE_RETURN_IF_ERROR(steps_.Release(conn));
    } else {
      // Undo this request's partial writes. If that fails, releasing would
      // merge them into the commit, so the whole transaction must go.
      QUEUE_RETURN_IF_ERROR(steps_.RollbackTo(conn));
      QUEUE_RETURN_IF_ERROR(steps_.Release(conn));
      if (lost_race && ++p.attempts < kMaxAttempts) *retry = true;
    }
    if (!steps_.InTransaction(conn))
      return Status::Internal("not stored: the write transaction ended after a savepoint");
    return Status::Ok();
  }

  static Status Call(const Fn& fn, Conn& conn) {
    try {
      return fn(conn);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("write failed: ") + e.what());
    } catch (...) {
      return Status::Internal("write failed with an unknown exception");
    }
  }

  std::unique_ptr<Conn> conn_;  // used only by the writer thread
  Steps steps_;
  const BatchObserver on_batch_;

  mutable std::mutex mu_;
  std::condition_variable cv_;   // the writer waits here for work
  std::deque<Pending*> queue_;   // guarded by mu_
  bool stopping_ = false;        // guarded by mu_
  int64_t commits_ = 0;          // guarded by mu_
  int64_t writes_ = 0;           // guarded by mu_

  mutable std::mutex sync_mu_;
  std::condition_variable sync_cv_;  // the syncer waits here for commits
  std::vector<Pending*> unsynced_;   // committed, not yet synced; guarded by sync_mu_
  bool sync_stopping_ = false;       // guarded by sync_mu_
  int64_t syncs_ = 0;                // guarded by sync_mu_
  std::thread sync_thread_;          // only with SyncsAfterCommit<Steps>
  std::thread thread_;               // last: starts after everything above
};

}  // namespace shop::queue::storage
