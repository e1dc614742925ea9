// The SIM-replacement case over a real SQLite file with a manual clock:
// the happy path, the enforced order, validation, the identity lock (also
// across a restart), supervisor actions, card checks, and a property test of
// random step sequences.
#include "server/domain/cases/case_manager.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <random>
#include <thread>
#include <sstream>

#include <gtest/gtest.h>

#include "server/crypto/pii_key.h"
#include "server/domain/cases/case_hooks.h"
#include "server/domain/queue/queue_manager.h"
#include "tests/support/test_db.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

using testing::At;
using testing::TestIccid;
using C = Status::Code;

constexpr const char* kZone = "Europe/Moscow";
constexpr const char* kBranch = "test";
constexpr int kStock = 3000;  // blank cards, numbered from 100

// Passwords without Argon2, so thousands of supervisor confirmations stay fast.
class FastSecrets final : public Secrets {
 public:
  Result<std::string> HashPassword(const std::string& p) const override { return "plain:" + p; }
  bool VerifyPassword(const std::string& p, const std::string& stored) const override {
    return stored == "plain:" + p;
  }
  std::string NewToken() const override { return "tok" + std::to_string(++n_); }
  std::string TokenHash(const std::string& t) const override { return "h:" + t; }

 private:
  mutable std::atomic<int> n_{0};
};

struct Person {
  std::string phone;
  std::string op;
  std::string name;
  std::string doc;  // as typed
  int64_t last_topup;
  std::string called;
  std::string card;
};

const Person kAnna{"+79161234567", "megafon", "Анна Петрова", "4509 123456", 500, "+79031112233",
                   TestIccid(1)};
const Person kBoris{"+79032223344", "beeline", "Boris Ivanov", "4510 654321", 300, "+79165554433",
                    TestIccid(2)};
const Person kVera{"+79773334455", "tele2", "Vera Smirnova", "4511 777888", 150, "+79161234567",
                   TestIccid(3)};

// Whether `text` (UTF-8) has Cyrillic letters / CJK ideographs.
bool HasCyrillic(const std::string& text) {
  auto cps = DecodeUtf8(text);
  return cps && std::any_of(cps->begin(), cps->end(),
                            [](char32_t c) { return c >= 0x400 && c <= 0x4FF; });
}
bool HasChinese(const std::string& text) {
  auto cps = DecodeUtf8(text);
  return cps && std::any_of(cps->begin(), cps->end(),
                            [](char32_t c) { return c >= 0x4E00 && c <= 0x9FFF; });
}

class CaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // tmpfs when there is one: the property test commits thousands of times.
    if (std::filesystem::exists("/dev/shm")) {
      shm_dir_ = std::filesystem::path("/dev/shm") /
                 ("case-test-" + std::to_string(std::random_device{}()));
      std::filesystem::create_directories(shm_dir_);
      db_ = std::make_unique<testing::TestDb>((shm_dir_ / "q.db").string());
    } else {
      db_ = std::make_unique<testing::TestDb>(dir_);
    }
    config_ = testing::CaseTestConfig(kZone);
    Open();
    ASSERT_TRUE(auth_->AddStaff("anna", "Anna Clerk", Role::kClerk, "anna-pw", "test").ok());
    ASSERT_TRUE(auth_->AddStaff("boss", "Big Boss", Role::kSupervisor, "boss-pw", "test").ok());
    ASSERT_TRUE(auth_->AddStaff("bob", "Bob Clerk", Role::kClerk, "bob-pw", "test").ok());
    Status seeded = store_->Write([&](WriteTx& tx) -> Status {
      for (const Person* p : {&kAnna, &kBoris, &kVera}) {
        Subscriber s;
        s.phone = p->phone;
        s.operator_id = p->op;
        s.holder_name = p->name;
        s.document_type = DocumentType::kRuPassport;
        auto n = NormalizeDocumentNumber(DocumentType::kRuPassport, p->doc);
        s.document_hash = hasher_.Hash("document", *n);
        s.document_last4 = LastFour(*n);
        s.active_iccid = p->card;
        s.recent_topups_roubles = {p->last_topup, 100};
        s.recent_calls = {p->called};
        QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(s));
      }
      for (int i = 100; i < 100 + kStock; ++i) {
        const char* op = i % 3 == 0 ? "megafon" : i % 3 == 1 ? "beeline" : "tele2";
        QUEUE_RETURN_IF_ERROR(tx.cases().AddStockCard({TestIccid(i), kBranch, op}));
      }
      return Status::Ok();
    });
    ASSERT_TRUE(seeded.ok()) << seeded.ToString();
    ASSERT_TRUE(queue_->OpenCounter(kBranch, "1", {"R", "N", "P"}, &clerk_).ok());
  }

  void TearDown() override {
    cases_.reset();
    queue_.reset();
    auth_.reset();
    store_.reset();
    db_.reset();
    if (!shm_dir_.empty()) std::filesystem::remove_all(shm_dir_);
  }

  // Opens (or reopens: a restart) the store and the managers.
  void Open() {
    cases_.reset();
    queue_.reset();
    auth_.reset();
    store_.reset();
    auto s = db_->Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->SyncConfig(config_).ok());
    auth_ = std::make_unique<AuthManager>(*store_, clock_, secrets_);
    queue_ = std::make_unique<QueueManager>(config_, *store_, clock_, board_);
    queue_->set_serving_hooks(&hooks_);
    cases_ = std::make_unique<CaseManager>(config_, *store_, clock_, hasher_, *auth_);
  }

  // A new R ticket called and started at counter 1; returns its case id.
  int64_t ServeNewCase(Language language = Language::kRu) {
    auto t = queue_->CreateTicket({kBranch, "R", language, Priority::kNone,
                                   "req-" + std::to_string(++seq_)});
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    auto called = queue_->CallChosen(kBranch, "1", t->ticket.id, &clerk_);
    EXPECT_TRUE(called.ok()) << called.status().ToString();
    auto started = queue_->Act(kBranch, "1", t->ticket.id, CounterAction::kStart, &clerk_);
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    EXPECT_GT(started->case_id, 0);
    last_ticket_ = t->ticket.id;
    return started->case_id;
  }

  CaseFormInput Form(const Person& p) {
    return {p.phone, p.op, "lost", p.name, "ru_passport", p.doc, "ivan@example.org", true};
  }
  IdentityInput Identity(const Person& p, bool right_answer = true) {
    return {"ru_passport", p.doc, true,
            right_answer ? AnswerFor(p) : std::string("123456789")};
  }
  // The right answer to the question the case asks now.
  std::string AnswerFor(const Person& p) {
    return current_question_ == QuestionKind::kRecentCall ? p.called
                                                          : std::to_string(p.last_topup);
  }
  // The case as a supervisor sees it (any counter's).
  CaseView Get(int64_t id) {
    auto v = cases_->Get(kBranch, id, Principal{Role::kSupervisor, "boss", ""});
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    if (v->c.question) current_question_ = *v->c.question;
    return *v;
  }

  // Walks a fresh case up to (not including) `stop`.
  int64_t CaseAt(CaseState stop, const Person& p = kAnna, Language language = Language::kRu) {
    int64_t id = ServeNewCase(language);
    if (stop == CaseState::kAwaitingForm) return id;
    EXPECT_TRUE(cases_->SubmitForm(kBranch, id, Form(p), clerk_).ok());
    if (stop == CaseState::kAwaitingIdentity) return id;
    Get(id);
    auto idn = cases_->CheckIdentity(kBranch, id, Identity(p), clerk_);
    EXPECT_TRUE(idn.ok() && idn->passed) << idn.status().ToString();
    if (stop == CaseState::kAwaitingPayment) return id;
    EXPECT_TRUE(cases_->Pay(kBranch, id, {"cash"}, clerk_).ok());
    if (stop == CaseState::kAwaitingCard) return id;
    EXPECT_TRUE(cases_->IssueCard(kBranch, id, NextStock(p.op), clerk_).ok());
    if (stop == CaseState::kAwaitingBlock) return id;
    EXPECT_TRUE(cases_->BlockOldCard(kBranch, id, clerk_).ok());
    return id;
  }

  // The number of a blank card of `op` not issued by this test yet.
  int FreshStock(const std::string& op) {
    for (int i = 100; i < 100 + kStock; ++i) {
      const char* o = i % 3 == 0 ? "megafon" : i % 3 == 1 ? "beeline" : "tele2";
      if (op == o && !used_stock_.count(i)) return i;
    }
    ADD_FAILURE() << "stock ran out";
    return 0;
  }
  // A fresh card of `op`, counted as issued.
  std::string NextStock(const std::string& op) {
    int n = FreshStock(op);
    used_stock_.insert(n);
    return TestIccid(n);
  }

  int ActiveCardsMax() {
    return IntQuery(
        "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM sim_cards "
        "WHERE state = 'active' GROUP BY phone) AS per_phone");
  }
  // The most cases open at once on one number (form accepted, not ended).
  int OpenCasesPerNumberMax() {
    return IntQuery(
        "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM sim_cases "
        "WHERE phone IS NOT NULL AND state NOT IN (7, 8) GROUP BY phone) AS per_phone");
  }
  int IntQuery(const char* sql) { return static_cast<int>(db_->QueryInt(sql)); }

  testing::TempDir dir_;
  std::filesystem::path shm_dir_;
  std::unique_ptr<testing::TestDb> db_;
  ManualClock clock_{At(kZone, 2026, 3, 10, 10, 0)};
  BoardHub board_;
  FastSecrets secrets_;
  crypto::HmacPiiHasher hasher_{std::string(32, 'k')};
  ServerConfig config_;
  std::unique_ptr<EngineStore> store_;
  std::unique_ptr<AuthManager> auth_;
  CaseServingHooks hooks_;
  std::unique_ptr<QueueManager> queue_;
  std::unique_ptr<CaseManager> cases_;
  Principal clerk_{Role::kClerk, "anna", ""};
  QuestionKind current_question_ = QuestionKind::kLastTopUp;
  int64_t last_ticket_ = 0;
  int seq_ = 0;
  std::set<int> used_stock_;
};

