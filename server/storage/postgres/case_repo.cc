#include "server/storage/postgres/case_repo.h"

#include <exception>
#include <limits>
#include <optional>
#include <sstream>
#include <string_view>

#include "server/storage/postgres/pg_codec.h"
#include "server/storage/postgres/pg_conn.h"
#include "server/storage/postgres/pg_erase.h"

namespace shop::queue::pg {

namespace {

// SIM-replacement cases, each with its remote details when it has them
// (remote_cases, on the remote route only). The form's columns are NULL
// until the form step; the personal ones are NULL again once erased.
#define SHOP_QUEUE_PG_CASE_COLUMNS                                                            \
  "c.case_id, c.branch_id, c.ticket_id, c.counter_id, c.opened_by, c.opened_us, c.state, "    \
  "c.phone, c.operator_id, c.reason, c.full_name, c.document_type, c.document_hash, "         \
  "c.document_last4, c.contact, c.question, c.identity_passed, c.fee_roubles, c.payment, "    \
  "c.receipt_number, c.old_iccid, c.new_iccid, c.refunded, c.finished_us, c.erased, c.route, " \
  "r.reference_hash, r.delivery, r.pickup_branch_id, r.language, r.document_matches, "        \
  "r.risk_score, r.risk_factors, r.first_approver, r.reviewer, r.decision_reason, "           \
  "r.activation_code_hash, r.tracking_number, r.expires_us"
// Every case; only the remote ones.
#define SHOP_QUEUE_PG_ALL_CASES \
  " FROM sim_cases c LEFT JOIN remote_cases r ON r.case_id = c.case_id"
#define SHOP_QUEUE_PG_REMOTE_CASES " FROM sim_cases c JOIN remote_cases r ON r.case_id = c.case_id"

// $1 branch, $2 ticket (NULL on the remote route), $3 counter, $4 opened
// by, $5 opened (us), $6..$24 the fields (AppendCaseFields), $25 the route.
constexpr Statement kInsertCase{
    "cases_insert",
    "INSERT INTO sim_cases (branch_id, ticket_id, counter_id, opened_by, opened_us, state, "
    "phone, operator_id, reason, full_name, document_type, document_hash, document_last4, "
    "contact, question, identity_passed, fee_roubles, payment, receipt_number, old_iccid, "
    "new_iccid, refunded, finished_us, erased, route) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
    "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) "
    "RETURNING case_id"};

// $1 branch, $2 case id, $3 counter, $4.. the fields (CaseFieldParams), $23
// the expected state. Personal data erased once is never written back,
// whatever the caller holds. The route and the ticket never change.
constexpr Statement kUpdateCase{
    "cases_update",
    "UPDATE sim_cases SET counter_id = $3, state = $4, "
    "phone = CASE WHEN erased <> 0 THEN NULL ELSE $5::text END, operator_id = $6, reason = $7, "
    "full_name = CASE WHEN erased <> 0 THEN NULL ELSE $8::text END, document_type = $9, "
    "document_hash = CASE WHEN erased <> 0 THEN NULL ELSE $10::text END, "
    "document_last4 = CASE WHEN erased <> 0 THEN NULL ELSE $11::text END, "
    "contact = CASE WHEN erased <> 0 THEN NULL ELSE $12::text END, question = $13, "
    "identity_passed = $14, fee_roubles = $15, payment = $16, receipt_number = $17, "
    "old_iccid = $18, new_iccid = $19, refunded = $20, finished_us = $21, "
    "erased = GREATEST(erased, $22::integer) "
    "WHERE branch_id = $1 AND case_id = $2 AND state = $23"};

// $1 case, $2 reference hash, $3..$14 the details (AppendRemoteFields).
constexpr Statement kInsertRemoteCase{
    "cases_insert_remote",
    "INSERT INTO remote_cases (case_id, reference_hash, delivery, pickup_branch_id, language, "
    "document_matches, risk_score, risk_factors, first_approver, reviewer, decision_reason, "
    "activation_code_hash, tracking_number, expires_us) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "$8, $9, $10, $11, $12, $13, $14)"};

// The same parameters. The reference never changes; a tracking number
// erased once stays erased.
constexpr Statement kUpdateRemoteCase{
    "cases_update_remote",
    "UPDATE remote_cases SET delivery = $3, pickup_branch_id = $4, language = $5, "
    "document_matches = $6, risk_score = $7, risk_factors = $8, first_approver = $9, "
    "reviewer = $10, decision_reason = $11, activation_code_hash = $12, "
    "tracking_number = CASE WHEN (SELECT erased FROM sim_cases WHERE case_id = $1) <> 0 "
    "THEN '' ELSE $13::text END, expires_us = $14 "
    "WHERE case_id = $1 AND reference_hash = $2"};

constexpr Statement kGetCase{
    "cases_get",
    "SELECT " SHOP_QUEUE_PG_CASE_COLUMNS SHOP_QUEUE_PG_ALL_CASES
    " WHERE c.branch_id = $1 AND c.case_id = $2"};

constexpr Statement kCaseOfTicket{
    "cases_of_ticket",
    "SELECT " SHOP_QUEUE_PG_CASE_COLUMNS SHOP_QUEUE_PG_ALL_CASES
    " WHERE c.ticket_id = $2 AND c.state <> 8 AND c.branch_id = $1"};

// $1 phone, $2 a case to leave out: another open case on the number, any
// branch and either route (every state but closed and cancelled is open).
constexpr Statement kOpenCaseOfPhone{
    "cases_open_of_phone",
    "SELECT " SHOP_QUEUE_PG_CASE_COLUMNS SHOP_QUEUE_PG_ALL_CASES
    " WHERE c.phone = $1 AND c.state NOT IN (7, 8) AND c.case_id <> $2 "
    "ORDER BY c.case_id LIMIT 1"};

// $1 case id.
constexpr Statement kGetRemoteCase{
    "cases_get_remote",
    "SELECT " SHOP_QUEUE_PG_CASE_COLUMNS SHOP_QUEUE_PG_REMOTE_CASES " WHERE c.case_id = $1"};

// $1 reference hash.
constexpr Statement kRemoteCaseByReference{
    "cases_remote_by_reference",
    "SELECT " SHOP_QUEUE_PG_CASE_COLUMNS SHOP_QUEUE_PG_REMOTE_CASES
    " WHERE r.reference_hash = $1"};

// $1 state, $2 limit: an unfinished state's cases through
// sim_cases_remote_open (its WHERE repeated so the index serves).
constexpr Statement kRemoteCasesInOpenState{
    "cases_remote_in_open_state",
    "SELECT " SHOP_QUEUE_PG_CASE_COLUMNS SHOP_QUEUE_PG_REMOTE_CASES
    " WHERE c.route = 2 AND c.state NOT IN (7, 8) AND c.state = $1 "
    "AND ($3::text = '' OR c.branch_id = $3::text) ORDER BY c.case_id LIMIT $2"};

// The same for closed or cancelled (no index: history; nothing asks often).
constexpr Statement kRemoteCasesInFinishedState{
    "cases_remote_in_finished_state",
    "SELECT " SHOP_QUEUE_PG_CASE_COLUMNS SHOP_QUEUE_PG_REMOTE_CASES
    " WHERE c.route = 2 AND c.state = $1 AND ($3::text = '' OR c.branch_id = $3::text) "
    "ORDER BY c.case_id LIMIT $2"};

// $1 now (us), $2 limit: unfinished remote cases due to expire, soonest
// first (sim_cases_remote_open).
constexpr Statement kExpiredRemoteCases{
    "cases_remote_expired",
    "SELECT " SHOP_QUEUE_PG_CASE_COLUMNS SHOP_QUEUE_PG_REMOTE_CASES
    " WHERE c.route = 2 AND c.state NOT IN (7, 8) AND r.expires_us <= $1 "
    "ORDER BY r.expires_us, c.case_id LIMIT $2"};

#undef SHOP_QUEUE_PG_CASE_COLUMNS
#undef SHOP_QUEUE_PG_ALL_CASES
#undef SHOP_QUEUE_PG_REMOTE_CASES

// Photos of remote applications: the sealed bytes travel as hex (parameters
// and results are text). $1 case, $2 kind, $3 image type, $4 hex.
constexpr Statement kHasPhoto{"cases_has_photo",
                              "SELECT 1 AS one FROM case_photos WHERE case_id = $1 AND kind = $2"};

constexpr Statement kInsertPhoto{
    "cases_insert_photo",
    "INSERT INTO case_photos (case_id, kind, image_type, sealed) "
    "VALUES ($1, $2, $3, decode($4, 'hex'))"};

constexpr Statement kCasePhotos{
    "cases_photos",
    "SELECT case_id, kind, image_type, encode(sealed, 'hex') AS sealed_hex FROM case_photos "
    "WHERE case_id = $1 ORDER BY kind"};

// $1 case, $2 time (us), $3.. step, outcome, actor, supervisor, detail: the
// next seq of the case (the engine's lock serializes writers).
constexpr Statement kAppendCaseRecord{
    "cases_append_record",
    "INSERT INTO sim_case_records (case_id, seq, time_us, step, outcome, actor, supervisor, "
    "detail) SELECT $1::bigint, COALESCE(MAX(seq), 0) + 1, $2::bigint, $3::text, $4::text, "
    "$5::text, $6::text, $7::text FROM sim_case_records WHERE case_id = $1 RETURNING seq"};

constexpr Statement kCaseRecords{
    "cases_records",
    "SELECT case_id, seq, time_us, step, outcome, actor, supervisor, detail "
    "FROM sim_case_records WHERE case_id = $1 ORDER BY seq"};

// $1 branch, $2 year: the year's next number, 1 for the first.
constexpr Statement kNextReceiptNumber{
    "cases_next_receipt_number",
    "INSERT INTO receipt_sequences (branch_id, year, last_number) VALUES ($1, $2, 1) "
    "ON CONFLICT (branch_id, year) DO UPDATE "
    "SET last_number = receipt_sequences.last_number + 1 RETURNING last_number"};

// $1 cutoff (us), $2 limit: the oldest finished cases not yet erased.
constexpr Statement kCasesToErase{
    "cases_to_erase",
    "SELECT case_id AS id FROM sim_cases WHERE erased = 0 AND finished_us < $1 "
    "ORDER BY finished_us, case_id LIMIT $2"};

// $1 case id: what erasing a case removes (its form's personal fields, its
// photos, a remote case's tracking number).
constexpr Statement kEraseCase{
    "cases_erase",
    "UPDATE sim_cases SET phone = NULL, full_name = NULL, document_hash = NULL, "
    "document_last4 = NULL, contact = NULL, erased = 1 WHERE case_id = $1"};
constexpr Statement kEraseCasePhotos{"cases_erase_photos",
                                     "DELETE FROM case_photos WHERE case_id = $1"};
constexpr Statement kEraseRemoteCase{
    "cases_erase_remote", "UPDATE remote_cases SET tracking_number = '' WHERE case_id = $1"};

// Failed identity checks: failures are comma-separated microsecond times.
constexpr Statement kGetIdentityAttempts{
    "cases_get_identity_attempts",
    "SELECT failures, locked_until_us FROM identity_attempts WHERE phone = $1"};

constexpr Statement kSaveIdentityAttempts{
    "cases_save_identity_attempts",
    "INSERT INTO identity_attempts (phone, failures, locked_until_us) VALUES ($1, $2, $3) "
    "ON CONFLICT (phone) DO UPDATE SET failures = EXCLUDED.failures, "
    "locked_until_us = EXCLUDED.locked_until_us"};

constexpr Statement kDeleteIdentityAttempts{
    "cases_delete_identity_attempts", "DELETE FROM identity_attempts WHERE phone = $1"};
constexpr Statement kListIdentityAttempts{
    "cases_list_identity_attempts",
    "SELECT phone, failures, locked_until_us FROM identity_attempts ORDER BY phone"};

// `field` of the form, NULL without a form.
Param FormText(const std::optional<CaseForm>& form, std::string CaseForm::*field) {
  if (!form) return Param();
  return (*form).*field;
}

template <typename E>
Param OptEnum(const std::optional<E>& v) {
  if (!v) return Param();
  return int64_t(*v);
}

// The case's fields from state on, in the column order of kInsertCase
// (state, phone, ..., erased): 19 parameters appended to `p`.
void AppendCaseFields(std::vector<Param>& p, const SimCase& c) {
  const auto& f = c.form;
  p.push_back(int64_t(c.state));
  p.push_back(FormText(f, &CaseForm::phone));
  p.push_back(FormText(f, &CaseForm::operator_id));
  p.push_back(f ? Param(int64_t(f->reason)) : Param());
  p.push_back(FormText(f, &CaseForm::full_name));
  p.push_back(f ? Param(int64_t(f->document_type)) : Param());
  p.push_back(FormText(f, &CaseForm::document_hash));
  p.push_back(FormText(f, &CaseForm::document_last4));
  p.push_back(FormText(f, &CaseForm::contact));
  p.push_back(OptEnum(c.question));
  p.push_back(FlagParam(c.identity_passed));
  p.push_back(c.fee_roubles);
  p.push_back(OptEnum(c.payment));
  p.push_back(c.receipt_number);
  p.push_back(c.old_iccid);
  p.push_back(c.new_iccid);
  p.push_back(FlagParam(c.refunded));
  p.push_back(OptTimeParam(c.finished));
  p.push_back(FlagParam(c.erased));
}

// An expiry as stored: never (absl::InfiniteFuture()) is the largest
// integer, and back (as on SQLite).
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

// The remote details from delivery on, in the column order of
// kInsertRemoteCase (delivery, ..., expires_us): 12 parameters appended to
// `p`.
void AppendRemoteFields(std::vector<Param>& p, const RemoteDetails& d) {
  p.push_back(int64_t(d.delivery));
  p.push_back(d.pickup_branch_id);
  p.push_back(int64_t(d.language));
  p.push_back(FlagParam(d.document_matches));
  p.push_back(int64_t{d.risk_score});
  p.push_back(d.risk_factors);
  p.push_back(d.first_approver);
  p.push_back(d.reviewer);
  p.push_back(d.decision_reason);
  p.push_back(d.activation_code_hash);
  p.push_back(d.tracking_number);
  p.push_back(ExpiryMicros(d.expires));
}

// Row `i` of a SHOP_QUEUE_PG_CASE_COLUMNS result.
SimCase ReadCase(const Rows& r, int i) {
  SimCase c;
  c.case_id = r.Int(i, "case_id");
  c.branch_id = r.Text(i, "branch_id");
  c.ticket_id = r.Int(i, "ticket_id");  // NULL (the remote route) reads as 0
  c.counter_id = r.Text(i, "counter_id");
  c.opened_by = r.Text(i, "opened_by");
  c.opened = absl::FromUnixMicros(r.Int(i, "opened_us"));
  c.state = static_cast<CaseState>(r.Int(i, "state"));
  // The form was taken when its non-personal columns are set; erasure
  // leaves those and blanks the personal ones.
  if (!r.IsNull(i, "operator_id")) {
    CaseForm f;
    f.phone = r.Text(i, "phone");
    f.operator_id = r.Text(i, "operator_id");
    f.reason = static_cast<ReplacementReason>(r.Int(i, "reason"));
    f.full_name = r.Text(i, "full_name");
    f.document_type = static_cast<DocumentType>(r.Int(i, "document_type"));
    f.document_hash = r.Text(i, "document_hash");
    f.document_last4 = r.Text(i, "document_last4");
    f.contact = r.Text(i, "contact");
    c.form = std::move(f);
  }
  if (!r.IsNull(i, "question")) c.question = static_cast<QuestionKind>(r.Int(i, "question"));
  c.identity_passed = r.Int(i, "identity_passed") != 0;
  c.fee_roubles = r.Int(i, "fee_roubles");
  if (!r.IsNull(i, "payment")) c.payment = static_cast<PaymentMethod>(r.Int(i, "payment"));
  c.receipt_number = r.Text(i, "receipt_number");
  c.old_iccid = r.Text(i, "old_iccid");
  c.new_iccid = r.Text(i, "new_iccid");
  c.refunded = r.Int(i, "refunded") != 0;
  c.finished = OptTimeColumn(r, i, "finished_us");
  c.erased = r.Int(i, "erased") != 0;
  c.route = static_cast<CaseRoute>(r.Int(i, "route"));
  if (!r.IsNull(i, "reference_hash")) {
    RemoteDetails d;
    d.reference_hash = r.Text(i, "reference_hash");
    d.delivery = static_cast<Delivery>(r.Int(i, "delivery"));
    d.pickup_branch_id = r.Text(i, "pickup_branch_id");
    d.language = static_cast<Language>(r.Int(i, "language"));
    d.document_matches = r.Int(i, "document_matches") != 0;
    d.risk_score = static_cast<int>(r.Int(i, "risk_score"));
    d.risk_factors = r.Text(i, "risk_factors");
    d.first_approver = r.Text(i, "first_approver");
    d.reviewer = r.Text(i, "reviewer");
    d.decision_reason = r.Text(i, "decision_reason");
    d.activation_code_hash = r.Text(i, "activation_code_hash");
    d.tracking_number = r.Text(i, "tracking_number");
    d.expires = ExpiryTime(r.Int(i, "expires_us"));
    c.remote = std::move(d);
  }
  return c;
}

// Every row of a SHOP_QUEUE_PG_CASE_COLUMNS result.
Result<std::vector<SimCase>> ReadCases(const Rows& r) {
  std::vector<SimCase> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(ReadCase(r, i));
  QUEUE_RETURN_IF_ERROR(r.status());
  return out;
}

// A case's route and its details agree: a counter case has no remote
// details, a remote case its details and no ticket (as on SQLite).
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

// Bytes <-> lower-case hex (bytea through the text protocol).
std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::optional<std::string> FromHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi << 4 | lo);
  }
  return out;
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
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
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

