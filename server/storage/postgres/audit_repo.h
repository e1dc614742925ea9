// AuditRepo on PostgreSQL: the audit chain. One object per transaction, over
// the connection that runs it (the writer's, or a reader's handed out as the
// reading half only). Not thread-safe: a transaction's thread.
#pragma once

#include "server/domain/audit/audit_repo.h"

namespace shop::queue::pg {

class Conn;

class PgAuditRepo final : public AuditRepo {
 public:
  PgAuditRepo(Conn& conn, bool writing) : conn_(conn), writing_(writing) {}

  Status AppendAudit(const AuditRecord& in) override;

 private:
  Conn& conn_;
  const bool writing_;  // inside a write transaction (rows read may be locked)
};

}  // namespace shop::queue::pg
