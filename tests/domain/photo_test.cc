// Photos of the remote route: CheckPhoto on PNG and JPEG files built here
// byte by byte (structurally valid, not decodable), on damaged and foreign
// ones, on every truncation and on random corruption, and on real pictures
// the system ships (skipped when it ships none large enough).
#include "server/domain/remote/photo.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/test_images.h"

namespace shop::queue {
namespace {

using namespace ::shop::queue::testing;  // the PNG and JPEG builders

const char* const kField = "document_photo";

// --- checking refusals ---

// A refusal naming kField, starting "<field>: ", mentioning `what`, short.
void ExpectRefused(const Result<ImageInfo>& r, const std::string& what) {
  ASSERT_FALSE(r.ok()) << "accepted; expected: " << what;
  const Status st = r.status();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.ToString();
  EXPECT_EQ(st.field(), kField) << st.ToString();
  EXPECT_EQ(st.message().rfind(std::string(kField) + ": ", 0), 0u) << st.message();
  EXPECT_NE(st.message().find(what), std::string::npos) << st.message();
  EXPECT_LT(st.message().size(), 160u) << st.message();
  ASSERT_EQ(st.violations().size(), 1u);
  EXPECT_EQ(st.violations()[0].field, kField);
}

// --- the tests ---

TEST(PhotoTest, TestCrcIsTheStandardOne) {
  EXPECT_EQ(SlowCrc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Chunk("IEND", ""), std::string("\0\0\0\0IEND\xAE\x42\x60\x82", 12));
}

TEST(PhotoTest, ImageTypesAndMimes) {
  EXPECT_EQ(static_cast<int>(ImageType::kJpeg), 1);
  EXPECT_EQ(static_cast<int>(ImageType::kPng), 2);
  EXPECT_STREQ(ImageMime(ImageType::kJpeg), "image/jpeg");
  EXPECT_STREQ(ImageMime(ImageType::kPng), "image/png");
  for (ImageType t : {ImageType::kJpeg, ImageType::kPng})
    EXPECT_EQ(ParseImageMime(ImageMime(t)), t);
  EXPECT_EQ(ParseImageMime("IMAGE/PNG"), ImageType::kPng);
  EXPECT_EQ(ParseImageMime("Image/Jpeg"), ImageType::kJpeg);
  for (const char* bad : {"", "image/gif", "image/jpg", "image/png; charset=x", " image/png",
                          "image/pn", "image/pngx", "text/plain"})
    EXPECT_FALSE(ParseImageMime(bad)) << bad;
}

TEST(PhotoTest, AcceptsPng) {
  auto r = CheckPhoto(MakePng(), kField);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->type, ImageType::kPng);
  EXPECT_EQ(r->width, 640);
  EXPECT_EQ(r->height, 480);
}

TEST(PhotoTest, AcceptsPngVariants) {
  PngSpec portrait;
  portrait.width = 240;
  portrait.height = 320;
  PngSpec grey16;
  grey16.colour_type = 0;
  grey16.depth = 16;
  PngSpec palette;
  palette.colour_type = 3;
  palette.depth = 4;
  palette.palette = true;
  PngSpec rgba_interlaced;
  rgba_interlaced.colour_type = 6;
  rgba_interlaced.interlace = 1;
  PngSpec trailing;
  trailing.after_iend = "appended by some editor";
  PngSpec largest;
  largest.width = largest.height = 12000;
  for (const PngSpec& s : {portrait, grey16, palette, rgba_interlaced, trailing, largest}) {
    auto r = CheckPhoto(MakePng(s), kField);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->type, ImageType::kPng);
    EXPECT_EQ(r->width, static_cast<int>(s.width));
    EXPECT_EQ(r->height, static_cast<int>(s.height));
  }
}

TEST(PhotoTest, AcceptsJpeg) {
  auto r = CheckPhoto(MakeJpeg(), kField);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->type, ImageType::kJpeg);
  EXPECT_EQ(r->width, 800);
  EXPECT_EQ(r->height, 600);
}

TEST(PhotoTest, AcceptsJpegVariants) {
  // Portrait; progressive (SOF2); extended (SOF1); lossless (SOF3).
  for (auto [w, h, sof] : {std::tuple{240, 320, 0xC2}, std::tuple{320, 240, 0xC1},
                           std::tuple{4000, 3000, 0xC3}}) {
    auto r = CheckPhoto(MakeJpeg(w, h, static_cast<unsigned char>(sof)), kField);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->width, w);
    EXPECT_EQ(r->height, h);
  }
  // Bytes after EOI (phones append their own data), fill bytes before a
  // marker, a restart marker inside the scan, DQT after SOF.
  const std::string odd = kSoi + App0() + std::string("\xFF\xFF", 2) + Dqt() +
                          Frame(0xC0, 1024, 768) + Dqt() + Dht() + Sos() + ScanData(600) +
                          "\xFF\xD0" + ScanData(600) + kEoi + "trailer\xFF\xD8 more";
  auto r = CheckPhoto(odd, kField);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->width, 1024);
  EXPECT_EQ(r->height, 768);
}

