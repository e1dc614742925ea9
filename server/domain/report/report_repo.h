// ReportReader: the stored rows a report over one period needs, read in one
// snapshot (ReadTx::reports()). Plain rows, no personal data: reports count
// and time, they never name customers. The computation is report.h's.
//
// Each engine reads only what the period needs through its existing indexes
// (tickets by business day; events, audit records and cases by the id
// ranges their time window covers: ids grow with time, so the window's ends
// are found by a binary search on the primary key, with an hour's slack for
// writers whose clocks or commits interleave; rows outside the window are
// then filtered exactly). Remote cases take weeks from the application to
// the activation: those opened before the window (from remote_from on) are
// read too when they had not finished by its start.
//
// Implementations: server/storage/sqlite/report_repo.h,
// server/storage/postgres/report_repo.h. Not thread-safe: a transaction's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/booking/booking.h"
#include "server/domain/cases/sim_case.h"
#include "server/domain/common/status.h"
#include "server/domain/queue/ticket.h"

namespace shop::queue {

// A ticket as the report sees it.
struct ReportTicket {
  int64_t id = 0;
  std::string number_prefix;   // the service it was issued for
  std::string service_prefix;  // the service it is in now
  absl::Time issue_time = absl::InfinitePast();
};

// One line of a ticket's history (ticket_events), in the order written.
struct ReportEvent {
  int64_t ticket_id = 0;
  absl::Time time = absl::InfinitePast();
  std::string kind;  // "create", "call", "recall", "start", "complete", ...
  TicketState from = TicketState::kWaiting;
  TicketState to = TicketState::kWaiting;
  std::string counter_id;  // the ticket's counter after the event ("" if none)
  std::string detail;      // "R->P" for a transfer
};

// A counter opened or closed (the audit log's counter.open / counter.close).
struct CounterChange {
  absl::Time time = absl::InfinitePast();
  std::string counter_id;
  bool open = false;
  std::string actor;  // "clerk:anna", "supervisor:olga", "counter:2" (no login)
};

// A SIM-replacement case (only what reports need). A remote case (online
// application) has no counter: counter_id is "".
struct ReportCase {
  int64_t case_id = 0;
  std::string counter_id;
  int64_t fee_roubles = 0;
  CaseRoute route = CaseRoute::kCounter;
};

// One immutable step record of a case (sim_case_records).
struct ReportCaseRecord {
  int64_t case_id = 0;
  absl::Time time = absl::InfinitePast();
  // Counter: "open", "identity", "lock", "payment", "refund", "close",
  // "cancel", ...; remote: "apply", "review", "dispatch", "activation",
  // "pickup", "lock", "block", "close", "cancel".
  std::string step;
  std::string outcome;  // "passed", "failed", "paid", "closed", "approved", "posted", ...
};

// An appointment (only what reports need).
struct ReportBooking {
  std::string service_prefix;
  absl::Time slot_start = absl::InfinitePast();
  absl::Time created = absl::InfinitePast();
  BookingState state = BookingState::kActive;
  bool late_walk_in = false;
};

// What to read. All times are instants; days are "YYYY-MM-DD" business days.
struct ReportQuery {
  std::string branch_id;
  // Tickets of these business days (inclusive).
  std::string first_day;
  std::string last_day;
  // Events of those tickets, and cases (opened) with their records, in
  // [history_from, history_to].
  absl::Time history_from = absl::InfinitePast();
  absl::Time history_to = absl::InfinitePast();
  // Also the remote cases opened earlier, from remote_from on, that had not
  // finished by history_from (an online application lives for weeks), with
  // their records.
  absl::Time remote_from = absl::InfinitePast();
  // The branch's counter changes in [counters_from, counters_to).
  absl::Time counters_from = absl::InfinitePast();
  absl::Time counters_to = absl::InfinitePast();
  // Bookings whose slot starts or which were made in [bookings_from, bookings_to).
  absl::Time bookings_from = absl::InfinitePast();
  absl::Time bookings_to = absl::InfinitePast();
};

struct ReportRows {
  std::vector<ReportTicket> tickets;        // by id
  std::vector<ReportEvent> events;          // in the order written
  std::vector<CounterChange> counters;      // in the order written
  std::vector<ReportCase> cases;            // by id
  std::vector<ReportCaseRecord> case_records;  // by case, then step order
  std::vector<ReportBooking> bookings;
};

class ReportReader {
 public:
  virtual ~ReportReader() = default;
  // Every row of `q`'s branch that `q` asks for (a superset is allowed:
  // the computation filters by time again).
  virtual Result<ReportRows> ReadReportRows(const ReportQuery& q) = 0;
};

}  // namespace shop::queue
