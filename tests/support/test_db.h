// TestDb: one test's database on the engine the suite runs on. The storage,
// manager and service suites run twice under CTest: on SQLite (a file in the
// test's temp folder), and with SHOP_QUEUE_TEST_DB set to a PostgreSQL
// server (the shared throwaway cluster, scripts/pg-cluster.sh) on
// a fresh database of their own. For tests only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "server/storage/engine_store.h"
#include "tests/support/test_config.h"

namespace shop::queue::testing {

// True when this run is the PostgreSQL one.
bool TestOnPostgres();

// Skips the current test on PostgreSQL (for SQLite's own files, pragmas and
// fault injection), saying why.
#define SKIP_ON_POSTGRES(why)                                              \
  do {                                                                     \
    if (::shop::queue::testing::TestOnPostgres()) GTEST_SKIP() << (why);   \
  } while (0)

class TestDb {
 public:
  // A new, empty database: `dir`/`name` on SQLite, a fresh database on
  // PostgreSQL (dropped by the destructor).
  explicit TestDb(const TempDir& dir, const std::string& name = "q.db");
  // The same with the SQLite file at `sqlite_file` (a tmpfs, say).
  explicit TestDb(const std::string& sqlite_file);
  ~TestDb();
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;

  // What --db takes: the file's path or the PostgreSQL URI.
  const std::string& db() const { return db_; }
  // Opens (creating or migrating) the store; again after closing it for a
  // restart.
  Result<std::unique_ptr<EngineStore>> Open(const StoreOptions& options = {}) const;

  // Runs `sql` (plain SQL both engines understand) on a connection of its
  // own: the rows, each column as text (NULL as ""). For checks of what is
  // stored that the Store does not offer.
  Result<std::vector<std::vector<std::string>>> Query(const std::string& sql) const;
  // The first column of the first row as an integer; -1 if there is none.
  int64_t QueryInt(const std::string& sql) const;
  // Runs statements without results on a connection of its own (foreign
  // keys on): OK, or the engine's refusal.
  Status Exec(const std::string& sql) const;

 private:
  std::string db_;
  std::string pg_name_;  // the PostgreSQL database's name, if any
};

}  // namespace shop::queue::testing
