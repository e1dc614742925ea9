// The tickets-and-counters area of the store: numbering, tickets, their
// history, idempotent requests and the counters (see server/domain/store.h
// for transactions). TicketReader is what a read transaction offers;
// TicketRepo adds the writes and is offered only inside a write transaction.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/common/status.h"
#include "server/domain/queue/queue_policy.h"
#include "server/domain/queue/ticket.h"

namespace shop::queue {

struct CounterRow {
  std::string branch_id;
  std::string counter_id;
  bool open = false;
  std::vector<std::string> services;  // served while open
  std::string clerk_login;            // who opened it ("" if nobody known)
};

// One line of a ticket's history (the audit log has its own chain).
struct TicketEvent {
  int64_t ticket_id = 0;
  std::string branch_id;
  absl::Time time;
  std::string kind;  // "create", "call", "recall", "start", "complete", ...
  TicketState from = TicketState::kWaiting;
  TicketState to = TicketState::kWaiting;
  std::string counter_id;
  std::string actor;     // who did it, for the audit log ("" = derived)
  int recall_count = 0;  // the ticket's recall count after the event
  std::string detail;    // free text, never personal data
};

// What an earlier client request produced (idempotency).
struct PriorRequest {
  int64_t ticket_id = 0;
  std::string params;  // the request's parameters, as SaveRequest got them
};

// A call as the board shows it.
struct CallRecord {
  int64_t ticket_id = 0;
  std::string display_number;
  std::string counter_id;
  absl::Time time;
  int recall_count = 0;
  bool appointment = false;
  Language language = Language::kRu;  // the customer's, for the announcement
  std::string service_prefix;
  int64_t event_id = 0;  // its history line, when read from the store (0: not)
};

// A waiting ticket whose customer left a phone for "your turn is near"
// (turn_near.h) and has not had that notice yet.
struct NoticeCandidate {
  Ticket ticket;
  std::string phone;  // +7XXXXXXXXXX; personal data
  Language language = Language::kRu;
};

class TicketReader {
 public:
  virtual ~TicketReader() = default;

  virtual Result<std::optional<Ticket>> GetTicket(const std::string& branch_id, int64_t id) = 0;
  // The ticket with this status token (Ticket::status_token), any branch.
  virtual Result<std::optional<Ticket>> TicketByStatusToken(const std::string& token) = 0;
  // The ticket printed as `prefix` + `number` on `business_day`, if any.
  virtual Result<std::optional<Ticket>> TicketByNumber(const std::string& branch_id,
                                                       const std::string& prefix,
                                                       const std::string& business_day,
                                                       int number) = 0;
  // For each of `services`, the first waiting ticket of each callable tier
  // (due appointments, priority, walk-ins) in that tier's order (see
  // queue_policy.h): at most three per service. PickNext over these gives
  // the same answer as over every waiting ticket.
  virtual Result<std::vector<Ticket>> CallCandidates(const std::string& branch_id,
                                                     const std::set<std::string>& services,
                                                     absl::Time now) = 0;
  // How many waiting tickets of `service` are in `tier` at `now`; with
  // `before`, only those ordered before it within the tier.
  virtual Result<int> CountWaiting(const std::string& branch_id, const std::string& service,
                                   QueueTier tier, absl::Time now, const Ticket* before) = 0;
  // Tickets at a counter in called, serving or parked state.
  virtual Result<std::vector<Ticket>> ListAtCounter(const std::string& branch_id,
                                                    const std::string& counter_id) = 0;
  // The "transfer" events of a ticket, oldest first (detail "R->P").
  virtual Result<std::vector<TicketEvent>> ListTransfers(const std::string& branch_id,
                                                         int64_t ticket_id) = 0;
  // Tickets in waiting or parked state on any day (candidates for expiry).
  virtual Result<std::vector<Ticket>> ListUnfinished(const std::string& branch_id) = 0;
  // Tickets of one business day with id > after_id, ordered by id; state
  // filter optional.
  virtual Result<std::vector<Ticket>> ListTickets(const std::string& branch_id,
                                                  const std::string& day,
                                                  std::optional<TicketState> state,
                                                  int64_t after_id, int limit) = 0;
  virtual Result<std::map<std::string, int>> WaitingCounts(const std::string& branch_id) = 0;
  // Service durations of the most recent completed tickets of a service,
  // newest first.
  virtual Result<std::vector<absl::Duration>> RecentServiceTimes(const std::string& branch_id,
                                                                 const std::string& prefix,
                                                                 int limit) = 0;
  // The most recent calls of a branch, newest first.
  virtual Result<std::vector<CallRecord>> RecentCalls(const std::string& branch_id,
                                                      int limit) = 0;
  // The calls of a branch after history line `after_event_id`, oldest
  // first, at most `limit` (what a change feed has not shown yet).
  virtual Result<std::vector<CallRecord>> CallsAfter(const std::string& branch_id,
                                                     int64_t after_event_id, int limit) = 0;
  // Waiting appointment tickets due at or before `due_by` (overdue ones
  // included), earliest due first, at most `limit`.
  virtual Result<std::vector<Ticket>> DueAppointments(const std::string& branch_id,
                                                      absl::Time due_by, int limit) = 0;

