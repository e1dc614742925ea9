#include "tests/support/test_db.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::testing {
namespace {

const char* PgServer() {
  const char* v = std::getenv("SHOP_QUEUE_TEST_DB");
  return v && *v ? v : nullptr;
}

// `server` (a URI naming some database) with its database replaced by
// `name`: postgresql:///postgres?host=... -> postgresql:///name?host=...
std::string WithDatabase(const std::string& server, const std::string& name) {
  const std::string scheme = "postgresql://";
  size_t slash = server.find('/', server.rfind(scheme, 0) == 0 ? scheme.size() : 0);
  if (slash == std::string::npos) return server + "/" + name;
  size_t end = server.find('?', slash);
  return server.substr(0, slash + 1) + name + (end == std::string::npos ? "" : server.substr(end));
}

Status AdminExec(const std::string& sql) {
  auto conn = pg::Conn::Open(WithDatabase(PgServer(), "postgres"));
  if (!conn.ok()) return conn.status();
  return (*conn)->Exec(sql);
}

}  // namespace

bool TestOnPostgres() { return PgServer() != nullptr; }

TestDb::TestDb(const TempDir& dir, const std::string& name) : TestDb(dir.File(name)) {}

TestDb::TestDb(const std::string& sqlite_file) {
  if (!TestOnPostgres()) {
    db_ = sqlite_file;
    return;
  }
  static std::atomic<int> counter{0};
  pg_name_ = "t_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  Status st = AdminExec("CREATE DATABASE " + pg_name_);
  if (!st.ok()) throw std::runtime_error("test database " + pg_name_ + ": " + st.ToString());
  db_ = WithDatabase(PgServer(), pg_name_);
}

TestDb::~TestDb() {
  if (!pg_name_.empty()) (void)AdminExec("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
}

Result<std::unique_ptr<EngineStore>> TestDb::Open(const StoreOptions& options) const {
  return OpenStore(db_, options);
}

Result<std::vector<std::vector<std::string>>> TestDb::Query(const std::string& sql) const {
  std::vector<std::vector<std::string>> out;
  if (!pg_name_.empty()) {
    auto conn = pg::Conn::Open(db_);
    if (!conn.ok()) return conn.status();
    auto rows = (*conn)->Query(sql);
    if (!rows.ok()) return rows.status();
    for (int r = 0; r < rows->size(); ++r) {
      out.emplace_back();
      for (int c = 0; c < rows->columns(); ++c) out.back().push_back(rows->Text(r, c));
    }
    return out;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return Status::Internal("cannot open " + db_);
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    std::string why = sqlite3_errmsg(db);
    sqlite3_close(db);
    return Status::Internal("query: " + why);
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    out.emplace_back();
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const unsigned char* v = sqlite3_column_text(st, c);
      out.back().push_back(v ? reinterpret_cast<const char*>(v) : "");
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

Status TestDb::Exec(const std::string& sql) const {
  if (!pg_name_.empty()) {
    auto conn = pg::Conn::Open(db_);
    if (!conn.ok()) return conn.status();
    return (*conn)->Exec(sql);
  }
  sqlite3* db = nullptr;
  sqlite3_open(db_.c_str(), &db);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_exec(db, "PRAGMA foreign_keys=ON", nullptr, nullptr, nullptr);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string why = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  if (rc == SQLITE_OK) return Status::Ok();
  return Status::FailedPrecondition("refused (" + std::to_string(rc) + "): " + why);
}

int64_t TestDb::QueryInt(const std::string& sql) const {
  auto rows = Query(sql);
  if (!rows.ok()) ADD_FAILURE() << sql << ": " << rows.status().ToString();
  if (!rows.ok() || rows->empty() || rows->front().empty()) return -1;
  const std::string& v = rows->front().front();
  return v.empty() ? -1 : std::stoll(v);
}

}  // namespace shop::queue::testing
