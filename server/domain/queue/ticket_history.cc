#include "server/domain/queue/ticket_history.h"

#include "server/domain/queue/queue_policy.h"

namespace shop::queue {

std::string ActorName(const Principal* who) {
  return who ? std::string(RoleName(who->role)) + ":" + who->id : std::string();
}

// The history line of a change to `t`, done by `who` (nullptr: the system or
// an unauthenticated internal caller).
TicketEvent EventFor(const Ticket& t, std::string kind, TicketState from, absl::Time now,
                     const Principal* who, std::string detail) {
  TicketEvent e;
  e.ticket_id = t.id;
  e.branch_id = t.branch_id;
  e.time = now;
  e.kind = std::move(kind);
  e.from = from;
  e.to = t.state;
  e.counter_id = t.counter_id;
  e.actor = ActorName(who);
  e.recall_count = t.recall_count;
  e.detail = std::move(detail);
  return e;
}

// The ticket with `id` in the branch, or NOT_FOUND.
Result<Ticket> LoadTicket(ReadTx& tx, const std::string& branch_id, int64_t id) {
  auto t = tx.tickets().GetTicket(branch_id, id);
  if (!t.ok()) return t.status();
  if (!t->has_value())
    return Status::NotFound("ticket " + std::to_string(id) + " does not exist in branch " +
                            branch_id);
  return **t;
}

// Who acted, for the audit log: the authenticated caller, else the kind of
// device or process.
static std::string ActorOf(const TicketEvent& e) {
  if (!e.actor.empty()) return e.actor;
  if (e.kind == "create") return "kiosk";
  if (e.kind == "expire") return "system:expiry";
  return "counter:" + e.counter_id;
}

Status RecordTicketEvent(WriteTx& tx, const TicketEvent& e) {
  QUEUE_RETURN_IF_ERROR(tx.tickets().AppendEvent(e));
  AuditRecord r;
  r.time = e.time;
  r.actor = ActorOf(e);
  r.action = "ticket." + e.kind;
  r.subject = "ticket:" + std::to_string(e.ticket_id);
  r.detail = std::string("branch=") + e.branch_id + " " + StateName(e.from) + "->" +
             StateName(e.to) + (e.counter_id.empty() ? "" : " counter=" + e.counter_id) +
             (e.detail.empty() ? "" : " " + e.detail);
  return tx.audit().AppendAudit(r);
}

namespace {

// The clerk's right to a counter whose row is `row`: PERMISSION_DENIED when
// another clerk has it open, or (unless `closed_ok`) when it is closed.
Status ClerkMayUse(const std::optional<CounterRow>& row, const std::string& counter_id,
                   const Principal& clerk, bool closed_ok) {
  if (!row || !row->open) {
    if (closed_ok) return Status::Ok();
    return Status::PermissionDenied("counter " + counter_id +
                                    " is closed; a clerk acts only at a counter he has open "
                                    "(open it first, or ask a supervisor)");
  }
  if (row->clerk_login == clerk.id) return Status::Ok();
  return Status::PermissionDenied("counter " + counter_id + " is open by " +
                                  (row->clerk_login.empty() ? "someone else" : row->clerk_login) +
                                  "; a clerk acts only at his own counter");
}

Status CheckClerk(ReadTx& tx, const std::string& branch_id, const std::string& counter_id,
                  const Principal* who, bool closed_ok) {
  if (!who || who->role != Role::kClerk) return Status::Ok();
  auto row = tx.tickets().GetCounter(branch_id, counter_id);
  if (!row.ok()) return row.status();
  return ClerkMayUse(*row, counter_id, *who, closed_ok);
}

}  // namespace

// A clerk may act only at a counter he has open himself; supervisors and
// admins (and internal callers, who == nullptr) anywhere. A closed counter
// belongs to nobody: its parked tickets and their cases wait for whoever
// opens it next (or a supervisor).
Status CheckCounterOwner(ReadTx& tx, const std::string& branch_id,
                         const std::string& counter_id, const Principal* who) {
  return CheckClerk(tx, branch_id, counter_id, who, /*closed_ok=*/false);
}

// Opening or closing: a clerk may take a closed counter or change his own;
// a counter another clerk has open is his until he closes it.
Status CheckCounterNotTaken(ReadTx& tx, const std::string& branch_id,
                            const std::string& counter_id, const Principal* who) {
  return CheckClerk(tx, branch_id, counter_id, who, /*closed_ok=*/true);
}

Result<Ticket> IssueTicket(WriteTx& tx, const BranchConfig& branch, const std::string& service,
                           Language language, Priority priority, Origin origin, absl::Time due,
                           absl::Time now, const Principal* who,
                           const std::string& status_token, const std::string& detail) {
  Ticket t;
  t.status_token = status_token;
  t.branch_id = branch.branch_id;
  t.number_prefix = service;
  t.service_prefix = service;
  t.business_day = branch.BusinessDay(now);
  auto n = tx.tickets().NextNumber(t.branch_id, t.number_prefix, t.business_day);
  if (!n.ok()) return n.status();
  t.number = *n;
  t.state = TicketState::kWaiting;
  t.priority = priority;
  t.origin = origin;
  t.due_time = due;
  t.language = language;
  t.issue_time = now;
  QUEUE_RETURN_IF_ERROR(tx.tickets().InsertTicket(t));
  QUEUE_RETURN_IF_ERROR(
      RecordTicketEvent(tx, EventFor(t, "create", TicketState::kWaiting, now, who, detail)));
  return t;
}

}  // namespace shop::queue
