// pg::Engine on its own, with plain SQL, on a throwaway cluster: requests
// that queue while the writer is busy share one COMMIT; a neighbour that
// fails, or whose statement fails in the middle of the batch, loses only its
// own work; a lost race runs again; reads never see uncommitted work; the
// database down gives UNAVAILABLE quickly and the engine recovers by itself.
#include "server/storage/postgres/pg_engine.h"

#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/pg_cluster.h"

namespace shop::queue::pg {
namespace {

using testing::PgCluster;
using Request = std::function<Status(Conn&)>;

Request Insert(int key) {
  return [key](Conn& conn) -> Status {
    return conn.Query("INSERT INTO kv (k, v) VALUES ($1, 'v')", {key}).status();
  };
}

Request InsertThenFail(int key) {
  return [key](Conn& conn) -> Status {
    QUEUE_RETURN_IF_ERROR(Insert(key)(conn));
    return Status::FailedPrecondition("refused after writing");
  };
}

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 10000 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return done();
}

class PgEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = PgCluster::Start();
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    cluster_ = std::move(cluster).value();
    const std::string name = cluster_->UniqueName("engine");
    ASSERT_TRUE(cluster_->CreateDatabase(name).ok());
    uri_ = cluster_->Uri(name);
    auto conn = Conn::Open(uri_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE((*conn)->Exec("CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT)").ok());
    EngineOptions options;
    options.connection.connect_timeout = std::chrono::seconds(2);
    engine_ = std::make_unique<Engine>(uri_, options, std::move(conn).value());
  }

  // Runs `requests` as one batch: a first write holds the writer until they
  // have all queued behind it. Returns each request's answer.
  std::vector<Status> RunAsOneBatch(const std::vector<Request>& requests) {
    std::promise<void> holding, release;
    std::shared_future<void> released = release.get_future().share();
    std::thread holder([&] {
      Status st = engine_->Write([&](Conn&) {
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
    Status st = engine_->Read([&](Conn& conn) -> Status {
      auto rows = conn.Query("SELECT 1 FROM kv WHERE k = $1", {key});
      if (!rows.ok()) return rows.status();
      found = rows->size() == 1;
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return found;
  }

  std::unique_ptr<PgCluster> cluster_;
  std::string uri_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(PgEngineTest, QueuedRequestsShareOneCommitAndFailingNeighboursLoseOnlyTheirOwnWork) {
  const int64_t commits = engine_->commit_count();
  // 0..9: 1, 4 and 7 refuse after writing; 5 repeats key 3, which 3 wrote
  // in the same transaction (a unique violation: a failed statement in the
  // middle of the batch).
  std::vector<Request> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(i % 3 == 1 ? InsertThenFail(i) : Insert(i));
  batch[5] = Insert(3);
  auto answers = RunAsOneBatch(batch);
  EXPECT_EQ(engine_->commit_count() - commits, 2) << "the holder's commit, then one for ten";
  for (int i = 0; i < 10; ++i) {
    const bool should = i % 3 != 1 && i != 5;
    EXPECT_EQ(answers[i].ok(), should) << i << ": " << answers[i].ToString();
  }
  EXPECT_EQ(answers[5].code(), Status::Code::kAlreadyExists) << answers[5].ToString();
  for (int k : {0, 2, 3, 6, 8, 9}) EXPECT_TRUE(Stored(k)) << k;
  for (int k : {1, 4, 5, 7}) EXPECT_FALSE(Stored(k)) << k;
}

TEST_F(PgEngineTest, ALostRaceRunsAgainButADomainRefusalDoesNot) {
  // The server reports a serialization failure (SQLSTATE 40001), as it does
  // for a race another transaction won: the request runs again.
  int runs = 0;
  Status st = engine_->Write([&](Conn& conn) -> Status {
    QUEUE_RETURN_IF_ERROR(Insert(100 + runs)(conn));
    if (++runs == 1)
      return conn.Exec(
          "DO $$ BEGIN RAISE EXCEPTION 'lost' USING ERRCODE = 'serialization_failure'; END $$");
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(runs, 2);
  EXPECT_FALSE(Stored(100)) << "the first run's work was rolled back";
  EXPECT_TRUE(Stored(101));
  // The domain's own ABORTED ("paid meanwhile") would only fail again: once.
  int refused = 0;
  st = engine_->Write([&](Conn& conn) -> Status {
    ++refused;
    QUEUE_RETURN_IF_ERROR(Insert(200)(conn));
    return Status::Aborted("the case was paid meanwhile");
  });
  EXPECT_EQ(st.code(), Status::Code::kAborted);
  EXPECT_EQ(refused, 1);
  EXPECT_FALSE(Stored(200));
}

TEST_F(PgEngineTest, AReadNeitherWaitsForTheWriterNorSeesItsUncommittedWork) {
  std::promise<void> inside, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread writer([&] {
    EXPECT_TRUE(engine_->Write([&](Conn& conn) {
                  QUEUE_RETURN_IF_ERROR(Insert(7)(conn));
                  inside.set_value();
                  released.wait();
                  return Status::Ok();
                }).ok());
  });
  inside.get_future().wait();
  const auto began = std::chrono::steady_clock::now();
  EXPECT_FALSE(Stored(7));
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5));
  release.set_value();
  writer.join();
  EXPECT_TRUE(Stored(7));
}

TEST_F(PgEngineTest, TheDatabaseDownIsUnavailableQuicklyAndTheEngineRecoversByItself) {
  ASSERT_TRUE(engine_->Write(Insert(1)).ok());
  ASSERT_TRUE(Stored(1));
  ASSERT_TRUE(cluster_->Stop(PgCluster::StopMode::kFast).ok());
  for (int i = 0; i < 3; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    Status w = engine_->Write(Insert(10 + i));
    EXPECT_EQ(w.code(), Status::Code::kUnavailable) << w.ToString();
    Status r = engine_->Read([](Conn&) { return Status::Ok(); });
    EXPECT_EQ(r.code(), Status::Code::kUnavailable) << r.ToString();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(8));
  }
  ASSERT_TRUE(cluster_->StartAgain().ok());
  Status w;
  const auto up = std::chrono::steady_clock::now();
  do {
    w = engine_->Write(Insert(20));
    if (!w.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (!w.ok() && std::chrono::steady_clock::now() - up < std::chrono::seconds(15));
  EXPECT_TRUE(w.ok()) << w.ToString();
  bool read_back = false;
  for (int i = 0; i < 20 && !read_back; ++i) {
    Status r = engine_->Read([&](Conn& conn) -> Status {
      auto rows = conn.Query("SELECT COUNT(*) AS n FROM kv");
      if (!rows.ok()) return rows.status();
      read_back = rows->Int(0, "n") == 2;  // 1 and 20; nothing of the failed ones
      return Status::Ok();
    });
    if (!r.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(read_back);
}

}  // namespace
}  // namespace shop::queue::pg