Status PgCaseRepo::InsertCase(SimCase& c) {
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
  std::vector<Param> p = {c.branch_id, c.ticket_id != 0 ? Param(c.ticket_id) : Param(),
                          c.counter_id, c.opened_by, absl::ToUnixMicros(c.opened)};
  AppendCaseFields(p, c);
  p.push_back(int64_t(c.route));
  auto rows = conn_.Query(kInsertCase, p);
  if (!rows.ok()) return rows.status();
  const int64_t id = rows->Int(0, "case_id");
  QUEUE_RETURN_IF_ERROR(rows->status());
  if (c.remote) {
    std::vector<Param> r = {id, c.remote->reference_hash};
    AppendRemoteFields(r, *c.remote);
    QUEUE_RETURN_IF_ERROR(conn_.Query(kInsertRemoteCase, r).status());
  }
  c.case_id = id;
  return Status::Ok();
}

Status PgCaseRepo::UpdateCase(const SimCase& c, CaseState expected) {
  QUEUE_RETURN_IF_ERROR(CheckRoute(c));
  std::vector<Param> p = {c.branch_id, c.case_id, c.counter_id};
  AppendCaseFields(p, c);
  p.push_back(int64_t(expected));
  auto rows = conn_.Query(kUpdateCase, p);
  if (!rows.ok()) return rows.status();
  if (rows->affected() != 1)
    return Status::Aborted("case " + std::to_string(c.case_id) + " changed meanwhile; try again");
  if (!c.remote) return Status::Ok();
  std::vector<Param> r = {c.case_id, c.remote->reference_hash};
  AppendRemoteFields(r, *c.remote);
  auto remote = conn_.Query(kUpdateRemoteCase, r);
  if (!remote.ok()) return remote.status();
  if (remote->affected() != 1)
    return Status::Internal("case " + std::to_string(c.case_id) +
                            " is not a remote case with this reference");
  return Status::Ok();
}

