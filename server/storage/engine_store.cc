#include "server/storage/engine_store.h"

#include "server/storage/postgres/pg_store.h"
#include "server/storage/sqlite/sqlite_store.h"

namespace shop::queue {

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
