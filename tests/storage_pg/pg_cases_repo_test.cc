// PgCaseRepo's cases half against a throwaway PostgreSQL cluster, through
// PgStore::Write and Read as the domain uses it: every field's round trip,
// stale updates (ABORTED), one open case per ticket (ALREADY_EXISTS, also from
// the index), open cases of a phone, append-only records numbered per case,
// receipt numbers, identity attempts, erasure of personal data with the
// recipients of its outbox messages, and writes refused inside reads. The
// SQLite suite tests/storage/case_store_test.cc says the same of SQLite.
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

TEST_F(PgCaseRepoTest, InsertGetAndUpdateRoundTripEveryField) {
  SimCase c = NewCase();
  ASSERT_GT(c.case_id, 0);
  auto got = Get(c.case_id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->case_id, c.case_id);
  EXPECT_EQ(got->branch_id, "test");
  EXPECT_EQ(got->ticket_id, c.ticket_id);
  EXPECT_EQ(got->counter_id, "1");
  EXPECT_EQ(got->opened_by, "anna");
  EXPECT_EQ(got->opened, kT0 + absl::Microseconds(3));
  EXPECT_EQ(got->state, CaseState::kAwaitingForm);
  EXPECT_FALSE(got->form);
  EXPECT_FALSE(got->question);
  EXPECT_FALSE(got->identity_passed);
  EXPECT_EQ(got->fee_roubles, 0);
  EXPECT_FALSE(got->payment);
  EXPECT_EQ(got->receipt_number, "");
  EXPECT_EQ(got->finished, absl::InfinitePast());
  EXPECT_FALSE(got->refunded);
  EXPECT_FALSE(got->erased);
  EXPECT_FALSE(Get(c.case_id, "other"));
  EXPECT_FALSE(Get(c.case_id + 1000));
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM sim_cases WHERE phone IS NULL AND operator_id IS NULL "
                   "AND reason IS NULL AND question IS NULL AND payment IS NULL AND "
                   "finished_us IS NULL"),
            1);

  c.counter_id = "2";
  c.form = SampleForm();
  c.state = CaseState::kAwaitingClose;
  c.question = QuestionKind::kRecentCall;
  c.identity_passed = true;
  c.fee_roubles = 300;
  c.payment = PaymentMethod::kCard;
  c.receipt_number = "test-2027-000001";
  c.old_iccid = TestIccid(1);
  c.new_iccid = TestIccid(2);
  c.refunded = true;
  c.finished = kT0 + absl::Minutes(12) + absl::Microseconds(1);
  ASSERT_OK(Update(c, CaseState::kAwaitingForm));
  got = Get(c.case_id);
  ASSERT_TRUE(got && got->form);
  EXPECT_EQ(got->counter_id, "2");
  EXPECT_EQ(got->form->phone, kPhone);
  EXPECT_EQ(got->form->operator_id, "megafon");
  EXPECT_EQ(got->form->reason, ReplacementReason::kStolen);
  EXPECT_EQ(got->form->full_name, "Ivanov Ivan Ivanovich");
  EXPECT_EQ(got->form->document_type, DocumentType::kForeignPassport);
  EXPECT_EQ(got->form->document_hash, "h:654321");
  EXPECT_EQ(got->form->document_last4, "4321");
  EXPECT_EQ(got->form->contact, "ivanov@example.com");
  EXPECT_EQ(got->state, CaseState::kAwaitingClose);
  EXPECT_EQ(got->question, QuestionKind::kRecentCall);
  EXPECT_TRUE(got->identity_passed);
  EXPECT_EQ(got->fee_roubles, 300);
  EXPECT_EQ(got->payment, PaymentMethod::kCard);
  EXPECT_EQ(got->receipt_number, "test-2027-000001");
  EXPECT_EQ(got->old_iccid, TestIccid(1));
  EXPECT_EQ(got->new_iccid, TestIccid(2));
  EXPECT_TRUE(got->refunded);
  EXPECT_EQ(got->finished, kT0 + absl::Minutes(12) + absl::Microseconds(1));
  EXPECT_FALSE(got->erased);
  // What a case is opened with never changes.
  EXPECT_EQ(got->opened_by, "anna");
  EXPECT_EQ(got->ticket_id, c.ticket_id);
}

