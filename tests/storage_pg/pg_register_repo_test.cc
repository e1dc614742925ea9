// PgCaseRepo's register half against a throwaway PostgreSQL cluster: what
// the shared suite (tests/storage/case_store_test.cc, run on both engines)
// does not cover: a number without a card gets its first, an unknown number
// is NOT_FOUND.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/storage_pg/pg_repo_fixture.h"

namespace shop::queue {
namespace {

using testing::Blank;
using testing::Code;
using testing::kPhone;
using testing::kT0;
using testing::PgRepoTest;
using testing::SampleSubscriber;
using testing::TestIccid;

class PgRegisterRepoTest : public PgRepoTest {
 protected:
  std::optional<Subscriber> Sub(const std::string& phone) {
    return ReadValue<std::optional<Subscriber>>(
        [&](ReadTx& tx) { return tx.cases().GetSubscriber(phone); });
  }
  std::string CardState(const std::string& iccid) {
    return ReadValue<std::string>([&](ReadTx& tx) { return tx.cases().CardState(iccid); });
  }
  Status Swap(const std::string& phone, const std::string& old_iccid,
              const std::string& new_iccid, absl::Time now) {
    return Write([&](WriteTx& tx) {
      return tx.cases().SwapActiveCard(phone, old_iccid, new_iccid, now);
    });
  }
  // A new case's id (of a new ticket).
  int64_t NewCaseId() {
    SimCase c;
    c.branch_id = "test";
    c.ticket_id = NewTicket();
    c.counter_id = "1";
    c.opened_by = "anna";
    c.opened = kT0;
    EXPECT_OK(Write([&](WriteTx& tx) { return tx.cases().InsertCase(c); }));
    return c.case_id;
  }
};

TEST_F(PgRegisterRepoTest, ANumberWithoutACardGetsItsFirstAndAnUnknownNumberIsNotFound) {
  Subscriber s = SampleSubscriber();
  s.active_iccid.clear();
  ASSERT_OK(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }));
  EXPECT_EQ(Sub(kPhone)->active_iccid, "");
  ASSERT_OK(Swap(kPhone, "", TestIccid(2), kT0));
  EXPECT_EQ(Sub(kPhone)->active_iccid, TestIccid(2));
  EXPECT_EQ(Sub(kPhone)->last_sim_change, kT0);
  EXPECT_EQ(Swap("+79990000000", "", TestIccid(3), kT0).code(), Code::kNotFound);
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM sim_cards"), 1);
}

}  // namespace
}  // namespace shop::queue
