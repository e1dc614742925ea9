// The SIM-replacement case's plain rules: names, step order messages, the
// identity lock, knowledge questions and the form check (every bad field at
// once).
#include "server/domain/cases/sim_case.h"

#include <set>

#include <gtest/gtest.h>

#include "server/domain/common/clock.h"

namespace shop::queue {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

// A visible stand-in for the keyed hash.
class FakeHasher final : public PiiHasher {
 public:
  std::string Hash(std::string_view purpose, std::string_view value) const override {
    return "h(" + std::string(purpose) + "," + std::string(value) + ")";
  }
};

bool KnownOperator(const std::string& id) {
  return id == "megafon" || id == "beeline" || id == "tele2";
}

CaseFormInput GoodForm() {
  CaseFormInput in;
  in.phone = "8 (912) 345-67-89";
  in.operator_id = "megafon";
  in.reason = "lost";
  in.full_name = "Иванов Иван Иванович";
  in.document_type = "ru_passport";
  in.document_number = "45 09 123456";
  in.contact = "+7 916 000-11-22";
  in.consent = true;
  return in;
}

std::vector<std::string> Fields(const Status& st) {
  std::vector<std::string> out;
  for (const auto& v : st.violations()) out.push_back(v.field);
  return out;
}

// "No fee" settles only a fee that is really 0; money was taken only in
// cash or by card.
TEST(SimCase, FeeSettledAndTaken) {
  SimCase c;
  c.fee_roubles = 300;
  EXPECT_FALSE(FeeSettled(c));
  for (PaymentMethod m : {PaymentMethod::kCash, PaymentMethod::kCard, PaymentMethod::kWaived}) {
    c.payment = m;
    EXPECT_TRUE(FeeSettled(c)) << PaymentMethodName(m);
    EXPECT_EQ(FeeTaken(c), m != PaymentMethod::kWaived) << PaymentMethodName(m);
  }
  c.payment = PaymentMethod::kNoFee;
  EXPECT_FALSE(FeeSettled(c)) << "no fee, but the fee is 300";
  EXPECT_FALSE(FeeTaken(c));
  c.fee_roubles = 0;
  EXPECT_TRUE(FeeSettled(c));
  EXPECT_FALSE(FeeTaken(c));
}

TEST(CaseNames, StatesReasonsMethods) {
  EXPECT_EQ(std::string(CaseStateName(CaseState::kAwaitingForm)), "awaiting_form");
  EXPECT_EQ(std::string(CaseStateName(CaseState::kAwaitingIdentity)), "awaiting_identity");
  EXPECT_EQ(std::string(CaseStateName(CaseState::kClosed)), "closed");
  EXPECT_EQ(std::string(CaseStateName(CaseState::kCancelled)), "cancelled");
  for (ReplacementReason r : {ReplacementReason::kLost, ReplacementReason::kStolen,
                              ReplacementReason::kDamaged, ReplacementReason::kFormatChange})
    EXPECT_EQ(ParseReason(ReasonName(r)), r);
  EXPECT_EQ(std::string(ReasonName(ReplacementReason::kFormatChange)), "format_change");
  EXPECT_FALSE(ParseReason("broken"));
  EXPECT_EQ(std::string(PaymentMethodName(PaymentMethod::kCash)), "cash");
  EXPECT_EQ(std::string(PaymentMethodName(PaymentMethod::kCard)), "card");
  EXPECT_EQ(std::string(PaymentMethodName(PaymentMethod::kWaived)), "waived");
  EXPECT_EQ(std::string(PaymentMethodName(PaymentMethod::kNoFee)), "no_fee");
  EXPECT_NE(std::string(QuestionText(QuestionKind::kLastTopUp)).find("top-up"),
            std::string::npos);
  EXPECT_NE(std::string(QuestionText(QuestionKind::kRecentCall)).find("called"),
            std::string::npos);
}

TEST(CaseNames, OnlyClosedAndCancelledAreFinished) {
  std::set<std::string> names;
  for (int i = 1; i <= 8; ++i) {
    const auto s = static_cast<CaseState>(i);
    EXPECT_EQ(CaseFinished(s), s == CaseState::kClosed || s == CaseState::kCancelled);
    EXPECT_TRUE(names.insert(CaseStateName(s)).second) << CaseStateName(s);
  }
}

TEST(Steps, RequireStepSaysWhatTheCaseWaitsFor) {
  SimCase c;
  c.case_id = 12;
  c.state = CaseState::kAwaitingIdentity;
  EXPECT_TRUE(RequireStep(c, CaseState::kAwaitingIdentity).ok());
  auto st = RequireStep(c, CaseState::kAwaitingPayment);
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(st.message().find("waits for the identity check, not payment"), std::string::npos)
      << st.message();

  c.state = CaseState::kAwaitingBlock;
  st = RequireStep(c, CaseState::kAwaitingClose);
  EXPECT_NE(st.message().find("waits for the old-card block, not close"), std::string::npos)
      << st.message();

  c.state = CaseState::kClosed;
  st = RequireStep(c, CaseState::kAwaitingCard);
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(st.message().find("closed"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("card issue"), std::string::npos) << st.message();
}

TEST(Steps, NamesInOrder) {
  EXPECT_EQ(std::string(StepName(CaseState::kAwaitingForm)), "form");
  EXPECT_EQ(std::string(StepName(CaseState::kAwaitingIdentity)), "identity check");
  EXPECT_EQ(std::string(StepName(CaseState::kAwaitingPayment)), "payment");
  EXPECT_EQ(std::string(StepName(CaseState::kAwaitingCard)), "card issue");
  EXPECT_EQ(std::string(StepName(CaseState::kAwaitingBlock)), "old-card block");
  EXPECT_EQ(std::string(StepName(CaseState::kAwaitingClose)), "close");
  EXPECT_EQ(std::string(StepName(CaseState::kClosed)).rfind("nothing", 0), 0u);
  EXPECT_EQ(std::string(StepName(CaseState::kCancelled)).rfind("nothing", 0), 0u);
}

TEST(IdentityLock, ThreeFailuresWithinADayLockForADay) {
  ManualClock clock(kT0);
  IdentityAttempts a;
  EXPECT_FALSE(a.RecordFailure(clock.Now()));
  clock.Advance(absl::Hours(10));
  EXPECT_FALSE(a.RecordFailure(clock.Now()));
  EXPECT_FALSE(a.Locked(clock.Now()));
  clock.Advance(absl::Hours(13));
  EXPECT_TRUE(a.RecordFailure(clock.Now()));
  EXPECT_TRUE(a.Locked(clock.Now()));
  EXPECT_TRUE(a.failures.empty());
  clock.Advance(absl::Hours(24) - absl::Seconds(1));
  EXPECT_TRUE(a.Locked(clock.Now()));
  clock.Advance(absl::Seconds(1));
  EXPECT_FALSE(a.Locked(clock.Now()));
  // The count starts afresh after a lock.
  EXPECT_FALSE(a.RecordFailure(clock.Now()));
}

TEST(IdentityLock, FailuresSpreadOverMoreThanADayDoNotLock) {
  ManualClock clock(kT0);
  IdentityAttempts a;
  for (int i = 0; i < 6; ++i) {
    EXPECT_FALSE(a.RecordFailure(clock.Now())) << i;
    EXPECT_FALSE(a.Locked(clock.Now())) << i;
    clock.Advance(absl::Hours(12) + absl::Minutes(1));
  }
  EXPECT_LE(a.failures.size(), 2u);  // old failures are dropped
}

TEST(IdentityLock, UnlockLiftsTheLockAndForgetsFailures) {
  ManualClock clock(kT0);
  IdentityAttempts a;
  a.RecordFailure(clock.Now());
  a.RecordFailure(clock.Now());
  EXPECT_TRUE(a.RecordFailure(clock.Now()));
  a.Unlock();
  EXPECT_FALSE(a.Locked(clock.Now()));
  a.RecordFailure(clock.Now());
  a.Unlock();
  EXPECT_TRUE(a.failures.empty());
  EXPECT_FALSE(a.RecordFailure(clock.Now()));
  EXPECT_FALSE(a.RecordFailure(clock.Now()));
  EXPECT_TRUE(a.RecordFailure(clock.Now()));
}

Subscriber WithData() {
  Subscriber s;
  s.phone = "+79123456789";
  s.recent_topups_roubles = {1500, 300};
  s.recent_calls = {"+79160001122", "+74951234567", "+79035556677"};
  return s;
}

TEST(Questions, LastTopUpAcceptsHowPeopleSayAnAmount) {
  const Subscriber s = WithData();
  for (const char* a : {"1500", " 1500 ", "1 500", "1500р", "1500 р", "1500 р.", "1500 руб",
                        "1500 руб.", "1500 rub", "1500.00", "1 500,00", "1500.00 руб"})
    EXPECT_TRUE(AnswerMatches(QuestionKind::kLastTopUp, s, a)) << a;
  for (const char* a : {"300",  // the older top-up
                        "", "руб", "1500.50", "15 00 00", "-1500", "1500 eur", "полторы тысячи",
                        "99999999999999999999"})
    EXPECT_FALSE(AnswerMatches(QuestionKind::kLastTopUp, s, a)) << a;
  EXPECT_FALSE(AnswerMatches(QuestionKind::kLastTopUp, Subscriber{}, "0"));
}

TEST(Questions, RecentCallMatchesAnyNormalisedNumber) {
  const Subscriber s = WithData();
  for (const char* a : {"+79160001122", "8 916 000-11-22", "9035556677", "7 (903) 555 66 77"})
    EXPECT_TRUE(AnswerMatches(QuestionKind::kRecentCall, s, a)) << a;
  for (const char* a : {"+79160001123", "", "mum", "+79123456789", "+7 495 123-45-67"})
    EXPECT_FALSE(AnswerMatches(QuestionKind::kRecentCall, s, a)) << a;
}

TEST(Questions, PickOnlyWhatTheRegisterCanAnswer) {
  Subscriber none;
  EXPECT_FALSE(PickQuestion(none, 0));

  Subscriber topups;
  topups.recent_topups_roubles = {200};
  Subscriber calls;
  calls.recent_calls = {"+79160001122"};
  Subscriber landline_only;
  landline_only.recent_calls = {"+74951234567"};  // cannot be answered as a mobile number
  for (uint32_t r : {0u, 1u, 2u, 3u, 12345u, (1u << 30) - 1}) {
    EXPECT_EQ(PickQuestion(topups, r), QuestionKind::kLastTopUp) << r;
    EXPECT_EQ(PickQuestion(calls, r), QuestionKind::kRecentCall) << r;
    EXPECT_FALSE(PickQuestion(landline_only, r)) << r;
  }

  std::set<QuestionKind> seen;
  for (uint32_t r = 0; r < 8; ++r) {
    auto q = PickQuestion(WithData(), r);
    ASSERT_TRUE(q);
    seen.insert(*q);
  }
  EXPECT_EQ(seen.size(), 2u);  // both kinds come up
}

TEST(Form, AGoodFormIsNormalised) {
  FakeHasher hasher;
  auto f = ValidateCaseForm(GoodForm(), hasher, KnownOperator);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->phone, "+79123456789");
  EXPECT_EQ(f->operator_id, "megafon");
  EXPECT_EQ(f->reason, ReplacementReason::kLost);
  EXPECT_EQ(f->full_name, "Иванов Иван Иванович");
  EXPECT_EQ(f->document_type, DocumentType::kRuPassport);
  EXPECT_EQ(f->document_hash, "h(document,4509123456)");
  EXPECT_EQ(f->document_last4, "3456");
  EXPECT_EQ(f->contact, "+79160001122");
}

TEST(Form, EmailContactAndOtherDocumentsPass) {
  FakeHasher hasher;
  auto in = GoodForm();
  in.contact = " ivan.petrov@mail.ru ";
  in.document_type = "residence_permit";
  in.document_number = "82 1234567";
  in.full_name = "  O'Neil   Mary-Ann ";
  in.reason = "format_change";
  auto f = ValidateCaseForm(in, hasher, KnownOperator);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->contact, "ivan.petrov@mail.ru");
  EXPECT_EQ(f->document_hash, "h(document,821234567)");
  EXPECT_EQ(f->document_last4, "4567");
  EXPECT_EQ(f->full_name, "O'Neil Mary-Ann");
  EXPECT_EQ(f->reason, ReplacementReason::kFormatChange);
}

