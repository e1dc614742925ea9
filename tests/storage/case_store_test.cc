// The SIM-replacement case storage on a real SQLite file in a temp dir:
// cases and their immutable records, receipt numbering, identity attempts,
// the register's one-active-card rule, stock, erasure, the v5 -> v6
// migration; and the register file loader, the demo register included.
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "server/config/register_file.h"
#include "server/storage/sqlite/migrations.h"
#include "server/storage/sqlite/sql.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/support/test_config.h"
#include "tests/support/test_db.h"

namespace shop::queue {
namespace {

using testing::TempDir;
using testing::TestConfig;

// Equal values hash equally and the value is not readable at a glance.
class FakeHasher final : public PiiHasher {
 public:
  std::string Hash(std::string_view, std::string_view value) const override {
    return "h:" + std::string(value.rbegin(), value.rend());
  }
};

// Runs one statement on its own connection; the SQLite result code.
int Exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_busy_timeout(db, 5000);
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

int64_t QueryInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

CaseForm SampleForm() {
  CaseForm f;
  f.phone = "+79161234567";
  f.operator_id = "megafon";
  f.reason = ReplacementReason::kStolen;
  f.full_name = "Ivanov Ivan Ivanovich";
  f.document_type = DocumentType::kRuPassport;
  f.document_hash = "h:654321";
  f.document_last4 = "4321";
  f.contact = "ivanov@example.com";
  return f;
}

Subscriber SampleSubscriber() {
  Subscriber s;
  s.phone = "+79161234567";
  s.operator_id = "megafon";
  s.holder_name = "Ivanov Ivan Ivanovich";
  s.document_type = DocumentType::kRuPassport;
  s.document_hash = "h:654321";
  s.document_last4 = "4321";
  s.active_iccid = "8970102000400000017";
  s.recent_topups_roubles = {500, 300, 200};
  s.recent_calls = {"+79031112233", "+79775550101"};
  return s;
}

StockCard Blank(const std::string& iccid) {
  return StockCard{iccid, "test", "megafon", StockState::kInStock, 0};
}

class CaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Reopen();
  }

  void Reopen() {
    store_.reset();
    auto s = db_.Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->SyncConfig(TestConfig()).ok());
  }

  // A new ticket's id.
  int64_t NewTicket() {
    int64_t id = 0;
    EXPECT_TRUE(store_->Write([&](WriteTx& tx) -> Status {
                  Ticket t;
                  t.branch_id = "test";
                  t.number_prefix = t.service_prefix = "R";
                  t.business_day = "2027-01-15";
                  auto n = tx.tickets().NextNumber("test", "R", t.business_day);
                  if (!n.ok()) return n.status();
                  t.number = *n;
                  t.issue_time = kT0;
                  QUEUE_RETURN_IF_ERROR(tx.tickets().InsertTicket(t));
                  id = t.id;
                  return Status::Ok();
                }).ok());
    return id;
  }

  SimCase NewCaseValue(int64_t ticket_id) {
    SimCase c;
    c.branch_id = "test";
    c.ticket_id = ticket_id;
    c.counter_id = "1";
    c.opened_by = "anna";
    c.opened = kT0;
    return c;
  }

  // Inserts a case for a new ticket.
  SimCase NewCase() {
    SimCase c = NewCaseValue(NewTicket());
    EXPECT_TRUE(store_->Write([&](WriteTx& tx) { return tx.cases().InsertCase(c); }).ok());
    return c;
  }

  std::optional<SimCase> Get(int64_t case_id, const std::string& branch = "test") {
    std::optional<SimCase> out;
    EXPECT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                  auto c = tx.cases().GetCase(branch, case_id);
                  if (!c.ok()) return c.status();
                  out = *c;
                  return Status::Ok();
                }).ok());
    return out;
  }

  Status Write(const std::function<Status(WriteTx&)>& fn) { return store_->Write(fn); }

  TempDir dir_;
  testing::TestDb db_{dir_};
  std::unique_ptr<EngineStore> store_;
};

