// SqliteStore on a real file in a temp dir: migrations, reopen, group commit
// isolation, a full disk.
#include "server/storage/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

using testing::TempDir;
using testing::TestConfig;

int64_t QueryInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

std::string QueryText(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
  std::string v;
  if (sqlite3_step(st) == SQLITE_ROW) v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

// Inserts the next ticket of `prefix` (after `edit`, if given, changed it);
// errors come back as values.
Result<Ticket> NewTicket(WriteTx& tx, const std::string& prefix, const std::string& day,
                         const std::function<void(Ticket&)>& edit = nullptr) {
  Ticket t;
  t.branch_id = "test";
  t.number_prefix = prefix;
  t.service_prefix = prefix;
  t.business_day = day;
  auto n = tx.tickets().NextNumber("test", prefix, day);
  if (!n.ok()) return n.status();
  t.number = *n;
  t.issue_time = absl::FromUnixSeconds(1'800'000'000);
  if (edit) edit(t);
  QUEUE_RETURN_IF_ERROR(tx.tickets().InsertTicket(t));
  return t;
}

TEST(SqliteStore, MigratesFromEmptyWithWalAndFullSync) {
  TempDir dir;
  std::string path = dir.File("q.db");
  {
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->SyncConfig(TestConfig()).ok());
  }
  EXPECT_EQ(QueryInt(path, "SELECT version FROM schema_version"),
            SqliteStore::LatestSchemaVersion());
  EXPECT_EQ(QueryText(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM services WHERE branch_id = 'test'"), 3);
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM counters WHERE branch_id = 'test'"), 3);
}

TEST(SqliteStore, ReopenKeepsDataAndNumbering) {
  TempDir dir;
  std::string path = dir.File("q.db");
  {
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->SyncConfig(TestConfig()).ok());
    ASSERT_TRUE((*store)->Write([](WriteTx& tx) {
                  QUEUE_RETURN_IF_ERROR(NewTicket(tx, "R", "2026-03-10").status());
                  return NewTicket(tx, "R", "2026-03-10").status();
                }).ok());
  }
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->SyncConfig(TestConfig()).ok());  // idempotent on restart
  int next = 0;
  ASSERT_TRUE((*store)->Write([&](WriteTx& tx) {
                auto t = NewTicket(tx, "R", "2026-03-10");
                if (t.ok()) next = t->number;
                return t.status();
              }).ok());
  EXPECT_EQ(next, 3);
  EXPECT_EQ(*(*store)->IntegrityCheck(), "ok");
}

TEST(SqliteStore, RefusesADatabaseFromANewerServer) {
  TempDir dir;
  std::string path = dir.File("q.db");
  { ASSERT_TRUE(SqliteStore::Open(path).ok()); }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "UPDATE schema_version SET version = 999", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("newer"), std::string::npos);
}

// The admin commands' mode: an existing database at this schema version, or
// an error; nothing is created or migrated by trying.
TEST(SqliteStore, OpeningAnExistingDatabaseNeverCreatesOrMigrates) {
  TempDir dir;
  const std::string path = dir.File("q.db");
  SqliteStoreOptions existing;
  existing.mode = SqliteStoreOptions::OpenMode::kExisting;
  auto missing = SqliteStore::Open(path, existing);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find(path), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path)) << "opening created the file";

  { ASSERT_TRUE(SqliteStore::Open(path).ok()); }  // serving creates it
  EXPECT_TRUE(SqliteStore::Open(path, existing).ok());

  const int64_t latest = SqliteStore::LatestSchemaVersion();
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, ("UPDATE schema_version SET version = " + std::to_string(latest - 1)).c_str(),
               nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto older = SqliteStore::Open(path, existing);
  ASSERT_FALSE(older.ok());
  EXPECT_EQ(older.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(older.status().message().find("older"), std::string::npos)
      << older.status().message();
  EXPECT_EQ(QueryInt(path, "SELECT version FROM schema_version"), latest - 1) << "not migrated";
}

TEST(SqliteStore, AFailedWriteDoesNotFailItsNeighbours) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("q.db"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->SyncConfig(TestConfig()).ok());
  constexpr int kThreads = 16;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Status st = (*store)->Write([&](WriteTx& tx) -> Status {
        QUEUE_RETURN_IF_ERROR(NewTicket(tx, "R", "2026-03-10").status());
        if (i % 2) return Status::FailedPrecondition("odd requests fail after writing");
        return Status::Ok();
      });
      (st.ok() ? ok : failed)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads / 2);
  EXPECT_EQ(failed.load(), kThreads / 2);
  // Only the successful requests' tickets exist; numbers have no gap.
  std::vector<Ticket> tickets;
  ASSERT_TRUE((*store)->Read([&](ReadTx& tx) {
                tickets = *tx.tickets().ListTickets("test", "2026-03-10", std::nullopt, 0, 1000);
                return Status::Ok();
              }).ok());
  ASSERT_EQ(tickets.size(), static_cast<size_t>(kThreads / 2));
  std::set<int> numbers;
  for (const auto& t : tickets) numbers.insert(t.number);
  EXPECT_EQ(*numbers.begin(), 1);
  EXPECT_EQ(*numbers.rbegin(), kThreads / 2);
}