TEST_F(CaseTest, ServingAReplacementTicketOpensACaseThatWalksToClosed) {
  int64_t id = ServeNewCase();
  EXPECT_EQ(Get(id).c.state, CaseState::kAwaitingForm);
  EXPECT_EQ(Get(id).next_step, "form");

  auto form = cases_->SubmitForm(kBranch, id, Form(kAnna), clerk_);
  ASSERT_TRUE(form.ok()) << form.status().ToString();
  EXPECT_EQ(form->c.state, CaseState::kAwaitingIdentity);
  EXPECT_EQ(form->c.fee_roubles, 300);
  EXPECT_FALSE(form->question.empty());
  EXPECT_FALSE(form->account.has_value()) << "no register data before the identity check";
  EXPECT_EQ(form->c.form->phone, "+79161234567");
  EXPECT_EQ(form->c.form->document_last4, "3456");
  EXPECT_EQ(form->c.form->document_hash.find("4509"), std::string::npos);

  Get(id);
  auto idn = cases_->CheckIdentity(kBranch, id, Identity(kAnna), clerk_);
  ASSERT_TRUE(idn.ok()) << idn.status().ToString();
  ASSERT_TRUE(idn->passed);
  ASSERT_TRUE(idn->view.account.has_value());
  EXPECT_EQ(idn->view.account->operator_id, "megafon");

  auto paid = cases_->Pay(kBranch, id, {"card"}, clerk_);
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  EXPECT_EQ(paid->c.receipt_number, "test-2026-000001");

  const std::string card = NextStock("megafon");
  ASSERT_TRUE(cases_->IssueCard(kBranch, id, card, clerk_).ok());
  auto blocked = cases_->BlockOldCard(kBranch, id, clerk_);
  ASSERT_TRUE(blocked.ok()) << blocked.status().ToString();
  EXPECT_EQ(blocked->c.old_iccid, kAnna.card);

  auto closed = cases_->Close(kBranch, id, clerk_);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->c.state, CaseState::kClosed);
  std::vector<std::string> steps;
  for (const auto& r : closed->records) steps.push_back(r.step);
  EXPECT_EQ(steps, (std::vector<std::string>{"open", "form", "identity", "payment", "card",
                                             "block", "close"}));

  // The ticket is done; the register has exactly the new card active.
  auto t = queue_->GetTicket(kBranch, last_ticket_);
  EXPECT_EQ(t->ticket.state, TicketState::kDone);
  Status st = store_->Read([&](ReadTx& tx) -> Status {
    auto sub = tx.cases().GetSubscriber(kAnna.phone);
    EXPECT_EQ((*sub)->active_iccid, card);
    EXPECT_EQ((*sub)->last_sim_change, clock_.Now());
    EXPECT_EQ(*tx.cases().CardState(kAnna.card), "blocked");
    auto out = tx.outbox().OutboxFor("case:" + std::to_string(id));
    EXPECT_EQ(out->size(), 2u) << "a notice to the number and one to the contact";
    for (const auto& m : *out) EXPECT_NE(m.text.find("If you did not ask"), std::string::npos);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(ActiveCardsMax(), 1);
  auto audit = store_->VerifyAudit();
  ASSERT_TRUE(audit.ok());
  EXPECT_FALSE(audit->first_broken.has_value()) << audit->why;
}

TEST_F(CaseTest, EveryStepOutOfOrderIsRefusedAndChangesNothing) {
  // For each state a case can wait in, try every other step.
  for (CaseState at : {CaseState::kAwaitingForm, CaseState::kAwaitingIdentity,
                       CaseState::kAwaitingPayment, CaseState::kAwaitingCard,
                       CaseState::kAwaitingBlock, CaseState::kAwaitingClose}) {
    SCOPED_TRACE(CaseStateName(at));
    int64_t id = CaseAt(at);
    CaseView before = Get(id);
    ASSERT_EQ(before.c.state, at);
    // Every step but the one the case waits for (not called: it would pass).
    std::vector<std::pair<CaseState, std::function<Status()>>> tries = {
        {CaseState::kAwaitingForm,
         [&] { return cases_->SubmitForm(kBranch, id, Form(kAnna), clerk_).status(); }},
        {CaseState::kAwaitingIdentity,
         [&] { return cases_->CheckIdentity(kBranch, id, Identity(kAnna), clerk_).status(); }},
        {CaseState::kAwaitingPayment,
         [&] { return cases_->Pay(kBranch, id, {"cash"}, clerk_).status(); }},
        {CaseState::kAwaitingPayment,
         [&] {
           return cases_->Waive(kBranch, id, "regular customer", {"boss", "boss-pw"}, clerk_)
               .status();
         }},
        {CaseState::kAwaitingCard,
         [&] { return cases_->IssueCard(kBranch, id, TestIccid(FreshStock("megafon")), clerk_).status(); }},
        {CaseState::kAwaitingBlock,
         [&] { return cases_->BlockOldCard(kBranch, id, clerk_).status(); }},
        {CaseState::kAwaitingClose, [&] { return cases_->Close(kBranch, id, clerk_).status(); }},
    };
    int refused = 0;
    for (const auto& [step, attempt] : tries) {
      if (step == at) continue;
      Status st = attempt();
      EXPECT_EQ(st.code(), C::kFailedPrecondition) << st.ToString();
      ++refused;
    }
    EXPECT_GE(refused, 5);
    CaseView after = Get(id);
    EXPECT_EQ(after.c.state, before.c.state);
    EXPECT_EQ(after.records.size(), before.records.size());
    // Tidy up so the counter is free for the next round.
    if (at <= CaseState::kAwaitingCard) {
      auto cancelled = cases_->Cancel(kBranch, id, "test round over",
                                      SupervisorConfirm{"boss", "boss-pw"}, clerk_);
      ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
    } else {
      EXPECT_EQ(cases_->Cancel(kBranch, id, "too late", SupervisorConfirm{"boss", "boss-pw"},
                               clerk_)
                    .status()
                    .code(),
                C::kFailedPrecondition)
          << "no cancelling after card issue";
      if (at == CaseState::kAwaitingBlock) {
        ASSERT_TRUE(cases_->BlockOldCard(kBranch, id, clerk_).ok());
      }
      ASSERT_TRUE(cases_->Close(kBranch, id, clerk_).ok());
      continue;
    }
    ASSERT_TRUE(queue_->Act(kBranch, "1", last_ticket_, CounterAction::kComplete, &clerk_).ok());
  }
}

TEST_F(CaseTest, TheFormReportsEveryBadFieldAtOnce) {
  int64_t id = ServeNewCase();
  CaseFormInput bad{"+7 495 123-45-67", "megafon", "misplaced", "X", "ru_passport", "12345",
                    "not a contact", false};
  auto r = cases_->SubmitForm(kBranch, id, bad, clerk_);
  ASSERT_EQ(r.status().code(), C::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : r.status().violations()) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"phone", "reason", "full_name", "document_number",
                                           "contact", "consent"}));
  EXPECT_EQ(Get(id).c.state, CaseState::kAwaitingForm);
  EXPECT_EQ(Get(id).records.size(), 1u);
}

