// Appointment rules as pure functions: slots in the branch's zone (closed days,
// daylight saving), whether a slot may be booked now, reference codes,
// check-in windows and the contact form.
#include "server/domain/booking/booking.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

using testing::At;
using testing::TestBranch;

constexpr char kZone[] = "Asia/Novosibirsk";  // UTC+7, no daylight saving

// TestBranch in Novosibirsk, open 09:00-18:00 Monday to Saturday, closed on
// Sunday and on Wednesday 2026-03-11; service R books 30-minute slots.
BranchConfig SlotBranch() {
  BranchConfig b = TestBranch(kZone);
  for (int d = 0; d < 6; ++d) b.hours[d] = DayHours{9 * 60, 18 * 60};
  b.closed_dates.insert("2026-03-11");
  b.services[0].slot_length = absl::Minutes(30);
  b.booking.seats_per_slot = 3;
  return b;
}

absl::Time Local(int y, int mo, int d, int h, int mi, int s = 0) {
  return At(kZone, y, mo, d, h, mi, s);
}

size_t CountOn(const std::vector<Slot>& slots, const BranchConfig& b, absl::CivilDay day) {
  size_t n = 0;
  for (const auto& s : slots) n += absl::ToCivilDay(s.start, b.time_zone) == day;
  return n;
}

TEST(GenerateSlots, OpenDaysOnlyFromOpeningInStepsUntilClosing) {
  BranchConfig b = SlotBranch();
  const ServiceConfig& r = *b.FindService("R");
  // Monday 2026-03-09 .. Sunday 2026-03-15.
  auto slots = GenerateSlots(b, r, absl::CivilDay(2026, 3, 9), absl::CivilDay(2026, 3, 15));
  ASSERT_EQ(slots.size(), 5u * 18u);  // Mon, Tue, Thu, Fri, Sat
  EXPECT_EQ(CountOn(slots, b, absl::CivilDay(2026, 3, 9)), 18u);
  EXPECT_EQ(CountOn(slots, b, absl::CivilDay(2026, 3, 10)), 18u);
  EXPECT_EQ(CountOn(slots, b, absl::CivilDay(2026, 3, 11)), 0u);  // closed date
  EXPECT_EQ(CountOn(slots, b, absl::CivilDay(2026, 3, 14)), 18u);  // Saturday
  EXPECT_EQ(CountOn(slots, b, absl::CivilDay(2026, 3, 15)), 0u);  // Sunday: no hours
  EXPECT_EQ(slots.front().start, Local(2026, 3, 9, 9, 0));
  EXPECT_EQ(slots[1].start, Local(2026, 3, 9, 9, 30));
  EXPECT_EQ(slots[17].start, Local(2026, 3, 9, 17, 30));  // the last ends at closing
  EXPECT_EQ(slots[18].start, Local(2026, 3, 10, 9, 0));
  EXPECT_EQ(slots.back().start, Local(2026, 3, 14, 17, 30));
  for (const auto& s : slots) {
    EXPECT_EQ(s.service_prefix, "R");
    EXPECT_EQ(s.length, absl::Minutes(30));
    EXPECT_EQ(s.seats, 3);
    EXPECT_EQ(s.seats_left, 3);
  }
  // 09:00 local in Novosibirsk is 02:00 UTC.
  EXPECT_EQ(slots.front().start, At("UTC", 2026, 3, 9, 2, 0));
}

TEST(GenerateSlots, NoPartialSlotBeforeClosing) {
  BranchConfig b = SlotBranch();
  ServiceConfig r = *b.FindService("R");
  r.slot_length = absl::Minutes(40);  // 540 minutes: 13 whole slots and 20 minutes left
  auto slots = GenerateSlots(b, r, absl::CivilDay(2026, 3, 9), absl::CivilDay(2026, 3, 9));
  ASSERT_EQ(slots.size(), 13u);
  EXPECT_EQ(slots.back().start, Local(2026, 3, 9, 17, 0));
  EXPECT_EQ(slots.back().start + slots.back().length, Local(2026, 3, 9, 17, 40));
}

TEST(GenerateSlots, OpenUntilMidnightAndEmptyRanges) {
  BranchConfig b = SlotBranch();
  b.hours[0] = DayHours{0, 24 * 60};
  const ServiceConfig& r = *b.FindService("R");
  auto slots = GenerateSlots(b, r, absl::CivilDay(2026, 3, 9), absl::CivilDay(2026, 3, 9));
  ASSERT_EQ(slots.size(), 48u);
  EXPECT_EQ(slots.back().start, Local(2026, 3, 9, 23, 30));
  // `to` before `from`: nothing.
  EXPECT_TRUE(GenerateSlots(b, r, absl::CivilDay(2026, 3, 10), absl::CivilDay(2026, 3, 9)).empty());
  // A service without a slot length: nothing.
  EXPECT_TRUE(GenerateSlots(b, *b.FindService("P"), absl::CivilDay(2026, 3, 9),
                            absl::CivilDay(2026, 3, 9))
                  .empty());
}

