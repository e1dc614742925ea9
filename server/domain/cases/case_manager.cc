#include "server/domain/cases/case_manager.h"

#include <cstdio>
#include <random>

#include "server/domain/queue/ticket_history.h"

namespace shop::queue {

std::string CaseSubject(int64_t case_id) { return "case:" + std::to_string(case_id); }

uint32_t QuestionPick() {
  thread_local std::mt19937 gen{std::random_device{}()};
  return gen() & ((1u << 30) - 1);
}

std::string ShortTime(absl::Time t, absl::TimeZone tz) {
  return absl::FormatTime("%Y-%m-%d %H:%M", t, tz);
}

// Appends the step's immutable record and its audit entry.
Status AppendCaseStep(WriteTx& tx, const SimCase& c, absl::Time now, const std::string& actor,
                      std::string step, std::string outcome, std::string detail,
                      const std::string& supervisor) {
  CaseRecord r;
  r.case_id = c.case_id;
  r.time = now;
  r.step = std::move(step);
  r.outcome = std::move(outcome);
  r.actor = actor;
  r.supervisor = supervisor;
  r.detail = std::move(detail);
  QUEUE_RETURN_IF_ERROR(tx.cases().AppendCaseRecord(r));
  AuditRecord a;
  a.time = now;
  a.actor = actor;
  a.action = "case." + r.step;
  a.subject = CaseSubject(c.case_id);
  a.detail = "branch=" + c.branch_id +
             (c.route == CaseRoute::kRemote ? std::string(" route=remote")
                                            : " ticket=" + std::to_string(c.ticket_id)) +
             " outcome=" + r.outcome + (supervisor.empty() ? "" : " supervisor=" + supervisor) +
             (r.detail.empty() ? "" : " " + r.detail);
  return tx.audit().AppendAudit(a);
}

namespace {

constexpr size_t kMinReasonLength = 3;    // characters
constexpr size_t kMaxReasonLength = 500;  // characters

// Free text a person wrote (a reason): required, 3 to 500 characters (not
// bytes: "да" is two), one line. Adds a violation to `bad` when it is not.
std::string ReasonText(const std::string& reason, std::vector<FieldViolation>& bad) {
  std::string r;
  for (char ch : reason) r += (ch == '\n' || ch == '\r' || ch == '\t') ? ' ' : ch;
  while (!r.empty() && r.back() == ' ') r.pop_back();
  while (!r.empty() && r.front() == ' ') r.erase(r.begin());
  const auto characters = DecodeUtf8(r);
  if (r.empty())
    bad.push_back({"reason", "is required: say why, in a few words"});
  else if (!characters)
    bad.push_back({"reason", "is not valid UTF-8 text"});
  else if (characters->size() < kMinReasonLength)
    bad.push_back({"reason", "is too short: say why in a few words (at least " +
                                 std::to_string(kMinReasonLength) + " characters)"});
  else if (characters->size() > kMaxReasonLength)
    bad.push_back({"reason", "is longer than " + std::to_string(kMaxReasonLength) +
                                 " characters"});
  return r;
}

void CheckConfirmInput(const SupervisorConfirm& sup, std::vector<FieldViolation>& bad) {
  if (sup.login.empty()) bad.push_back({"supervisor.login", "a supervisor's login is required"});
  if (sup.password.empty())
    bad.push_back({"supervisor.password", "the supervisor's password is required"});
}

Status AllFields(std::vector<FieldViolation> bad) {
  return bad.empty() ? Status::Ok() : Status::InvalidFields(std::move(bad));
}

std::string Hint(const SimCase& c, const std::string& question) {
  switch (c.state) {
    case CaseState::kAwaitingForm:
      return "fill in the form: phone, operator, reason, full name, document type and number, "
             "contact, and the customer's consent";
    case CaseState::kAwaitingIdentity:
      return "check the document against the holder, confirm the face matches the photo, and "
             "ask: " + question;
    case CaseState::kAwaitingPayment:
      return "take the fee of " + std::to_string(c.fee_roubles) +
             " roubles in cash or by card (or a supervisor waives it)";
    case CaseState::kAwaitingCard:
      return "scan a blank " + (c.form ? c.form->operator_id : std::string()) +
             " card from this branch's stock";
    case CaseState::kAwaitingBlock:
      return "activate the new card and block the old one";
    case CaseState::kAwaitingClose:
      return "print the summary for the customer and close the case";
    case CaseState::kAwaitingReview:
    case CaseState::kAwaitingDispatch:
    case CaseState::kAwaitingActivation:
    case CaseState::kAwaitingPickup:  // the remote route's: RemoteManager
    case CaseState::kClosed:
    case CaseState::kCancelled:
      return "";
  }
  return "";
}

// A case can be cancelled before card issue only: afterwards the new card is
// bound to the number and the case must reach its end at the counter.
constexpr std::initializer_list<CaseState> kCancellable = {
    CaseState::kAwaitingForm, CaseState::kAwaitingIdentity, CaseState::kAwaitingPayment,
    CaseState::kAwaitingCard};
constexpr const char* kCancelRefusal = "only a case before card issue can be cancelled";

bool Cancellable(CaseState s) {
  for (CaseState c : kCancellable)
    if (c == s) return true;
  return false;
}

// Cancels `c` (the caller stores it): a refund record first when the fee
// was paid, then the cancel record, both by `actor`.
Status CancelInTx(WriteTx& tx, SimCase& c, absl::Time now, const std::string& actor,
                  const std::string& reason, const std::string& supervisor) {
  if (FeeTaken(c)) {
    c.refunded = true;
    QUEUE_RETURN_IF_ERROR(AppendCaseStep(tx, c, now, actor, "refund", "refunded",
                                    "amount=" + std::to_string(c.fee_roubles) +
                                        " receipt=" + c.receipt_number,
                                    supervisor));
  }
  c.state = CaseState::kCancelled;
  c.finished = now;
  return AppendCaseStep(tx, c, now, actor, "cancel", "cancelled", "reason=" + reason, supervisor);
}

// The refusal for a number under the identity lock, with its end in the
// branch's local time.
Status LockedNumber(const std::string& phone, absl::Time until, const BranchConfig& b) {
  return Status::FailedPrecondition("number " + MaskPhone(phone) +
                                    " is locked for SIM change after failed identity checks, "
                                    "until " + ShortTime(until, b.time_zone) +
                                    "; only a supervisor can unlock it earlier");
}

}  // namespace

CaseManager::CaseManager(const ServerConfig& config, Store& store, const Clock& clock,
                         const PiiHasher& hasher, AuthManager& auth)
    : config_(config), store_(store), clock_(clock), hasher_(hasher), auth_(auth) {}

Result<int64_t> CaseManager::OpenInTx(WriteTx& tx, const Ticket& t, const std::string& actor,
                                      absl::Time now) {
  SimCase c;
  c.branch_id = t.branch_id;
  c.ticket_id = t.id;
  c.counter_id = t.counter_id;
  c.opened_by = actor;
  c.opened = now;
  c.state = CaseState::kAwaitingForm;
  QUEUE_RETURN_IF_ERROR(tx.cases().InsertCase(c));
  QUEUE_RETURN_IF_ERROR(AppendCaseStep(tx, c, now, actor, "open", "opened",
                                  "ticket=" + t.DisplayNumber() + " counter=" + t.counter_id));
  return c.case_id;
}

Status CaseManager::CancelForExpiredTicketInTx(WriteTx& tx, const Ticket& t, absl::Time now) {
  auto found = tx.cases().CaseOfTicket(t.branch_id, t.id);
  if (!found.ok()) return found.status();
  // Parking is refused once a card is issued, so an open case here can be
  // cancelled; one that cannot is left for the counter.
  if (!found->has_value() || !Cancellable((*found)->state)) return Status::Ok();
  SimCase c = **found;
  const CaseState before = c.state;
  QUEUE_RETURN_IF_ERROR(CancelInTx(tx, c, now, "system:expiry",
                                   "ticket " + t.DisplayNumber() + " expired at closing", ""));
  return tx.cases().UpdateCase(c, before);
}

Result<CaseView> CaseManager::ViewOf(ReadTx& tx, const SimCase& c) {
  CaseView v;
  v.c = c;
  auto records = tx.cases().CaseRecords(c.case_id);
  if (!records.ok()) return records.status();
  v.records = std::move(records).value();
  if (c.state == CaseState::kAwaitingIdentity && c.question) v.question = QuestionText(*c.question);
  // The register's data only once the identity check has passed.
  if (c.identity_passed && c.form && !c.erased && !CaseFinished(c.state)) {
    auto sub = tx.cases().GetSubscriber(c.form->phone);
    if (!sub.ok()) return sub.status();
    if (sub->has_value()) {
      const Subscriber& s = **sub;
      v.account = AccountView{MaskName(s.holder_name), s.operator_id, LastFour(s.active_iccid),
                              s.last_sim_change};
    }
  }
  if (!CaseFinished(c.state)) v.next_step = StepName(c.state);
  v.hint = Hint(c, v.question);
  if (CaseFinished(c.state)) {
    // The summary is printed in the language chosen at the kiosk.
    auto ticket = tx.tickets().GetTicket(c.branch_id, c.ticket_id);
    if (!ticket.ok()) return ticket.status();
    if (ticket->has_value()) v.customer_language = (*ticket)->language;
  }
  return v;
}

Result<CaseView> CaseManager::Read(const std::string& branch_id, const Principal& who,
                                   const std::function<Result<SimCase>(ReadTx&)>& find) {
  if (!config_.FindBranch(branch_id))
    return Status::InvalidArgument("branch_id", "no branch " + Quoted(branch_id));
  CaseView out;
  QUEUE_RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    auto c = find(tx);
    if (!c.ok()) return c.status();
    // Reading a case needs the same right as acting on it.
    QUEUE_RETURN_IF_ERROR(CheckCounterOwner(tx, branch_id, c->counter_id, &who));
    auto v = ViewOf(tx, *c);
    if (!v.ok()) return v.status();
    out = std::move(v).value();
    return Status::Ok();
  }));
  return out;
}

