// A thin RAII layer over SQLite's C API: a connection, prepared statements
// cached per connection, and errors turned into domain Status values.
//
// The only code (with sqlite_store.cc) that includes sqlite3.h.
// A Db and its statements belong to one thread at a time; callers serialise.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "server/domain/status.h"

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
  // Steps once: true if a row is available, false when done; errors go to
  // status().
  bool Step();
  // Runs to completion (for statements that return no rows).
  Status Run();
  Status status() const { return status_; }
  int64_t Int(int col) const;
  std::string Text(int col) const;
  bool IsNull(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  Status status_;
};

class Db {
 public:
  enum class Mode { kReadWrite, kReadOnly };
  // Opens (creating if needed for kReadWrite) the database at `path` and
  // applies the connection settings (WAL, synchronous=FULL, foreign keys,
  // busy timeout).
  static Result<std::unique_ptr<Db>> Open(const std::string& path, Mode mode);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Executes one or more statements without results.
  Status Exec(const std::string& sql);
  // Executes one statement without results through the statement cache
  // (for statements run again and again, like BEGIN and COMMIT).
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

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<const char*, std::pair<sqlite3_stmt*, std::unique_ptr<Stmt>>> cache_;
};

// Maps an SQLite result code (and the connection's message) to a Status.
Status ErrorStatus(int rc, sqlite3* db, const std::string& what);

}  // namespace shop::queue::sqlite