// Europe/Berlin: 2026-03-29 (a Sunday) 02:00 CET -> 03:00 CEST, and
// 2026-10-25 (a Sunday) 03:00 CEST -> 02:00 CET.
BranchConfig BerlinNightBranch() {
  BranchConfig b = TestBranch("Europe/Berlin");
  b.hours[6] = DayHours{1 * 60, 4 * 60};  // Sunday 01:00-04:00
  b.services[0].slot_length = absl::Minutes(30);
  return b;
}

TEST(GenerateSlots, NoSlotInTheSpringGap) {
  BranchConfig b = BerlinNightBranch();
  auto slots = GenerateSlots(b, b.services[0], absl::CivilDay(2026, 3, 29),
                             absl::CivilDay(2026, 3, 29));
  // 01:00, 01:30 (CET), then 03:00, 03:30 (CEST); 02:00 and 02:30 do not exist.
  ASSERT_EQ(slots.size(), 4u);
  EXPECT_EQ(slots[0].start, At("UTC", 2026, 3, 29, 0, 0));
  EXPECT_EQ(slots[1].start, At("UTC", 2026, 3, 29, 0, 30));
  EXPECT_EQ(slots[2].start, At("UTC", 2026, 3, 29, 1, 0));  // 03:00 CEST
  EXPECT_EQ(slots[3].start, At("UTC", 2026, 3, 29, 1, 30));
  for (const auto& s : slots) {
    const absl::CivilMinute local = absl::ToCivilMinute(s.start, b.time_zone);
    EXPECT_NE(local.hour(), 2) << local;
  }
}

TEST(GenerateSlots, RepeatedHourTakenOnceAtItsFirstOccurrence) {
  BranchConfig b = BerlinNightBranch();
  auto slots = GenerateSlots(b, b.services[0], absl::CivilDay(2026, 10, 25),
                             absl::CivilDay(2026, 10, 25));
  // 01:00, 01:30, 02:00, 02:30 (CEST, UTC+2), 03:00, 03:30 (CET, UTC+1).
  ASSERT_EQ(slots.size(), 6u);
  EXPECT_EQ(slots[2].start, At("UTC", 2026, 10, 25, 0, 0));   // 02:00 CEST
  EXPECT_EQ(slots[3].start, At("UTC", 2026, 10, 25, 0, 30));  // 02:30 CEST
  EXPECT_EQ(slots[4].start, At("UTC", 2026, 10, 25, 2, 0));   // 03:00 CET
  std::set<absl::Time> seen;
  for (size_t i = 0; i < slots.size(); ++i) {
    EXPECT_TRUE(seen.insert(slots[i].start).second) << i;
    if (i > 0) {
      EXPECT_LT(slots[i - 1].start, slots[i].start);
    }
    // The second 02:00 and 02:30 (CET) are not slots.
    EXPECT_NE(slots[i].start, At("UTC", 2026, 10, 25, 1, 0));
    EXPECT_NE(slots[i].start, At("UTC", 2026, 10, 25, 1, 30));
  }
  // ... so they cannot be booked either.
  const absl::Time now = At("UTC", 2026, 10, 20, 12, 0);
  EXPECT_TRUE(CheckBookable(b, b.services[0], At("UTC", 2026, 10, 25, 0, 0), now).ok());
  EXPECT_EQ(CheckBookable(b, b.services[0], At("UTC", 2026, 10, 25, 1, 0), now).code(),
            Status::Code::kInvalidArgument);
}

TEST(CheckBookable, LeadTimeIsInclusive) {
  BranchConfig b = SlotBranch();  // min_lead 1 h by default
  const ServiceConfig& r = *b.FindService("R");
  const absl::Time now = Local(2026, 3, 9, 10, 0);
  EXPECT_TRUE(CheckBookable(b, r, Local(2026, 3, 9, 11, 0), now).ok());
  Status st = CheckBookable(b, r, Local(2026, 3, 9, 10, 30), now);
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(st.message().find("too late to book this slot: book at least 60 minutes ahead"),
            std::string::npos)
      << st.message();
  // A slot already past.
  EXPECT_EQ(CheckBookable(b, r, Local(2026, 3, 9, 9, 0), now).code(),
            Status::Code::kFailedPrecondition);
  b.booking.min_lead = absl::ZeroDuration();
  EXPECT_TRUE(CheckBookable(b, r, Local(2026, 3, 9, 10, 0), now).ok());
  EXPECT_FALSE(CheckBookable(b, r, Local(2026, 3, 9, 9, 30), now).ok());
}