TEST_F(CaseStoreTest, InsertGetAndUpdateRoundTripEveryField) {
  SimCase c = NewCase();
  ASSERT_GT(c.case_id, 0);
  auto got = Get(c.case_id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->ticket_id, c.ticket_id);
  EXPECT_EQ(got->opened_by, "anna");
  EXPECT_EQ(got->opened, kT0);
  EXPECT_EQ(got->state, CaseState::kAwaitingForm);
  EXPECT_FALSE(got->form);
  EXPECT_FALSE(got->question);
  EXPECT_FALSE(got->payment);
  EXPECT_EQ(got->finished, absl::InfinitePast());
  EXPECT_FALSE(Get(c.case_id, "elsewhere"));

  c.form = SampleForm();
  c.state = CaseState::kAwaitingClose;
  c.question = QuestionKind::kRecentCall;
  c.identity_passed = true;
  c.fee_roubles = 300;
  c.payment = PaymentMethod::kCard;
  c.receipt_number = "test-2027-000001";
  c.old_iccid = "8970102000400000017";
  c.new_iccid = "8970102000500000014";
  c.refunded = true;
  c.finished = kT0 + absl::Minutes(12);
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().UpdateCase(c, CaseState::kAwaitingForm); }).ok());
  got = Get(c.case_id);
  ASSERT_TRUE(got && got->form);
  EXPECT_EQ(got->form->phone, "+79161234567");
  EXPECT_EQ(got->form->operator_id, "megafon");
  EXPECT_EQ(got->form->reason, ReplacementReason::kStolen);
  EXPECT_EQ(got->form->full_name, "Ivanov Ivan Ivanovich");
  EXPECT_EQ(got->form->document_type, DocumentType::kRuPassport);
  EXPECT_EQ(got->form->document_hash, "h:654321");
  EXPECT_EQ(got->form->document_last4, "4321");
  EXPECT_EQ(got->form->contact, "ivanov@example.com");
  EXPECT_EQ(got->state, CaseState::kAwaitingClose);
  EXPECT_EQ(got->question, QuestionKind::kRecentCall);
  EXPECT_TRUE(got->identity_passed);
  EXPECT_EQ(got->fee_roubles, 300);
  EXPECT_EQ(got->payment, PaymentMethod::kCard);
  EXPECT_EQ(got->receipt_number, "test-2027-000001");
  EXPECT_EQ(got->old_iccid, "8970102000400000017");
  EXPECT_EQ(got->new_iccid, "8970102000500000014");
  EXPECT_TRUE(got->refunded);
  EXPECT_EQ(got->finished, kT0 + absl::Minutes(12));
  EXPECT_FALSE(got->erased);
}

TEST_F(CaseStoreTest, UpdateFromAStaleStateIsAborted) {
  SimCase c = NewCase();
  c.state = CaseState::kAwaitingIdentity;
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().UpdateCase(c, CaseState::kAwaitingForm); }).ok());
  SimCase stale = c;
  stale.state = CaseState::kCancelled;
  Status st = Write([&](WriteTx& tx) { return tx.cases().UpdateCase(stale, CaseState::kAwaitingForm); });
  EXPECT_EQ(st.code(), Status::Code::kAborted) << st.ToString();
  EXPECT_EQ(Get(c.case_id)->state, CaseState::kAwaitingIdentity);
  // An unknown case is aborted too (nothing matched).
  SimCase ghost = c;
  ghost.case_id = 999;
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().UpdateCase(ghost, CaseState::kAwaitingIdentity); })
                .code(),
            Status::Code::kAborted);
}

TEST_F(CaseStoreTest, ATicketHasAtMostOneCaseThatIsNotCancelled) {
  SimCase first = NewCase();
  SimCase second = NewCaseValue(first.ticket_id);
  Status st = Write([&](WriteTx& tx) { return tx.cases().InsertCase(second); });
  EXPECT_EQ(st.code(), Status::Code::kAlreadyExists) << st.ToString();

  // Even past the store's own check, the index refuses a second open case.
  EXPECT_FALSE(db_.Exec("INSERT INTO sim_cases (branch_id, ticket_id, counter_id, opened_by, "
                        "opened_us, state) VALUES ('test', " +
                            std::to_string(first.ticket_id) + ", '1', 'x', 0, 2)").ok());

  first.state = CaseState::kCancelled;
  ASSERT_TRUE(
      Write([&](WriteTx& tx) { return tx.cases().UpdateCase(first, CaseState::kAwaitingForm); }).ok());
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().InsertCase(second); }).ok());
  EXPECT_NE(second.case_id, first.case_id);

  std::optional<SimCase> open;
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                auto c = tx.cases().CaseOfTicket("test", first.ticket_id);
                if (!c.ok()) return c.status();
                open = *c;
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(open);
  EXPECT_EQ(open->case_id, second.case_id);
}

TEST_F(CaseStoreTest, CaseRecordsAreNumberedPerCaseAndImmutable) {
  SimCase a = NewCase();
  SimCase b = NewCase();
  std::vector<int> seqs;
  ASSERT_TRUE(Write([&](WriteTx& tx) -> Status {
                for (int64_t id : {a.case_id, b.case_id, a.case_id, a.case_id}) {
                  CaseRecord r{id, 0, kT0, "form", "accepted", "clerk:anna", "", "operator=megafon"};
                  QUEUE_RETURN_IF_ERROR(tx.cases().AppendCaseRecord(r));
                  seqs.push_back(r.seq);
                }
                return Status::Ok();
              }).ok());
  EXPECT_EQ(seqs, (std::vector<int>{1, 1, 2, 3}));
  std::vector<CaseRecord> records;
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                auto r = tx.cases().CaseRecords(a.case_id);
                if (!r.ok()) return r.status();
                records = *r;
                return Status::Ok();
              }).ok());
  ASSERT_EQ(records.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(records[i].seq, i + 1);
  EXPECT_EQ(records[0].actor, "clerk:anna");
  EXPECT_EQ(records[0].detail, "operator=megafon");
  EXPECT_EQ(records[0].time, kT0);

  EXPECT_FALSE(db_.Exec("UPDATE sim_case_records SET outcome = 'passed'").ok());
  EXPECT_FALSE(db_.Exec("DELETE FROM sim_case_records").ok());
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM sim_case_records WHERE outcome = 'accepted'"),
            4);
}

