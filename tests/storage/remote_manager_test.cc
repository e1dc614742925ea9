// The remote route over a real store (SQLite file, and PostgreSQL as pg.*)
// with a manual clock: apply, review (four eyes on risky ones), dispatch,
// activation with the envelope's code, pickup at a shop, the refusals, the
// identity lock across a restart, expiry, sealed photos, and a property test
// of random steps on both routes at once.
#include "server/domain/remote/remote_manager.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "server/crypto/photo_sealer.h"
#include "server/crypto/pii_key.h"
#include "server/domain/cases/case_hooks.h"
#include "server/domain/queue/queue_manager.h"
#include "tests/support/test_config.h"
#include "tests/support/test_db.h"
#include "tests/support/test_images.h"

namespace shop::queue {
namespace {

using testing::At;
using testing::TestIccid;
using C = Status::Code;

constexpr const char* kZone = "Europe/Moscow";
constexpr const char* kBranch = "test";
constexpr int kStock = 600;

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
  std::string doc;
  int64_t last_topup;
  std::string called;
  std::string card;
  std::string contact;  // on record
};

const Person kAnna{"+79161234567", "megafon", "Анна Петрова", "4509 123456", 500,
                   "+79031112233", TestIccid(1), "anna@example.org"};
const Person kBoris{"+79032223344", "beeline", "Boris Ivanov", "4510 654321", 300,
                    "+79165554433", TestIccid(2), "+79260001122"};
const Person kVera{"+79773334455", "tele2", "Vera Smirnova", "4511 777888", 150,
                   "+79161234567", TestIccid(3), "vera@example.org"};

class RemoteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::CaseTestConfig(kZone);
    config_.remote.application_days = 14;
    Open();
    for (auto [login, role] : {std::pair{"rita", Role::kReviewer}, {"remi", Role::kReviewer},
                               {"anna", Role::kClerk}, {"boss", Role::kSupervisor}})
      ASSERT_TRUE(auth_->AddStaff(login, login, role, "pw-" + std::string(login), "test").ok());
    Status seeded = store_->Write([&](WriteTx& tx) -> Status {
      for (const Person* p : {&kAnna, &kBoris, &kVera}) {
        QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(SubscriberOf(*p)));
      }
      for (int i = 100; i < 100 + kStock; ++i)
        QUEUE_RETURN_IF_ERROR(tx.cases().AddStockCard({TestIccid(i), kBranch, OperatorOf(i)}));
      return Status::Ok();
    });
    ASSERT_TRUE(seeded.ok()) << seeded.ToString();
  }

  void TearDown() override {
    remote_.reset();
    cases_.reset();
    queue_.reset();
    auth_.reset();
    store_.reset();
  }

  static const char* OperatorOf(int stock) {
    return stock % 3 == 0 ? "megafon" : stock % 3 == 1 ? "beeline" : "tele2";
  }

  Subscriber SubscriberOf(const Person& p) {
    Subscriber s;
    s.phone = p.phone;
    s.operator_id = p.op;
    s.holder_name = p.name;
    s.document_type = DocumentType::kRuPassport;
    auto n = NormalizeDocumentNumber(DocumentType::kRuPassport, p.doc);
    s.document_hash = hasher_.Hash("document", *n);
    s.document_last4 = LastFour(*n);
    s.active_iccid = p.card;
    s.recent_topups_roubles = {p.last_topup, 100};
    s.recent_calls = {p.called};
    s.contact = p.contact;
    s.address = "ул. Тестовая, д. 1, кв. 2, Москва, 101000";
    return s;
  }

  void Open() {
    remote_.reset();
    cases_.reset();
    queue_.reset();
    auth_.reset();
    store_.reset();
    auto s = db_.Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->SyncConfig(config_).ok());
    auth_ = std::make_unique<AuthManager>(*store_, clock_, secrets_);
    queue_ = std::make_unique<QueueManager>(config_, *store_, clock_, board_);
    queue_->set_serving_hooks(&hooks_);
    cases_ = std::make_unique<CaseManager>(config_, *store_, clock_, hasher_, *auth_);
    remote_ = std::make_unique<RemoteManager>(config_, *store_, clock_, hasher_, sealer_,
                                              [this](size_t n) { return RandomBytes(n); });
  }

  std::string RandomBytes(size_t n) {
    std::string out(n, '\0');
    for (char& c : out) c = static_cast<char>(rng_());
    return out;
  }

  ApplicationInput Application(const Person& p, const std::string& delivery = "post") {
    ApplicationInput in;
    in.phone = p.phone;
    in.operator_id = p.op;
    in.reason = "lost";
    in.full_name = p.name;
    in.document_type = "ru_passport";
    in.document_number = p.doc;
    in.document_photo = document_photo_;
    in.selfie_photo = selfie_photo_;
    in.delivery = delivery;
    if (delivery == "pickup") in.pickup_branch_id = kBranch;
    in.language = "en";
    in.consent = true;
    in.request_id = "apply-request-" + std::to_string(1000 + ++requests_);
    return in;
  }

  // Applies; returns the reference (canonical) and sets last_case_.
  std::string Apply(const Person& p, const std::string& delivery = "post") {
    auto r = remote_->Apply(Application(p, delivery));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return "";
    last_case_ = r->case_id;
    return r->reference;
  }

  std::string AnswerFor(const Person& p, const std::string& question) {
    return question == QuestionText(QuestionKind::kRecentCall) ? p.called
                                                               : std::to_string(p.last_topup);
  }

  std::string NextStock(const std::string& op) {
    for (int i = 100; i < 100 + kStock; ++i)
      if (op == OperatorOf(i) && !used_stock_.count(i)) {
        used_stock_.insert(i);
        return TestIccid(i);
      }
    ADD_FAILURE() << "stock ran out";
    return "";
  }

  std::string CardState(const std::string& iccid) {
    std::string state;
    EXPECT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                  auto s = tx.cases().CardState(iccid);
                  if (!s.ok()) return s.status();
                  state = *s;
                  return Status::Ok();
                }).ok());
    return state;
  }

  std::vector<OutboxMessage> Outbox() {
    std::vector<OutboxMessage> out;
    EXPECT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                  auto m = tx.outbox().ListOutbox(std::nullopt, 1000);
                  if (!m.ok()) return m.status();
                  out = *m;
                  return Status::Ok();
                }).ok());
    return out;
  }

  int ActiveCardsMax() {
    return static_cast<int>(db_.QueryInt(
        "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM sim_cards "
        "WHERE state = 'active' GROUP BY phone) AS per_phone"));
  }

  testing::TempDir dir_;
  testing::TestDb db_{dir_};
  ManualClock clock_{At(kZone, 2026, 3, 10, 10, 0)};
  BoardHub board_;
  FastSecrets secrets_;
  crypto::HmacPiiHasher hasher_{std::string(32, 'k')};
  crypto::SodiumPhotoSealer sealer_{std::string(32, 'k')};
  ServerConfig config_;
  std::unique_ptr<EngineStore> store_;
  std::unique_ptr<AuthManager> auth_;
  CaseServingHooks hooks_;
  std::unique_ptr<QueueManager> queue_;
  std::unique_ptr<CaseManager> cases_;
  std::unique_ptr<RemoteManager> remote_;
  std::mt19937 rng_{20261203};
  std::set<int> used_stock_;
  int64_t last_case_ = 0;
  int requests_ = 0;
  const std::string document_photo_ = testing::MakeJpeg(1600, 1200);
  const std::string selfie_photo_ = testing::MakePng(720, 1280);
  const Principal rita_{Role::kReviewer, "rita", ""};
  const Principal remi_{Role::kReviewer, "remi", ""};
  const Principal clerk_{Role::kClerk, "anna", ""};
};

