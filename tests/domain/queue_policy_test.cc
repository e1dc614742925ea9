// Call-next order, position and estimated wait.
#include "server/domain/queue/queue_policy.h"

#include <gtest/gtest.h>

namespace shop::queue {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

Ticket Waiting(int64_t id, std::string service, absl::Duration issued_after,
               Priority p = Priority::kNone) {
  Ticket t;
  t.id = id;
  t.number_prefix = service;
  t.service_prefix = service;
  t.number = static_cast<int>(id);
  t.state = TicketState::kWaiting;
  t.priority = p;
  t.issue_time = kT0 + issued_after;
  return t;
}

Ticket Appointment(int64_t id, std::string service, absl::Duration issued_after,
                   absl::Duration due_after) {
  Ticket t = Waiting(id, service, issued_after);
  t.origin = Origin::kAppointment;
  t.due_time = kT0 + due_after;
  return t;
}

TEST(CallNext, WalkInsByIssueTime) {
  std::vector<Ticket> w = {Waiting(1, "R", absl::Minutes(5)), Waiting(2, "R", absl::Minutes(1)),
                           Waiting(3, "R", absl::Minutes(3))};
  auto pick = PickNext(w, {"R"}, kT0 + absl::Hours(1));
  ASSERT_TRUE(pick);
  EXPECT_EQ(w[*pick].id, 2);
}

TEST(CallNext, PriorityBeforeWalkInsWhoCameEarlier) {
  std::vector<Ticket> w = {Waiting(1, "R", absl::Minutes(1)),
                           Waiting(2, "R", absl::Minutes(9), Priority::kElderly),
                           Waiting(3, "R", absl::Minutes(5), Priority::kPregnant)};
  auto pick = PickNext(w, {"R"}, kT0 + absl::Hours(1));
  ASSERT_TRUE(pick);
  EXPECT_EQ(w[*pick].id, 3);  // both priority; 3 was issued earlier
}

TEST(CallNext, DueAppointmentFirstEarlyAppointmentNotAtAll) {
  std::vector<Ticket> w = {Waiting(1, "R", absl::Minutes(0), Priority::kDisabled),
                           Waiting(2, "R", absl::Minutes(1)),
                           Appointment(3, "R", absl::Minutes(20), absl::Minutes(30)),
                           Appointment(4, "R", absl::Minutes(10), absl::Minutes(90))};
  // At +30 min appointment 3 is due: it goes before the priority walk-in.
  auto pick = PickNext(w, {"R"}, kT0 + absl::Minutes(30));
  ASSERT_TRUE(pick);
  EXPECT_EQ(w[*pick].id, 3);
  // At +29 min nothing is due: the priority walk-in goes first, and
  // appointment 4 (due at +90) is never picked while others wait.
  pick = PickNext(w, {"R"}, kT0 + absl::Minutes(29));
  ASSERT_TRUE(pick);
  EXPECT_EQ(w[*pick].id, 1);
  std::vector<Ticket> only_early = {Appointment(4, "R", absl::Minutes(10), absl::Minutes(90))};
  EXPECT_FALSE(PickNext(only_early, {"R"}, kT0 + absl::Minutes(30)));
  EXPECT_TRUE(PickNext(only_early, {"R"}, kT0 + absl::Minutes(90)));
}

TEST(CallNext, OnlyServicesTheCounterServes) {
  std::vector<Ticket> w = {Waiting(1, "N", absl::Minutes(0)), Waiting(2, "P", absl::Minutes(5))};
  auto pick = PickNext(w, {"P"}, kT0 + absl::Hours(1));
  ASSERT_TRUE(pick);
  EXPECT_EQ(w[*pick].id, 2);
  EXPECT_FALSE(PickNext(w, {"R"}, kT0 + absl::Hours(1)));
  EXPECT_FALSE(PickNext({}, {"R"}, kT0));
}

TEST(CallNext, TiesBrokenByIdForADeterministicOrder) {
  std::vector<Ticket> w = {Waiting(9, "R", absl::Minutes(1)), Waiting(4, "R", absl::Minutes(1))};
  auto pick = PickNext(w, {"R"}, kT0 + absl::Hours(1));
  ASSERT_TRUE(pick);
  EXPECT_EQ(w[*pick].id, 4);
}

TEST(Position, CountsOnlySameServiceAhead) {
  std::vector<Ticket> w = {Waiting(1, "R", absl::Minutes(1)), Waiting(2, "P", absl::Minutes(2)),
                           Waiting(3, "R", absl::Minutes(3)),
                           Waiting(4, "R", absl::Minutes(4), Priority::kWithChildren)};
  absl::Time now = kT0 + absl::Hours(1);
  EXPECT_EQ(PositionOf(w[3], w, now), 0);  // priority goes first
  EXPECT_EQ(PositionOf(w[0], w, now), 1);
  EXPECT_EQ(PositionOf(w[2], w, now), 2);
  EXPECT_EQ(PositionOf(w[1], w, now), 0);
}

TEST(Eta, RollingAverageOverTheWindow) {
  std::vector<absl::Duration> recent = {absl::Minutes(4), absl::Minutes(6), absl::Minutes(100)};
  EXPECT_EQ(RollingAverage(recent, absl::Minutes(10), 2), absl::Minutes(5));
  EXPECT_EQ(RollingAverage(recent, absl::Minutes(10), 3), absl::Minutes(110) / 3);
  EXPECT_EQ(RollingAverage({}, absl::Minutes(10)), absl::Minutes(10));
}

TEST(Eta, PositionTimesAverageOverOpenCounters) {
  EXPECT_EQ(EstimateWait(0, absl::Minutes(10), 2), absl::ZeroDuration());
  EXPECT_EQ(EstimateWait(6, absl::Minutes(10), 3), absl::Minutes(20));
  EXPECT_EQ(EstimateWait(3, absl::Minutes(10), 0), absl::Minutes(30));  // no counter open: as if one
}

}  // namespace
}  // namespace shop::queue