TEST_F(CaseStoreTest, ReceiptNumbersCountPerBranchAndYearAcrossRestarts) {
  auto next = [&](const std::string& branch, int year) {
    int64_t n = 0;
    EXPECT_TRUE(Write([&](WriteTx& tx) -> Status {
                  auto r = tx.cases().NextReceiptNumber(branch, year);
                  if (!r.ok()) return r.status();
                  n = *r;
                  return Status::Ok();
                }).ok());
    return n;
  };
  EXPECT_EQ(next("test", 2027), 1);
  EXPECT_EQ(next("test", 2027), 2);
  EXPECT_EQ(next("test", 2028), 1);
  EXPECT_EQ(next("other", 2027), 1);
  Reopen();
  EXPECT_EQ(next("test", 2027), 3);
  // A number taken by a failed write is not taken.
  EXPECT_FALSE(Write([&](WriteTx& tx) -> Status {
                 (void)tx.cases().NextReceiptNumber("test", 2027);
                 return Status::Aborted("lost");
               }).ok());
  EXPECT_EQ(next("test", 2027), 4);
}

TEST_F(CaseStoreTest, IdentityAttemptsSurviveReopening) {
  IdentityAttempts a;
  a.failures = {kT0, kT0 + absl::Minutes(5)};
  a.locked_until = kT0 + absl::Hours(24);
  ASSERT_TRUE(
      Write([&](WriteTx& tx) { return tx.cases().SaveIdentityAttempts("+79161234567", a); }).ok());
  Reopen();
  IdentityAttempts got, other;
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                got = *tx.cases().GetIdentityAttempts("+79161234567");
                other = *tx.cases().GetIdentityAttempts("+79031112233");
                return Status::Ok();
              }).ok());
  EXPECT_EQ(got.failures, a.failures);
  EXPECT_EQ(got.locked_until, a.locked_until);
  EXPECT_TRUE(other.failures.empty());
  EXPECT_EQ(other.locked_until, absl::InfinitePast());

  // Nothing left to remember: no row keyed by the number remains.
  ASSERT_TRUE(Write([&](WriteTx& tx) {
                return tx.cases().SaveIdentityAttempts("+79161234567", IdentityAttempts{});
              }).ok());
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM identity_attempts"), 0);
}

TEST_F(CaseStoreTest, SubscriberRoundTrip) {
  Subscriber s = SampleSubscriber();
  s.last_sim_change = kT0 - absl::Hours(1000);
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  std::optional<Subscriber> got, none;
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                got = *tx.cases().GetSubscriber(s.phone);
                none = *tx.cases().GetSubscriber("+79990000000");
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(got);
  EXPECT_FALSE(none);
  EXPECT_EQ(got->operator_id, "megafon");
  EXPECT_EQ(got->holder_name, s.holder_name);
  EXPECT_EQ(got->document_type, DocumentType::kRuPassport);
  EXPECT_EQ(got->document_hash, "h:654321");
  EXPECT_EQ(got->document_last4, "4321");
  EXPECT_EQ(got->active_iccid, s.active_iccid);
  EXPECT_FALSE(got->no_sim_change);
  EXPECT_EQ(got->last_sim_change, s.last_sim_change);
  EXPECT_EQ(got->recent_topups_roubles, (std::vector<int64_t>{500, 300, 200}));
  EXPECT_EQ(got->recent_calls, s.recent_calls);

  // Saving again replaces the activity lists.
  s.recent_topups_roubles = {100};
  s.recent_calls = {};
  s.no_sim_change = true;
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                got = *tx.cases().GetSubscriber(s.phone);
                return Status::Ok();
              }).ok());
  EXPECT_EQ(got->recent_topups_roubles, (std::vector<int64_t>{100}));
  EXPECT_TRUE(got->recent_calls.empty());
  EXPECT_TRUE(got->no_sim_change);
  EXPECT_EQ(got->active_iccid, s.active_iccid);

  // A card active on one number cannot be given to another.
  Subscriber other = SampleSubscriber();
  other.phone = "+79162345678";
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(other); }).code(),
            Status::Code::kFailedPrecondition);
  // Nor can a number get a second active card this way.
  s.active_iccid = "8970102000400000025";
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).code(),
            Status::Code::kFailedPrecondition);
}

