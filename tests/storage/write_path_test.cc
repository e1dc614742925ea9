// SqliteStore's write and read protocol under injected statement failures
// (sqlite::StatementFaults): group commit shares one COMMIT, a request that
// fails leaves nothing behind, a failed step of the transaction protocol
// fails the whole transaction (OK always means stored), and read
// connections go back to the pool whatever happens.
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "server/storage/sqlite/sql.h"
#include "server/storage/sqlite/sqlite_db.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

using sqlite::StatementFaults;
using testing::TempDir;
using testing::TestConfig;
using Request = std::function<Status(WriteTx&)>;

// Request i of a batch writes one ticket on its own business day, so what
// landed can be told apart per request.
std::string DayOf(int i) { return "2026-04-" + std::to_string(10 + i); }

Status WriteTicket(WriteTx& tx, int i) {
  Ticket t;
  t.branch_id = "test";
  t.number_prefix = "R";
  t.service_prefix = "R";
  t.business_day = DayOf(i);
  auto n = tx.tickets().NextNumber("test", "R", t.business_day);
  if (!n.ok()) return n.status();
  t.number = *n;
  t.issue_time = absl::FromUnixSeconds(1'800'000'000);
  return tx.tickets().InsertTicket(t);
}

Request Writes(int i) {
  return [i](WriteTx& tx) { return WriteTicket(tx, i); };
}

// Writes, then refuses: its partial write must never land.
Request WritesThenFails(int i) {
  return [i](WriteTx& tx) -> Status {
    QUEUE_RETURN_IF_ERROR(WriteTicket(tx, i));
    return Status::FailedPrecondition("refused after writing");
  };
}

int TicketsOn(SqliteStore& store, int i) {
  int n = -1;
  Status st = store.Read([&](ReadTx& tx) {
    auto list = tx.tickets().ListTickets("test", DayOf(i), std::nullopt, 0, 100);
    if (!list.ok()) return list.status();
    n = static_cast<int>(list->size());
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return n;
}

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 10000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

// Runs `requests` as one batch of the writer, in this order: a first write
// holds the writer thread until they have all queued behind it. `armed` runs
// while the writer is held (the holder's own SAVEPOINT has run, its RELEASE
// and COMMIT have not). Returns each request's answer.
std::vector<Status> RunAsOneBatch(SqliteStore& store, const std::vector<Request>& requests,
                                  const std::function<void()>& armed = {}) {
  std::promise<void> holding, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread holder([&] {
    Status st = store.Write([&](WriteTx&) {
      holding.set_value();
      released.wait();
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
  });
  holding.get_future().wait();
  std::vector<Status> answers(requests.size());
  std::vector<std::thread> callers;
  for (size_t i = 0; i < requests.size(); ++i) {
    callers.emplace_back([&, i] { answers[i] = store.Write(requests[i]); });
    EXPECT_TRUE(WaitFor([&] { return store.queued_count() == static_cast<int64_t>(i + 1); }))
        << "request " << i << " did not queue";
  }
  if (armed) armed();
  release.set_value();
  holder.join();
  for (auto& t : callers) t.join();
  return answers;
}

class WritePathTest : public ::testing::Test {
 protected:
  void Open(SqliteStoreOptions options = {}, const std::string& file = "q.db") {
    options.fault_hook = faults_;
    auto s = SqliteStore::Open(dir_.File(file), options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->SyncConfig(TestConfig()).ok());
  }

  // Every request answered OK is stored, every other one left nothing.
  void ExpectOkMeansStored(const std::vector<Status>& answers) {
    for (size_t i = 0; i < answers.size(); ++i)
      EXPECT_EQ(TicketsOn(*store_, static_cast<int>(i)), answers[i].ok() ? 1 : 0)
          << "request " << i << " answered " << answers[i].ToString();
  }

  TempDir dir_;
  std::shared_ptr<StatementFaults> faults_ = std::make_shared<StatementFaults>();
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(WritePathTest, ABatchSharesOneCommitAndAFailingNeighbourLeavesNothing) {
  Open();
  const int64_t commits = store_->commit_count();
  const int64_t writes = store_->write_count();
  std::vector<Request> requests;
  for (int i = 0; i < 8; ++i) requests.push_back(i % 2 ? WritesThenFails(i) : Writes(i));
  auto answers = RunAsOneBatch(*store_, requests);
  for (int i = 0; i < 8; ++i) {
    if (i % 2) EXPECT_EQ(answers[i].code(), Status::Code::kFailedPrecondition) << i;
    else EXPECT_TRUE(answers[i].ok()) << i << ": " << answers[i].ToString();
  }
  // The holder's transaction, then one for all eight requests.
  EXPECT_EQ(store_->write_count() - writes, 9);
  EXPECT_EQ(store_->commit_count() - commits, 2);
  ExpectOkMeansStored(answers);
}

struct StepFault {
  const char* name;
  StatementFaults::Rule rule;
};

// Executions counted once the writer is held: the holder's RELEASE and
// COMMIT come first, then the batch [A writes, B writes then fails, C
// writes] runs SAVEPOINT/RELEASE for A, SAVEPOINT/ROLLBACK TO/RELEASE for B,
// SAVEPOINT/RELEASE for C, then COMMIT.
const StepFault kBreakingFaults[] = {
    {"A's RELEASE", {sql::kRelease, 2}},
    {"A's RELEASE, transaction ended", {sql::kRelease, 2, 1, true}},
    {"B's ROLLBACK TO", {sql::kRollbackTo, 1}},
    {"B's ROLLBACK TO, transaction ended", {sql::kRollbackTo, 1, 1, true}},
    {"B's RELEASE after ROLLBACK TO", {sql::kRelease, 3}},
    {"C's RELEASE", {sql::kRelease, 4}},
    {"C's RELEASE, transaction ended", {sql::kRelease, 4, 1, true}},
    {"C's SAVEPOINT, transaction ended", {sql::kSavepoint, 3, 1, true}},
    {"COMMIT", {sql::kCommit, 2}},
    {"COMMIT, transaction ended", {sql::kCommit, 2, 1, true}},
};

TEST_F(WritePathTest, AFailedProtocolStepFailsTheWholeTransaction) {
  int n = 0;
  for (const StepFault& fault : kBreakingFaults) {
    SCOPED_TRACE(fault.name);
    faults_ = std::make_shared<StatementFaults>();
    Open({}, "q" + std::to_string(++n) + ".db");  // a fresh database per case
    const int64_t commits = store_->commit_count();
    auto answers = RunAsOneBatch(*store_, {Writes(0), WritesThenFails(1), Writes(2)},
                                 [&] { faults_->Add(fault.rule); });
    EXPECT_EQ(faults_->injected(), 1);
    for (const Status& a : answers) EXPECT_FALSE(a.ok()) << "answered OK, yet nothing committed";
    EXPECT_EQ(store_->commit_count() - commits, 1) << "only the holder's transaction commits";
    ExpectOkMeansStored(answers);
    // The writer goes on: the next write starts from a clean transaction.
    ASSERT_TRUE(store_->Write(Writes(0)).ok());
    EXPECT_EQ(TicketsOn(*store_, 0), 1);
    store_.reset();
  }
}

TEST_F(WritePathTest, AFailedSavepointFailsOnlyItsRequest) {
  Open();
  bool b_ran = false;
  auto answers = RunAsOneBatch(*store_,
                               {Writes(0),
                                [&](WriteTx& tx) {
                                  b_ran = true;
                                  return WriteTicket(tx, 1);
                                },
                                Writes(2)},
                               [&] { faults_->Add({sql::kSavepoint, 2}); });
  EXPECT_TRUE(answers[0].ok()) << answers[0].ToString();
  EXPECT_EQ(answers[1].code(), Status::Code::kUnavailable) << answers[1].ToString();
  EXPECT_FALSE(b_ran) << "a request ran without its savepoint";
  EXPECT_TRUE(answers[2].ok()) << answers[2].ToString();
  ExpectOkMeansStored(answers);
}

TEST_F(WritePathTest, AFailedBeginFailsTheBatchAndTheNextBatchRuns) {
  Open();
  auto answers = RunAsOneBatch(*store_, {Writes(0), Writes(1)},
                               [&] { faults_->Add({sql::kBeginImmediate, 1}); });
  EXPECT_FALSE(answers[0].ok());
  EXPECT_FALSE(answers[1].ok());
  ExpectOkMeansStored(answers);
  ASSERT_TRUE(store_->Write(Writes(1)).ok());
  EXPECT_EQ(TicketsOn(*store_, 1), 1);
}

TEST_F(WritePathTest, ATransactionLeftOpenByAFailedRollbackIsEndedBeforeTheNextBatch) {
  Open();
  // COMMIT fails, and so does the ROLLBACK after it: the writer connection
  // is left inside the failed transaction.
  auto answers = RunAsOneBatch(*store_, {Writes(0), Writes(1)}, [&] {
    faults_->Add({sql::kCommit, 2});
    faults_->Add({sql::kRollback, 1});
  });
  EXPECT_EQ(faults_->injected(), 2);
  EXPECT_FALSE(answers[0].ok());
  EXPECT_FALSE(answers[1].ok());
  // The next write must not run inside (and commit) the failed transaction.
  Status next = store_->Write(Writes(2));
  ASSERT_TRUE(next.ok()) << next.ToString();
  ExpectOkMeansStored(answers);
  EXPECT_EQ(TicketsOn(*store_, 2), 1);
}

// Runs store.Read(fn) on another thread; nullopt if it has not returned
// within `timeout` (the thread then stays blocked, and the store is leaked
// so that it outlives the thread).
std::optional<Status> ReadWithin(std::unique_ptr<SqliteStore>& store,
                                 const std::function<Status(ReadTx&)>& fn,
                                 std::chrono::seconds timeout) {
  auto result = std::make_shared<std::promise<Status>>();
  auto answer = result->get_future();
  std::thread([s = store.get(), fn, result] { result->set_value(s->Read(fn)); }).detach();
  if (answer.wait_for(timeout) != std::future_status::ready) {
    (void)store.release();
    return std::nullopt;
  }
  return answer.get();
}

TEST_F(WritePathTest, ReadsWhoseBeginFailsGiveTheirConnectionBack) {
  constexpr int kPool = 2;
  Open({.reader_connections = kPool});
  ASSERT_TRUE(store_->Write(Writes(0)).ok());
  faults_->Add({sql::kBegin, 1, 3 * kPool});
  auto count = [](ReadTx& tx) {
    return tx.tickets().ListTickets("test", DayOf(0), {}, 0, 10).status();
  };
  for (int i = 0; i < 3 * kPool; ++i) {
    auto st = ReadWithin(store_, count, std::chrono::seconds(10));
    ASSERT_TRUE(st.has_value()) << "read " << i << " waits forever for a connection";
    EXPECT_EQ(st->code(), Status::Code::kUnavailable) << st->ToString();
  }
  EXPECT_EQ(faults_->injected(), 3 * kPool);
  auto st = ReadWithin(store_, count, std::chrono::seconds(10));
  ASSERT_TRUE(st.has_value()) << "a normal read waits forever for a connection";
  EXPECT_TRUE(st->ok()) << st->ToString();
}

TEST_F(WritePathTest, AReadThatThrowsGivesItsConnectionBack) {
  Open({.reader_connections = 1});
  for (int i = 0; i < 3; ++i) {
    auto st = ReadWithin(
        store_, [](ReadTx&) -> Status { throw 42; }, std::chrono::seconds(10));
    ASSERT_TRUE(st.has_value()) << "read " << i << " waits forever for a connection";
    EXPECT_EQ(st->code(), Status::Code::kInternal);
  }
}

}  // namespace
}  // namespace shop::queue
