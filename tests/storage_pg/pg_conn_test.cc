// pg::Conn against a throwaway PostgreSQL 15 cluster (PgCluster): parameters
// and reads by name, the mapping of server errors to Status codes, timeouts,
// a server that goes away and comes back, and LISTEN/NOTIFY.
//
// Text parameters: a string that is not valid UTF-8, or holds a NUL byte, is
// refused by Conn with kInvalidArgument before anything is sent (the
// database is UTF-8, and the text protocol cannot carry a NUL); the
// connection stays usable.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "server/storage/postgres/pg_conn.h"
#include "tests/support/pg_cluster.h"

namespace shop::queue {
namespace {

using pg::Conn;
using pg::Options;
using pg::Param;
using pg::Rows;
using testing::PgCluster;
using Code = Status::Code;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

#define ASSERT_OK(expr)                                         \
  do {                                                          \
    ::shop::queue::Status _s = (expr);                          \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString();     \
  } while (0)

milliseconds Since(Clock::time_point t0) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t0);
}

// Each test gets a fresh database on the process's shared cluster.
class PgConnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = PgCluster::Shared();
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    cluster_ = *cluster;
    db_ = cluster_->UniqueName("t");
    ASSERT_OK(cluster_->CreateDatabase(db_));
    uri_ = cluster_->Uri(db_);
  }

  // Leaves nothing behind on a server given by SHOP_QUEUE_TEST_PG_URI.
  void TearDown() override {
    if (cluster_ && !db_.empty()) {
      Status dropped = cluster_->DropDatabase(db_);
      EXPECT_TRUE(dropped.ok()) << dropped.ToString();
    }
  }

  std::unique_ptr<Conn> Connect(const Options& options = {}) {
    auto c = Conn::Open(uri_, options);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  Rows MustQuery(Conn& c, const std::string& sql, const std::vector<Param>& params = {}) {
    auto r = c.Query(sql, params);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? std::move(r).value() : Rows();
  }

  PgCluster* cluster_ = nullptr;
  std::string db_;
  std::string uri_;
};

TEST_F(PgConnTest, ConnectsAndQueries) {
  auto c = Connect();
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->Ok());
  EXPECT_FALSE(c->Broken());
  Rows r = MustQuery(*c, "SELECT 1 AS one, current_setting('server_encoding') AS enc");
  EXPECT_EQ(r.size(), 1);
  EXPECT_EQ(r.Int(0, "one"), 1);
  EXPECT_EQ(r.Text(0, "enc"), "UTF8");
  EXPECT_TRUE(r.status().ok());
  std::cout << "cluster start (initdb + pg_ctl start): " << cluster_->start_time().count()
            << " ms\n";
}

TEST_F(PgConnTest, BadOrUnreachableUriNeverShowsThePassword) {
  auto bad = Conn::Open("postgresql://shop:s3cr3t-pw@%zz/db");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().field(), "uri");
  EXPECT_EQ(bad.status().message().find("s3cr3t"), std::string::npos) << bad.status().message();

  auto t0 = Clock::now();
  auto down = Conn::Open("postgresql://shop:s3cr3t-pw@/db?host=/nonexistent-dir");
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().code(), Code::kUnavailable);
  EXPECT_NE(down.status().message().find("database unavailable"), std::string::npos);
  EXPECT_EQ(down.status().message().find("s3cr3t"), std::string::npos) << down.status().message();
  EXPECT_LT(Since(t0), milliseconds(3000));
}

