#include "server/storage/sqlite/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <chrono>
#include <cstring>
#include <ctime>
#include <algorithm>
#include <filesystem>
#include <system_error>
#include <thread>

#include "absl/time/clock.h"
#include "server/storage/sqlite/migrations.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

namespace {

namespace fs = std::filesystem;

// A bare connection: no pragmas (a backup's destination must keep the
// source's page size, which WAL mode would freeze).
class Conn {
 public:
  ~Conn() { Close(); }
  Status Open(const std::string& path, int flags) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) return ErrorStatus(rc, db_, "open " + path);
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
    return Status::Ok();
  }
  void Close() {
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
  }
  sqlite3* get() const { return db_; }

  // The first column of the first row of `sql` as text ("" if no row).
  Result<std::string> Text(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
    if (rc != SQLITE_OK) return ErrorStatus(rc, db_, "prepare");
    rc = sqlite3_step(stmt);
    std::string out;
    if (rc == SQLITE_ROW) {
      const unsigned char* p = sqlite3_column_text(stmt, 0);
      if (p) out = reinterpret_cast<const char*>(p);
      rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
      rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_OK) return ErrorStatus(rc, db_, "read");
    return out;
  }
  Result<int64_t> Int(const char* sql) {
    auto t = Text(sql);
    if (!t.ok()) return t.status();
    return t->empty() ? int64_t{0} : std::stoll(*t);
  }

 private:
  sqlite3* db_ = nullptr;
};

Status IoError(const std::string& what, int err) {
  return Status::Unavailable(what + ": " + std::strerror(err));
}

