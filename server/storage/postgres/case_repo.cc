#include "server/storage/postgres/case_repo.h"

#include <exception>
#include <sstream>

#include "server/storage/postgres/pg_conn.h"
#include "server/storage/postgres/pg_erase.h"

namespace shop::queue::pg {

namespace {

// SIM-replacement cases. The form's columns are NULL until the form step;
// the personal ones are NULL again once erased.
#define SHOP_QUEUE_PG_CASE_COLUMNS                                                            \
  "case_id, branch_id, ticket_id, counter_id, opened_by, opened_us, state, phone, "           \
  "operator_id, reason, full_name, document_type, document_hash, document_last4, contact, "   \
  "question, identity_passed, fee_roubles, payment, receipt_number, old_iccid, new_iccid, "   \
  "refunded, finished_us, erased"

// $1 branch, $2 ticket, $3 counter, $4 opened by, $5 opened (us), $6.. the
// fields (CaseFieldParams).
constexpr Statement kInsertCase{
    "cases_insert",
    "INSERT INTO sim_cases (branch_id, ticket_id, counter_id, opened_by, opened_us, state, "
    "phone, operator_id, reason, full_name, document_type, document_hash, document_last4, "
    "contact, question, identity_passed, fee_roubles, payment, receipt_number, old_iccid, "
    "new_iccid, refunded, finished_us, erased) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
    "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24) "
    "RETURNING case_id"};

// $1 branch, $2 case id, $3 counter, $4.. the fields (CaseFieldParams), $23
// the expected state. Personal data erased once is never written back,
// whatever the caller holds.
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

constexpr Statement kGetCase{
    "cases_get",
    "SELECT " SHOP_QUEUE_PG_CASE_COLUMNS " FROM sim_cases WHERE branch_id = $1 AND case_id = $2"};

constexpr Statement kCaseOfTicket{
    "cases_of_ticket",
    "SELECT " SHOP_QUEUE_PG_CASE_COLUMNS
    " FROM sim_cases WHERE ticket_id = $2 AND state <> 8 AND branch_id = $1"};

// $1 phone, $2 a case to leave out: another open case on the number, any branch.
constexpr Statement kOpenCaseOfPhone{
    "cases_open_of_phone",
    "SELECT " SHOP_QUEUE_PG_CASE_COLUMNS
    " FROM sim_cases WHERE phone = $1 AND state NOT IN (7, 8) AND case_id <> $2 "
    "ORDER BY case_id LIMIT 1"};

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

constexpr Statement kEraseCase{
    "cases_erase",
    "UPDATE sim_cases SET phone = NULL, full_name = NULL, document_hash = NULL, "
    "document_last4 = NULL, contact = NULL, erased = 1 WHERE case_id = $1"};

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

#undef SHOP_QUEUE_PG_CASE_COLUMNS

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

// Row `i` of a SHOP_QUEUE_PG_CASE_COLUMNS result.
SimCase ReadCase(const Rows& r, int i) {
  SimCase c;
  c.case_id = r.Int(i, "case_id");
  c.branch_id = r.Text(i, "branch_id");
  c.ticket_id = r.Int(i, "ticket_id");
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
  return c;
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
  auto existing = CaseOfTicket(c.branch_id, c.ticket_id);
  if (!existing.ok()) return existing.status();
  if (*existing)
    return Status::AlreadyExists("ticket " + std::to_string(c.ticket_id) + " already has case " +
                                 std::to_string((*existing)->case_id));
  std::vector<Param> p = {c.branch_id, c.ticket_id, c.counter_id, c.opened_by,
                          absl::ToUnixMicros(c.opened)};
  AppendCaseFields(p, c);
  auto rows = conn_.Query(kInsertCase, p);
  if (!rows.ok()) return rows.status();
  const int64_t id = rows->Int(0, "case_id");
  QUEUE_RETURN_IF_ERROR(rows->status());
  c.case_id = id;
  return Status::Ok();
}

Status PgCaseRepo::UpdateCase(const SimCase& c, CaseState expected) {
  std::vector<Param> p = {c.branch_id, c.case_id, c.counter_id};
  AppendCaseFields(p, c);
  p.push_back(int64_t(expected));
  auto rows = conn_.Query(kUpdateCase, p);
  if (!rows.ok()) return rows.status();
  if (rows->affected() != 1)
    return Status::Aborted("case " + std::to_string(c.case_id) + " changed meanwhile; try again");
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
  return EraseFinishedRows(conn_, kCasesToErase, kEraseCase, CaseSubject, cutoff, limit);
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
