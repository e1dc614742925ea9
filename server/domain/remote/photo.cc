#include "server/domain/remote/photo.h"

#include <algorithm>
#include <array>

namespace shop::queue {
namespace {

using Bytes = const unsigned char*;

constexpr unsigned char kPngSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
constexpr size_t kPngChunkOverhead = 12;  // length, type, CRC
constexpr uint32_t kPngMaxChunkLength = 0x7fffffff;

// kInvalidArgument naming `field`, the message "<field>: <what>".
Status Bad(std::string_view field, const std::string& what) {
  std::string f(field);
  std::string msg = f + ": " + what;
  return Status::InvalidArgument(std::move(f), std::move(msg));
}

uint32_t Be32(Bytes p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
uint16_t Be16(Bytes p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

// CRC-32 as PNG (and zlib, gzip) computes it: reflected polynomial
// 0xEDB88320, initial value and final XOR 0xFFFFFFFF.
uint32_t Crc32(Bytes p, size_t n) {
  static const std::array<uint32_t, 256> kTable = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) c = kTable[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string Dimensions(uint32_t w, uint32_t h) {
  return std::to_string(w) + "x" + std::to_string(h);
}

// The picture size against the limits, in either orientation.
Status CheckDimensions(uint32_t w, uint32_t h, std::string_view field) {
  if (w > static_cast<uint32_t>(kMaxPhotoSide) || h > static_cast<uint32_t>(kMaxPhotoSide))
    return Bad(field, "the picture is too large (" + Dimensions(w, h) + "); at most " +
                          std::to_string(kMaxPhotoSide) + " pixels on a side");
  const uint32_t long_side = std::max(w, h);
  const uint32_t short_side = std::min(w, h);
  if (long_side < static_cast<uint32_t>(kMinPhotoLongSide) ||
      short_side < static_cast<uint32_t>(kMinPhotoShortSide))
    return Bad(field, "the picture is too small (" + Dimensions(w, h) + "); at least " +
                          std::to_string(kMinPhotoLongSide) + "x" +
                          std::to_string(kMinPhotoShortSide));
  return Status::Ok();
}

bool IsPng(std::string_view b) {
  return b.size() >= sizeof kPngSignature &&
         std::equal(std::begin(kPngSignature), std::end(kPngSignature),
                    reinterpret_cast<Bytes>(b.data()));
}

bool IsJpeg(std::string_view b) {
  return b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF &&
         static_cast<unsigned char>(b[1]) == 0xD8 && static_cast<unsigned char>(b[2]) == 0xFF;
}

// Bit depths PNG allows for each colour type (PNG spec, table 11.1).
bool ValidPngDepth(unsigned colour_type, unsigned depth) {
  switch (colour_type) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;  // grey
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;  // palette
    case 2:                                                              // RGB
    case 4:                                                              // grey + alpha
    case 6: return depth == 8 || depth == 16;                            // RGBA
    default: return false;
  }
}

bool IsAsciiLetter(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

Result<ImageInfo> CheckPng(std::string_view bytes, std::string_view field) {
  const Bytes p = reinterpret_cast<Bytes>(bytes.data());
  const size_t n = bytes.size();
  auto damaged = [&](const char* why) {
    return Bad(field, std::string("damaged PNG (") + why + ")");
  };

  // The signature, then IHDR: length 13, type, 13 bytes of data, CRC.
  constexpr size_t kIhdrAt = sizeof kPngSignature;
  constexpr size_t kIhdrEnd = kIhdrAt + kPngChunkOverhead + 13;
  if (n < kIhdrEnd) return damaged("cut short");
  if (Be32(p + kIhdrAt) != 13 || std::string_view(bytes.data() + kIhdrAt + 4, 4) != "IHDR")
    return damaged("no IHDR header first");
  if (Crc32(p + kIhdrAt + 4, 4 + 13) != Be32(p + kIhdrAt + 8 + 13))
    return damaged("bad IHDR checksum");
  const Bytes ihdr = p + kIhdrAt + 8;
  const uint32_t width = Be32(ihdr);
  const uint32_t height = Be32(ihdr + 4);
  const unsigned depth = ihdr[8], colour_type = ihdr[9];
  const unsigned compression = ihdr[10], filter = ihdr[11], interlace = ihdr[12];
  if (width == 0 || height == 0) return damaged("zero picture size");
  if (width > 0x7fffffffu || height > 0x7fffffffu) return damaged("bad picture size");
  if (!ValidPngDepth(colour_type, depth)) return damaged("bad bit depth or colour type");
  if (compression != 0 || filter != 0 || interlace > 1)
    return damaged("bad compression, filter or interlace method");

  // The rest of the chunks, up to IEND.
  bool plte = false, idat = false, iend = false;
  size_t pos = kIhdrEnd;
  while (pos < n) {
    if (n - pos < kPngChunkOverhead) return damaged("a chunk runs past the end");
    const uint32_t len = Be32(p + pos);
    if (len > kPngMaxChunkLength || len > n - pos - kPngChunkOverhead)
      return damaged("a chunk runs past the end");
    const Bytes type = p + pos + 4;
    if (!std::all_of(type, type + 4, IsAsciiLetter)) return damaged("bad chunk type");
    const std::string_view name(reinterpret_cast<const char*>(type), 4);
    const bool critical = (type[0] & 0x20) == 0;  // upper-case first letter
    if (critical) {
      if (name != "PLTE" && name != "IDAT" && name != "IEND") {
        if (name == "IHDR") return damaged("a second IHDR");
        return Bad(field, "unsupported PNG (an unknown critical chunk)");
      }
      if (Crc32(type, 4 + size_t{len}) != Be32(type + 4 + len))
        return damaged(name == "PLTE"   ? "bad PLTE checksum"
                       : name == "IDAT" ? "bad IDAT checksum"
                                        : "bad IEND checksum");
      if (name == "PLTE") plte = true;
      if (name == "IDAT") idat = true;
      if (name == "IEND") {
        if (len != 0) return damaged("bad IEND");
        iend = true;
        break;  // bytes after IEND are not the picture's
      }
    }
    pos += kPngChunkOverhead + len;
  }
  if (!iend) return damaged("no IEND end marker; cut short?");
  if (!idat) return damaged("no image data");
  if (colour_type == 3 && !plte) return damaged("no palette");
  QUEUE_RETURN_IF_ERROR(CheckDimensions(width, height, field));
  return ImageInfo{ImageType::kPng, static_cast<int>(width), static_cast<int>(height)};
}

// Start Of Frame markers: C0..CF but DHT (C4), JPG (C8) and DAC (CC).
bool IsSof(unsigned char m) {
  return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

Result<ImageInfo> CheckJpeg(std::string_view bytes, std::string_view field) {
  const Bytes p = reinterpret_cast<Bytes>(bytes.data());
  const size_t n = bytes.size();
  auto damaged = [&](const char* why) {
    return Bad(field, std::string("damaged JPEG (") + why + ")");
  };

  // Marker segments after SOI (FF D8) up to and including SOS: FF (fill FFs
  // allowed), the marker, then a 2-byte length that counts itself.
  size_t pos = 2;
  bool have_frame = false;
  uint32_t width = 0, height = 0;
  size_t scan_start = 0;
  for (;;) {
    if (pos >= n) return damaged("cut short before the image data");
    if (p[pos] != 0xFF) return damaged("bad marker");
    while (pos < n && p[pos] == 0xFF) ++pos;
    if (pos >= n) return damaged("cut short before the image data");
    const unsigned char m = p[pos++];
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // TEM, RSTn: no length
    if (m == 0x00 || m == 0xD8) return damaged("bad marker");
    if (m == 0xD9) return damaged("ends before the image data");
    if (n - pos < 2) return damaged("cut short before the image data");
    const size_t len = Be16(p + pos);
    if (len < 2) return damaged("bad segment length");
    if (len > n - pos) return damaged("a segment runs past the end");
    const Bytes seg = p + pos + 2;
    const size_t seg_len = len - 2;
    if (IsSof(m) && !have_frame) {
      // Precision, height, width, component count, 3 bytes per component.
      if (seg_len < 6 || seg[5] == 0 || seg_len != 6 + size_t{3} * seg[5])
        return damaged("bad frame header");
      height = Be16(seg + 1);
      width = Be16(seg + 3);
      if (width == 0 || height == 0) return damaged("no picture size in the frame header");
      have_frame = true;
    }
    pos += len;
    if (m == 0xDA) {  // SOS: entropy-coded data follows
      if (!have_frame) return damaged("no frame header before the image data");
      scan_start = pos;
      break;
    }
  }
  // EOI after the scan; the last one, as trailing data may follow it.
  const size_t eoi = bytes.rfind(std::string_view("\xFF\xD9", 2));
  if (eoi == std::string_view::npos || eoi < scan_start)
    return damaged("no end marker; cut short?");
  QUEUE_RETURN_IF_ERROR(CheckDimensions(width, height, field));
  return ImageInfo{ImageType::kJpeg, static_cast<int>(width), static_cast<int>(height)};
}

}  // namespace

const char* ImageMime(ImageType t) {
  switch (t) {
    case ImageType::kJpeg: return "image/jpeg";
    case ImageType::kPng: return "image/png";
  }
  return "application/octet-stream";
}

std::optional<ImageType> ParseImageMime(std::string_view mime) {
  auto equal_ignoring_case = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
             return lower(x) == lower(y);
           });
  };
  for (ImageType t : {ImageType::kJpeg, ImageType::kPng})
    if (equal_ignoring_case(mime, ImageMime(t))) return t;
  return std::nullopt;
}

Result<ImageInfo> CheckPhoto(std::string_view bytes, std::string_view field) {
  if (bytes.empty()) return Bad(field, "empty");
  if (bytes.size() > kMaxPhotoBytes) return Bad(field, "larger than 5 MiB");
  const bool png = IsPng(bytes);
  if (!png && !IsJpeg(bytes)) return Bad(field, "not a JPEG or PNG image");
  if (bytes.size() < kMinPhotoBytes)
    return Bad(field, "too small a file (" + std::to_string(bytes.size()) +
                          " bytes) for a photo; at least 1 KiB");
  return png ? CheckPng(bytes, field) : CheckJpeg(bytes, field);
}

}  // namespace shop::queue
