#include "kiosk/printer/slip_image.h"

#include <algorithm>
#include <vector>

#include <QFont>
#include <QFontMetrics>
#include <QPainter>

#include "kiosk/printer/qr_code.h"

namespace shop::queue::kiosk::printer {
namespace {

constexpr int kMargin = 8;

// One block of the slip: wrapped text in a font, or a rule, or the QR code.
struct Block {
  enum Kind { kText, kRule, kImage } kind = kText;
  QString text;
  QFont font;
  Qt::Alignment align = Qt::AlignHCenter;
  QImage image;
};

QFont Font(int pixel_size, bool bold) {
  QFont font(kCustomerFontFamily);
  font.setPixelSize(pixel_size);
  font.setBold(bold);
  font.setStyleStrategy(QFont::NoAntialias);  // crisp 1-bit printing
  return font;
}

int TextHeight(const Block& block, int width) {
  const QFontMetrics metrics(block.font);
  return metrics
      .boundingRect(QRect(0, 0, width, 100000), static_cast<int>(block.align) | Qt::TextWordWrap,
                    block.text)
      .height();
}

}  // namespace

QImage DrawSlip(const SlipParts& parts, const QString& qr_text, int width_dots) {
  width_dots = std::max(200, width_dots);
  const int scale_base = width_dots;  // fonts follow the paper width
  const int inner = width_dots - 2 * kMargin;
  std::vector<Block> blocks;
  auto text = [&](const std::string& s, int px, bool bold, Qt::Alignment align = Qt::AlignHCenter) {
    if (!s.empty()) blocks.push_back({Block::kText, QString::fromStdString(s), Font(px, bold), align, {}});
  };
  auto rule = [&] { blocks.push_back({Block::kRule, {}, {}, {}, {}}); };

  text(parts.branch, scale_base / 16, true);
  text(parts.service, scale_base / 18, false);
  rule();
  text(parts.your_number, scale_base / 18, false);
  // The number as wide as the paper allows.
  {
    QFont big = Font(scale_base / 4, true);
    const QString number = QString::fromStdString(parts.number);
    while (big.pixelSize() > 20 && QFontMetrics(big).horizontalAdvance(number) > inner)
      big.setPixelSize(big.pixelSize() - 4);
    blocks.push_back({Block::kText, number, big, Qt::AlignHCenter, {}});
  }
  if (!parts.late_lines.empty()) {
    rule();
    for (const std::string& line : parts.late_lines) text(line, scale_base / 18, true);
  }
  rule();
  for (const std::string& line : parts.details) text(line, scale_base / 20, false, Qt::AlignLeft);
  if (!qr_text.isEmpty()) {
    const int module_px = std::max(2, width_dots / 96);
    QImage qr = QrCodeImage(qr_text, module_px);
    if (!qr.isNull()) blocks.push_back({Block::kImage, {}, {}, {}, qr});
  }
  rule();
  text(parts.footer, scale_base / 20, false);

  int height = kMargin;
  std::vector<int> heights;
  for (const Block& block : blocks) {
    int h = 0;
    switch (block.kind) {
      case Block::kText: h = TextHeight(block, inner); break;
      case Block::kRule: h = 12; break;
      case Block::kImage: h = block.image.height(); break;
    }
    heights.push_back(h);
    height += h + 4;
  }
  height += kMargin;

  QImage image(width_dots, height, QImage::Format_RGB32);
  image.fill(Qt::white);
  QPainter painter(&image);
  painter.setPen(Qt::black);
  int y = kMargin;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const Block& block = blocks[i];
    switch (block.kind) {
      case Block::kText:
        painter.setFont(block.font);
        painter.drawText(QRect(kMargin, y, inner, heights[i]),
                         static_cast<int>(block.align) | Qt::TextWordWrap, block.text);
        break;
      case Block::kRule:
        painter.fillRect(kMargin, y + 5, inner, 2, Qt::black);
        break;
      case Block::kImage:
        painter.drawImage((width_dots - block.image.width()) / 2, y, block.image);
        break;
    }
    y += heights[i] + 4;
  }
  return image;
}

}  // namespace shop::queue::kiosk::printer
