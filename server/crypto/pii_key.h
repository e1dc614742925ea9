// The key for keyed hashes of personal identifiers (document numbers), and
// the PiiHasher built on it: HMAC-SHA256 through libsodium.
//
// The key lives in a file of its own, 64 hex characters (32 bytes), mode
// 0600, created on first start. Losing or replacing it makes every stored
// document hash unmatchable, so back it up with the database but keep it
// apart from database copies.
//
// Thread-safety: LoadOrCreatePiiKey may race with another process creating
// the same file (one wins; the other reads its key). HmacPiiHasher is
// immutable and safe to share.
#pragma once

#include <string>
#include <string_view>

#include "server/domain/common/personal_data.h"
#include "server/domain/common/status.h"

namespace shop::queue::crypto {

// The 32 raw key bytes from `path`. When the file does not exist, creates it
// with a new random key (mode 0600, written in full and synced before it
// appears under its name); its directory must exist. Refuses
// (kInvalidArgument, field "privacy.key_file") a file readable or writable by
// group or others, and one that is not 64 hex characters plus an optional
// newline; kInternal when the file system fails.
Result<std::string> LoadOrCreatePiiKey(const std::string& path);

// Hash(purpose, value) = lower-case hex HMAC-SHA256(key, purpose + '\0' +
// value): deterministic per key, and different purposes never collide on
// the same value.
class HmacPiiHasher final : public PiiHasher {
 public:
  // `key`: the bytes LoadOrCreatePiiKey returned (any length works; 32 is
  // what the file holds).
  explicit HmacPiiHasher(std::string key);
  ~HmacPiiHasher() override;  // wipes the key
  HmacPiiHasher(const HmacPiiHasher&) = delete;
  HmacPiiHasher& operator=(const HmacPiiHasher&) = delete;

  std::string Hash(std::string_view purpose, std::string_view value) const override;

 private:
  std::string key_;
};

}  // namespace shop::queue::crypto
