// Business day and opening hours in the branch's time zone.
#include "server/domain/branch.h"

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