Result<CaseView> CaseManager::Get(const std::string& branch_id, int64_t case_id,
                                  const Principal& who) {
  if (case_id <= 0) return Status::InvalidArgument("case_id", "case_id must be positive");
  return Read(branch_id, who, [&](ReadTx& tx) -> Result<SimCase> {
    auto c = tx.cases().GetCase(branch_id, case_id);
    if (!c.ok()) return c.status();
    if (!c->has_value())
      return Status::NotFound("case " + std::to_string(case_id) + " does not exist in branch " +
                              branch_id);
    return **c;
  });
}

Result<CaseView> CaseManager::GetByTicket(const std::string& branch_id, int64_t ticket_id,
                                          const Principal& who) {
  if (ticket_id <= 0) return Status::InvalidArgument("ticket_id", "ticket_id must be positive");
  return Read(branch_id, who, [&](ReadTx& tx) -> Result<SimCase> {
    auto c = tx.cases().CaseOfTicket(branch_id, ticket_id);
    if (!c.ok()) return c.status();
    if (!c->has_value())
      return Status::NotFound("ticket " + std::to_string(ticket_id) + " has no case");
    return **c;
  });
}

Result<CaseView> CaseManager::Open(const std::string& branch_id, const std::string& counter_id,
                                   int64_t ticket_id, const Principal& who) {
  const BranchConfig* b = config_.FindBranch(branch_id);
  if (!b) return Status::InvalidArgument("branch_id", "no branch " + Quoted(branch_id));
  if (!b->FindCounter(counter_id))
    return Status::InvalidArgument("counter_id", "no counter " + Quoted(counter_id) + " in branch " +
                                                     branch_id);
  if (ticket_id <= 0) return Status::InvalidArgument("ticket_id", "ticket_id must be positive");
  absl::Time now = clock_.Now();
  CaseView out;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    QUEUE_RETURN_IF_ERROR(CheckCounterOwner(tx, branch_id, counter_id, &who));
    auto t = LoadTicket(tx, branch_id, ticket_id);
    if (!t.ok()) return t.status();
    if (t->state != TicketState::kServing || t->counter_id != counter_id)
      return Status::FailedPrecondition("ticket " + t->DisplayNumber() +
                                        " is not being served at counter " + counter_id +
                                        "; start serving it first");
    auto existing = tx.cases().CaseOfTicket(branch_id, ticket_id);
    if (!existing.ok()) return existing.status();
    SimCase c;
    if (existing->has_value()) {
      c = **existing;  // opening twice returns the same case
    } else {
      auto id = OpenInTx(tx, *t, ActorName(&who), now);
      if (!id.ok()) return id.status();
      auto fresh = tx.cases().GetCase(branch_id, *id);
      if (!fresh.ok()) return fresh.status();
      c = **fresh;
    }
    auto v = ViewOf(tx, c);
    if (!v.ok()) return v.status();
    out = std::move(v).value();
    return Status::Ok();
  }));
  return out;
}

