#include "server/http/qr_svg.h"

#include <qrencode.h>

#include <memory>

namespace shop::queue::http {

Result<std::string> QrSvg(const std::string& text) {
  if (text.empty() || text.size() > 256)
    return Status::InvalidArgument("text", "text must be 1 to 256 bytes");
  if (text.find('\0') != std::string::npos)
    return Status::InvalidArgument("text", "text must not contain NUL");
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
  if (!code) return Status::InvalidArgument("text", "text cannot be put in a QR code");
  const int n = code->width;
  const int quiet = 4;
  const int size = n + 2 * quiet;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    std::to_string(size) + " " + std::to_string(size) +
                    "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
                    "fill=\"#fff\"/><path fill=\"#000\" d=\"";
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      if (code->data[y * n + x] & 1)
        svg += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
  svg += "\"/></svg>\n";
  return svg;
}

}  // namespace shop::queue::http
