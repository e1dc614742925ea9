// PgCaseRepo's cases half against a throwaway PostgreSQL cluster, through
// PgStore::Write and Read as the domain uses it: what the shared suite
// (tests/storage/case_store_test.cc, run on both engines) does not cover:
// open cases of a phone, records numbered per case under concurrent
// writers, receipt numbers, identity attempts, and that a transaction goes on
// after a refused insert (PostgreSQL aborts a transaction on a failed
// statement).
#include <functional>
#include <optional>
#include <string>
#include <thread>
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

CaseForm SampleForm() {
  CaseForm f;
  f.phone = kPhone;
  f.operator_id = "megafon";
  f.reason = ReplacementReason::kStolen;
  f.full_name = "Ivanov Ivan Ivanovich";
  f.document_type = DocumentType::kForeignPassport;
  f.document_hash = "h:654321";
  f.document_last4 = "4321";
  f.contact = "ivanov@example.com";
  return f;
}

class PgCaseRepoTest : public PgRepoTest {
 protected:
  SimCase NewCaseValue(int64_t ticket_id, const std::string& branch = "test") {
    SimCase c;
    c.branch_id = branch;
    c.ticket_id = ticket_id;
    c.counter_id = "1";
    c.opened_by = "anna";
    c.opened = kT0 + absl::Microseconds(3);
    return c;
  }
  SimCase NewCase(const std::string& branch = "test") {
    SimCase c = NewCaseValue(NewTicket(branch), branch);
    EXPECT_OK(Write([&](WriteTx& tx) { return tx.cases().InsertCase(c); }));
    return c;
  }
  Status Update(const SimCase& c, CaseState expected) {
    return Write([&](WriteTx& tx) { return tx.cases().UpdateCase(c, expected); });
  }
  std::optional<SimCase> Get(int64_t id, const std::string& branch = "test") {
    return ReadValue<std::optional<SimCase>>(
        [&](ReadTx& tx) { return tx.cases().GetCase(branch, id); });
  }
  std::optional<SimCase> OfTicket(int64_t ticket, const std::string& branch = "test") {
    return ReadValue<std::optional<SimCase>>(
        [&](ReadTx& tx) { return tx.cases().CaseOfTicket(branch, ticket); });
  }
  std::optional<SimCase> OpenOfPhone(const std::string& phone, int64_t except) {
    return ReadValue<std::optional<SimCase>>(
        [&](ReadTx& tx) { return tx.cases().OpenCaseOfPhone(phone, except); });
  }
};

TEST_F(PgCaseRepoTest, OpenCaseOfPhoneFindsAnotherOpenCaseInAnyBranch) {
  std::vector<SimCase> v;
  const CaseState states[] = {CaseState::kClosed, CaseState::kCancelled,
                              CaseState::kAwaitingPayment, CaseState::kAwaitingCard};
  for (int i = 0; i < 4; ++i) {
    SimCase c = NewCase(i == 3 ? "other" : "test");
    c.form = SampleForm();
    c.state = states[i];
    ASSERT_OK(Update(c, CaseState::kAwaitingForm));
    v.push_back(c);
  }
  NewCase();  // no form, no phone
  auto got = OpenOfPhone(kPhone, 0);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->case_id, v[2].case_id);  // the lowest id first
  EXPECT_EQ(got->form->contact, "ivanov@example.com");
  got = OpenOfPhone(kPhone, v[2].case_id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->case_id, v[3].case_id);
  EXPECT_EQ(got->branch_id, "other");
  EXPECT_FALSE(OpenOfPhone("+79031112233", 0));
}

