#include "server/domain/remote/remote_manager.h"

#include <utility>

#include "server/domain/queue/ticket_history.h"

namespace shop::queue {
namespace {

constexpr const char* kApplicant = "applicant";  // the actor of the public calls
constexpr int kMaxQueue = 200;

// The keyed hash a reference or an activation code is stored and found as.
std::string ReferenceHash(const PiiHasher& h, const std::string& reference) {
  return h.Hash("remote-reference", reference);
}
// 16 bytes for the reference, from the whole application (its request id,
// every field and both photos) under the key: a retry of the very same
// request gets the same reference, and nothing less derives it (see Apply).
std::string ReferenceSeed(const PiiHasher& h, const ApplicationInput& in,
                          const Application& app) {
  std::string all;
  for (const std::string* part :
       {&in.request_id, &app.form.phone, &app.form.operator_id, &app.form.full_name,
        &app.form.document_hash, &in.reason, &in.delivery, &app.pickup_branch_id, &in.language,
        &in.document_photo, &in.selfie_photo}) {
    all += std::to_string(part->size()) + ':';
    all += *part;
  }
  const std::string hex = h.Hash("remote-reference-seed", all);
  auto nibble = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size() && bytes.size() < 16; i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return hex;  // not hex: its own bytes will do
    bytes += static_cast<char>(hi * 16 + lo);
  }
  return bytes;
}
std::string CodeHash(const PiiHasher& h, int64_t case_id, const std::string& code) {
  return h.Hash("remote-activation", std::to_string(case_id) + ":" + code);
}
// Binds a sealed photo to its application and kind.
std::string PhotoAssociated(const std::string& reference_hash, std::string_view kind) {
  return "remote-photo:" + std::string(kind) + ":" + reference_hash;
}

Status HolderLocked() {
  return Status::FailedPrecondition(
      "the holder has forbidden SIM changes on this number: the card is not handed over");
}

bool Reviewer(const Principal& who) {
  return who.role == Role::kReviewer || who.role == Role::kSupervisor ||
         who.role == Role::kAdmin;
}

Status NotReviewer() {
  return Status::PermissionDenied("only a reviewer, supervisor or admin reviews applications");
}

Status NoSuchApplication() {
  return Status::NotFound("no application with this reference");
}

Status NoSuchCase(int64_t case_id) {
  return Status::NotFound("no remote application " + std::to_string(case_id));
}

// The tracking number as printed on the envelope's label: 4..40 Latin
// letters, digits and dashes.
Status ValidateTracking(const std::string& t) {
  if (t.size() < 4 || t.size() > 40)
    return Status::InvalidArgument("tracking_number", "tracking_number must be 4 to 40 characters");
  for (char c : t)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return Status::InvalidArgument("tracking_number",
                                     "tracking_number may hold only Latin letters, digits and "
                                     "dashes");
  return Status::Ok();
}

}  // namespace

RemoteManager::RemoteManager(const ServerConfig& config, Store& store, const Clock& clock,
                             const PiiHasher& hasher, const PhotoSealer& sealer,
                             std::function<std::string(size_t)> random_bytes)
    : config_(config),
      store_(store),
      clock_(clock),
      hasher_(hasher),
      sealer_(sealer),
      random_bytes_(std::move(random_bytes)) {}

const BranchConfig* RemoteManager::DispatchBranch() const {
  if (!config_.remote.dispatch_branch.empty())
    return config_.FindBranch(config_.remote.dispatch_branch);
  return config_.branches.empty() ? nullptr : &config_.branches.front();
}

