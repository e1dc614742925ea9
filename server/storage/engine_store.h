// EngineStore: a Store on a real engine, with what the server and the admin
// commands need beyond the domain's interface; and OpenStore, which picks
// the engine from --db: a PostgreSQL URI (postgresql://...) for a chain's
// shared database, anything else a SQLite file for one shop.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/db_uri.h"
#include "server/domain/audit/audit.h"
#include "server/domain/store.h"
#include "server/storage/group_commit.h"

namespace shop::queue {

class EngineStore : public Store {
 public:
  // Walks the whole audit chain in one snapshot.
  virtual Result<AuditVerdict> VerifyAudit() = 0;
  // Transactions committed by this process's writer so far (each may hold
  // many writes), and the write requests it ran.
  virtual int64_t commit_count() const = 0;
  virtual int64_t write_count() const = 0;
  // Write requests waiting for the writer.
  virtual int64_t queued_count() const = 0;
};

struct StoreOptions {
  // Admin commands: the database must exist at this program's schema
  // version; nothing is created or migrated.
  bool existing = false;
  // SQLite only: cap the file at this many pages (0: no cap).
  int64_t max_db_pages = 0;
  // Told after each writer transaction (metrics).
  storage::BatchObserver on_batch;
};

// Opens (serving: creates or migrates) the store `db` names.
Result<std::unique_ptr<EngineStore>> OpenStore(const std::string& db, const StoreOptions& options);

}  // namespace shop::queue
