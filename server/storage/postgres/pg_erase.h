// What the PostgreSQL cases and bookings repositories share: optional times
// as NULL, and the erasure of finished rows' personal data together with the
// recipients of their outbox messages (the PostgreSQL twin of
// sqlite::EraseFinished). Functions; they run on the caller's connection
// inside its transaction.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "server/domain/common/status.h"
#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

// absl::InfinitePast() (unset) as NULL, other times as Unix microseconds.
Param OptTimeParam(absl::Time t);
// Column `col` of row `row`: NULL reads as absl::InfinitePast().
absl::Time OptTimeColumn(const Rows& rows, int row, std::string_view col);
// A 0/1 flag column's parameter.
inline Param FlagParam(bool b) { return int64_t{b ? 1 : 0}; }

// Erases the personal fields of up to `limit` rows that `list` ($1 cutoff in
// microseconds, $2 limit; one column "id") finds finished before `cutoff`,
// each with `erase` ($1 the id), and blanks the recipients of their outbox
// messages (subject from `subject_of`). Returns how many rows it erased.
Result<int> EraseFinishedRows(Conn& conn, const Statement& list, const Statement& erase,
                              std::string (*subject_of)(int64_t), absl::Time cutoff,
                              int limit);
// The same with several statements per row (each takes $1 the id), run in
// order.
Result<int> EraseFinishedRows(Conn& conn, const Statement& list,
                              std::initializer_list<const Statement*> erase,
                              std::string (*subject_of)(int64_t), absl::Time cutoff,
                              int limit);

}  // namespace shop::queue::pg
