// SqliteStore: the Store on one SQLite file, for one shop.
//
// It is assembled from small parts in this folder: the WriteEngine
// (write_engine.h: one writer thread with group commit and a savepoint per
// request, a pool of read connections, periodic checkpoints), the schema
// migrations (migrations.h), and one repository per area over a connection
// (ticket_repo.h, case_repo.h, booking_repo.h, staff_repo.h, audit_repo.h,
// outbox_repo.h). A transaction hands its function the repositories over the
// connection that runs it: the writer's in Write(), a read-only one in
// Read().
//
// Open() creates the file if needed and applies the schema migrations in
// order; a database newer than this program is refused. With
// OpenMode::kExisting (the admin commands) it neither creates nor migrates:
// the file must exist and be at this program's schema version.
//
// Thread-safe. Destroying the store stops the writer after the queued work.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "server/storage/engine_store.h"

namespace shop::queue {

namespace sqlite {
class Db;
class FaultHook;
class WriteEngine;
}  // namespace sqlite

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
  storage::BatchObserver on_batch;
};

class SqliteStore final : public EngineStore {
 public:
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   SqliteStoreOptions options = {});
  ~SqliteStore() override;

  Status Write(const std::function<Status(WriteTx&)>& fn) override;
  Status Read(const std::function<Status(ReadTx&)>& fn) override;
  Status SyncConfig(const ServerConfig& config) override;

  // The schema version this program writes.
  static int LatestSchemaVersion();
  // Walks the whole audit chain on a fresh connection and one snapshot.
  Result<AuditVerdict> VerifyAudit() override;
  // Runs PRAGMA integrity_check on a fresh connection; "ok" when sound.
  Result<std::string> IntegrityCheck();
  int64_t commit_count() const override;
  int64_t write_count() const override;
  int64_t queued_count() const override;

 private:
  SqliteStore(std::string path, std::unique_ptr<sqlite::WriteEngine> engine);

  const std::string path_;
  std::unique_ptr<sqlite::WriteEngine> engine_;
};

}  // namespace shop::queue