TEST(PhotoTest, JpegSizeComesFromTheMainFrameNotAnExifThumbnail) {
  // An APP1 segment holding a whole small JPEG (as EXIF thumbnails do).
  const std::string thumbnail = kSoi + Frame(0xC0, 160, 120) + Sos() + ScanData(50) + kEoi;
  const std::string jpeg = kSoi + Segment(0xE1, std::string("Exif\0\0", 6) + thumbnail) + Dqt() +
                           Frame(0xC0, 3000, 4000) + Dht() + Sos() + ScanData() + kEoi;
  auto r = CheckPhoto(jpeg, kField);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->width, 3000);
  EXPECT_EQ(r->height, 4000);
}

TEST(PhotoTest, DecidesByContentNotByName) {
  // A PNG is a PNG whatever it is called; the field name is only a label.
  auto r = CheckPhoto(MakePng(), "selfie.jpg");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->type, ImageType::kPng);
}

TEST(PhotoTest, RefusesEmpty) { ExpectRefused(CheckPhoto("", kField), "document_photo: empty"); }

TEST(PhotoTest, RefusesTextWithoutEchoingIt) {
  std::string text = "Passport 4509 123456, Ivanov Ivan\n";
  while (text.size() < 4096) text += text;
  auto r = CheckPhoto(text, kField);
  ExpectRefused(r, "document_photo: not a JPEG or PNG image");
  EXPECT_EQ(r.status().message().find("4509"), std::string::npos);
  EXPECT_EQ(r.status().message().find("Ivanov"), std::string::npos);
  // Other formats too: GIF, a PDF, a BMP.
  for (std::string head : {"GIF89a", "%PDF-1.7", "BM"}) {
    ExpectRefused(CheckPhoto(head + std::string(2000, 'x'), kField), "not a JPEG or PNG image");
  }
}

TEST(PhotoTest, RefusesMoreThan5MiB) {
  std::string big = MakePng();
  big.resize(kMaxPhotoBytes + 1, 'x');
  ExpectRefused(CheckPhoto(big, kField), "document_photo: larger than 5 MiB");
  // Exactly 5 MiB is allowed (the padding after IEND is ignored).
  big.resize(kMaxPhotoBytes);
  EXPECT_TRUE(CheckPhoto(big, kField).ok());
}

TEST(PhotoTest, RefusesAFileUnder1KiB) {
  PngSpec tiny;
  tiny.idat_bytes = 10;
  const std::string png = MakePng(tiny);
  ASSERT_LT(png.size(), kMinPhotoBytes);
  ExpectRefused(CheckPhoto(png, kField), "too small a file");
}

TEST(PhotoTest, RefusesATooSmallPicture) {
  PngSpec s;
  s.width = 200;
  s.height = 100;
  ExpectRefused(CheckPhoto(MakePng(s), kField),
                "document_photo: the picture is too small (200x100); at least 320x240");
  ExpectRefused(CheckPhoto(MakeJpeg(200, 100), kField), "the picture is too small (200x100)");
  // Each side at its limit, in both orientations.
  for (auto [w, h] : {std::pair{319, 240}, std::pair{320, 239}, std::pair{239, 320},
                      std::pair{240, 319}, std::pair{5000, 200}}) {
    ExpectRefused(CheckPhoto(MakeJpeg(w, h), kField), "the picture is too small");
  }
}

TEST(PhotoTest, RefusesATooLargePicture) {
  PngSpec s;
  s.width = 12001;
  s.height = 480;
  ExpectRefused(CheckPhoto(MakePng(s), kField), "the picture is too large (12001x480)");
  s.width = 0xFFFFFFF0u;  // also beyond PNG's own limit
  ExpectRefused(CheckPhoto(MakePng(s), kField), "damaged PNG");
  ExpectRefused(CheckPhoto(MakeJpeg(640, 30000), kField), "the picture is too large");
}

