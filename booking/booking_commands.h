// The `booking` commands: what the shop's web site does, from a terminal.
//
//   slots  --service R [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--free]
//   book   --service R --at "YYYY-MM-DD HH:MM" --name N --phone P
//          [--email E] [--lang ru|en|zh] [--request-id ID]
//   show   --code X --phone P
//   cancel --code X --phone P
//   move   --code X --phone P --at "YYYY-MM-DD HH:MM"
//
// --at is the local time of the branch. Its time zone comes from ListSlots
// (public; GetBranch would need a kiosk token), which also lists that day's
// slots to settle a time the clocks pass twice. Name, phone and e-mail are
// not required by the command line: the server lists every bad field at
// once. Times are shown in the branch's zone (this machine's zone, said so,
// if the server cannot be asked for it).
//
// Every command takes --lang ru|en|zh (also before the command): the
// language of the booking (book) and of the sentences that say why the
// server refused or could not be reached (client::CustomerText; English
// without --lang, like the rest of the program's text). The code and the
// server's message of a failed call go to the client log (standard error).
//
// Exit codes: 0 done; 1 the server refused; 2 bad usage (including a local
// time that does not exist) or the server could not be reached
// (UNAVAILABLE, DEADLINE_EXCEEDED after the retries).
//
// Thread-safety: not thread-safe; for main() and tests.
// Ownership: the commands AddBookingCommands makes keep references to
// `flags` and `selected`, which must outlive them.
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "booking/booking_client.h"
#include "common/client/customer_text.h"

namespace shop::queue::booking {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitUsageOrConnection = 2;

// Everything the commands read from the command line.
struct BookingFlags {
  std::string service;  // --service
  std::string from;     // --from
  std::string to;       // --to
  bool only_free = false;
  std::string at;  // --at, local "YYYY-MM-DD HH:MM"
  std::string name;
  std::string phone;
  std::string email;
  std::string lang;  // empty: the server's default (Russian) for a booking, English messages
  std::string request_id;
  std::string code;
};

// Where a command writes.
struct BookingIo {
  std::ostream& out;
  std::ostream& err;
};

using BookingCommand = std::function<int(const BookingClient&, BookingIo&)>;

// Adds slots, book, show, cancel and move to `app`; after parsing,
// `selected` holds the chosen one (empty if none).
void AddBookingCommands(CLI::App& app, BookingFlags& flags, BookingCommand& selected);

// Prints a sentence for the customer about the failed `action` (with every
// bad field of bad input) in `language` to io.err, logs the code and the
// server's message, and returns the exit code: kExitUsageOrConnection for
// UNAVAILABLE and DEADLINE_EXCEEDED, kExitRefused otherwise.
int Refused(BookingIo& io, const grpc::Status& status, client::CustomerAction action,
            v1::Language language);

// The language of the messages: --lang, or English without it.
v1::Language MessageLanguage(const BookingFlags& flags);

}  // namespace shop::queue::booking