TEST(Form, ReportsEveryBadFieldAtOnce) {
  FakeHasher hasher;
  auto in = GoodForm();
  in.phone = "+7 495 123-45-67";  // landline
  in.operator_id = "mts";         // not in the fee table
  in.full_name = "Ivan";          // one word
  in.contact = "not a contact";
  in.consent = false;
  auto f = ValidateCaseForm(in, hasher, KnownOperator);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Fields(f.status()), (std::vector<std::string>{"phone", "operator_id", "full_name",
                                                          "contact", "consent"}));
  EXPECT_EQ(f.status().field(), "phone");
  for (const auto& v : f.status().violations()) EXPECT_FALSE(v.description.empty()) << v.field;
  EXPECT_NE(f.status().message().find("the customer must consent to personal-data processing"),
            std::string::npos);
}

TEST(Form, AnEmptyFormNamesAllEightFields) {
  FakeHasher hasher;
  auto f = ValidateCaseForm(CaseFormInput{}, hasher, KnownOperator);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Fields(f.status()),
            (std::vector<std::string>{"phone", "operator_id", "reason", "full_name",
                                      "document_type", "document_number", "contact", "consent"}));
}

TEST(Form, DocumentNumberIsCheckedAgainstAValidTypeOnly) {
  FakeHasher hasher;
  auto in = GoodForm();
  in.document_number = "75 1234567";  // a foreign passport number on an internal passport
  auto f = ValidateCaseForm(in, hasher, KnownOperator);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Fields(f.status()), (std::vector<std::string>{"document_number"}));
  EXPECT_NE(f.status().violations()[0].description.find("10 digits"), std::string::npos);
  // The raw number never appears in the message.
  EXPECT_EQ(f.status().message().find("1234567"), std::string::npos);

  in.document_type = "driving_licence";
  f = ValidateCaseForm(in, hasher, KnownOperator);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Fields(f.status()), (std::vector<std::string>{"document_type"}));

  in.document_type = "foreign_passport";
  EXPECT_TRUE(ValidateCaseForm(in, hasher, KnownOperator).ok());
}