TEST_F(CaseStoreTest, SwapActiveCardKeepsExactlyOneActiveCard) {
  const Subscriber s = SampleSubscriber();
  const std::string kNew = "8970102000500000014";
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  const absl::Time now = kT0 + absl::Hours(2);
  ASSERT_TRUE(Write([&](WriteTx& tx) {
                return tx.cases().SwapActiveCard(s.phone, s.active_iccid, kNew, now);
              }).ok());

  std::optional<Subscriber> got;
  std::string old_state, new_state, unknown_state;
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                got = *tx.cases().GetSubscriber(s.phone);
                old_state = *tx.cases().CardState(s.active_iccid);
                new_state = *tx.cases().CardState(kNew);
                unknown_state = *tx.cases().CardState("8970102000999999999");
                return Status::Ok();
              }).ok());
  EXPECT_EQ(got->active_iccid, kNew);
  EXPECT_EQ(got->last_sim_change, now);
  EXPECT_EQ(old_state, "blocked");
  EXPECT_EQ(new_state, "active");
  EXPECT_EQ(unknown_state, "");
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM sim_cards WHERE phone = '+79161234567' "
                            "AND state = 'active'"),
            1);
  EXPECT_EQ(db_.QueryInt("SELECT blocked_us FROM sim_cards WHERE iccid = '" +
                                s.active_iccid + "'"),
            absl::ToUnixMicros(now));

  // A swap based on the old card is a lost race, and changes nothing.
  Status st = Write([&](WriteTx& tx) {
    return tx.cases().SwapActiveCard(s.phone, s.active_iccid, "8970102000500000022", now);
  });
  EXPECT_EQ(st.code(), Status::Code::kAborted) << st.ToString();
  // A blocked card is never activated again.
  st = Write([&](WriteTx& tx) {
    return tx.cases().SwapActiveCard(s.phone, kNew, s.active_iccid, now);
  });
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition) << st.ToString();
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM sim_cards WHERE state = 'active'"), 1);

  // The unique index holds even against SQL that bypasses the store.
  EXPECT_FALSE(db_.Exec("INSERT INTO sim_cards (iccid, phone, state) VALUES "
                        "('8970102000500000030', '+79161234567', 'active')").ok());
  EXPECT_FALSE(db_.Exec("UPDATE sim_cards SET state = 'active' WHERE iccid = '" +
                            s.active_iccid + "'").ok());
}

TEST_F(CaseStoreTest, ANumberWithoutACardGetsItsFirst) {
  Subscriber s = SampleSubscriber();
  s.active_iccid.clear();
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  ASSERT_TRUE(Write([&](WriteTx& tx) {
                return tx.cases().SwapActiveCard(s.phone, "", "8970102000500000014", kT0);
              }).ok());
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM sim_cards WHERE state = 'active'"), 1);
  // An unknown number is not found.
  EXPECT_EQ(Write([&](WriteTx& tx) {
              return tx.cases().SwapActiveCard("+79990000000", "", "8970102000500000022", kT0);
            }).code(),
            Status::Code::kNotFound);
}

TEST_F(CaseStoreTest, AStockCardIsIssuedOnlyOnce) {
  SimCase c = NewCase();
  const std::string kCard = "8970102000500000014";
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().AddStockCard(Blank(kCard)); }).ok());
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().AddStockCard(Blank(kCard)); }).code(),
            Status::Code::kAlreadyExists);
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().IssueStockCard(kCard, c.case_id); }).ok());
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().IssueStockCard(kCard, c.case_id); }).code(),
            Status::Code::kAborted);
  EXPECT_EQ(Write([&](WriteTx& tx) {
              return tx.cases().IssueStockCard("8970102000500000022", c.case_id);
            }).code(),
            Status::Code::kAborted);
  EXPECT_EQ(Write([&](WriteTx& tx) { return tx.cases().AddStockCard(Blank(kCard)); }).code(),
            Status::Code::kAlreadyExists);

  std::optional<StockCard> got, none;
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                got = *tx.cases().GetStockCard(kCard);
                none = *tx.cases().GetStockCard("8970102000500000022");
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(got);
  EXPECT_FALSE(none);
  EXPECT_EQ(got->state, StockState::kIssued);
  EXPECT_EQ(got->case_id, c.case_id);
  EXPECT_EQ(got->branch_id, "test");
  EXPECT_EQ(got->operator_id, "megafon");

  // A card that is in the register is not a blank card.
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(SampleSubscriber()); }).ok());
  EXPECT_EQ(Write([&](WriteTx& tx) {
              return tx.cases().AddStockCard(Blank(SampleSubscriber().active_iccid));
            }).code(),
            Status::Code::kAlreadyExists);
}