Result<ApplyResult> RemoteManager::Apply(const ApplicationInput& in) {
  auto app = ValidateApplication(
      in, hasher_,
      [&](const std::string& op) { return config_.fees.count(op) > 0; },
      [&](const std::string& b) { return config_.FindBranch(b) != nullptr; });
  if (!app.ok()) return app.status();
  const BranchConfig* branch = app->delivery == Delivery::kPickup
                                   ? config_.FindBranch(app->pickup_branch_id)
                                   : DispatchBranch();
  if (!branch) return Status::Internal("no branch dispatches remote applications");

  ApplyResult result;
  result.reference = NewApplicationReference(ReferenceSeed(hasher_, in, *app));
  const std::string ref_hash = ReferenceHash(hasher_, result.reference);
  // Sealed before the transaction: the writer does no crypto.
  StoredPhoto document{0, std::string(kDocumentPhoto), app->document_info.type,
                       sealer_.Seal(in.document_photo, PhotoAssociated(ref_hash, kDocumentPhoto))};
  StoredPhoto selfie{0, std::string(kSelfiePhoto), app->selfie_info.type,
                     sealer_.Seal(in.selfie_photo, PhotoAssociated(ref_hash, kSelfiePhoto))};

  std::string refusal;  // for the audit log, when the number is refused
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    refusal.clear();
    const absl::Time now = clock_.Now();
    const CaseForm& form = app->form;
    // A retry of an application already made: the same answer.
    auto earlier = tx.cases().RemoteCaseByReference(ref_hash);
    if (!earlier.ok()) return earlier.status();
    if (earlier->has_value()) {
      result.case_id = (*earlier)->case_id;
      result.expires = (*earlier)->remote->expires;
      return Status::Ok();
    }
    auto sub = tx.cases().GetSubscriber(form.phone);
    if (!sub.ok()) return sub.status();
    if (!sub->has_value() || (*sub)->operator_id != form.operator_id)
      return Status::InvalidArgument("phone", "phone is not a number of this operator");
    const Subscriber& s = **sub;
    // Why a number cannot be replaced online goes to the audit log only:
    // the public answer is one for all, so nobody learns a holder's locks
    // or a replacement under way by applying.
    if (s.no_sim_change) {
      refusal = "no_sim_change_lock";
    } else {
      auto attempts = tx.cases().GetIdentityAttempts(form.phone);
      if (!attempts.ok()) return attempts.status();
      if (attempts->Locked(now)) {
        refusal = "identity_lock";
      } else {
        auto open = tx.cases().OpenCaseOfPhone(form.phone, 0);
        if (!open.ok()) return open.status();
        if (open->has_value()) refusal = "open_case";
      }
    }
    if (!refusal.empty())
      return Status::FailedPrecondition(
          "the card of number " + MaskPhone(form.phone) +
          " cannot be replaced online now: the holder can replace it at any of our shops, with "
          "the document");
    SimCase c;
    c.branch_id = branch->branch_id;
    c.route = CaseRoute::kRemote;
    c.opened_by = kApplicant;
    c.opened = now;
    c.state = CaseState::kAwaitingReview;
    c.form = form;
    RemoteDetails r;
    r.reference_hash = ref_hash;
    r.delivery = app->delivery;
    r.pickup_branch_id = app->pickup_branch_id;
    r.language = app->language;
    r.document_matches =
        form.document_type == s.document_type && form.document_hash == s.document_hash;
    const Risk risk = AssessRisk(s, r.document_matches, now);
    r.risk_score = risk.score;
    r.risk_factors = risk.factors;
    r.expires = now + absl::Hours(24) * config_.remote.application_days;
    c.remote = r;
    QUEUE_RETURN_IF_ERROR(tx.cases().InsertCase(c));
    document.case_id = selfie.case_id = c.case_id;
    QUEUE_RETURN_IF_ERROR(tx.cases().SavePhoto(document));
    QUEUE_RETURN_IF_ERROR(tx.cases().SavePhoto(selfie));
    result.case_id = c.case_id;
    result.expires = r.expires;
    return AppendCaseStep(tx, c, now, kApplicant, "apply", "received",
                          std::string("delivery=") + DeliveryName(r.delivery) +
                              " document=" + (r.document_matches ? "match" : "mismatch") +
                              " risk=" + std::to_string(r.risk_score) +
                              (r.risk_factors.empty() ? "" : " factors=" + r.risk_factors));
  });
  if (!st.ok()) {
    if (!refusal.empty()) {
      // Attempts on protected numbers are a fraud signal worth keeping.
      (void)store_.Write([&](WriteTx& tx) {
        AuditRecord a;
        a.time = clock_.Now();
        a.actor = kApplicant;
        a.action = "case.apply.refused";
        a.subject = "phone:" + MaskPhone(app->form.phone);
        a.detail = "route=remote reason=" + refusal;
        return tx.audit().AppendAudit(a);
      });
    }
    return st;
  }
  return result;
}

Result<SimCase> RemoteManager::FindByReference(ReadTx& tx, const std::string& reference) {
  auto canonical = NormalizeApplicationReference(reference);
  if (!canonical) return NoSuchApplication();
  auto c = tx.cases().RemoteCaseByReference(ReferenceHash(hasher_, *canonical));
  if (!c.ok()) return c.status();
  if (!c->has_value()) return NoSuchApplication();
  return std::move(**c);
}

