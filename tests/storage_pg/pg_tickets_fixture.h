// What the tests of the PostgreSQL ticket, staff, audit and outbox
// repositories share: a fresh PgStore per test on the process's throwaway
// cluster (PgCluster), with the two branches of testing::TwoBranchConfig()
// ("test" and "other"); reads and writes that must succeed; tickets built
// and issued in a line. For tests only.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "server/storage/postgres/pg_conn.h"
#include "server/storage/postgres/pg_store.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/test_config.h"

#define ASSERT_OK(expr)                                     \
  do {                                                      \
    ::shop::queue::Status _s = (expr);                      \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)

namespace shop::queue::pgtest {

using testing::PgCluster;
using Code = Status::Code;

inline const absl::Time kT0 = absl::FromUnixSeconds(1'790'000'000);
inline constexpr char kDay[] = "2026-09-21";

template <typename R>
struct ResultValue;
template <typename T>
struct ResultValue<Result<T>> {
  using type = T;
};

// Each test gets a fresh database (two branches, "test" and "other") on the
// process's shared cluster.
class PgTicketsRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = PgCluster::Shared();
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    std::string db = (*cluster)->UniqueName("t");
    ASSERT_OK((*cluster)->CreateDatabase(db));
    uri_ = (*cluster)->Uri(db);
    auto store = PgStore::Open(uri_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_OK(store_->SyncConfig(testing::TwoBranchConfig()));
  }

  // The value `f` reads in a read transaction (expected to succeed).
  template <typename F>
  typename ResultValue<std::invoke_result_t<F, ReadTx&>>::type ReadOk(F f) {
    typename ResultValue<std::invoke_result_t<F, ReadTx&>>::type out{};
    Status st = store_->Read([&](ReadTx& tx) -> Status {
      auto r = f(tx);
      if (!r.ok()) return r.status();
      out = std::move(r).value();
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }
  // The value `f` gives in a write transaction (expected to succeed).
  template <typename F>
  typename ResultValue<std::invoke_result_t<F, WriteTx&>>::type WriteOk(F f) {
    typename ResultValue<std::invoke_result_t<F, WriteTx&>>::type out{};
    Status st = store_->Write([&](WriteTx& tx) -> Status {
      auto r = f(tx);
      if (!r.ok()) return r.status();
      out = std::move(r).value();
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  // Numbers and inserts `t`; returns it with its number and id.
  Ticket Issue(Ticket t) {
    EXPECT_TRUE(store_
                    ->Write([&](WriteTx& tx) -> Status {
                      auto n =
                          tx.tickets().NextNumber(t.branch_id, t.number_prefix, t.business_day);
                      if (!n.ok()) return n.status();
                      t.number = *n;
                      return tx.tickets().InsertTicket(t);
                    })
                    .ok());
    return t;
  }
  std::optional<Ticket> Get(int64_t id, const std::string& branch = "test") {
    return ReadOk([&](ReadTx& tx) { return tx.tickets().GetTicket(branch, id); });
  }

  std::string uri_;
  std::unique_ptr<PgStore> store_;
};

// A waiting walk-in of branch "test" issued at `issue`.
inline Ticket Walk(const std::string& prefix, absl::Time issue, Priority p = Priority::kNone) {
  Ticket t;
  t.branch_id = "test";
  t.number_prefix = prefix;
  t.business_day = kDay;
  t.service_prefix = prefix;
  t.priority = p;
  t.issue_time = issue;
  return t;
}

inline Ticket Appointment(const std::string& prefix, absl::Time issue, absl::Time due) {
  Ticket t = Walk(prefix, issue);
  t.origin = Origin::kAppointment;
  t.due_time = due;
  return t;
}

inline void ExpectSameTicket(const Ticket& a, const Ticket& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.branch_id, b.branch_id);
  EXPECT_EQ(a.number_prefix, b.number_prefix);
  EXPECT_EQ(a.number, b.number);
  EXPECT_EQ(a.business_day, b.business_day);
  EXPECT_EQ(a.service_prefix, b.service_prefix);
  EXPECT_EQ(int(a.state), int(b.state));
  EXPECT_EQ(int(a.priority), int(b.priority));
  EXPECT_EQ(int(a.origin), int(b.origin));
  EXPECT_EQ(int(a.language), int(b.language));
  EXPECT_EQ(a.issue_time, b.issue_time);
  EXPECT_EQ(a.due_time, b.due_time);
  EXPECT_EQ(a.call_time, b.call_time);
  EXPECT_EQ(a.serve_time, b.serve_time);
  EXPECT_EQ(a.finish_time, b.finish_time);
  EXPECT_EQ(a.counter_id, b.counter_id);
  EXPECT_EQ(a.recall_count, b.recall_count);
  EXPECT_EQ(a.status_token, b.status_token);
}

inline std::vector<int64_t> Ids(const std::vector<Ticket>& v) {
  std::vector<int64_t> out;
  for (const Ticket& t : v) out.push_back(t.id);
  return out;
}

}  // namespace shop::queue::pgtest
