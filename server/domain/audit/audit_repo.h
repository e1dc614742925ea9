// The audit area of the store: the append-only hash chain of every change
// (audit.h). Only a write transaction offers it; the chain is read back by
// the store's own verification (queue-server verify-audit).
#pragma once

#include "server/domain/audit/audit.h"
#include "server/domain/common/status.h"

namespace shop::queue {

class AuditRepo {
 public:
  virtual ~AuditRepo() = default;
  // Appends `r` to the audit chain: the store sets seq, prev_hash and hash.
  virtual Status AppendAudit(const AuditRecord& r) = 0;
};

}  // namespace shop::queue