TEST_F(CaseTest, ThreeWrongAnswersLockTheNumberEvenAcrossARestart) {
  int64_t id = CaseAt(CaseState::kAwaitingIdentity);
  for (int i = 1; i <= 3; ++i) {
    auto r = cases_->CheckIdentity(kBranch, id, Identity(kAnna, /*right_answer=*/false), clerk_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_FALSE(r->passed);
    EXPECT_EQ(r->attempts_left, 3 - i);
    EXPECT_EQ(r->locked, i == 3);
  }
  // A fourth try, even with the right answer, is refused.
  Get(id);
  EXPECT_EQ(cases_->CheckIdentity(kBranch, id, Identity(kAnna), clerk_).status().code(),
            C::kFailedPrecondition);

  Open();  // restart: the lock is stored
  Get(id);
  EXPECT_EQ(cases_->CheckIdentity(kBranch, id, Identity(kAnna), clerk_).status().code(),
            C::kFailedPrecondition);
  // A new case for the same number is refused at the form.
  ASSERT_TRUE(cases_->Cancel(kBranch, id, "number locked", std::nullopt, clerk_).ok());
  ASSERT_TRUE(queue_->Act(kBranch, "1", last_ticket_, CounterAction::kComplete, &clerk_).ok());
  int64_t again = ServeNewCase();
  EXPECT_EQ(cases_->SubmitForm(kBranch, again, Form(kAnna), clerk_).status().code(),
            C::kFailedPrecondition);

  // Only a supervisor, with his own password and a reason, unlocks it.
  EXPECT_EQ(cases_->Unlock(kAnna.phone, "checked by phone", {"boss", "wrong"}, clerk_).code(),
            C::kPermissionDenied);
  EXPECT_EQ(cases_->Unlock(kAnna.phone, "checked by phone", {"bob", "bob-pw"}, clerk_).code(),
            C::kPermissionDenied);
  EXPECT_EQ(cases_->Unlock(kAnna.phone, "", {"boss", "boss-pw"}, clerk_).code(),
            C::kInvalidArgument);
  Principal boss{Role::kSupervisor, "boss", ""};
  EXPECT_EQ(cases_->Unlock(kAnna.phone, "own request", {"boss", "boss-pw"}, boss).code(),
            C::kPermissionDenied)
      << "a second person confirms";
  ASSERT_TRUE(cases_->Unlock(kAnna.phone, "customer verified in person", {"boss", "boss-pw"},
                             clerk_)
                  .ok());
  auto form = cases_->SubmitForm(kBranch, again, Form(kAnna), clerk_);
  ASSERT_TRUE(form.ok()) << form.status().ToString();
  Get(again);
  auto idn = cases_->CheckIdentity(kBranch, again, Identity(kAnna), clerk_);
  ASSERT_TRUE(idn.ok());
  EXPECT_TRUE(idn->passed);

  // The unlock is in the audit log with both names and no phone number.
  auto rows = db_->Query("SELECT actor, detail, subject FROM audit_log WHERE action = 'sim.unlock'");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  const std::string& actor = (*rows)[0][0];
  const std::string& detail = (*rows)[0][1];
  const std::string& subject = (*rows)[0][2];
  EXPECT_EQ(actor, "clerk:anna");
  EXPECT_NE(detail.find("supervisor=supervisor:boss"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("9161234567"), std::string::npos) << detail;
  EXPECT_EQ(subject.find("9161234567"), std::string::npos) << subject;
}

TEST_F(CaseTest, FailuresSpreadOverMoreThanADayDoNotLock) {
  int64_t id = CaseAt(CaseState::kAwaitingIdentity);
  for (int i = 0; i < 4; ++i) {
    auto r = cases_->CheckIdentity(kBranch, id, Identity(kAnna, false), clerk_);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->locked);
    clock_.Advance(absl::Hours(13));
  }
}

TEST_F(CaseTest, TheSubscribersOwnLockRefusesTheCase) {
  Status st = store_->Write([&](WriteTx& tx) -> Status {
    auto s = tx.cases().GetSubscriber(kBoris.phone);
    Subscriber locked = **s;
    locked.no_sim_change = true;
    return tx.cases().SaveSubscriber(locked);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  int64_t id = ServeNewCase();
  auto r = cases_->SubmitForm(kBranch, id, Form(kBoris), clerk_);
  EXPECT_EQ(r.status().code(), C::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("no SIM"), std::string::npos);
  EXPECT_EQ(Get(id).c.state, CaseState::kAwaitingForm);
}

TEST_F(CaseTest, CardIssueChecksTheCardAndItsStock) {
  int64_t id = CaseAt(CaseState::kAwaitingCard);
  std::string good = TestIccid(150);  // 150 % 3 == 0: megafon
  std::string bad_luhn = good;
  bad_luhn.back() = bad_luhn.back() == '9' ? '0' : bad_luhn.back() + 1;
  EXPECT_EQ(cases_->IssueCard(kBranch, id, bad_luhn, clerk_).status().code(), C::kInvalidArgument);
  EXPECT_EQ(cases_->IssueCard(kBranch, id, "12" + good.substr(2), clerk_).status().code(),
            C::kInvalidArgument);
  EXPECT_EQ(cases_->IssueCard(kBranch, id, TestIccid(151), clerk_).status().code(),
            C::kFailedPrecondition)
      << "a beeline card for a megafon number";
  EXPECT_EQ(cases_->IssueCard(kBranch, id, TestIccid(9999), clerk_).status().code(),
            C::kNotFound)
      << "not in stock";
  ASSERT_TRUE(cases_->IssueCard(kBranch, id, good, clerk_).ok());
  ASSERT_TRUE(cases_->BlockOldCard(kBranch, id, clerk_).ok());
  ASSERT_TRUE(cases_->Close(kBranch, id, clerk_).ok());

  // The same card again, for another case: refused.
  int64_t second = CaseAt(CaseState::kAwaitingCard);
  EXPECT_EQ(cases_->IssueCard(kBranch, second, good, clerk_).status().code(),
            C::kFailedPrecondition);
}

TEST_F(CaseTest, CancellingAPaidCaseNeedsASupervisorAndRecordsARefund) {
  int64_t id = CaseAt(CaseState::kAwaitingCard);
  EXPECT_EQ(cases_->Cancel(kBranch, id, "changed mind", std::nullopt, clerk_).status().code(),
            C::kPermissionDenied);
  EXPECT_EQ(
      cases_->Cancel(kBranch, id, "changed mind", SupervisorConfirm{"boss", "nope"}, clerk_)
          .status()
          .code(),
      C::kPermissionDenied);
  auto r = cases_->Cancel(kBranch, id, "changed mind", SupervisorConfirm{"boss", "boss-pw"}, clerk_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->c.state, CaseState::kCancelled);
  EXPECT_TRUE(r->c.refunded);
  EXPECT_EQ(r->records[r->records.size() - 2].step, "refund");
  EXPECT_EQ(r->records.back().supervisor, "supervisor:boss");
}

TEST_F(CaseTest, SupervisorActionsReportEveryBadFieldAtOnce) {
  Status st = cases_->Unlock("123", "x", {"", ""}, clerk_);
  ASSERT_EQ(st.code(), C::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : st.violations()) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"phone", "reason", "supervisor.login",
                                           "supervisor.password"}));
}

