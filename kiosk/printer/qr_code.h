// QR codes (libqrencode) as images, and the address a ticket's QR code
// links to.
//
// The link: until the web pages exist (a later issue), the kiosk builds it
// from --status-url BASE as BASE + "/" + branch + "/" + ticket_id, for
// example https://queue.example.shop/t/demo/42.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <cstdint>

#include <QImage>
#include <QString>

namespace shop::queue::kiosk::printer {

// The ticket's live page for the QR code: the server's `server_url`
// (CreateTicketResponse.status_url), or, when the kiosk is told another
// address for the pages (`base`, a trailing '/' dropped), base + "/t/" +
// `token`. Empty when there is neither.
QString TicketStatusUrl(const QString& base, const QString& server_url, const QString& token);

// `text` as a QR code (error correction M), `module_px` pixels per module,
// with the standard 4-module quiet zone, black on white. A null image if
// `text` is empty or cannot be encoded.
QImage QrCodeImage(const QString& text, int module_px);

}  // namespace shop::queue::kiosk::printer
