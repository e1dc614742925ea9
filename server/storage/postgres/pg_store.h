// PgStore: the Store on PostgreSQL 15, for a chain: several queue-server
// replicas share one database (chosen with --db postgresql://...).
//
// It is assembled like the SQLite store: the Engine (pg_engine.h: group
// commit on one write connection per replica, write transactions one at a
// time across replicas, a pool of read connections, reconnects), the
// schema migrations (migrations.h), and one repository per area over a
// connection (ticket_repo.h, case_repo.h, booking_repo.h, staff_repo.h,
// audit_repo.h, outbox_repo.h).
//
// Open() connects, then creates or migrates the schema (replicas starting
// together take turns); with OpenMode::kExisting it only checks that the
// database is at this program's schema version.
//
// Thread-safe. Destroying the store stops the writer after the queued work.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "server/domain/audit/audit.h"
#include "server/storage/engine_store.h"
#include "server/storage/postgres/pg_conn.h"

namespace shop::queue {

namespace pg {
class BackgroundLease;
class ChangeFeed;
class Engine;
}  // namespace pg

struct PgStoreOptions {
  enum class OpenMode { kCreateOrMigrate, kExisting };
  OpenMode mode = OpenMode::kCreateOrMigrate;
  // Read connections open at most (each is a server process: keep the sum
  // over replicas under the server's max_connections).
  int reader_connections = 8;
  // Timeouts of every connection. A statement or lock wait past them fails
  // with kUnavailable instead of hanging a call.
  pg::Options connection = DefaultConnectionOptions();
  storage::BatchObserver on_batch;

  static pg::Options DefaultConnectionOptions();
};

class PgStore final : public EngineStore {
 public:
  static Result<std::unique_ptr<PgStore>> Open(const std::string& uri,
                                               PgStoreOptions options = {});
  ~PgStore() override;

  Status Write(const std::function<Status(WriteTx&)>& fn) override;
  Status Read(const std::function<Status(ReadTx&)>& fn) override;
  Status SyncConfig(const ServerConfig& config) override;

  // The schema version this program writes.
  static int LatestSchemaVersion();
  // The change feed and the background-work lease (replicas.h).
  bool WatchChanges(std::function<void(const std::string& branch_id)> on_change) override;
  bool LeadsBackgroundWork() override;

  Result<AuditVerdict> VerifyAudit() override;
  int64_t commit_count() const override;
  int64_t write_count() const override;
  int64_t queued_count() const override;

 private:
  PgStore(std::string uri, PgStoreOptions options, std::unique_ptr<pg::Engine> engine);

  const std::string uri_;
  const PgStoreOptions options_;
  std::unique_ptr<pg::Engine> engine_;
  std::mutex feed_mu_;
  std::unique_ptr<pg::ChangeFeed> feed_;  // guarded by feed_mu_
  std::unique_ptr<pg::BackgroundLease> lease_;
};

}  // namespace shop::queue