TEST_F(RemoteTest, ThePostRouteWalksFromApplicationToTheSwappedCard) {
  const std::string ref = Apply(kAnna);
  ASSERT_EQ(ref.size(), 16u);
  auto status = remote_->Lookup(DisplayApplicationReference(ref));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->state, "awaiting_review");
  EXPECT_EQ(status->phone_masked, "+7******4567");
  ASSERT_EQ(status->steps.size(), 1u);
  EXPECT_EQ(status->steps[0].step, "applied");

  const int64_t id = last_case_;
  auto view = remote_->Get(id, rita_);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  ASSERT_EQ(view->photos.size(), 2u);
  for (const StoredPhotoView& p : view->photos)
    EXPECT_EQ(p.bytes, p.kind == "document" ? document_photo_ : selfie_photo_) << p.kind;
  ASSERT_TRUE(view->holder.has_value());
  EXPECT_EQ(view->holder->holder_name, kAnna.name);
  EXPECT_TRUE(view->c.remote->document_matches);
  EXPECT_EQ(view->c.remote->risk_score, 0) << view->c.remote->risk_factors;
  EXPECT_FALSE(view->address_on_record.empty());

  auto approved = remote_->Approve(id, rita_);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->c.state, CaseState::kAwaitingDispatch);

  const std::string card = NextStock(kAnna.op);
  auto sent = remote_->Dispatch(id, {card, "RA123456789RU"}, rita_);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->activation_code.size(), 9u) << "K7M2-QX9D";
  EXPECT_FALSE(sent->question.empty());
  EXPECT_EQ(CardState(card), "") << "not active before the activation";

  status = remote_->Lookup(ref);
  EXPECT_EQ(status->state, "awaiting_activation");
  EXPECT_EQ(status->question, sent->question);
  EXPECT_EQ(status->steps.back().detail, "RA123456789RU");

  auto wrong = remote_->Activate(ref, "2222-2222", AnswerFor(kAnna, sent->question));
  ASSERT_TRUE(wrong.ok()) << wrong.status().ToString();
  EXPECT_FALSE(wrong->activated);
  EXPECT_EQ(wrong->attempts_left, 2);
  EXPECT_EQ(CardState(card), "");

  status = remote_->Lookup(ref);
  auto done = remote_->Activate(ref, sent->activation_code,
                                AnswerFor(kAnna, status->question.empty() ? sent->question
                                                                          : status->question));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(done->activated);
  EXPECT_EQ(done->state, "closed");
  EXPECT_EQ(CardState(card), "active");
  EXPECT_EQ(CardState(kAnna.card), "blocked");
  EXPECT_EQ(ActiveCardsMax(), 1);

  // The notice: to the number and the contact on record only.
  std::set<std::string> to;
  for (const OutboxMessage& m : Outbox()) to.insert(m.recipient);
  EXPECT_EQ(to, (std::set<std::string>{kAnna.phone, kAnna.contact}));

  status = remote_->Lookup(ref);
  EXPECT_EQ(status->state, "closed");
  std::vector<std::string> steps;
  for (const PublicStep& s : status->steps) steps.push_back(s.step + ":" + s.outcome);
  EXPECT_EQ(steps, (std::vector<std::string>{"applied:received", "review:approved",
                                             "dispatch:posted", "activation:failed",
                                             "activation:passed", "close:closed"}));
  // Nothing more to do with it.
  EXPECT_EQ(remote_->Activate(ref, sent->activation_code, "500").status().code(),
            C::kFailedPrecondition);
}