TEST(Form, FullNameRules) {
  FakeHasher hasher;
  auto name_ok = [&](const std::string& name) {
    auto in = GoodForm();
    in.full_name = name;
    return ValidateCaseForm(in, hasher, KnownOperator).ok();
  };
  EXPECT_TRUE(name_ok("Ivanov Ivan"));
  EXPECT_TRUE(name_ok("Ян Ли"));
  EXPECT_TRUE(name_ok("Салтыков-Щедрин Михаил"));
  EXPECT_TRUE(name_ok("D\u2019Artagnan Charles"));
  EXPECT_TRUE(name_ok("Müller Jürgen"));
  EXPECT_TRUE(name_ok("Γεώργιος Παπαδόπουλος"));
  EXPECT_TRUE(name_ok(std::string(99, 'a') + " " + std::string(100, 'b')));  // 200
  EXPECT_FALSE(name_ok(std::string(100, 'a') + " " + std::string(100, 'b')));  // 201
  // 200 Cyrillic letters are 400 bytes but 200 characters.
  std::string cyr;
  for (int i = 0; i < 99; ++i) cyr += "ж";
  cyr += " ";
  for (int i = 0; i < 100; ++i) cyr += "ж";
  EXPECT_TRUE(name_ok(cyr));
  EXPECT_FALSE(name_ok("Ivan"));
  EXPECT_FALSE(name_ok(""));
  EXPECT_FALSE(name_ok("   "));
  EXPECT_FALSE(name_ok("Ivan 2nd"));
  EXPECT_FALSE(name_ok("Ivanov I."));
  EXPECT_FALSE(name_ok("Ivanov - "));
  EXPECT_FALSE(name_ok("Ivanov\tIvan"));
  EXPECT_FALSE(name_ok("Ivanov <b>Ivan</b>"));
  EXPECT_FALSE(name_ok("Ivanov \xD0\x98\xD0"));  // broken UTF-8
}

