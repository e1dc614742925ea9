#include "server/storage/sqlite/sqlite_db.h"

#include <sqlite3.h>

namespace shop::queue::sqlite {

Status ErrorStatus(int rc, sqlite3* db, const std::string& what) {
  std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return Status::ResourceExhausted("storage is full (" + msg + ")");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("storage is busy (" + msg + ")");
    case SQLITE_CONSTRAINT:
      return Status::Aborted("storage constraint (" + msg + ")");
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return Status::Unavailable("storage I/O error (" + msg + ")");
    default:
      return Status::Internal("storage error (" + msg + ")");
  }
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  status_ = Status::Ok();
}

Stmt& Stmt::Bind(int i, int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, i, v);
  if (rc != SQLITE_OK && status_.ok()) status_ = ErrorStatus(rc, db_, "bind");
  return *this;
}

Stmt& Stmt::Bind(int i, const std::string& v) {
  int rc = sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && status_.ok()) status_ = ErrorStatus(rc, db_, "bind");
  return *this;
}

Stmt& Stmt::BindBlob(int i, std::string_view v) {
  int rc = sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && status_.ok()) status_ = ErrorStatus(rc, db_, "bind");
  return *this;
}

Stmt& Stmt::BindNull(int i) {
  int rc = sqlite3_bind_null(stmt_, i);
  if (rc != SQLITE_OK && status_.ok()) status_ = ErrorStatus(rc, db_, "bind");
  return *this;
}

bool Stmt::Step() {
  if (!status_.ok()) return false;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status_ = ErrorStatus(rc, db_, "step");
  return false;
}

Status Stmt::Run() {
  while (Step()) {
  }
  return status_;
}

int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
}

std::string Stmt::Blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), n) : std::string();
}

bool Stmt::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, Mode mode) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Mode::kReadWrite: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    case Mode::kReadWriteExisting: flags |= SQLITE_OPEN_READWRITE; break;
    case Mode::kReadOnly: flags |= SQLITE_OPEN_READONLY; break;
  }
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status st = ErrorStatus(rc, raw, "open " + path);
    sqlite3_close(raw);
    return st;
  }
  std::unique_ptr<Db> db(new Db(raw));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  std::string pragmas = "PRAGMA foreign_keys=ON;";
  if (mode != Mode::kReadOnly)
    pragmas += "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
  QUEUE_RETURN_IF_ERROR(db->Exec(pragmas));
  return db;
}

Db::~Db() {
  for (auto& [sql, entry] : cache_) sqlite3_finalize(entry.first);
  sqlite3_close(db_);
}

Status Db::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string what = err ? err : "exec";
    sqlite3_free(err);
    return ErrorStatus(rc, nullptr, what);
  }
  return Status::Ok();
}

Status Db::Run(const char* sql) {
  if (hook_) QUEUE_RETURN_IF_ERROR(hook_->BeforeRun(*this, sql));
  auto st = Prepare(sql);
  if (!st.ok()) return st.status();
  Status out = (*st)->Run();
  (*st)->Reset();
  return out;
}

Result<Stmt*> Db::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second.second->Reset();
    return it->second.second.get();
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus(rc, db_, "prepare");
  auto wrapper = std::make_unique<Stmt>(db_, stmt);
  Stmt* out = wrapper.get();
  cache_.emplace(sql, std::make_pair(stmt, std::move(wrapper)));
  return out;
}

void Db::ResetAll() {
  for (auto& [sql, entry] : cache_) sqlite3_reset(entry.first);
}

int64_t Db::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Db::Changes() const { return sqlite3_changes(db_); }
bool Db::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

void StatementFaults::Add(Rule rule) {
  std::lock_guard lock(mu_);
  rules_.push_back(Armed{std::move(rule), 0});
}

int StatementFaults::injected() const {
  std::lock_guard lock(mu_);
  return injected_;
}

Status StatementFaults::BeforeRun(Db& db, const char* sql) {
  bool fail = false, end_transaction = false;
  {
    std::lock_guard lock(mu_);
    for (Armed& a : rules_) {
      if (a.rule.sql != sql) continue;
      ++a.seen;
      if (a.seen >= a.rule.first && a.seen < a.rule.first + a.rule.count) {
        fail = true;
        end_transaction = end_transaction || a.rule.end_transaction;
      }
    }
    if (fail) ++injected_;
  }
  if (!fail) return Status::Ok();
  if (end_transaction && db.InTransaction()) {
    db.ResetAll();
    (void)db.Exec("ROLLBACK");
  }
  return ErrorStatus(SQLITE_IOERR, nullptr, std::string("injected fault in ") + sql);
}

}  // namespace shop::queue::sqlite
