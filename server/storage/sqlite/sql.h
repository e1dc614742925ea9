// Transaction control statements, prepared once per connection. Tests
// name them to inject faults at each step (sqlite::StatementFaults).
#pragma once

namespace shop::queue::sql {

inline constexpr const char* kBegin = "BEGIN";
inline constexpr const char* kBeginImmediate = "BEGIN IMMEDIATE";
inline constexpr const char* kCommit = "COMMIT";
inline constexpr const char* kRollback = "ROLLBACK";
inline constexpr const char* kSavepoint = "SAVEPOINT request";
inline constexpr const char* kRelease = "RELEASE request";
inline constexpr const char* kRollbackTo = "ROLLBACK TO request";

}  // namespace shop::queue::sql
