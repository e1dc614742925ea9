// The audit chain: a sound chain verifies; a changed, removed or inserted
// record is reported at exactly that record.
#include "server/domain/audit/audit.h"

#include <functional>
#include <vector>

#include <gtest/gtest.h>

namespace shop::queue {
namespace {

// A toy hash for the rules (production uses SHA-256, tested with the store).
std::string ToyHash(std::string_view s) {
  return std::to_string(std::hash<std::string_view>{}(s));
}

std::vector<AuditRecord> Chain(int n) {
  std::vector<AuditRecord> out;
  std::string prev;
  for (int i = 1; i <= n; ++i) {
    AuditRecord r{i, absl::FromUnixSeconds(1'800'000'000 + i), "counter:1", "ticket.call",
                  "ticket:" + std::to_string(i), "waiting->called", prev, ""};
    r.hash = ToyHash(AuditCanonical(r));
    prev = r.hash;
    out.push_back(r);
  }
  return out;
}

std::optional<int64_t> Verify(const std::vector<AuditRecord>& chain) {
  AuditChainVerifier v(ToyHash);
  for (const auto& r : chain)
    if (!v.Feed(r)) break;
  return v.first_broken();
}

TEST(AuditChain, SoundChainVerifies) {
  AuditChainVerifier v(ToyHash);
  for (const auto& r : Chain(50)) ASSERT_TRUE(v.Feed(r));
  EXPECT_EQ(v.checked(), 50);
  EXPECT_FALSE(v.first_broken());
}

TEST(AuditChain, ChangedRecordIsFoundAtThatRecord) {
  for (int k = 1; k <= 10; ++k) {
    auto chain = Chain(10);
    chain[k - 1].detail = "waiting->done";
    EXPECT_EQ(Verify(chain), k);
  }
  auto chain = Chain(10);
  chain[4].time += absl::Seconds(1);
  EXPECT_EQ(Verify(chain), 5);
}

TEST(AuditChain, RewrittenRecordWithNewHashBreaksTheNextLink) {
  auto chain = Chain(10);
  chain[3].actor = "counter:9";
  chain[3].hash = ToyHash(AuditCanonical(chain[3]));  // a careful forger
  EXPECT_EQ(Verify(chain), 5);
}

TEST(AuditChain, RemovedOrInsertedRecordIsFound) {
  auto removed = Chain(10);
  removed.erase(removed.begin() + 6);
  EXPECT_EQ(Verify(removed), 8);
  auto inserted = Chain(10);
  AuditRecord extra = inserted[2];
  inserted.insert(inserted.begin() + 3, extra);
  EXPECT_EQ(Verify(inserted), 3);
}

TEST(AuditChain, CanonicalFormSeparatesFields) {
  AuditRecord a{1, absl::UnixEpoch(), "ab", "c", "", "", "", ""};
  AuditRecord b{1, absl::UnixEpoch(), "a", "bc", "", "", "", ""};
  EXPECT_NE(AuditCanonical(a), AuditCanonical(b));
}

}  // namespace
}  // namespace shop::queue
