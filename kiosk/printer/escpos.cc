#include "kiosk/printer/escpos.h"

#include <algorithm>

namespace shop::queue::kiosk::printer {
namespace {

constexpr char kEsc = 0x1B;
constexpr char kGs = 0x1D;
// Extra feed past the cutter position before the cut (about 3 mm).
constexpr int kCutFeedUnits = 24;

void PutLe16(std::string& out, int value) {
  out.push_back(static_cast<char>(value & 0xFF));
  out.push_back(static_cast<char>((value >> 8) & 0xFF));
}

int Le16(std::string_view bytes, std::size_t at) {
  return static_cast<unsigned char>(bytes[at]) | (static_cast<unsigned char>(bytes[at + 1]) << 8);
}

}  // namespace

QImage ToMonochrome(const QImage& image) {
  const int width = (image.width() + 7) / 8 * 8;
  QImage mono(width, image.height(), QImage::Format_Mono);
  mono.setColor(0, qRgb(255, 255, 255));  // bit 0: white, not printed
  mono.setColor(1, qRgb(0, 0, 0));        // bit 1: black, printed
  mono.fill(0);
  const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
  for (int y = 0; y < rgb.height(); ++y) {
    const QRgb* row = reinterpret_cast<const QRgb*>(rgb.constScanLine(y));
    uchar* out = mono.scanLine(y);
    for (int x = 0; x < rgb.width(); ++x) {
      if (qGray(row[x]) < 128) out[x / 8] |= static_cast<uchar>(0x80 >> (x % 8));
    }
  }
  return mono;
}

std::string EncodeRasterJob(const QImage& image, int band_rows) {
  const QImage mono = ToMonochrome(image);
  const int bytes_per_row = mono.width() / 8;
  band_rows = std::max(1, band_rows);
  std::string job = {kEsc, '@'};
  for (int top = 0; top < mono.height(); top += band_rows) {
    const int rows = std::min(band_rows, mono.height() - top);
    job += {kGs, 'v', '0', 0};  // GS v 0, normal density
    PutLe16(job, bytes_per_row);
    PutLe16(job, rows);
    for (int y = top; y < top + rows; ++y) {
      job.append(reinterpret_cast<const char*>(mono.constScanLine(y)), bytes_per_row);
    }
  }
  // GS V 66 n feeds the paper to the cutter plus n motion units, then cuts
  // partially: the last printed row clears the cutter and no more paper is
  // fed than that (a separate ESC d before it would feed twice).
  job += {kGs, 'V', 66, static_cast<char>(kCutFeedUnits)};
  return job;
}

std::optional<DecodedJob> DecodeRasterJob(std::string_view job) {
  DecodedJob out;
  QImage stacked;
  std::size_t at = 0;
  bool last_was_cut = false;
  while (at < job.size()) {
    const std::string_view rest = job.substr(at);
    last_was_cut = false;
    if (rest.size() >= 2 && rest[0] == kEsc && rest[1] == '@') {
      if (at == 0) out.starts_with_init = true;
      at += 2;
    } else if (rest.size() >= 3 && rest[0] == kEsc && rest[1] == 'd') {
      at += 3;
    } else if (rest.size() >= 4 && rest[0] == kGs && rest[1] == 'V' && rest[2] == 66) {
      at += 4;
      last_was_cut = true;
    } else if (rest.size() >= 3 && rest[0] == kGs && rest[1] == 'V') {
      at += 3;
      last_was_cut = true;
    } else if (rest.size() >= 8 && rest[0] == kGs && rest[1] == 'v' && rest[2] == '0') {
      const int bytes_per_row = Le16(rest, 4);
      const int rows = Le16(rest, 6);
      const std::size_t size = static_cast<std::size_t>(bytes_per_row) * rows;
      if (bytes_per_row == 0 || rest.size() < 8 + size) return std::nullopt;
      if (!stacked.isNull() && stacked.width() != bytes_per_row * 8) return std::nullopt;
      QImage band(bytes_per_row * 8, rows, QImage::Format_Mono);
      band.setColor(0, qRgb(255, 255, 255));
      band.setColor(1, qRgb(0, 0, 0));
      for (int y = 0; y < rows; ++y) {
        std::copy_n(rest.data() + 8 + static_cast<std::size_t>(y) * bytes_per_row, bytes_per_row,
                    reinterpret_cast<char*>(band.scanLine(y)));
      }
      if (stacked.isNull()) {
        stacked = band;
      } else {
        QImage taller(stacked.width(), stacked.height() + rows, QImage::Format_Mono);
        taller.setColorTable(stacked.colorTable());
        for (int y = 0; y < stacked.height(); ++y)
          std::copy_n(stacked.constScanLine(y), bytes_per_row, taller.scanLine(y));
        for (int y = 0; y < rows; ++y)
          std::copy_n(band.constScanLine(y), bytes_per_row, taller.scanLine(stacked.height() + y));
        stacked = taller;
      }
      ++out.bands;
      at += 8 + size;
    } else {
      return std::nullopt;
    }
  }
  out.ends_with_cut = last_was_cut;
  out.image = stacked;
  return out;
}

v1::PrinterState StateFromPaperStatus(std::uint8_t status) {
  if ((status & 0x93) != 0x12) return v1::PRINTER_STATE_ERROR;
  if ((status & 0x60) != 0) return v1::PRINTER_STATE_OUT_OF_PAPER;
  return v1::PRINTER_STATE_OK;
}

}  // namespace shop::queue::kiosk::printer
