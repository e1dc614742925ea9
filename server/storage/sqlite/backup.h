// Backup and restore of a SQLite queue database (queue-server backup /
// restore).
//
// A backup is one consistent snapshot taken while the server runs: SQLite's
// online backup API copies every page inside one read transaction of the
// source (in WAL mode the server's writer goes on meanwhile), into
// "<to>.partial"; the copy is turned into a self-contained file (rollback
// journal mode, no -wal beside it), checked with integrity_check, synced and
// only then renamed to <to>. A crash or refusal never leaves a file at <to>
// that is not a whole, checked backup.
//
// The personal-data key ("<db>.pii-key", or [privacy] key_file) is not in
// the backup: keep it apart from the backups (whoever holds both can read
// the personal data), and have it when restoring.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/common/status.h"

namespace shop::queue::sqlite {

// What a backup holds, for the operator's eyes.
struct BackupSummary {
  int64_t bytes = 0;
  int64_t schema_version = 0;
  int64_t tickets = 0;
  int64_t audit_records = 0;
};

// Copies the queue database at `db_path` (a server may be serving it) to
// `to`. NOT_FOUND if there is no database, ALREADY_EXISTS if `to` exists
// (a backup never overwrites one), FAILED_PRECONDITION if `db_path` is not a
// queue database or the copy fails its check, UNAVAILABLE on I/O errors.
Result<BackupSummary> BackupDatabase(const std::string& db_path, const std::string& to);

// Checks a backup file without changing it: integrity_check, and a schema
// version this program can serve (older ones are migrated when served).
Result<BackupSummary> InspectBackup(const std::string& file);

// Replaces the database at `db_path` with a copy of the backup `from`
// (checked first, as InspectBackup). The caller must hold the database's
// ServerLock, so that no server is serving it. A database already at
// `db_path` is not deleted: it is renamed, with its -wal, to the returned
// path ("" when there was none).
Result<std::string> RestoreDatabase(const std::string& from, const std::string& db_path);

// Scheduled backups ([backup] in the configuration) live in one folder as
// "<name>-YYYYMMDDTHHMMSSZ.db", <name> being the database file's name
// without ".db" and the time UTC.
struct ScheduledBackup {
  std::string taken;                 // the new backup's path; "" when none was due
  BackupSummary summary;             // of the new backup
  std::vector<std::string> removed;  // old backups removed beyond `keep`
};

// Takes a backup of `db_path` into `dir` (created if missing) when the
// newest scheduled one there is `every` old or older, or there is none;
// then removes the oldest beyond `keep`. Files of other names are never
// touched. `now` names the new file.
Result<ScheduledBackup> RunScheduledBackup(const std::string& db_path, const std::string& dir,
                                           absl::Duration every, int keep, absl::Time now);

}  // namespace shop::queue::sqlite
