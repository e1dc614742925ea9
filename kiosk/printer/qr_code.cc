#include "kiosk/printer/qr_code.h"

#include <memory>

#include <qrencode.h>

#include <QPainter>

namespace shop::queue::kiosk::printer {

QString TicketStatusUrl(const QString& base, const QString& server_url, const QString& token) {
  if (base.isEmpty() || token.isEmpty()) return server_url;
  QString url = base;
  while (url.endsWith('/')) url.chop(1);
  return url + "/t/" + token;
}

QImage QrCodeImage(const QString& text, int module_px) {
  if (text.isEmpty() || module_px < 1) return {};
  const QByteArray utf8 = text.toUtf8();
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!code) return {};
  constexpr int kQuiet = 4;
  const int modules = code->width + 2 * kQuiet;
  QImage image(modules * module_px, modules * module_px, QImage::Format_RGB32);
  image.fill(Qt::white);
  QPainter painter(&image);
  for (int y = 0; y < code->width; ++y) {
    for (int x = 0; x < code->width; ++x) {
      if (code->data[y * code->width + x] & 1) {
        painter.fillRect((x + kQuiet) * module_px, (y + kQuiet) * module_px, module_px, module_px,
                         Qt::black);
      }
    }
  }
  return image;
}

}  // namespace shop::queue::kiosk::printer