TEST_F(RemoteTest, ARetryAfterALostAnswerGetsTheSameReference) {
  const ApplicationInput in = Application(kAnna);
  auto first = remote_->Apply(in);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  Open();  // even after a restart
  auto retry = remote_->Apply(in);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_EQ(retry->reference, first->reference);
  EXPECT_EQ(retry->case_id, first->case_id);
  EXPECT_EQ(remote_->ReviewQueue(CaseState::kAwaitingReview, 10, rita_)->size(), 1u);
  // Another attempt (a new request id) for the number is a second application.
  EXPECT_EQ(remote_->Apply(Application(kAnna)).status().code(), C::kFailedPrecondition);
  // The same request id with another document is not a retry: no reference
  // leaks to someone who guessed the request id and the phone.
  ApplicationInput other = in;
  other.document_number = "4509 999999";
  auto guessed = remote_->Apply(other);
  EXPECT_FALSE(guessed.ok());
  EXPECT_EQ(guessed.status().code(), C::kFailedPrecondition);
}

TEST_F(RemoteTest, ARiskyApplicationNeedsTwoReviewersAndNotTheSameTwice) {
  Subscriber s = SubscriberOf(kBoris);
  s.last_sim_change = clock_.Now() - absl::Hours(24 * 5);
  ASSERT_TRUE(store_->Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  const std::string ref = Apply(kBoris);
  const int64_t id = last_case_;
  auto first = remote_->Approve(id, rita_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->c.state, CaseState::kAwaitingReview);
  EXPECT_EQ(first->c.remote->first_approver, "rita");
  auto again = remote_->Approve(id, rita_);
  EXPECT_EQ(again.status().code(), C::kPermissionDenied);
  EXPECT_EQ(remote_->Get(id, rita_)->c.state, CaseState::kAwaitingReview) << "nothing changed";
  auto second = remote_->Approve(id, remi_);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->c.state, CaseState::kAwaitingDispatch);
  EXPECT_EQ(second->c.remote->reviewer, "remi");
  // Clerks do not review.
  EXPECT_EQ(remote_->ReviewQueue(CaseState::kAwaitingReview, 10, clerk_).status().code(),
            C::kPermissionDenied);
}

