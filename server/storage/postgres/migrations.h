// The PostgreSQL schema: ordered migrations, applied in one transaction under
// an advisory lock (replicas starting together take turns), and the version
// check of the admin commands.
#pragma once

#include "server/domain/common/status.h"

namespace shop::queue::pg {

class Conn;

// The schema version this program writes.
int LatestSchemaVersion();
// The statements of migration `version` -> `version` + 1 (tests build old
// databases with them).
const char* MigrationSql(int version);
// The database's schema version (0 for an empty database).
Result<int> SchemaVersion(Conn& conn);
// Creates the schema on an empty database or migrates an older one.
[[nodiscard]] Status Migrate(Conn& conn);
// OK only when the database is at this program's schema version.
[[nodiscard]] Status CheckVersion(Conn& conn);

}  // namespace shop::queue::pg
