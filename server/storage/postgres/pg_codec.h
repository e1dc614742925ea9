// What the PostgreSQL repositories of tickets, staff, audit and outbox share:
// times, optional times, flags and lists as parameters and as columns, and
// limits. The schema keeps them as the SQLite one does (migrations.cc):
// times are BIGINT Unix microseconds, an unset time (absl::InfinitePast())
// is NULL, flags are INTEGER 0 or 1, lists of service prefixes are "A,B,C".
//
// Columns are read by name from pg::Rows (pg_conn.h): a missing column marks
// the Rows' status, which callers check once after reading.
//
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg::codec {

// A time as a parameter: Unix microseconds.
Param Micros(absl::Time t);
// An optional time as a parameter: NULL for absl::InfinitePast() (unset).
Param OptMicros(absl::Time t);
// A string that is NULL when empty (columns such as tickets.status_token).
Param TextOrNull(const std::string& s);
// A LIMIT: NULL (no limit) for a negative `limit`, as SQLite reads LIMIT -1.
Param Limit(int limit);

// Column `col` of row `row` as a time (NULL reads as the epoch).
absl::Time ColTime(const Rows& rows, int row, std::string_view col);
// Column `col` of row `row` as an optional time: NULL is absl::InfinitePast().
absl::Time ColOptTime(const Rows& rows, int row, std::string_view col);
// Column `col` of row `row` as a flag (non-zero is true).
bool ColFlag(const Rows& rows, int row, std::string_view col);

// "A,B,C" <-> {"A", "B", "C"} (empty items dropped).
std::string JoinPrefixes(const std::vector<std::string>& v);
std::vector<std::string> SplitPrefixes(const std::string& s);

}  // namespace shop::queue::pg::codec
