// The admin commands of queue-server (run against the database, a SQLite
// file or a PostgreSQL URI, with the server running or not): staff accounts, device tokens, and audit
// verification, backup and restore. They never create or migrate a database (serving does): a
// missing file, or one of another schema version, is an error naming it.
// Each returns the process exit code: 0 done, 1 refused or broken, 2 could
// not run.
#pragma once

#include <string>

#include "server/domain/common/status.h"

namespace shop::queue::admin {

struct Target {
  std::string db_path;
  std::string config_path;  // empty: the built-in demo
  bool db_given = true;     // false: db_path is --db's default
};

// Password from standard input (first line); on a terminal, asked twice
// without echo.
int StaffAdd(const Target& t, const std::string& login, const std::string& display_name,
             const std::string& role);
// Prints the new token once; it is stored only as a hash.
int DeviceIssue(const Target& t, const std::string& name, const std::string& kind,
                const std::string& branch);
int DeviceRevoke(const Target& t, const std::string& name);
int VerifyAudit(const Target& t);
// A consistent copy of the SQLite database, taken while the server runs
// (server/storage/sqlite/backup.h); never overwrites `to`.
int Backup(const Target& t, const std::string& to);
// Replaces the SQLite database with a checked copy of the backup `from`;
// refused while a server serves the file. The replaced file is kept aside.
int Restore(const Target& t, const std::string& from);
// Loads operator-register subscribers and blank-card stock from a JSON file
// (see server/config/demo_register.json); document numbers are stored only
// as keyed hashes.
int RegisterLoad(const Target& t, const std::string& file);

// The personal-data key file: [privacy] key_file, else "<db>.pii-key" for a
// SQLite file; a PostgreSQL database needs key_file (INVALID_ARGUMENT).
Result<std::string> PiiKeyPath(const std::string& configured, const std::string& db_path);

}  // namespace shop::queue::admin