TEST_F(CaseTest, AWaiverNeedsASupervisorsOwnPassword) {
  int64_t id = CaseAt(CaseState::kAwaitingPayment);
  EXPECT_EQ(cases_->Waive(kBranch, id, "loyal", {"anna", "anna-pw"}, clerk_).status().code(),
            C::kPermissionDenied);
  EXPECT_EQ(cases_->Waive(kBranch, id, "loyal", {"bob", "bob-pw"}, clerk_).status().code(),
            C::kPermissionDenied);
  EXPECT_EQ(cases_->Waive(kBranch, id, "", {"boss", "boss-pw"}, clerk_).status().code(),
            C::kInvalidArgument);
  auto r = cases_->Waive(kBranch, id, "long-time customer", {"boss", "boss-pw"}, clerk_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->c.payment, PaymentMethod::kWaived);
  EXPECT_EQ(r->records.back().actor, "clerk:anna");
  EXPECT_EQ(r->records.back().supervisor, "supervisor:boss");
}

TEST_F(CaseTest, ATicketWithAnOpenCaseCannotBeCompletedOrTransferred) {
  ServeNewCase();
  EXPECT_EQ(queue_->Act(kBranch, "1", last_ticket_, CounterAction::kComplete, &clerk_)
                .status()
                .code(),
            C::kFailedPrecondition);
  EXPECT_EQ(queue_->Transfer(kBranch, "1", last_ticket_, "P", &clerk_).status().code(),
            C::kFailedPrecondition);
}

TEST_F(CaseTest, ATicketMayBeParkedBeforeCardIssueButNotAfter) {
  int64_t early = CaseAt(CaseState::kAwaitingPayment);
  ASSERT_TRUE(queue_->Act(kBranch, "1", last_ticket_, CounterAction::kPark, &clerk_).ok());
  ASSERT_TRUE(queue_->Act(kBranch, "1", last_ticket_, CounterAction::kReturn, &clerk_).ok());
  ASSERT_TRUE(queue_->Act(kBranch, "1", last_ticket_, CounterAction::kStart, &clerk_).ok());
  EXPECT_EQ(Get(early).c.state, CaseState::kAwaitingPayment) << "returning keeps the case";
  ASSERT_TRUE(cases_->Pay(kBranch, early, {"cash"}, clerk_).ok());
  ASSERT_TRUE(cases_->IssueCard(kBranch, early, NextStock("megafon"), clerk_).ok());
  EXPECT_EQ(queue_->Act(kBranch, "1", last_ticket_, CounterAction::kPark, &clerk_).status().code(),
            C::kFailedPrecondition);
}

