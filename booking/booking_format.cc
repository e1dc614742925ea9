#include "booking/booking_format.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "booking/booking_client.h"
#include "common/client/text.h"

namespace shop::queue::booking {
namespace {

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

int Digits(std::string_view text) {
  int value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value;
}

// "+HH:MM", "-HHMM", "+HH", "Z" / "UTC" -> the offset east of UTC.
std::optional<absl::Duration> ParseOffset(std::string_view text) {
  if (text == "Z" || text == "z" || text == "UTC") return absl::ZeroDuration();
  if (text.size() < 3 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  const int sign = text[0] == '-' ? -1 : 1;
  text.remove_prefix(1);
  if (!IsDigit(text[0]) || !IsDigit(text[1])) return std::nullopt;
  const int hours = Digits(text.substr(0, 2));
  text.remove_prefix(2);
  if (!text.empty() && text[0] == ':') text.remove_prefix(1);
  int minutes = 0;
  if (!text.empty()) {
    if (text.size() != 2 || !IsDigit(text[0]) || !IsDigit(text[1])) return std::nullopt;
    minutes = Digits(text);
  }
  if (hours > 14 || minutes > 59) return std::nullopt;
  return sign * (absl::Hours(hours) + absl::Minutes(minutes));
}

std::string FormatOffset(int seconds_east) {
  const char sign = seconds_east < 0 ? '-' : '+';
  const int minutes = std::abs(seconds_east) / 60;
  char text[16];
  std::snprintf(text, sizeof text, "%c%02d:%02d", sign, minutes / 60, minutes % 60);
  return text;
}

std::string CivilText(const absl::CivilMinute& civil) {
  return absl::FormatCivilTime(civil).replace(10, 1, " ");  // "2024-05-01T14:30"
}

// The zone for showing times, and how to name it in text.
struct ShownZone {
  absl::TimeZone zone;
  std::string label;  // "Europe/Moscow", "this machine's zone", "UTC (...)"
};

ShownZone ShowIn(std::string_view zone_name) {
  if (std::optional<absl::TimeZone> zone = LoadZone(zone_name)) {
    return {*zone, zone_name.empty() ? std::string("this machine's zone") : std::string(zone_name)};
  }
  return {absl::UTCTimeZone(), "UTC (the zone " + std::string(zone_name) + " is unknown here)"};
}

bool IsSet(const google::protobuf::Timestamp& t) { return t.seconds() != 0 || t.nanos() != 0; }

std::string Day(absl::Time t, const absl::TimeZone& zone) {
  return absl::FormatTime("%a %Y-%m-%d", t, zone);
}

std::string Clock(absl::Time t, const absl::TimeZone& zone) {
  return absl::FormatTime("%H:%M", t, zone);
}

// "HH:MM" when `t` falls on the same local day as `day_of`; else "Tue
// 2024-04-30 23:40".
std::string ClockOnDay(absl::Time t, absl::Time day_of, const absl::TimeZone& zone) {
  if (absl::ToCivilDay(t, zone) == absl::ToCivilDay(day_of, zone)) return Clock(t, zone);
  return Day(t, zone) + ' ' + Clock(t, zone);
}

// "service R, Wed 2024-05-01 14:30-14:50 (Europe/Moscow)".
std::string SlotText(const v1::Booking& b, const ShownZone& shown) {
  const absl::Time start = FromTimestamp(b.start_time());
  std::string text = "service " + b.service_prefix() + ", " + Day(start, shown.zone) + ' ' +
                     Clock(start, shown.zone);
  if (IsSet(b.end_time())) text += '-' + Clock(FromTimestamp(b.end_time()), shown.zone);
  return text + " (" + shown.label + ")";
}

}  // namespace

std::optional<LocalTime> ParseLocalTime(std::string_view text) {
  text = Trim(text);
  if (text.size() < 16) return std::nullopt;
  std::string base(text.substr(0, 16));
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15}) {
    if (!IsDigit(base[i])) return std::nullopt;
  }
  if (base[4] != '-' || base[7] != '-' || (base[10] != ' ' && base[10] != 'T') ||
      base[13] != ':') {
    return std::nullopt;
  }
  const int year = Digits(base.substr(0, 4)), month = Digits(base.substr(5, 2)),
            day = Digits(base.substr(8, 2)), hour = Digits(base.substr(11, 2)),
            minute = Digits(base.substr(14, 2));
  LocalTime local;
  local.civil = absl::CivilMinute(year, month, day, hour, minute);
  // CivilMinute normalises (Feb 30 -> Mar 2): a real date stays as typed.
  if (local.civil.month() != month || local.civil.day() != day || hour > 23 || minute > 59) {
    return std::nullopt;
  }
  const std::string_view rest = Trim(text.substr(16));
  if (!rest.empty()) {
    local.utc_offset = ParseOffset(rest);
    if (!local.utc_offset) return std::nullopt;
  }
  return local;
}

bool IsDate(std::string_view text) {
  if (text.size() != 10) return false;
  std::optional<LocalTime> t = ParseLocalTime(std::string(text) + " 00:00");
  return t.has_value() && !t->utc_offset;
}

std::optional<absl::TimeZone> LoadZone(std::string_view zone_name) {
  if (zone_name.empty()) return absl::LocalTimeZone();
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(zone_name), &zone)) return std::nullopt;
  return zone;
}

