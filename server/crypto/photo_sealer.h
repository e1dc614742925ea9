// The production PhotoSealer: XChaCha20-Poly1305 (IETF AEAD) through
// libsodium, under a key of its own derived from the personal-data key.
//
// The photo key is crypto_kdf_derive_from_key(PII key, context "photos__",
// subkey 1), so it is never the key of the document hashes (HmacPiiHasher)
// and knowing it reveals neither the PII key nor other subkeys. Losing or
// replacing the PII key file makes every sealed photo unreadable, as it does
// the document hashes (server/crypto/pii_key.h).
//
// A sealed blob is: 1 byte format version (1), a random 24-byte nonce, the
// ciphertext, the 16-byte tag: 41 bytes more than the photo. The version
// byte is authenticated together with the caller's associated data.
//
// Thread-safety: immutable after construction; safe to share. Owns its key
// and wipes it on destruction.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "server/domain/common/status.h"
#include "server/domain/remote/photo.h"

namespace shop::queue::crypto {

class SodiumPhotoSealer final : public PhotoSealer {
 public:
  static constexpr unsigned char kFormatVersion = 1;
  static constexpr size_t kOverheadBytes = 1 + 24 + 16;  // version, nonce, tag

  // A sealer keyed from `pii_key`, the 32 bytes LoadOrCreatePiiKey returned.
  // kInternal when the key is not 32 bytes or libsodium cannot initialise.
  static Result<std::unique_ptr<SodiumPhotoSealer>> Create(std::string_view pii_key);

  // The same without the checks (tests, fixed keys): a 32-byte `pii_key`
  // gives the sealer Create gives; a key of any other length is first hashed
  // to 32 bytes (BLAKE2b), so it still works but is not what the key file
  // holds. Prefer Create for a key read from a file.
  explicit SodiumPhotoSealer(std::string_view pii_key);

  ~SodiumPhotoSealer() override;  // wipes the key
  SodiumPhotoSealer(const SodiumPhotoSealer&) = delete;
  SodiumPhotoSealer& operator=(const SodiumPhotoSealer&) = delete;

  std::string Seal(std::string_view plain, std::string_view associated) const override;
  Result<std::string> Open(std::string_view sealed, std::string_view associated) const override;

 private:
  unsigned char key_[32] = {};
};

}  // namespace shop::queue::crypto
