#include "server/storage/sqlite/case_repo.h"

#include <limits>

#include "server/storage/sqlite/codec.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

namespace {

// SIM-replacement cases, each with its remote details when it has them
// (remote_cases, on the remote route only). ReadCase reads these columns in
// this order: the case's 0..25, the remote details' 26..38 (NULL for a
// counter case).
#define SHOP_QUEUE_CASE_COLUMNS                                                               \
  "c.case_id, c.branch_id, c.ticket_id, c.counter_id, c.opened_by, c.opened_us, c.state, "    \
  "c.phone, c.operator_id, c.reason, c.full_name, c.document_type, c.document_hash, "         \
  "c.document_last4, c.contact, c.question, c.identity_passed, c.fee_roubles, c.payment, "    \
  "c.receipt_number, c.old_iccid, c.new_iccid, c.refunded, c.finished_us, c.erased, c.route, " \
  "r.reference_hash, r.delivery, r.pickup_branch_id, r.language, r.document_matches, "        \
  "r.risk_score, r.risk_factors, r.first_approver, r.reviewer, r.decision_reason, "           \
  "r.activation_code_hash, r.tracking_number, r.expires_us"
// Every case; only the remote ones.
#define SHOP_QUEUE_ALL_CASES " FROM sim_cases c LEFT JOIN remote_cases r ON r.case_id = c.case_id"
#define SHOP_QUEUE_REMOTE_CASES " FROM sim_cases c JOIN remote_cases r ON r.case_id = c.case_id"

// ?1 branch, ?2 ticket (NULL on the remote route), ?3 counter, ?4 opened
// by, ?5 opened (us), ?6..?24 the fields (BindCaseFields), ?25 the route.
constexpr const char* kInsertCase =
    "INSERT INTO sim_cases (branch_id, ticket_id, counter_id, opened_by, opened_us, state, "
    "phone, operator_id, reason, full_name, document_type, document_hash, document_last4, "
    "contact, question, identity_passed, fee_roubles, payment, receipt_number, old_iccid, "
    "new_iccid, refunded, finished_us, erased, route) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
    "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)";

// ?1 branch, ?2 case id, ?3 counter, ?4..?22 the fields, ?23 the expected
// state. Personal data erased once is never written back, whatever the
// caller holds. The route and the ticket never change.
constexpr const char* kUpdateCase =
    "UPDATE sim_cases SET counter_id = ?3, state = ?4, "
    "phone = CASE WHEN erased THEN NULL ELSE ?5 END, operator_id = ?6, reason = ?7, "
    "full_name = CASE WHEN erased THEN NULL ELSE ?8 END, document_type = ?9, "
    "document_hash = CASE WHEN erased THEN NULL ELSE ?10 END, "
    "document_last4 = CASE WHEN erased THEN NULL ELSE ?11 END, "
    "contact = CASE WHEN erased THEN NULL ELSE ?12 END, question = ?13, identity_passed = ?14, "
    "fee_roubles = ?15, payment = ?16, receipt_number = ?17, old_iccid = ?18, new_iccid = ?19, "
    "refunded = ?20, finished_us = ?21, erased = max(erased, ?22) "
    "WHERE branch_id = ?1 AND case_id = ?2 AND state = ?23";

// ?1 case, ?2 reference hash, ?3..?14 the details (BindRemoteFields).
constexpr const char* kInsertRemoteCase =
    "INSERT INTO remote_cases (case_id, reference_hash, delivery, pickup_branch_id, language, "
    "document_matches, risk_score, risk_factors, first_approver, reviewer, decision_reason, "
    "activation_code_hash, tracking_number, expires_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10, ?11, ?12, ?13, ?14)";

// The same parameters. The reference never changes; a tracking number
// erased once stays erased.
constexpr const char* kUpdateRemoteCase =
    "UPDATE remote_cases SET delivery = ?3, pickup_branch_id = ?4, language = ?5, "
    "document_matches = ?6, risk_score = ?7, risk_factors = ?8, first_approver = ?9, "
    "reviewer = ?10, decision_reason = ?11, activation_code_hash = ?12, "
    "tracking_number = CASE WHEN (SELECT erased FROM sim_cases WHERE case_id = ?1) "
    "THEN '' ELSE ?13 END, expires_us = ?14 "
    "WHERE case_id = ?1 AND reference_hash = ?2";

constexpr const char* kGetCase =
    "SELECT " SHOP_QUEUE_CASE_COLUMNS SHOP_QUEUE_ALL_CASES
    " WHERE c.branch_id = ?1 AND c.case_id = ?2";

constexpr const char* kCaseOfTicket =
    "SELECT " SHOP_QUEUE_CASE_COLUMNS SHOP_QUEUE_ALL_CASES
    " WHERE c.ticket_id = ?2 AND c.state <> 8 AND c.branch_id = ?1";

// ?1 phone, ?2 a case to leave out: another open case on the number, any
// branch and either route (every state but closed and cancelled is open).
constexpr const char* kOpenCaseOfPhone =
    "SELECT " SHOP_QUEUE_CASE_COLUMNS SHOP_QUEUE_ALL_CASES
    " WHERE c.phone = ?1 AND c.state NOT IN (7, 8) AND c.case_id <> ?2 "
    "ORDER BY c.case_id LIMIT 1";

// ?1 case id.
constexpr const char* kGetRemoteCase =
    "SELECT " SHOP_QUEUE_CASE_COLUMNS SHOP_QUEUE_REMOTE_CASES " WHERE c.case_id = ?1";

// ?1 reference hash.
constexpr const char* kRemoteCaseByReference =
    "SELECT " SHOP_QUEUE_CASE_COLUMNS SHOP_QUEUE_REMOTE_CASES " WHERE r.reference_hash = ?1";

// ?1 state, ?2 limit: an unfinished state's cases through
// sim_cases_remote_open (its WHERE repeated so the index serves).
constexpr const char* kRemoteCasesInOpenState =
    "SELECT " SHOP_QUEUE_CASE_COLUMNS SHOP_QUEUE_REMOTE_CASES
    " WHERE c.route = 2 AND c.state NOT IN (7, 8) AND c.state = ?1 "
    "AND (?3 = '' OR c.branch_id = ?3) ORDER BY c.case_id LIMIT ?2";

// The same for closed or cancelled (no index: history; nothing asks often).
constexpr const char* kRemoteCasesInFinishedState =
    "SELECT " SHOP_QUEUE_CASE_COLUMNS SHOP_QUEUE_REMOTE_CASES
    " WHERE c.route = 2 AND c.state = ?1 AND (?3 = '' OR c.branch_id = ?3) "
    "ORDER BY c.case_id LIMIT ?2";

// ?1 now (us), ?2 limit: unfinished remote cases due to expire, soonest
// first (sim_cases_remote_open).
constexpr const char* kExpiredRemoteCases =
    "SELECT " SHOP_QUEUE_CASE_COLUMNS SHOP_QUEUE_REMOTE_CASES
    " WHERE c.route = 2 AND c.state NOT IN (7, 8) AND r.expires_us <= ?1 "
    "ORDER BY r.expires_us, c.case_id LIMIT ?2";

#undef SHOP_QUEUE_CASE_COLUMNS
#undef SHOP_QUEUE_ALL_CASES
#undef SHOP_QUEUE_REMOTE_CASES

// Photos of remote applications: ?1 case, ?2 kind, ?3 image type, ?4 the
// sealed bytes.
constexpr const char* kHasPhoto = "SELECT 1 FROM case_photos WHERE case_id = ?1 AND kind = ?2";

constexpr const char* kInsertPhoto =
    "INSERT INTO case_photos (case_id, kind, image_type, sealed) VALUES (?1, ?2, ?3, ?4)";

constexpr const char* kCasePhotos =
    "SELECT case_id, kind, image_type, sealed FROM case_photos WHERE case_id = ?1 ORDER BY kind";

constexpr const char* kLastCaseRecord =
    "SELECT COALESCE(MAX(seq), 0) FROM sim_case_records WHERE case_id = ?1";

constexpr const char* kInsertCaseRecord =
    "INSERT INTO sim_case_records (case_id, seq, time_us, step, outcome, actor, supervisor, "
    "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

constexpr const char* kCaseRecords =
    "SELECT case_id, seq, time_us, step, outcome, actor, supervisor, detail "
    "FROM sim_case_records WHERE case_id = ?1 ORDER BY seq";

constexpr const char* kGetReceiptSequence =
    "SELECT last_number FROM receipt_sequences WHERE branch_id = ?1 AND year = ?2";

constexpr const char* kUpsertReceiptSequence =
    "INSERT INTO receipt_sequences (branch_id, year, last_number) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (branch_id, year) DO UPDATE SET last_number = ?3";

// ?1 cutoff (us), ?2 limit: the oldest finished cases not yet erased.
constexpr const char* kCasesToErase =
    "SELECT case_id FROM sim_cases WHERE erased = 0 AND finished_us < ?1 "
    "ORDER BY finished_us, case_id LIMIT ?2";

// ?1 case id: what erasing a case removes (its form's personal fields, its
// photos, a remote case's tracking number).
constexpr const char* kEraseCase =
    "UPDATE sim_cases SET phone = NULL, full_name = NULL, document_hash = NULL, "
    "document_last4 = NULL, contact = NULL, erased = 1 WHERE case_id = ?1";
constexpr const char* kEraseCasePhotos = "DELETE FROM case_photos WHERE case_id = ?1";
constexpr const char* kEraseRemoteCase =
    "UPDATE remote_cases SET tracking_number = '' WHERE case_id = ?1";

constexpr const char* kGetIdentityAttempts =
    "SELECT failures, locked_until_us FROM identity_attempts WHERE phone = ?1";

constexpr const char* kSaveIdentityAttempts =
    "INSERT INTO identity_attempts (phone, failures, locked_until_us) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (phone) DO UPDATE SET failures = ?2, locked_until_us = ?3";

constexpr const char* kDeleteIdentityAttempts =
    "DELETE FROM identity_attempts WHERE phone = ?1";

constexpr const char* kListIdentityAttempts =
    "SELECT phone, failures, locked_until_us FROM identity_attempts ORDER BY phone";

void BindOptText(Stmt& s, int i, const std::optional<CaseForm>& form,
                 std::string CaseForm::*field) {
  if (form) s.Bind(i, (*form).*field);
  else s.BindNull(i);
}

// An expiry as stored: never (absl::InfiniteFuture()) is the largest
// integer, and back.
int64_t ExpiryMicros(absl::Time t) {
  if (t == absl::InfiniteFuture()) return std::numeric_limits<int64_t>::max();
  if (t == absl::InfinitePast()) return std::numeric_limits<int64_t>::min();
  return absl::ToUnixMicros(t);
}

absl::Time ExpiryTime(int64_t us) {
  if (us == std::numeric_limits<int64_t>::max()) return absl::InfiniteFuture();
  if (us == std::numeric_limits<int64_t>::min()) return absl::InfinitePast();
  return absl::FromUnixMicros(us);
}

// Row of a SHOP_QUEUE_CASE_COLUMNS query.
SimCase ReadCase(const Stmt& s) {
  SimCase c;
  c.case_id = s.Int(0);
  c.branch_id = s.Text(1);
  c.ticket_id = s.Int(2);  // NULL (the remote route) reads as 0
  c.counter_id = s.Text(3);
  c.opened_by = s.Text(4);
  c.opened = absl::FromUnixMicros(s.Int(5));
  c.state = static_cast<CaseState>(s.Int(6));
  // The form was taken when its non-personal columns are set; erasure
  // leaves those and blanks the personal ones.
  if (!s.IsNull(8)) {
    CaseForm f;
    f.phone = s.Text(7);
    f.operator_id = s.Text(8);
    f.reason = static_cast<ReplacementReason>(s.Int(9));
    f.full_name = s.Text(10);
    f.document_type = static_cast<DocumentType>(s.Int(11));
    f.document_hash = s.Text(12);
    f.document_last4 = s.Text(13);
    f.contact = s.Text(14);
    c.form = std::move(f);
  }
  if (!s.IsNull(15)) c.question = static_cast<QuestionKind>(s.Int(15));
  c.identity_passed = s.Int(16) != 0;
  c.fee_roubles = s.Int(17);
  if (!s.IsNull(18)) c.payment = static_cast<PaymentMethod>(s.Int(18));
  c.receipt_number = s.Text(19);
  c.old_iccid = s.Text(20);
  c.new_iccid = s.Text(21);
  c.refunded = s.Int(22) != 0;
  c.finished = ColTime(s, 23);
  c.erased = s.Int(24) != 0;
  c.route = static_cast<CaseRoute>(s.Int(25));
  if (!s.IsNull(26)) {
    RemoteDetails d;
    d.reference_hash = s.Text(26);
    d.delivery = static_cast<Delivery>(s.Int(27));
    d.pickup_branch_id = s.Text(28);
    d.language = static_cast<Language>(s.Int(29));
    d.document_matches = s.Int(30) != 0;
    d.risk_score = static_cast<int>(s.Int(31));
    d.risk_factors = s.Text(32);
    d.first_approver = s.Text(33);
    d.reviewer = s.Text(34);
    d.decision_reason = s.Text(35);
    d.activation_code_hash = s.Text(36);
    d.tracking_number = s.Text(37);
    d.expires = ExpiryTime(s.Int(38));
    c.remote = std::move(d);
  }
  return c;
}

// Binds the remote details from ?3 on, in the column order of
// kInsertRemoteCase from delivery (delivery, ..., expires_us): 12
// parameters.
void BindRemoteFields(Stmt& s, const RemoteDetails& d) {
  int i = 3;
  s.Bind(i++, int64_t(d.delivery));
  s.Bind(i++, d.pickup_branch_id);
  s.Bind(i++, int64_t(d.language));
  s.Bind(i++, int64_t{d.document_matches ? 1 : 0});
  s.Bind(i++, int64_t{d.risk_score});
  s.Bind(i++, d.risk_factors);
  s.Bind(i++, d.first_approver);
  s.Bind(i++, d.reviewer);
  s.Bind(i++, d.decision_reason);
  s.Bind(i++, d.activation_code_hash);
  s.Bind(i++, d.tracking_number);
  s.Bind(i++, ExpiryMicros(d.expires));
}

// Every row of the bound SHOP_QUEUE_CASE_COLUMNS query; the statement is
// reset.
Result<std::vector<SimCase>> ReadCases(Stmt& s) {
  std::vector<SimCase> out;
  while (s.Step()) out.push_back(ReadCase(s));
  QUEUE_RETURN_IF_ERROR(s.status());
  s.Reset();
  return out;
}

// A case's route and its details agree: a counter case has a ticket and no
// remote details, a remote case its details and no ticket.
Status CheckRoute(const SimCase& c) {
  const std::string which = "case " + std::to_string(c.case_id);
  switch (c.route) {
    case CaseRoute::kCounter:
      if (c.remote) return Status::Internal(which + ": a counter case with remote details");
      return Status::Ok();
    case CaseRoute::kRemote:
      if (!c.remote) return Status::Internal(which + ": a remote case without its details");
      if (c.ticket_id != 0) return Status::Internal(which + ": a remote case with a ticket");
      return Status::Ok();
  }
  return Status::Internal(which + ": unknown route " + std::to_string(int(c.route)));
}

// Binds the case's fields from `first` on, in the column order of
// kInsertCase from state (state, phone, ..., erased): 19 parameters.
void BindCaseFields(Stmt& s, int first, const SimCase& c) {
  const auto& f = c.form;
  int i = first;
  s.Bind(i++, int64_t(c.state));
  BindOptText(s, i++, f, &CaseForm::phone);
  BindOptText(s, i++, f, &CaseForm::operator_id);
  if (f) s.Bind(i++, int64_t(f->reason));
  else s.BindNull(i++);
  BindOptText(s, i++, f, &CaseForm::full_name);
  if (f) s.Bind(i++, int64_t(f->document_type));
  else s.BindNull(i++);
  BindOptText(s, i++, f, &CaseForm::document_hash);
  BindOptText(s, i++, f, &CaseForm::document_last4);
  BindOptText(s, i++, f, &CaseForm::contact);
  if (c.question) s.Bind(i++, int64_t(*c.question));
  else s.BindNull(i++);
  s.Bind(i++, int64_t{c.identity_passed ? 1 : 0});
  s.Bind(i++, c.fee_roubles);
  if (c.payment) s.Bind(i++, int64_t(*c.payment));
  else s.BindNull(i++);
  s.Bind(i++, c.receipt_number);
  s.Bind(i++, c.old_iccid);
  s.Bind(i++, c.new_iccid);
  s.Bind(i++, int64_t{c.refunded ? 1 : 0});
  BindOpt(s, i++, c.finished);
  s.Bind(i++, int64_t{c.erased ? 1 : 0});
}

std::string JoinTimes(const std::vector<absl::Time>& v) {
  std::string out;
  for (absl::Time t : v) {
    if (!out.empty()) out += ",";
    out += std::to_string(absl::ToUnixMicros(t));
  }
  return out;
}

std::vector<absl::Time> SplitTimes(const std::string& s) {
  std::vector<absl::Time> out;
  for (const auto& item : SplitPrefixes(s)) {
    try {
      out.push_back(absl::FromUnixMicros(std::stoll(item)));
    } catch (const std::exception&) {
      // A malformed entry counts as no failure rather than failing the read.
    }
  }
  return out;
}

std::string CaseSubject(int64_t case_id) { return "case:" + std::to_string(case_id); }

}  // namespace

