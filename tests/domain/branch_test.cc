// Business day and opening hours in the branch's time zone.
#include "server/domain/common/branch.h"

#include <gtest/gtest.h>

#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

using testing::At;
using testing::TestBranch;

TEST(BusinessDay, ChangesAtLocalMidnightNotUtc) {
  BranchConfig b = TestBranch("Europe/Moscow");  // UTC+3
  EXPECT_EQ(b.BusinessDay(At("Europe/Moscow", 2026, 3, 10, 23, 59, 59)), "2026-03-10");
  EXPECT_EQ(b.BusinessDay(At("Europe/Moscow", 2026, 3, 11, 0, 0, 0)), "2026-03-11");
  // 22:30 UTC on the 10th is already 01:30 on the 11th in Moscow.
  EXPECT_EQ(b.BusinessDay(At("UTC", 2026, 3, 10, 22, 30)), "2026-03-11");
  BranchConfig vl = TestBranch("Asia/Vladivostok");  // UTC+10
  EXPECT_EQ(vl.BusinessDay(At("UTC", 2026, 3, 10, 14, 0)), "2026-03-11");
}

TEST(BusinessDay, DaylightSavingZones) {
  BranchConfig b = TestBranch("Europe/Berlin");  // DST starts 2026-03-29 02:00 -> 03:00
  EXPECT_EQ(b.BusinessDay(At("Europe/Berlin", 2026, 3, 29, 0, 30)), "2026-03-29");
  EXPECT_EQ(b.BusinessDay(At("UTC", 2026, 3, 28, 23, 30)), "2026-03-29");  // 00:30 CET
  EXPECT_EQ(b.BusinessDay(At("UTC", 2026, 6, 1, 21, 59)), "2026-06-01");   // 23:59 CEST
  EXPECT_EQ(b.BusinessDay(At("UTC", 2026, 6, 1, 22, 0)), "2026-06-02");    // 00:00 CEST
}

TEST(OpeningHours, OpenInsideHoursOnly) {
  BranchConfig b = TestBranch();
  // 2026-03-10 is a Tuesday.
  EXPECT_FALSE(b.IsOpen(At("Europe/Moscow", 2026, 3, 10, 8, 59)));
  EXPECT_TRUE(b.IsOpen(At("Europe/Moscow", 2026, 3, 10, 9, 0)));
  EXPECT_TRUE(b.IsOpen(At("Europe/Moscow", 2026, 3, 10, 20, 59)));
  EXPECT_FALSE(b.IsOpen(At("Europe/Moscow", 2026, 3, 10, 21, 0)));
  // Sunday 2026-03-15 is closed all day.
  EXPECT_FALSE(b.IsOpen(At("Europe/Moscow", 2026, 3, 15, 12, 0)));
  EXPECT_FALSE(b.ClosingTime(At("Europe/Moscow", 2026, 3, 15, 12, 0)).has_value());
  EXPECT_EQ(*b.ClosingTime(At("Europe/Moscow", 2026, 3, 10, 10, 0)),
            At("Europe/Moscow", 2026, 3, 10, 21, 0));
}

TEST(OpeningHours, ClosedDates) {
  BranchConfig b = TestBranch();
  b.closed_dates.insert("2026-03-10");
  EXPECT_FALSE(b.IsOpen(At("Europe/Moscow", 2026, 3, 10, 12, 0)));
  EXPECT_TRUE(b.IsOpen(At("Europe/Moscow", 2026, 3, 11, 12, 0)));
}

TEST(NextOpenTime, TodayLaterTomorrowAndAfterClosedDays) {
  BranchConfig b = TestBranch();  // 09:00-21:00 Monday-Saturday, closed Sunday
  // Tuesday 2026-03-10, before opening: today at 09:00.
  EXPECT_EQ(b.NextOpenTime(At("Europe/Moscow", 2026, 3, 10, 7, 30)),
            At("Europe/Moscow", 2026, 3, 10, 9, 0));
  // Open now: the next opening is tomorrow's.
  EXPECT_EQ(b.NextOpenTime(At("Europe/Moscow", 2026, 3, 10, 9, 0)),
            At("Europe/Moscow", 2026, 3, 11, 9, 0));
  // Saturday evening after closing: Sunday is closed, so Monday.
  EXPECT_EQ(b.NextOpenTime(At("Europe/Moscow", 2026, 3, 14, 21, 30)),
            At("Europe/Moscow", 2026, 3, 16, 9, 0));
  // A closed Monday moves it on to Tuesday.
  b.closed_dates.insert("2026-03-16");
  EXPECT_EQ(b.NextOpenTime(At("Europe/Moscow", 2026, 3, 14, 21, 30)),
            At("Europe/Moscow", 2026, 3, 17, 9, 0));
  // The local day decides, not UTC: 22:30 UTC on the 10th is 01:30 on the 11th.
  EXPECT_EQ(b.NextOpenTime(At("UTC", 2026, 3, 10, 22, 30)),
            At("Europe/Moscow", 2026, 3, 11, 9, 0));
}