TEST_F(RemoteTest, RefusalsChangeNothing) {
  // The customer's own lock.
  Subscriber s = SubscriberOf(kVera);
  s.no_sim_change = true;
  ASSERT_TRUE(store_->Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  auto locked = remote_->Apply(Application(kVera));
  EXPECT_EQ(locked.status().code(), C::kFailedPrecondition);
  EXPECT_NE(locked.status().message().find("cannot be replaced online"), std::string::npos);
  EXPECT_EQ(locked.status().message().find("lock"), std::string::npos)
      << "an applicant does not learn the holder's lock: " << locked.status().message();
  EXPECT_EQ(locked.status().message().find(kVera.phone), std::string::npos) << "masked";

  // One open application per number.
  Apply(kAnna);
  auto second = remote_->Apply(Application(kAnna, "pickup"));
  EXPECT_EQ(second.status().code(), C::kFailedPrecondition);
  // ... and no counter case beside it.
  auto t = queue_->CreateTicket({kBranch, "R", Language::kRu, Priority::kNone, "r1", ""});
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(queue_->OpenCounter(kBranch, "1", {"R"}, &clerk_).ok());
  ASSERT_TRUE(queue_->CallChosen(kBranch, "1", t->ticket.id, &clerk_).ok());
  auto started = queue_->Act(kBranch, "1", t->ticket.id, CounterAction::kStart, &clerk_);
  ASSERT_TRUE(started.ok());
  auto form = cases_->SubmitForm(
      kBranch, started->case_id,
      {kAnna.phone, kAnna.op, "lost", kAnna.name, "ru_passport", kAnna.doc, kAnna.contact, true},
      clerk_);
  EXPECT_EQ(form.status().code(), C::kFailedPrecondition) << form.status().ToString();

  // An operator that is not the number's.
  ApplicationInput wrong_op = Application(kBoris);
  wrong_op.operator_id = "megafon";
  EXPECT_EQ(remote_->Apply(wrong_op).status().field(), "phone");

  // Only Anna's one application exists.
  auto queue = remote_->ReviewQueue(CaseState::kAwaitingReview, 100, rita_);
  ASSERT_TRUE(queue.ok());
  EXPECT_EQ(queue->size(), 1u);

  // A rejected application takes no activation, and a bad reason is named.
  const int64_t id = queue->front().case_id;
  EXPECT_EQ(remote_->Reject(id, "because", rita_).status().field(), "reason");
  ASSERT_TRUE(remote_->Reject(id, "face_mismatch", rita_).ok());
  EXPECT_EQ(remote_->Dispatch(id, {NextStock(kAnna.op), "RA123456789RU"}, rita_).status().code(),
            C::kFailedPrecondition);
}

TEST_F(RemoteTest, ThreeWrongActivationsLockTheNumberAcrossARestart) {
  const std::string ref = Apply(kBoris);
  const int64_t id = last_case_;
  ASSERT_TRUE(remote_->Approve(id, rita_).ok());
  const std::string card = NextStock(kBoris.op);
  auto sent = remote_->Dispatch(id, {card, "RB000000001RU"}, rita_);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  for (int i = 0; i < 2; ++i) {
    auto o = remote_->Activate(ref, "ZZZZ-ZZZZ", "1");
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_EQ(o->attempts_left, 2 - i);
  }
  Open();  // a restart
  auto third = remote_->Activate(ref, "ZZZZ-ZZZZ", "1");
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->locked);
  EXPECT_EQ(third->state, "cancelled") << "no new round of guesses after the lock ends";
  Open();
  // Even the right code and answer are refused now, and after the lock too.
  auto status = remote_->Lookup(ref);
  EXPECT_EQ(status->state, "cancelled");
  EXPECT_EQ(status->steps.back().outcome, "locked");
  auto right = remote_->Activate(ref, sent->activation_code, "300");
  EXPECT_EQ(right.status().code(), C::kFailedPrecondition) << right.status().ToString();
  clock_.Advance(absl::Hours(25));
  right = remote_->Activate(ref, sent->activation_code, "300");
  EXPECT_EQ(right.status().code(), C::kFailedPrecondition) << right.status().ToString();
  clock_.Advance(-absl::Hours(25));
  EXPECT_EQ(CardState(card), "");
  EXPECT_EQ(CardState(kBoris.card), "active");
  // A counter case for the number is refused too (the same lock).
  auto again = remote_->Apply(Application(kBoris));
  EXPECT_EQ(again.status().code(), C::kFailedPrecondition);
}

TEST_F(RemoteTest, PickupAtAShopChecksTheDocumentAtTheCounter) {
  const std::string ref = Apply(kVera, "pickup");
  const int64_t id = last_case_;
  ASSERT_TRUE(remote_->Approve(id, rita_).ok());
  const std::string card = NextStock(kVera.op);
  EXPECT_EQ(remote_->Dispatch(id, {card, "RV1234"}, rita_).status().field(), "tracking_number");
  auto sent = remote_->Dispatch(id, {card, ""}, rita_);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->activation_code, "") << "no envelope code for a pickup";
  EXPECT_EQ(remote_->Lookup(ref)->state, "awaiting_pickup");
  // No activation by code on this way.
  EXPECT_EQ(remote_->Activate(ref, "ABCD-EFGH", "1").status().code(), C::kFailedPrecondition);
  // A reviewer does not hand cards over.
  EXPECT_EQ(remote_->HandOver(id, {"ru_passport", kVera.doc, true, "1"}, rita_).status().code(),
            C::kPermissionDenied);
  auto other_doc = remote_->HandOver(id, {"ru_passport", "4599 000000", true,
                                          AnswerFor(kVera, sent->question)}, clerk_);
  ASSERT_TRUE(other_doc.ok());
  EXPECT_FALSE(other_doc->activated);
  EXPECT_EQ(other_doc->attempts_left, 2);
  ReviewView v = *remote_->Get(id, rita_);
  auto done = remote_->HandOver(
      id, {"ru_passport", kVera.doc, true, AnswerFor(kVera, QuestionText(*v.c.question))},
      clerk_);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(done->activated);
  EXPECT_EQ(CardState(card), "active");
  EXPECT_EQ(CardState(kVera.card), "blocked");
}

