#include "server/storage/postgres/outbox_repo.h"

#include "server/storage/postgres/pg_codec.h"
#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

namespace {

constexpr Statement kInsertOutbox{
    "outbox_insert",
    "INSERT INTO outbox (created_us, channel, recipient, text, subject) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id"};

constexpr Statement kOutboxFor{
    "outbox_for_subject",
    "SELECT id, created_us, channel, recipient, text, subject FROM outbox WHERE subject = $1 "
    "ORDER BY id"};

}  // namespace

Status PgOutboxRepo::EnqueueMessage(OutboxMessage& m) {
  auto rows = conn_.Query(kInsertOutbox,
                          {codec::Micros(m.created), m.channel, m.recipient, m.text, m.subject});
  if (!rows.ok()) return rows.status();
  if (rows->size() != 1) return Status::Internal("outbox insert returned no id");
  int64_t id = rows->Int(0, "id");
  QUEUE_RETURN_IF_ERROR(rows->status());
  m.id = id;
  return Status::Ok();
}

Result<std::vector<OutboxMessage>> PgOutboxRepo::OutboxFor(const std::string& subject) {
  auto rows = conn_.Query(kOutboxFor, {subject});
  if (!rows.ok()) return rows.status();
  std::vector<OutboxMessage> out;
  for (int i = 0; i < rows->size(); ++i) {
    const Rows& r = *rows;
    out.push_back(OutboxMessage{r.Int(i, "id"), codec::ColTime(r, i, "created_us"),
                                r.Text(i, "channel"), r.Text(i, "recipient"), r.Text(i, "text"),
                                r.Text(i, "subject")});
  }
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

}  // namespace shop::queue::pg
