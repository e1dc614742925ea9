// Small image files built byte by byte for tests of the remote route's
// photos (server/domain/remote/photo.h): PNG and JPEG files that are
// structurally valid (chunks and CRC-32s, marker segments, an end marker)
// but not decodable, and the pieces to build damaged ones from. Pure
// functions; for tests only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shop::queue::testing {

// --- PNG ---

// CRC-32 bit by bit (not the table the code under test uses).
uint32_t SlowCrc32(std::string_view s);
// Big-endian integers.
std::string Be32(uint32_t v);
std::string Be16(uint16_t v);
// A chunk: length, type, data, CRC-32 of type and data.
std::string Chunk(std::string_view type, std::string_view data);
// The 8-byte PNG signature.
extern const std::string kPngSignature;

struct PngSpec {
  uint32_t width = 640;
  uint32_t height = 480;
  uint8_t depth = 8;
  uint8_t colour_type = 2;  // RGB
  uint8_t interlace = 0;
  size_t idat_bytes = 1500;
  bool palette = false;
  std::string after_iend;
};

// IHDR's 13 data bytes.
std::string Ihdr(const PngSpec& s);
// Signature, IHDR, optionally PLTE, a tEXt, IDAT (filler, not zlib), IEND,
// then s.after_iend.
std::string MakePng(const PngSpec& s = {});
// The same with the default spec at `width` x `height` pixels.
std::string MakePng(uint32_t width, uint32_t height);

// --- JPEG ---

// A marker segment: FF marker, length, data.
std::string Segment(unsigned char marker, std::string_view data);
// SOFn with three components.
std::string Frame(unsigned char marker, uint16_t width, uint16_t height);
std::string App0();
std::string Dqt();
std::string Dht();  // one table, a single 1-bit code for symbol 0
std::string Sos();
// Entropy-coded filler: no 0xFF, so no marker inside.
std::string ScanData(size_t n = 1200);
extern const std::string kSoi;
extern const std::string kEoi;

// SOI, APP0, DQT, SOFn, DHT, SOS, scan data, EOI.
std::string MakeJpeg(uint16_t width = 800, uint16_t height = 600, unsigned char sof = 0xC0);

}  // namespace shop::queue::testing