TEST(CheckBookable, HorizonIsInclusive) {
  BranchConfig b = SlotBranch();  // horizon 14 days by default
  const ServiceConfig& r = *b.FindService("R");
  const absl::Time now = Local(2026, 3, 9, 10, 0);
  EXPECT_TRUE(CheckBookable(b, r, Local(2026, 3, 23, 10, 0), now).ok());
  Status st = CheckBookable(b, r, Local(2026, 3, 23, 10, 30), now);
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(st.message().find("too far ahead: bookings open 14 days ahead"), std::string::npos)
      << st.message();
  b.booking.horizon_days = 1;
  EXPECT_TRUE(CheckBookable(b, r, Local(2026, 3, 10, 10, 0), now).ok());
  EXPECT_FALSE(CheckBookable(b, r, Local(2026, 3, 10, 10, 30), now).ok());
}

TEST(CheckBookable, OnlySlotStartsInsideHours) {
  BranchConfig b = SlotBranch();
  const ServiceConfig& r = *b.FindService("R");
  const absl::Time now = Local(2026, 3, 9, 10, 0);
  const absl::Time bad[] = {
      Local(2026, 3, 10, 11, 10),     // not a boundary
      Local(2026, 3, 10, 11, 0, 1),   // one second off
      Local(2026, 3, 10, 8, 30),      // before opening
      Local(2026, 3, 10, 18, 0),      // at closing: no slot fits
      Local(2026, 3, 10, 17, 45),     // not a boundary near closing
      Local(2026, 3, 11, 12, 0),      // closed date
      Local(2026, 3, 15, 12, 0),      // Sunday
  };
  for (absl::Time t : bad) {
    Status st = CheckBookable(b, r, t, now);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << t;
    EXPECT_EQ(st.field(), "start_time") << t;
    EXPECT_NE(st.message().find("not a slot start"), std::string::npos) << st.message();
  }
  Status st = CheckBookable(b, r, Local(2026, 3, 10, 11, 10), now);
  EXPECT_NE(st.message().find("slots start at 09:00 every 30 minutes"), std::string::npos)
      << st.message();
  st = CheckBookable(b, r, Local(2026, 3, 15, 12, 0), now);
  EXPECT_NE(st.message().find("closed on 2026-03-15"), std::string::npos) << st.message();
  // An instant that is a slot in UTC terms is not one here: 11:00 UTC is 18:00 local.
  EXPECT_FALSE(CheckBookable(b, r, At("UTC", 2026, 3, 10, 11, 0), now).ok());
  EXPECT_TRUE(CheckBookable(b, r, At("UTC", 2026, 3, 10, 10, 30), now).ok());  // 17:30
}

TEST(CheckBookable, ServiceWithoutSlotLengthCannotBeBooked) {
  BranchConfig b = SlotBranch();
  const ServiceConfig& p = *b.FindService("P");
  Status st = CheckBookable(b, p, Local(2026, 3, 10, 12, 0), Local(2026, 3, 9, 10, 0));
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.field(), "service_prefix");
  EXPECT_NE(st.message().find("service P cannot be booked online"), std::string::npos)
      << st.message();
}

TEST(BookingState, Names) {
  EXPECT_STREQ(BookingStateName(BookingState::kActive), "active");
  EXPECT_STREQ(BookingStateName(BookingState::kCheckedIn), "checked_in");
  EXPECT_STREQ(BookingStateName(BookingState::kCancelled), "cancelled");
  EXPECT_STREQ(BookingStateName(BookingState::kNoShow), "no_show");
}

constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

TEST(ReferenceCode, EightCharactersFromTheAlphabetWithoutRepeats) {
  std::mt19937_64 rng(20260309);
  std::set<std::string> codes;
  // How often each character appears at each position.
  std::vector<std::array<int, 30>> seen(8, std::array<int, 30>{});
  for (int i = 0; i < 10000; ++i) {
    std::string code = NewReferenceCode(RandomBytes(rng, 8));
    ASSERT_EQ(code.size(), 8u) << code;
    for (size_t k = 0; k < code.size(); ++k) {
      const size_t at = kAlphabet.find(code[k]);
      ASSERT_NE(at, std::string_view::npos) << code;
      ++seen[k][at];
    }
    EXPECT_TRUE(codes.insert(code).second) << "duplicate " << code;
    EXPECT_EQ(NormalizeReferenceCode(code), code);
  }
  // Every character turns up in every position (expected ~333 times each).
  for (size_t k = 0; k < 8; ++k)
    for (size_t c = 0; c < 30; ++c) EXPECT_GT(seen[k][c], 200) << k << " " << kAlphabet[c];
}

