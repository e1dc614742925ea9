// The outbox's delivery state in the store, on both engines: what is due and
// in which order, marking sent / failed / dead only while pending, the
// admins' list by state, retrying a dead message, and the language kept.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "server/domain/store.h"
#include "server/storage/sqlite/migrations.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/support/test_config.h"
#include "tests/support/test_db.h"

namespace shop::queue {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

class OutboxStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = db_.Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  int64_t Enqueue(absl::Time created, const std::string& to = "+79990000001",
                  int language = 1, const std::string& channel = "sms") {
    OutboxMessage m{0, created, channel, to, "text " + to, "case:1"};
    m.language = language;
    EXPECT_TRUE(store_->Write([&](WriteTx& tx) { return tx.outbox().EnqueueMessage(m); }).ok());
    return m.id;
  }

  std::vector<OutboxMessage> Due(absl::Time now, int limit = 100) {
    std::vector<OutboxMessage> out;
    EXPECT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
      auto r = tx.outbox().DueMessages(now, limit);
      if (!r.ok()) return r.status();
      out = *r;
      return Status::Ok();
    }).ok());
    return out;
  }

  std::vector<OutboxMessage> List(std::optional<OutboxState> state, int limit = 100) {
    std::vector<OutboxMessage> out;
    EXPECT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
      auto r = tx.outbox().ListOutbox(state, limit);
      if (!r.ok()) return r.status();
      out = *r;
      return Status::Ok();
    }).ok());
    return out;
  }

  Status Sent(int64_t id, absl::Time at) {
    return store_->Write([&](WriteTx& tx) { return tx.outbox().MarkSent(id, at); });
  }
  Status Failed(int64_t id, int attempts, absl::Time next, const std::string& err, bool dead) {
    return store_->Write(
        [&](WriteTx& tx) { return tx.outbox().MarkFailed(id, attempts, next, err, dead); });
  }

  testing::TempDir dir_;
  testing::TestDb db_{dir_};
  std::unique_ptr<EngineStore> store_;
};

std::vector<int64_t> Ids(const std::vector<OutboxMessage>& v) {
  std::vector<int64_t> out;
  for (const auto& m : v) out.push_back(m.id);
  return out;
}

TEST_F(OutboxStoreTest, ANewMessageIsPendingAndDueAtOnceWithItsLanguage) {
  const int64_t id = Enqueue(kT0, "+79990000001", 3);
  auto due = Due(kT0);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, id);
  EXPECT_EQ(due[0].state, OutboxState::kPending);
  EXPECT_EQ(due[0].attempts, 0);
  EXPECT_EQ(due[0].language, 3);
  EXPECT_EQ(due[0].created, kT0);
  EXPECT_EQ(due[0].next_try, kT0);
  EXPECT_EQ(due[0].recipient, "+79990000001");
  EXPECT_EQ(due[0].text, "text +79990000001");
  EXPECT_FALSE(due[0].sent.has_value());
  EXPECT_TRUE(Due(kT0 - absl::Seconds(1)).empty());  // not before it was made
}

TEST_F(OutboxStoreTest, DueMessagesComeEarliestFirstUpToTheLimit) {
  const int64_t a = Enqueue(kT0);
  const int64_t b = Enqueue(kT0 + absl::Seconds(1));
  const int64_t c = Enqueue(kT0 + absl::Seconds(2));
  // a failed and waits until +10 s: b and c come before it.
  ASSERT_TRUE(Failed(a, 1, kT0 + absl::Seconds(10), "HTTP 500", false).ok());
  EXPECT_EQ(Ids(Due(kT0 + absl::Seconds(5))), (std::vector<int64_t>{b, c}));
  EXPECT_EQ(Ids(Due(kT0 + absl::Seconds(10))), (std::vector<int64_t>{b, c, a}));
  EXPECT_EQ(Ids(Due(kT0 + absl::Seconds(10), 2)), (std::vector<int64_t>{b, c}));
}

TEST_F(OutboxStoreTest, SentMessagesAreNeverDueAgainAndMarkingTwiceIsNotFound) {
  const int64_t id = Enqueue(kT0);
  ASSERT_TRUE(Sent(id, kT0 + absl::Seconds(3)).ok());
  EXPECT_TRUE(Due(kT0 + absl::Hours(1)).empty());
  auto list = List(OutboxState::kSent);
  ASSERT_EQ(list.size(), 1u);
  ASSERT_TRUE(list[0].sent.has_value());
  EXPECT_EQ(*list[0].sent, kT0 + absl::Seconds(3));
  EXPECT_EQ(Sent(id, kT0).code(), Status::Code::kNotFound);
  EXPECT_EQ(Failed(id, 1, kT0, "x", false).code(), Status::Code::kNotFound);
  EXPECT_EQ(Sent(9999, kT0).code(), Status::Code::kNotFound);
}

