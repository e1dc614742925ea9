// What the SQLite repositories share: optional times and lists in columns,
// small statement helpers, and the erasure of finished rows' personal data.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/common/status.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

// absl::InfinitePast() (unset) is stored as NULL, other times as Unix
// microseconds.
std::optional<int64_t> OptMicros(absl::Time t);
void BindOpt(Stmt& s, int i, absl::Time t);
absl::Time ColTime(const Stmt& s, int col);

// "A,B,C" <-> {"A", "B", "C"} (empty items dropped).
std::string JoinPrefixes(const std::vector<std::string>& v);
std::vector<std::string> SplitPrefixes(const std::string& s);

// Whether the bound query finds a row; the statement is reset.
Result<bool> Exists(Stmt& s);
// The bound COUNT query's answer (0 without a row); the statement is reset.
Result<int> Count(Stmt& s);

// Blanks the recipients of a subject's outbox messages (EraseFinished).
inline constexpr const char* kEraseOutboxRecipients =
    "UPDATE outbox SET recipient = '' WHERE subject = ?1";

// Erases the personal fields of up to `limit` rows that `list_sql` finds
// finished before `cutoff` (with `erase_sql`), and the recipients of their
// outbox messages (subject from `subject_of`). Returns how many.
Result<int> EraseFinished(Db& db, const char* list_sql, const char* erase_sql,
                          std::string (*subject_of)(int64_t), absl::Time cutoff, int limit);
// The same with several statements per row (each binds ?1 to its id), run
// in order.
Result<int> EraseFinished(Db& db, const char* list_sql,
                          std::initializer_list<const char*> erase_sqls,
                          std::string (*subject_of)(int64_t), absl::Time cutoff, int limit);

}  // namespace shop::queue::sqlite