TEST_F(CaseTest, RacingCallsSettleEachStepOnceAndACardGoesToOneCase) {
  // Two cases at two counters, both waiting for a card.
  int64_t first = CaseAt(CaseState::kAwaitingPayment);
  Principal bob{Role::kClerk, "bob", ""};
  ASSERT_TRUE(queue_->OpenCounter(kBranch, "2", {"R"}, &bob).ok());
  auto t = queue_->CreateTicket({kBranch, "R", Language::kRu, Priority::kNone, "race-ticket"});
  ASSERT_TRUE(queue_->CallChosen(kBranch, "2", t->ticket.id, &bob).ok());
  auto started = queue_->Act(kBranch, "2", t->ticket.id, CounterAction::kStart, &bob);
  ASSERT_TRUE(started.ok());
  int64_t second = started->case_id;
  ASSERT_TRUE(cases_->SubmitForm(kBranch, second, Form(kVera), bob).ok());
  current_question_ = *Get(second).c.question;
  ASSERT_TRUE(cases_->CheckIdentity(kBranch, second, Identity(kVera), bob)->passed);

  // Eight clients pay the first case at once (a retrying counter): one wins.
  std::atomic<int> paid{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      if (cases_->Pay(kBranch, first, {"cash"}, clerk_).ok()) ++paid;
    });
  for (auto& th : threads) th.join();
  threads.clear();
  EXPECT_EQ(paid.load(), 1);
  EXPECT_EQ(Get(first).c.receipt_number, "test-2026-000001") << "one receipt number used";
  ASSERT_TRUE(cases_->Pay(kBranch, second, {"card"}, bob).ok());
  EXPECT_EQ(Get(second).c.receipt_number, "test-2026-000002");

  // Both counters scan cards at once; each tries every card in turn, a
  // megafon and a tele2 one in the stock: every card goes to one case only.
  std::atomic<int> issued{0};
  std::vector<std::string> cards;
  for (int i = 0; i < 6; ++i) cards.push_back(NextStock(i % 2 ? "tele2" : "megafon"));
  for (auto [id, who] : {std::pair{first, clerk_}, std::pair{second, bob}})
    for (int k = 0; k < 4; ++k)
      threads.emplace_back([&, id = id, who = who] {
        for (const auto& card : cards)
          if (cases_->IssueCard(kBranch, id, card, who).ok()) ++issued;
      });
  for (auto& th : threads) th.join();
  EXPECT_EQ(issued.load(), 2) << "one card per case, never the same card twice";
  EXPECT_NE(Get(first).c.new_iccid, Get(second).c.new_iccid);
  EXPECT_FALSE(Get(first).c.new_iccid.empty());
  EXPECT_FALSE(Get(second).c.new_iccid.empty());
}

TEST_F(CaseTest, AnotherClerksCounterIsOffLimits) {
  int64_t id = ServeNewCase();
  Principal bob{Role::kClerk, "bob", ""};
  EXPECT_EQ(cases_->SubmitForm(kBranch, id, Form(kAnna), bob).status().code(),
            C::kPermissionDenied);
}

TEST_F(CaseTest, AParkedTicketThatExpiresCancelsItsCaseWithARefundRecordIfPaid) {
  const int64_t paid = CaseAt(CaseState::kAwaitingCard);
  const int64_t paid_ticket = last_ticket_;
  ASSERT_TRUE(FeeTaken(Get(paid).c)) << "the fixture's case should be paid by now";
  ASSERT_TRUE(queue_->Act(kBranch, "1", paid_ticket, CounterAction::kPark, &clerk_).ok());
  const int64_t unpaid = CaseAt(CaseState::kAwaitingIdentity, kBoris);
  const int64_t unpaid_ticket = last_ticket_;
  ASSERT_TRUE(queue_->Act(kBranch, "1", unpaid_ticket, CounterAction::kPark, &clerk_).ok());

  EXPECT_EQ(*queue_->ExpireOverdue(), 0) << "nothing is overdue the same day";
  clock_.Advance(absl::Hours(24));  // the business day is over
  auto expired = queue_->ExpireOverdue();
  ASSERT_TRUE(expired.ok()) << expired.status().ToString();
  EXPECT_EQ(*expired, 2);

  auto steps = [](const CaseView& v) {
    std::vector<std::string> out;
    for (const auto& r : v.records)
      if (r.actor == "system:expiry") out.push_back(r.step + ":" + r.outcome);
    return out;
  };
  CaseView p = Get(paid);
  EXPECT_EQ(p.c.state, CaseState::kCancelled);
  EXPECT_TRUE(p.c.refunded);
  EXPECT_EQ(steps(p), (std::vector<std::string>{"refund:refunded", "cancel:cancelled"}));
  CaseView u = Get(unpaid);
  EXPECT_EQ(u.c.state, CaseState::kCancelled);
  EXPECT_FALSE(u.c.refunded);
  EXPECT_EQ(steps(u), (std::vector<std::string>{"cancel:cancelled"}));
  for (int64_t t : {paid_ticket, unpaid_ticket})
    EXPECT_EQ(queue_->GetTicket(kBranch, t)->ticket.state, TicketState::kExpired);
  // The audit chain holds both, and is whole.
  auto verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict.ok());
  EXPECT_FALSE(verdict->first_broken.has_value()) << verdict->why;
}

