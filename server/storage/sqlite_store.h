// SqliteStore: the Store on one SQLite file.
//
// Writes: one writer thread owns the only read-write connection. Callers of
// Write() queue their function and wait; the writer takes everything queued,
// runs it in one BEGIN IMMEDIATE transaction (each function inside its own
// SAVEPOINT, so a failing function rolls back only itself), COMMITs with
// synchronous=FULL, and only then answers every caller (group commit). Every
// step of that protocol is checked: when one fails so that the transaction
// can no longer be trusted (a failed BEGIN, RELEASE, ROLLBACK TO or COMMIT,
// or SQLite ending the transaction by itself), the whole transaction is
// rolled back and every request in it gets an error; OK always means
// committed.
//
// Reads: a bounded pool of read-only connections, each read in its own
// transaction (a WAL snapshot); reads never wait for the writer (only, under
// heavy load, for a free read connection).
//
// Checkpoints: a background thread runs PASSIVE checkpoints periodically.
//
// Open() creates the file if needed and applies the schema migrations in
// order; a database newer than this program is refused. With
// OpenMode::kExisting (the admin commands) it neither creates nor migrates:
// the file must exist and be at this program's schema version.
//
// Thread-safe. Destroying the store stops the writer after the queued work.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/store.h"

namespace shop::queue {

namespace sqlite {
class Db;
class FaultHook;
}

// The result of walking the audit chain.
struct AuditVerdict {
  int64_t checked = 0;                 // records found sound
  std::optional<int64_t> first_broken;  // seq of the first broken record
  std::string why;
};

struct SqliteStoreOptions {
  // kCreateOrMigrate (serving): a missing file is created, an older schema
  // migrated. kExisting (admin commands): NOT_FOUND for a missing file,
  // FAILED_PRECONDITION for a file that is not at this program's schema
  // version; nothing is created or changed by opening.
  enum class OpenMode { kCreateOrMigrate, kExisting };
  OpenMode mode = OpenMode::kCreateOrMigrate;
  // Read connections open at most; more concurrent reads wait for one. Each
  // holds its own page cache, so this bounds memory too.
  int reader_connections = 8;
  // SQLite's max_page_count on the writer (0 = no limit): a size cap, and how
  // tests simulate a full disk.
  int64_t max_page_count = 0;
  // A background connection copies the WAL into the database this often
  // (PASSIVE checkpoint: it never blocks the writer), so the writer does not
  // pay for checkpoints on its commits and the WAL does not grow without
  // bound. The writer still checkpoints by itself past 16k WAL pages.
  absl::Duration checkpoint_interval = absl::Seconds(1);
  // Tests only: fault injection for the writer and the read connections
  // (see sqlite::FaultHook in sqlite_db.h).
  std::shared_ptr<sqlite::FaultHook> fault_hook = nullptr;
  // Told after each writer transaction (metrics): how many write requests
  // it held, how long its COMMIT took, and whether it committed. Called on
  // the writer thread: must be quick.
  std::function<void(size_t writes, absl::Duration commit, bool committed)> on_batch;
};

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   SqliteStoreOptions options = {});
  ~SqliteStore() override;

  Status Write(const std::function<Status(QueueTx&)>& fn) override;
  Status Read(const std::function<Status(QueueTx&)>& fn) override;
  Status SyncConfig(const ServerConfig& config) override;

  // The schema version this program writes.
  static int LatestSchemaVersion();
  // Walks the whole audit chain on a fresh connection and one snapshot.
  Result<AuditVerdict> VerifyAudit();
  // Runs PRAGMA integrity_check on a fresh connection; "ok" when sound.
  Result<std::string> IntegrityCheck();
  // Transactions committed by the writer so far (each may hold many writes).
  int64_t commit_count() const;
  // Write requests the writer has run so far (committed or not).
  int64_t write_count() const;
  // Write requests waiting for the writer (not yet taken into a batch).
  int64_t queued_count() const;

 private:
  struct Pending;
  SqliteStore(std::string path, SqliteStoreOptions options, std::unique_ptr<sqlite::Db> writer);
  void WriterLoop();
  void RunBatch(std::vector<Pending*>& batch);
  // Steps of RunBatch's transaction; each returns non-OK when the
  // transaction cannot be trusted any more.
  [[nodiscard]] Status BeginWrite();
  [[nodiscard]] Status RunRequest(const std::function<Status(QueueTx&)>& fn, QueueTx& tx,
                                  Status* answer);
  [[nodiscard]] Status CommitWrite();
  void AbandonWrite();
  class ReaderLease;
  std::unique_ptr<sqlite::Db> AcquireReader(Status* error);
  void ReleaseReader(std::unique_ptr<sqlite::Db> db);
  void DiscardReader();
  void CheckpointLoop();

  const std::string path_;
  const SqliteStoreOptions options_;
  std::unique_ptr<sqlite::Db> writer_;  // used only by the writer thread

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits here for work
  std::condition_variable stop_cv_;  // the checkpointer waits here
  std::deque<Pending*> queue_;  // guarded by mu_
  bool stopping_ = false;       // guarded by mu_
  int64_t commits_ = 0;         // guarded by mu_
  int64_t writes_ = 0;          // guarded by mu_
  std::thread writer_thread_;
  std::thread checkpoint_thread_;

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<sqlite::Db>> idle_readers_;  // guarded by readers_mu_
  int open_readers_ = 0;                                   // guarded by readers_mu_
};

}  // namespace shop::queue
