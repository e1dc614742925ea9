#include "server/crypto/photo_sealer.h"

#include <sodium.h>

#include <algorithm>

namespace shop::queue::crypto {
namespace {

// crypto_kdf contexts are exactly 8 characters; the subkey id is fixed. Both
// are part of the stored format: changing either loses every sealed photo.
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "photos__";
constexpr uint64_t kPhotoSubkeyId = 1;

constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kHeaderBytes = 1 + kNonceBytes;

static_assert(crypto_kdf_KEYBYTES == 32);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);
static_assert(SodiumPhotoSealer::kOverheadBytes == kHeaderBytes + kTagBytes);

bool Init() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// What the AEAD authenticates besides the ciphertext: the version byte, then
// the caller's associated data.
std::string AssociatedData(unsigned char version, std::string_view associated) {
  std::string ad(1, static_cast<char>(version));
  ad.append(associated);
  return ad;
}

}  // namespace

Result<std::unique_ptr<SodiumPhotoSealer>> SodiumPhotoSealer::Create(std::string_view pii_key) {
  if (!Init()) return Status::Internal("libsodium cannot initialise");
  if (pii_key.size() != crypto_kdf_KEYBYTES)
    return Status::Internal("the photo sealer needs the 32-byte PII key, got " +
                            std::to_string(pii_key.size()) + " bytes");
  return std::make_unique<SodiumPhotoSealer>(pii_key);
}

SodiumPhotoSealer::SodiumPhotoSealer(std::string_view pii_key) {
  Init();
  unsigned char master[crypto_kdf_KEYBYTES];
  if (pii_key.size() == crypto_kdf_KEYBYTES)
    std::copy(pii_key.begin(), pii_key.end(), master);
  else
    crypto_generichash(master, sizeof master, U(pii_key), pii_key.size(), nullptr, 0);
  // Cannot fail: the subkey length is within crypto_kdf's bounds.
  crypto_kdf_derive_from_key(key_, sizeof key_, kPhotoSubkeyId, kKdfContext, master);
  sodium_memzero(master, sizeof master);
}

SodiumPhotoSealer::~SodiumPhotoSealer() { sodium_memzero(key_, sizeof key_); }

std::string SodiumPhotoSealer::Seal(std::string_view plain, std::string_view associated) const {
  const std::string ad = AssociatedData(kFormatVersion, associated);
  std::string out(kHeaderBytes + plain.size() + kTagBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  o[0] = kFormatVersion;
  randombytes_buf(o + 1, kNonceBytes);
  unsigned long long sealed_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(o + kHeaderBytes, &sealed_len, U(plain), plain.size(),
                                             U(ad), ad.size(), nullptr, o + 1, key_);
  out.resize(kHeaderBytes + sealed_len);  // the same size; encrypt cannot fail
  return out;
}

Result<std::string> SodiumPhotoSealer::Open(std::string_view sealed,
                                            std::string_view associated) const {
  if (sealed.size() < kHeaderBytes + kTagBytes)
    return Status::Internal("the sealed photo is damaged (too short)");
  const unsigned char version = U(sealed)[0];
  if (version != kFormatVersion)
    return Status::Internal("the sealed photo has an unknown format version " +
                            std::to_string(version));
  const std::string ad = AssociatedData(version, associated);
  const unsigned char* nonce = U(sealed) + 1;
  const std::string_view body = sealed.substr(kHeaderBytes);
  std::string plain(body.size() - kTagBytes, '\0');
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()),
                                                 &plain_len, nullptr, U(body), body.size(), U(ad),
                                                 ad.size(), nonce, key_) != 0) {
    sodium_memzero(plain.data(), plain.size());
    return Status::Internal(
        "the sealed photo does not open: damaged, sealed for another record, or with another key");
  }
  plain.resize(plain_len);
  return plain;
}

}  // namespace shop::queue::crypto
