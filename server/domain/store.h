// The storage interface the domain needs. The SQLite implementation lives in
// server/storage; a PostgreSQL one can follow behind the same interface.
//
// Store::Write runs `fn` inside a write transaction and returns only after
// that transaction is durably committed (or failed). Implementations may
// commit several callers' functions in one transaction (group commit); each
// function still sees its own effects and the effects of those before it,
// and a function that returns non-OK has its own changes rolled back without
// failing its neighbours. `fn` may run on another thread; it must not block
// on anything but the QueueTx it is given.
//
// Store::Read runs `fn` on a consistent snapshot; calling a write method of
// the QueueTx inside Read fails. Reads do not wait for the writer.
//
// Implementations are thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/audit.h"
#include "server/domain/auth.h"
#include "server/domain/booking.h"
#include "server/domain/branch.h"
#include "server/domain/device.h"
#include "server/domain/queue_policy.h"
#include "server/domain/sim_case.h"
#include "server/domain/status.h"
#include "server/domain/ticket.h"

namespace shop::queue {

struct CounterRow {
  std::string branch_id;
  std::string counter_id;
  bool open = false;
  std::vector<std::string> services;  // served while open
  std::string clerk_login;            // who opened it ("" if nobody known)
};

// One line of a ticket's history (also the base of the audit log to come).
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

// A call as the board shows it.
// What an earlier client request produced (idempotency).
struct PriorRequest {
  int64_t ticket_id = 0;
  std::string params;  // the request's parameters, as SaveRequest got them
};

struct CallRecord {
  int64_t ticket_id = 0;
  std::string display_number;
  std::string counter_id;
  absl::Time time;
  int recall_count = 0;
  bool appointment = false;
  Language language = Language::kRu;  // the customer's, for the announcement
  std::string service_prefix;
};

struct StaffAccount {
  std::string login;
  std::string display_name;
  Role role = Role::kClerk;
  std::string password_hash;
  LoginAttempts attempts;
};

struct DeviceRecord {
  std::string name;
  Role role = Role::kKiosk;  // kKiosk or kBoard
  std::string branch_id;
  absl::Time issued;
  bool revoked = false;
};

class QueueTx {
 public:
  virtual ~QueueTx() = default;

  // Tickets.
  // Returns the next number for branch x prefix x day (1 for the first),
  // recording it so it is never handed out again.
  virtual Result<int> NextNumber(const std::string& branch_id, const std::string& prefix,
                                 const std::string& day) = 0;
  // Inserts `t` and sets t.id.
  virtual Status InsertTicket(Ticket& t) = 0;
  // Writes `t` if its stored state is still `expected`; kAborted otherwise.
  virtual Status UpdateTicket(const Ticket& t, TicketState expected) = 0;
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

  // Idempotency: the ticket a client request_id produced for a method. A
  // request id is its caller's own ("kiosk:hall-1", "clerk:anna"): another
  // caller's id is not found. `params` is the request's parameters in a
  // fixed text form, for telling a retry from a reuse.
  virtual Result<std::optional<PriorRequest>> FindRequest(const std::string& branch_id,
                                                          const std::string& method,
                                                          const std::string& caller,
                                                          const std::string& request_id) = 0;
  virtual Status SaveRequest(const std::string& branch_id, const std::string& method,
                             const std::string& caller, const std::string& request_id,
                             const std::string& params, int64_t ticket_id, absl::Time now) = 0;

  // Counters.
  virtual Result<std::optional<CounterRow>> GetCounter(const std::string& branch_id,
                                                       const std::string& counter_id) = 0;
  virtual Result<std::vector<CounterRow>> ListCounters(const std::string& branch_id) = 0;
  virtual Status SaveCounter(const CounterRow& c) = 0;

  // History.
  virtual Status AppendEvent(const TicketEvent& e) = 0;
  // Appends `r` to the audit chain: the store sets seq, prev_hash and hash.
  virtual Status AppendAudit(const AuditRecord& r) = 0;