TEST_F(PgConnTest, ParametersNullIntegersTextAndOneMegabyte) {
  auto c = Connect();
  ASSERT_TRUE(c);
  ASSERT_OK(c->Exec("CREATE TABLE t (id bigserial PRIMARY KEY, n bigint, s text)"));
  Rows ins = MustQuery(*c, "INSERT INTO t (n, s) VALUES ($1, $2), ($3, $4) RETURNING id",
                       {nullptr, "привет, 世界 🎫", INT64_MIN, Param()});
  ASSERT_EQ(ins.size(), 2);
  EXPECT_EQ(ins.affected(), 2);

  Rows r = MustQuery(*c, "SELECT id, n, s FROM t WHERE id = $1", {ins.Int(0, "id")});
  ASSERT_EQ(r.size(), 1);
  EXPECT_TRUE(r.IsNull(0, "n"));
  EXPECT_EQ(r.Int(0, "n"), 0);  // NULL reads as 0
  EXPECT_EQ(r.Text(0, "s"), "привет, 世界 🎫");
  r = MustQuery(*c, "SELECT n, s FROM t WHERE id = $1", {ins.Int(1, "id")});
  EXPECT_EQ(r.Int(0, "n"), INT64_MIN);
  EXPECT_TRUE(r.IsNull(0, "s"));
  EXPECT_FALSE(r.IsNull(0, "n"));

  std::string big(1 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
  r = MustQuery(*c, "SELECT octet_length($1::text) AS len, $1::text AS s", {big});
  EXPECT_EQ(r.Int(0, "len"), 1 << 20);
  EXPECT_TRUE(r.Text(0, "s") == big);
  EXPECT_TRUE(r.status().ok()) << r.status().ToString();
}

TEST_F(PgConnTest, NonUtf8AndNulBytesAreRefusedBeforeSending) {
  auto c = Connect();
  ASSERT_TRUE(c);
  for (std::string bad : {std::string("caf\xe9"), std::string("\xff\xfe"),
                          std::string("\xc0\xaf"),           // overlong '/'
                          std::string("\xed\xa0\x80"),       // a surrogate
                          std::string("ab\0cd", 5), std::string("\xe2\x82")}) {
    auto r = c->Query("SELECT $1::bigint AS n, $2::text AS s", {7, bad});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.status().field(), "params[1]");
  }
  EXPECT_TRUE(c->Ok());
  EXPECT_EQ(MustQuery(*c, "SELECT $1::text AS s", {"\xf0\x9f\x8e\xab"}).Text(0, "s"),
            "\xf0\x9f\x8e\xab");
  // The server refuses what slips past as a literal; still not kUnavailable.
  auto raw = c->Query("SELECT E'\\xff'::text AS s");
  ASSERT_FALSE(raw.ok());
  EXPECT_EQ(c->last_error().sqlstate, "22021");
  EXPECT_TRUE(c->Ok());
}

TEST_F(PgConnTest, ReadsByNameAndFlagsWhatTheResultDoesNotHave) {
  auto c = Connect();
  ASSERT_TRUE(c);
  Rows r = MustQuery(*c, "SELECT 7 AS a, 'x' AS \"B\", 'seven' AS word");
  EXPECT_EQ(r.columns(), 3);
  EXPECT_EQ(r.Column("B"), 1);
  EXPECT_EQ(r.Int(0, "a"), 7);
  EXPECT_EQ(r.Int(0, 0), 7);
  EXPECT_EQ(r.Text(0, "B"), "x");
  EXPECT_TRUE(r.status().ok());

  EXPECT_EQ(r.Text(0, "b"), "");  // names are exact
  EXPECT_EQ(r.status().code(), Code::kInternal);
  EXPECT_NE(r.status().message().find("'b'"), std::string::npos) << r.status().message();

  Rows r2 = MustQuery(*c, "SELECT 'seven' AS word");
  EXPECT_EQ(r2.Int(0, "word"), 0);
  EXPECT_EQ(r2.status().code(), Code::kInternal);
  Rows r3 = MustQuery(*c, "SELECT 1 AS a");
  EXPECT_EQ(r3.Int(1, "a"), 0);
  EXPECT_EQ(r3.status().code(), Code::kInternal);
}

TEST_F(PgConnTest, NamedStatementsArePreparedOncePerConnection) {
  static constexpr pg::Statement kSum{"sum", "SELECT $1::bigint + $2::bigint AS sum"};
  auto c = Connect();
  ASSERT_TRUE(c);
  for (int i = 0; i < 3; ++i) {
    auto r = c->Query(kSum, {i, 40});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->Int(0, "sum"), i + 40);
  }
  Rows p = MustQuery(*c, "SELECT count(*) AS n FROM pg_prepared_statements WHERE name = 'sum'");
  EXPECT_EQ(p.Int(0, "n"), 1);

  static constexpr pg::Statement kOther{"sum", "SELECT 1"};
  auto wrong = c->Query(kOther);
  EXPECT_EQ(wrong.status().code(), Code::kInternal);

  // A new connection prepares its own.
  auto c2 = Connect();
  ASSERT_TRUE(c2);
  auto r = c2->Query(kSum, {1, 1});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Int(0, "sum"), 2);
}

