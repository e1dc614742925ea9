#include "server/storage/sqlite/outbox_repo.h"

#include "server/storage/sqlite/codec.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

namespace {

// Outbox.
constexpr const char* kInsertOutbox =
    "INSERT INTO outbox (created_us, channel, recipient, text, subject) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

constexpr const char* kOutboxFor =
    "SELECT id, created_us, channel, recipient, text, subject FROM outbox WHERE subject = ?1 "
    "ORDER BY id";

}  // namespace

Status SqliteOutboxRepo::EnqueueMessage(OutboxMessage& m) {
  auto st = db_.Prepare(kInsertOutbox);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, absl::ToUnixMicros(m.created)).Bind(2, m.channel).Bind(3, m.recipient);
  s.Bind(4, m.text).Bind(5, m.subject);
  QUEUE_RETURN_IF_ERROR(s.Run());
  m.id = db_.LastInsertRowId();
  return Status::Ok();
}

Result<std::vector<OutboxMessage>> SqliteOutboxRepo::OutboxFor(const std::string& subject) {
  auto st = db_.Prepare(kOutboxFor);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, subject);
  std::vector<OutboxMessage> out;
  while (s.Step())
    out.push_back(OutboxMessage{s.Int(0), absl::FromUnixMicros(s.Int(1)), s.Text(2), s.Text(3),
                                s.Text(4), s.Text(5)});
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

}  // namespace shop::queue::sqlite