  // Staff, sessions and devices. Tokens are looked up by their hash.
  virtual Result<std::optional<StaffAccount>> GetStaff(const std::string& login) = 0;
  // Inserts or replaces the account.
  virtual Status SaveStaff(const StaffAccount& a) = 0;
  virtual Status InsertSession(const std::string& token_hash, const Session& s) = 0;
  virtual Result<std::optional<Session>> GetSession(const std::string& token_hash) = 0;
  virtual Status EndSession(const std::string& token_hash) = 0;
  // ALREADY_EXISTS if the name is taken.
  virtual Status InsertDevice(const std::string& token_hash, const DeviceRecord& d) = 0;
  virtual Result<std::optional<DeviceRecord>> GetDevice(const std::string& token_hash) = 0;
  // NOT_FOUND if no device has that name.
  virtual Status RevokeDevice(const std::string& name) = 0;
  virtual Result<std::vector<CallRecord>> RecentCalls(const std::string& branch_id,
                                                      int limit) = 0;
  // Waiting appointment tickets due at or before `due_by` (overdue ones
  // included), earliest due first, at most `limit`.
  virtual Result<std::vector<Ticket>> DueAppointments(const std::string& branch_id,
                                                      absl::Time due_by, int limit) = 0;

  // Hall devices' last reported status (device.h).
  virtual Result<std::optional<DeviceStatus>> GetDeviceStatus(const std::string& branch_id,
                                                              const std::string& device_id) = 0;
  // Inserts or replaces the device's status.
  virtual Status SaveDeviceStatus(const DeviceStatus& d) = 0;
  // Every device of the branch that has reported, in no particular order.
  virtual Result<std::vector<DeviceStatus>> ListDeviceStatus(const std::string& branch_id) = 0;

  // SIM-replacement cases (sim_case.h).
  // Inserts `c` and sets c.case_id. ALREADY_EXISTS if the ticket already has
  // a case that is not cancelled.
  virtual Status InsertCase(SimCase& c) = 0;
  // Writes `c` if its stored state is still `expected`; kAborted otherwise.
  virtual Status UpdateCase(const SimCase& c, CaseState expected) = 0;
  virtual Result<std::optional<SimCase>> GetCase(const std::string& branch_id,
                                                 int64_t case_id) = 0;
  // The ticket's case that is not cancelled, if any.
  virtual Result<std::optional<SimCase>> CaseOfTicket(const std::string& branch_id,
                                                      int64_t ticket_id) = 0;
  // An open case (form accepted, not closed or cancelled) on `phone` in any
  // branch other than `except_case_id`, if any.
  virtual Result<std::optional<SimCase>> OpenCaseOfPhone(const std::string& phone,
                                                         int64_t except_case_id) = 0;
  // Appends `r` to its case's records: the store sets r.seq.
  virtual Status AppendCaseRecord(CaseRecord& r) = 0;
  virtual Result<std::vector<CaseRecord>> CaseRecords(int64_t case_id) = 0;
  // The next receipt number of a branch in a year (1 for the first).
  virtual Result<int64_t> NextReceiptNumber(const std::string& branch_id, int year) = 0;
  // Removes the personal fields (form, recipients of its messages) of cases
  // finished before `cutoff`, keeping counts, times and amounts. Returns how
  // many cases it erased (at most `limit`).
  virtual Result<int> EraseFinishedCases(absl::Time cutoff, int limit) = 0;

  // Failed identity checks per phone number.
  virtual Result<IdentityAttempts> GetIdentityAttempts(const std::string& phone) = 0;
  virtual Status SaveIdentityAttempts(const std::string& phone, const IdentityAttempts& a) = 0;