TEST_F(PgConnTest, UniqueViolationIsAlreadyExistsWithTheConstraintName) {
  auto c = Connect();
  ASSERT_TRUE(c);
  ASSERT_OK(c->Exec(
      "CREATE TABLE tickets (id bigserial PRIMARY KEY, request_id text NOT NULL,"
      " CONSTRAINT tickets_request_key UNIQUE (request_id))"));
  const std::string insert = "INSERT INTO tickets (request_id) VALUES ($1)";
  ASSERT_TRUE(c->Query(insert, {"phone-79161234567"}).ok());
  auto again = c->Query(insert, {"phone-79161234567"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(c->last_error().sqlstate, "23505");
  EXPECT_EQ(c->last_error().constraint, "tickets_request_key");
  EXPECT_FALSE(c->last_error().retryable);
  EXPECT_NE(again.status().message().find("tickets_request_key"), std::string::npos);
  // The server's DETAIL quotes the value; it stays out of the message.
  EXPECT_EQ(again.status().message().find("79161234567"), std::string::npos)
      << again.status().message();
  // Success clears the last error.
  ASSERT_TRUE(c->Query(insert, {"other"}).ok());
  EXPECT_EQ(c->last_error().sqlstate, "");
}

TEST_F(PgConnTest, IntegrityViolationsAreFailedPrecondition) {
  auto c = Connect();
  ASSERT_TRUE(c);
  ASSERT_OK(c->Exec(
      "CREATE TABLE branch (id text PRIMARY KEY);"
      "CREATE TABLE ticket (id bigserial PRIMARY KEY, branch text NOT NULL REFERENCES branch,"
      " number int CONSTRAINT number_positive CHECK (number > 0));"
      "INSERT INTO branch VALUES ('b1')"));
  struct Case {
    std::vector<Param> params;
    const char* sqlstate;
  };
  for (const Case& k : {Case{{"b1", -1}, "23514"}, Case{{"nowhere", 1}, "23503"},
                        Case{{nullptr, 1}, "23502"}}) {
    auto r = c->Query("INSERT INTO ticket (branch, number) VALUES ($1, $2)", k.params);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kFailedPrecondition) << r.status().ToString();
    EXPECT_EQ(c->last_error().sqlstate, k.sqlstate);
  }
  auto syntax = c->Query("SELEC 1");
  EXPECT_EQ(syntax.status().code(), Code::kInternal);
  EXPECT_NE(syntax.status().message().find("42601"), std::string::npos);
}

TEST_F(PgConnTest, SerializationFailureIsAbortedAndRetryable) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a && b);
  ASSERT_OK(a->Exec("CREATE TABLE counter (id int PRIMARY KEY, v int);"
                    "INSERT INTO counter VALUES (1, 0)"));
  ASSERT_OK(a->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ"));
  EXPECT_EQ(MustQuery(*a, "SELECT v FROM counter WHERE id = 1").Int(0, "v"), 0);
  ASSERT_OK(b->Exec("UPDATE counter SET v = v + 1 WHERE id = 1"));
  auto lost = a->Query("UPDATE counter SET v = v + 1 WHERE id = 1");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), Code::kAborted) << lost.status().ToString();
  EXPECT_TRUE(pg::IsRetryable(lost.status()));
  EXPECT_TRUE(a->last_error().retryable);
  EXPECT_EQ(a->last_error().sqlstate, "40001");
  EXPECT_TRUE(a->InTransaction());  // failed, awaiting ROLLBACK
  ASSERT_OK(a->Exec("ROLLBACK"));
  EXPECT_FALSE(a->InTransaction());
}

