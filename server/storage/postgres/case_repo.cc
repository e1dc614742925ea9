#include "server/storage/postgres/case_repo.h"

#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

Status PgCaseRepo::InsertCase(SimCase& c) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgCaseRepo::UpdateCase(const SimCase& c, CaseState expected) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<SimCase>> PgCaseRepo::GetCase(const std::string& branch_id, int64_t case_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<SimCase>> PgCaseRepo::CaseOfTicket(const std::string& branch_id, int64_t ticket_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<SimCase>> PgCaseRepo::OpenCaseOfPhone(const std::string& phone, int64_t except_case_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgCaseRepo::AppendCaseRecord(CaseRecord& r) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<CaseRecord>> PgCaseRepo::CaseRecords(int64_t case_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<int64_t> PgCaseRepo::NextReceiptNumber(const std::string& branch_id, int year) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<int> PgCaseRepo::EraseFinishedCases(absl::Time cutoff, int limit) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<IdentityAttempts> PgCaseRepo::GetIdentityAttempts(const std::string& phone) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgCaseRepo::SaveIdentityAttempts(const std::string& phone, const IdentityAttempts& a) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<Subscriber>> PgCaseRepo::GetSubscriber(const std::string& phone) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgCaseRepo::SaveSubscriber(const Subscriber& sub) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgCaseRepo::SwapActiveCard(const std::string& phone, const std::string& old_iccid, const std::string& new_iccid, absl::Time now) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::string> PgCaseRepo::CardState(const std::string& iccid) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<StockCard>> PgCaseRepo::GetStockCard(const std::string& iccid) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgCaseRepo::AddStockCard(const StockCard& card) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgCaseRepo::IssueStockCard(const std::string& iccid, int64_t case_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

}  // namespace shop::queue::pg
