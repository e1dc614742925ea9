#include "server/storage/sqlite/write_engine.h"

#include <exception>

#include "server/storage/sqlite/sql.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

struct WriteEngine::WriterSteps {
  Status Begin(Db& db) {
    db.ResetAll();
    if (db.InTransaction()) {
      // An earlier ROLLBACK failed and left the transaction open: end it now,
      // or this batch would run inside it.
      Status rollback = db.Run(sql::kRollback);
      if (!rollback.ok() || db.InTransaction())
        return Status::Internal(
            "not stored: a failed write transaction could not be rolled back (" +
            (rollback.ok() ? std::string("still open") : rollback.ToString()) + ")");
    }
    QUEUE_RETURN_IF_ERROR(db.Run(sql::kBeginImmediate));
    if (!db.InTransaction())
      return Status::Internal("not stored: BEGIN IMMEDIATE opened no transaction");
    return Status::Ok();
  }
  Status Savepoint(Db& db) { return db.Run(sql::kSavepoint); }
  Status Release(Db& db) { return db.Run(sql::kRelease); }
  Status RollbackTo(Db& db) {
    db.ResetAll();
    return db.Run(sql::kRollbackTo);
  }
  Status Commit(Db& db) {
    db.ResetAll();
    if (!db.InTransaction())
      return Status::Internal("not stored: the write transaction ended before COMMIT");
    return db.Run(sql::kCommit);
  }
  void Abandon(Db& db) {
    db.ResetAll();
    // A failure here leaves the transaction open; Begin tries again and
    // fails the next batch rather than running it inside this one.
    if (db.InTransaction()) (void)db.Run(sql::kRollback);
  }
  bool InTransaction(Db& db) { return db.InTransaction(); }
  // One writer per file: no other process's transaction to lose a race to.
  bool Retryable(const Status&, Db&) { return false; }
};

WriteEngine::WriteEngine(std::string path, WriteEngineOptions options, std::unique_ptr<Db> writer)
    : path_(std::move(path)), options_(std::move(options)) {
  readers_ = std::make_unique<storage::ConnectionPool<Db>>(
      options_.reader_connections,
      [this]() -> Result<std::unique_ptr<Db>> {
        auto db = Db::Open(path_, Db::Mode::kReadOnly);
        if (db.ok()) (*db)->set_fault_hook(options_.fault_hook);
        return db;
      },
      [](Db& db) {
        // Back to the pool only outside any transaction: one left open would
        // pin an old snapshot.
        db.ResetAll();
        if (db.InTransaction()) (void)db.Run(sql::kRollback);
        return !db.InTransaction();
      });
  (void)writer->Exec("PRAGMA wal_autocheckpoint=16384");
  writer->set_fault_hook(options_.fault_hook);
  writer_ = std::make_unique<storage::GroupCommit<Db, WriterSteps>>(
      std::move(writer), WriterSteps{}, options_.on_batch);
  if (options_.checkpoint_interval > absl::ZeroDuration())
    checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
}

WriteEngine::~WriteEngine() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
  writer_.reset();  // runs what is queued, then stops
}

void WriteEngine::CheckpointLoop() {
  auto db = Db::Open(path_, Db::Mode::kReadWrite);
  if (!db.ok()) return;  // the writer's own auto-checkpoint still bounds the WAL
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.checkpoint_interval),
                      [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    (void)(*db)->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    lock.lock();
  }
}

Status WriteEngine::Write(const std::function<Status(Db&)>& fn) { return writer_->Write(fn); }

Status WriteEngine::Read(const std::function<Status(Db&)>& fn) {
  auto lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  Db& db = **lease;
  QUEUE_RETURN_IF_ERROR(db.Run(sql::kBegin));
  Status st;
  try {
    st = fn(db);
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("read failed: ") + e.what());
  } catch (...) {
    st = Status::Internal("read failed with an unknown exception");
  }
  db.ResetAll();
  Status end = db.Run(st.ok() ? sql::kCommit : sql::kRollback);
  if (st.ok()) st = end;
  return st;
}

int64_t WriteEngine::commit_count() const { return writer_->commit_count(); }
int64_t WriteEngine::write_count() const { return writer_->write_count(); }
int64_t WriteEngine::queued_count() const { return writer_->queued_count(); }

}  // namespace shop::queue::sqlite