TEST(NextOpenTime, NoneWithinFourteenDays) {
  BranchConfig b = TestBranch();
  for (int d = 10; d <= 31; ++d) b.closed_dates.insert("2026-03-" + std::to_string(d));
  EXPECT_FALSE(b.NextOpenTime(At("Europe/Moscow", 2026, 3, 10, 7, 0)).has_value());
  // Closed for 13 days: the opening on day 14 still counts, one on day 15 not.
  BranchConfig c = TestBranch();
  for (auto& h : c.hours) h = DayHours{9 * 60, 21 * 60};
  for (int d = 10; d <= 23; ++d) c.closed_dates.insert("2026-03-" + std::to_string(d));
  EXPECT_EQ(c.NextOpenTime(At("Europe/Moscow", 2026, 3, 10, 10, 0)),
            At("Europe/Moscow", 2026, 3, 24, 9, 0));
  c.closed_dates.insert("2026-03-24");
  EXPECT_FALSE(c.NextOpenTime(At("Europe/Moscow", 2026, 3, 10, 10, 0)).has_value());
  BranchConfig never = TestBranch();
  for (auto& h : never.hours) h.reset();
  EXPECT_FALSE(never.NextOpenTime(At("Europe/Moscow", 2026, 3, 10, 7, 0)).has_value());
}

TEST(NextOpenTime, DaylightSavingTransitions) {
  // Berlin: 2026-03-29 (Sunday) 02:00 CET -> 03:00 CEST; 2026-10-25 (Sunday)
  // 03:00 CEST -> 02:00 CET.
  BranchConfig b = TestBranch("Europe/Berlin");
  for (auto& h : b.hours) h = DayHours{9 * 60, 18 * 60};
  // Saturday evening before the spring change: Sunday 09:00 CEST = 07:00 UTC.
  EXPECT_EQ(b.NextOpenTime(At("Europe/Berlin", 2026, 3, 28, 19, 0)),
            At("UTC", 2026, 3, 29, 7, 0));
  // Before the autumn change: Sunday 09:00 CET = 08:00 UTC.
  EXPECT_EQ(b.NextOpenTime(At("Europe/Berlin", 2026, 10, 24, 19, 0)),
            At("UTC", 2026, 10, 25, 8, 0));
  // Opening at 02:30, a local time the spring change skips: the branch opens
  // when the clocks jump (03:00 CEST = 01:00 UTC), and is open from then.
  BranchConfig night = TestBranch("Europe/Berlin");
  for (auto& h : night.hours) h = DayHours{2 * 60 + 30, 18 * 60};
  const absl::Time open = At("UTC", 2026, 3, 29, 1, 0);
  EXPECT_EQ(night.NextOpenTime(At("Europe/Berlin", 2026, 3, 29, 0, 30)), open);
  EXPECT_FALSE(night.IsOpen(open - absl::Seconds(1)));
  EXPECT_TRUE(night.IsOpen(open));
}

TEST(BranchValidate, RejectsBadConfigurationsNamingTheKey) {
  BranchConfig b = TestBranch();
  EXPECT_TRUE(b.Validate().ok());
  BranchConfig dup = b;
  dup.services.push_back(dup.services[0]);
  EXPECT_EQ(dup.Validate().field(), "service.prefix");
  BranchConfig bad_prefix = b;
  bad_prefix.services[0].prefix = "r";
  EXPECT_EQ(bad_prefix.Validate().field(), "service.prefix");
  BranchConfig unknown = b;
  unknown.counters[0].services.push_back("Z");
  EXPECT_EQ(unknown.Validate().field(), "counter.services");
  BranchConfig bad_id = b;
  bad_id.branch_id = "Bad Id";
  EXPECT_EQ(bad_id.Validate().field(), "branch.id");
}

}  // namespace
}  // namespace shop::queue
