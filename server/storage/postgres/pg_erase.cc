#include "server/storage/postgres/pg_erase.h"

#include <vector>

namespace shop::queue::pg {

namespace {

// ?1 subject: its messages keep their text and times, not their recipient.
constexpr Statement kEraseOutboxRecipients{
    "personal_erase_outbox_recipients", "UPDATE outbox SET recipient = '' WHERE subject = $1"};

}  // namespace

Param OptTimeParam(absl::Time t) {
  if (t == absl::InfinitePast()) return Param();
  return absl::ToUnixMicros(t);
}

absl::Time OptTimeColumn(const Rows& rows, int row, std::string_view col) {
  if (rows.IsNull(row, col)) return absl::InfinitePast();
  return absl::FromUnixMicros(rows.Int(row, col));
}

Result<int> EraseFinishedRows(Conn& conn, const Statement& list, const Statement& erase,
                              std::string (*subject_of)(int64_t), absl::Time cutoff,
                              int limit) {
  return EraseFinishedRows(conn, list, {&erase}, subject_of, cutoff, limit);
}

Result<int> EraseFinishedRows(Conn& conn, const Statement& list,
                              std::initializer_list<const Statement*> erase,
                              std::string (*subject_of)(int64_t), absl::Time cutoff,
                              int limit) {
  auto rows = conn.Query(list, {absl::ToUnixMicros(cutoff), int64_t{limit}});
  if (!rows.ok()) return rows.status();
  std::vector<int64_t> ids;
  for (int i = 0; i < rows->size(); ++i) ids.push_back(rows->Int(i, "id"));
  QUEUE_RETURN_IF_ERROR(rows->status());
  for (int64_t id : ids) {
    for (const Statement* e : erase) QUEUE_RETURN_IF_ERROR(conn.Query(*e, {id}).status());
    QUEUE_RETURN_IF_ERROR(conn.Query(kEraseOutboxRecipients, {subject_of(id)}).status());
  }
  return static_cast<int>(ids.size());
}

}  // namespace shop::queue::pg
