// Text and times for the `booking` program: reading the local date and time
// a customer types ("2024-05-01 14:30", local to the branch) and turning it
// into the instant of a slot in the branch's time zone, and the slots and
// bookings as lines for a terminal, in English.
//
// Times are shown in the branch's zone (the IANA name ListSlots returns);
// an empty zone name means this machine's zone, and the text says so.
// Prints only what the server sent: names and phones arrive masked.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "shop/queue/v1/booking_service.pb.h"

namespace shop::queue::booking {

namespace v1 = ::shop::queue::v1;

// --- local times -----------------------------------------------------------

// What a customer typed for a slot: a local date and time, and the UTC
// offset if one was given to settle a time that happens twice.
struct LocalTime {
  absl::CivilMinute civil;
  std::optional<absl::Duration> utc_offset;
};

// "YYYY-MM-DD HH:MM" (or with a 'T' between), optionally followed by a UTC
// offset ("+03:00", "-0500", "Z"; a space before it is allowed). nullopt if
// the text is anything else or not a real date.
std::optional<LocalTime> ParseLocalTime(std::string_view text);

// "YYYY-MM-DD" that is a real date.
bool IsDate(std::string_view text);

// The outcome of ToInstant: the instant, or why there is none.
struct Instant {
  std::optional<absl::Time> time;
  std::string error;  // for people, when `time` is empty
};

// The instant of `local` in `zone` (named `zone_name` in messages). A time
// the clocks skip (spring forward) has none. A time that happens twice
// (clocks go back) is settled by `day_slots` (the slots of that day: the one
// occurrence that starts a slot) or by the typed offset; otherwise it is an
// error naming both offsets. A typed offset must be one the zone has at that
// local time.
Instant ToInstant(const LocalTime& local, const absl::TimeZone& zone, std::string_view zone_name,
                  const std::vector<v1::Slot>& day_slots = {});

// The zone named `zone_name`; this machine's zone when the name is empty;
// nullopt when it cannot be loaded (no tzdata for it).
std::optional<absl::TimeZone> LoadZone(std::string_view zone_name);

// --- text ------------------------------------------------------------------

// "active", "checked in", "cancelled", "no-show".
std::string_view BookingStateName(v1::BookingState state);

// The slots grouped by local day:
//
//   Service R, times in Europe/Moscow
//   Wed 2024-05-01
//     14:00-14:20  2 of 2 seats left
//     14:20-14:40  full
//
// or "Service R: no free slots between those dates\n" (no slots at all:
// "no slots ..."). `service` is the prefix asked for.
std::string FormatSlots(const v1::ListSlotsResponse& slots, std::string_view service,
                        bool only_free);

// A booking, for `booking show` (and after cancel):
//
//   Booking K7M2-QX9D: active
//     service R, Wed 2024-05-01 14:30-14:50 (Europe/Moscow)
//     check-in at the kiosk from 14:00 until 14:45
//     name I*** P****  phone +7******4567  language en
//     ticket id 42                      (once checked in)
std::string FormatBooking(const v1::Booking& booking, std::string_view zone_name);

// A new (or moved) booking with its code shown prominently, the check-in
// window and the reminder to bring the code. `headline` is e.g. "Booked".
std::string FormatConfirmation(const v1::Booking& booking, std::string_view zone_name,
                               std::string_view headline);

}  // namespace shop::queue::booking
