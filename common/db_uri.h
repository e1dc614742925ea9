// The --db value, as queue-server, its admin commands and queue-bench read
// it: a SQLite file path, or a PostgreSQL URI.
#pragma once

#include <string>

namespace shop::queue {

// True if `db` names a PostgreSQL database (postgresql:// or postgres://).
bool IsPostgresUri(const std::string& db);
// `db` for logs and messages: a PostgreSQL URI without its password
// (user:secret@ and password=... masked).
std::string DescribeDb(const std::string& db);

}  // namespace shop::queue