Result<ApplicationStatus> RemoteManager::StatusIn(ReadTx& tx, const SimCase& c) {
  ApplicationStatus s;
  s.state = CaseStateName(c.state);
  s.branch_id = c.branch_id;
  s.delivery = c.remote->delivery;
  s.pickup_branch_id = c.remote->pickup_branch_id;
  s.phone_masked = c.form && !c.form->phone.empty() ? MaskPhone(c.form->phone) : "";
  s.applied = c.opened;
  s.expires = c.remote->expires;
  auto records = tx.cases().CaseRecords(c.case_id);
  if (!records.ok()) return records.status();
  s.steps = PublicSteps(*records, c.remote->tracking_number);
  if (c.state == CaseState::kAwaitingActivation && c.question)
    s.question = QuestionText(*c.question);
  return s;
}

Result<ApplicationStatus> RemoteManager::Lookup(const std::string& reference) {
  ApplicationStatus out;
  QUEUE_RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    auto c = FindByReference(tx, reference);
    if (!c.ok()) return c.status();
    auto s = StatusIn(tx, *c);
    if (!s.ok()) return s.status();
    out = std::move(s).value();
    return Status::Ok();
  }));
  return out;
}

Result<ApplicationStatus> RemoteManager::Withdraw(const std::string& reference) {
  ApplicationStatus out;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto found = FindByReference(tx, reference);
    if (!found.ok()) return found.status();
    SimCase c = std::move(found).value();
    const CaseState before = c.state;
    if (before != CaseState::kAwaitingReview && before != CaseState::kAwaitingDispatch)
      return Status::FailedPrecondition(
          std::string("the application is ") + CaseStateName(before) +
          ": only one not yet dispatched can be withdrawn");
    const absl::Time now = clock_.Now();
    c.state = CaseState::kCancelled;
    c.finished = now;
    QUEUE_RETURN_IF_ERROR(tx.cases().UpdateCase(c, before));
    QUEUE_RETURN_IF_ERROR(
        AppendCaseStep(tx, c, now, kApplicant, "cancel", "withdrawn", "reason=withdrawn"));
    auto s = StatusIn(tx, c);
    if (!s.ok()) return s.status();
    out = std::move(s).value();
    return Status::Ok();
  }));
  return out;
}

// The card swap at the end of either way of handing over: the new card
// active and the old one blocked in one transaction, the notice to the
// number and to the contact on record (never one typed in the
// application), the case closed.
Status RemoteManager::FinishInTx(WriteTx& tx, SimCase& c, const Subscriber& s,
                                              absl::Time now, const std::string& actor) {
  c.old_iccid = s.active_iccid;
  QUEUE_RETURN_IF_ERROR(tx.cases().SwapActiveCard(c.form->phone, c.old_iccid, c.new_iccid, now));
  c.identity_passed = true;
  const BranchConfig* b = config_.FindBranch(c.branch_id);
  if (!b) return Status::Internal("the case's branch is not configured");
  const Language lang = c.remote->language;
  const std::string text = SimChangeNotice(
      config_.templates, lang,
      {MaskPhone(c.form->phone), b->display_name, ShortTime(now, b->time_zone), c.case_id});
  const std::string subject = CaseSubject(c.case_id);
  OutboxMessage to_number{0, now, "sms", c.form->phone, text, subject};
  to_number.language = static_cast<int>(lang);
  QUEUE_RETURN_IF_ERROR(tx.outbox().EnqueueMessage(to_number));
  if (!s.contact.empty() && s.contact != c.form->phone) {
    const bool email = s.contact.find('@') != std::string::npos;
    OutboxMessage to_contact{0, now, email ? "email" : "sms", s.contact, text, subject};
    to_contact.language = static_cast<int>(lang);
    QUEUE_RETURN_IF_ERROR(tx.outbox().EnqueueMessage(to_contact));
  }
  QUEUE_RETURN_IF_ERROR(AppendCaseStep(
      tx, c, now, actor, "block", "done",
      "old_card=" + (c.old_iccid.empty() ? std::string("none") : "*" + LastFour(c.old_iccid)) +
          " new_card=*" + LastFour(c.new_iccid) + " notices_queued"));
  c.state = CaseState::kClosed;
  c.finished = now;
  return AppendCaseStep(tx, c, now, actor, "close", "closed", "");
}