Status SqliteCaseRepo::InsertCase(SimCase& c) {
  QUEUE_RETURN_IF_ERROR(CheckRoute(c));
  if (c.route == CaseRoute::kCounter) {
    auto existing = CaseOfTicket(c.branch_id, c.ticket_id);
    if (!existing.ok()) return existing.status();
    if (*existing)
      return Status::AlreadyExists("ticket " + std::to_string(c.ticket_id) +
                                   " already has case " + std::to_string((*existing)->case_id));
  } else {
    auto taken = RemoteCaseByReference(c.remote->reference_hash);
    if (!taken.ok()) return taken.status();
    if (*taken) return Status::AlreadyExists("another remote case has the same reference");
  }
  auto st = db_.Prepare(kInsertCase);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, c.branch_id);
  if (c.ticket_id != 0) s.Bind(2, c.ticket_id);
  else s.BindNull(2);
  s.Bind(3, c.counter_id).Bind(4, c.opened_by);
  s.Bind(5, absl::ToUnixMicros(c.opened));
  BindCaseFields(s, 6, c);
  s.Bind(25, int64_t(c.route));
  QUEUE_RETURN_IF_ERROR(s.Run());
  const int64_t id = db_.LastInsertRowId();
  if (c.remote) {
    auto r = db_.Prepare(kInsertRemoteCase);
    if (!r.ok()) return r.status();
    (*r)->Bind(1, id).Bind(2, c.remote->reference_hash);
    BindRemoteFields(**r, *c.remote);
    QUEUE_RETURN_IF_ERROR((*r)->Run());
  }
  c.case_id = id;
  return Status::Ok();
}

