#include "server/storage/sqlite/audit_repo.h"

#include "server/crypto/sha256.h"
#include "server/storage/sqlite/codec.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

namespace {

constexpr const char* kLastAudit =
    "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";

constexpr const char* kInsertAudit =
    "INSERT INTO audit_log (seq, at_us, actor, action, subject, detail, prev_hash, hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

}  // namespace

Status SqliteAuditRepo::AppendAudit(const AuditRecord& in) {
  AuditRecord r = in;
  auto last = db_.Prepare(kLastAudit);
  if (!last.ok()) return last.status();
  if ((*last)->Step()) {
    r.seq = (*last)->Int(0) + 1;
    r.prev_hash = (*last)->Text(1);
  } else {
    r.seq = 1;
    r.prev_hash.clear();
  }
  QUEUE_RETURN_IF_ERROR((*last)->status());
  (*last)->Reset();
  r.hash = crypto::Sha256Hex(AuditCanonical(r));
  auto st = db_.Prepare(kInsertAudit);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, r.seq).Bind(2, absl::ToUnixMicros(r.time)).Bind(3, r.actor).Bind(4, r.action);
  s.Bind(5, r.subject).Bind(6, r.detail).Bind(7, r.prev_hash).Bind(8, r.hash);
  return s.Run();
}

}  // namespace shop::queue::sqlite
