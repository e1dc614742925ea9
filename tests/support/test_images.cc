#include "tests/support/test_images.h"

namespace shop::queue::testing {

uint32_t SlowCrc32(std::string_view s) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : s) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
  }
  return ~c;
}

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
std::string Be16(uint16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }

std::string Chunk(std::string_view type, std::string_view data) {
  std::string body = std::string(type) + std::string(data);
  return Be32(static_cast<uint32_t>(data.size())) + body + Be32(SlowCrc32(body));
}

const std::string kPngSignature("\x89PNG\r\n\x1a\n", 8);

std::string Ihdr(const PngSpec& s) {
  return Be32(s.width) + Be32(s.height) +
         std::string{static_cast<char>(s.depth), static_cast<char>(s.colour_type), 0, 0,
                     static_cast<char>(s.interlace)};
}

std::string MakePng(const PngSpec& s) {
  std::string png = kPngSignature + Chunk("IHDR", Ihdr(s));
  if (s.palette) png += Chunk("PLTE", std::string(3 * 4, '\x40'));
  png += Chunk("tEXt", std::string("Comment\0test", 12));
  std::string idat(s.idat_bytes, '\0');
  for (size_t i = 0; i < idat.size(); ++i) idat[i] = static_cast<char>(i * 7 + 3);
  png += Chunk("IDAT", idat);
  png += Chunk("IEND", "");
  return png + s.after_iend;
}

std::string MakePng(uint32_t width, uint32_t height) {
  PngSpec s;
  s.width = width;
  s.height = height;
  return MakePng(s);
}

std::string Segment(unsigned char marker, std::string_view data) {
  return std::string{'\xFF', static_cast<char>(marker)} +
         Be16(static_cast<uint16_t>(data.size() + 2)) + std::string(data);
}

std::string Frame(unsigned char marker, uint16_t width, uint16_t height) {
  return Segment(marker, "\x08" + Be16(height) + Be16(width) +
                             std::string("\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10));
}

std::string App0() {
  return Segment(0xE0, std::string("JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00", 14));
}
std::string Dqt() { return Segment(0xDB, std::string(1, '\0') + std::string(64, '\x10')); }
std::string Dht() {
  std::string counts(16, '\0');
  counts[0] = 1;
  return Segment(0xC4, std::string(1, '\0') + counts + std::string(1, '\0'));
}
std::string Sos() {
  return Segment(0xDA, std::string("\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00", 10));
}
std::string ScanData(size_t n) {
  std::string d(n, '\0');
  for (size_t i = 0; i < n; ++i) d[i] = static_cast<char>((i * 13 + 5) % 0xFF);
  return d;
}
const std::string kSoi("\xFF\xD8", 2);
const std::string kEoi("\xFF\xD9", 2);

std::string MakeJpeg(uint16_t width, uint16_t height, unsigned char sof) {
  return kSoi + App0() + Dqt() + Frame(sof, width, height) + Dht() + Sos() + ScanData() + kEoi;
}

}  // namespace shop::queue::testing