TEST(SqliteStore, FullDiskIsResourceExhaustedAndLosesNothing) {
  TempDir dir;
  std::string path = dir.File("q.db");
  int before = 0;
  {
    auto store = SqliteStore::Open(path, {.reader_connections = 2, .max_page_count = 40});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->SyncConfig(TestConfig()).ok());
    Status st;
    while (st.ok() && before < 100000) {
      st = (*store)->Write([](WriteTx& tx) {
        auto made = NewTicket(tx, "R", "2026-03-10");
        if (!made.ok()) return made.status();
        const Ticket& t = *made;
        TicketEvent e{t.id, "test", t.issue_time, "create", TicketState::kWaiting,
                      TicketState::kWaiting, "", "", 0, std::string(200, 'x')};
        return tx.tickets().AppendEvent(e);
      });
      if (st.ok()) ++before;
    }
    EXPECT_EQ(st.code(), Status::Code::kResourceExhausted) << st.ToString();
    EXPECT_GT(before, 10);
  }
  // Everything answered OK is still there; a store with room writes again.
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM tickets"), before);
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  int next = 0;
  ASSERT_TRUE((*store)->Write([&](WriteTx& tx) {
                auto t = NewTicket(tx, "R", "2026-03-10");
                if (t.ok()) next = t->number;
                return t.status();
              }).ok());
  EXPECT_EQ(next, before + 1);
  EXPECT_EQ(*(*store)->IntegrityCheck(), "ok");
}

}  // namespace
}  // namespace shop::queue

namespace shop::queue {
namespace {

// The board's due appointments: waiting appointment tickets due by the
// given time, earliest first, as many as asked; walk-ins, called tickets and
// other branches' tickets are not among them.
TEST(SqliteStore, DueAppointmentsAreWaitingAppointmentsEarliestFirst) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("q.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->SyncConfig(TestConfig()).ok());
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  std::vector<int64_t> ids;  // appointments due at t0 + 12 min, + 11, ... + 1
  // An appointment ticket of R due at `due`, in `state`.
  auto appointment = [&](WriteTx& tx, absl::Time due, TicketState state) {
    return NewTicket(tx, "R", "2027-01-15", [&](Ticket& t) {
      t.origin = Origin::kAppointment;
      t.due_time = due;
      t.state = state;
      if (state == TicketState::kCalled) {
        t.call_time = t0;
        t.counter_id = "1";
      }
    });
  };
  ASSERT_TRUE((*store)
                  ->Write([&](WriteTx& tx) -> Status {
                    for (int i = 12; i >= 1; --i) {
                      auto t = appointment(tx, t0 + absl::Minutes(i), TicketState::kWaiting);
                      if (!t.ok()) return t.status();
                      ids.push_back(t->id);
                    }
                    auto walk_in = NewTicket(tx, "N", "2027-01-15");
                    if (!walk_in.ok()) return walk_in.status();
                    return appointment(tx, t0, TicketState::kCalled).status();
                  })
                  .ok());
  std::vector<Ticket> due;
  ASSERT_TRUE((*store)
                  ->Read([&](ReadTx& tx) -> Status {
                    auto r = tx.tickets().DueAppointments("test", t0 + absl::Minutes(11), 10);
                    if (!r.ok()) return r.status();
                    due = *r;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(due.size(), 10u);  // 11 are due by then; the limit holds
  EXPECT_EQ(due.front().id, ids[11]);  // due at + 1 min
  EXPECT_EQ(due.front().due_time, t0 + absl::Minutes(1));
  EXPECT_EQ(due.back().id, ids[2]);  // due at + 10 min
  for (size_t i = 1; i < due.size(); ++i) EXPECT_LT(due[i - 1].due_time, due[i].due_time);
}

// A device's status is one row per branch and device: saved again, it
// replaces the row; it is still there after the store is reopened.
TEST(SqliteStore, DeviceStatusIsUpsertedAndKept) {
  TempDir dir;
  const std::string path = dir.File("q.db");
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  {
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->SyncConfig(TestConfig()).ok());
    DeviceStatus d{"test", "hall-1", PrinterState::kOk, "", t0, t0};
    ASSERT_TRUE((*store)->Write([&](WriteTx& tx) { return tx.staff().SaveDeviceStatus(d); }).ok());
    d.printer_state = PrinterState::kOutOfPaper;
    d.detail = "paper end";
    d.report_time = d.change_time = t0 + absl::Minutes(1);
    ASSERT_TRUE((*store)->Write([&](WriteTx& tx) { return tx.staff().SaveDeviceStatus(d); }).ok());
  }
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM device_status"), 1);
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  std::optional<DeviceStatus> got;
  std::vector<DeviceStatus> all;
  ASSERT_TRUE((*store)
                  ->Read([&](ReadTx& tx) -> Status {
                    auto one = tx.staff().GetDeviceStatus("test", "hall-1");
                    if (!one.ok()) return one.status();
                    got = *one;
                    auto list = tx.staff().ListDeviceStatus("test");
                    if (!list.ok()) return list.status();
                    all = *list;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->printer_state, PrinterState::kOutOfPaper);
  EXPECT_EQ(got->detail, "paper end");
  EXPECT_EQ(got->change_time, t0 + absl::Minutes(1));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].device_id, "hall-1");
}

}  // namespace
}  // namespace shop::queue