Result<std::optional<SimCase>> PgCaseRepo::GetCase(const std::string& branch_id,
                                                   int64_t case_id) {
  return OneCase(kGetCase, branch_id, case_id);
}

Result<std::optional<SimCase>> PgCaseRepo::CaseOfTicket(const std::string& branch_id,
                                                        int64_t ticket_id) {
  return OneCase(kCaseOfTicket, branch_id, ticket_id);
}

Result<std::optional<SimCase>> PgCaseRepo::OpenCaseOfPhone(const std::string& phone,
                                                           int64_t except_case_id) {
  return OneCase(kOpenCaseOfPhone, phone, except_case_id);
}

Result<std::optional<SimCase>> PgCaseRepo::GetRemoteCase(int64_t case_id) {
  auto rows = conn_.Query(kGetRemoteCase, {case_id});
  if (!rows.ok()) return rows.status();
  auto found = ReadCases(*rows);
  if (!found.ok()) return found.status();
  if (found->empty()) return std::optional<SimCase>();
  return std::optional<SimCase>(std::move(found->front()));
}

Result<std::optional<SimCase>> PgCaseRepo::RemoteCaseByReference(
    const std::string& reference_hash) {
  auto rows = conn_.Query(kRemoteCaseByReference, {reference_hash});
  if (!rows.ok()) return rows.status();
  auto found = ReadCases(*rows);
  if (!found.ok()) return found.status();
  if (found->empty()) return std::optional<SimCase>();
  return std::optional<SimCase>(std::move(found->front()));
}

