#include "server/domain/audit/audit.h"

namespace shop::queue {
namespace {

void Put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}

}  // namespace

std::string AuditCanonical(const AuditRecord& r) {
  std::string out = "audit/v1;";
  Put(out, std::to_string(r.seq));
  Put(out, std::to_string(absl::ToUnixMicros(r.time)));
  Put(out, r.actor);
  Put(out, r.action);
  Put(out, r.subject);
  Put(out, r.detail);
  Put(out, r.prev_hash);
  return out;
}

bool AuditChainVerifier::Feed(const AuditRecord& r) {
  if (first_broken_) return false;
  auto broken = [&](std::string why) {
    first_broken_ = r.seq;
    why_ = std::move(why);
    return false;
  };
  if (r.seq != last_seq_ + 1)
    return broken("expected record " + std::to_string(last_seq_ + 1) + ", found " +
                  std::to_string(r.seq) + " (a record was removed or inserted)");
  if (r.prev_hash != last_hash_)
    return broken("its link to record " + std::to_string(last_seq_) + " does not match");
  if (hasher_(AuditCanonical(r)) != r.hash)
    return broken("its contents do not match its hash (the record was changed)");
  last_seq_ = r.seq;
  last_hash_ = r.hash;
  ++checked_;
  return true;
}

}  // namespace shop::queue