Status SqliteCaseRepo::UpdateCase(const SimCase& c, CaseState expected) {
  QUEUE_RETURN_IF_ERROR(CheckRoute(c));
  auto st = db_.Prepare(kUpdateCase);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, c.branch_id).Bind(2, c.case_id).Bind(3, c.counter_id);
  BindCaseFields(s, 4, c);
  s.Bind(23, int64_t(expected));
  QUEUE_RETURN_IF_ERROR(s.Run());
  if (db_.Changes() != 1)
    return Status::Aborted("case " + std::to_string(c.case_id) + " changed meanwhile; try again");
  if (!c.remote) return Status::Ok();
  auto r = db_.Prepare(kUpdateRemoteCase);
  if (!r.ok()) return r.status();
  (*r)->Bind(1, c.case_id).Bind(2, c.remote->reference_hash);
  BindRemoteFields(**r, *c.remote);
  QUEUE_RETURN_IF_ERROR((*r)->Run());
  if (db_.Changes() != 1)
    return Status::Internal("case " + std::to_string(c.case_id) +
                            " is not a remote case with this reference");
  return Status::Ok();
}

Result<std::optional<SimCase>> SqliteCaseRepo::GetCase(const std::string& branch_id,
                                       int64_t case_id) {
  return OneCase(kGetCase, branch_id, case_id);
}

