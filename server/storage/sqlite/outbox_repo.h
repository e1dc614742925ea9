// OutboxRepo on SQLite: the outbox. One object per transaction, over the
// connection that runs it (the writer's, or a read-only reader's handed out as
// the reading half only). Not thread-safe: a transaction's thread.
#pragma once

#include "server/domain/outbox/outbox_repo.h"

namespace shop::queue::sqlite {

class Db;

class SqliteOutboxRepo final : public OutboxRepo {
 public:
  explicit SqliteOutboxRepo(Db& db) : db_(db) {}

  Status EnqueueMessage(OutboxMessage& m) override;
  Result<std::vector<OutboxMessage>> OutboxFor(const std::string& subject) override;

 private:
  Db& db_;
};

}  // namespace shop::queue::sqlite
