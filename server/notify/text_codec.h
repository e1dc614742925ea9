// What the channels need to put a message on the wire, as pure functions:
// placeholders filled with escaping (JSON, URL), Base64, RFC 2047 encoded
// words and a whole MIME e-mail. Stateless; thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace shop::queue::notify {

// The inside of a JSON string literal for `s` (quotes, backslashes and
// control characters escaped; UTF-8 kept as is).
std::string JsonEscape(std::string_view s);
// application/x-www-form-urlencoded / RFC 3986: unreserved characters kept,
// every other byte as %XX (space too).
std::string UrlEncode(std::string_view s);

using Escape = std::function<std::string(std::string_view)>;
// `tmpl` with every "{name}" that `vars` has replaced by escape(value);
// unknown "{...}" (JSON braces, say) are kept as written.
std::string FillPlaceholders(std::string_view tmpl, const std::map<std::string, std::string>& vars,
                             const Escape& escape);
// `s` safe as an HTTP header value: every control character (CR and LF
// above all, which would end the header and start another) and DEL becomes
// a space. For header values after their placeholders are filled.
std::string HeaderSafe(std::string s);
// The escaping a body of `content_type` needs: JSON-escaped for "...json...",
// URL-encoded for "application/x-www-form-urlencoded", none otherwise.
Escape EscapeFor(std::string_view content_type);

std::string Base64(std::string_view bytes);

// A header value as RFC 2047 encoded words ("=?UTF-8?B?...?="), each under
// 76 characters and never splitting a UTF-8 character; plain ASCII without
// specials is returned as is.
std::string EncodedWord(std::string_view utf8);

struct MailParts {
  std::string from;        // "queue@shop.ru"
  std::string to;          // "ivan@example.ru"
  std::string subject;     // UTF-8
  std::string body;        // UTF-8 text
  std::string message_id;  // "<outbox-1-...@shop.ru>"
  absl::Time date;
};
// The message as sent over SMTP: headers (Date, From, To, Subject,
// Message-ID, MIME-Version, Content-Type text/plain; charset=UTF-8,
// Content-Transfer-Encoding: base64) and the body in Base64 lines of 76,
// with CRLF line ends.
std::string MimeMessage(const MailParts& m);

// "<key@domain>" with the domain of `from` ("queue@shop.ru" -> "shop.ru";
// "queue-server" without one).
std::string MessageIdFor(std::string_view key, std::string_view from);

}  // namespace shop::queue::notify
