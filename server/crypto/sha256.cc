#include "server/crypto/sha256.h"

#include <sodium.h>

#include <stdexcept>

namespace shop::queue::crypto {
namespace {

void InitOnce() {
  static const int ok = sodium_init();
  if (ok < 0) throw std::runtime_error("libsodium cannot initialise");
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  InitOnce();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

}  // namespace shop::queue::crypto