TEST_F(OutboxStoreTest, AFailureKeepsAttemptsAndErrorAndDeadLeavesTheQueue) {
  const int64_t id = Enqueue(kT0);
  ASSERT_TRUE(Failed(id, 1, kT0 + absl::Seconds(10), "gateway answered HTTP 500", false).ok());
  auto due = Due(kT0 + absl::Seconds(10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].attempts, 1);
  EXPECT_EQ(due[0].last_error, "gateway answered HTTP 500");
  EXPECT_EQ(due[0].next_try, kT0 + absl::Seconds(10));
  ASSERT_TRUE(Failed(id, 2, kT0 + absl::Seconds(10), "curl: timeout", true).ok());
  EXPECT_TRUE(Due(kT0 + absl::Hours(100)).empty());
  auto dead = List(OutboxState::kDead);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].attempts, 2);
  EXPECT_EQ(dead[0].last_error, "curl: timeout");
  EXPECT_EQ(Sent(id, kT0).code(), Status::Code::kNotFound);  // dead is final for the sender
}

TEST_F(OutboxStoreTest, AnAdminPutsADeadMessageBackToPending) {
  const int64_t id = Enqueue(kT0);
  const int64_t other = Enqueue(kT0);
  ASSERT_TRUE(Failed(id, 5, kT0, "HTTP 500", true).ok());
  EXPECT_EQ(store_->Write([&](WriteTx& tx) {
    return tx.outbox().RetryDead(other, kT0);
  }).code(), Status::Code::kNotFound);  // pending, not dead
  ASSERT_TRUE(store_->Write([&](WriteTx& tx) {
    return tx.outbox().RetryDead(id, kT0 + absl::Hours(1));
  }).ok());
  auto due = Due(kT0 + absl::Hours(1));
  ASSERT_EQ(Ids(due), (std::vector<int64_t>{other, id}));
  EXPECT_EQ(due[1].attempts, 0);
  EXPECT_EQ(due[1].state, OutboxState::kPending);
}

TEST_F(OutboxStoreTest, TheListIsNewestFirstFilteredByStateAndLimited) {
  const int64_t a = Enqueue(kT0);
  const int64_t b = Enqueue(kT0, "ivan@example.ru", 2, "email");
  const int64_t c = Enqueue(kT0);
  ASSERT_TRUE(Sent(a, kT0).ok());
  ASSERT_TRUE(Failed(b, 1, kT0, "x", true).ok());
  EXPECT_EQ(Ids(List(std::nullopt)), (std::vector<int64_t>{c, b, a}));
  EXPECT_EQ(Ids(List(std::nullopt, 2)), (std::vector<int64_t>{c, b}));
  EXPECT_EQ(Ids(List(OutboxState::kPending)), (std::vector<int64_t>{c}));
  EXPECT_EQ(Ids(List(OutboxState::kSent)), (std::vector<int64_t>{a}));
  EXPECT_EQ(Ids(List(OutboxState::kDead)), (std::vector<int64_t>{b}));
  EXPECT_EQ(List(OutboxState::kDead)[0].channel, "email");
}

TEST_F(OutboxStoreTest, TheDueQueryUsesThePartialIndex) {
  SKIP_ON_POSTGRES("SQLite's query plan");
  auto rows = db_.Query(
      "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE state = 0 AND next_try_us <= 5 "
      "ORDER BY next_try_us, id LIMIT 10");
  ASSERT_TRUE(rows.ok());
  std::string plan;
  for (const auto& r : *rows) plan += r.back() + "\n";
  EXPECT_NE(plan.find("outbox_due"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

// A database of the release before the outbox's delivery state: messages
// already marked sent stay sent, the rest become pending, due from when they
// were queued, and the old "unsent" index gives way to outbox_due.
TEST(OutboxMigration, OldMessagesGetTheirStates) {
  SKIP_ON_POSTGRES("an old SQLite file migrating");
  testing::TempDir dir;
  const std::string path = dir.File("v13.db");
  std::string v13 = "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                    "INSERT INTO schema_version VALUES (13);";
  for (int i = 0; i < 13; ++i) v13 += sqlite::MigrationSql(i);
  v13 += "INSERT INTO outbox (id, created_us, channel, recipient, text, subject, sent_us) VALUES "
         "(1, 100, 'sms', '+79160000001', 'a', 'case:1', 150),"
         "(2, 200, 'email', 'a@example.ru', 'b', 'booking:2', NULL);";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, v13.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<OutboxMessage> all, due;
  ASSERT_TRUE((*store)->Read([&](ReadTx& tx) -> Status {
    auto a = tx.outbox().ListOutbox(std::nullopt, 10);
    auto d = tx.outbox().DueMessages(absl::FromUnixMicros(1000), 10);
    if (!a.ok()) return a.status();
    if (!d.ok()) return d.status();
    all = *a;
    due = *d;
    return Status::Ok();
  }).ok());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].id, 1);
  EXPECT_EQ(all[1].state, OutboxState::kSent);
  ASSERT_TRUE(all[1].sent.has_value());
  EXPECT_EQ(absl::ToUnixMicros(*all[1].sent), 150);
  EXPECT_EQ(all[0].state, OutboxState::kPending);
  EXPECT_EQ(all[0].language, 0);  // unknown for old rows
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, 2);
  EXPECT_EQ(absl::ToUnixMicros(due[0].next_try), 200);
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT group_concat(name) FROM sqlite_master WHERE type = 'index' "
                               "AND tbl_name = 'outbox' AND name LIKE 'outbox_%' ORDER BY name",
                               -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  const std::string indexes = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  EXPECT_NE(indexes.find("outbox_due"), std::string::npos) << indexes;
  EXPECT_EQ(indexes.find("outbox_unsent"), std::string::npos) << indexes;
}

}  // namespace
}  // namespace shop::queue
