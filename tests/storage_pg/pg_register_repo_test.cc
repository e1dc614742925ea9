// PgCaseRepo's register and stock half against a throwaway PostgreSQL
// cluster: subscribers and their activity, the one-active-card rule of
// SwapActiveCard (ABORTED on a lost race, FAILED_PRECONDITION for a known
// card, NOT_FOUND for an unknown number, also the unique index itself), and
// blank cards issued once. The SQLite suite tests/storage/case_store_test.cc
// says the same of SQLite.
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

TEST_F(PgRegisterRepoTest, SubscriberRoundTrip) {
  Subscriber s = SampleSubscriber();
  s.last_sim_change = kT0 - absl::Hours(1000);
  ASSERT_OK(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }));
  auto got = Sub(s.phone);
  ASSERT_TRUE(got);
  EXPECT_FALSE(Sub("+79990000000"));
  EXPECT_EQ(got->phone, kPhone);
  EXPECT_EQ(got->operator_id, "megafon");
  EXPECT_EQ(got->holder_name, s.holder_name);
  EXPECT_EQ(got->document_type, DocumentType::kResidencePermit);
  EXPECT_EQ(got->document_hash, "h:654321");
  EXPECT_EQ(got->document_last4, "4321");
  EXPECT_EQ(got->active_iccid, s.active_iccid);
  EXPECT_FALSE(got->no_sim_change);
  EXPECT_EQ(got->last_sim_change, s.last_sim_change);
  EXPECT_EQ(got->recent_topups_roubles, (std::vector<int64_t>{500, 300, 200}));
  EXPECT_EQ(got->recent_calls, s.recent_calls);
  EXPECT_EQ(CardState(s.active_iccid), "active");
  EXPECT_EQ(SqlInt("SELECT activated_us FROM sim_cards"), absl::ToUnixMicros(s.last_sim_change));

  // Saving again replaces the details and the activity lists.
  s.recent_topups_roubles = {100};
  s.recent_calls = {};
  s.no_sim_change = true;
  s.holder_name = "Ivanova Maria";
  s.operator_id = "tele2";
  s.document_type = DocumentType::kRuPassport;
  s.document_hash = "h:999";
  s.document_last4 = "0999";
  s.last_sim_change = absl::InfinitePast();
  ASSERT_OK(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }));
  got = Sub(s.phone);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->recent_topups_roubles, (std::vector<int64_t>{100}));
  EXPECT_TRUE(got->recent_calls.empty());
  EXPECT_TRUE(got->no_sim_change);
  EXPECT_EQ(got->holder_name, "Ivanova Maria");
  EXPECT_EQ(got->operator_id, "tele2");
  EXPECT_EQ(got->document_type, DocumentType::kRuPassport);
  EXPECT_EQ(got->document_hash, "h:999");
  EXPECT_EQ(got->document_last4, "0999");
  EXPECT_EQ(got->last_sim_change, absl::InfinitePast());
  EXPECT_EQ(got->active_iccid, s.active_iccid);

  // A card active on one number cannot be given to another, nor can a
  // number get a second active card this way; the transaction goes on.
  Subscriber other = SampleSubscriber();
  other.phone = "+79162345678";
  s.active_iccid = TestIccid(2);
  ASSERT_OK(Write([&](WriteTx& tx) -> Status {
    if (tx.cases().SaveSubscriber(other).code() != Code::kFailedPrecondition)
      return Status::Internal("another number's card was accepted");
    if (tx.cases().SaveSubscriber(s).code() != Code::kFailedPrecondition)
      return Status::Internal("a second active card was accepted");
    other.active_iccid.clear();
    return tx.cases().SaveSubscriber(other);
  }));
  EXPECT_EQ(Sub(other.phone)->active_iccid, "");
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM sim_cards"), 1);
}