Result<CaseView> CaseManager::Step(
    const std::string& branch_id, int64_t case_id, const Principal& who,
    std::initializer_list<CaseState> steps,
    const std::function<Status(WriteTx&, SimCase&, absl::Time)>& fn, const std::string& refusal) {
  if (!config_.FindBranch(branch_id))
    return Status::InvalidArgument("branch_id", "no branch " + Quoted(branch_id));
  if (case_id <= 0) return Status::InvalidArgument("case_id", "case_id must be positive");
  absl::Time now = clock_.Now();
  CaseView out;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto found = tx.cases().GetCase(branch_id, case_id);
    if (!found.ok()) return found.status();
    if (!found->has_value())
      return Status::NotFound("case " + std::to_string(case_id) + " does not exist in branch " +
                              branch_id);
    SimCase c = **found;
    QUEUE_RETURN_IF_ERROR(CheckCounterOwner(tx, branch_id, c.counter_id, &who));
    bool allowed = false;
    for (CaseState s : steps) allowed |= c.state == s;
    if (!allowed && steps.size() == 1) return RequireStep(c, *steps.begin());
    if (!allowed)
      return Status::FailedPrecondition("case " + std::to_string(case_id) + " is " +
                                        CaseStateName(c.state) + "; " + refusal);
    CaseState before = c.state;
    QUEUE_RETURN_IF_ERROR(fn(tx, c, now));
    QUEUE_RETURN_IF_ERROR(tx.cases().UpdateCase(c, before));
    auto v = ViewOf(tx, c);
    if (!v.ok()) return v.status();
    out = std::move(v).value();
    return Status::Ok();
  }));
  return out;
}

void CaseManager::AuditRefusal(const SimCase* c, const Principal& who, const std::string& why) {
  AuditRecord a;
  a.time = clock_.Now();
  a.actor = ActorName(&who);
  a.action = "case.refused";
  a.subject = c ? CaseSubject(c->case_id) : "case:?";
  a.detail = why;
  // Best effort: the refusal stands whether or not the note is written.
  (void)store_.Write([&](WriteTx& tx) { return tx.audit().AppendAudit(a); });
}

