// Appointments: a branch's bookable schedule, its slots, the rules of booking
// (lead time, horizon, capacity, one active booking per phone per service per
// day), reference codes, and what checking in at the kiosk means.
//
// All civil times are in the branch's time zone (absl::TimeZone, so daylight
// saving rules apply where a zone has them). Plain C++; values and pure
// functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/common/branch.h"
#include "server/domain/common/status.h"

namespace shop::queue {

// One bookable slot of a service: [start, start + length).
struct Slot {
  std::string service_prefix;
  absl::Time start;
  absl::Duration length;
  int seats = 0;       // seats per slot (BookingConfig::seats_per_slot)
  int seats_left = 0;  // filled in by whoever knows the bookings
};

// All slots of `service` (which must have a slot length) whose start falls on
// the local days [from, to] (inclusive): each open day from opening time in
// steps of the slot length, while a whole slot fits before closing; closed
// dates and closed weekdays have none. A local time that does not exist
// (a daylight-saving gap) is skipped; an ambiguous one (the repeated hour)
// is taken once, at its first occurrence. Lead time and horizon are not
// applied here (see CheckBookable).
std::vector<Slot> GenerateSlots(const BranchConfig& b, const ServiceConfig& service,
                                absl::CivilDay from, absl::CivilDay to);

// Whether a new booking (or a move) to the slot starting at `start` may be
// made at `now`: the service is bookable, `start` is a slot of it
// (InvalidArgument "start_time": outside hours / not a slot boundary),
// not before now + min_lead (FailedPrecondition "too late to book"), not
// after now + horizon (FailedPrecondition "too far ahead").
Status CheckBookable(const BranchConfig& b, const ServiceConfig& service, absl::Time start,
                     absl::Time now);

// Stored as these numbers; never renumber.
enum class BookingState : uint8_t {
  kActive = 1,      // booked, not checked in yet
  kCheckedIn = 2,   // a ticket was issued (due at the slot, or a late walk-in)
  kCancelled = 3,   // by the customer
  kNoShow = 4,      // nobody checked in by start + late grace
};
const char* BookingStateName(BookingState s);  // "active", "checked_in", ...

struct Booking {
  int64_t booking_id = 0;
  std::string code;  // reference code, see NewReferenceCode
  std::string branch_id;
  std::string service_prefix;
  absl::Time slot_start;
  BookingState state = BookingState::kActive;
  std::string name;   // personal data: erased after the retention period
  std::string phone;  // +7XXXXXXXXXX; personal data
  std::string email;  // optional; personal data
  Language language = Language::kRu;
  std::string request_id;  // the client's, for a safe retry
  absl::Time created;
  int64_t ticket_id = 0;        // after check-in
  bool late_walk_in = false;    // checked in too late: became a walk-in ticket
  bool reminded = false;        // the reminder is in the outbox
  absl::Time finished = absl::InfinitePast();  // cancelled, no-show or checked in
  bool erased = false;
};

// What the customer gives when booking, before validation.
struct BookingInput {
  std::string branch_id;
  std::string service_prefix;
  absl::Time slot_start;
  std::string name;
  std::string phone;
  std::string email;  // optional
  Language language = Language::kRu;
  std::string request_id;
};

// Checks name (2-200 characters), phone (a Russian mobile number), e-mail
// (empty or of sane shape) and the request id: every bad field at once
// (Status::InvalidFields). Returns the normalised phone.
Result<std::string> ValidateBookingContact(const BookingInput& in);

// Reference codes: 8 characters from an alphabet without look-alikes (no 0,
// O, 1, I, L, U: "23456789ABCDEFGHJKMNPQRSTVWXYZ"), from `random_bytes` (at
// least 8 bytes of a CSPRNG), so codes cannot be guessed from one another.
// 30^8 ~ 6.6e11 codes.
std::string NewReferenceCode(std::string_view random_bytes);
// The code as typed ("ab2c-d3ef": dashes, spaces, lower case) in its
// canonical form, or nullopt when it cannot be a code.
std::optional<std::string> NormalizeReferenceCode(std::string_view typed);
// Why `typed` is no reference code (NormalizeReferenceCode gave nullopt), for
// the person who typed it: the characters no code has, named ("'1' is never
// used in booking codes ..."), or other signs, or the length.
std::string ReferenceCodeProblem(std::string_view typed);
// A canonical code the way people see it: "K7M2-QX9D" (anything else as is).
std::string DisplayReferenceCode(std::string_view code);

// A booking's reminder (queued for its phone and e-mail), in the booking's
// language (Russian, English or Chinese). The facts come already written
// for people: the service's name in that language, times in the branch's
// zone. The texts are the "booking_reminder" message template
// (server/domain/common/templates.h; [notify.templates] may replace them).
struct ReminderFacts {
  std::string service;        // "Замена SIM" / "SIM replacement" / "补办SIM卡"
  std::string branch;         // the branch's display name
  std::string slot;           // "2026-03-10 16:00", local
  std::string code;           // "K7M2-QX9D"
  std::string checkin_from;   // "15:30", local
  std::string checkin_until;  // "16:15", local
};
std::string ReminderText(const MessageTemplates& templates, Language language,
                         const ReminderFacts& f);
// The same with the built-in texts.
std::string ReminderText(Language language, const ReminderFacts& f);

// What checking in at `now` means for an active booking.
enum class CheckInVerdict {
  kTooEarly,   // before start - early window: come back later
  kOnTime,     // within [start - early, start + late grace]: a ticket due at start
  kLate,       // after start + late grace: a walk-in ticket, and the slip says so
};
CheckInVerdict JudgeCheckIn(const BookingConfig& cfg, absl::Time slot_start, absl::Time now);

// An active booking nobody checked in for becomes a no-show at this time
// (start + late grace). A customer who still comes the same business day may
// check in late: a walk-in ticket (kLate).
absl::Time NoShowAfter(const BookingConfig& cfg, absl::Time slot_start);

}  // namespace shop::queue
