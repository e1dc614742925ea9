// What every use case that changes a ticket or acts at a counter shares
// (QueueManager and CaseManager): loading a ticket, the clerk-owns-the-counter
// rule, and writing a ticket's history line with its audit record.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "server/domain/staff/auth.h"
#include "server/domain/common/branch.h"
#include "server/domain/common/status.h"
#include "server/domain/store.h"
#include "server/domain/queue/ticket.h"

namespace shop::queue {

// "clerk:anna" for the audit log; "" for internal callers (nullptr).
std::string ActorName(const Principal* who);

// The history line of a change to `t`, done by `who` (nullptr: the system or
// an unauthenticated internal caller).
TicketEvent EventFor(const Ticket& t, std::string kind, TicketState from, absl::Time now,
                     const Principal* who, std::string detail = {});

// Appends the ticket's history line and its audit record.
Status RecordTicketEvent(WriteTx& tx, const TicketEvent& e);

// Issues the next number of `service` for the current business day as a
// waiting ticket (appointments with their due time) with `status_token`
// (StatusToken) and records it. A phone for "your turn is near" is the
// caller's to keep after it (KeepNoticePhone, turn_near.h).
Result<Ticket> IssueTicket(WriteTx& tx, const BranchConfig& branch, const std::string& service,
                           Language language, Priority priority, Origin origin, absl::Time due,
                           absl::Time now, const Principal* who, const std::string& status_token,
                           const std::string& detail = {});

// The ticket with `id` in the branch, or NOT_FOUND.
Result<Ticket> LoadTicket(ReadTx& tx, const std::string& branch_id, int64_t id);

// A clerk may act only at a counter he has open himself (not at a closed
// one); supervisors and admins (and internal callers, who == nullptr)
// anywhere. PERMISSION_DENIED otherwise.
Status CheckCounterOwner(ReadTx& tx, const std::string& branch_id,
                         const std::string& counter_id, const Principal* who);

// For opening and closing a counter: a clerk may take a closed counter or
// change his own, not one another clerk has open. PERMISSION_DENIED otherwise.
Status CheckCounterNotTaken(ReadTx& tx, const std::string& branch_id,
                            const std::string& counter_id, const Principal* who);

}  // namespace shop::queue
