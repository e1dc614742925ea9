#include "server/storage/engine_store.h"

#include <regex>

#include "server/storage/postgres/pg_store.h"
#include "server/storage/sqlite/sqlite_store.h"

namespace shop::queue {

bool IsPostgresUri(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string DescribeDb(const std::string& db) {
  if (!IsPostgresUri(db)) return db;
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db, and
  // a password=... parameter likewise.
  static const std::regex kUserinfo(R"(^(postgres(ql)?://[^:@/]*):[^@/]*@)");
  static const std::regex kParam(R"(([?&]password=)[^&]*)");
  return std::regex_replace(std::regex_replace(db, kUserinfo, "$1:***@"), kParam, "$1***");
}

Result<std::unique_ptr<EngineStore>> OpenStore(const std::string& db,
                                               const StoreOptions& options) {
  if (IsPostgresUri(db)) {
    PgStoreOptions o;
    if (options.existing) o.mode = PgStoreOptions::OpenMode::kExisting;
    o.on_batch = options.on_batch;
    auto store = PgStore::Open(db, o);
    if (!store.ok()) return store.status();
    return std::unique_ptr<EngineStore>(std::move(store).value());
  }
  SqliteStoreOptions o;
  if (options.existing) o.mode = SqliteStoreOptions::OpenMode::kExisting;
  o.max_page_count = options.max_db_pages;
  o.on_batch = options.on_batch;
  auto store = SqliteStore::Open(db, o);
  if (!store.ok()) return store.status();
  return std::unique_ptr<EngineStore>(std::move(store).value());
}

}  // namespace shop::queue