TEST_F(PgCaseRepoTest, CaseRecordsAreNumberedPerCaseAndAppendOnly) {
  SimCase a = NewCase();
  SimCase b = NewCase();
  std::vector<int> seqs;
  ASSERT_OK(Write([&](WriteTx& tx) -> Status {
    for (int64_t id : {a.case_id, b.case_id, a.case_id, a.case_id}) {
      CaseRecord r{id, 0, kT0, "form", "accepted", "clerk:anna", "", "operator=megafon"};
      QUEUE_RETURN_IF_ERROR(tx.cases().AppendCaseRecord(r));
      seqs.push_back(r.seq);
    }
    return Status::Ok();
  }));
  EXPECT_EQ(seqs, (std::vector<int>{1, 1, 2, 3}));
  ASSERT_OK(Write([&](WriteTx& tx) {
    CaseRecord r{a.case_id, 0, kT0 + absl::Microseconds(9), "identity", "passed", "clerk:anna",
                 "boss", "question=recent_call"};
    return tx.cases().AppendCaseRecord(r);
  }));
  auto records = ReadValue<std::vector<CaseRecord>>(
      [&](ReadTx& tx) { return tx.cases().CaseRecords(a.case_id); });
  ASSERT_EQ(records.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(records[i].seq, i + 1);
  EXPECT_EQ(records[0].case_id, a.case_id);
  EXPECT_EQ(records[0].time, kT0);
  EXPECT_EQ(records[0].step, "form");
  EXPECT_EQ(records[0].outcome, "accepted");
  EXPECT_EQ(records[0].actor, "clerk:anna");
  EXPECT_EQ(records[0].supervisor, "");
  EXPECT_EQ(records[0].detail, "operator=megafon");
  EXPECT_EQ(records[3].time, kT0 + absl::Microseconds(9));
  EXPECT_EQ(records[3].step, "identity");
  EXPECT_EQ(records[3].supervisor, "boss");
  EXPECT_EQ(records[3].detail, "question=recent_call");
  EXPECT_TRUE(ReadValue<std::vector<CaseRecord>>([&](ReadTx& tx) {
                return tx.cases().CaseRecords(a.case_id + 1000);
              }).empty());

  EXPECT_EQ(Sql("UPDATE sim_case_records SET outcome = 'passed'").status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(Sql("DELETE FROM sim_case_records").status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM sim_case_records WHERE outcome = 'accepted'"), 4);
}

TEST_F(PgCaseRepoTest, ConcurrentWritersNumberRecordsWithoutGapsOrDuplicates) {
  SimCase c = NewCase();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i)
        EXPECT_OK(Write([&](WriteTx& tx) {
          CaseRecord r{c.case_id, 0, kT0, "note", "noted", "clerk:anna", "", ""};
          return tx.cases().AppendCaseRecord(r);
        }));
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(SqlInt("SELECT COUNT(DISTINCT seq) FROM sim_case_records WHERE case_id = $1 AND "
                   "seq BETWEEN 1 AND 40",
                   {c.case_id}),
            40);
}

TEST_F(PgCaseRepoTest, ReceiptNumbersCountPerBranchAndYear) {
  auto next = [&](const std::string& branch, int year) {
    int64_t n = 0;
    EXPECT_OK(Write([&](WriteTx& tx) -> Status {
      auto r = tx.cases().NextReceiptNumber(branch, year);
      if (!r.ok()) return r.status();
      n = *r;
      return Status::Ok();
    }));
    return n;
  };
  EXPECT_EQ(next("test", 2027), 1);
  EXPECT_EQ(next("test", 2027), 2);
  EXPECT_EQ(next("test", 2028), 1);
  EXPECT_EQ(next("other", 2027), 1);
  // A number taken by a failed write is not taken.
  EXPECT_FALSE(Write([&](WriteTx& tx) -> Status {
                 (void)tx.cases().NextReceiptNumber("test", 2027);
                 return Status::FailedPrecondition("changed my mind");
               }).ok());
  EXPECT_EQ(next("test", 2027), 3);
  EXPECT_EQ(SqlInt("SELECT last_number FROM receipt_sequences WHERE branch_id = 'test' AND "
                   "year = 2027"),
            3);
}

TEST_F(PgCaseRepoTest, IdentityAttemptsRoundTripAndLeaveNoEmptyRow) {
  IdentityAttempts a;
  a.failures = {kT0, kT0 + absl::Minutes(5) + absl::Microseconds(1)};
  a.locked_until = kT0 + absl::Hours(24);
  ASSERT_OK(Write([&](WriteTx& tx) { return tx.cases().SaveIdentityAttempts(kPhone, a); }));
  auto got = ReadValue<IdentityAttempts>(
      [&](ReadTx& tx) { return tx.cases().GetIdentityAttempts(kPhone); });
  EXPECT_EQ(got.failures, a.failures);
  EXPECT_EQ(got.locked_until, a.locked_until);
  auto other = ReadValue<IdentityAttempts>(
      [&](ReadTx& tx) { return tx.cases().GetIdentityAttempts("+79031112233"); });
  EXPECT_TRUE(other.failures.empty());
  EXPECT_EQ(other.locked_until, absl::InfinitePast());

  // Failures without a lock: the lock reads as unset (NULL).
  a.failures = {kT0};
  a.locked_until = absl::InfinitePast();
  ASSERT_OK(Write([&](WriteTx& tx) { return tx.cases().SaveIdentityAttempts(kPhone, a); }));
  got = ReadValue<IdentityAttempts>(
      [&](ReadTx& tx) { return tx.cases().GetIdentityAttempts(kPhone); });
  EXPECT_EQ(got.failures, a.failures);
  EXPECT_EQ(got.locked_until, absl::InfinitePast());
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM identity_attempts WHERE locked_until_us IS NULL"), 1);

  // A malformed entry counts as no failure.
  ASSERT_TRUE(Sql("UPDATE identity_attempts SET failures = '12,x,,34'").ok());
  got = ReadValue<IdentityAttempts>(
      [&](ReadTx& tx) { return tx.cases().GetIdentityAttempts(kPhone); });
  EXPECT_EQ(got.failures,
            (std::vector<absl::Time>{absl::FromUnixMicros(12), absl::FromUnixMicros(34)}));

  ASSERT_OK(Write([&](WriteTx& tx) {
    return tx.cases().SaveIdentityAttempts(kPhone, IdentityAttempts{});
  }));
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM identity_attempts"), 0);
}

TEST_F(PgCaseRepoTest, CaseWritesInsideReadAreRefused) {
  SimCase c = NewCase();
  SimCase done = NewCase();  // finished: something to erase
  done.state = CaseState::kCancelled;
  done.finished = kT0;
  ASSERT_OK(Update(done, CaseState::kAwaitingForm));
  ASSERT_OK(Write([&](WriteTx& tx) { return tx.cases().AddStockCard(Blank(TestIccid(5))); }));
  const std::vector<std::function<Status(WriteTx&)>> writes = {
      [&](WriteTx& tx) {
        SimCase d = NewCaseValue(NewTicket());
        return tx.cases().InsertCase(d);
      },
      [&](WriteTx& tx) { return tx.cases().UpdateCase(c, CaseState::kAwaitingForm); },
      [&](WriteTx& tx) {
        CaseRecord r{c.case_id, 0, kT0, "open", "opened", "clerk:anna", "", ""};
        return tx.cases().AppendCaseRecord(r);
      },
      [&](WriteTx& tx) { return tx.cases().NextReceiptNumber("test", 2027).status(); },
      [&](WriteTx& tx) { return tx.cases().SaveIdentityAttempts(kPhone, {}); },
      [&](WriteTx& tx) { return tx.cases().SaveSubscriber(SampleSubscriber()); },
      [&](WriteTx& tx) { return tx.cases().AddStockCard(Blank(TestIccid(6))); },
      [&](WriteTx& tx) { return tx.cases().IssueStockCard(TestIccid(5), c.case_id); },
      [&](WriteTx& tx) { return tx.cases().SwapActiveCard(kPhone, "", TestIccid(6), kT0); },
      [&](WriteTx& tx) { return tx.cases().EraseFinishedCases(kT0 + absl::Hours(1), 10).status(); },
  };
  for (size_t i = 0; i < writes.size(); ++i)
    EXPECT_EQ(store_->Read([&](ReadTx& tx) { return writes[i](dynamic_cast<WriteTx&>(tx)); })
                  .code(),
              Code::kInternal)
        << "write " << i;
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM sim_cases"), 2);
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM sim_cases WHERE erased = 0"), 2);
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM sim_case_records"), 0);
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM subscribers"), 0);
  EXPECT_EQ(SqlInt("SELECT state FROM sim_stock WHERE iccid = $1", {TestIccid(5)}), 1);
}

}  // namespace
}  // namespace shop::queue