// One check of the person (the envelope's code, or the document at the
// pickup shop) and the knowledge answer; a failure counts toward the
// number's identity lock, as at the counter.
Result<ActivationOutcome> RemoteManager::CheckAndFinish(
    WriteTx& tx, SimCase& c, CaseState expected, absl::Time now, const std::string& actor,
    const std::string& step, const std::function<std::string(const Subscriber&)>& check_failed,
    const std::string& answer) {
  ActivationOutcome out;
  QUEUE_RETURN_IF_ERROR(RequireStep(c, expected));
  if (RemoteExpired(c, now))
    return Status::FailedPrecondition("the application expired; apply again");
  if (!c.form || !c.question || c.new_iccid.empty())
    return Status::Internal("a dispatched case without its card or question");
  auto attempts = tx.cases().GetIdentityAttempts(c.form->phone);
  if (!attempts.ok()) return attempts.status();
  IdentityAttempts a = *attempts;
  if (a.Locked(now))
    return Status::FailedPrecondition(
        "number " + MaskPhone(c.form->phone) +
        " is locked for SIM change after failed checks; only a supervisor can unlock it earlier");
  auto sub = tx.cases().GetSubscriber(c.form->phone);
  if (!sub.ok()) return sub.status();
  if (!sub->has_value())
    return Status::NotFound("the number left the operator register");
  const Subscriber& s = **sub;
  if (s.no_sim_change) return HolderLocked();
  std::string failed = check_failed(s);
  const bool answer_ok = AnswerMatches(*c.question, s, answer);
  if (failed.empty() && answer_ok) {
    QUEUE_RETURN_IF_ERROR(AppendCaseStep(tx, c, now, actor, step, "passed", ""));
    QUEUE_RETURN_IF_ERROR(FinishInTx(tx, c, s, now, actor));
    QUEUE_RETURN_IF_ERROR(tx.cases().UpdateCase(c, expected));
    out.activated = true;
    out.state = CaseStateName(c.state);
    return out;
  }
  if (!answer_ok) failed += failed.empty() ? "answer=wrong" : " answer=wrong";
  out.locked = a.RecordFailure(now);
  out.attempts_left =
      out.locked ? 0 : IdentityAttempts::kMaxFailures - static_cast<int>(a.failures.size());
  QUEUE_RETURN_IF_ERROR(tx.cases().SaveIdentityAttempts(c.form->phone, a));
  if (auto q = PickQuestion(s, QuestionPick())) c.question = q;
  QUEUE_RETURN_IF_ERROR(AppendCaseStep(tx, c, now, actor, step, "failed",
                                       failed + " attempts_left=" +
                                           std::to_string(out.attempts_left)));
  if (out.locked) {
    QUEUE_RETURN_IF_ERROR(AppendCaseStep(tx, c, now, "system:identity", "lock", "locked",
                                         "number locked for SIM change for 24h after " +
                                             std::to_string(IdentityAttempts::kMaxFailures) +
                                             " failed checks"));
    // No more rounds of guesses after the lock ends: the application is
    // over, and the holder comes to a shop.
    c.state = CaseState::kCancelled;
    c.finished = now;
    QUEUE_RETURN_IF_ERROR(AppendCaseStep(
        tx, c, now, "system:identity", "cancel", "locked",
        "reason=identity_lock card=*" + LastFour(c.new_iccid) + " card_not_to_be_used"));
  }
  QUEUE_RETURN_IF_ERROR(tx.cases().UpdateCase(c, expected));
  out.state = CaseStateName(c.state);
  return out;
}

Result<ActivationOutcome> RemoteManager::Activate(const std::string& reference,
                                                  const std::string& typed_code,
                                                  const std::string& answer) {
  std::vector<FieldViolation> bad;
  auto code = NormalizeActivationCode(typed_code);
  if (!code)
    bad.push_back({"activation_code",
                   "the activation code has 8 letters and digits, as printed in the envelope"});
  if (answer.empty()) bad.push_back({"answer", "the answer to the question is required"});
  if (answer.size() > 100) bad.push_back({"answer", "the answer is longer than 100 characters"});
  if (!bad.empty()) return Status::InvalidFields(std::move(bad));
  ActivationOutcome out;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto found = FindByReference(tx, reference);
    if (!found.ok()) return found.status();
    SimCase c = std::move(found).value();
    auto o = CheckAndFinish(
        tx, c, CaseState::kAwaitingActivation, clock_.Now(), kApplicant, "activation",
        [&](const Subscriber&) -> std::string {
          return CodeHash(hasher_, c.case_id, *code) == c.remote->activation_code_hash
                     ? ""
                     : "code=wrong";
        },
        answer);
    if (!o.ok()) return o.status();
    out = *o;
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ReviewItem>> RemoteManager::ReviewQueue(CaseState state, int limit,
                                                           const Principal& who) {
  if (!Reviewer(who)) return NotReviewer();
  if (state != CaseState::kAwaitingReview && state != CaseState::kAwaitingDispatch &&
      state != CaseState::kAwaitingActivation && state != CaseState::kAwaitingPickup)
    return Status::InvalidArgument("state",
                                   "state must be awaiting_review, awaiting_dispatch, "
                                   "awaiting_activation or awaiting_pickup");
  if (limit <= 0 || limit > kMaxQueue) limit = kMaxQueue;
  std::vector<ReviewItem> out;
  QUEUE_RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    auto cases = tx.cases().RemoteCasesInState(state, "", limit);
    if (!cases.ok()) return cases.status();
    for (const SimCase& c : *cases) {
      if (!c.remote || !c.form) continue;
      ReviewItem i;
      i.case_id = c.case_id;
      i.branch_id = c.branch_id;
      i.applied = c.opened;
      i.phone_masked = MaskPhone(c.form->phone);
      i.operator_id = c.form->operator_id;
      i.reason = ReasonName(c.form->reason);
      i.risk_score = c.remote->risk_score;
      i.risk_factors = c.remote->risk_factors;
      // Only while a second approval is awaited (the records keep who gave it).
      if (c.state == CaseState::kAwaitingReview) i.first_approver = c.remote->first_approver;
      out.push_back(std::move(i));
    }
    return Status::Ok();
  }));
  return out;
}

