// ESC/POS for thermal receipt printers: a picture (the slip drawn with Qt)
// turned into a 1-bit raster and framed as a print job (ESC @ init, GS v 0
// raster bands, feed, GS V cut), the job decoded back (for tests and
// diagnostics), and the printer's real-time paper status (DLE EOT 4).
//
// Thread-safety: pure functions; safe from any thread (QImage is reentrant).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <QImage>

#include "shop/queue/v1/resources.pb.h"

namespace shop::queue::kiosk::printer {

namespace v1 = ::shop::queue::v1;

// Raster rows per GS v 0 command: many printers take at most a few hundred
// rows per command, so a tall slip is sent in bands.
inline constexpr int kBandRows = 256;

// `image` as 1 bit per pixel, dark (luminance < 50%) = black = printed.
// Width is padded up to whole bytes with white.
QImage ToMonochrome(const QImage& image);

// The print job for `image`: ESC @, the raster in GS v 0 bands of at most
// `band_rows` rows, a feed of a few lines, and a partial cut (GS V 66 0).
std::string EncodeRasterJob(const QImage& image, int band_rows = kBandRows);

// A job decoded by DecodeRasterJob.
struct DecodedJob {
  bool starts_with_init = false;  // the first bytes are ESC @
  bool ends_with_cut = false;     // the last command is GS V
  int bands = 0;                  // GS v 0 commands
  QImage image;                   // the bands stacked (Format_Mono), null if none
};

// Parses a job made of ESC @, GS v 0, ESC d n and GS V commands (what
// EncodeRasterJob writes). std::nullopt for anything else or a truncated one.
std::optional<DecodedJob> DecodeRasterJob(std::string_view job);

// DLE EOT 4: ask for the roll paper sensor status (answered with one byte).
inline constexpr std::string_view kPaperStatusQuery{"\x10\x04\x04", 3};

// The state that a DLE EOT 4 answer means: paper end bits (0x60) set gives
// OUT_OF_PAPER, paper near end alone or none gives OK; a byte that is not a
// status byte (fixed bits 0x12 under mask 0x93) gives ERROR.
v1::PrinterState StateFromPaperStatus(std::uint8_t status);

}  // namespace shop::queue::kiosk::printer