TEST_F(RemoteTest, ThePickupShopListsItsCardsWithTheQuestionToAsk) {
  Apply(kVera, "pickup");
  const int64_t vera = last_case_;
  Apply(kBoris, "pickup");
  const int64_t boris = last_case_;
  Apply(kAnna);  // posted: never in a shop's list
  const int64_t anna = last_case_;
  for (int64_t id : {vera, boris, anna}) ASSERT_TRUE(remote_->Approve(id, rita_).ok());
  EXPECT_TRUE(remote_->Pickups(kBranch, "", 0, clerk_)->empty()) << "nothing sent yet";
  const std::string vera_card = NextStock(kVera.op);
  auto sent = remote_->Dispatch(vera, {vera_card, ""}, rita_);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  ASSERT_TRUE(remote_->Dispatch(boris, {NextStock(kBoris.op), ""}, rita_).ok());
  ASSERT_TRUE(remote_->Dispatch(anna, {NextStock(kAnna.op), "RA000000001RU"}, rita_).ok());

  auto all = remote_->Pickups(kBranch, "", 0, clerk_);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].case_id, vera) << "oldest first";
  EXPECT_EQ((*all)[1].case_id, boris);
  EXPECT_EQ((*all)[0].phone_masked, MaskPhone(kVera.phone));
  EXPECT_EQ((*all)[0].iccid_last4, LastFour(vera_card));
  EXPECT_EQ((*all)[0].question, sent->question);
  EXPECT_EQ((*all)[0].document_type, DocumentType::kRuPassport);
  // One customer at the counter: found by the number, however written.
  auto one = remote_->Pickups(kBranch, "8 (977) 333-44-55", 0, clerk_);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].case_id, vera);
  EXPECT_TRUE(remote_->Pickups(kBranch, kAnna.phone, 0, clerk_)->empty()) << "posted, not here";
  EXPECT_EQ(remote_->Pickups(kBranch, "", 1, clerk_)->size(), 1u);
  // Refusals.
  EXPECT_EQ(remote_->Pickups(kBranch, "", 0, rita_).status().code(), C::kPermissionDenied);
  EXPECT_EQ(remote_->Pickups("nowhere", "", 0, clerk_).status().field(), "branch_id");
  EXPECT_EQ(remote_->Pickups(kBranch, "12", 0, clerk_).status().field(), "phone");
  // Handed over: gone from the list.
  ASSERT_TRUE(remote_->HandOver(vera, {"ru_passport", kVera.doc, true,
                                       AnswerFor(kVera, sent->question)},
                                clerk_)->activated);
  all = remote_->Pickups(kBranch, "", 0, clerk_);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].case_id, boris);
}

TEST_F(RemoteTest, ADispatchRepeatedAfterALostAnswerReplacesTheCodeOnlyWhileItIsFresh) {
  const std::string ref = Apply(kAnna);
  const int64_t id = last_case_;
  ASSERT_TRUE(remote_->Approve(id, rita_).ok());
  const std::string card = NextStock(kAnna.op);
  auto first = remote_->Dispatch(id, {card, "RA000000002RU"}, rita_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  clock_.Advance(absl::Minutes(5));
  // Another tracking number or another card is not a retry.
  EXPECT_EQ(remote_->Dispatch(id, {card, "RA000000003RU"}, rita_).status().code(),
            C::kFailedPrecondition);
  EXPECT_EQ(remote_->Dispatch(id, {NextStock(kAnna.op), "RA000000002RU"}, rita_).status().code(),
            C::kFailedPrecondition);
  auto again = remote_->Dispatch(id, {card, "RA000000002RU"}, rita_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_NE(again->activation_code, first->activation_code);
  EXPECT_EQ(again->question, first->question);
  EXPECT_EQ(again->tracking_number, "RA000000002RU");
  ReviewView v = *remote_->Get(id, rita_);
  EXPECT_EQ(v.records.back().outcome, "code_reissued");
  EXPECT_EQ(v.c.state, CaseState::kAwaitingActivation);
  for (const PublicStep& step : remote_->Lookup(ref)->steps)
    EXPECT_NE(step.outcome, "code_reissued") << "not the applicant's business";
  // The first code is dead; a wrong try counts, and then no code is issued again.
  auto old = remote_->Activate(ref, first->activation_code, AnswerFor(kAnna, first->question));
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->activated);
  EXPECT_EQ(remote_->Dispatch(id, {card, "RA000000002RU"}, rita_).status().code(),
            C::kFailedPrecondition);
  // (a failure asks another question next time, as at the counter)
  auto done =
      remote_->Activate(ref, again->activation_code, AnswerFor(kAnna, remote_->Lookup(ref)->question));
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->activated);
}

