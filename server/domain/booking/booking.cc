#include "server/domain/booking/booking.h"

#include <algorithm>
#include <cstdio>

#include "server/domain/common/personal_data.h"
#include "server/domain/queue/queue_manager.h"

namespace shop::queue {
namespace {

// Reference-code alphabet: the digits 2-9 and the capital letters without
// I, L, O and U (Crockford's base 32 less 0 and 1), 30 characters:
//   23456789ABCDEFGHJKMNPQRSTVWXYZ
// Nothing in it can be misread as another of its characters.
constexpr std::string_view kCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kCodeLength = 8;
static_assert(kCodeAlphabet.size() == 30);

int WeekdayIndex(absl::Weekday d) {
  switch (d) {
    case absl::Weekday::monday: return 0;
    case absl::Weekday::tuesday: return 1;
    case absl::Weekday::wednesday: return 2;
    case absl::Weekday::thursday: return 3;
    case absl::Weekday::friday: return 4;
    case absl::Weekday::saturday: return 5;
    case absl::Weekday::sunday: return 6;
  }
  return 0;
}

// The day's hours, or nullopt when the branch is closed that whole day.
std::optional<DayHours> HoursOn(const BranchConfig& b, absl::CivilDay day) {
  if (b.closed_dates.count(absl::FormatCivilTime(day))) return std::nullopt;
  return b.hours[WeekdayIndex(absl::GetWeekday(day))];
}

std::string HourMinute(int minute) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60 % 100, minute % 60);
  return buf;
}

bool IsSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<Slot> GenerateSlots(const BranchConfig& b, const ServiceConfig& service,
                                absl::CivilDay from, absl::CivilDay to) {
  std::vector<Slot> out;
  const int64_t step = absl::ToInt64Minutes(service.slot_length);
  if (step <= 0) return out;
  for (absl::CivilDay day = from; day <= to; ++day) {
    const auto h = HoursOn(b, day);
    if (!h) continue;
    for (int64_t m = h->open_minute; m + step <= h->close_minute; m += step) {
      const absl::TimeZone::TimeInfo ti = b.time_zone.At(absl::CivilMinute(day) + m);
      // SKIPPED: the local time does not exist (DST gap). REPEATED: `pre` is
      // the first occurrence; the second is never generated.
      if (ti.kind == absl::TimeZone::TimeInfo::SKIPPED) continue;
      Slot s;
      s.service_prefix = service.prefix;
      s.start = ti.pre;
      s.length = service.slot_length;
      s.seats = b.booking.seats_per_slot;
      s.seats_left = s.seats;
      out.push_back(std::move(s));
    }
  }
  return out;
}

Status CheckBookable(const BranchConfig& b, const ServiceConfig& service, absl::Time start,
                     absl::Time now) {
  if (service.slot_length < absl::Minutes(1))
    return Status::InvalidArgument("service_prefix",
                                   "service " + service.prefix + " cannot be booked online");
  const absl::CivilDay day = absl::ToCivilDay(start, b.time_zone);
  const auto slots = GenerateSlots(b, service, day, day);
  const bool is_slot = std::any_of(slots.begin(), slots.end(),
                                   [&](const Slot& s) { return s.start == start; });
  if (!is_slot) {
    const auto h = HoursOn(b, day);
    if (!h)
      return Status::InvalidArgument(
          "start_time", "not a slot start: the branch is closed on " + absl::FormatCivilTime(day));
    return Status::InvalidArgument(
        "start_time", "not a slot start: the branch is closed then, or slots start at " +
                          HourMinute(h->open_minute) + " every " +
                          std::to_string(absl::ToInt64Minutes(service.slot_length)) + " minutes");
  }
  if (start < now + b.booking.min_lead)
    return Status::FailedPrecondition(
        "too late to book this slot: book at least " +
        std::to_string(absl::ToInt64Minutes(b.booking.min_lead)) + " minutes ahead");
  if (start > now + absl::Hours(24) * b.booking.horizon_days)
    return Status::FailedPrecondition("too far ahead: bookings open " +
                                      std::to_string(b.booking.horizon_days) + " days ahead");
  return Status::Ok();
}

const char* BookingStateName(BookingState s) {
  switch (s) {
    case BookingState::kActive: return "active";
    case BookingState::kCheckedIn: return "checked_in";
    case BookingState::kCancelled: return "cancelled";
    case BookingState::kNoShow: return "no_show";
  }
  return "unknown";
}

