// The store's indexed answers to "who is first" (CallCandidates) and "how
// many are ahead" (CountWaiting) agree with the domain's reference rules
// (PickNext, PositionOf over every waiting ticket), on random queues with
// appointments, priorities, equal issue times and several services.
#include <random>

#include <gtest/gtest.h>

#include "server/domain/queue/queue_policy.h"
#include "tests/support/test_db.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

TEST(QueueOrder, IndexedQueriesAgreeWithTheDomainRules) {
  testing::TempDir dir;
  testing::TestDb db(dir);
  auto store = db.Open();
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->SyncConfig(testing::TestConfig()).ok());
  std::mt19937 rng(12345);
  const std::vector<std::string> services = {"R", "N", "P"};
  std::vector<Ticket> all;
  ASSERT_TRUE((*store)->Write([&](WriteTx& tx) -> Status {
                for (int i = 0; i < 400; ++i) {
                  Ticket t;
                  t.branch_id = "test";
                  t.number_prefix = services[rng() % 3];
                  t.service_prefix = services[rng() % 3];
                  t.business_day = "2026-03-10";
                  auto n = tx.tickets().NextNumber("test", t.number_prefix, t.business_day);
                  if (!n.ok()) return n.status();
                  t.number = *n;
                  // Coarse times so ties happen often.
                  t.issue_time = kT0 + absl::Minutes(rng() % 60);
                  int kind = rng() % 10;
                  if (kind < 2) {
                    t.origin = Origin::kAppointment;
                    t.due_time = kT0 + absl::Minutes(rng() % 120);
                  } else if (kind < 4) {
                    t.priority = static_cast<Priority>(1 + rng() % 4);
                  }
                  // A few tickets are not waiting and must be ignored.
                  if (rng() % 8 == 0) t.state = TicketState::kDone;
                  QUEUE_RETURN_IF_ERROR(tx.tickets().InsertTicket(t));
                  all.push_back(t);
                }
                return Status::Ok();
              }).ok());

  for (int round = 0; round < 40; ++round) {
    absl::Time now = kT0 + absl::Minutes(rng() % 150);
    std::set<std::string> serving;
    for (const auto& s : services)
      if (rng() % 2) serving.insert(s);
    if (serving.empty()) serving.insert("R");
    ASSERT_TRUE((*store)->Read([&](ReadTx& tx) -> Status {
                  auto heads = tx.tickets().CallCandidates("test", serving, now);
                  EXPECT_TRUE(heads.ok());
                  auto want = PickNext(all, serving, now);
                  auto got = PickNext(*heads, serving, now);
                  EXPECT_EQ(want.has_value(), got.has_value());
                  if (want && got) {
                    EXPECT_EQ(all[*want].id, (*heads)[*got].id) << "round " << round;
                  }
                  for (const Ticket& t : all) {
                    if (t.state != TicketState::kWaiting || rng() % 4) continue;
                    int position = 0;
                    const QueueTier mine = TierOf(t, now);
                    for (QueueTier tier : kAllTiers) {
                      if (tier > mine) break;
                      auto n = tx.tickets().CountWaiting("test", t.service_prefix, tier, now,
                                               tier == mine ? &t : nullptr);
                      EXPECT_TRUE(n.ok());
                      position += *n;
                    }
                    EXPECT_EQ(position, PositionOf(t, all, now)) << "ticket " << t.id;
                  }
                  return Status::Ok();
                }).ok());
  }
}

}  // namespace
}  // namespace shop::queue