TEST_F(CaseStoreTest, ErasureBlanksPersonalFieldsOldestFirstAndKeepsAmounts) {
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
    ASSERT_TRUE(
        Write([&](WriteTx& tx) -> Status {
          QUEUE_RETURN_IF_ERROR(tx.cases().UpdateCase(c, CaseState::kAwaitingForm));
          OutboxMessage m{0, kT0, "email", c.form->contact, "Your card was replaced",
                          "case:" + std::to_string(c.case_id)};
          QUEUE_RETURN_IF_ERROR(tx.outbox().EnqueueMessage(m));
          if (m.id <= 0) return Status::Internal("no id");
          CaseRecord r{c.case_id, 0, kT0, "close", "closed", "clerk:anna", "", ""};
          return tx.cases().AppendCaseRecord(r);
        }).ok());
    cases.push_back(c);
  }
  auto erase = [&](absl::Time cutoff, int limit) {
    int n = -1;
    EXPECT_TRUE(Write([&](WriteTx& tx) -> Status {
                  auto r = tx.cases().EraseFinishedCases(cutoff, limit);
                  if (!r.ok()) return r.status();
                  n = *r;
                  return Status::Ok();
                }).ok());
    return n;
  };
  // Cases 1 and 2 finished before the cutoff (case 0 did not): one at a time,
  // the oldest (2) first.
  const absl::Time cutoff = kT0 + absl::Hours(2) + absl::Minutes(30);
  EXPECT_EQ(erase(cutoff, 1), 1);
  EXPECT_TRUE(Get(cases[2].case_id)->erased);
  EXPECT_FALSE(Get(cases[1].case_id)->erased);
  EXPECT_EQ(erase(cutoff, 10), 1);
  EXPECT_EQ(erase(cutoff, 10), 0);

  for (int i = 0; i < 4; ++i) {
    auto got = Get(cases[i].case_id);
    ASSERT_TRUE(got && got->form);
    std::vector<OutboxMessage> out;
    ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                  out = *tx.outbox().OutboxFor("case:" + std::to_string(cases[i].case_id));
                  return Status::Ok();
                }).ok());
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].text, "Your card was replaced");
    EXPECT_EQ(out[0].channel, "email");
    const bool erased = (i == 1 || i == 2);
    SCOPED_TRACE(i);
    EXPECT_EQ(got->erased, erased);
    if (erased) {
      EXPECT_EQ(got->form->phone, "");
      EXPECT_EQ(got->form->full_name, "");
      EXPECT_EQ(got->form->document_hash, "");
      EXPECT_EQ(got->form->document_last4, "");
      EXPECT_EQ(got->form->contact, "");
      EXPECT_EQ(out[0].recipient, "");
    } else {
      EXPECT_EQ(got->form->phone, "+79161234567");
      EXPECT_EQ(out[0].recipient, "ivanov@example.com");
    }
    // What reports need stays.
    EXPECT_EQ(got->form->operator_id, "megafon");
    EXPECT_EQ(got->form->reason, ReplacementReason::kStolen);
    EXPECT_EQ(got->fee_roubles, 300);
    EXPECT_EQ(got->payment, PaymentMethod::kCash);
    EXPECT_EQ(got->receipt_number, cases[i].receipt_number);
    EXPECT_EQ(got->finished, cases[i].finished);
    EXPECT_EQ(got->opened, kT0);
  }
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM sim_cases WHERE erased = 1 AND phone IS NULL "
                            "AND full_name IS NULL AND document_hash IS NULL AND contact IS NULL"),
            2);
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM sim_case_records"), 4);

  // A write from a copy taken before erasure does not bring the data back.
  SimCase stale = cases[2];
  stale.refunded = true;
  ASSERT_TRUE(Write([&](WriteTx& tx) { return tx.cases().UpdateCase(stale, CaseState::kClosed); }).ok());
  auto got = Get(stale.case_id);
  EXPECT_TRUE(got->refunded);
  EXPECT_TRUE(got->erased);
  EXPECT_EQ(got->form->phone, "");
  EXPECT_EQ(got->form->document_hash, "");
}