TEST(PhotoTest, RefusesPngWithBadChecksums) {
  std::string png = MakePng();
  png[20] ^= 0x01;  // a bit of the IHDR height
  ExpectRefused(CheckPhoto(png, kField), "document_photo: damaged PNG (bad IHDR checksum)");

  png = MakePng();
  png[png.size() - 12 - 4 - 1] ^= 0x01;  // the last byte of the IDAT data
  ExpectRefused(CheckPhoto(png, kField), "damaged PNG (bad IDAT checksum)");
}

TEST(PhotoTest, RefusesPngChunkPastTheEnd) {
  std::string png = MakePng();
  // The tEXt chunk right after IHDR claims a huge length.
  const size_t text_at = 8 + 25;
  ASSERT_EQ(png.substr(text_at + 4, 4), "tEXt");
  png.replace(text_at, 4, Be32(0x00100000));
  ExpectRefused(CheckPhoto(png, kField), "damaged PNG (a chunk runs past the end)");
  // And one beyond 2^31.
  png.replace(text_at, 4, Be32(0xFFFFFFF0u));
  ExpectRefused(CheckPhoto(png, kField), "damaged PNG (a chunk runs past the end)");
}

TEST(PhotoTest, RefusesMalformedPngStructure) {
  PngSpec s;
  // IHDR not first.
  std::string png = kPngSignature + Chunk("tEXt", "a") + MakePng().substr(8);
  ExpectRefused(CheckPhoto(png, kField), "damaged PNG (no IHDR header first)");
  // No IEND.
  png = MakePng();
  png.resize(png.size() - 12);
  ExpectRefused(CheckPhoto(png, kField), "damaged PNG (no IEND");
  // No IDAT.
  png = kPngSignature + Chunk("IHDR", Ihdr(s)) + Chunk("tEXt", std::string(1500, 'a')) +
        Chunk("IEND", "");
  ExpectRefused(CheckPhoto(png, kField), "damaged PNG (no image data)");
  // A palette image without PLTE.
  s.colour_type = 3;
  s.palette = false;
  ExpectRefused(CheckPhoto(MakePng(s), kField), "damaged PNG (no palette)");
  // Bad bit depth for the colour type, unknown colour type.
  for (auto [ct, depth] : {std::pair{2, 4}, std::pair{6, 1}, std::pair{3, 16}, std::pair{5, 8},
                           std::pair{0, 3}}) {
    PngSpec b;
    b.colour_type = static_cast<uint8_t>(ct);
    b.depth = static_cast<uint8_t>(depth);
    b.palette = true;
    ExpectRefused(CheckPhoto(MakePng(b), kField), "damaged PNG (bad bit depth or colour type)");
  }
  // Zero width.
  PngSpec z;
  z.width = 0;
  ExpectRefused(CheckPhoto(MakePng(z), kField), "damaged PNG (zero picture size)");
  // An unknown critical chunk; a chunk type that is not letters.
  png = MakePng();
  png.insert(8 + 25, Chunk("ABCD", "x"));
  ExpectRefused(CheckPhoto(png, kField), "unsupported PNG");
  png = MakePng();
  png.insert(8 + 25, Chunk("ab1d", "x"));
  ExpectRefused(CheckPhoto(png, kField), "damaged PNG (bad chunk type)");
}

TEST(PhotoTest, RefusesTruncatedJpeg) {
  std::string jpeg = MakeJpeg();
  jpeg.resize(jpeg.size() - 2);  // no EOI
  ExpectRefused(CheckPhoto(jpeg, kField), "document_photo: damaged JPEG (no end marker");
  jpeg.resize(jpeg.size() - 300);
  ExpectRefused(CheckPhoto(jpeg, kField), "damaged JPEG (no end marker");
}