Result<std::optional<SimCase>> SqliteCaseRepo::CaseOfTicket(const std::string& branch_id,
                                            int64_t ticket_id) {
  return OneCase(kCaseOfTicket, branch_id, ticket_id);
}

Result<std::optional<SimCase>> SqliteCaseRepo::OpenCaseOfPhone(const std::string& phone,
                                               int64_t except_case_id) {
  return OneCase(kOpenCaseOfPhone, phone, except_case_id);
}

Result<std::optional<SimCase>> SqliteCaseRepo::GetRemoteCase(int64_t case_id) {
  auto st = db_.Prepare(kGetRemoteCase);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, case_id);
  auto found = ReadCases(**st);
  if (!found.ok()) return found.status();
  if (found->empty()) return std::optional<SimCase>();
  return std::optional<SimCase>(std::move(found->front()));
}

Result<std::optional<SimCase>> SqliteCaseRepo::RemoteCaseByReference(
    const std::string& reference_hash) {
  auto st = db_.Prepare(kRemoteCaseByReference);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, reference_hash);
  auto found = ReadCases(**st);
  if (!found.ok()) return found.status();
  if (found->empty()) return std::optional<SimCase>();
  return std::optional<SimCase>(std::move(found->front()));
}

Result<std::vector<SimCase>> SqliteCaseRepo::RemoteCasesInState(CaseState state,
                                                                const std::string& branch_id,
                                                                int limit) {
  auto st = db_.Prepare(CaseFinished(state) ? kRemoteCasesInFinishedState
                                            : kRemoteCasesInOpenState);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, int64_t(state)).Bind(2, int64_t{limit}).Bind(3, branch_id);
  return ReadCases(**st);
}