Result<std::vector<SimCase>> PgCaseRepo::RemoteCasesInState(CaseState state,
                                                            const std::string& branch_id,
                                                            int limit) {
  auto rows = conn_.Query(
      CaseFinished(state) ? kRemoteCasesInFinishedState : kRemoteCasesInOpenState,
      {int64_t(state), codec::Limit(limit), branch_id});
  if (!rows.ok()) return rows.status();
  return ReadCases(*rows);
}

Result<std::vector<SimCase>> PgCaseRepo::ExpiredRemoteCases(absl::Time now, int limit) {
  auto rows = conn_.Query(kExpiredRemoteCases, {ExpiryMicros(now), codec::Limit(limit)});
  if (!rows.ok()) return rows.status();
  return ReadCases(*rows);
}

Result<std::vector<StoredPhoto>> PgCaseRepo::CasePhotos(int64_t case_id) {
  auto rows = conn_.Query(kCasePhotos, {case_id});
  if (!rows.ok()) return rows.status();
  const Rows& r = *rows;
  std::vector<StoredPhoto> out;
  for (int i = 0; i < r.size(); ++i) {
    auto sealed = FromHex(r.Text(i, "sealed_hex"));
    if (!sealed) return Status::Internal("a stored photo did not come back as hex");
    out.push_back(StoredPhoto{r.Int(i, "case_id"), r.Text(i, "kind"),
                              static_cast<ImageType>(r.Int(i, "image_type")),
                              std::move(*sealed)});
  }
  QUEUE_RETURN_IF_ERROR(r.status());
  return out;
}