TEST(CaseStoreMigration, AVersion5DatabaseMigratesWithItsData) {
  SKIP_ON_POSTGRES("an old SQLite file migrating");
  TempDir dir;
  const std::string path = dir.File("v5.db");
  // A database as the previous release left it: migrations 0..4 and a ticket.
  std::string v5 = "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                   "INSERT INTO schema_version VALUES (5);";
  for (int i = 0; i < 5; ++i) v5 += sqlite::MigrationSql(i);
  v5 += "INSERT INTO branches VALUES ('test', 'Test shop', 'Europe/Moscow');"
        "INSERT INTO services VALUES ('test', 'R', 'r', 'r', 'r');"
        "INSERT INTO tickets (ticket_id, branch_id, number_prefix, number, business_day, "
        "service_prefix, state, priority, origin, language, issue_us) "
        "VALUES (7, 'test', 'R', 1, '2027-01-15', 'R', 3, 0, 1, 1, 0);";
  ASSERT_EQ(Exec(path, v5), SQLITE_OK);
  ASSERT_GE(SqliteStore::LatestSchemaVersion(), 6);

  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(QueryInt(path, "SELECT version FROM schema_version"),
            SqliteStore::LatestSchemaVersion());
  SimCase c;
  c.branch_id = "test";
  c.ticket_id = 7;
  c.counter_id = "1";
  c.opened_by = "anna";
  c.opened = kT0;
  ASSERT_TRUE((*store)->Write([&](WriteTx& tx) { return tx.cases().InsertCase(c); }).ok());
  std::optional<Ticket> t;
  ASSERT_TRUE((*store)->Read([&](ReadTx& tx) -> Status {
                t = *tx.tickets().GetTicket("test", 7);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(t);
  EXPECT_EQ(t->state, TicketState::kServing);
  EXPECT_EQ(*(*store)->IntegrityCheck(), "ok");
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                           "'sim_cards_one_active'"),
            1);
}

// --- The register file. ---

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(SHOP_QUEUE_SOURCE_DIR) + "/" + relative);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One subscriber entry with `field` replaced by `value` (raw JSON).
std::string OneSubscriber(const std::string& field = "", const std::string& value = "") {
  std::map<std::string, std::string> e = {
      {"phone", R"("8 (916) 123-45-67")"},
      {"operator", R"("megafon")"},
      {"holder_name", R"("Ivanov Ivan Ivanovich")"},
      {"document_type", R"("ru_passport")"},
      {"document_number", R"("4509 123456")"},
      {"active_iccid", R"("8970102000400000017")"},
      {"recent_topups_roubles", "[500, 300]"},
      {"recent_calls", R"(["+7 903 111-22-33", "+7 495 123-45-67"])"},
      {"contact", R"("8 (903) 555-00-11")"},
      {"address", R"("ул. Тестовая, д. 1, кв. 2, Москва, 101000")"},
      {"contact_changed", R"("2025-10-01T08:00:00Z")"},
  };
  if (!field.empty()) e[field] = value;
  std::string out = "{";
  for (const auto& [k, v] : e) {
    if (v.empty()) continue;  // left out
    if (out.size() > 1) out += ", ";
    out += "\"" + k + "\": " + v;
  }
  return out + "}";
}

// A file of a sound first subscriber and `subscriber` second.
Result<RegisterFile> ParseOne(const std::string& subscriber) {
  FakeHasher hasher;
  return ParseRegisterFile(
      R"({"subscribers": [)" + OneSubscriber() + ", " + subscriber + "]}", "reg.json", hasher);
}

TEST(RegisterFile, ParsesAnEntryIntoItsNormalForm) {
  FakeHasher hasher;
  auto f = ParseRegisterFile(R"({"_comment": "x", "subscribers": [)" + OneSubscriber() +
                                 R"(], "stock": [{"branch": "demo", "operator": "tele2",
                                 "iccid": "8970120000500000014", "_note": "box 1"}]})",
                             "reg.json", hasher);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->subscribers.size(), 1u);
  const Subscriber& s = f->subscribers[0];
  EXPECT_EQ(s.phone, "+79161234567");
  EXPECT_EQ(s.operator_id, "megafon");
  EXPECT_EQ(s.document_type, DocumentType::kRuPassport);
  EXPECT_EQ(s.document_hash, hasher.Hash("document", "4509123456"));
  EXPECT_EQ(s.document_last4, "3456");
  EXPECT_EQ(s.active_iccid, "8970102000400000017");
  EXPECT_FALSE(s.no_sim_change);
  EXPECT_EQ(s.last_sim_change, absl::InfinitePast());
  EXPECT_EQ(s.recent_topups_roubles, (std::vector<int64_t>{500, 300}));
  EXPECT_EQ(s.recent_calls, (std::vector<std::string>{"+79031112233", "+74951234567"}));
  EXPECT_EQ(s.contact, "+79035550011");
  EXPECT_EQ(s.address, "ул. Тестовая, д. 1, кв. 2, Москва, 101000");
  EXPECT_EQ(s.contact_changed, absl::FromUnixSeconds(1759305600));
  ASSERT_EQ(f->stock.size(), 1u);
  EXPECT_EQ(f->stock[0].branch_id, "demo");
  EXPECT_EQ(f->stock[0].operator_id, "tele2");
  EXPECT_EQ(f->stock[0].state, StockState::kInStock);
}