TEST(ReferenceCode, DependsOnlyOnTheBytes) {
  EXPECT_EQ(NewReferenceCode(std::string(8, '\0')), "22222222");
  const std::string bytes = "\x01\x23\x45\x67\x89\xab\xcd\xef";
  EXPECT_EQ(NewReferenceCode(bytes), NewReferenceCode(bytes));
  EXPECT_NE(NewReferenceCode(bytes), NewReferenceCode("\x01\x23\x45\x67\x89\xab\xcd\xee"));
}

TEST(ReferenceCode, NormalizesWhatPeopleType) {
  EXPECT_EQ(NormalizeReferenceCode("ab2c-d3ef"), "AB2CD3EF");
  EXPECT_EQ(NormalizeReferenceCode("AB2CD3EF"), "AB2CD3EF");
  EXPECT_EQ(NormalizeReferenceCode(" ab2c d3ef "), "AB2CD3EF");
  EXPECT_EQ(NormalizeReferenceCode("k7m2-QX9D"), "K7M2QX9D");
  EXPECT_EQ(NormalizeReferenceCode("a-b-2-c-d-3-e-f"), "AB2CD3EF");
}

TEST(ReferenceCode, RefusesWhatCannotBeACode) {
  for (const char* typed : {"", "----", "ab2c-d3e", "ab2c-d3efg", "ab0c-d3ef", "aboc-d3ef",
                            "ab1c-d3ef", "abic-d3ef", "ablc-d3ef", "abuc-d3ef", "ab2c_d3ef",
                            "ab2c-d3éf", "ab2c+d3ef"})
    EXPECT_FALSE(NormalizeReferenceCode(typed).has_value()) << typed;
}

TEST(ReferenceCode, AProblemNamesTheCharactersNoCodeHas) {
  EXPECT_EQ(ReferenceCodeProblem("XXXX-1111"),
            "'1' is never used in booking codes (they have no 0, O, 1, I, L or U); check the "
            "code on the confirmation");
  EXPECT_NE(ReferenceCodeProblem("0o1i-lu22").find("'0', 'O', '1', 'I', 'L' and 'U' are never"),
            std::string::npos)
      << ReferenceCodeProblem("0o1i-lu22");
  // Cyrillic letters that look Latin (a Russian keyboard), other signs.
  EXPECT_NE(ReferenceCodeProblem("К7М2-QX9D").find("only Latin letters and digits"),
            std::string::npos);
  EXPECT_NE(ReferenceCodeProblem("K7M2_QX9D").find("only Latin letters and digits"),
            std::string::npos);
  EXPECT_NE(ReferenceCodeProblem("K7M2-QX9D-2").find("this one has 9"), std::string::npos);
  EXPECT_NE(ReferenceCodeProblem(" - ").find("required"), std::string::npos);
}

TEST(CheckIn, WindowBoundaries) {
  BookingConfig cfg;  // early 30 min, late 15 min
  const absl::Time start = Local(2026, 3, 10, 12, 0);
  EXPECT_EQ(JudgeCheckIn(cfg, start, start - absl::Minutes(30) - absl::Seconds(1)),
            CheckInVerdict::kTooEarly);
  EXPECT_EQ(JudgeCheckIn(cfg, start, start - absl::Minutes(30)), CheckInVerdict::kOnTime);
  EXPECT_EQ(JudgeCheckIn(cfg, start, start), CheckInVerdict::kOnTime);
  EXPECT_EQ(JudgeCheckIn(cfg, start, start + absl::Minutes(15)), CheckInVerdict::kOnTime);
  EXPECT_EQ(JudgeCheckIn(cfg, start, start + absl::Minutes(15) + absl::Seconds(1)),
            CheckInVerdict::kLate);
  EXPECT_EQ(NoShowAfter(cfg, start), start + absl::Minutes(15));

  cfg.checkin_early = absl::ZeroDuration();
  cfg.checkin_late = absl::ZeroDuration();
  EXPECT_EQ(JudgeCheckIn(cfg, start, start - absl::Seconds(1)), CheckInVerdict::kTooEarly);
  EXPECT_EQ(JudgeCheckIn(cfg, start, start), CheckInVerdict::kOnTime);
  EXPECT_EQ(JudgeCheckIn(cfg, start, start + absl::Seconds(1)), CheckInVerdict::kLate);
  EXPECT_EQ(NoShowAfter(cfg, start), start);
}

