#include "server/storage/postgres/audit_repo.h"

#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

Status PgAuditRepo::AppendAudit(const AuditRecord& in) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

}  // namespace shop::queue::pg