Status PgCaseRepo::SavePhoto(const StoredPhoto& photo) {
  auto owner = GetRemoteCase(photo.case_id);
  if (!owner.ok()) return owner.status();
  if (!*owner)
    return Status::NotFound("remote case " + std::to_string(photo.case_id) + " not found");
  auto has = conn_.Query(kHasPhoto, {photo.case_id, photo.kind});
  if (!has.ok()) return has.status();
  if (has->size() > 0)
    return Status::AlreadyExists("case " + std::to_string(photo.case_id) + " already has a " +
                                 photo.kind + " photo");
  return conn_
      .Query(kInsertPhoto,
             {photo.case_id, photo.kind, int64_t(photo.type), ToHex(photo.sealed)})
      .status();
}

Status PgCaseRepo::AppendCaseRecord(CaseRecord& r) {
  auto rows = conn_.Query(kAppendCaseRecord, {r.case_id, absl::ToUnixMicros(r.time), r.step,
                                              r.outcome, r.actor, r.supervisor, r.detail});
  if (!rows.ok()) return rows.status();
  const int64_t seq = rows->Int(0, "seq");
  QUEUE_RETURN_IF_ERROR(rows->status());
  r.seq = static_cast<int>(seq);
  return Status::Ok();
}

Result<std::vector<CaseRecord>> PgCaseRepo::CaseRecords(int64_t case_id) {
  auto rows = conn_.Query(kCaseRecords, {case_id});
  if (!rows.ok()) return rows.status();
  const Rows& r = *rows;
  std::vector<CaseRecord> out;
  for (int i = 0; i < r.size(); ++i)
    out.push_back(CaseRecord{r.Int(i, "case_id"), static_cast<int>(r.Int(i, "seq")),
                             absl::FromUnixMicros(r.Int(i, "time_us")), r.Text(i, "step"),
                             r.Text(i, "outcome"), r.Text(i, "actor"), r.Text(i, "supervisor"),
                             r.Text(i, "detail")});
  QUEUE_RETURN_IF_ERROR(r.status());
  return out;
}