Result<ReviewView> RemoteManager::ViewIn(ReadTx& tx, const SimCase& c, bool with_photos) {
  ReviewView v;
  v.c = c;
  auto records = tx.cases().CaseRecords(c.case_id);
  if (!records.ok()) return records.status();
  v.records = std::move(records).value();
  auto photos = with_photos ? tx.cases().CasePhotos(c.case_id)
                            : Result<std::vector<StoredPhoto>>(std::vector<StoredPhoto>{});
  if (!photos.ok()) return photos.status();
  for (const StoredPhoto& p : *photos) {
    // A photo that does not open (another key, damage) is shown as such;
    // the reviewer can still reject the application.
    auto plain = sealer_.Open(p.sealed, PhotoAssociated(c.remote->reference_hash, p.kind));
    v.photos.push_back({p.kind, p.type, plain.ok() ? std::move(plain).value() : std::string(),
                        plain.ok()});
  }
  if (c.form && !c.form->phone.empty()) {
    auto sub = tx.cases().GetSubscriber(c.form->phone);
    if (!sub.ok()) return sub.status();
    v.holder = *sub;
    if (v.holder) v.address_on_record = v.holder->address;
  }
  return v;
}

Result<ReviewView> RemoteManager::Get(int64_t case_id, const Principal& who) {
  if (!Reviewer(who)) return NotReviewer();
  ReviewView out;
  QUEUE_RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    auto c = tx.cases().GetRemoteCase(case_id);
    if (!c.ok()) return c.status();
    if (!c->has_value()) return NoSuchCase(case_id);
    auto v = ViewIn(tx, **c, /*with_photos=*/true);
    if (!v.ok()) return v.status();
    out = std::move(v).value();
    return Status::Ok();
  }));
  return out;
}

Result<ReviewView> RemoteManager::ReviewStep(
    int64_t case_id, const Principal& who,
    const std::function<Status(WriteTx&, SimCase&, absl::Time)>& fn) {
  if (!Reviewer(who)) return NotReviewer();
  ReviewView out;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto found = tx.cases().GetRemoteCase(case_id);
    if (!found.ok()) return found.status();
    if (!found->has_value()) return NoSuchCase(case_id);
    SimCase c = std::move(**found);
    const CaseState before = c.state;
    const absl::Time now = clock_.Now();
    if (RemoteExpired(c, now))
      return Status::FailedPrecondition("application " + std::to_string(case_id) +
                                                     " expired");
    QUEUE_RETURN_IF_ERROR(fn(tx, c, now));
    QUEUE_RETURN_IF_ERROR(tx.cases().UpdateCase(c, before));
    auto v = ViewIn(tx, c, /*with_photos=*/false);  // no decryption under the write lock
    if (!v.ok()) return v.status();
    out = std::move(v).value();
    return Status::Ok();
  }));
  return out;
}

