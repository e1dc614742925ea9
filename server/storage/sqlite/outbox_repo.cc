#include "server/storage/sqlite/outbox_repo.h"

#include <algorithm>

#include "server/storage/sqlite/codec.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

namespace {

// Outbox. The columns every read selects, in the order ReadMessage reads
// them (kept side by side).
#define OUTBOX_COLUMNS                                                         \
  "id, created_us, channel, recipient, text, subject, language, state, "      \
  "attempts, next_try_us, last_error, sent_us"

OutboxMessage ReadMessage(const Stmt& s) {
  OutboxMessage m;
  m.id = s.Int(0);
  m.created = absl::FromUnixMicros(s.Int(1));
  m.channel = s.Text(2);
  m.recipient = s.Text(3);
  m.text = s.Text(4);
  m.subject = s.Text(5);
  m.language = static_cast<int>(s.Int(6));
  m.state = static_cast<OutboxState>(s.Int(7));
  m.attempts = static_cast<int>(s.Int(8));
  m.next_try = absl::FromUnixMicros(s.Int(9));
  m.last_error = s.Text(10);
  if (!s.IsNull(11)) m.sent = absl::FromUnixMicros(s.Int(11));
  return m;
}

constexpr const char* kInsertOutbox =
    "INSERT INTO outbox (created_us, channel, recipient, text, subject, language, state, "
    "attempts, next_try_us, last_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, ?7, '')";

constexpr const char* kOutboxFor =
    "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE subject = ?1 ORDER BY id";

// Served by the partial index outbox_due (next_try_us, id) WHERE state = 0.
constexpr const char* kDue =
    "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = 0 AND next_try_us <= ?1 "
    "ORDER BY next_try_us, id LIMIT ?2";

constexpr const char* kListAll =
    "SELECT " OUTBOX_COLUMNS " FROM outbox ORDER BY id DESC LIMIT ?1";
constexpr const char* kListState =
    "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = ?2 ORDER BY id DESC LIMIT ?1";

constexpr const char* kMarkSent =
    "UPDATE outbox SET state = 1, sent_us = ?2 WHERE id = ?1 AND state = 0";
constexpr const char* kMarkFailed =
    "UPDATE outbox SET state = ?5, attempts = ?2, next_try_us = ?3, last_error = ?4 "
    "WHERE id = ?1 AND state = 0";
constexpr const char* kRetryDead =
    "UPDATE outbox SET state = 0, attempts = 0, next_try_us = ?2 WHERE id = ?1 AND state = 2";

// ?1 the subject prefix, ?2 the first string after every string it starts
// (the range keeps to the index outbox_by_subject), ?3 the cutoff (us).
constexpr const char* kEraseSpentRecipients =
    "UPDATE outbox SET recipient = '' WHERE subject >= ?1 AND subject < ?2 "
    "AND recipient <> '' AND (state IN (1, 2) OR created_us < ?3)";

#undef OUTBOX_COLUMNS

}  // namespace

Status SqliteOutboxRepo::EnqueueMessage(OutboxMessage& m) {
  auto st = db_.Prepare(kInsertOutbox);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  const absl::Time due = std::max(m.created, m.next_try);
  s.Bind(1, absl::ToUnixMicros(m.created)).Bind(2, m.channel).Bind(3, m.recipient);
  s.Bind(4, m.text).Bind(5, m.subject).Bind(6, int64_t{m.language});
  s.Bind(7, absl::ToUnixMicros(due));
  QUEUE_RETURN_IF_ERROR(s.Run());
  m.id = db_.LastInsertRowId();
  m.state = OutboxState::kPending;
  m.attempts = 0;
  m.next_try = due;
  m.last_error.clear();
  m.sent.reset();
  return Status::Ok();
}

namespace {

Result<std::vector<OutboxMessage>> ReadAll(Stmt& s) {
  std::vector<OutboxMessage> out;
  while (s.Step()) out.push_back(ReadMessage(s));
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

}  // namespace

Result<std::vector<OutboxMessage>> SqliteOutboxRepo::OutboxFor(const std::string& subject) {
  auto st = db_.Prepare(kOutboxFor);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, subject);
  return ReadAll(**st);
}

Result<std::vector<OutboxMessage>> SqliteOutboxRepo::DueMessages(absl::Time now, int limit) {
  auto st = db_.Prepare(kDue);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, absl::ToUnixMicros(now)).Bind(2, int64_t{limit});
  return ReadAll(**st);
}

Result<std::vector<OutboxMessage>> SqliteOutboxRepo::ListOutbox(std::optional<OutboxState> state,
                                                                int limit) {
  auto st = db_.Prepare(state ? kListState : kListAll);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, int64_t{limit});
  if (state) (*st)->Bind(2, static_cast<int64_t>(*state));
  return ReadAll(**st);
}

Status SqliteOutboxRepo::MarkSent(int64_t id, absl::Time at) {
  auto st = db_.Prepare(kMarkSent);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, absl::ToUnixMicros(at));
  QUEUE_RETURN_IF_ERROR((*st)->Run());
  if (db_.Changes() != 1) return Status::NotFound("no pending outbox message " + std::to_string(id));
  return Status::Ok();
}

Status SqliteOutboxRepo::MarkFailed(int64_t id, int attempts, absl::Time next_try,
                                    const std::string& error, bool dead) {
  auto st = db_.Prepare(kMarkFailed);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, int64_t{attempts}).Bind(3, absl::ToUnixMicros(next_try));
  (*st)->Bind(4, error).Bind(5, static_cast<int64_t>(dead ? OutboxState::kDead
                                                         : OutboxState::kPending));
  QUEUE_RETURN_IF_ERROR((*st)->Run());
  if (db_.Changes() != 1) return Status::NotFound("no pending outbox message " + std::to_string(id));
  return Status::Ok();
}

Status SqliteOutboxRepo::RetryDead(int64_t id, absl::Time now) {
  auto st = db_.Prepare(kRetryDead);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, absl::ToUnixMicros(now));
  QUEUE_RETURN_IF_ERROR((*st)->Run());
  if (db_.Changes() != 1) return Status::NotFound("no dead outbox message " + std::to_string(id));
  return Status::Ok();
}

Result<int> SqliteOutboxRepo::EraseSpentRecipients(const std::string& subject_prefix,
                                                   absl::Time before) {
  if (subject_prefix.empty() || static_cast<unsigned char>(subject_prefix.back()) == 0xFF)
    return Status::InvalidArgument("subject_prefix", "a subject prefix such as \"ticket:\"");
  // Byte order (BINARY): every string that starts with "ticket:" is below "ticket;".
  std::string after = subject_prefix;
  after.back() = static_cast<char>(static_cast<unsigned char>(after.back()) + 1);
  auto st = db_.Prepare(kEraseSpentRecipients);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, subject_prefix).Bind(2, after).Bind(3, absl::ToUnixMicros(before));
  QUEUE_RETURN_IF_ERROR((*st)->Run());
  return db_.Changes();
}

}  // namespace shop::queue::sqlite
