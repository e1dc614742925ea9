// Photos for the remote route of a SIM replacement (issue 17): the passport
// page and the selfie holding it, as uploaded by the customer.
//
// CheckPhoto decides what an upload is from its bytes alone (never from a
// file name or a declared type): a JPEG or a PNG whose structure holds
// together (bounded walks over the PNG chunks and the JPEG marker segments,
// the PNG checksums, an end marker) and whose picture size is plausible for
// a photographed document. It does not decode pixels, so an image that passes
// may still fail to render; it only keeps out what is not a picture, what is
// damaged in an obvious way, and what is too small or too large to be used.
//
// PhotoSealer encrypts a checked photo for storage (at rest only ever
// sealed); the implementation (libsodium, a key derived from the personal
// data key) lives in server/crypto/photo_sealer.h.
//
// Plain C++. Stateless functions; thread-safe. PhotoSealer implementations
// must be thread-safe too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/domain/common/status.h"

namespace shop::queue {

// Stored as these numbers: do not renumber.
enum class ImageType : uint8_t {
  kJpeg = 1,
  kPng = 2,
};
// "image/jpeg", "image/png".
const char* ImageMime(ImageType t);
// The inverse of ImageMime, ignoring ASCII case ("image/PNG" is a PNG);
// nullopt for anything else, parameters ("; charset=...") included.
std::optional<ImageType> ParseImageMime(std::string_view mime);

// What CheckPhoto found: the type and the picture's size in pixels as the
// file stores it (an EXIF rotation may swap them on screen).
struct ImageInfo {
  ImageType type;
  int width;
  int height;
};

// Limits of an uploaded photo.
inline constexpr size_t kMaxPhotoBytes = 5 * 1024 * 1024;  // 5 MiB
inline constexpr size_t kMinPhotoBytes = 1024;             // 1 KiB
// The picture, in either orientation: the long side at least
// kMinPhotoLongSide pixels, the short side at least kMinPhotoShortSide, and
// neither side above kMaxPhotoSide.
inline constexpr int kMinPhotoLongSide = 320;
inline constexpr int kMinPhotoShortSide = 240;
inline constexpr int kMaxPhotoSide = 12000;

// The type and size of the photo in `bytes`, or kInvalidArgument naming
// `field` (field() is `field`; the message starts "<field>: ") with a short
// English reason: empty, larger than 5 MiB, not a JPEG or PNG image, damaged
// (and how, in a few words), or a picture too small or too large. Messages
// never quote the bytes.
//
// Accepted PNG: the signature; IHDR first (13 bytes, correct CRC-32, width
// and height non-zero, a valid bit depth for its colour type, compression
// and filter 0, interlace 0 or 1); every chunk inside the file; correct
// CRC-32s on all critical chunks (IHDR, PLTE, IDAT, IEND); PLTE when the
// colour type needs it; at least one IDAT; and IEND. Bytes after IEND are
// ignored.
//
// Accepted JPEG: FF D8 FF; the marker segments up to SOS each inside the
// file; a frame header (SOF0..SOF15 but DHT, JPG and DAC) before SOS with a
// non-zero size; and an EOI (FF D9) after the SOS header. Bytes after the
// last EOI are allowed (cameras append their own data).
[[nodiscard]] Result<ImageInfo> CheckPhoto(std::string_view bytes, std::string_view field);

// Authenticated encryption of photos at rest. Seal returns a self-contained
// blob (format version, nonce, ciphertext and tag); Open gives back the
// plaintext only if the blob is intact, was sealed by the same key and with
// the same `associated` data. Pass as `associated` what the photo belongs to
// (the case and the slot, e.g. "remote_case:42:document_photo"), so a blob
// moved to another record or slot does not open there.
//
// Open fails with kInternal (the blob is damaged, belongs elsewhere, or was
// sealed with another key: the three look the same, by design) and never
// returns a partial plaintext. Thread-safe implementations.
class PhotoSealer {
 public:
  virtual ~PhotoSealer() = default;
  virtual std::string Seal(std::string_view plain, std::string_view associated) const = 0;
  [[nodiscard]] virtual Result<std::string> Open(std::string_view sealed,
                                                 std::string_view associated) const = 0;
};

}  // namespace shop::queue
