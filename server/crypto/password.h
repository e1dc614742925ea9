// Password hashing for staff accounts: Argon2id through libsodium
// (crypto_pwhash_str), salted, slow on purpose. The stored string holds the
// algorithm, its costs and the salt, so costs can rise later without
// breaking old hashes. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "server/domain/common/status.h"

namespace shop::queue::crypto {

// A new salted Argon2id hash of `password` (INVALID_ARGUMENT if it is shorter
// than 8 characters).
Result<std::string> HashPassword(std::string_view password);
// Whether `password` matches `stored` (a HashPassword result).
bool VerifyPassword(std::string_view password, const std::string& stored);
// Whether `stored` was made with weaker costs than today's and should be
// re-hashed at the next successful login.
bool PasswordNeedsRehash(const std::string& stored);

}  // namespace shop::queue::crypto