Result<std::vector<SimCase>> SqliteCaseRepo::ExpiredRemoteCases(absl::Time now, int limit) {
  auto st = db_.Prepare(kExpiredRemoteCases);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, ExpiryMicros(now)).Bind(2, int64_t{limit});
  return ReadCases(**st);
}

Result<std::vector<StoredPhoto>> SqliteCaseRepo::CasePhotos(int64_t case_id) {
  auto st = db_.Prepare(kCasePhotos);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, case_id);
  std::vector<StoredPhoto> out;
  while (s.Step())
    out.push_back(StoredPhoto{s.Int(0), s.Text(1), static_cast<ImageType>(s.Int(2)), s.Blob(3)});
  QUEUE_RETURN_IF_ERROR(s.status());
  s.Reset();
  return out;
}

Status SqliteCaseRepo::SavePhoto(const StoredPhoto& photo) {
  auto owner = GetRemoteCase(photo.case_id);
  if (!owner.ok()) return owner.status();
  if (!*owner)
    return Status::NotFound("remote case " + std::to_string(photo.case_id) + " not found");
  auto has = db_.Prepare(kHasPhoto);
  if (!has.ok()) return has.status();
  (*has)->Bind(1, photo.case_id).Bind(2, photo.kind);
  auto exists = Exists(**has);
  if (!exists.ok()) return exists.status();
  if (*exists)
    return Status::AlreadyExists("case " + std::to_string(photo.case_id) + " already has a " +
                                 photo.kind + " photo");
  auto st = db_.Prepare(kInsertPhoto);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, photo.case_id).Bind(2, photo.kind).Bind(3, int64_t(photo.type));
  s.BindBlob(4, photo.sealed);
  return s.Run();
}

