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
  Result<std::vector<OutboxMessage>> DueMessages(absl::Time now, int limit) override;
  Result<std::vector<OutboxMessage>> ListOutbox(std::optional<OutboxState> state,
                                                int limit) override;
  Status MarkSent(int64_t id, absl::Time at) override;
  Status MarkFailed(int64_t id, int attempts, absl::Time next_try, const std::string& error,
                    bool dead) override;
  Status RetryDead(int64_t id, absl::Time now) override;
  Result<int> EraseSpentRecipients(const std::string& subject_prefix,
                                   absl::Time before) override;

 private:
  Db& db_;
};

}  // namespace shop::queue::sqlite