Result<CaseView> CaseManager::SubmitForm(const std::string& branch_id, int64_t case_id,
                                         const CaseFormInput& in, const Principal& who) {
  auto form = ValidateCaseForm(in, hasher_, [&](const std::string& op) {
    return config_.fees.count(op) > 0;
  });
  if (!form.ok()) return form.status();
  auto fee = config_.Fee(form->operator_id, ReasonName(form->reason));
  if (!fee)
    return Status::InvalidArgument("reason", "the fee table has no fee for " + form->operator_id +
                                                 " / " + ReasonName(form->reason));
  const BranchConfig* b = config_.FindBranch(branch_id);  // Step checks it is there
  std::string refusal;
  auto v = Step(branch_id, case_id, who, {CaseState::kAwaitingForm},
                [&](WriteTx& tx, SimCase& c, absl::Time now) -> Status {
    auto sub = tx.cases().GetSubscriber(form->phone);
    if (!sub.ok()) return sub.status();
    if (!sub->has_value())
      return Status::NotFound("number " + MaskPhone(form->phone) +
                              " is not in the operator register");
    const Subscriber& s = **sub;
    if (s.operator_id != form->operator_id)
      return Status::InvalidFields({{"operator_id", "number " + MaskPhone(form->phone) +
                                                        " is not served by " +
                                                        form->operator_id}});
    // One open case per number, in any branch: two cases racing to the swap
    // would leave the first customer's new card blocked by the second.
    auto other = tx.cases().OpenCaseOfPhone(form->phone, c.case_id);
    if (!other.ok()) return other.status();
    if (other->has_value()) {
      const SimCase& o = **other;
      const bool online = o.route == CaseRoute::kRemote;
      refusal = "open_case_elsewhere other_case=" + std::to_string(o.case_id) +
                " other_branch=" + o.branch_id +
                (online ? std::string(" other_route=remote") : " other_counter=" + o.counter_id);
      const std::string where =
          online ? "an online application, case " + std::to_string(o.case_id)
                 : "case " + std::to_string(o.case_id) + " at branch " + o.branch_id +
                       ", counter " + o.counter_id;
      return Status::FailedPrecondition(
          "number " + MaskPhone(form->phone) + " already has an open SIM-replacement case (" +
          where + ", waiting for " + StepName(o.state) +
          "); a number has one case at a time: that case must be closed or cancelled first");
    }
    if (s.no_sim_change) {
      refusal = "no_sim_change_lock";
      return Status::FailedPrecondition(
          "the subscriber has forbidden SIM changes on this number (their own \"no SIM "
          "change\" lock); the case cannot go on: cancel it and send the customer to the "
          "operator");
    }
    auto attempts = tx.cases().GetIdentityAttempts(form->phone);
    if (!attempts.ok()) return attempts.status();
    if (attempts->Locked(now)) {
      refusal = "identity_lock";
      return LockedNumber(form->phone, attempts->locked_until, *b);
    }
    auto question = PickQuestion(s, QuestionPick());
    if (!question)
      return Status::FailedPrecondition(
          "the register has no recent top-ups or calls for this number, so no knowledge "
          "question can be asked; the replacement must go through the operator");
    c.form = *form;
    c.question = question;
    c.fee_roubles = *fee;
    c.state = CaseState::kAwaitingIdentity;
    return AppendCaseStep(tx, c, now, ActorName(&who), "form", "accepted",
                     std::string("operator=") + form->operator_id + " reason=" +
                         ReasonName(form->reason) + " document=" +
                         DocumentTypeName(form->document_type) + " " +
                         MaskDocument(form->document_last4) +
                         " fee=" + std::to_string(*fee));
  });
  if (!v.ok() && !refusal.empty()) AuditRefusal(nullptr, who, "case=" + std::to_string(case_id) +
                                                              " step=form why=" + refusal);
  return v;
}