  // The operator register, embedded default (a real operator's system would
  // be reached through its own adapter).
  virtual Result<std::optional<Subscriber>> GetSubscriber(const std::string& phone) = 0;
  // Inserts or replaces a subscriber with their top-ups and calls; the
  // active card too (which must not be active on another number).
  virtual Status SaveSubscriber(const Subscriber& s) = 0;
  // Blocks the number's active card `old_iccid` ("" if none) and activates
  // `new_iccid` in its place, setting the time of the last SIM change. A
  // number never has two active cards (a unique index says so); kAborted if
  // `old_iccid` is no longer the active card.
  virtual Status SwapActiveCard(const std::string& phone, const std::string& old_iccid,
                                const std::string& new_iccid, absl::Time now) = 0;
  // The card's state in the register, "" if unknown: "active" or "blocked".
  virtual Result<std::string> CardState(const std::string& iccid) = 0;

  // Blank cards.
  virtual Result<std::optional<StockCard>> GetStockCard(const std::string& iccid) = 0;
  // Inserts a card (ALREADY_EXISTS if the ICCID is known, in stock or not).
  virtual Status AddStockCard(const StockCard& card) = 0;
  // Marks a card in stock as issued to a case; kAborted if it is not in stock.
  virtual Status IssueStockCard(const std::string& iccid, int64_t case_id) = 0;

  // Outbox of messages to subscribers. Sets m.id.
  virtual Status EnqueueMessage(OutboxMessage& m) = 0;
  virtual Result<std::vector<OutboxMessage>> OutboxFor(const std::string& subject) = 0;

  // Appointments (booking.h).
  // Inserts `b` and sets b.booking_id; ALREADY_EXISTS if its code is taken
  // (or its phone's request_id was used in the branch: look that up first).
  virtual Status InsertBooking(Booking& b) = 0;
  // Writes `b` if its stored state is still `expected` (and its slot is
  // still `expected_start`); kAborted otherwise.
  virtual Status UpdateBooking(const Booking& b, BookingState expected,
                               absl::Time expected_start) = 0;
  virtual Result<std::optional<Booking>> GetBookingByCode(const std::string& code) = 0;
  // The booking an earlier request with this id made for this phone, if any
  // (a request id is the phone's own; erased bookings have none).
  virtual Result<std::optional<Booking>> GetBookingByRequest(const std::string& branch_id,
                                                             const std::string& phone,
                                                             const std::string& request_id) = 0;
  // Active or checked-in bookings of a slot (they hold a seat).
  virtual Result<int> CountSeatsTaken(const std::string& branch_id, const std::string& service,
                                      absl::Time slot_start) = 0;
  // Seats taken per slot start for slots starting in [from, to).
  virtual Result<std::map<absl::Time, int>> SeatsTakenBetween(const std::string& branch_id,
                                                              const std::string& service,
                                                              absl::Time from,
                                                              absl::Time to) = 0;
  // Active bookings of a phone for a service with a slot in [from, to),
  // other than `except_id` (for a reschedule).
  virtual Result<int> CountActiveForPhone(const std::string& branch_id,
                                          const std::string& service, const std::string& phone,
                                          absl::Time from, absl::Time to,
                                          int64_t except_id) = 0;
  // Active bookings whose slot started before `started_before` (no-show
  // candidates), at most `limit`, oldest first.
  virtual Result<std::vector<Booking>> ActiveBookingsStartedBefore(absl::Time started_before,
                                                                   int limit) = 0;
  // Active bookings not yet reminded with a slot starting before `before`,
  // at most `limit`.
  virtual Result<std::vector<Booking>> BookingsToRemind(absl::Time before, int limit) = 0;
  // Removes name, phone and e-mail of bookings finished before `cutoff` (and
  // the recipients of their outbox messages, subject "booking:<id>"); keeps
  // service, slot, state and times. Returns how many (at most `limit`).
  virtual Result<int> EraseFinishedBookings(absl::Time cutoff, int limit) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Status Write(const std::function<Status(QueueTx&)>& fn) = 0;
  virtual Status Read(const std::function<Status(QueueTx&)>& fn) = 0;
  // Makes the stored branches, services and counters match the configuration
  // (adds and updates; never deletes anything that tickets refer to).
  virtual Status SyncConfig(const ServerConfig& config) = 0;
};

}  // namespace shop::queue
