#include "server/storage/postgres/audit_repo.h"

#include "server/crypto/sha256.h"
#include "server/storage/postgres/pg_codec.h"
#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

namespace {

// The chain's tail. Write transactions of every replica run one at a time
// (the engine's advisory lock, pg_engine.h), so no one appends between this
// read and the insert; if one did, the primary key on seq refuses the second
// insert rather than fork the chain, and AppendAudit answers kAborted (the
// engine runs the request again, on the new tail).
constexpr Statement kLastAudit{"audit_tail",
                               "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"};

constexpr Statement kInsertAudit{
    "audit_insert",
    "INSERT INTO audit_log (seq, at_us, actor, action, subject, detail, prev_hash, hash) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};

}  // namespace

Status PgAuditRepo::AppendAudit(const AuditRecord& in) {
  AuditRecord r = in;
  auto last = conn_.Query(kLastAudit);
  if (!last.ok()) return last.status();
  if (last->size() > 0) {
    r.seq = last->Int(0, "seq") + 1;
    r.prev_hash = last->Text(0, "hash");
  } else {
    r.seq = 1;
    r.prev_hash.clear();
  }
  QUEUE_RETURN_IF_ERROR(last->status());
  r.hash = crypto::Sha256Hex(AuditCanonical(r));
  auto rows = conn_.Query(kInsertAudit, {r.seq, codec::Micros(r.time), r.actor, r.action,
                                         r.subject, r.detail, r.prev_hash, r.hash});
  if (!rows.ok() && rows.status().code() == Status::Code::kAlreadyExists)
    return Status::Aborted("the audit log grew meanwhile; try again");
  return rows.status();
}

}  // namespace shop::queue::pg