TEST(RegisterFile, ErrorsNameTheEntryButNotTheValue) {
  struct Case {
    std::string field, value, key;
  };
  const std::vector<Case> cases = {
      {"phone", R"("+7 495 123-45-67")", "subscribers[1].phone"},
      {"operator", R"("Mega Fon")", "subscribers[1].operator"},
      {"holder_name", R"("")", "subscribers[1].holder_name"},
      {"document_type", R"("driving_licence")", "subscribers[1].document_type"},
      {"document_number", R"("7700 12345")", "subscribers[1].document_number"},
      {"active_iccid", R"("8970102000400000018")", "subscribers[1].active_iccid"},
      {"recent_topups_roubles", "[500, -3]", "subscribers[1].recent_topups_roubles[1]"},
      {"recent_topups_roubles", "[12.5]", "subscribers[1].recent_topups_roubles[0]"},
      {"recent_calls", R"(["call me"])", "subscribers[1].recent_calls[0]"},
      {"no_sim_change", R"("no")", "subscribers[1].no_sim_change"},
      {"last_sim_change", R"("yesterday")", "subscribers[1].last_sim_change"},
      {"no_sim_chnage", "true", "subscribers[1].no_sim_chnage"},
      {"contact", R"("write to me")", "subscribers[1].contact"},
      {"contact", R"("+7 495 123-45-67")", "subscribers[1].contact"},
      {"contact", "79035550011", "subscribers[1].contact"},
      {"address", R"("ул. Тестовая,\nМосква")", "subscribers[1].address"},
      {"address", "[\"Москва\"]", "subscribers[1].address"},
      {"address", "\"" + std::string(301, 'x') + "\"", "subscribers[1].address"},
      {"contact_changed", R"("last week")", "subscribers[1].contact_changed"},
  };
  for (const auto& c : cases) {
    auto f = ParseOne(OneSubscriber(c.field, c.value));
    SCOPED_TRACE(c.field + " = " + c.value);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(f.status().field(), c.key);
    EXPECT_NE(f.status().message().find("reg.json: " + c.key + ": "), std::string::npos)
        << f.status().message();
    if (c.value.size() > 4) {  // the bad value itself is never echoed
      EXPECT_EQ(f.status().message().find(c.value.substr(1, c.value.size() - 2)),
                std::string::npos)
          << f.status().message();
    }
  }
  auto phone = ParseOne(OneSubscriber("phone", R"("+7 495 123-45-67")"));
  EXPECT_EQ(phone.status().message(),
            "reg.json: subscribers[1].phone: not a Russian mobile number");
}

TEST(RegisterFile, ContactAndAddressAreOptional) {
  FakeHasher hasher;
  const std::string bare = R"({"phone": "+79161234567", "operator": "megafon",
      "holder_name": "Ivanov Ivan Ivanovich", "document_type": "ru_passport",
      "document_number": "4509 123456"})";
  auto f = ParseRegisterFile(R"({"subscribers": [)" + bare + "]}", "reg.json", hasher);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->subscribers[0].contact, "");
  EXPECT_EQ(f->subscribers[0].address, "");
  EXPECT_EQ(f->subscribers[0].contact_changed, absl::InfinitePast());
  // An e-mail contact is kept as written; an empty one means none.
  auto mail = ParseRegisterFile(
      R"({"subscribers": [)" + OneSubscriber("contact", R"("ivanov@example.com")") + "]}",
      "reg.json", hasher);
  ASSERT_TRUE(mail.ok()) << mail.status().ToString();
  EXPECT_EQ(mail->subscribers[0].contact, "ivanov@example.com");
  auto none = ParseRegisterFile(
      R"({"subscribers": [)" + OneSubscriber("contact", R"("")") + "]}", "reg.json", hasher);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(none->subscribers[0].contact, "");
}

TEST(RegisterFile, RefusesDuplicatesAndBrokenJson) {
  // The same number written two ways.
  auto dup = ParseOne(OneSubscriber("phone", R"("+79161234567")"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().field(), "subscribers[1].phone");
  FakeHasher hasher;
  // A subscriber's card offered as a blank one.
  auto card = ParseRegisterFile(R"({"subscribers": [)" + OneSubscriber() + R"(],
                                  "stock": [{"branch": "demo", "operator": "megafon",
                                             "iccid": "8970102000400000017"}]})",
                                "reg.json", hasher);
  ASSERT_FALSE(card.ok());
  EXPECT_EQ(card.status().field(), "stock[0].iccid");
  auto broken = ParseRegisterFile(R"({"subscribers": [{"phone": "+79161234567",)", "reg.json",
                                  hasher);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(broken.status().message().find("+7916"), std::string::npos)
      << broken.status().message();
  EXPECT_FALSE(ParseRegisterFile("[]", "reg.json", hasher).ok());
  EXPECT_EQ(ParseRegisterFile(R"({"stock": {}})", "reg.json", hasher).status().field(), "stock");
  EXPECT_EQ(LoadRegisterFile("/nonexistent/reg.json", hasher).status().code(),
            Status::Code::kNotFound);
}

// Messages show a document number's format, never an example that could be
// someone's document (they once showed the demo register's own numbers).
TEST(RegisterFile, DocumentHintsShowNoNumberOfTheRegister) {
  FakeHasher hasher;
  auto f = ParseRegisterFile(ReadSource("server/config/demo_register.json"), "demo", hasher);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  for (DocumentType t : {DocumentType::kRuPassport, DocumentType::kForeignPassport,
                         DocumentType::kResidencePermit}) {
    const std::string hint = DocumentFormatHint(t);
    std::string digits, run;
    for (char c : hint + " ") {
      if (c >= '0' && c <= '9') {
        run += c;
        digits += c;
        continue;
      }
      EXPECT_LE(run.size(), 2u) << "a number in the hint: " << hint;
      run.clear();
    }
    for (const auto& sub : f->subscribers) {
      EXPECT_NE(sub.document_hash, hasher.Hash("document", digits)) << hint;
      EXPECT_EQ(hint.find(sub.document_last4), std::string::npos) << hint;
    }
  }
}

