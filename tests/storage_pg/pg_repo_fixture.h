// The fixture of the PostgreSQL repository tests (pg_cases_repo_test.cc,
// pg_register_repo_test.cc, pg_bookings_repo_test.cc): a fresh database per
// test on the process's shared throwaway cluster (PgCluster), a PgStore on it
// with branches "test" (CaseTestConfig) and "other", and a side connection
// for plain SQL. Tickets and outbox rows are written with plain SQL: those
// repositories are not under test here. For tests only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server/storage/postgres/pg_conn.h"
#include "server/storage/postgres/pg_store.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/test_config.h"

namespace shop::queue::testing {

using Code = Status::Code;

#define ASSERT_OK(expr)                                     \
  do {                                                      \
    ::shop::queue::Status _s = (expr);                      \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                     \
  do {                                                      \
    ::shop::queue::Status _s = (expr);                      \
    EXPECT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)

inline const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);
inline const std::string kPhone = "+79161234567";

// Each test: a fresh database, a store on it, a side connection.
class PgRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = PgCluster::Shared();
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    const std::string db = (*cluster)->UniqueName("t");
    ASSERT_OK((*cluster)->CreateDatabase(db));
    auto store = PgStore::Open((*cluster)->Uri(db));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ServerConfig config = testing::CaseTestConfig();
    config.branches.push_back(testing::TwoBranchConfig().branches[1]);
    ASSERT_OK(store_->SyncConfig(config));
    auto conn = pg::Conn::Open((*cluster)->Uri(db));
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    sql_ = std::move(conn).value();
  }

  Status Write(const std::function<Status(WriteTx&)>& fn) { return store_->Write(fn); }

  // Runs a read returning T; fails the test on error.
  template <typename T>
  T ReadValue(const std::function<Result<T>(ReadTx&)>& fn) {
    T out{};
    Status st = store_->Read([&](ReadTx& tx) -> Status {
      auto r = fn(tx);
      if (!r.ok()) return r.status();
      out = std::move(r).value();
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  // Plain SQL on the side connection.
  Result<pg::Rows> Sql(const std::string& sql, const std::vector<pg::Param>& params = {}) {
    return sql_->Query(sql, params);
  }
  int64_t SqlInt(const std::string& sql, const std::vector<pg::Param>& params = {}) {
    auto r = Sql(sql, params);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() && r->size() > 0 ? r->Int(0, 0) : -1;
  }

  // A new ticket of service R in `branch` (plain SQL).
  int64_t NewTicket(const std::string& branch = "test") {
    return SqlInt(
        "INSERT INTO tickets (branch_id, number_prefix, number, business_day, service_prefix, "
        "state, priority, origin, language, issue_us) VALUES ($1, 'R', $2, '2027-01-15', 'R', "
        "3, 0, 1, 1, 0) RETURNING ticket_id",
        {branch, ++tickets_});
  }

  void AddOutbox(const std::string& subject, const std::string& recipient) {
    auto r = Sql("INSERT INTO outbox (created_us, channel, recipient, text, subject) "
                 "VALUES (0, 'sms', $1, 'Hello', $2)",
                 {recipient, subject});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // The recipients of `subject`'s messages, oldest first.
  std::vector<std::string> Recipients(const std::string& subject) {
    std::vector<std::string> out;
    auto r = Sql("SELECT recipient FROM outbox WHERE subject = $1 ORDER BY id", {subject});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    for (int i = 0; r.ok() && i < r->size(); ++i) out.push_back(r->Text(i, "recipient"));
    return out;
  }

  std::unique_ptr<PgStore> store_;
  std::unique_ptr<pg::Conn> sql_;
  int tickets_ = 0;
};

// A subscriber of kPhone with card TestIccid(1), three top-ups and two calls.
inline Subscriber SampleSubscriber() {
  Subscriber s;
  s.phone = kPhone;
  s.operator_id = "megafon";
  s.holder_name = "Ivanov Ivan Ivanovich";
  s.document_type = DocumentType::kResidencePermit;
  s.document_hash = "h:654321";
  s.document_last4 = "4321";
  s.active_iccid = TestIccid(1);
  s.recent_topups_roubles = {500, 300, 200};
  s.recent_calls = {"+79031112233", "+79775550101"};
  return s;
}

// A blank megafon card in stock in branch "test".
inline StockCard Blank(const std::string& iccid) {
  return StockCard{iccid, "test", "megafon", StockState::kInStock, 0};
}

}  // namespace shop::queue::testing
