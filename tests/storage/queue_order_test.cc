// The store's indexed answers to "who is first" (CallCandidates) and "how
// many are ahead" (CountWaiting) agree with the domain's reference rules
// (PickNext, PositionOf over every waiting ticket), on random queues with
// appointments, priorities, equal issue times and several services, while
// tickets are called, put back, transferred and re-prioritised. On SQLite
// the walk-in tiers are counted from a tally kept by triggers: it must
// match a count of the rows after every change, and after migrating a file
// that already had waiting tickets.
#include <random>

#include <gtest/gtest.h>

#include "server/domain/queue/queue_policy.h"
#include "server/storage/sqlite/migrations.h"
#include "server/storage/sqlite/sqlite_store.h"
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
    // Some tickets change: called, back to waiting, moved to another
    // service, given or relieved of priority.
    ASSERT_TRUE((*store)->Write([&](WriteTx& tx) -> Status {
                  for (int i = 0; i < 15; ++i) {
                    Ticket& t = all[rng() % all.size()];
                    const TicketState was = t.state;
                    switch (rng() % 4) {
                      case 0:
                        t.state = was == TicketState::kWaiting ? TicketState::kCalled
                                                               : TicketState::kWaiting;
                        break;
                      case 1: t.service_prefix = services[rng() % 3]; break;
                      case 2:
                        if (t.origin == Origin::kWalkIn)
                          t.priority = t.priority == Priority::kNone ? Priority::kDisabled
                                                                     : Priority::kNone;
                        break;
                      default: t.state = TicketState::kDone; break;
                    }
                    QUEUE_RETURN_IF_ERROR(tx.tickets().UpdateTicket(t, was));
                  }
                  return Status::Ok();
                }).ok());
    if (!testing::TestOnPostgres()) {
      EXPECT_EQ(db.QueryInt("SELECT COUNT(*) FROM (SELECT branch_id, service_prefix, "
                            "CASE WHEN priority > 0 THEN 1 ELSE 2 END AS tier, COUNT(*) AS n "
                            "FROM tickets WHERE state = 1 AND origin = 1 GROUP BY 1, 2, 3 "
                            "EXCEPT SELECT branch_id, service_prefix, tier, waiting "
                            "FROM waiting_tally)"),
                0)
          << "round " << round << ": the tally differs from the rows";
    }
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

TEST(QueueOrder, AMigratedFileTalliesTheTicketsAlreadyWaiting) {
  SKIP_ON_POSTGRES("an old SQLite file migrating");
  testing::TempDir dir;
  testing::TestDb db(dir);
  // A database as the release before the tally left it, with tickets
  // waiting in two tiers, one called and one appointment.
  std::string v12 = "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                    "INSERT INTO schema_version VALUES (12);";
  for (int i = 0; i < 12; ++i) v12 += sqlite::MigrationSql(i);
  v12 += "INSERT INTO branches VALUES ('test', 'Test shop', 'Europe/Moscow');"
         "INSERT INTO services VALUES ('test', 'R', 'r', 'r', 'r');";
  const char* kRows[] = {"(1, 1, 1, 0, 1)", "(2, 2, 1, 0, 1)", "(3, 3, 1, 2, 1)",
                         "(4, 4, 2, 0, 1)", "(5, 5, 1, 0, 2)"};
  for (const char* row : kRows)
    v12 += std::string("INSERT INTO tickets (ticket_id, number, state, priority, origin, "
                       "branch_id, number_prefix, business_day, service_prefix, language, "
                       "issue_us) SELECT column1, column2, column3, column4, column5, 'test', "
                       "'R', '2027-01-15', 'R', 1, column1 FROM (VALUES ") +
           row + ");";
  ASSERT_TRUE(db.Exec(v12).ok());
  auto store = db.Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(db.QueryInt("SELECT version FROM schema_version"), SqliteStore::LatestSchemaVersion());
  EXPECT_EQ(db.QueryInt("SELECT waiting FROM waiting_tally WHERE tier = 2"), 2);
  EXPECT_EQ(db.QueryInt("SELECT waiting FROM waiting_tally WHERE tier = 1"), 1);
  // And the counts the kiosk shows come out of it.
  ASSERT_TRUE((*store)->Read([&](ReadTx& tx) -> Status {
                auto walk_ins = tx.tickets().CountWaiting("test", "R", QueueTier::kWalkIn,
                                                          kT0, nullptr);
                EXPECT_TRUE(walk_ins.ok());
                EXPECT_EQ(*walk_ins, 2);
                return Status::Ok();
              }).ok());
}

}  // namespace
}  // namespace shop::queue