TEST_F(PgConnTest, DeadlockIsAbortedAndRetryable) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a && b);
  ASSERT_OK(a->Exec("CREATE TABLE r (id int PRIMARY KEY, v int);"
                    "INSERT INTO r VALUES (1, 0), (2, 0)"));
  for (Conn* c : {a.get(), b.get()}) ASSERT_OK(c->Exec("SET deadlock_timeout = '100ms'"));
  ASSERT_OK(a->Exec("BEGIN; UPDATE r SET v = 1 WHERE id = 1"));
  ASSERT_OK(b->Exec("BEGIN; UPDATE r SET v = 2 WHERE id = 2"));
  Status from_a;
  std::thread t([&] { from_a = a->Exec("UPDATE r SET v = 1 WHERE id = 2"); });
  std::this_thread::sleep_for(milliseconds(50));
  Status from_b = b->Exec("UPDATE r SET v = 2 WHERE id = 1");
  // One of the two is chosen as the victim; the other then gets its lock.
  if (from_b.ok()) ASSERT_OK(b->Exec("COMMIT"));
  t.join();
  if (from_a.ok()) ASSERT_OK(a->Exec("COMMIT"));
  ASSERT_NE(from_a.ok(), from_b.ok()) << from_a.ToString() << " / " << from_b.ToString();
  const Status& victim = from_a.ok() ? from_b : from_a;
  Conn& victim_conn = from_a.ok() ? *b : *a;
  EXPECT_EQ(victim.code(), Code::kAborted) << victim.ToString();
  EXPECT_TRUE(pg::IsRetryable(victim));
  EXPECT_EQ(victim_conn.last_error().sqlstate, "40P01");
  ASSERT_OK(victim_conn.Exec("ROLLBACK"));
}

TEST_F(PgConnTest, StatementAndLockTimeoutsAreUnavailable) {
  Options o;
  o.statement_timeout = milliseconds(200);
  auto c = Connect(o);
  ASSERT_TRUE(c);
  auto t0 = Clock::now();
  auto slow = c->Query("SELECT pg_sleep(5)");
  ASSERT_FALSE(slow.ok());
  EXPECT_LT(Since(t0), milliseconds(2000));
  EXPECT_EQ(slow.status().code(), Code::kUnavailable);
  EXPECT_NE(slow.status().message().find("timed out"), std::string::npos);
  EXPECT_EQ(c->last_error().sqlstate, "57014");
  EXPECT_TRUE(c->Ok());
  EXPECT_EQ(MustQuery(*c, "SELECT 2 AS two").Int(0, "two"), 2);

  Options lock_o;
  lock_o.lock_timeout = milliseconds(200);
  auto holder = Connect();
  auto waiter = Connect(lock_o);
  ASSERT_TRUE(holder && waiter);
  ASSERT_OK(holder->Exec("CREATE TABLE l (id int)"));
  ASSERT_OK(holder->Exec("BEGIN; LOCK TABLE l"));
  auto blocked = waiter->Query("SELECT * FROM l");
  EXPECT_EQ(blocked.status().code(), Code::kUnavailable) << blocked.status().ToString();
  EXPECT_EQ(waiter->last_error().sqlstate, "55P03");
  ASSERT_OK(holder->Exec("ROLLBACK"));
  // The settings survive in the session.
  EXPECT_EQ(MustQuery(*c, "SHOW statement_timeout").Text(0, 0), "200ms");
}

TEST_F(PgConnTest, IdleInTransactionTimeoutBreaksTheConnection) {
  Options o;
  o.idle_in_transaction_session_timeout = milliseconds(200);
  auto c = Connect(o);
  ASSERT_TRUE(c);
  ASSERT_OK(c->Exec("BEGIN"));
  std::this_thread::sleep_for(milliseconds(600));
  auto r = c->Query("SELECT 1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable) << r.status().ToString();
  EXPECT_TRUE(c->Broken());
  ASSERT_OK(c->Reset());
  EXPECT_FALSE(c->InTransaction());
  EXPECT_EQ(MustQuery(*c, "SELECT 3 AS n").Int(0, "n"), 3);
}

TEST_F(PgConnTest, TerminatedBackendIsUnavailableAndResetReconnects) {
  auto victim = Connect();
  auto admin = Connect();
  ASSERT_TRUE(victim && admin);
  int64_t pid = MustQuery(*victim, "SELECT pg_backend_pid() AS pid").Int(0, "pid");
  MustQuery(*admin, "SELECT pg_terminate_backend($1::int)", {pid});
  auto r = victim->Query("SELECT 1");
  EXPECT_EQ(r.status().code(), Code::kUnavailable) << r.status().ToString();
  EXPECT_NE(r.status().message().find("database unavailable"), std::string::npos);
  EXPECT_TRUE(victim->Broken());
  ASSERT_OK(victim->Reset());
  EXPECT_NE(MustQuery(*victim, "SELECT pg_backend_pid() AS pid").Int(0, "pid"), pid);
}

TEST_F(PgConnTest, NotificationsArriveOnlyAtCommit) {
  auto listener = Connect();
  auto sender = Connect();
  ASSERT_TRUE(listener && sender);
  ASSERT_OK(listener->Listen("Tickets"));  // quoted: case is kept

  auto none = listener->WaitForNotify(milliseconds(50));
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());

  ASSERT_OK(sender->Exec("BEGIN"));
  ASSERT_OK(sender->Notify("Tickets", "42"));
  auto early = listener->WaitForNotify(milliseconds(200));
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(early->empty()) << "delivered before COMMIT";
  ASSERT_OK(sender->Exec("COMMIT"));
  auto t0 = Clock::now();
  auto got = listener->WaitForNotify(milliseconds(5000));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_LT(Since(t0), milliseconds(2000));
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].channel, "Tickets");
  EXPECT_EQ((*got)[0].payload, "42");

  // Rolled back: never delivered. Another channel: not heard.
  ASSERT_OK(sender->Exec("BEGIN"));
  ASSERT_OK(sender->Notify("Tickets", "rolled-back"));
  ASSERT_OK(sender->Exec("ROLLBACK"));
  ASSERT_OK(sender->Notify("tickets", "other channel"));
  ASSERT_OK(sender->Notify("Tickets", "43"));
  got = listener->WaitForNotify(milliseconds(5000));
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].payload, "43");
}