Status SqliteCaseRepo::AppendCaseRecord(CaseRecord& r) {
  auto last = db_.Prepare(kLastCaseRecord);
  if (!last.ok()) return last.status();
  (*last)->Bind(1, r.case_id);
  int64_t seq = (*last)->Step() ? (*last)->Int(0) + 1 : 1;
  QUEUE_RETURN_IF_ERROR((*last)->status());
  (*last)->Reset();
  auto st = db_.Prepare(kInsertCaseRecord);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, r.case_id).Bind(2, seq).Bind(3, absl::ToUnixMicros(r.time)).Bind(4, r.step);
  s.Bind(5, r.outcome).Bind(6, r.actor).Bind(7, r.supervisor).Bind(8, r.detail);
  QUEUE_RETURN_IF_ERROR(s.Run());
  r.seq = static_cast<int>(seq);
  return Status::Ok();
}

Result<std::vector<CaseRecord>> SqliteCaseRepo::CaseRecords(int64_t case_id) {
  auto st = db_.Prepare(kCaseRecords);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, case_id);
  std::vector<CaseRecord> out;
  while (s.Step())
    out.push_back(CaseRecord{s.Int(0), static_cast<int>(s.Int(1)),
                             absl::FromUnixMicros(s.Int(2)), s.Text(3), s.Text(4), s.Text(5),
                             s.Text(6), s.Text(7)});
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Result<int64_t> SqliteCaseRepo::NextReceiptNumber(const std::string& branch_id, int year) {
  auto get = db_.Prepare(kGetReceiptSequence);
  if (!get.ok()) return get.status();
  Stmt& g = **get;
  g.Bind(1, branch_id).Bind(2, int64_t{year});
  int64_t last = g.Step() ? g.Int(0) : 0;
  QUEUE_RETURN_IF_ERROR(g.status());
  g.Reset();
  auto put = db_.Prepare(kUpsertReceiptSequence);
  if (!put.ok()) return put.status();
  (*put)->Bind(1, branch_id).Bind(2, int64_t{year}).Bind(3, last + 1);
  QUEUE_RETURN_IF_ERROR((*put)->Run());
  return last + 1;
}

