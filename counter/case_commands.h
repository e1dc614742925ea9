// The scriptable `counter case ...` commands: their flags (CLI11 nested
// subcommands under "case"), the mapping from flags to requests, and running
// the chosen command against a CaseClient.
//
//   case show (--case N | --ticket N)      case open --ticket N [--yes]
//   case form --case N --phone P --operator O --reason R --name N
//             --doc-type T --doc-number D --contact C --consent
//   case identity --case N --doc-type T --doc-number D --face-ok --answer A
//   case pay --case N --method cash|card   case issue --case N --iccid I
//   case waive --case N --reason TEXT --supervisor LOGIN
//   case block --case N                    case close --case N
//   case cancel --case N --reason TEXT [--supervisor LOGIN]
//   case unlock --phone P --reason TEXT --supervisor LOGIN
//
// Form fields are not required by the command line: whatever is missing or
// wrong, the server lists every bad field at once. Words for enums are checked
// here (a wrong word is a usage error). A supervisor's password is read
// through CaseIo::read_secret, never from the command line.
//
// `case open` shows the ticket's case if it has one. Otherwise it opens one
// by hand only with --yes, or when CaseIo::confirm gets a yes after the
// warning (ManualCaseWarning): the API does not say which services hold a
// case, and an open case blocks done, no-show and transfer of the ticket.
//
// Exit codes: 0 done; 1 the server refused (or the identity check failed,
// or the clerk said no), 2 bad usage (or no password on standard input, or
// no --yes where nobody can be asked).
//
// Thread-safety: not thread-safe; for main() and tests.
// Ownership: the commands AddCaseCommands makes keep references to `flags`,
// which must outlive them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "counter/case_client.h"

namespace shop::queue::counter {

// Everything the case commands read from the command line.
struct CaseFlags {
  int64_t case_id = 0;    // --case
  int64_t ticket_id = 0;  // --ticket
  bool yes = false;       // open: open a case by hand without asking
  // form
  std::string phone;
  std::string operator_id;
  std::string reason;  // form: lost|stolen|damaged|format_change
  std::string full_name;
  std::string document_type;  // also identity
  std::string document_number;  // also identity
  std::string contact;
  bool consent = false;
  // identity
  bool face_ok = false;
  std::string answer;
  // pay, issue
  std::string method;
  std::string iccid;
  // waive, cancel, unlock
  std::string why;         // --reason TEXT
  std::string supervisor;  // --supervisor LOGIN
};

// How a command talks to its user.
struct CaseIo {
  std::ostream& out;
  std::ostream& err;
  // Reads a secret after showing `prompt` (if on a terminal); std::nullopt
  // when there is none (end of input).
  std::function<std::optional<std::string>(const std::string& prompt)> read_secret;
  // Asks a yes/no question (on a terminal); empty when nobody can be asked
  // (input is not a terminal). std::nullopt: no answer.
  std::function<std::optional<bool>(const std::string& prompt)> confirm = {};
};

using CaseCommand = std::function<int(const CaseClient&, CaseIo&)>;

// The command chosen on the command line.
struct CaseSelection {
  CaseCommand run;             // empty if no case command was chosen
  bool needs_counter = false;  // `case open` acts as one counter
};

// Adds "case" and its subcommands to `app`; after parsing, `selected` holds
// the chosen one. Returns the "case" subcommand.
CLI::App* AddCaseCommands(CLI::App& app, CaseFlags& flags, CaseSelection& selected);

// The form of `case form` (enum words already checked; missing ones are
// left unspecified for the server to name).
v1::CaseForm FormFromFlags(const CaseFlags& flags);
// The identity check of `case identity`.
IdentityCheck IdentityFromFlags(const CaseFlags& flags);

}  // namespace shop::queue::counter