TEST_F(PgRegisterRepoTest, SwapActiveCardKeepsExactlyOneActiveCard) {
  const Subscriber s = SampleSubscriber();
  const std::string kNew = TestIccid(2);
  ASSERT_OK(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }));
  const absl::Time now = kT0 + absl::Hours(2);
  EXPECT_EQ(Swap(s.phone, s.active_iccid, s.active_iccid, now).code(), Code::kInvalidArgument);
  EXPECT_EQ(Swap(s.phone, s.active_iccid, "", now).code(), Code::kInvalidArgument);
  ASSERT_OK(Swap(s.phone, s.active_iccid, kNew, now));
  auto got = Sub(s.phone);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->active_iccid, kNew);
  EXPECT_EQ(got->last_sim_change, now);
  EXPECT_EQ(CardState(s.active_iccid), "blocked");
  EXPECT_EQ(CardState(kNew), "active");
  EXPECT_EQ(CardState(TestIccid(9)), "");
  EXPECT_EQ(SqlInt("SELECT blocked_us FROM sim_cards WHERE iccid = $1", {s.active_iccid}),
            absl::ToUnixMicros(now));
  EXPECT_EQ(SqlInt("SELECT activated_us FROM sim_cards WHERE iccid = $1", {kNew}),
            absl::ToUnixMicros(now));

  // A swap based on the old card is a lost race, and changes nothing.
  EXPECT_EQ(Swap(s.phone, s.active_iccid, TestIccid(3), now).code(), Code::kAborted);
  // A blocked card is never activated again.
  EXPECT_EQ(Swap(s.phone, kNew, s.active_iccid, now).code(), Code::kFailedPrecondition);
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM sim_cards WHERE state = 'active'"), 1);
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM sim_cards"), 2);

  // The unique index holds even against SQL that bypasses the store.
  auto raw = Sql("INSERT INTO sim_cards (iccid, phone, state) VALUES ($1, $2, 'active')",
                 {TestIccid(4), kPhone});
  EXPECT_EQ(raw.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(sql_->last_error().constraint, "sim_cards_one_active");
  raw = Sql("UPDATE sim_cards SET state = 'active' WHERE iccid = $1", {s.active_iccid});
  EXPECT_EQ(raw.status().code(), Code::kAlreadyExists);
}

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

TEST_F(PgRegisterRepoTest, AStockCardIsIssuedOnlyOnce) {
  SimCase c;
  c.case_id = NewCaseId();
  const std::string kCard = TestIccid(5);
  ASSERT_OK(Write([&](WriteTx& tx) { return tx.cases().AddStockCard(Blank(kCard)); }));
  auto stocked = ReadValue<std::optional<StockCard>>(
      [&](ReadTx& tx) { return tx.cases().GetStockCard(kCard); });
  ASSERT_TRUE(stocked);
  EXPECT_EQ(stocked->iccid, kCard);
  EXPECT_EQ(stocked->state, StockState::kInStock);
  EXPECT_EQ(stocked->case_id, 0);
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM sim_stock WHERE case_id IS NULL"), 1);

  // Refusals that leave the transaction usable.
  ASSERT_OK(Write([&](WriteTx& tx) -> Status {
    if (tx.cases().AddStockCard(Blank(kCard)).code() != Code::kAlreadyExists)
      return Status::Internal("a known card was added again");
    return tx.cases().AddStockCard(Blank(TestIccid(6)));
  }));
  ASSERT_OK(Write([&](WriteTx& tx) { return tx.cases().IssueStockCard(kCard, c.case_id); }));
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().IssueStockCard(kCard, c.case_id); }).code(),
            Code::kAborted);
  EXPECT_EQ(
      Write([&](WriteTx& tx) { return tx.cases().IssueStockCard(TestIccid(7), c.case_id); }).code(),
      Code::kAborted);
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().AddStockCard(Blank(kCard)); }).code(),
            Code::kAlreadyExists);

  auto got = ReadValue<std::optional<StockCard>>(
      [&](ReadTx& tx) { return tx.cases().GetStockCard(kCard); });
  ASSERT_TRUE(got);
  EXPECT_FALSE(ReadValue<std::optional<StockCard>>(
      [&](ReadTx& tx) { return tx.cases().GetStockCard(TestIccid(7)); }));
  EXPECT_EQ(got->iccid, kCard);
  EXPECT_EQ(got->state, StockState::kIssued);
  EXPECT_EQ(got->case_id, c.case_id);
  EXPECT_EQ(got->branch_id, "test");
  EXPECT_EQ(got->operator_id, "megafon");

  // A card written as issued comes back so; a card of the register is no blank.
  StockCard issued{TestIccid(8), "other", "tele2", StockState::kIssued, c.case_id};
  ASSERT_OK(Write([&](WriteTx& tx) { return tx.cases().AddStockCard(issued); }));
  got = ReadValue<std::optional<StockCard>>(
      [&](ReadTx& tx) { return tx.cases().GetStockCard(TestIccid(8)); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->branch_id, "other");
  EXPECT_EQ(got->operator_id, "tele2");
  EXPECT_EQ(got->state, StockState::kIssued);
  EXPECT_EQ(got->case_id, c.case_id);
  ASSERT_OK(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(SampleSubscriber()); }));
  EXPECT_EQ(Write([&](WriteTx& tx) {
              return tx.cases().AddStockCard(Blank(SampleSubscriber().active_iccid));
            }).code(),
            Code::kAlreadyExists);
}

}  // namespace
}  // namespace shop::queue