// fsync(2) of a file, or of a folder after a rename in it.
Status SyncPath(const std::string& path, bool folder) {
  int fd = ::open(path.c_str(), folder ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return IoError("open " + path, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : IoError("fsync " + path, err);
}

std::string FolderOf(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

Status Rename(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) return Status::Unavailable("rename " + from + " to " + to + ": " + ec.message());
  return Status::Ok();
}

// The queue-server schema version of `c`, FAILED_PRECONDITION naming `name`
// if it is not a queue database or is newer than this program.
Result<int64_t> SchemaVersion(Conn& c, const std::string& name) {
  auto has = c.Int(
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  if (!has.ok()) return has.status();
  if (*has == 0)
    return Status::FailedPrecondition(name + " is not a queue-server database (no schema version)");
  auto version = c.Int("SELECT version FROM schema_version");
  if (!version.ok()) return version.status();
  if (*version > LatestSchemaVersion())
    return Status::FailedPrecondition(name + " has schema version " + std::to_string(*version) +
                                      ", newer than this program's (" +
                                      std::to_string(LatestSchemaVersion()) +
                                      "); use a newer queue-server");
  return *version;
}

// Checks `c` whole (integrity_check) and counts what it holds.
Result<BackupSummary> Summarize(Conn& c, const std::string& name) {
  auto check = c.Text("PRAGMA integrity_check(1)");
  if (!check.ok()) return check.status();
  if (*check != "ok")
    return Status::FailedPrecondition(name + " is damaged (integrity_check: " +
                                      check->substr(0, 200) + ")");
  BackupSummary s;
  auto version = SchemaVersion(c, name);
  if (!version.ok()) return version.status();
  s.schema_version = *version;
  auto pages = c.Int("PRAGMA page_count");
  auto page_size = c.Int("PRAGMA page_size");
  auto tickets = c.Int("SELECT COUNT(*) FROM tickets");
  if (!pages.ok() || !page_size.ok() || !tickets.ok())
    return !pages.ok() ? pages.status() : !page_size.ok() ? page_size.status() : tickets.status();
  s.bytes = *pages * *page_size;
  s.tickets = *tickets;
  // The audit log exists from schema version 3 on.
  if (s.schema_version >= 3) {
    auto audit = c.Int("SELECT COUNT(*) FROM audit_log");
    if (!audit.ok()) return audit.status();
    s.audit_records = *audit;
  }
  return s;
}

// Copies every page of `from` into `to` in one step: one read transaction
// of the source, so the copy is one consistent snapshot.
Status CopyPages(Conn& from, Conn& to) {
  for (int attempt = 0;; ++attempt) {
    sqlite3_backup* b = sqlite3_backup_init(to.get(), "main", from.get(), "main");
    if (!b) return ErrorStatus(sqlite3_errcode(to.get()), to.get(), "backup");
    int rc = sqlite3_backup_step(b, -1);
    int finish = sqlite3_backup_finish(b);
    if (rc == SQLITE_DONE && finish == SQLITE_OK) return Status::Ok();
    const bool busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
    if (!busy || attempt >= 50) {
      if (rc == SQLITE_DONE) rc = finish;
      return ErrorStatus(rc, busy ? from.get() : to.get(), "backup");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Writes a copy of `source` (open) to `path`, synced, in rollback-journal
// mode (a single file, no -wal to carry along).
Status WriteCopy(Conn& source, const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);  // a copy a crash left half-written
  fs::remove(path + "-journal", ec);
  Conn out;
  QUEUE_RETURN_IF_ERROR(out.Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  QUEUE_RETURN_IF_ERROR(CopyPages(source, out));
  auto mode = out.Text("PRAGMA journal_mode=DELETE");
  if (!mode.ok()) return mode.status();
  out.Close();
  return SyncPath(path, /*folder=*/false);
}

std::string UtcStamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

Result<BackupSummary> BackupDatabase(const std::string& db_path, const std::string& to) {
  std::error_code ec;
  if (!fs::exists(db_path, ec))
    return Status::NotFound("database " + db_path + " does not exist");
  if (fs::exists(to, ec))
    return Status::AlreadyExists(to + " already exists; a backup never overwrites a file");
  Conn source;
  QUEUE_RETURN_IF_ERROR(source.Open(db_path, SQLITE_OPEN_READWRITE));
  auto version = SchemaVersion(source, "database " + db_path);
  if (!version.ok()) return version.status();

  const std::string partial = to + ".partial";
  Status st = WriteCopy(source, partial);
  source.Close();
  Result<BackupSummary> summary = Status::Internal("unset");
  if (st.ok()) {
    Conn copy;
    st = copy.Open(partial, SQLITE_OPEN_READONLY);
    if (st.ok()) {
      summary = Summarize(copy, "the copy " + partial);
      st = summary.status();
    }
  }
  if (st.ok()) st = Rename(partial, to);
  if (st.ok()) st = SyncPath(FolderOf(to), /*folder=*/true);
  if (!st.ok()) {
    fs::remove(partial, ec);
    return st;
  }
  return summary;
}

Result<BackupSummary> InspectBackup(const std::string& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return Status::NotFound("backup " + file + " does not exist");
  // Every SQLite database file starts with these 16 bytes.
  static constexpr char kMagic[] = "SQLite format 3";
  char head[sizeof kMagic] = {};
  if (std::FILE* f = std::fopen(file.c_str(), "rb")) {
    const size_t n = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    if (n != sizeof head || std::memcmp(head, kMagic, sizeof kMagic) != 0)
      return Status::FailedPrecondition("backup " + file + " is not a SQLite database file");
  } else {
    return IoError("open " + file, errno);
  }
  Conn c;
  QUEUE_RETURN_IF_ERROR(c.Open(file, SQLITE_OPEN_READONLY));
  return Summarize(c, "backup " + file);
}

Result<std::string> RestoreDatabase(const std::string& from, const std::string& db_path) {
  auto summary = InspectBackup(from);
  if (!summary.ok()) return summary.status();
  const std::string restoring = db_path + ".restoring";
  std::error_code ec;
  {
    Conn source;
    Status st = source.Open(from, SQLITE_OPEN_READONLY);
    if (st.ok()) st = WriteCopy(source, restoring);
    if (!st.ok()) {
      fs::remove(restoring, ec);  // the database itself is untouched
      return st;
    }
  }
  std::string aside;
  if (fs::exists(db_path, ec)) {
    aside = db_path + ".before-restore-" + UtcStamp();
    QUEUE_RETURN_IF_ERROR(Rename(db_path, aside));
    // The old file's WAL belongs to it, never to the restored one.
    if (fs::exists(db_path + "-wal", ec))
      QUEUE_RETURN_IF_ERROR(Rename(db_path + "-wal", aside + "-wal"));
    fs::remove(db_path + "-shm", ec);
  }
  QUEUE_RETURN_IF_ERROR(Rename(restoring, db_path));
  QUEUE_RETURN_IF_ERROR(SyncPath(FolderOf(db_path), /*folder=*/true));
  return aside;
}

Result<ScheduledBackup> RunScheduledBackup(const std::string& db_path, const std::string& dir,
                                           absl::Duration every, int keep, absl::Time now) {
  constexpr const char* kStamp = "%Y%m%dT%H%M%SZ";
  constexpr const char* kParseStamp = "%E4Y%m%dT%H%M%SZ";  // %Y would take every digit
  std::string name = fs::path(db_path).filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".db") == 0)
    name.resize(name.size() - 3);
  const std::string prefix = name + "-";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Unavailable("backup folder " + dir + ": " + ec.message());
  // The scheduled backups there, oldest first.
  std::vector<std::pair<absl::Time, std::string>> backups;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string file = e.path().filename().string();
    if (file.size() != prefix.size() + 16 + 3 || file.rfind(prefix, 0) != 0 ||
        file.compare(file.size() - 3, 3, ".db") != 0)
      continue;
    absl::Time at;
    std::string err;
    if (!absl::ParseTime(kParseStamp, file.substr(prefix.size(), 16), absl::UTCTimeZone(), &at, &err))
      continue;
    backups.emplace_back(at, e.path().string());
  }
  if (ec) return Status::Unavailable("backup folder " + dir + ": " + ec.message());
  std::sort(backups.begin(), backups.end());
  ScheduledBackup out;
  if (backups.empty() || now - backups.back().first >= every) {
    const std::string to =
        (fs::path(dir) / (prefix + absl::FormatTime(kStamp, now, absl::UTCTimeZone()) + ".db"))
            .string();
    auto summary = BackupDatabase(db_path, to);
    if (!summary.ok()) return summary.status();
    out.taken = to;
    out.summary = *summary;
    backups.emplace_back(now, to);
  }
  while (static_cast<int>(backups.size()) > keep) {
    if (fs::remove(backups.front().second, ec)) out.removed.push_back(backups.front().second);
    backups.erase(backups.begin());
  }
  return out;
}

}  // namespace shop::queue::sqlite
