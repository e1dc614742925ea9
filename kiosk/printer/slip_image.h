// The printed slip as a picture: kiosk/slip.h's words laid out with QPainter
// at the printer's width in dots (58 mm paper: 384, 80 mm: 576), in any
// script (the font is Noto Sans CJK, which also holds Latin and Cyrillic),
// with the number large and the ticket's QR code. escpos.h turns it into a
// print job.
//
// Thread-safety: pure; safe from any thread (QPainter on a QImage).
#pragma once

#include <QImage>
#include <QString>

#include "kiosk/slip.h"

namespace shop::queue::kiosk::printer {

inline constexpr int kDots58mm = 384;
inline constexpr int kDots80mm = 576;

// The family every face uses for customer text: it has Cyrillic, Latin and
// Chinese glyphs (Debian's fonts-noto-cjk).
inline constexpr const char* kCustomerFontFamily = "Noto Sans CJK SC";

// Draws the slip `parts` `width_dots` wide (at least 200), white background,
// black text; `qr_text` (the status link) drawn as a QR code under the
// details when not empty. The height follows the content.
QImage DrawSlip(const SlipParts& parts, const QString& qr_text, int width_dots);

}  // namespace shop::queue::kiosk::printer