Result<int64_t> PgCaseRepo::NextReceiptNumber(const std::string& branch_id, int year) {
  auto rows = conn_.Query(kNextReceiptNumber, {branch_id, year});
  if (!rows.ok()) return rows.status();
  const int64_t n = rows->Int(0, "last_number");
  QUEUE_RETURN_IF_ERROR(rows->status());
  return n;
}

Result<int> PgCaseRepo::EraseFinishedCases(absl::Time cutoff, int limit) {
  return EraseFinishedRows(conn_, kCasesToErase,
                           {&kEraseCase, &kEraseCasePhotos, &kEraseRemoteCase}, CaseSubject,
                           cutoff, limit);
}

Result<IdentityAttempts> PgCaseRepo::GetIdentityAttempts(const std::string& phone) {
  auto rows = conn_.Query(kGetIdentityAttempts, {phone});
  if (!rows.ok()) return rows.status();
  IdentityAttempts a;
  if (rows->size() > 0) {
    a.failures = SplitTimes(rows->Text(0, "failures"));
    a.locked_until = OptTimeColumn(*rows, 0, "locked_until_us");
  }
  QUEUE_RETURN_IF_ERROR(rows->status());
  return a;
}

Result<std::vector<std::pair<std::string, IdentityAttempts>>>
PgCaseRepo::ListIdentityAttempts() {
  auto rows = conn_.Query(kListIdentityAttempts, {});
  if (!rows.ok()) return rows.status();
  std::vector<std::pair<std::string, IdentityAttempts>> out;
  for (int i = 0; i < rows->size(); ++i) {
    IdentityAttempts a;
    a.failures = SplitTimes(rows->Text(i, "failures"));
    a.locked_until = OptTimeColumn(*rows, i, "locked_until_us");
    out.emplace_back(rows->Text(i, "phone"), std::move(a));
  }
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Status PgCaseRepo::SaveIdentityAttempts(const std::string& phone, const IdentityAttempts& a) {
  // Nothing to remember: keep no row keyed by the phone number.
  if (a.failures.empty() && a.locked_until == absl::InfinitePast())
    return conn_.Query(kDeleteIdentityAttempts, {phone}).status();
  return conn_.Query(kSaveIdentityAttempts, {phone, JoinTimes(a.failures),
                                             OptTimeParam(a.locked_until)})
      .status();
}

// The one case `stmt` selects with $1 = `key` (a branch or a phone), $2 = `id`.
Result<std::optional<SimCase>> PgCaseRepo::OneCase(const Statement& stmt, const std::string& key,
                                                   int64_t id) {
  auto rows = conn_.Query(stmt, {key, id});
  if (!rows.ok()) return rows.status();
  std::optional<SimCase> out;
  if (rows->size() > 0) out = ReadCase(*rows, 0);
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

}  // namespace shop::queue::pg
