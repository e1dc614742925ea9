// The production Secrets for AuthManager: Argon2id passwords, 256-bit random
// tokens from libsodium, SHA-256 token hashes. Thread-safe.
#pragma once

#include "server/domain/staff/auth_manager.h"

namespace shop::queue::crypto {

class SodiumSecrets final : public Secrets {
 public:
  Result<std::string> HashPassword(const std::string& password) const override;
  bool VerifyPassword(const std::string& password, const std::string& stored) const override;
  std::string NewToken() const override;
  std::string TokenHash(const std::string& token) const override;
};

// `n` bytes from libsodium's CSPRNG (reference codes).
std::string RandomBytes(size_t n);

}  // namespace shop::queue::crypto