Result<int> SqliteCaseRepo::EraseFinishedCases(absl::Time cutoff, int limit) {
  return EraseFinished(db_, kCasesToErase, {kEraseCase, kEraseCasePhotos, kEraseRemoteCase},
                       CaseSubject, cutoff, limit);
}

Result<IdentityAttempts> SqliteCaseRepo::GetIdentityAttempts(const std::string& phone) {
  auto st = db_.Prepare(kGetIdentityAttempts);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, phone);
  IdentityAttempts a;
  if (s.Step()) {
    a.failures = SplitTimes(s.Text(0));
    a.locked_until = ColTime(s, 1);
  }
  QUEUE_RETURN_IF_ERROR(s.status());
  return a;
}

Result<std::vector<std::pair<std::string, IdentityAttempts>>>
SqliteCaseRepo::ListIdentityAttempts() {
  auto st = db_.Prepare(kListIdentityAttempts);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  std::vector<std::pair<std::string, IdentityAttempts>> out;
  while (s.Step()) {
    IdentityAttempts a;
    a.failures = SplitTimes(s.Text(1));
    a.locked_until = ColTime(s, 2);
    out.emplace_back(s.Text(0), std::move(a));
  }
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Status SqliteCaseRepo::SaveIdentityAttempts(const std::string& phone, const IdentityAttempts& a) {
  // Nothing to remember: keep no row keyed by the phone number.
  if (a.failures.empty() && a.locked_until == absl::InfinitePast()) {
    auto del = db_.Prepare(kDeleteIdentityAttempts);
    if (!del.ok()) return del.status();
    (*del)->Bind(1, phone);
    return (*del)->Run();
  }
  auto st = db_.Prepare(kSaveIdentityAttempts);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, phone).Bind(2, JoinTimes(a.failures));
  BindOpt(s, 3, a.locked_until);
  return s.Run();
}

// The one case `sql` selects with ?1 = `key` (a branch or a phone), ?2 = `id`.
Result<std::optional<SimCase>> SqliteCaseRepo::OneCase(const char* sql, const std::string& key, int64_t id) {
  auto st = db_.Prepare(sql);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, key).Bind(2, id);
  std::optional<SimCase> out;
  if (s.Step()) out = ReadCase(s);
  QUEUE_RETURN_IF_ERROR(s.status());
  s.Reset();
  return out;
}

}  // namespace shop::queue::sqlite
