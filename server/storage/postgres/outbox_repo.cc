#include "server/storage/postgres/outbox_repo.h"

#include <algorithm>

#include "server/storage/postgres/pg_codec.h"
#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

namespace {

#define OUTBOX_COLUMNS                                                         \
  "id, created_us, channel, recipient, text, subject, language, state, "      \
  "attempts, next_try_us, last_error, sent_us"

constexpr Statement kInsertOutbox{
    "outbox_insert",
    "INSERT INTO outbox (created_us, channel, recipient, text, subject, language, state, "
    "attempts, next_try_us, last_error) VALUES ($1, $2, $3, $4, $5, $6, 0, 0, $7, '') "
    "RETURNING id"};

constexpr Statement kOutboxFor{
    "outbox_for_subject",
    "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE subject = $1 ORDER BY id"};

// Served by the partial index outbox_due (next_try_us, id) WHERE state = 0.
constexpr Statement kDue{
    "outbox_due",
    "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = 0 AND next_try_us <= $1 "
    "ORDER BY next_try_us, id LIMIT $2"};

constexpr Statement kListAll{
    "outbox_list_all", "SELECT " OUTBOX_COLUMNS " FROM outbox ORDER BY id DESC LIMIT $1"};
constexpr Statement kListState{
    "outbox_list_state",
    "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = $2 ORDER BY id DESC LIMIT $1"};

constexpr Statement kMarkSent{
    "outbox_mark_sent", "UPDATE outbox SET state = 1, sent_us = $2 WHERE id = $1 AND state = 0"};
constexpr Statement kMarkFailed{
    "outbox_mark_failed",
    "UPDATE outbox SET state = $5, attempts = $2, next_try_us = $3, last_error = $4 "
    "WHERE id = $1 AND state = 0"};
constexpr Statement kRetryDead{
    "outbox_retry_dead",
    "UPDATE outbox SET state = 0, attempts = 0, next_try_us = $2 WHERE id = $1 AND state = 2"};

// $1 the subject prefix, $2 the cutoff (us). starts_with: byte-exact
// whatever the database's collation.
constexpr Statement kEraseSpentRecipients{
    "outbox_erase_spent_recipients",
    "UPDATE outbox SET recipient = '' WHERE starts_with(subject, $1) "
    "AND recipient <> '' AND (state IN (1, 2) OR created_us < $2)"};

#undef OUTBOX_COLUMNS

Result<std::vector<OutboxMessage>> ReadAll(Result<Rows> rows) {
  if (!rows.ok()) return rows.status();
  const Rows& r = *rows;
  std::vector<OutboxMessage> out;
  for (int i = 0; i < r.size(); ++i) {
    OutboxMessage m;
    m.id = r.Int(i, "id");
    m.created = codec::ColTime(r, i, "created_us");
    m.channel = r.Text(i, "channel");
    m.recipient = r.Text(i, "recipient");
    m.text = r.Text(i, "text");
    m.subject = r.Text(i, "subject");
    m.language = static_cast<int>(r.Int(i, "language"));
    m.state = static_cast<OutboxState>(r.Int(i, "state"));
    m.attempts = static_cast<int>(r.Int(i, "attempts"));
    m.next_try = codec::ColTime(r, i, "next_try_us");
    m.last_error = r.Text(i, "last_error");
    if (!r.IsNull(i, "sent_us")) m.sent = codec::ColTime(r, i, "sent_us");
    out.push_back(std::move(m));
  }
  QUEUE_RETURN_IF_ERROR(r.status());
  return out;
}

Status OneChanged(Result<Rows> rows, const std::string& missing) {
  if (!rows.ok()) return rows.status();
  if (rows->affected() != 1) return Status::NotFound(missing);
  return Status::Ok();
}

}  // namespace

Status PgOutboxRepo::EnqueueMessage(OutboxMessage& m) {
  const absl::Time due = std::max(m.created, m.next_try);
  auto rows = conn_.Query(kInsertOutbox, {codec::Micros(m.created), m.channel, m.recipient,
                                          m.text, m.subject, m.language, codec::Micros(due)});
  if (!rows.ok()) return rows.status();
  if (rows->size() != 1) return Status::Internal("outbox insert returned no id");
  int64_t id = rows->Int(0, "id");
  QUEUE_RETURN_IF_ERROR(rows->status());
  m.id = id;
  m.state = OutboxState::kPending;
  m.attempts = 0;
  m.next_try = due;
  m.last_error.clear();
  m.sent.reset();
  return Status::Ok();
}

Result<std::vector<OutboxMessage>> PgOutboxRepo::OutboxFor(const std::string& subject) {
  return ReadAll(conn_.Query(kOutboxFor, {subject}));
}

Result<std::vector<OutboxMessage>> PgOutboxRepo::DueMessages(absl::Time now, int limit) {
  return ReadAll(conn_.Query(kDue, {codec::Micros(now), codec::Limit(limit)}));
}

Result<std::vector<OutboxMessage>> PgOutboxRepo::ListOutbox(std::optional<OutboxState> state,
                                                            int limit) {
  if (state)
    return ReadAll(conn_.Query(kListState, {codec::Limit(limit), static_cast<int>(*state)}));
  return ReadAll(conn_.Query(kListAll, {codec::Limit(limit)}));
}

Status PgOutboxRepo::MarkSent(int64_t id, absl::Time at) {
  return OneChanged(conn_.Query(kMarkSent, {id, codec::Micros(at)}),
                    "no pending outbox message " + std::to_string(id));
}

Status PgOutboxRepo::MarkFailed(int64_t id, int attempts, absl::Time next_try,
                                const std::string& error, bool dead) {
  const int state = static_cast<int>(dead ? OutboxState::kDead : OutboxState::kPending);
  return OneChanged(
      conn_.Query(kMarkFailed, {id, attempts, codec::Micros(next_try), error, state}),
      "no pending outbox message " + std::to_string(id));
}

Status PgOutboxRepo::RetryDead(int64_t id, absl::Time now) {
  return OneChanged(conn_.Query(kRetryDead, {id, codec::Micros(now)}),
                    "no dead outbox message " + std::to_string(id));
}

Result<int> PgOutboxRepo::EraseSpentRecipients(const std::string& subject_prefix,
                                               absl::Time before) {
  if (subject_prefix.empty())
    return Status::InvalidArgument("subject_prefix", "a subject prefix such as \"ticket:\"");
  auto rows = conn_.Query(kEraseSpentRecipients, {subject_prefix, codec::Micros(before)});
  if (!rows.ok()) return rows.status();
  return static_cast<int>(rows->affected());
}

}  // namespace shop::queue::pg
