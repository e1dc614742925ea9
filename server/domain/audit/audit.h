// The audit log: an append-only chain of records of every state change
// (tickets now; logins, overrides and erasures as they arrive). Each record
// carries the hash of the one before it, so changing, removing or inserting a
// record breaks the chain at that point, which VerifyAuditChain reports.
//
// Records never hold personal data (no names, phone or document numbers);
// subjects are ids. The hash function is injected (SHA-256 in production,
// see server/crypto) so this stays plain C++. Values; thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace shop::queue {

struct AuditRecord {
  int64_t seq = 0;      // 1, 2, ... assigned by the store
  absl::Time time;
  std::string actor;    // who: "kiosk", "counter:3", "system:expiry", later staff ids
  std::string action;   // what: "ticket.create", "ticket.call", "counter.open", ...
  std::string subject;  // on what: "ticket:42", "counter:3"
  std::string detail;   // free text, never personal data
  std::string prev_hash;  // hash of record seq-1 ("" for the first)
  std::string hash;       // Hash(Canonical(this))
};

// Hex digest of bytes.
using AuditHasher = std::function<std::string(std::string_view)>;

// The exact bytes hashed: every field but `hash`, each length-prefixed so no
// two different records share a canonical form.
std::string AuditCanonical(const AuditRecord& r);

// Checks records one at a time, in seq order.
// The result of walking the audit chain.
struct AuditVerdict {
  int64_t checked = 0;                  // records found sound
  std::optional<int64_t> first_broken;  // seq of the first broken record
  std::string why;
};

class AuditChainVerifier {
 public:
  explicit AuditChainVerifier(AuditHasher hasher) : hasher_(std::move(hasher)) {}
  // False at the first broken record; why() then says what is wrong with it.
  bool Feed(const AuditRecord& r);
  int64_t checked() const { return checked_; }
  const std::string& why() const { return why_; }
  const std::optional<int64_t>& first_broken() const { return first_broken_; }

 private:
  AuditHasher hasher_;
  int64_t checked_ = 0;
  int64_t last_seq_ = 0;
  std::string last_hash_;
  std::optional<int64_t> first_broken_;
  std::string why_;
};

}  // namespace shop::queue