TEST_F(RemoteTest, NoCodeIsIssuedAgainAnHourAfterTheDispatch) {
  Apply(kBoris);
  const int64_t id = last_case_;
  ASSERT_TRUE(remote_->Approve(id, rita_).ok());
  const std::string card = NextStock(kBoris.op);
  ASSERT_TRUE(remote_->Dispatch(id, {card, "RB000000002RU"}, rita_).ok());
  clock_.Advance(RemoteManager::kRedispatchWindow + absl::Seconds(1));
  auto late = remote_->Dispatch(id, {card, "RB000000002RU"}, rita_);
  EXPECT_EQ(late.status().code(), C::kFailedPrecondition);
  EXPECT_NE(late.status().message().find("over an hour"), std::string::npos)
      << late.status().message();
  // A pickup answers the same again at any time, with no code.
  Apply(kVera, "pickup");
  const int64_t vera = last_case_;
  ASSERT_TRUE(remote_->Approve(vera, rita_).ok());
  const std::string vcard = NextStock(kVera.op);
  auto sent = remote_->Dispatch(vera, {vcard, ""}, rita_);
  ASSERT_TRUE(sent.ok());
  clock_.Advance(absl::Hours(5));
  auto again = remote_->Dispatch(vera, {vcard, ""}, rita_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->question, sent->question);
  EXPECT_EQ(again->activation_code, "");
  EXPECT_EQ(remote_->Get(vera, rita_)->records.back().outcome, "sent_to_shop")
      << "nothing recorded";
}

TEST_F(RemoteTest, WhatChangesOnTheNumberDuringTheReviewCounts) {
  const std::string ref = Apply(kAnna);
  const int64_t id = last_case_;
  EXPECT_EQ(remote_->Get(id, rita_)->c.remote->risk_score, 0);
  // The contact on record changes while the application waits: now risky.
  Subscriber s = SubscriberOf(kAnna);
  s.contact = "+79990001122";
  s.contact_changed = clock_.Now();
  ASSERT_TRUE(store_->Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  auto first = remote_->Approve(id, rita_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->c.state, CaseState::kAwaitingReview) << "a second reviewer is needed now";
  EXPECT_EQ(first->c.remote->risk_factors, "contact_changed");
  EXPECT_EQ(remote_->Lookup(ref)->steps.size(), 1u) << "the first approval is not public";
  ASSERT_TRUE(remote_->Approve(id, remi_).ok());
  // The holder forbids SIM changes before the card goes out: nothing goes.
  s.no_sim_change = true;
  ASSERT_TRUE(store_->Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  EXPECT_EQ(remote_->Dispatch(id, {NextStock(kAnna.op), "RA123456789RU"}, rita_).status().code(),
            C::kFailedPrecondition);
  // ... nor is a card already posted activated.
  s.no_sim_change = false;
  ASSERT_TRUE(store_->Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  auto sent = remote_->Dispatch(id, {NextStock(kAnna.op), "RA123456789RU"}, rita_);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  s.no_sim_change = true;
  ASSERT_TRUE(store_->Write([&](WriteTx& tx) { return tx.cases().SaveSubscriber(s); }).ok());
  auto act = remote_->Activate(ref, sent->activation_code, AnswerFor(kAnna, sent->question));
  EXPECT_EQ(act.status().code(), C::kFailedPrecondition);
  EXPECT_EQ(CardState(kAnna.card), "active");
}

TEST_F(RemoteTest, StaffCancelAPostedApplicationWhoseEnvelopeWasLost) {
  const std::string ref = Apply(kBoris);
  const int64_t id = last_case_;
  ASSERT_TRUE(remote_->Approve(id, rita_).ok());
  auto sent = remote_->Dispatch(id, {NextStock(kBoris.op), "RB000000001RU"}, rita_);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(remote_->Cancel(id, "because", rita_).status().field(), "reason");
  EXPECT_EQ(remote_->Cancel(id, "envelope_lost", clerk_).status().code(), C::kPermissionDenied);
  auto cancelled = remote_->Cancel(id, "envelope_lost", rita_);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->c.state, CaseState::kCancelled);
  auto act = remote_->Activate(ref, sent->activation_code, AnswerFor(kBoris, sent->question));
  EXPECT_EQ(act.status().code(), C::kFailedPrecondition) << "the lost envelope's code is dead";
  EXPECT_EQ(remote_->Cancel(id, "envelope_lost", rita_).status().code(), C::kFailedPrecondition);
  Apply(kBoris);  // the number is free for a new application
}

TEST_F(RemoteTest, UnfinishedApplicationsExpireAndTakeNoSteps) {
  const std::string ref = Apply(kAnna);
  const int64_t id = last_case_;
  clock_.Advance(absl::Hours(24 * 14 + 1));
  EXPECT_EQ(remote_->Approve(id, rita_).status().code(), C::kFailedPrecondition);
  auto n = remote_->ExpireOld();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  auto status = remote_->Lookup(ref);
  EXPECT_EQ(status->state, "cancelled");
  EXPECT_EQ(status->steps.back().outcome, "expired");
  EXPECT_EQ(*remote_->ExpireOld(), 0);
  // The number is free for a new application.
  Apply(kAnna);
}

TEST_F(RemoteTest, UnknownAndMalformedReferencesLookTheSame) {
  auto malformed = remote_->Lookup("not a reference");
  auto unknown = remote_->Lookup("2345-6789-ABCD-EFGH");
  EXPECT_EQ(malformed.status().code(), C::kNotFound);
  EXPECT_EQ(unknown.status().code(), C::kNotFound);
  EXPECT_EQ(malformed.status().message(), unknown.status().message());
  EXPECT_EQ(remote_->Lookup(std::string(1 << 20, 'A')).status().code(), C::kNotFound);
}

TEST_F(RemoteTest, ThePhotosAreSealedInTheDatabase) {
  Apply(kAnna);
  // A run of each photo's bytes from its middle (headers are alike in any JPEG).
  const std::string doc_middle = document_photo_.substr(document_photo_.size() / 2, 64);
  const std::string selfie_middle = selfie_photo_.substr(selfie_photo_.size() / 2, 64);
  std::vector<StoredPhoto> stored;
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                auto p = tx.cases().CasePhotos(last_case_);
                if (!p.ok()) return p.status();
                stored = *p;
                return Status::Ok();
              }).ok());
  ASSERT_EQ(stored.size(), 2u);
  for (const StoredPhoto& p : stored) {
    EXPECT_GT(p.sealed.size(), 1000u);
    EXPECT_EQ(p.sealed.find(doc_middle), std::string::npos) << p.kind;
    EXPECT_EQ(p.sealed.find(selfie_middle), std::string::npos) << p.kind;
  }
  // Another key opens nothing; the application is still there to reject.
  crypto::SodiumPhotoSealer other{std::string(32, 'x')};
  RemoteManager stranger(config_, *store_, clock_, hasher_, other,
                         [this](size_t n) { return RandomBytes(n); });
  auto seen = stranger.Get(last_case_, rita_);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  ASSERT_EQ(seen->photos.size(), 2u);
  for (const StoredPhotoView& p : seen->photos) {
    EXPECT_FALSE(p.readable);
    EXPECT_EQ(p.bytes, "");
  }
  EXPECT_TRUE(stranger.Reject(last_case_, "photo_unreadable", rita_).ok());

  SKIP_ON_POSTGRES("the rest reads the SQLite files");
  remote_.reset();
  cases_.reset();
  queue_.reset();
  auth_.reset();
  store_.reset();  // checkpointed: everything in the files
  std::string bytes;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    std::ifstream f(e.path(), std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(f), {});
  }
  EXPECT_GT(bytes.size(), document_photo_.size()) << "the photos are stored somewhere";
  EXPECT_EQ(bytes.find(doc_middle), std::string::npos);
  EXPECT_EQ(bytes.find(selfie_middle), std::string::npos);
  Open();
}

