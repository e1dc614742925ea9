// TicketRef: a ticket as a person or a program names it. People read the
// printed number off the slip or the board ("R017", any case); programs keep
// the server's id. The API takes either (ticket_id or ticket_number on every
// request that names a ticket; the server looks the number up among today's
// tickets of the branch), so the clients pass on what they were given.
//
// Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shop::queue::client {

struct TicketRef {
  int64_t id = 0;      // the server's ticket id, or 0
  std::string number;  // the printed number ("R017"), or ""

  TicketRef() = default;
  TicketRef(int64_t ticket_id) : id(ticket_id) {}  // NOLINT: an id is a ticket reference
  static TicketRef Printed(std::string printed) {
    TicketRef r;
    r.number = std::move(printed);
    return r;
  }
  // Neither: for counter actions, "the counter's current ticket".
  bool empty() const { return id == 0 && number.empty(); }
  // "R017" or "id 6", for messages.
  std::string ToString() const {
    return number.empty() ? "id " + std::to_string(id) : number;
  }
};

// What a person typed: digits are an id ("6"), a letter followed by digits a
// printed number ("R017", "r17", "R-017"); nullopt for anything else (the
// server checks the number itself).
std::optional<TicketRef> ParseTicketRef(std::string_view text);

}  // namespace shop::queue::client
