#include "server/storage/postgres/outbox_repo.h"

#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

Status PgOutboxRepo::EnqueueMessage(OutboxMessage& m) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<OutboxMessage>> PgOutboxRepo::OutboxFor(const std::string& subject) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

}  // namespace shop::queue::pg