Result<IdentityOutcome> CaseManager::CheckIdentity(const std::string& branch_id, int64_t case_id,
                                                   const IdentityInput& in,
                                                   const Principal& who) {
  std::vector<FieldViolation> bad;
  auto type = ParseDocumentType(in.document_type);
  std::optional<std::string> number;
  if (!type) {
    bad.push_back({"document_type", "document_type must be ru_passport, foreign_passport or "
                                    "residence_permit"});
  } else {
    number = NormalizeDocumentNumber(*type, in.document_number);
    if (!number)
      bad.push_back({"document_number", std::string("expected ") + DocumentFormatHint(*type)});
  }
  if (in.answer.empty())
    bad.push_back({"answer", "the customer's answer to the question is required"});
  if (!bad.empty()) return Status::InvalidFields(std::move(bad));
  const std::string doc_hash = hasher_.Hash("document", *number);
  const BranchConfig* b = config_.FindBranch(branch_id);  // Step checks it is there

  IdentityOutcome outcome;
  auto v = Step(branch_id, case_id, who, {CaseState::kAwaitingIdentity},
                [&](WriteTx& tx, SimCase& c, absl::Time now) -> Status {
    if (!c.form || !c.question) return Status::Internal("case waits for identity without a form");
    auto attempts = tx.cases().GetIdentityAttempts(c.form->phone);
    if (!attempts.ok()) return attempts.status();
    IdentityAttempts a = *attempts;
    if (a.Locked(now)) return LockedNumber(c.form->phone, a.locked_until, *b);
    auto sub = tx.cases().GetSubscriber(c.form->phone);
    if (!sub.ok()) return sub.status();
    if (!sub->has_value()) return Status::NotFound("the number left the operator register");
    const Subscriber& s = **sub;
    // The document shown now must be the holder's and the one on the form.
    bool document_ok = *type == s.document_type && doc_hash == s.document_hash &&
                       doc_hash == c.form->document_hash;
    bool answer_ok = AnswerMatches(*c.question, s, in.answer);
    std::string detail = std::string("document=") + (document_ok ? "match" : "mismatch") +
                         " face=" + (in.face_matches ? "confirmed" : "not_confirmed") +
                         " answer=" + (answer_ok ? "right" : "wrong");
    if (document_ok && in.face_matches && answer_ok) {
      c.identity_passed = true;
      c.state = CaseState::kAwaitingPayment;
      outcome.passed = true;
      QUEUE_RETURN_IF_ERROR(AppendCaseStep(tx, c, now, ActorName(&who), "identity", "passed", detail));
      if (c.fee_roubles != 0) return Status::Ok();
      // Nothing to pay: the fee is settled here, with its own record, so the
      // records still show a settled fee before any card.
      c.payment = PaymentMethod::kNoFee;
      c.state = CaseState::kAwaitingCard;
      return AppendCaseStep(tx, c, now, "system:fee", "payment", "settled", "no fee, amount=0");
    }
    outcome.locked = a.RecordFailure(now);
    outcome.attempts_left =
        outcome.locked ? 0 : IdentityAttempts::kMaxFailures - static_cast<int>(a.failures.size());
    QUEUE_RETURN_IF_ERROR(tx.cases().SaveIdentityAttempts(c.form->phone, a));
    // Another question next time, so answers cannot be guessed one by one.
    if (auto q = PickQuestion(s, QuestionPick())) c.question = q;
    QUEUE_RETURN_IF_ERROR(AppendCaseStep(tx, c, now, ActorName(&who), "identity", "failed",
                                    detail + " attempts_left=" +
                                        std::to_string(outcome.attempts_left)));
    if (outcome.locked)
      QUEUE_RETURN_IF_ERROR(AppendCaseStep(tx, c, now, "system:identity", "lock", "locked",
                                      "number locked for SIM change for 24h after " +
                                          std::to_string(IdentityAttempts::kMaxFailures) +
                                          " failed checks"));
    return Status::Ok();
  });
  if (!v.ok()) return v.status();
  outcome.view = std::move(v).value();
  return outcome;
}

Result<CaseView> CaseManager::Pay(const std::string& branch_id, int64_t case_id,
                                  const PaymentInput& in, const Principal& who) {
  PaymentMethod method;
  if (in.method == "cash") method = PaymentMethod::kCash;
  else if (in.method == "card") method = PaymentMethod::kCard;
  else return Status::InvalidArgument("method", "method must be cash or card");
  const BranchConfig* b = config_.FindBranch(branch_id);
  return Step(branch_id, case_id, who, {CaseState::kAwaitingPayment},
              [&](WriteTx& tx, SimCase& c, absl::Time now) -> Status {
    if (!c.identity_passed) return Status::Internal("payment before a passed identity check");
    int year = static_cast<int>(absl::ToCivilYear(now, b->time_zone).year());
    auto n = tx.cases().NextReceiptNumber(branch_id, year);
    if (!n.ok()) return n.status();
    char buf[32];
    std::snprintf(buf, sizeof buf, "-%d-%06lld", year, static_cast<long long>(*n));
    c.receipt_number = branch_id + buf;
    c.payment = method;
    c.state = CaseState::kAwaitingCard;
    return AppendCaseStep(tx, c, now, ActorName(&who), "payment", "paid",
                     std::string("method=") + PaymentMethodName(method) +
                         " amount=" + std::to_string(c.fee_roubles) +
                         " receipt=" + c.receipt_number);
  });
}

Result<CaseView> CaseManager::Waive(const std::string& branch_id, int64_t case_id,
                                    const std::string& reason, const SupervisorConfirm& sup,
                                    const Principal& who) {
  std::vector<FieldViolation> bad;
  const std::string why = ReasonText(reason, bad);
  CheckConfirmInput(sup, bad);
  QUEUE_RETURN_IF_ERROR(AllFields(std::move(bad)));
  auto supervisor = auth_.ConfirmSupervisor(sup.login, sup.password, who);
  if (!supervisor.ok()) return supervisor.status();
  return Step(branch_id, case_id, who, {CaseState::kAwaitingPayment},
              [&](WriteTx& tx, SimCase& c, absl::Time now) -> Status {
    if (!c.identity_passed) return Status::Internal("waiver before a passed identity check");
    c.payment = PaymentMethod::kWaived;
    c.state = CaseState::kAwaitingCard;
    return AppendCaseStep(tx, c, now, ActorName(&who), "payment", "waived",
                     "amount=" + std::to_string(c.fee_roubles) + " reason=" + why,
                     ActorName(&*supervisor));
  });
}