TEST(PhotoTest, RefusesMalformedJpegStructure) {
  // A segment whose length runs past the end.
  std::string jpeg = kSoi + App0() + std::string("\xFF\xE1\xFF\xF0", 4) + std::string(2000, 'a');
  ExpectRefused(CheckPhoto(jpeg, kField), "damaged JPEG (a segment runs past the end)");
  // A length below 2.
  jpeg = kSoi + std::string("\xFF\xE0\x00\x01", 4) + std::string(2000, 'a') + kEoi;
  ExpectRefused(CheckPhoto(jpeg, kField), "damaged JPEG (bad segment length)");
  // Garbage where a marker should be.
  jpeg = kSoi + App0() + "xy" + std::string(2000, 'a') + kEoi;
  ExpectRefused(CheckPhoto(jpeg, kField), "damaged JPEG (bad marker)");
  // DHT (C4), JPG (C8) and DAC (CC) are not frame headers: no SOF before SOS.
  for (unsigned char not_sof : {0xC4, 0xC8, 0xCC}) {
    jpeg = kSoi + Dqt() + Frame(not_sof, 800, 600) + Sos() + ScanData() + kEoi;
    ExpectRefused(CheckPhoto(jpeg, kField), "damaged JPEG (no frame header before the image data)");
  }
  // A frame header of the wrong length; one with zero height (DNL).
  jpeg = kSoi + Segment(0xC0, std::string("\x08\x02\x58\x03\x20\x03\x01\x22\x00", 9)) + Sos() +
         ScanData() + kEoi;
  ExpectRefused(CheckPhoto(jpeg, kField), "damaged JPEG (bad frame header)");
  ExpectRefused(CheckPhoto(MakeJpeg(800, 0), kField), "damaged JPEG (no picture size");
  // EOI before any image data, and only there.
  jpeg = kSoi + App0() + kEoi + std::string(2000, 'a');
  ExpectRefused(CheckPhoto(jpeg, kField), "damaged JPEG (ends before the image data)");
  // An EOI only inside the headers (the thumbnail's), none after SOS.
  const std::string thumbnail = kSoi + Frame(0xC0, 160, 120) + Sos() + ScanData(50) + kEoi;
  jpeg = kSoi + Segment(0xE1, std::string("Exif\0\0", 6) + thumbnail) + Frame(0xC0, 800, 600) +
         Sos() + ScanData();
  ExpectRefused(CheckPhoto(jpeg, kField), "damaged JPEG (no end marker");
  // Cut inside the headers.
  jpeg = kSoi + Segment(0xFE, std::string(1500, 'c')) + Dqt();
  ExpectRefused(CheckPhoto(jpeg, kField), "damaged JPEG (cut short before the image data)");
}

// Every proper prefix of a valid file is refused (and read safely).
TEST(PhotoTest, EveryTruncationIsRefused) {
  for (const std::string& whole : {MakePng(), MakeJpeg()}) {
    ASSERT_TRUE(CheckPhoto(whole, kField).ok());
    for (size_t n = 0; n < whole.size(); ++n) {
      auto r = CheckPhoto(std::string_view(whole).substr(0, n), kField);
      ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes accepted";
      ASSERT_EQ(r.status().field(), kField);
    }
  }
}

// Random corruption never crashes or reads out of bounds (run under
// sanitizers to see the latter), and whatever passes has sane dimensions.
TEST(PhotoTest, RandomCorruptionIsHandled) {
  std::mt19937 rng(17);
  const std::string samples[] = {MakePng(), MakeJpeg(), MakeJpeg(240, 320, 0xC2)};
  for (int round = 0; round < 20000; ++round) {
    std::string b = samples[round % 3];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % b.size();
      switch (rng() % 3) {
        case 0: b[at] = static_cast<char>(rng()); break;
        case 1: b.resize(at + 1); break;
        case 2: b.insert(at, std::string(1 + rng() % 8, static_cast<char>(rng()))); break;
      }
    }
    auto r = CheckPhoto(b, kField);
    if (r.ok()) {
      EXPECT_GE(std::max(r->width, r->height), kMinPhotoLongSide);
      EXPECT_GE(std::min(r->width, r->height), kMinPhotoShortSide);
      EXPECT_LE(std::max(r->width, r->height), kMaxPhotoSide);
    } else {
      ASSERT_EQ(r.status().code(), Status::Code::kInvalidArgument);
      ASSERT_EQ(r.status().field(), kField);
      ASSERT_LT(r.status().message().size(), 160u);
    }
  }
}

// --- real pictures from the system ---

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Files under `root` whose extension is one of `exts`, sorted, at most
// `limit`.
std::vector<std::filesystem::path> FindFiles(const std::string& root,
                                             std::initializer_list<const char*> exts,
                                             size_t limit) {
  namespace fs = std::filesystem;
  std::vector<fs::path> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code fec;
    if (!it->is_regular_file(fec)) continue;
    const std::string ext = Lower(it->path().extension().string());
    if (std::find(exts.begin(), exts.end(), ext) != exts.end()) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  if (out.size() > limit) out.resize(limit);
  return out;
}

