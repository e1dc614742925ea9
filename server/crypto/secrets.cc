#include "server/crypto/secrets.h"

#include <sodium.h>

#include "server/crypto/password.h"
#include "server/crypto/sha256.h"

namespace shop::queue::crypto {

Result<std::string> SodiumSecrets::HashPassword(const std::string& password) const {
  return crypto::HashPassword(password);
}

bool SodiumSecrets::VerifyPassword(const std::string& password, const std::string& stored) const {
  return crypto::VerifyPassword(password, stored);
}

std::string RandomBytes(size_t n) {
  if (sodium_init() < 0) return {};
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string SodiumSecrets::NewToken() const {
  if (sodium_init() < 0) return {};
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return std::string(hex, sizeof bytes * 2);
}

std::string SodiumSecrets::TokenHash(const std::string& token) const {
  return Sha256Hex("shop-queue-token/v1:" + token);
}

}  // namespace shop::queue::crypto