// Random steps of both routes on three numbers: a card is never active
// before an approved review and a passed check, and a number never has two
// active cards.
TEST_F(RemoteTest, RandomStepsOnBothRoutesKeepTheInvariants) {
  const Person* people[] = {&kAnna, &kBoris, &kVera};
  ASSERT_TRUE(queue_->OpenCounter(kBranch, "1", {"R", "N", "P"}, &clerk_).ok());
  std::map<std::string, std::string> refs;  // phone -> the latest reference
  std::map<std::string, std::string> codes;
  std::vector<std::string> cancelled_cards;  // bound to an application staff cancelled
  int activated = 0;
  for (int step = 0; step < 600; ++step) {
    const Person& p = *people[rng_() % 3];
    const std::string ref = refs[p.phone];
    switch (rng_() % 9) {
      case 0:
      case 1: {
        auto r = remote_->Apply(Application(p, rng_() % 3 ? "post" : "pickup"));
        if (r.ok()) refs[p.phone] = r->reference;
        break;
      }
      case 2: {
        auto q = remote_->ReviewQueue(CaseState::kAwaitingReview, 10, rita_);
        if (q.ok() && !q->empty()) {
          const int64_t id = (*q)[rng_() % q->size()].case_id;
          if (rng_() % 4 == 0)
            (void)remote_->Reject(id, "photo_unreadable", rng_() % 2 ? rita_ : remi_);
          else
            (void)remote_->Approve(id, rng_() % 2 ? rita_ : remi_);
        }
        break;
      }
      case 3: {
        auto q = remote_->ReviewQueue(CaseState::kAwaitingDispatch, 10, rita_);
        if (q.ok() && !q->empty()) {
          const ReviewItem& i = (*q)[rng_() % q->size()];
          auto v = remote_->Get(i.case_id, rita_);
          const bool post = v.ok() && v->c.remote->delivery == Delivery::kPost;
          auto d = remote_->Dispatch(i.case_id, {NextStock(i.operator_id),
                                                 post ? "RR" + std::to_string(step) + "RU" : ""},
                                     rita_);
          if (d.ok()) codes[v->c.form->phone] = d->activation_code;
        }
        break;
      }
      case 4:
      case 5: {
        auto s = remote_->Lookup(ref);
        if (!s.ok()) break;
        std::string code = rng_() % 3 ? codes[p.phone] : "2345-6789";
        std::string answer = rng_() % 3 ? AnswerFor(p, s->question) : "7";
        auto o = remote_->Activate(ref, code, answer);
        if (o.ok() && o->activated) ++activated;
        break;
      }
      case 6: {
        if (rng_() % 2) {
          (void)remote_->Withdraw(ref);
          break;
        }
        // Staff end whatever is open on the number (a lost envelope, fraud),
        // at any step: its card must never become active.
        std::optional<SimCase> open;
        ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                      auto c = tx.cases().OpenCaseOfPhone(p.phone, 0);
                      if (!c.ok()) return c.status();
                      open = *c;
                      return Status::Ok();
                    }).ok());
        if (open && open->route == CaseRoute::kRemote &&
            remote_->Cancel(open->case_id, CancelReasons()[rng_() % CancelReasons().size()],
                            rita_).ok() && !open->new_iccid.empty())
          cancelled_cards.push_back(open->new_iccid);
        break;
      }
      case 7: {
        // The counter route on the same numbers, straight through.
        auto t = queue_->CreateTicket({kBranch, "R", Language::kRu, Priority::kNone,
                                       "t" + std::to_string(step), ""});
        if (!t.ok()) break;
        (void)queue_->CallChosen(kBranch, "1", t->ticket.id, &clerk_);
        auto started = queue_->Act(kBranch, "1", t->ticket.id, CounterAction::kStart, &clerk_);
        if (!started.ok()) break;
        const int64_t id = started->case_id;
        auto f = cases_->SubmitForm(kBranch, id, {p.phone, p.op, "lost", p.name, "ru_passport",
                                                  p.doc, p.contact, true},
                                    clerk_);
        if (f.ok()) {
          auto idn = cases_->CheckIdentity(
              kBranch, id, {"ru_passport", p.doc, true, AnswerFor(p, f->question)}, clerk_);
          if (idn.ok() && idn->passed && cases_->Pay(kBranch, id, {"cash"}, clerk_).ok() &&
              cases_->IssueCard(kBranch, id, NextStock(p.op), clerk_).ok() &&
              cases_->BlockOldCard(kBranch, id, clerk_).ok())
            (void)cases_->Close(kBranch, id, clerk_);
        }
        auto c = cases_->GetByTicket(kBranch, t->ticket.id, Principal{Role::kSupervisor, "boss", ""});
        if (c.ok() && !CaseFinished(c->c.state) && c->c.state < CaseState::kAwaitingBlock)
          (void)cases_->Cancel(kBranch, id, "random end", SupervisorConfirm{"boss", "pw-boss"},
                               clerk_);
        (void)queue_->Act(kBranch, "1", t->ticket.id, CounterAction::kComplete, &clerk_);
        break;
      }
      case 8:
        clock_.Advance(absl::Hours(static_cast<int>(rng_() % 30)));
        (void)remote_->ExpireOld();
        if (rng_() % 5 == 0) (void)cases_->Unlock(p.phone, "random unlock", {"boss", "pw-boss"},
                                                  clerk_);
        break;
    }
    ASSERT_LE(ActiveCardsMax(), 1) << "step " << step;
  }
  // Every card that became active through the remote route did so after an
  // approval and a passed check, in that order.
  int remote_swaps = 0;
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                for (int64_t id = 1; id < 2000; ++id) {
                  auto c = tx.cases().GetRemoteCase(id);
                  if (!c.ok()) return c.status();
                  if (!c->has_value() || (*c)->new_iccid.empty()) continue;
                  auto state = tx.cases().CardState((*c)->new_iccid);
                  if (!state.ok()) return state.status();
                  if (state->empty()) continue;  // never activated
                  ++remote_swaps;
                  auto records = tx.cases().CaseRecords(id);
                  if (!records.ok()) return records.status();
                  int approved_at = -1, passed_at = -1, block_at = -1;
                  for (size_t i = 0; i < records->size(); ++i) {
                    const CaseRecord& r = (*records)[i];
                    if (r.step == "review" && r.outcome == "approved") approved_at = static_cast<int>(i);
                    if ((r.step == "activation" || r.step == "pickup") && r.outcome == "passed")
                      passed_at = static_cast<int>(i);
                    if (r.step == "block") block_at = static_cast<int>(i);
                  }
                  EXPECT_GE(approved_at, 0) << "case " << id;
                  EXPECT_GT(passed_at, approved_at) << "case " << id;
                  EXPECT_GT(block_at, passed_at) << "case " << id;
                }
                return Status::Ok();
              }).ok());
  EXPECT_EQ(remote_swaps, activated) << "hand-overs are not made in this test";
  EXPECT_FALSE(cancelled_cards.empty()) << "the random walk should cancel some posted cards";
  for (const std::string& card : cancelled_cards)
    EXPECT_EQ(CardState(card), "") << "a cancelled application's card " << card;
  EXPECT_GT(activated, 0) << "the random walk should reach some activations";
}

}  // namespace
}  // namespace shop::queue
