// A QR code as an SVG image (libqrencode), for the booking page's
// confirmation. Pure function; thread-safe.
#pragma once

#include <string>

#include "server/domain/common/status.h"

namespace shop::queue::http {

// `text` (1..256 bytes) as a black-on-white SVG with a quiet zone;
// INVALID_ARGUMENT naming "text" otherwise.
Result<std::string> QrSvg(const std::string& text);

}  // namespace shop::queue::http
