// WriteEngine on its own, with plain SQL (no repositories): requests that
// queue while the writer is busy share one COMMIT; a neighbour that fails, or
// runs out of disk in the middle of the batch, loses only its own work; a
// read never waits for the writer and never sees uncommitted work.
#include "server/storage/sqlite/write_engine.h"

#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "server/storage/sqlite/sqlite_db.h"
#include "tests/support/test_config.h"

namespace shop::queue::sqlite {
namespace {

using testing::TempDir;
using Request = std::function<Status(Db&)>;

Request Insert(int key, size_t bytes = 10) {
  return [key, bytes](Db& db) -> Status {
    auto st = db.Prepare("INSERT INTO kv (k, v) VALUES (?1, ?2)");
    if (!st.ok()) return st.status();
    (*st)->Bind(1, int64_t{key}).Bind(2, std::string(bytes, 'v'));
    return (*st)->Run();
  };
}

Request InsertThenFail(int key) {
  return [key](Db& db) -> Status {
    QUEUE_RETURN_IF_ERROR(Insert(key)(db));
    return Status::FailedPrecondition("refused after writing");
  };
}

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 10000 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return done();
}

class WriteEngineTest : public ::testing::Test {
 protected:
  void Start(int64_t max_page_count = 0) {
    auto db = Db::Open(dir_.File("e.db"), Db::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)->Exec("CREATE TABLE IF NOT EXISTS kv (k INTEGER PRIMARY KEY, v TEXT)").ok());
    if (max_page_count > 0)
      ASSERT_TRUE((*db)->Exec("PRAGMA max_page_count=" + std::to_string(max_page_count)).ok());
    engine_ = std::make_unique<WriteEngine>(dir_.File("e.db"), WriteEngineOptions{},
                                            std::move(db).value());
  }

  // Runs `requests` as one batch: a first write holds the writer until they
  // have all queued behind it. Returns each request's answer.
  std::vector<Status> RunAsOneBatch(const std::vector<Request>& requests) {
    std::promise<void> holding, release;
    std::shared_future<void> released = release.get_future().share();
    std::thread holder([&] {
      Status st = engine_->Write([&](Db&) {
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
      callers.emplace_back([&, i] { answers[i] = engine_->Write(requests[i]); });
      EXPECT_TRUE(WaitFor([&] { return engine_->queued_count() == int64_t(i + 1); })) << i;
    }
    release.set_value();
    holder.join();
    for (auto& t : callers) t.join();
    return answers;
  }

  bool Stored(int key) {
    bool found = false;
    Status st = engine_->Read([&](Db& db) -> Status {
      auto s = db.Prepare("SELECT 1 FROM kv WHERE k = ?1");
      if (!s.ok()) return s.status();
      (*s)->Bind(1, int64_t{key});
      found = (*s)->Step();
      return (*s)->status();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return found;
  }

  TempDir dir_;
  std::unique_ptr<WriteEngine> engine_;
};

TEST_F(WriteEngineTest, QueuedRequestsShareOneCommitAndAFailingNeighbourLeavesNothing) {
  Start();
  const int64_t commits = engine_->commit_count();
  std::vector<Request> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(i % 3 == 1 ? InsertThenFail(i) : Insert(i));
  auto answers = RunAsOneBatch(batch);
  EXPECT_EQ(engine_->commit_count() - commits, 2) << "the holder's commit, then one for ten";
  EXPECT_EQ(engine_->write_count(), 11);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(answers[i].ok(), i % 3 != 1) << i << ": " << answers[i].ToString();
    EXPECT_EQ(Stored(i), answers[i].ok()) << i;
  }
}

TEST_F(WriteEngineTest, AFullDiskInMidBatchFailsOnlyItsRequestAndTheNeighboursStillCommit) {
  Start(/*max_page_count=*/20);
  const int64_t commits = engine_->commit_count();
  // Small rows fit; the big one in the middle cannot. SQLite rolls the whole
  // transaction back on SQLITE_FULL: the engine answers the request at fault
  // and runs its neighbours again in the next transaction.
  auto answers = RunAsOneBatch({Insert(1), Insert(2), Insert(3, 200'000), Insert(4), Insert(5)});
  EXPECT_EQ(answers[2].code(), Status::Code::kResourceExhausted) << answers[2].ToString();
  for (int i : {0, 1, 3, 4}) EXPECT_TRUE(answers[i].ok()) << i << ": " << answers[i].ToString();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Stored(i + 1), answers[i].ok()) << "request " << i;
  EXPECT_EQ(engine_->commit_count() - commits, 2) << "the holder's, then the four neighbours'";
  // The engine goes on writing.
  EXPECT_TRUE(engine_->Write(Insert(6)).ok());
  EXPECT_TRUE(Stored(6));
}

TEST_F(WriteEngineTest, AReadNeitherWaitsForTheWriterNorSeesItsUncommittedWork) {
  Start();
  std::promise<void> inside, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread writer([&] {
    EXPECT_TRUE(engine_->Write([&](Db& db) {
                  QUEUE_RETURN_IF_ERROR(Insert(7)(db));
                  inside.set_value();
                  released.wait();
                  return Status::Ok();
                }).ok());
  });
  inside.get_future().wait();
  auto began = std::chrono::steady_clock::now();
  EXPECT_FALSE(Stored(7));
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5));
  release.set_value();
  writer.join();
  EXPECT_TRUE(Stored(7));
}

}  // namespace
}  // namespace shop::queue::sqlite