Result<ReviewView> RemoteManager::Approve(int64_t case_id, const Principal& who) {
  return ReviewStep(case_id, who, [&](WriteTx& tx, SimCase& c, absl::Time now) -> Status {
    // What happened to the number since the application counts too (a SIM
    // or contact change meanwhile); the risk never drops.
    if (c.form) {
      auto sub = tx.cases().GetSubscriber(c.form->phone);
      if (!sub.ok()) return sub.status();
      if (sub->has_value()) {
        if ((*sub)->no_sim_change) return HolderLocked();
        const Risk now_risk = AssessRisk(**sub, c.remote->document_matches, now);
        if (now_risk.score > c.remote->risk_score) {
          c.remote->risk_score = now_risk.score;
          c.remote->risk_factors = now_risk.factors;
        }
      }
    }
    auto complete = ApproveApplication(c, who.id);
    if (!complete.ok()) return complete.status();
    return AppendCaseStep(tx, c, now, ActorName(&who), "review",
                          *complete ? "approved" : "first_approval",
                          "risk=" + std::to_string(c.remote->risk_score));
  });
}

Result<ReviewView> RemoteManager::Reject(int64_t case_id, const std::string& reason,
                                         const Principal& who) {
  if (!KnownRejectReason(reason)) {
    std::string list;
    for (const std::string& r : RejectReasons()) list += (list.empty() ? "" : ", ") + r;
    return Status::InvalidArgument("reason", "reason must be one of: " + list);
  }
  return ReviewStep(case_id, who, [&](WriteTx& tx, SimCase& c, absl::Time now) {
    QUEUE_RETURN_IF_ERROR(RequireStep(c, CaseState::kAwaitingReview));
    c.remote->reviewer = who.id;
    c.remote->decision_reason = reason;
    c.state = CaseState::kCancelled;
    c.finished = now;
    return AppendCaseStep(tx, c, now, ActorName(&who), "review", "rejected", "reason=" + reason);
  });
}

Result<ReviewView> RemoteManager::Cancel(int64_t case_id, const std::string& reason,
                                         const Principal& who) {
  if (!KnownCancelReason(reason)) {
    std::string list;
    for (const std::string& r : CancelReasons()) list += (list.empty() ? "" : ", ") + r;
    return Status::InvalidArgument("reason", "reason must be one of: " + list);
  }
  return ReviewStep(case_id, who, [&](WriteTx& tx, SimCase& c, absl::Time now) -> Status {
    if (CaseFinished(c.state))
      return Status::FailedPrecondition("application " + std::to_string(case_id) + " is " +
                                        CaseStateName(c.state) + " already");
    c.state = CaseState::kCancelled;
    c.finished = now;
    return AppendCaseStep(
        tx, c, now, ActorName(&who), "cancel", "cancelled",
        "reason=" + reason +
            (c.new_iccid.empty() ? std::string()
                                 : " card=*" + LastFour(c.new_iccid) + " card_not_to_be_used"));
  });
}