  // Idempotency: the ticket a client request_id produced for a method. A
  // request id is its caller's own ("kiosk:hall-1", "clerk:anna"): another
  // caller's id is not found. `params` is the request's parameters in a
  // fixed text form, for telling a retry from a reuse.
  virtual Result<std::optional<PriorRequest>> FindRequest(const std::string& branch_id,
                                                          const std::string& method,
                                                          const std::string& caller,
                                                          const std::string& request_id) = 0;

  virtual Result<std::optional<CounterRow>> GetCounter(const std::string& branch_id,
                                                       const std::string& counter_id) = 0;
  virtual Result<std::vector<CounterRow>> ListCounters(const std::string& branch_id) = 0;

  // The waiting tickets of `service` with a phone left for "your turn is
  // near" and no notice yet, oldest first.
  virtual Result<std::vector<NoticeCandidate>> PendingNotices(const std::string& branch_id,
                                                              const std::string& service) = 0;
};

class TicketRepo : public TicketReader {
 public:
  // Returns the next number for branch x prefix x day (1 for the first),
  // recording it so it is never handed out again.
  virtual Result<int> NextNumber(const std::string& branch_id, const std::string& prefix,
                                 const std::string& day) = 0;
  // Inserts `t` and sets t.id.
  virtual Status InsertTicket(Ticket& t) = 0;
  // Writes `t` if its stored state is still `expected`; kAborted otherwise.
  virtual Status UpdateTicket(const Ticket& t, TicketState expected) = 0;
  virtual Status SaveRequest(const std::string& branch_id, const std::string& method,
                             const std::string& caller, const std::string& request_id,
                             const std::string& params, int64_t ticket_id, absl::Time now) = 0;
  virtual Status SaveCounter(const CounterRow& c) = 0;
  virtual Status AppendEvent(const TicketEvent& e) = 0;
  // Forgets the request ids stored before `before` (a retry that late is a
  // new request); returns how many.
  virtual Result<int> PruneRequests(absl::Time before) = 0;

  // Keeps `phone` for the "your turn is near" notice of ticket `ticket_id`.
  virtual Status SaveNotice(int64_t ticket_id, const std::string& phone, Language language) = 0;
  // The ticket's notice is queued (or not needed) at `now`: it is never
  // sent again, and the phone is forgotten.
  virtual Status MarkNoticed(int64_t ticket_id, absl::Time now) = 0;
  // Forgets the notice rows of tickets that have ended (done, no-show,
  // cancelled, expired); returns how many.
  virtual Result<int> PruneNotices() = 0;
};

}  // namespace shop::queue