Result<std::string> ValidateBookingContact(const BookingInput& in) {
  std::vector<FieldViolation> bad;
  const std::string_view name = Trim(in.name);
  if (name.empty())
    bad.push_back({"name", "is required"});
  else if (!DecodeUtf8(in.name))
    bad.push_back({"name", "is not valid UTF-8 text"});
  else if (DecodeUtf8(name)->size() < 2 || DecodeUtf8(in.name)->size() > 200)
    bad.push_back({"name", "must be 2 to 200 characters"});
  else if (std::any_of(in.name.begin(), in.name.end(), [](char c) {
             const auto u = static_cast<unsigned char>(c);
             return u < 0x20 || u == 0x7F;
           }))
    bad.push_back({"name", "must not contain control characters"});

  std::optional<std::string> phone;
  if (Trim(in.phone).empty()) {
    bad.push_back({"phone", "is required"});
  } else {
    phone = NormalizeRuMobile(in.phone);
    if (!phone) bad.push_back({"phone", "is not a Russian mobile number (+7 9XX XXX-XX-XX)"});
  }

  if (!in.email.empty() && !ValidEmail(in.email))
    bad.push_back({"email", "is not an e-mail address (name@example.ru)"});

  if (Status st = ValidateRequestId(in.request_id); !st.ok()) {
    // "request_id must be ..." -> "must be ..."
    std::string why = st.message();
    if (why.rfind("request_id ", 0) == 0) why.erase(0, std::string("request_id ").size());
    bad.push_back({"request_id", std::move(why)});
  }

  if (!bad.empty()) return Status::InvalidFields(std::move(bad));
  return *phone;
}

// The first 8 bytes as a 64-bit number, reduced modulo 30^8 (~6.6e11) and
// written in base 30. The modulo bias is below 30^8 / 2^64 ~ 3.6e-8 per code:
// negligible, and no byte is ever rejected, so 8 bytes always suffice. Fewer
// than 8 bytes (a caller's bug) count as zeros.
std::string NewReferenceCode(std::string_view random_bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i)
    v = (v << 8) | (i < random_bytes.size() ? static_cast<unsigned char>(random_bytes[i]) : 0);
  const uint64_t n = kCodeAlphabet.size();
  std::string code(kCodeLength, ' ');
  for (size_t i = 0; i < kCodeLength; ++i) {
    code[i] = kCodeAlphabet[v % n];
    v /= n;
  }
  return code;
}

// Upper-cases and drops spaces and dashes. Characters outside the alphabet
// (0, O, 1, I, L, U and anything else) are refused rather than guessed at:
// no code contains them, so a typed one cannot be mapped back with certainty.
std::optional<std::string> NormalizeReferenceCode(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == '-' || IsSpace(static_cast<unsigned char>(c))) continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kCodeAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    if (out.size() == kCodeLength) return std::nullopt;
    out += c;
  }
  if (out.size() != kCodeLength) return std::nullopt;
  return out;
}

std::string ReferenceCodeProblem(std::string_view typed) {
  constexpr std::string_view kLookAlikes = "0O1ILU";  // what the alphabet leaves out
  constexpr const char* kCheck = "; check the code on the confirmation";
  std::string never;  // look-alikes typed, upper case, each once, in order
  bool other = false;
  size_t length = 0;
  for (char c : typed) {
    if (c == '-' || IsSpace(static_cast<unsigned char>(c))) continue;
    ++length;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kCodeAlphabet.find(c) != std::string_view::npos) continue;
    if (kLookAlikes.find(c) != std::string_view::npos) {
      if (never.find(c) == std::string::npos) never += c;
    } else {
      other = true;
    }
  }
  if (!never.empty()) {
    std::string list;
    for (size_t i = 0; i < never.size(); ++i) {
      if (i > 0) list += i + 1 == never.size() ? " and " : ", ";
      list += std::string("'") + never[i] + "'";
    }
    return list + (never.size() == 1 ? " is" : " are") +
           " never used in booking codes (they have no 0, O, 1, I, L or U)" + kCheck;
  }
  if (other)
    return std::string("a booking code has only Latin letters and digits, like K7M2-QX9D") +
           kCheck;
  if (length == 0) return "the booking code is required (8 letters and digits, like K7M2-QX9D)";
  return "a booking code has " + std::to_string(kCodeLength) +
         " letters and digits, like K7M2-QX9D; this one has " + std::to_string(length) + kCheck;
}

std::string ReminderText(const MessageTemplates& templates, Language language,
                         const ReminderFacts& f) {
  return templates.Render("booking_reminder", language,
                          {{"service", f.service},
                           {"branch", f.branch},
                           {"slot", f.slot},
                           {"code", f.code},
                           {"checkin_from", f.checkin_from},
                           {"checkin_until", f.checkin_until}});
}

std::string ReminderText(Language language, const ReminderFacts& f) {
  return ReminderText(MessageTemplates::Defaults(), language, f);
}

std::string DisplayReferenceCode(std::string_view code) {
  if (code.size() != kCodeLength) return std::string(code);
  return std::string(code.substr(0, 4)) + "-" + std::string(code.substr(4));
}

CheckInVerdict JudgeCheckIn(const BookingConfig& cfg, absl::Time slot_start, absl::Time now) {
  if (now < slot_start - cfg.checkin_early) return CheckInVerdict::kTooEarly;
  if (now <= slot_start + cfg.checkin_late) return CheckInVerdict::kOnTime;
  return CheckInVerdict::kLate;
}

absl::Time NoShowAfter(const BookingConfig& cfg, absl::Time slot_start) {
  return slot_start + cfg.checkin_late;
}

}  // namespace shop::queue
