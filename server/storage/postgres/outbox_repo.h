// OutboxRepo on PostgreSQL: the outbox. One object per transaction, over the
// connection that runs it (the writer's, or a reader's handed out as the
// reading half only). Not thread-safe: a transaction's thread.
#pragma once

#include "server/domain/outbox/outbox_repo.h"

namespace shop::queue::pg {

class Conn;

class PgOutboxRepo final : public OutboxRepo {
 public:
  PgOutboxRepo(Conn& conn, bool writing) : conn_(conn), writing_(writing) {}

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
  Conn& conn_;
  const bool writing_;  // inside a write transaction (rows read may be locked)
};

}  // namespace shop::queue::pg
