#include "server/crypto/password.h"

#include <sodium.h>

namespace shop::queue::crypto {
namespace {

bool Init() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

constexpr unsigned long long kOps = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kMem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  if (!Init()) return Status::Internal("libsodium cannot initialise");
  if (password.size() < 8)
    return Status::InvalidArgument("password", "password must be at least 8 characters");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), kOps, kMem) != 0)
    return Status::ResourceExhausted("not enough memory to hash the password");
  return std::string(out);
}

bool VerifyPassword(std::string_view password, const std::string& stored) {
  if (!Init() || stored.empty()) return false;
  return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(const std::string& stored) {
  if (!Init()) return false;
  return crypto_pwhash_str_needs_rehash(stored.c_str(), kOps, kMem) != 0;
}

}  // namespace shop::queue::crypto