// The size file(1) reports for a JPEG ("..., precision 8, 493x312, ..."),
// an opinion independent of the code under test; nullopt when file(1) is
// missing or says no size. Only plain paths are passed to the shell.
std::optional<std::pair<int, int>> FileUtilitySize(const std::filesystem::path& p) {
  const std::string path = p.string();
  if (!std::all_of(path.begin(), path.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/._-+", c);
      }))
    return std::nullopt;
  FILE* f = ::popen(("file -b -- '" + path + "' 2>/dev/null").c_str(), "r");
  if (!f) return std::nullopt;
  std::string out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  ::pclose(f);
  // The first ", <digits>x<digits>," in the description.
  for (size_t at = out.find(", "); at != std::string::npos; at = out.find(", ", at + 1)) {
    size_t i = at + 2;
    auto number = [&](size_t* value) {  // up to 6 digits at i; false if none
      size_t digits = 0;
      *value = 0;
      for (; i < out.size() && std::isdigit(static_cast<unsigned char>(out[i])) && digits < 6;
           ++i, ++digits)
        *value = *value * 10 + static_cast<size_t>(out[i] - '0');
      return digits > 0;
    };
    size_t w = 0, h = 0;
    if (!number(&w) || i >= out.size() || out[i] != 'x') continue;
    ++i;
    if (number(&h) && i < out.size() && out[i] == ',')
      return std::pair{static_cast<int>(w), static_cast<int>(h)};
  }
  return std::nullopt;
}

// A PNG's size read straight from IHDR at its fixed offset.
std::optional<std::pair<int, int>> PngHeaderSize(const std::string& b) {
  if (b.size() < 24 || b.compare(0, 8, kPngSignature) != 0 || b.compare(12, 4, "IHDR") != 0)
    return std::nullopt;
  auto be32 = [&](size_t at) {
    return (uint32_t{static_cast<unsigned char>(b[at])} << 24) |
           (uint32_t{static_cast<unsigned char>(b[at + 1])} << 16) |
           (uint32_t{static_cast<unsigned char>(b[at + 2])} << 8) |
           uint32_t{static_cast<unsigned char>(b[at + 3])};
  };
  if (be32(16) > 100000 || be32(20) > 100000) return std::nullopt;
  return std::pair{static_cast<int>(be32(16)), static_cast<int>(be32(20))};
}

bool WithinLimits(std::pair<int, int> wh, size_t bytes) {
  const auto [w, h] = wh;
  return bytes >= kMinPhotoBytes && bytes <= kMaxPhotoBytes &&
         std::max(w, h) >= kMinPhotoLongSide && std::min(w, h) >= kMinPhotoShortSide &&
         std::max(w, h) <= kMaxPhotoSide;
}

// Checks the real files of one type: whatever CheckPhoto accepts has the
// size the independent `size_of` reads, and the first file that fits the
// limits is accepted. Skips when no such file is installed.
void CheckRealFiles(ImageType type, std::initializer_list<const char*> exts,
                    const std::function<std::optional<std::pair<int, int>>(
                        const std::filesystem::path&, const std::string&)>& size_of) {
  bool checked_one = false;
  for (const char* root : {"/usr/share", "/usr/lib"}) {
    for (const auto& path : FindFiles(root, exts, 300)) {
      const std::string bytes = ReadFile(path);
      if (bytes.empty() || bytes.size() > kMaxPhotoBytes) continue;
      auto r = CheckPhoto(bytes, kField);
      const auto size = size_of(path, bytes);
      if (r.ok()) {
        EXPECT_EQ(r->type, type) << path;
        if (size) {
          EXPECT_EQ(r->width, size->first) << path;
          EXPECT_EQ(r->height, size->second) << path;
        }
      }
      if (!checked_one && size && WithinLimits(*size, bytes.size())) {
        ASSERT_TRUE(r.ok()) << path << ": " << r.status().ToString();
        checked_one = true;
        std::printf("real %s accepted: %s (%dx%d, %zu bytes)\n", ImageMime(type),
                    path.c_str(), r->width, r->height, bytes.size());
      }
    }
    if (checked_one) return;
  }
  GTEST_SKIP() << "no " << ImageMime(type)
               << " file of at least 320x240 and 1 KiB..5 MiB under /usr/share or /usr/lib"
               << (type == ImageType::kJpeg ? " (or file(1) is not installed to tell its size)"
                                            : "");
}

TEST(PhotoRealFilesTest, AcceptsARealPng) {
  CheckRealFiles(ImageType::kPng, {".png"},
                 [](const std::filesystem::path&, const std::string& b) {
                   return PngHeaderSize(b);
                 });
}

TEST(PhotoRealFilesTest, AcceptsARealJpeg) {
  CheckRealFiles(ImageType::kJpeg, {".jpg", ".jpeg"},
                 [](const std::filesystem::path& p, const std::string&) {
                   return FileUtilitySize(p);
                 });
}

}  // namespace
}  // namespace shop::queue
