// AuditRepo on SQLite: the audit chain. One object per transaction, over the
// connection that runs it (the writer's, or a read-only reader's handed out as
// the reading half only). Not thread-safe: a transaction's thread.
#pragma once

#include "server/domain/audit/audit_repo.h"

namespace shop::queue::sqlite {

class Db;

class SqliteAuditRepo final : public AuditRepo {
 public:
  explicit SqliteAuditRepo(Db& db) : db_(db) {}

  Status AppendAudit(const AuditRecord& in) override;

 private:
  Db& db_;
};

}  // namespace shop::queue::sqlite
