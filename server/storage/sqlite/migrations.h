// The SQLite schema: ordered migrations, each one transaction, and the
// version check of the admin commands. Migration N takes the schema from
// version N to N+1; a database newer than this program is refused.
#pragma once

#include "server/domain/common/status.h"

namespace shop::queue::sqlite {

class Db;

// The schema version this program writes.
int LatestSchemaVersion();
// The statements of migration `version` -> `version` + 1 (tests build old
// databases with them).
const char* MigrationSql(int version);
// Creates the schema on an empty database or migrates an older one, in one
// BEGIN IMMEDIATE transaction.
[[nodiscard]] Status Migrate(Db& db);
// OK only when `db` is a queue database at this program's schema version;
// changes nothing (the admin commands' OpenMode::kExisting).
[[nodiscard]] Status CheckVersion(Db& db);

}  // namespace shop::queue::sqlite