Result<CaseView> CaseManager::IssueCard(const std::string& branch_id, int64_t case_id,
                                        const std::string& typed_iccid, const Principal& who) {
  const std::string iccid = NormalizeIccid(typed_iccid);  // "8970 1020 ..." as printed
  QUEUE_RETURN_IF_ERROR(ValidateIccid(iccid, "iccid"));
  return Step(branch_id, case_id, who, {CaseState::kAwaitingCard},
              [&](WriteTx& tx, SimCase& c, absl::Time now) -> Status {
    // The rule that matters most, checked here again in the same
    // transaction whatever the state says.
    if (!c.identity_passed || !FeeSettled(c) || !c.form)
      return Status::FailedPrecondition(
          "a card is issued only after a passed identity check and a settled fee (paid, waived, "
          "or no fee)");
    auto card = tx.cases().GetStockCard(iccid);
    if (!card.ok()) return card.status();
    if (!card->has_value())
      return Status::NotFound("card " + iccid + " is not in any branch's stock");
    const StockCard& k = **card;
    if (k.branch_id != branch_id)
      return Status::FailedPrecondition("card " + iccid + " belongs to branch " + k.branch_id +
                                        "'s stock, not " + branch_id + "'s");
    if (k.operator_id != c.form->operator_id)
      return Status::FailedPrecondition("card " + iccid + " is a " + k.operator_id +
                                        " card; this number is with " + c.form->operator_id);
    if (k.state != StockState::kInStock)
      return Status::FailedPrecondition("card " + iccid + " was already issued (case " +
                                        std::to_string(k.case_id) + "); take another blank card");
    auto used = tx.cases().CardState(iccid);
    if (!used.ok()) return used.status();
    if (!used->empty())
      return Status::FailedPrecondition("card " + iccid + " is already known to the register (" +
                                        *used + "); take another blank card");
    QUEUE_RETURN_IF_ERROR(tx.cases().IssueStockCard(iccid, c.case_id));
    c.new_iccid = iccid;
    c.state = CaseState::kAwaitingBlock;
    return AppendCaseStep(tx, c, now, ActorName(&who), "card", "issued", "iccid=" + iccid);
  });
}

Result<CaseView> CaseManager::BlockOldCard(const std::string& branch_id, int64_t case_id,
                                           const Principal& who) {
  const BranchConfig* b = config_.FindBranch(branch_id);
  return Step(branch_id, case_id, who, {CaseState::kAwaitingBlock},
              [&](WriteTx& tx, SimCase& c, absl::Time now) -> Status {
    if (!c.identity_passed || !FeeSettled(c) || !c.form || c.new_iccid.empty())
      return Status::FailedPrecondition("the old card is blocked only after a new card is issued");
    auto sub = tx.cases().GetSubscriber(c.form->phone);
    if (!sub.ok()) return sub.status();
    if (!sub->has_value()) return Status::NotFound("the number left the operator register");
    c.old_iccid = (*sub)->active_iccid;
    // The language the customer chose at the kiosk, for the notice's
    // second half.
    auto ticket = LoadTicket(tx, branch_id, c.ticket_id);
    if (!ticket.ok()) return ticket.status();
    // One transaction: the new card works exactly when the old one stops.
    QUEUE_RETURN_IF_ERROR(tx.cases().SwapActiveCard(c.form->phone, c.old_iccid, c.new_iccid, now));
    const std::string text =
        SimChangeNotice(config_.templates, ticket->language,
                        {MaskPhone(c.form->phone), b->display_name,
                         ShortTime(now, b->time_zone), c.case_id});
    OutboxMessage to_number{0, now, "sms", c.form->phone, text, CaseSubject(c.case_id)};
    to_number.language = static_cast<int>(ticket->language);
    QUEUE_RETURN_IF_ERROR(tx.outbox().EnqueueMessage(to_number));
    if (!c.form->contact.empty() && c.form->contact != c.form->phone) {
      bool email = c.form->contact.find('@') != std::string::npos;
      OutboxMessage to_contact{0, now, email ? "email" : "sms", c.form->contact, text,
                               CaseSubject(c.case_id)};
      to_contact.language = static_cast<int>(ticket->language);
      QUEUE_RETURN_IF_ERROR(tx.outbox().EnqueueMessage(to_contact));
    }
    c.state = CaseState::kAwaitingClose;
    return AppendCaseStep(tx, c, now, ActorName(&who), "block", "done",
                     "old_card=" + (c.old_iccid.empty() ? std::string("none")
                                                        : "*" + LastFour(c.old_iccid)) +
                         " new_card=*" + LastFour(c.new_iccid) + " notices_queued");
  });
}

Result<CaseView> CaseManager::Close(const std::string& branch_id, int64_t case_id,
                                    const Principal& who) {
  return Step(branch_id, case_id, who, {CaseState::kAwaitingClose},
              [&](WriteTx& tx, SimCase& c, absl::Time now) -> Status {
    auto t = LoadTicket(tx, branch_id, c.ticket_id);
    if (!t.ok()) return t.status();
    Ticket ticket = *t;
    TicketState before = ticket.state;
    Status done = CompleteTicket(ticket, c.counter_id, now);
    if (!done.ok())
      return Status::FailedPrecondition("ticket " + ticket.DisplayNumber() +
                                        " is not being served at counter " + c.counter_id +
                                        " (" + StateName(ticket.state) +
                                        "); return it to the counter first");
    QUEUE_RETURN_IF_ERROR(tx.tickets().UpdateTicket(ticket, before));
    QUEUE_RETURN_IF_ERROR(RecordTicketEvent(
        tx, EventFor(ticket, "complete", before, now, &who, CaseSubject(c.case_id))));
    c.state = CaseState::kClosed;
    c.finished = now;
    return AppendCaseStep(tx, c, now, ActorName(&who), "close", "closed",
                     "ticket=" + ticket.DisplayNumber() + " done");
  });
}

