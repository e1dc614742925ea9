// The scriptable `counter review ...` commands (CLI11 nested subcommands
// under "review"): the reviewer's side of online SIM-replacement
// applications, and the pickup counter's hand-over.
//
//   review list [--dispatch|--posted|--at-shop] the queue, oldest first
//   review show ID [--save-photos DIR]        one application beside the register
//   review approve ID                         approve (a risky one needs two reviewers)
//   review reject ID --reason CODE            reject (codes in --help)
//   review dispatch ID --iccid N [--tracking T]
//                                             bind a card and post it (prints the
//                                             activation code once) or send it to
//                                             the pickup shop
//   review cancel ID --reason CODE            end an unfinished application (a
//                                             lost envelope, fraud, ...; codes in --help)
//   review pickups [--phone P]                at the pickup shop (--branch): the cards
//                                             waiting there, with the question to ask
//   review hand-over ID                       at the pickup shop (--branch): shows the
//                                             question, asks the document, the face
//                                             and the customer's answer
//
// A reviewer logs in with `counter login` as any staff member; none of these
// needs --counter. Refusals print the server's message and each bad field
// (client::DescribeRefusal).
//
// Photos: a terminal cannot show them, so `show --save-photos DIR` writes
// them as DIR/ID-document.png (or .jpg, by their type) and DIR/ID-selfie.jpg,
// readable by their owner only, as is a folder made for them (they are
// personal data: delete them after the review), and says where.
//
// Exit codes: 0 done; 1 the server refused (or the hand-over's check
// failed, or the photos could not be saved); 2 bad usage (or no answer on
// standard input).
//
// Thread-safety: not thread-safe; for main() and tests.
// Ownership: the commands AddReviewCommands makes keep references to
// `flags`, which must outlive them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "counter/remote_client.h"

namespace shop::queue::counter {

// Everything the review commands read from the command line.
struct ReviewFlags {
  int64_t case_id = 0;      // ID
  bool dispatch = false;    // list --dispatch
  bool posted = false;      // list --posted
  bool at_shop = false;     // list --at-shop
  std::string photos_dir;   // show --save-photos
  std::string reason;       // reject --reason
  std::string iccid;        // dispatch --iccid
  std::string tracking;     // dispatch --tracking
  std::string phone;        // pickups --phone
};

// How a review command talks to its user.
struct ReviewIo {
  std::ostream& out;
  std::ostream& err;
  // Reads one line after showing `prompt`; std::nullopt at the end of input.
  std::function<std::optional<std::string>(const std::string& prompt)> ask;
  // The IANA time zone of a branch ("" when unknown: times are then shown in
  // this machine's zone, named). The queue's lines do not carry their
  // branch's zone; one application does.
  std::function<std::string(const std::string& branch_id)> zone_of = {};
  // The counter's branch (the global --branch): the pickup shop.
  std::string branch = {};
};

using ReviewCommand = std::function<int(const RemoteClient&, ReviewIo&)>;

// The command chosen on the command line (empty if none).
struct ReviewSelection {
  ReviewCommand run;
};

// Adds "review" and its subcommands to `app`; after parsing, `selected`
// holds the chosen one. Returns the "review" subcommand.
CLI::App* AddReviewCommands(CLI::App& app, ReviewFlags& flags, ReviewSelection& selected);

// Writes the photos of `response` into `dir` (made if missing) as
// PhotoFileName says, owner-only; returns the paths written, in order. On
// failure returns std::nullopt with the reason in *error.
std::optional<std::vector<std::string>> SavePhotos(const v1::GetApplicationResponse& response,
                                                   const std::string& dir, std::string* error);

}  // namespace shop::queue::counter