TEST_F(CaseTest, HousekeepingForgetsOldRequestIdsAndSpentIdentityRecordsOnly) {
  const absl::Time t0 = clock_.Now();
  // Identity records: a recent failure, an old one, a lock in force, a lock
  // that has run out.
  ASSERT_TRUE(store_->Write([&](WriteTx& tx) -> Status {
                IdentityAttempts recent, old, locked, lapsed;
                recent.failures = {t0 - absl::Hours(1)};
                old.failures = {t0 - absl::Hours(30)};
                locked.locked_until = t0 + absl::Hours(2);
                lapsed.locked_until = t0 - absl::Minutes(1);
                QUEUE_RETURN_IF_ERROR(tx.cases().SaveIdentityAttempts("+79160000001", recent));
                QUEUE_RETURN_IF_ERROR(tx.cases().SaveIdentityAttempts("+79160000002", old));
                QUEUE_RETURN_IF_ERROR(tx.cases().SaveIdentityAttempts("+79160000003", locked));
                return tx.cases().SaveIdentityAttempts("+79160000004", lapsed);
              }).ok());
  auto forgotten = cases_->ForgetSpentIdentityAttempts();
  ASSERT_TRUE(forgotten.ok()) << forgotten.status().ToString();
  EXPECT_EQ(*forgotten, 2);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM identity_attempts"), 2);
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                auto recent = tx.cases().GetIdentityAttempts("+79160000001");
                EXPECT_EQ(recent->failures.size(), 1u);
                auto locked = tx.cases().GetIdentityAttempts("+79160000003");
                EXPECT_TRUE(locked->Locked(t0)) << "a lock in force was forgotten";
                return Status::Ok();
              }).ok());
  EXPECT_EQ(*cases_->ForgetSpentIdentityAttempts(), 0) << "nothing more is spent yet";

  // Request ids: one from now stays, until the retention has passed.
  auto t = queue_->CreateTicket({kBranch, "N", Language::kRu, Priority::kNone, "kept-a-week"});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*queue_->PruneRequests(), 0);
  const int64_t stored = db_->QueryInt("SELECT COUNT(*) FROM client_requests");
  ASSERT_GE(stored, 1);
  clock_.Advance(config_.housekeeping.request_ids - absl::Minutes(1));
  EXPECT_EQ(*queue_->PruneRequests(), 0);
  clock_.Advance(absl::Minutes(2));
  EXPECT_EQ(*queue_->PruneRequests(), stored);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM client_requests"), 0);
  // The ticket itself stays.
  EXPECT_TRUE(queue_->GetTicket(kBranch, t->ticket.id).ok());
  // And the records whose window has passed go now too.
  EXPECT_EQ(*cases_->ForgetSpentIdentityAttempts(), 2);
}

TEST_F(CaseTest, ErasureRemovesPersonalFieldsAfterRetentionAndKeepsTheRest) {
  int64_t id = CaseAt(CaseState::kAwaitingClose);
  ASSERT_TRUE(cases_->Close(kBranch, id, clerk_).ok());
  EXPECT_EQ(*cases_->EraseExpired(), 0);
  clock_.Advance(config_.privacy.retention + absl::Hours(1));
  EXPECT_EQ(*cases_->EraseExpired(), 1);
  CaseView v = Get(id);
  EXPECT_TRUE(v.c.erased);
  EXPECT_TRUE(!v.c.form || (v.c.form->phone.empty() && v.c.form->full_name.empty() &&
                            v.c.form->contact.empty() && v.c.form->document_hash.empty()));
  EXPECT_EQ(v.c.fee_roubles, 300);
  EXPECT_EQ(v.c.state, CaseState::kClosed);
  EXPECT_EQ(v.records.size(), 7u);
}