TEST_F(PgCaseRepoTest, UpdateFromAStaleStateIsAborted) {
  SimCase c = NewCase();
  c.state = CaseState::kAwaitingIdentity;
  ASSERT_OK(Update(c, CaseState::kAwaitingForm));
  SimCase stale = c;
  stale.state = CaseState::kCancelled;
  EXPECT_EQ(Update(stale, CaseState::kAwaitingForm).code(), Code::kAborted);
  EXPECT_EQ(Get(c.case_id)->state, CaseState::kAwaitingIdentity);
  SimCase ghost = c;
  ghost.case_id = c.case_id + 1000;
  EXPECT_EQ(Update(ghost, CaseState::kAwaitingIdentity).code(), Code::kAborted);
  SimCase elsewhere = c;
  elsewhere.branch_id = "other";
  EXPECT_EQ(Update(elsewhere, CaseState::kAwaitingIdentity).code(), Code::kAborted);
}

TEST_F(PgCaseRepoTest, ATicketHasAtMostOneCaseThatIsNotCancelled) {
  SimCase first = NewCase();
  SimCase second = NewCaseValue(first.ticket_id);
  // Refused before the index is reached: the transaction goes on.
  SimCase third = NewCaseValue(NewTicket());
  ASSERT_OK(Write([&](WriteTx& tx) -> Status {
    Status st = tx.cases().InsertCase(second);
    if (st.code() != Code::kAlreadyExists) return Status::Internal("got " + st.ToString());
    return tx.cases().InsertCase(third);
  }));
  EXPECT_EQ(second.case_id, 0);
  EXPECT_TRUE(Get(third.case_id));

  // The store checks the case's branch; the index, any branch.
  SimCase elsewhere = NewCaseValue(first.ticket_id, "other");
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().InsertCase(elsewhere); }).code(),
            Code::kAlreadyExists);

  // Past the store's own check, the index refuses a second open case.
  auto raw = Sql("INSERT INTO sim_cases (branch_id, ticket_id, counter_id, opened_by, opened_us, "
                 "state) VALUES ('test', $1, '1', 'x', 0, 2)",
                 {first.ticket_id});
  EXPECT_EQ(raw.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(sql_->last_error().constraint, "sim_cases_one_per_ticket");

  first.state = CaseState::kCancelled;
  ASSERT_OK(Update(first, CaseState::kAwaitingForm));
  EXPECT_FALSE(OfTicket(first.ticket_id));
  ASSERT_OK(Write([&](WriteTx& tx) { return tx.cases().InsertCase(second); }));
  EXPECT_GT(second.case_id, third.case_id);
  auto open = OfTicket(first.ticket_id);
  ASSERT_TRUE(open);
  EXPECT_EQ(open->case_id, second.case_id);
  EXPECT_FALSE(OfTicket(first.ticket_id, "other"));
}

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