TEST(RegisterFile, TheDemoRegisterParses) {
  FakeHasher hasher;
  const std::string text = ReadSource("server/config/demo_register.json");
  ASSERT_FALSE(text.empty());
  auto f = ParseRegisterFile(text, "demo_register.json", hasher);
  ASSERT_TRUE(f.ok()) << f.status().ToString();

  std::map<std::string, int> subscribers_per_operator, stock_per_operator;
  int locked = 0;
  for (const auto& s : f->subscribers) {
    ++subscribers_per_operator[s.operator_id];
    locked += s.no_sim_change;
    EXPECT_FALSE(s.active_iccid.empty()) << MaskPhone(s.phone);
    EXPECT_GE(s.recent_topups_roubles.size(), 2u);
    EXPECT_GE(s.recent_calls.size(), 1u);
    EXPECT_EQ(s.document_last4.size(), 4u);
    // The remote route needs where notices and cards go.
    EXPECT_FALSE(s.contact.empty()) << MaskPhone(s.phone);
    EXPECT_NE(s.contact.find("@example.com"), std::string::npos) << "invented: " << s.contact;
    EXPECT_NE(s.address.find("101000"), std::string::npos) << s.address;
  }
  for (const auto& c : f->stock) {
    EXPECT_EQ(c.branch_id, "demo");
    ++stock_per_operator[c.operator_id];
  }
  EXPECT_EQ(subscribers_per_operator,
            (std::map<std::string, int>{{"beeline", 3}, {"megafon", 3}, {"tele2", 3}}));
  EXPECT_EQ(stock_per_operator,
            (std::map<std::string, int>{{"beeline", 10}, {"megafon", 10}, {"tele2", 10}}));
  EXPECT_EQ(locked, 1);
  // Every phone in the demo matches its operator's demo prefix.
  for (const auto& s : f->subscribers) {
    const std::string prefix = s.phone.substr(0, 5);
    EXPECT_TRUE(prefix == "+7916" || prefix == "+7903" || prefix == "+7977") << prefix;
  }
}

TEST(RegisterFile, LoadingAgainUpdatesButKeepsASimChange) {
  TempDir dir;
  testing::TestDb db(dir);
  auto store = db.Open();
  ASSERT_TRUE(store.ok());
  FakeHasher hasher;
  auto f = ParseRegisterFile(ReadSource("server/config/demo_register.json"), "demo", hasher);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  int stock = -1, subscribers = -1;
  ASSERT_TRUE((*store)->Write([&](WriteTx& tx) {
                return ApplyRegisterFile(tx, *f, &stock, &subscribers);
              }).ok());
  EXPECT_EQ(stock, 30);
  EXPECT_EQ(subscribers, 9);

  // A SIM change made since the first load survives the next load.
  const Subscriber& first = f->subscribers[0];
  const std::string fresh = f->stock[0].iccid;  // a megafon blank, issued
  ASSERT_EQ(f->stock[0].operator_id, first.operator_id);
  ASSERT_TRUE((*store)->Write([&](WriteTx& tx) {
                return tx.cases().SwapActiveCard(first.phone, first.active_iccid, fresh, kT0);
              }).ok());
  // The file was edited meanwhile: a new top-up.
  RegisterFile edited = *f;
  edited.subscribers[0].recent_topups_roubles.insert(
      edited.subscribers[0].recent_topups_roubles.begin(), 750);
  ASSERT_TRUE((*store)->Write([&](WriteTx& tx) {
                return ApplyRegisterFile(tx, edited, &stock, &subscribers);
              }).ok());
  EXPECT_EQ(stock, 0);
  EXPECT_EQ(subscribers, 0);
  std::optional<Subscriber> got;
  ASSERT_TRUE((*store)->Read([&](ReadTx& tx) -> Status {
                got = *tx.cases().GetSubscriber(first.phone);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(got);
  EXPECT_EQ(got->active_iccid, fresh);
  EXPECT_EQ(got->last_sim_change, kT0);
  EXPECT_EQ(got->recent_topups_roubles, edited.subscribers[0].recent_topups_roubles);
  EXPECT_EQ(got->contact, first.contact);
  EXPECT_EQ(got->address, first.address);

  // A contact changed in the register since stays as changed when the file
  // still holds the older time (the later change wins, as for SIM changes).
  Subscriber changed = *got;
  changed.contact_changed = kT0;
  ASSERT_TRUE((*store)->Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(changed); })
                  .ok());
  ASSERT_TRUE((*store)->Write([&](WriteTx& tx) {
                return ApplyRegisterFile(tx, edited, &stock, &subscribers);
              }).ok());
  ASSERT_TRUE((*store)->Read([&](ReadTx& tx) -> Status {
                got = *tx.cases().GetSubscriber(first.phone);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(got);
  EXPECT_EQ(got->contact_changed, kT0);
  EXPECT_EQ(db.QueryInt("SELECT COUNT(*) FROM sim_cards WHERE state = 'active'"), 9);
}

}  // namespace
}  // namespace shop::queue