Result<DispatchResult> RemoteManager::Dispatch(int64_t case_id, const DispatchInput& in,
                                               const Principal& who) {
  const std::string iccid = NormalizeIccid(in.iccid);
  std::vector<FieldViolation> bad_iccid;
  if (Status st = ValidateIccid(iccid, "iccid"); !st.ok())
    bad_iccid.push_back({"iccid", st.message()});
  // Generated before the transaction (it may run again); used for post only.
  const std::string code = NewActivationCode(random_bytes_(8));
  DispatchResult out;
  auto v = ReviewStep(case_id, who, [&](WriteTx& tx, SimCase& c, absl::Time now) -> Status {
    if (!c.new_iccid.empty() && c.new_iccid == iccid &&
        (c.state == CaseState::kAwaitingActivation || c.state == CaseState::kAwaitingPickup))
      return Redispatch(tx, c, in.tracking_number, code, now, who, out);
    QUEUE_RETURN_IF_ERROR(RequireStep(c, CaseState::kAwaitingDispatch));
    std::vector<FieldViolation> bad = bad_iccid;  // this run's own copy: the function may rerun
    const bool post = c.remote->delivery == Delivery::kPost;
    if (post) {
      if (Status st = ValidateTracking(in.tracking_number); !st.ok())
        bad.push_back({"tracking_number", st.message()});
    } else if (!in.tracking_number.empty()) {
      bad.push_back({"tracking_number", "a card for pickup at a shop has no tracking number"});
    }
    if (!bad.empty()) return Status::InvalidFields(bad);
    auto sub = tx.cases().GetSubscriber(c.form->phone);
    if (!sub.ok()) return sub.status();
    if (!sub->has_value()) return Status::NotFound("the number left the operator register");
    const Subscriber& s = **sub;
    if (s.no_sim_change) return HolderLocked();
    if (post && s.address.empty())
      return Status::FailedPrecondition(
          "the register holds no postal address for this number: only pickup at a shop is "
          "possible; reject with reason incomplete");
    auto card = tx.cases().GetStockCard(iccid);
    if (!card.ok()) return card.status();
    if (!card->has_value())
      return Status::NotFound("card " + iccid + " is not in any branch's stock");
    const StockCard& k = **card;
    if (k.branch_id != c.branch_id)
      return Status::FailedPrecondition("card " + iccid + " belongs to branch " + k.branch_id +
                                        "'s stock; this card goes from " + c.branch_id);
    if (k.operator_id != c.form->operator_id)
      return Status::FailedPrecondition("card " + iccid + " is a " + k.operator_id +
                                        " card; this number is with " + c.form->operator_id);
    if (k.state != StockState::kInStock)
      return Status::FailedPrecondition("card " + iccid + " was already issued; take another");
    auto used = tx.cases().CardState(iccid);
    if (!used.ok()) return used.status();
    if (!used->empty())
      return Status::FailedPrecondition("card " + iccid +
                                        " is already known to the register; take another");
    auto question = PickQuestion(s, QuestionPick());
    if (!question)
      return Status::FailedPrecondition(
          "the register has nothing to ask this customer (no top-ups, no calls): the card can "
          "only be collected at a shop");
    QUEUE_RETURN_IF_ERROR(tx.cases().IssueStockCard(iccid, c.case_id));
    c.new_iccid = iccid;
    c.question = question;
    // The post takes its time: the customer has the full period from now.
    c.remote->expires = now + absl::Hours(24) * config_.remote.application_days;
    out = DispatchResult{};
    out.question = QuestionText(*question);
    if (post) {
      c.remote->activation_code_hash = CodeHash(hasher_, c.case_id, code);
      c.remote->tracking_number = in.tracking_number;
      c.state = CaseState::kAwaitingActivation;
      out.activation_code = DisplayReferenceCode(code);
      out.tracking_number = in.tracking_number;
      // The tracking number stays with the case's details (erased with
      // them), not in the immutable records.
      return AppendCaseStep(tx, c, now, ActorName(&who), "dispatch", "posted",
                            "card=*" + LastFour(iccid));
    }
    c.state = CaseState::kAwaitingPickup;
    return AppendCaseStep(tx, c, now, ActorName(&who), "dispatch", "sent_to_shop",
                          "branch=" + c.branch_id + " card=*" + LastFour(iccid));
  });
  if (!v.ok()) return v.status();
  return out;
}

Status RemoteManager::Redispatch(WriteTx& tx, SimCase& c, const std::string& tracking_number,
                                 const std::string& code, absl::Time now, const Principal& who,
                                 DispatchResult& out) {
  const bool post = c.remote->delivery == Delivery::kPost;
  if (post ? tracking_number != c.remote->tracking_number : !tracking_number.empty())
    return Status::FailedPrecondition("application " + std::to_string(c.case_id) +
                                      " was dispatched already, with another tracking number");
  out = DispatchResult{};
  out.question = c.question ? QuestionText(*c.question) : "";
  if (!post) return Status::Ok();  // nothing secret was lost: the same answer
  auto records = tx.cases().CaseRecords(c.case_id);
  if (!records.ok()) return records.status();
  absl::Time dispatched = absl::InfinitePast();
  for (const CaseRecord& r : *records) {
    if (r.step == "dispatch" && r.outcome == "posted") dispatched = r.time;
    if (r.step == "activation")
      return Status::FailedPrecondition(
          "the customer has tried to activate this card already: its code cannot be issued "
          "again; cancel the application if the envelope is lost");
  }
  if (now - dispatched > kRedispatchWindow)
    return Status::FailedPrecondition(
        "the card was posted over an hour ago: its code cannot be issued again; cancel the "
        "application if the envelope is lost");
  c.remote->activation_code_hash = CodeHash(hasher_, c.case_id, code);
  out.activation_code = DisplayReferenceCode(code);
  out.tracking_number = tracking_number;
  return AppendCaseStep(tx, c, now, ActorName(&who), "dispatch", "code_reissued",
                        "card=*" + LastFour(c.new_iccid));
}

