// Test helpers: a branch configuration built in code, temp directories, and
// times in a named zone. For tests only.
#pragma once

#include <filesystem>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/common/branch.h"
#include "server/domain/common/personal_data.h"
#include "server/domain/cases/sim_case.h"

namespace shop::queue::testing {

// A branch "test" in `zone` with services R, N, P (10, 20, 5 min defaults),
// counters "1" (R,N,P), "2" (R,N), "3" (P), open 09:00-21:00 Monday to
// Saturday, closed Sunday, max_recalls 2.
BranchConfig TestBranch(const std::string& zone = "Europe/Moscow");
ServerConfig TestConfig(const std::string& zone = "Europe/Moscow");
// TestConfig plus a second branch "other" ("Other shop"), the same in all
// else.
ServerConfig TwoBranchConfig(const std::string& zone = "Europe/Moscow");
// TestConfig open around the clock, where serving an R ticket opens a
// SIM-replacement case, with fees for megafon, beeline and tele2 (lost 300,
// stolen 300, damaged 150, format_change 0).
ServerConfig CaseTestConfig(const std::string& zone = "Europe/Moscow");
// An ICCID (19 digits, "89" first, valid Luhn digit) numbered `n`.
std::string TestIccid(int n);

// A MegaFon subscriber "Ivanova Maria" of `phone` with a Russian passport
// `document` (kept as `hasher` keeps it), card TestIccid(1), whose last
// top-up was `topup` roubles and who last called `recent_call`: the answers
// to the identity check's questions.
Subscriber TestSubscriber(const PiiHasher& hasher, const std::string& phone,
                          const std::string& document, int64_t topup,
                          const std::string& recent_call);

// The instant of a local civil time in `zone`.
absl::Time At(const std::string& zone, int y, int mo, int d, int h, int mi, int s = 0);

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace shop::queue::testing