BookingInput GoodInput() {
  BookingInput in;
  in.branch_id = "test";
  in.service_prefix = "R";
  in.name = "Иван Петров";
  in.phone = "8 (912) 345-67-89";
  in.email = "ivan.petrov@example.ru";
  in.request_id = "req-1";
  return in;
}

TEST(ValidateBookingContact, ReturnsTheNormalPhone) {
  auto r = ValidateBookingContact(GoodInput());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "+79123456789");
  BookingInput no_email = GoodInput();
  no_email.email.clear();
  EXPECT_TRUE(ValidateBookingContact(no_email).ok());
  BookingInput short_name = GoodInput();
  short_name.name = "Ли";  // two characters, four bytes
  EXPECT_TRUE(ValidateBookingContact(short_name).ok());
}

TEST(ValidateBookingContact, EveryBadFieldAtOnce) {
  BookingInput in;
  in.name = "   ";
  in.phone = "+7 495 123-45-67";  // a Moscow landline
  in.email = "ivan@example";
  in.request_id = "";
  auto r = ValidateBookingContact(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "name");
  auto v = r.status().violations();
  ASSERT_EQ(v.size(), 4u) << r.status().message();
  EXPECT_EQ(v[0].field, "name");
  EXPECT_EQ(v[1].field, "phone");
  EXPECT_EQ(v[2].field, "email");
  EXPECT_EQ(v[3].field, "request_id");
  EXPECT_EQ(v[3].description.rfind("is required", 0), 0u) << v[3].description;
}

TEST(ValidateBookingContact, NameLengthInCharacters) {
  BookingInput in = GoodInput();
  std::string name;
  for (int i = 0; i < 200; ++i) name += "Я";  // 400 bytes, 200 characters
  in.name = name;
  EXPECT_TRUE(ValidateBookingContact(in).ok());
  in.name = name + "Я";
  EXPECT_EQ(ValidateBookingContact(in).status().field(), "name");
  in.name = "Я";
  EXPECT_EQ(ValidateBookingContact(in).status().field(), "name");
  in.name = " Я ";
  EXPECT_EQ(ValidateBookingContact(in).status().field(), "name");
  in.name = "Ivan\nPetrov";
  EXPECT_EQ(ValidateBookingContact(in).status().field(), "name");
  in.name.clear();
  EXPECT_EQ(ValidateBookingContact(in).status().field(), "name");
}

TEST(ValidateBookingContact, PhoneIsRequired) {
  BookingInput in = GoodInput();
  in.phone = "";
  auto r = ValidateBookingContact(in);
  EXPECT_EQ(r.status().field(), "phone");
  EXPECT_NE(r.status().message().find("is required"), std::string::npos);
}

TEST(ValidateBookingContact, EmailShape) {
  BookingInput in = GoodInput();
  for (const char* good : {"a@b.ru", "ivan+shop@mail.example.com", "и@пример.рф"}) {
    in.email = good;
    EXPECT_TRUE(ValidateBookingContact(in).ok()) << good;
  }
  const std::string too_long = std::string(64, 'a') + "@" + std::string(186, 'b') + ".ru";
  ASSERT_EQ(too_long.size(), 254u);
  in.email = too_long;
  EXPECT_TRUE(ValidateBookingContact(in).ok());
  for (const std::string& bad :
       {std::string("ivan"), std::string("ivan@"), std::string("@example.ru"),
        std::string("ivan@example"), std::string("ivan@example.r"),
        std::string("iv an@example.ru"), std::string("ivan@@example.ru"),
        std::string("ivan@.ru"), std::string("ivan@example..ru"), std::string(" a@b.ru"),
        too_long + "u"}) {
    in.email = bad;
    EXPECT_EQ(ValidateBookingContact(in).status().field(), "email") << bad;
  }
}

TEST(ValidateBookingContact, RequestIdLikeTickets) {
  BookingInput in = GoodInput();
  in.request_id = std::string(64, 'x');
  EXPECT_TRUE(ValidateBookingContact(in).ok());
  for (const std::string& bad : {std::string(65, 'x'), std::string("a b"), std::string("é")}) {
    in.request_id = bad;
    EXPECT_EQ(ValidateBookingContact(in).status().field(), "request_id") << bad;
  }
}

}  // namespace
}  // namespace shop::queue
