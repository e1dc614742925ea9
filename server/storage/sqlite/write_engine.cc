#include "server/storage/sqlite/write_engine.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "server/storage/sqlite/sql.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

// Makes the WAL's committed frames durable: fdatasync on a descriptor of
// the WAL file of its own. SQLite keeps the WAL file while any connection is
// open and only ever truncates or overwrites it, so one descriptor serves;
// it is opened again should the file ever be replaced. Used by the sync
// thread only.
class WriteEngine::WalSync {
 public:
  WalSync(std::string db_path, std::shared_ptr<FaultHook> hook)
      : wal_path_(std::move(db_path) + "-wal"), hook_(std::move(hook)) {}
  ~WalSync() {
    if (fd_ >= 0) ::close(fd_);
  }
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  // After one failure every later sync fails too: Linux may drop the pages
  // a failed fdatasync could not write and report success the next time,
  // and later WAL frames are worthless without the lost ones (as PostgreSQL
  // does on a failed fsync, only a restart, which recovers from the WAL as
  // it is on disk, confirms writes again).
  Status Sync() {
    if (!failed_.ok()) return failed_;
    Status st = SyncOnce();
    if (!st.ok()) {
      failed_ = Status::Unavailable(st.message() +
                                    "; no write is confirmed until the server is restarted");
      spdlog::critical("storage: {}", failed_.ToString());
    }
    return st;
  }

 private:
  Status SyncOnce() {
    if (hook_) QUEUE_RETURN_IF_ERROR(hook_->BeforeSync());
    QUEUE_RETURN_IF_ERROR(OpenIfReplaced());
    while (::fdatasync(fd_) != 0) {
      if (errno == EINTR) continue;
      return Failed("fdatasync", errno);
    }
    return Status::Ok();
  }

  Status OpenIfReplaced() {
    struct stat now {};
    if (::stat(wal_path_.c_str(), &now) != 0) return Failed("stat", errno);
    if (fd_ >= 0 && now.st_dev == dev_ && now.st_ino == ino_) return Status::Ok();
    if (fd_ >= 0) ::close(fd_);
    fd_ = ::open(wal_path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) return Failed("open", errno);
    struct stat opened {};
    if (::fstat(fd_, &opened) != 0) return Failed("fstat", errno);
    dev_ = opened.st_dev;
    ino_ = opened.st_ino;
    // A new WAL file's directory entry must be on disk too.
    const std::string dir = std::filesystem::path(wal_path_).parent_path().string();
    int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return Failed("open the folder of", errno);
    const bool synced = ::fsync(dfd) == 0;
    const int err = errno;
    ::close(dfd);
    return synced ? Status::Ok() : Failed("fsync the folder of", err);
  }

  Status Failed(const char* what, int err) const {
    // Committed, but perhaps not on disk: a retry with the same request id
    // finds out.
    return Status::Unavailable(std::string("the outcome is unknown: could not ") + what + " " +
                               wal_path_ + ": " + std::strerror(err) +
                               "; retry with the same request id");
  }

  const std::string wal_path_;
  const std::shared_ptr<FaultHook> hook_;
  Status failed_;  // the first failure, returned ever after
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

namespace {

bool InWalMode(Db& db) {
  auto mode = db.Prepare("PRAGMA journal_mode");
  if (!mode.ok() || !(*mode)->Step()) return false;
  const bool wal = (*mode)->Text(0) == "wal";
  (*mode)->Reset();
  return wal;
}

}  // namespace

struct WriteEngine::WriterSteps {
  std::shared_ptr<WalSync> wal;  // null: COMMIT syncs by itself

  Status SyncCommitted() { return wal ? wal->Sync() : Status::Ok(); }

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
  // In WAL mode COMMIT only writes the WAL, and WalSync makes it durable
  // before any caller is answered (see the header); checkpoints still sync
  // the WAL first. Should the file not be in WAL mode (a file system without
  // shared memory), every COMMIT keeps syncing by itself (synchronous=FULL).
  WriterSteps steps;
  if (InWalMode(*writer) && writer->Exec("PRAGMA synchronous=NORMAL").ok())
    steps.wal = std::make_shared<WalSync>(path_, options_.fault_hook);
  writer->set_fault_hook(options_.fault_hook);
  writer_ = std::make_unique<storage::GroupCommit<Db, WriterSteps>>(
      std::move(writer), std::move(steps), options_.on_batch);
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
int64_t WriteEngine::sync_count() const { return writer_->sync_count(); }

}  // namespace shop::queue::sqlite