// A private cluster, stopped and started again.
TEST(PgOutageTest, ServerStoppedIsUnavailableThenResetReconnects) {
  auto cluster = PgCluster::Start();
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  PgCluster& pgc = **cluster;
  if (pgc.external()) GTEST_SKIP() << "SHOP_QUEUE_TEST_PG_URI: not ours to stop";
  std::cout << "cluster start (initdb + pg_ctl start): " << pgc.start_time().count() << " ms\n";
  ASSERT_OK(pgc.CreateDatabase("outage"));
  auto c = Conn::Open(pgc.Uri("outage"));
  auto listener = Conn::Open(pgc.Uri("outage"));
  ASSERT_TRUE(c.ok() && listener.ok());
  ASSERT_OK((*listener)->Listen("tickets"));

  ASSERT_OK(pgc.Stop(PgCluster::StopMode::kFast));
  auto t0 = Clock::now();
  auto r = (*c)->Query("SELECT 1");
  EXPECT_EQ(r.status().code(), Code::kUnavailable) << r.status().ToString();
  EXPECT_TRUE((*c)->Broken());
  auto w = (*listener)->WaitForNotify(milliseconds(3000));
  EXPECT_EQ(w.status().code(), Code::kUnavailable) << w.status().ToString();
  auto fresh = Conn::Open(pgc.Uri("outage"));
  EXPECT_EQ(fresh.status().code(), Code::kUnavailable);
  EXPECT_EQ((*c)->Reset().code(), Code::kUnavailable);
  EXPECT_LT(Since(t0), milliseconds(3000));

  ASSERT_OK(pgc.StartAgain());
  ASSERT_OK((*c)->Reset());
  ASSERT_OK((*listener)->Reset());  // listens on "tickets" again
  auto after = (*c)->Query("SELECT 5 AS n");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->Int(0, "n"), 5);
  ASSERT_OK((*c)->Notify("tickets", "7"));
  auto got = (*listener)->WaitForNotify(milliseconds(5000));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].payload, "7");
}

TEST(PgOutageTest, ImmediateStopIsUnavailableToo) {
  auto cluster = PgCluster::Start();
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  PgCluster& pgc = **cluster;
  if (pgc.external()) GTEST_SKIP() << "SHOP_QUEUE_TEST_PG_URI: not ours to stop";
  auto c = Conn::Open(pgc.Uri("postgres"));
  ASSERT_TRUE(c.ok());
  ASSERT_OK((*c)->Exec("BEGIN"));
  ASSERT_OK(pgc.Stop(PgCluster::StopMode::kImmediate));
  auto t0 = Clock::now();
  auto r = (*c)->Query("SELECT 1");
  EXPECT_EQ(r.status().code(), Code::kUnavailable) << r.status().ToString();
  EXPECT_LT(Since(t0), milliseconds(3000));
  std::filesystem::path dir = pgc.dir();
  cluster = Status::Internal("released");  // the destructor removes the folder
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace shop::queue
