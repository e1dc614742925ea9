#include "server/storage/postgres/ticket_repo.h"

#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

Result<int> PgTicketRepo::NextNumber(const std::string& branch_id, const std::string& prefix, const std::string& day) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgTicketRepo::InsertTicket(Ticket& t) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgTicketRepo::UpdateTicket(const Ticket& t, TicketState expected) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<Ticket>> PgTicketRepo::GetTicket(const std::string& branch_id, int64_t id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<Ticket>> PgTicketRepo::TicketByStatusToken(const std::string& token) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<Ticket>> PgTicketRepo::TicketByNumber(const std::string& branch_id, const std::string& prefix, const std::string& business_day, int number) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<Ticket>> PgTicketRepo::CallCandidates(const std::string& branch_id, const std::set<std::string>& services, absl::Time now) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<int> PgTicketRepo::CountWaiting(const std::string& branch_id, const std::string& service, QueueTier tier, absl::Time now, const Ticket* before) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<Ticket>> PgTicketRepo::ListAtCounter(const std::string& branch_id, const std::string& counter_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<TicketEvent>> PgTicketRepo::ListTransfers(const std::string& branch_id, int64_t ticket_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<Ticket>> PgTicketRepo::ListUnfinished(const std::string& branch_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<Ticket>> PgTicketRepo::ListTickets(const std::string& branch_id, const std::string& day, std::optional<TicketState> state, int64_t after_id, int limit) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::map<std::string, int>> PgTicketRepo::WaitingCounts(const std::string& branch_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<absl::Duration>> PgTicketRepo::RecentServiceTimes(const std::string& branch_id, const std::string& prefix, int limit) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<PriorRequest>> PgTicketRepo::FindRequest(const std::string& branch_id, const std::string& method, const std::string& caller, const std::string& request_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgTicketRepo::SaveRequest(const std::string& branch_id, const std::string& method, const std::string& caller, const std::string& request_id, const std::string& params, int64_t ticket_id, absl::Time now) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<CounterRow>> PgTicketRepo::GetCounter(const std::string& branch_id, const std::string& counter_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<CounterRow>> PgTicketRepo::ListCounters(const std::string& branch_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgTicketRepo::SaveCounter(const CounterRow& c) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgTicketRepo::AppendEvent(const TicketEvent& e) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<CallRecord>> PgTicketRepo::RecentCalls(const std::string& branch_id, int limit) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<Ticket>> PgTicketRepo::DueAppointments(const std::string& branch_id, absl::Time due_by, int limit) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<CallRecord>> PgTicketRepo::CallsAfter(const std::string& branch_id, int64_t after_event_id, int limit) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

}  // namespace shop::queue::pg