Result<CaseView> CaseManager::Cancel(const std::string& branch_id, int64_t case_id,
                                     const std::string& reason,
                                     const std::optional<SupervisorConfirm>& sup,
                                     const Principal& who) {
  std::vector<FieldViolation> bad;
  const std::string why = ReasonText(reason, bad);
  if (sup) CheckConfirmInput(*sup, bad);
  QUEUE_RETURN_IF_ERROR(AllFields(std::move(bad)));
  // Whether a supervisor is needed depends on the case; look before asking
  // for a password, and check again inside the transaction. A case that can
  // no longer be cancelled says so first: nobody should fetch a supervisor
  // (or spend a password attempt) to hear it.
  auto current = Get(branch_id, case_id, who);
  if (!current.ok()) return current.status();
  if (!Cancellable(current->c.state))
    return Status::FailedPrecondition("case " + std::to_string(case_id) + " is " +
                                      CaseStateName(current->c.state) + "; " + kCancelRefusal);
  std::optional<Principal> supervisor;
  if (FeeTaken(current->c)) {
    if (!sup)
      return Status::PermissionDenied(
          "the fee was paid: cancelling needs a supervisor's confirmation "
          "(supervisor.login and supervisor.password) and records a refund");
    auto s = auth_.ConfirmSupervisor(sup->login, sup->password, who);
    if (!s.ok()) return s.status();
    supervisor = *s;
  }
  return Step(branch_id, case_id, who, kCancellable,
              [&](WriteTx& tx, SimCase& c, absl::Time now) -> Status {
    if (FeeTaken(c) && !supervisor)
      return Status::Aborted("the case was paid meanwhile; try again");
    return CancelInTx(tx, c, now, ActorName(&who), why,
                      supervisor ? ActorName(&*supervisor) : "");
  }, kCancelRefusal);
}

Status CaseManager::Unlock(const std::string& phone, const std::string& reason,
                           const SupervisorConfirm& sup, const Principal& who) {
  std::vector<FieldViolation> bad;
  auto number = NormalizeRuMobile(phone);
  if (!number) bad.push_back({"phone", "is not a Russian mobile number (+7 9XX XXX-XX-XX)"});
  const std::string why = ReasonText(reason, bad);
  CheckConfirmInput(sup, bad);
  QUEUE_RETURN_IF_ERROR(AllFields(std::move(bad)));
  auto supervisor = auth_.ConfirmSupervisor(sup.login, sup.password, who);
  if (!supervisor.ok()) return supervisor.status();
  absl::Time now = clock_.Now();
  return store_.Write([&](WriteTx& tx) -> Status {
    auto a = tx.cases().GetIdentityAttempts(*number);
    if (!a.ok()) return a.status();
    IdentityAttempts attempts = *a;
    if (!attempts.Locked(now) && attempts.failures.empty())
      return Status::FailedPrecondition("number " + MaskPhone(*number) +
                                        " is not locked and has no failed checks");
    attempts.Unlock();
    QUEUE_RETURN_IF_ERROR(tx.cases().SaveIdentityAttempts(*number, attempts));
    AuditRecord r;
    r.time = now;
    r.actor = ActorName(&who);
    r.action = "sim.unlock";
    // The subject is the number's keyed hash: the log names no phone number.
    r.subject = "phone:" + hasher_.Hash("phone", *number).substr(0, 16);
    r.detail = "supervisor=" + ActorName(&*supervisor) + " number=" + MaskPhone(*number) +
               " reason=" + why;
    return tx.audit().AppendAudit(r);
  });
}

Result<int> CaseManager::ForgetSpentIdentityAttempts() {
  const absl::Time now = clock_.Now();
  int forgotten = 0;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    forgotten = 0;
    auto all = tx.cases().ListIdentityAttempts();
    if (!all.ok()) return all.status();
    for (const auto& [phone, attempts] : *all) {
      if (!attempts.Spent(now)) continue;
      QUEUE_RETURN_IF_ERROR(tx.cases().SaveIdentityAttempts(phone, IdentityAttempts{}));
      ++forgotten;
    }
    return Status::Ok();
  }));
  return forgotten;
}

Result<int> CaseManager::EraseExpired() {
  absl::Time now = clock_.Now();
  int erased = 0;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto n = tx.cases().EraseFinishedCases(now - config_.privacy.retention, 500);
    if (!n.ok()) return n.status();
    erased = *n;
    if (erased == 0) return Status::Ok();
    AuditRecord r;
    r.time = now;
    r.actor = "system:retention";
    r.action = "case.erase";
    r.subject = "cases";
    r.detail = "erased_personal_data_of=" + std::to_string(erased) + " finished_before=" +
               absl::FormatTime("%Y-%m-%d", now - config_.privacy.retention, absl::UTCTimeZone());
    return tx.audit().AppendAudit(r);
  }));
  return erased;
}