TEST(Form, ContactShapes) {
  FakeHasher hasher;
  auto contact_ok = [&](const std::string& contact) {
    auto in = GoodForm();
    in.contact = contact;
    return ValidateCaseForm(in, hasher, KnownOperator).ok();
  };
  EXPECT_TRUE(contact_ok("ivan@mail.ru"));
  EXPECT_TRUE(contact_ok("ivan.petrov+sim@yandex.ru"));
  EXPECT_TRUE(contact_ok("иван@почта.рф"));
  EXPECT_TRUE(contact_ok("89160001122"));
  EXPECT_FALSE(contact_ok("ivan@"));
  EXPECT_FALSE(contact_ok("@mail.ru"));
  EXPECT_FALSE(contact_ok("ivan@mail"));
  EXPECT_FALSE(contact_ok("ivan@@mail.ru"));
  EXPECT_FALSE(contact_ok("ivan petrov@mail.ru"));
  EXPECT_FALSE(contact_ok("ivan@mail..ru"));
  EXPECT_FALSE(contact_ok("ivan@-mail.ru"));
  EXPECT_FALSE(contact_ok("+7 495 123-45-67"));  // a landline gets no SMS
}

TEST(Form, UnknownOperatorWithoutATable) {
  FakeHasher hasher;
  auto f = ValidateCaseForm(GoodForm(), hasher, nullptr);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Fields(f.status()), (std::vector<std::string>{"operator_id"}));
}

TEST(IdentityAttempts, SpentOnlyWithoutALockOrAFailureInTheWindow) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  IdentityAttempts a;
  EXPECT_TRUE(a.Spent(t0)) << "an empty record";
  a.RecordFailure(t0);
  EXPECT_FALSE(a.Spent(t0 + IdentityAttempts::kWindow));
  EXPECT_TRUE(a.Spent(t0 + IdentityAttempts::kWindow + absl::Seconds(1)));
  a.RecordFailure(t0 + absl::Minutes(1));
  a.RecordFailure(t0 + absl::Minutes(2));  // the third: locked
  ASSERT_TRUE(a.Locked(t0 + absl::Minutes(2)));
  EXPECT_FALSE(a.Spent(t0 + absl::Minutes(2) + IdentityAttempts::kLockout - absl::Seconds(1)));
  EXPECT_TRUE(a.Spent(t0 + absl::Minutes(2) + IdentityAttempts::kLockout));
}

}  // namespace
}  // namespace shop::queue
