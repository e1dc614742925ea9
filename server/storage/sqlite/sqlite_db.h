// A thin RAII layer over SQLite's C API: a connection, prepared statements
// cached per connection, and errors turned into domain Status values.
//
// The only code in the server that includes sqlite3.h (with the other files
// of server/storage/sqlite/).
// A Db and its statements belong to one thread at a time; callers serialise.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/domain/common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace shop::queue::sqlite {

class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  // Resets bindings and the cursor so the cached statement can be reused.
  void Reset();
  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, const std::string& v);
  Stmt& BindNull(int i);
  // Binds `v` as a BLOB (bytes, not text).
  Stmt& BindBlob(int i, std::string_view v);
  // Steps once: true if a row is available, false when done; errors go to
  // status().
  bool Step();
  // Runs to completion (for statements that return no rows).
  Status Run();
  Status status() const { return status_; }
  int64_t Int(int col) const;
  std::string Text(int col) const;
  // A BLOB column's bytes ("" for NULL).
  std::string Blob(int col) const;
  bool IsNull(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  Status status_;
};

class Db;

// Test-only fault injection, at the level of single statements (the idea of
// LevelDB's fault_injection_test): a Db with a hook asks it before each
// Run(); a non-OK answer fails that statement without executing it, as if
// SQLite had refused it. Production code never sets a hook.
// Implementations must be thread-safe (readers and the writer share one).
class FaultHook {
 public:
  virtual ~FaultHook() = default;
  // Called before `db` runs `sql` through Run(); non-OK fails the statement.
  [[nodiscard]] virtual Status BeforeRun(Db& db, const char* sql) = 0;
  // Called by the write engine before it syncs the WAL after commits (on its
  // sync thread); non-OK fails that sync.
  [[nodiscard]] virtual Status BeforeSync() { return Status::Ok(); }
};

// A FaultHook that fails chosen executions of chosen statements.
// Thread-safe.
class StatementFaults final : public FaultHook {
 public:
  struct Rule {
    std::string sql;  // the exact statement text, e.g. sql::kRelease
    int first = 1;    // the first failing execution, counted from 1 after Add()
    int count = 1;    // how many executions in a row fail
    // Also roll the connection's open transaction back before failing, as
    // SQLite itself does on some errors (SQLITE_FULL, SQLITE_IOERR, ...).
    bool end_transaction = false;
  };
  // Adds a rule; executions of its statement are counted from now on, across
  // every connection that shares this hook.
  void Add(Rule rule);
  // Failures injected so far.
  int injected() const;
  [[nodiscard]] Status BeforeRun(Db& db, const char* sql) override;

 private:
  struct Armed {
    Rule rule;
    int seen = 0;
  };
  mutable std::mutex mu_;
  std::vector<Armed> rules_;  // guarded by mu_
  int injected_ = 0;          // guarded by mu_
};

class Db {
 public:
  // kReadWrite creates a missing file; kReadWriteExisting and kReadOnly
  // never do (a missing file is an error).
  enum class Mode { kReadWrite, kReadWriteExisting, kReadOnly };
  // Opens the database at `path` and applies the connection settings (WAL,
  // synchronous=FULL, foreign keys, busy timeout).
  static Result<std::unique_ptr<Db>> Open(const std::string& path, Mode mode);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Executes one or more statements without results.
  Status Exec(const std::string& sql);
  // Executes one statement without results through the statement cache
  // (for statements run again and again, like BEGIN and COMMIT). The fault
  // hook, if any, is asked first.
  Status Run(const char* sql);
  // A cached prepared statement, reset and ready to bind. Valid until the Db
  // is destroyed; do not hold two uses of the same SQL at once.
  Result<Stmt*> Prepare(const char* sql);
  // Resets every cached statement so none holds a cursor (call before ending
  // a transaction, so no statement pins an old WAL snapshot).
  void ResetAll();
  int64_t LastInsertRowId() const;
  int Changes() const;
  // True while an explicit transaction is open (SQLite may roll one back
  // by itself on errors such as SQLITE_FULL).
  bool InTransaction() const;
  sqlite3* raw() { return db_; }
  // Tests only: consult `hook` before every Run() (nullptr: none).
  void set_fault_hook(std::shared_ptr<FaultHook> hook) { hook_ = std::move(hook); }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::shared_ptr<FaultHook> hook_;
  std::map<const char*, std::pair<sqlite3_stmt*, std::unique_ptr<Stmt>>> cache_;
};

// Maps an SQLite result code (and the connection's message) to a Status.
Status ErrorStatus(int rc, sqlite3* db, const std::string& what);

}  // namespace shop::queue::sqlite