TEST_F(PgCaseRepoTest, ErasureBlanksPersonalFieldsOldestFirstAndKeepsAmounts) {
  // Three finished cases at different times and one still open.
  std::vector<SimCase> cases;
  for (int i = 0; i < 4; ++i) {
    SimCase c = NewCase();
    c.form = SampleForm();
    c.fee_roubles = 300;
    c.payment = PaymentMethod::kCash;
    c.receipt_number = "test-2027-00000" + std::to_string(i + 1);
    c.state = i < 3 ? CaseState::kClosed : CaseState::kAwaitingPayment;
    if (i < 3) c.finished = kT0 + absl::Hours(3 - i);  // the last finished is the oldest
    ASSERT_OK(Write([&](WriteTx& tx) -> Status {
      QUEUE_RETURN_IF_ERROR(tx.cases().UpdateCase(c, CaseState::kAwaitingForm));
      CaseRecord r{c.case_id, 0, kT0, "close", "closed", "clerk:anna", "", ""};
      return tx.cases().AppendCaseRecord(r);
    }));
    AddOutbox("case:" + std::to_string(c.case_id), c.form->contact);
    cases.push_back(c);
  }
  AddOutbox("booking:" + std::to_string(cases[2].case_id), "+79169999999");
  auto erase = [&](absl::Time cutoff, int limit) {
    int n = -1;
    EXPECT_OK(Write([&](WriteTx& tx) -> Status {
      auto r = tx.cases().EraseFinishedCases(cutoff, limit);
      if (!r.ok()) return r.status();
      n = *r;
      return Status::Ok();
    }));
    return n;
  };
  // Cases 1 and 2 finished before the cutoff (case 0 did not): the oldest (2) first.
  const absl::Time cutoff = kT0 + absl::Hours(2) + absl::Minutes(30);
  EXPECT_EQ(erase(cutoff, 1), 1);
  EXPECT_TRUE(Get(cases[2].case_id)->erased);
  EXPECT_FALSE(Get(cases[1].case_id)->erased);
  EXPECT_EQ(erase(cutoff, 10), 1);
  EXPECT_EQ(erase(cutoff, 10), 0);
  EXPECT_EQ(erase(kT0 + absl::Hours(1000), 0), 0);

  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    auto got = Get(cases[i].case_id);
    ASSERT_TRUE(got && got->form);
    const bool erased = (i == 1 || i == 2);
    EXPECT_EQ(got->erased, erased);
    const std::string contact = erased ? "" : "ivanov@example.com";
    EXPECT_EQ(got->form->phone, erased ? "" : kPhone);
    EXPECT_EQ(got->form->full_name, erased ? "" : "Ivanov Ivan Ivanovich");
    EXPECT_EQ(got->form->document_hash, erased ? "" : "h:654321");
    EXPECT_EQ(got->form->document_last4, erased ? "" : "4321");
    EXPECT_EQ(got->form->contact, contact);
    EXPECT_EQ(Recipients("case:" + std::to_string(cases[i].case_id)),
              std::vector<std::string>{contact});
    // What reports need stays.
    EXPECT_EQ(got->form->operator_id, "megafon");
    EXPECT_EQ(got->form->reason, ReplacementReason::kStolen);
    EXPECT_EQ(got->form->document_type, DocumentType::kForeignPassport);
    EXPECT_EQ(got->fee_roubles, 300);
    EXPECT_EQ(got->payment, PaymentMethod::kCash);
    EXPECT_EQ(got->receipt_number, cases[i].receipt_number);
    EXPECT_EQ(got->finished, cases[i].finished);
    EXPECT_EQ(got->opened, cases[i].opened);
  }
  // A booking's message with the same number is not the case's.
  EXPECT_EQ(Recipients("booking:" + std::to_string(cases[2].case_id)),
            std::vector<std::string>{"+79169999999"});
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM sim_cases WHERE erased = 1 AND phone IS NULL AND "
                   "full_name IS NULL AND document_hash IS NULL AND document_last4 IS NULL "
                   "AND contact IS NULL"),
            2);
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM sim_case_records"), 4);

  // A write from a copy taken before erasure does not bring the data back.
  SimCase stale = cases[2];
  stale.refunded = true;
  stale.erased = false;
  ASSERT_OK(Update(stale, CaseState::kClosed));
  auto got = Get(stale.case_id);
  EXPECT_TRUE(got->refunded);
  EXPECT_TRUE(got->erased);
  EXPECT_EQ(got->form->phone, "");
  EXPECT_EQ(got->form->full_name, "");
  EXPECT_EQ(got->form->document_hash, "");
  EXPECT_EQ(got->form->document_last4, "");
  EXPECT_EQ(got->form->contact, "");
  EXPECT_FALSE(OpenOfPhone(kPhone, 0) && OpenOfPhone(kPhone, 0)->case_id == stale.case_id);
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
