// Human text for the client programs: names of API enum values, parsing of
// the words people type for them, a small translation table (Russian, English,
// Chinese; UTF-8) for the slip and the kiosk screens, and formatting of times
// and durations.
//
// Thread-safety: every function is pure or reads immutable tables; safe from
// any thread. Returned string_views point into static storage and never dangle.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "shop/queue/v1/resources.pb.h"

namespace shop::queue::client {

namespace v1 = ::shop::queue::v1;

// --- enum names (lowercase words, as typed on command lines) ---------------

// "waiting", "called", "serving", "done", "no_show", "cancelled", "expired",
// "parked"; "unspecified" for 0.
std::string_view TicketStateName(v1::TicketState state);
// Accepts the names above ("no-show" too), case-insensitive.
std::optional<v1::TicketState> ParseTicketState(std::string_view text);

// "none", "elderly", "disabled", "pregnant", "children".
std::string_view PriorityName(v1::PriorityClass priority);
std::optional<v1::PriorityClass> ParsePriority(std::string_view text);

// "ru", "en", "zh".
std::string_view LanguageCode(v1::Language language);
std::optional<v1::Language> ParseLanguage(std::string_view text);

// --- translations ------------------------------------------------------------

// Keys of the translation table.
enum class Msg {
  kYourNumber,
  kService,
  kIssued,
  kPeopleAhead,
  kEstimatedWait,
  kBusinessDay,
  kAppointmentAt,
  kPriority,
  kWatchBoard,
  kMinutes,
  kChooseService,
  kBack,
  kChoosePriority,
  kWaiting,
  kTakeTicket,
  kCannotIssue,
  kBranchClosed,
  kNoServices,
  kPressShownKey,
  kPriorityNone,
  kPriorityElderly,
  kPriorityDisabled,
  kPriorityPregnant,
  kPriorityChildren,
};

// The text of `msg` in `language`; LANGUAGE_UNSPECIFIED means Russian (the
// server's default).
std::string_view Tr(Msg msg, v1::Language language);

// What follows a label before its value: "：" in Chinese, ": " otherwise.
std::string_view LabelSeparator(v1::Language language);

// A priority class's name for customers, in `language`.
std::string_view PriorityText(v1::PriorityClass priority, v1::Language language);

// A service's name in `language`, falling back to another language and then
// to the prefix if that name is empty.
std::string ServiceName(const v1::Service& service, v1::Language language);

// --- times and durations --------------------------------------------------

// `t` as local "HH:MM" in the IANA zone `time_zone` (for example
// "Europe/Moscow"). An empty zone means this machine's zone; a zone that cannot
// be loaded gives UTC with a " UTC" suffix. An unset timestamp gives "--:--".
std::string FormatLocalTime(const google::protobuf::Timestamp& t,
                            std::string_view time_zone);

// A wait for people: "~12 min" (rounded up to whole minutes) in `language`.
std::string FormatWait(const google::protobuf::Duration& wait, v1::Language language);

// --- terminal layout -----------------------------------------------------

// Columns `utf8` takes on a terminal: East Asian wide characters count 2.
std::size_t DisplayWidth(std::string_view utf8);
// `utf8` padded with spaces to `width` columns (unchanged if already wider).
std::string PadRight(std::string_view utf8, std::size_t width);

}  // namespace shop::queue::client
