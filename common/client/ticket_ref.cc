#include "common/client/ticket_ref.h"

#include <cctype>

namespace shop::queue::client {

std::optional<TicketRef> ParseTicketRef(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty() || text.size() > 12) return std::nullopt;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (digit(text.front())) {
    int64_t id = 0;
    for (char c : text) {
      if (!digit(c)) return std::nullopt;
      id = id * 10 + (c - '0');
    }
    if (id == 0) return std::nullopt;
    return TicketRef(id);
  }
  if (!std::isalpha(static_cast<unsigned char>(text.front()))) return std::nullopt;
  bool has_digit = false;
  for (char c : text.substr(1)) {
    if (digit(c)) has_digit = true;
    else if (c != ' ' && c != '-') return std::nullopt;
  }
  if (!has_digit) return std::nullopt;
  std::string printed;
  for (char c : text)
    if (c != ' ' && c != '-') printed += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return TicketRef::Printed(printed);
}

}  // namespace shop::queue::client
