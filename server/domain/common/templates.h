// Message texts for customers (SMS and e-mail), by key and language, with
// "{name}" placeholders. The built-in texts cover every key in ru, en and zh;
// the configuration's [notify.templates] may replace any of them (see
// server/config). Texts are rendered when a message is queued, so the outbox
// holds exactly what was sent.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/domain/common/status.h"

namespace shop::queue {

enum class Language;

class MessageTemplates {
 public:
  using Vars = std::map<std::string, std::string, std::less<>>;

  // The built-in texts.
  static MessageTemplates Defaults();

  // Replaces the text of `key` in `language`. Refused (InvalidArgument,
  // naming the key) for an unknown key, an empty text, or a placeholder the
  // key does not offer.
  Status Set(std::string_view key, Language language, std::string text);

  // The text of `key` in `language` with its placeholders filled from
  // `vars` (a placeholder with no value is left empty). An unknown key gives
  // "".
  std::string Render(std::string_view key, Language language, const Vars& vars) const;

  // The keys and, for each, the placeholders it offers.
  static const std::map<std::string, std::vector<std::string>, std::less<>>& Keys();

 private:
  std::map<std::string, std::array<std::string, 3>, std::less<>> texts_;
};

}  // namespace shop::queue