Instant ToInstant(const LocalTime& local, const absl::TimeZone& zone, std::string_view zone_name,
                  const std::vector<v1::Slot>& day_slots) {
  const std::string when = CivilText(local.civil);
  const std::string where(zone_name.empty() ? "this machine's zone" : zone_name);
  if (local.utc_offset) {
    const absl::Time t = absl::FromCivil(local.civil, absl::UTCTimeZone()) - *local.utc_offset;
    if (absl::ToCivilMinute(t, zone) != local.civil) {
      return {std::nullopt, when + ' ' +
                                FormatOffset(static_cast<int>(
                                    absl::ToInt64Seconds(*local.utc_offset))) +
                                " is not a local time in " + where + " (its offset then is " +
                                FormatOffset(zone.At(t).offset) + ")"};
    }
    return {t, ""};
  }
  const absl::TimeZone::TimeInfo info = zone.At(absl::CivilSecond(local.civil));
  switch (info.kind) {
    case absl::TimeZone::TimeInfo::UNIQUE:
      return {info.pre, ""};
    case absl::TimeZone::TimeInfo::SKIPPED:
      return {std::nullopt, when + " does not exist in " + where +
                                ": the clocks go forward then; choose another time"};
    case absl::TimeZone::TimeInfo::REPEATED:
      break;
  }
  // Happens twice: the occurrence that starts a slot, if only one does.
  std::vector<absl::Time> starting;
  for (absl::Time candidate : {info.pre, info.post}) {
    for (const v1::Slot& slot : day_slots) {
      if (FromTimestamp(slot.start_time()) == candidate) {
        starting.push_back(candidate);
        break;
      }
    }
  }
  if (starting.size() == 1) return {starting.front(), ""};
  const std::string first = FormatOffset(zone.At(info.pre).offset);
  const std::string second = FormatOffset(zone.At(info.post).offset);
  return {std::nullopt, when + " happens twice in " + where +
                            " (the clocks go back): add the offset, \"" + when + ' ' + first +
                            "\" (the first) or \"" + when + ' ' + second + "\" (the second)"};
}

std::string_view BookingStateName(v1::BookingState state) {
  switch (state) {
    case v1::BOOKING_STATE_ACTIVE: return "active";
    case v1::BOOKING_STATE_CHECKED_IN: return "checked in";
    case v1::BOOKING_STATE_CANCELLED: return "cancelled";
    case v1::BOOKING_STATE_NO_SHOW: return "no-show";
    default: return "unspecified";
  }
}

std::string FormatSlots(const v1::ListSlotsResponse& slots, std::string_view service,
                        bool only_free) {
  if (slots.slots().empty()) {
    return "Service " + std::string(service) + ": no " + (only_free ? "free " : "") +
           "slots between those dates\n";
  }
  const ShownZone shown = ShowIn(slots.time_zone());
  std::string text = "Service " + std::string(service) + ", times in " + shown.label + '\n';
  std::optional<absl::CivilDay> day;
  for (const v1::Slot& slot : slots.slots()) {
    const absl::Time start = FromTimestamp(slot.start_time());
    if (const absl::CivilDay d = absl::ToCivilDay(start, shown.zone); d != day) {
      day = d;
      text += Day(start, shown.zone) + '\n';
    }
    text += "  " + Clock(start, shown.zone) + '-' +
            Clock(FromTimestamp(slot.end_time()), shown.zone) + "  ";
    if (slot.seats_left() <= 0) {
      text += "full";
    } else {
      text += std::to_string(slot.seats_left()) + " of " + std::to_string(slot.seats()) +
              (slot.seats() == 1 ? " seat left" : " seats left");
    }
    text += '\n';
  }
  return text;
}

std::string FormatBooking(const v1::Booking& b, std::string_view zone_name) {
  const ShownZone shown = ShowIn(zone_name);
  const absl::Time start = FromTimestamp(b.start_time());
  std::string text = "Booking " + b.code() + ": " + std::string(BookingStateName(b.state())) +
                     '\n';
  text += "  " + SlotText(b, shown) + '\n';
  if (b.state() == v1::BOOKING_STATE_ACTIVE && IsSet(b.check_in_from())) {
    text += "  check-in at the kiosk from " +
            ClockOnDay(FromTimestamp(b.check_in_from()), start, shown.zone) + " until " +
            ClockOnDay(FromTimestamp(b.check_in_until()), start, shown.zone) + '\n';
  }
  std::string who;
  if (!b.name_masked().empty()) who += "name " + b.name_masked() + "  ";
  if (!b.phone_masked().empty()) who += "phone " + b.phone_masked() + "  ";
  who += "language " + std::string(client::LanguageCode(b.language()));
  text += "  " + who + '\n';
  if (b.ticket_id() != 0) text += "  ticket id " + std::to_string(b.ticket_id()) + '\n';
  return text;
}

std::string FormatConfirmation(const v1::Booking& b, std::string_view zone_name,
                               std::string_view headline) {
  const ShownZone shown = ShowIn(zone_name);
  const absl::Time start = FromTimestamp(b.start_time());
  std::string text = std::string(headline) + ": " + SlotText(b, shown) + "\n\n";
  const std::string code_line = "YOUR BOOKING CODE:  " + b.code();
  const std::string rule(code_line.size() + 8, '=');
  text += "  " + rule + "\n      " + code_line + "\n  " + rule + "\n\n";
  if (IsSet(b.check_in_from()) && IsSet(b.check_in_until())) {
    const std::string until = ClockOnDay(FromTimestamp(b.check_in_until()), start, shown.zone);
    text += "Check in at the kiosk in the branch from " +
            ClockOnDay(FromTimestamp(b.check_in_from()), start, shown.zone) + " until " + until +
            " (" + Day(start, shown.zone) + "): type the code there to get your ticket.\n"
            "After " + until + " the kiosk gives an ordinary walk-in ticket.\n";
  }
  text += "Bring this code with you. To see, move or cancel the booking, give the code "
          "and the phone it was booked with";
  if (!b.phone_masked().empty()) text += " (" + b.phone_masked() + ")";
  text += ".\n";
  return text;
}

}  // namespace shop::queue::booking