namespace {

// The summary's words in one language.
struct SummaryWords {
  const char* title;       // "SIM card replacement, case "
  const char* opened;
  const char* closed;
  const char* cancelled;
  const char* number;
  const char* reason;
  const char* customer;
  const char* fee;
  const char* no_fee;      // the whole "fee: none" line
  const char* roubles;
  const char* waived;
  const char* paid_cash;
  const char* paid_card;
  const char* receipt;
  const char* refunded;    // the whole line
  const char* new_card;
  const char* done_lines;  // the closing lines
  const char* reasons[4];  // lost, stolen, damaged, format change
  const char* documents[3];  // passport, foreign passport, residence permit
};

constexpr SummaryWords kSummaryRu = {
    "Замена SIM-карты, заявка ", "Открыта: ", "Закрыта: ", "Отменена: ", "Номер: ",
    "Причина: ", "Клиент: ", "Плата: ", "Плата: нет\n", " руб.", "отменена руководителем",
    "оплачено наличными", "оплачено картой", "чек ", "Деньги возвращены.\n", "Новая карта: ",
    "Старая карта заблокирована; номер работает на новой карте.\n"
    "Если вы этого не просили, сразу позвоните оператору.\n",
    {"утеряна", "украдена", "повреждена", "другой формат"},
    {"паспорт РФ", "загранпаспорт", "вид на жительство"}};
constexpr SummaryWords kSummaryEn = {
    "SIM card replacement, case ", "Opened: ", "Closed: ", "Cancelled: ", "Number: ",
    "Reason: ", "Customer: ", "Fee: ", "Fee: none\n", " roubles", "waived",
    "paid by cash", "paid by card", "receipt ", "Refunded.\n", "New card: ",
    "The old card is blocked; the number works on the new card.\n"
    "If you did not ask for this, call your operator at once.\n",
    {"lost", "stolen", "damaged", "format change"},
    {"Russian passport", "international passport", "residence permit"}};
constexpr SummaryWords kSummaryZh = {
    "补办SIM卡，案件 ", "开始：", "完成：", "取消：", "号码：", "原因：", "客户：", "费用：",
    "费用：无\n", " 卢布", "已由主管免除", "现金支付", "刷卡支付", "收据 ", "已退款。\n",
    "新卡：", "旧卡已停用；号码已在新卡上使用。\n如果这不是您本人的申请，请立即致电运营商。\n",
    {"丢失", "被盗", "损坏", "更换规格"},
    {"俄罗斯护照", "国际护照", "居留证"}};

const SummaryWords& WordsFor(Language language) {
  switch (language) {
    case Language::kEn: return kSummaryEn;
    case Language::kZh: return kSummaryZh;
    case Language::kRu: break;
  }
  return kSummaryRu;
}

const char* ReasonWord(const SummaryWords& w, ReplacementReason r) {
  switch (r) {
    case ReplacementReason::kLost: return w.reasons[0];
    case ReplacementReason::kStolen: return w.reasons[1];
    case ReplacementReason::kDamaged: return w.reasons[2];
    case ReplacementReason::kFormatChange: return w.reasons[3];
  }
  return ReasonName(r);
}

const char* DocumentWord(const SummaryWords& w, DocumentType d) {
  switch (d) {
    case DocumentType::kRuPassport: return w.documents[0];
    case DocumentType::kForeignPassport: return w.documents[1];
    case DocumentType::kResidencePermit: return w.documents[2];
  }
  return DocumentTypeName(d);
}

}  // namespace

std::string CaseManager::Summary(const CaseView& v, const BranchConfig& b) {
  const SimCase& c = v.c;
  const SummaryWords& w = WordsFor(v.customer_language);
  std::string s;
  s += b.display_name + "\n";
  s += w.title + std::to_string(c.case_id) + "\n";
  s += w.opened + ShortTime(c.opened, b.time_zone) + "\n";
  if (c.finished != absl::InfinitePast())
    s += std::string(c.state == CaseState::kCancelled ? w.cancelled : w.closed) +
         ShortTime(c.finished, b.time_zone) + "\n";
  if (c.form) {
    s += w.number + MaskPhone(c.form->phone) + " (" + c.form->operator_id + ")\n";
    s += std::string(w.reason) + ReasonWord(w, c.form->reason) + "\n";
    s += w.customer + MaskName(c.form->full_name) + ", " +
         DocumentWord(w, c.form->document_type) + " " + MaskDocument(c.form->document_last4) +
         "\n";
  }
  if (c.payment) {
    if (*c.payment == PaymentMethod::kNoFee) {
      s += w.no_fee;
    } else {
      s += w.fee + std::to_string(c.fee_roubles) + w.roubles + ", ";
      if (*c.payment == PaymentMethod::kWaived)
        s += std::string(w.waived) + "\n";
      else
        s += std::string(*c.payment == PaymentMethod::kCash ? w.paid_cash : w.paid_card) + ", " +
             w.receipt + c.receipt_number + "\n";
    }
    if (c.refunded) s += w.refunded;
  }
  if (!c.new_iccid.empty()) s += w.new_card + c.new_iccid + "\n";
  if (c.state == CaseState::kClosed) s += w.done_lines;
  return s;
}

}  // namespace shop::queue