// A case past card issue cannot be cancelled whoever confirms: that is said
// at once, before anybody is sent for a supervisor (or a wrong supervisor
// password is counted).
TEST_F(CaseTest, CancellingAfterCardIssueIsRefusedForTheStateBeforeAskingForASupervisor) {
  int64_t id = CaseAt(CaseState::kAwaitingBlock);  // paid in cash, card issued
  auto r = cases_->Cancel(kBranch, id, "changed mind", std::nullopt, clerk_);
  EXPECT_EQ(r.status().code(), C::kFailedPrecondition) << r.status().ToString();
  EXPECT_NE(r.status().message().find("before card issue"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(r.status().message().find("supervisor"), std::string::npos) << r.status().message();
  auto wrong = cases_->Cancel(kBranch, id, "changed mind", SupervisorConfirm{"boss", "nope"},
                              clerk_);
  EXPECT_EQ(wrong.status().code(), C::kFailedPrecondition) << wrong.status().ToString();
  ASSERT_TRUE(cases_->BlockOldCard(kBranch, id, clerk_).ok());
  ASSERT_TRUE(cases_->Close(kBranch, id, clerk_).ok());
  auto closed = cases_->Cancel(kBranch, id, "changed mind", std::nullopt, clerk_);
  EXPECT_EQ(closed.status().code(), C::kFailedPrecondition) << closed.status().ToString();
  EXPECT_EQ(Get(id).c.state, CaseState::kClosed);
}

TEST_F(CaseTest, AShortReasonIsCalledTooShortAndAnEmptyOneRequired) {
  int64_t id = CaseAt(CaseState::kAwaitingPayment);
  auto message_for = [&](const std::string& reason) {
    auto r = cases_->Waive(kBranch, id, reason, {"boss", "boss-pw"}, clerk_);
    EXPECT_EQ(r.status().code(), C::kInvalidArgument) << reason;
    auto v = r.status().violations();
    return v.empty() ? std::string() : v.front().field + " " + v.front().description;
  };
  const std::string short_one = message_for("x");
  EXPECT_NE(short_one.find("reason is too short"), std::string::npos) << short_one;
  EXPECT_NE(short_one.find("at least 3 characters"), std::string::npos) << short_one;
  EXPECT_EQ(short_one.find("required"), std::string::npos) << short_one;
  // Characters, not bytes: two Cyrillic letters are still too short.
  EXPECT_NE(message_for("да").find("too short"), std::string::npos);
  EXPECT_NE(message_for("   ").find("is required"), std::string::npos);
  EXPECT_TRUE(cases_->Waive(kBranch, id, "ok.", {"boss", "boss-pw"}, clerk_).ok());
}

// The fee table says 0 (format_change): the passed identity check settles
// it, the case goes straight to card issue, the records still show a
// settled fee before the card, and the summary says there was none.
TEST_F(CaseTest, AZeroFeeIsSettledByThePassedIdentityCheck) {
  int64_t id = ServeNewCase();
  CaseFormInput form = Form(kAnna);
  form.reason = "format_change";
  auto submitted = cases_->SubmitForm(kBranch, id, form, clerk_);
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  EXPECT_EQ(submitted->c.fee_roubles, 0);
  Get(id);
  auto idn = cases_->CheckIdentity(kBranch, id, Identity(kAnna), clerk_);
  ASSERT_TRUE(idn.ok()) << idn.status().ToString();
  ASSERT_TRUE(idn->passed);
  EXPECT_EQ(idn->view.c.state, CaseState::kAwaitingCard);
  EXPECT_EQ(idn->view.next_step, "card issue");
  EXPECT_EQ(idn->view.c.payment, PaymentMethod::kNoFee);
  EXPECT_TRUE(idn->view.c.receipt_number.empty()) << "no money taken, no receipt";
  const CaseRecord& settled = idn->view.records.back();
  EXPECT_EQ(settled.step, "payment");
  EXPECT_EQ(settled.outcome, "settled");
  EXPECT_NE(settled.detail.find("no fee"), std::string::npos) << settled.detail;
  EXPECT_EQ(cases_->Pay(kBranch, id, {"cash"}, clerk_).status().code(), C::kFailedPrecondition);

  ASSERT_TRUE(cases_->IssueCard(kBranch, id, NextStock("megafon"), clerk_).ok());
  ASSERT_TRUE(cases_->BlockOldCard(kBranch, id, clerk_).ok());
  auto closed = cases_->Close(kBranch, id, clerk_);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  std::vector<std::string> steps;
  for (const auto& r : closed->records) steps.push_back(r.step);
  EXPECT_EQ(steps, (std::vector<std::string>{"open", "form", "identity", "payment", "card",
                                             "block", "close"}));
  // The ticket was taken in Russian: the summary is the customer's.
  EXPECT_EQ(closed->customer_language, Language::kRu);
  const std::string summary = CaseManager::Summary(*closed, config_.branches[0]);
  EXPECT_NE(summary.find("Плата: нет\n"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("оплачено"), std::string::npos) << summary;
}

// The printed summary is in the language the customer chose at the kiosk.
TEST_F(CaseTest, TheSummaryIsInTheCustomersLanguage) {
  struct Want {
    Language language;
    const char* title;
    const char* paid;
    const char* done;
  };
  for (const Want& want : {Want{Language::kRu, "Замена SIM-карты, заявка ", "оплачено наличными",
                                "Старая карта заблокирована"},
                           Want{Language::kEn, "SIM card replacement, case ", "paid by cash",
                                "The old card is blocked"},
                           Want{Language::kZh, "补办SIM卡，案件 ", "现金支付", "旧卡已停用"}}) {
    const Person& p = want.language == Language::kZh ? kBoris : kAnna;
    int64_t id = CaseAt(CaseState::kAwaitingClose, p, want.language);
    auto closed = cases_->Close(kBranch, id, clerk_);
    ASSERT_TRUE(closed.ok()) << closed.status().ToString();
    EXPECT_EQ(closed->customer_language, want.language);
    const std::string summary = CaseManager::Summary(*closed, config_.branches[0]);
    EXPECT_NE(summary.find(want.title + std::to_string(id)), std::string::npos) << summary;
    EXPECT_NE(summary.find(want.paid), std::string::npos) << summary;
    EXPECT_NE(summary.find(want.done), std::string::npos) << summary;
    EXPECT_NE(summary.find("******"), std::string::npos) << "masked: " << summary;
    EXPECT_EQ(summary.find("ru_passport"), std::string::npos) << "words, not keys: " << summary;
  }
}

TEST_F(CaseTest, AnIccidTypedWithSpacesOrDashesIsTheSameCard) {
  int64_t id = CaseAt(CaseState::kAwaitingCard);
  const std::string card = NextStock("megafon");  // 19 digits
  const std::string spaced = card.substr(0, 4) + " " + card.substr(4, 4) + " " +
                             card.substr(8, 4) + "-" + card.substr(12, 4) + " " + card.substr(16);
  auto issued = cases_->IssueCard(kBranch, id, spaced, clerk_);
  ASSERT_TRUE(issued.ok()) << spaced << ": " << issued.status().ToString();
  EXPECT_EQ(issued->c.new_iccid, card);
  EXPECT_EQ(issued->records.back().detail, "iccid=" + card);
  ASSERT_TRUE(cases_->BlockOldCard(kBranch, id, clerk_).ok());
  ASSERT_TRUE(cases_->Close(kBranch, id, clerk_).ok());
  // Letters are still refused, with the rule.
  int64_t other = CaseAt(CaseState::kAwaitingCard, kBoris);
  auto letters = cases_->IssueCard(kBranch, other, "8970 1020 0050 0000 01X", clerk_);
  EXPECT_EQ(letters.status().code(), C::kInvalidArgument);
  EXPECT_NE(letters.status().message().find("only digits"), std::string::npos)
      << letters.status().message();
}

// Times people read are the branch's (Moscow, UTC+3): locked at 10:00 on
// 10 March for 24 hours means "until 2026-03-11 10:00", not 07:00 UTC.
TEST_F(CaseTest, TheLockoutMessagesGiveTheBranchsLocalTime) {
  int64_t id = CaseAt(CaseState::kAwaitingIdentity);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(cases_->CheckIdentity(kBranch, id, Identity(kAnna, false), clerk_).ok());
  Get(id);
  auto again = cases_->CheckIdentity(kBranch, id, Identity(kAnna), clerk_);
  ASSERT_EQ(again.status().code(), C::kFailedPrecondition);
  for (const std::string& msg : {again.status().message()}) {
    EXPECT_NE(msg.find("until 2026-03-11 10:00"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("UTC"), std::string::npos) << msg;
  }
  ASSERT_TRUE(cases_->Cancel(kBranch, id, "number locked", std::nullopt, clerk_).ok());
  ASSERT_TRUE(queue_->Act(kBranch, "1", last_ticket_, CounterAction::kComplete, &clerk_).ok());
  int64_t next = ServeNewCase();
  auto form = cases_->SubmitForm(kBranch, next, Form(kAnna), clerk_);
  ASSERT_EQ(form.status().code(), C::kFailedPrecondition);
  EXPECT_NE(form.status().message().find("until 2026-03-11 10:00"), std::string::npos)
      << form.status().message();
  EXPECT_EQ(form.status().message().find("UTC"), std::string::npos) << form.status().message();
}

// The notice of a SIM change goes to a Russian number, maybe not to the
// person at the counter: always in Russian first, then in the language the
// customer chose at the kiosk (English when that was Russian).
TEST_F(CaseTest, TheSimChangeNoticeIsInRussianThenInTheCustomersLanguage) {
  auto notices = [&](int64_t id) {
    std::vector<std::string> texts;
    Status st = store_->Read([&](ReadTx& tx) -> Status {
      auto out = tx.outbox().OutboxFor("case:" + std::to_string(id));
      if (!out.ok()) return out.status();
      for (const auto& m : *out) texts.push_back(m.text);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(texts.size(), 2u) << "to the number and to the contact";
    return texts;
  };
  int64_t ru = CaseAt(CaseState::kAwaitingClose, kAnna, Language::kRu);
  for (const std::string& text : notices(ru)) {
    EXPECT_TRUE(HasCyrillic(text)) << text;
    const size_t english = text.find("If you did not ask");
    EXPECT_NE(english, std::string::npos) << text;
    EXPECT_TRUE(HasCyrillic(text.substr(0, english))) << "Russian first: " << text;
    EXPECT_FALSE(HasChinese(text)) << text;
    EXPECT_NE(text.find("2026-03-10 10:00"), std::string::npos) << "the branch's time: " << text;
  }
  ASSERT_TRUE(cases_->Close(kBranch, ru, clerk_).ok());

  int64_t zh = CaseAt(CaseState::kAwaitingClose, kBoris, Language::kZh);
  for (const std::string& text : notices(zh)) {
    ASSERT_TRUE(HasCyrillic(text)) << text;
    ASSERT_TRUE(HasChinese(text)) << text;
    auto cps = DecodeUtf8(text);
    auto first_cjk = std::find_if(cps->begin(), cps->end(),
                                  [](char32_t c) { return c >= 0x4E00 && c <= 0x9FFF; });
    EXPECT_TRUE(std::any_of(cps->begin(), first_cjk,
                            [](char32_t c) { return c >= 0x400 && c <= 0x4FF; }))
        << "Russian first: " << text;
    EXPECT_EQ(text.find("If you did not ask"), std::string::npos) << text;
  }
}

// Random step sequences with random bad inputs and failures: a card is never
// issued without a passed identity check and a payment, waiver or zero fee
// settled, and a number never has two active cards. Some forms are for a
// format change, whose fee is 0.
TEST_F(CaseTest, RandomStepSequencesKeepTheInvariants) {
  std::mt19937 rng(20261125);
  const Person* people[] = {&kAnna, &kBoris, &kVera};
  const int kSequences = 1500;
  int issued = 0, closed = 0, no_fee = 0;
  for (int seq = 0; seq < kSequences; ++seq) {
    const Person& p = *people[rng() % 3];
    int64_t id = ServeNewCase();
    int steps = 1 + static_cast<int>(rng() % 14);
    for (int s = 0; s < steps; ++s) {
      CaseState now = Get(id).c.state;
      // Mostly the step the case waits for (so runs get far), else any.
      static constexpr int kStepFor[] = {0, 0, 1, 3, 5, 6, 7, 7, 7};
      int op = rng() % 10 < 6 ? kStepFor[static_cast<int>(now)] : static_cast<int>(rng() % 10);
      if (op == 3 && rng() % 4 == 0) op = 4;  // sometimes a waiver instead
      switch (op) {
        case 0: {
          CaseFormInput f = Form(p);
          if (rng() % 5 == 0) f.reason = "format_change";  // no fee
          if (rng() % 4 == 0) f.document_number = "12";
          if (rng() % 5 == 0) f.phone = people[rng() % 3]->phone;  // maybe another's number
          (void)cases_->SubmitForm(kBranch, id, f, clerk_);
          break;
        }
        case 1:
        case 2: {
          IdentityInput in = Identity(p, rng() % 3 != 0);
          if (rng() % 6 == 0) in.face_matches = false;
          if (rng() % 6 == 0) in.document_number = "4599 000000";
          (void)cases_->CheckIdentity(kBranch, id, in, clerk_);
          break;
        }
        case 3:
          (void)cases_->Pay(kBranch, id, {rng() % 5 == 0 ? "bitcoin" : "cash"}, clerk_);
          break;
        case 4:
          (void)cases_->Waive(kBranch, id, "random waiver",
                              {"boss", rng() % 3 == 0 ? "bad" : "boss-pw"}, clerk_);
          break;
        case 5: {
          // A fresh card of the right operator, or any card (maybe used,
          // maybe another operator's), sometimes with a broken check digit.
          int n = rng() % 4 == 0 ? 100 + static_cast<int>(rng() % kStock) : FreshStock(p.op);
          std::string card = TestIccid(n);
          if (rng() % 6 == 0) card.back() = card.back() == '0' ? '1' : '0';
          if (cases_->IssueCard(kBranch, id, card, clerk_).ok()) used_stock_.insert(n);
          break;
        }
        case 6: (void)cases_->BlockOldCard(kBranch, id, clerk_); break;
        case 7: (void)cases_->Close(kBranch, id, clerk_); break;
        case 8:
          if (rng() % 3 == 0)
            (void)cases_->Cancel(kBranch, id, "random cancel",
                                 SupervisorConfirm{"boss", "boss-pw"}, clerk_);
          break;
        case 9:
          if (rng() % 4 == 0)
            (void)cases_->Unlock(p.phone, "random unlock", {"boss", "boss-pw"}, clerk_);
          clock_.Advance(absl::Minutes(static_cast<int>(rng() % 600)));
          break;
      }
    }
    CaseView v = Get(id);
    // The invariant, from the stored records: card only after both.
    bool passed = false, settled = false;
    for (const auto& r : v.records) {
      if (r.step == "identity" && r.outcome == "passed") passed = true;
      if (r.step == "payment") {
        ASSERT_TRUE(passed) << "case " << id << ": fee settled before the identity check";
        settled = true;
      }
      if (r.step == "card") {
        ASSERT_TRUE(passed && settled) << "case " << id << ": card issued too early";
        ++issued;
      }
    }
    if (!v.c.new_iccid.empty()) {
      ASSERT_TRUE(v.c.identity_passed);
      ASSERT_TRUE(FeeSettled(v.c));
    }
    if (v.c.payment == PaymentMethod::kNoFee) {
      ASSERT_EQ(v.c.fee_roubles, 0) << "case " << id;
      ++no_fee;
    }
    // Free the counter for the next sequence. A case with a card issued
    // must end at the counter.
    if (v.c.state == CaseState::kAwaitingBlock) {
      ASSERT_TRUE(cases_->BlockOldCard(kBranch, id, clerk_).ok());
    }
    if (v.c.state == CaseState::kAwaitingBlock || v.c.state == CaseState::kAwaitingClose) {
      ASSERT_TRUE(cases_->Close(kBranch, id, clerk_).ok());
      v = Get(id);
    }
    ASSERT_LE(OpenCasesPerNumberMax(), 1) << "after sequence " << seq;
    // A case that holds a number (its form accepted) ends here, so the
    // number is free for the next sequences; one without a form is parked.
    if (!CaseFinished(v.c.state) && v.c.form) {
      ASSERT_TRUE(cases_->Cancel(kBranch, id, "end of sequence", SupervisorConfirm{"boss", "boss-pw"},
                                 clerk_).ok());
      v = Get(id);
    }
    if (!CaseFinished(v.c.state)) {
      auto parked = queue_->Act(kBranch, "1", last_ticket_, CounterAction::kPark, &clerk_);
      ASSERT_TRUE(parked.ok()) << parked.status().ToString();
    } else if (v.c.state == CaseState::kCancelled) {
      ASSERT_TRUE(queue_->Act(kBranch, "1", last_ticket_, CounterAction::kComplete, &clerk_).ok());
    } else {
      ++closed;
    }
    ASSERT_LE(ActiveCardsMax(), 1) << "after sequence " << seq;
  }
  EXPECT_GT(issued, 20) << "the sequences should reach card issue often enough to mean something";
  EXPECT_GT(closed, 5);
  EXPECT_GT(no_fee, 5) << "zero-fee cases should be among them";
}

}  // namespace
}  // namespace shop::queue