Result<std::vector<PickupItem>> RemoteManager::Pickups(const std::string& branch_id,
                                                       const std::string& phone, int limit,
                                                       const Principal& who) {
  if (who.role != Role::kClerk && who.role != Role::kSupervisor)
    return Status::PermissionDenied("counter staff of the pickup shop see its pickups");
  std::vector<FieldViolation> bad;
  if (!config_.FindBranch(branch_id))
    bad.push_back({"branch_id", branch_id.empty() ? "branch_id is required"
                                                  : "no branch " + Quoted(branch_id)});
  std::optional<std::string> number;
  if (!phone.empty() && !(number = NormalizeRuMobile(phone)))
    bad.push_back({"phone", "phone is not a Russian mobile number, e.g. +7 916 123-45-67"});
  if (!bad.empty()) return Status::InvalidFields(std::move(bad));
  if (limit <= 0 || limit > kMaxQueue) limit = kMaxQueue;
  std::vector<PickupItem> out;
  QUEUE_RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    std::vector<SimCase> cases;
    if (number) {  // one open case per number at most
      auto c = tx.cases().OpenCaseOfPhone(*number, 0);
      if (!c.ok()) return c.status();
      if (c->has_value()) cases.push_back(std::move(**c));
    } else {
      auto all = tx.cases().RemoteCasesInState(CaseState::kAwaitingPickup, branch_id, limit);
      if (!all.ok()) return all.status();
      cases = std::move(all).value();
    }
    for (const SimCase& c : cases) {
      if (c.route != CaseRoute::kRemote || c.state != CaseState::kAwaitingPickup ||
          c.branch_id != branch_id || !c.remote || !c.form)
        continue;
      PickupItem i;
      i.case_id = c.case_id;
      i.applied = c.opened;
      i.expires = c.remote->expires;
      i.phone_masked = MaskPhone(c.form->phone);
      i.operator_id = c.form->operator_id;
      i.document_type = c.form->document_type;
      i.iccid_last4 = LastFour(c.new_iccid);
      i.question = c.question ? QuestionText(*c.question) : "";
      out.push_back(std::move(i));
    }
    return Status::Ok();
  }));
  return out;
}

Result<ActivationOutcome> RemoteManager::HandOver(int64_t case_id, const IdentityInput& in,
                                                  const Principal& who) {
  if (who.role != Role::kClerk && who.role != Role::kSupervisor)
    return Status::PermissionDenied("a clerk of the pickup shop hands the card over");
  std::vector<FieldViolation> bad;
  auto type = ParseDocumentType(in.document_type);
  std::optional<std::string> number;
  if (!type) {
    bad.push_back({"document_type",
                   "document_type must be ru_passport, foreign_passport or residence_permit"});
  } else {
    number = NormalizeDocumentNumber(*type, in.document_number);
    if (!number)
      bad.push_back({"document_number", std::string("expected ") + DocumentFormatHint(*type)});
  }
  if (in.answer.empty())
    bad.push_back({"answer", "the customer's answer to the question is required"});
  else if (in.answer.size() > 100)
    bad.push_back({"answer", "the answer is longer than 100 characters"});
  if (!bad.empty()) return Status::InvalidFields(std::move(bad));
  const std::string doc_hash = hasher_.Hash("document", *number);
  ActivationOutcome out;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto found = tx.cases().GetRemoteCase(case_id);
    if (!found.ok()) return found.status();
    if (!found->has_value()) return NoSuchCase(case_id);
    SimCase c = std::move(**found);
    auto o = CheckAndFinish(
        tx, c, CaseState::kAwaitingPickup, clock_.Now(), ActorName(&who), "pickup",
        [&](const Subscriber& s) -> std::string {
          const bool document_ok = *type == s.document_type && doc_hash == s.document_hash &&
                                   doc_hash == c.form->document_hash;
          std::string failed;
          if (!document_ok) failed = "document=mismatch";
          if (!in.face_matches)
            failed += failed.empty() ? "face=not_confirmed" : " face=not_confirmed";
          return failed;
        },
        in.answer);
    if (!o.ok()) return o.status();
    out = *o;
    return Status::Ok();
  }));
  return out;
}

Result<int> RemoteManager::ExpireOld() {
  int done = 0;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    done = 0;
    const absl::Time now = clock_.Now();
    auto cases = tx.cases().ExpiredRemoteCases(now, 100);
    if (!cases.ok()) return cases.status();
    for (SimCase c : *cases) {
      const CaseState before = c.state;
      c.state = CaseState::kCancelled;
      c.finished = now;
      QUEUE_RETURN_IF_ERROR(tx.cases().UpdateCase(c, before));
      QUEUE_RETURN_IF_ERROR(AppendCaseStep(
          tx, c, now, "system:expiry", "cancel", "expired",
          "reason=expired" +
              (c.new_iccid.empty() ? std::string() : " card=*" + LastFour(c.new_iccid) +
                                                         " card_to_be_returned_to_stock")));
      ++done;
    }
    return Status::Ok();
  }));
  return done;
}

}  // namespace shop::queue
