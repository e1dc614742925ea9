// Ticket: a customer's numbered place in a branch's queue, and the rules of
// its lifecycle.
//
//   kWaiting -> kCalled -> kServing -> kDone
//   kCalled -> kCalled (recall, at most max_recalls)   kCalled -> kNoShow
//   kServing -> kParked -> kCalled (return to the same counter)
//   kCalled / kServing -> kWaiting (transfer to another service; the number
//                                   and the issue time are kept)
//   kWaiting / kParked -> kExpired (closing time, end of business day)
//   kWaiting -> kCancelled
//
// Each transition is a free function that checks the state, the counter and
// the arguments, and changes the ticket only when it returns OK. Nothing here
// touches storage or the network.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "server/domain/common/branch.h"
#include "server/domain/common/status.h"

namespace shop::queue {

// Values are stored in the database; never renumber.
enum class TicketState {
  kWaiting = 1,
  kCalled = 2,
  kServing = 3,
  kDone = 4,
  kNoShow = 5,
  kCancelled = 6,
  kExpired = 7,
  kParked = 8,
};

// Values are stored in the database; never renumber. kNone is an ordinary walk-in.
enum class Priority { kNone = 0, kElderly = 1, kDisabled = 2, kPregnant = 3, kWithChildren = 4 };

enum class Origin { kWalkIn = 1, kAppointment = 2 };

// A ticket's status token from `random16`, 16 bytes of a CSPRNG: base64url
// without padding, 22 characters. Unguessable, and unrelated to the id.
std::string StatusToken(const std::string& random16);
// Whether `token` has the shape of a status token (22 base64url characters).
bool IsStatusTokenShape(std::string_view token);

const char* StateName(TicketState s);
bool IsTerminal(TicketState s);

struct Ticket {
  int64_t id = 0;
  std::string branch_id;
  std::string number_prefix;   // service that issued the number; never changes
  int number = 0;              // 1, 2, ... per branch x service x business day
  std::string business_day;    // "YYYY-MM-DD" in the branch zone
  std::string service_prefix;  // service queued for now (changes on transfer)
  TicketState state = TicketState::kWaiting;
  Priority priority = Priority::kNone;
  Origin origin = Origin::kWalkIn;
  Language language = Language::kRu;
  absl::Time issue_time = absl::InfinitePast();
  absl::Time due_time = absl::InfinitePast();     // appointments only
  absl::Time call_time = absl::InfinitePast();    // last call or recall
  absl::Time serve_time = absl::InfinitePast();   // serving started
  absl::Time finish_time = absl::InfinitePast();  // reached a terminal state
  std::string counter_id;      // empty unless called, serving or parked
  int recall_count = 0;
  // The live page's credential (StatusToken); empty for tickets issued
  // before there were pages.
  std::string status_token;

  // "R017": prefix and at least three digits (R1000 after R999).
  std::string DisplayNumber() const;
};

// Formats a number the way slips and the board show it.
std::string FormatNumber(std::string_view prefix, int number);

// A printed number as a person types it: "R017", "r17", " R 017 " -> {"R",
// 17}. One letter, then 1 to 6 digits (leading zeros optional), spaces and a
// dash between them allowed; nullopt for anything else (including 0).
struct TicketNumber {
  std::string prefix;
  int number = 0;
};
std::optional<TicketNumber> ParseTicketNumber(std::string_view text);

// The transitions. `counter_id` is the counter acting.
Status CallTicket(Ticket& t, std::string_view counter_id, absl::Time now);
Status RecallTicket(Ticket& t, std::string_view counter_id, int max_recalls, absl::Time now);
Status StartTicket(Ticket& t, std::string_view counter_id, absl::Time now);
Status CompleteTicket(Ticket& t, std::string_view counter_id, absl::Time now);
Status MarkNoShow(Ticket& t, std::string_view counter_id, absl::Time now);
Status TransferTicket(Ticket& t, std::string_view counter_id, std::string_view target_prefix,
                      absl::Time now);
Status ParkTicket(Ticket& t, std::string_view counter_id, absl::Time now);
Status ReturnTicket(Ticket& t, std::string_view counter_id, absl::Time now);
Status ExpireTicket(Ticket& t, absl::Time now);
Status CancelTicket(Ticket& t, absl::Time now);

}  // namespace shop::queue
