#include "server/storage/postgres/ticket_repo.h"

#include <limits>

#include "server/storage/postgres/pg_codec.h"
#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

namespace {

using codec::ColFlag;
using codec::ColOptTime;
using codec::ColTime;
using codec::Limit;
using codec::Micros;
using codec::OptMicros;

// One statement: the first number of the day is 1, and the row lock the
// upsert takes makes concurrent callers queue behind each other.
constexpr Statement kNextNumber{
    "tickets_next_number",
    "INSERT INTO number_sequences (branch_id, prefix, business_day, last_number) "
    "VALUES ($1, $2, $3, 1) ON CONFLICT (branch_id, prefix, business_day) "
    "DO UPDATE SET last_number = number_sequences.last_number + 1 RETURNING last_number"};

// The columns ReadTicket reads.
#define SHOP_QUEUE_TICKET_COLUMNS                                                       \
  "ticket_id, branch_id, number_prefix, number, business_day, service_prefix, state, " \
  "priority, origin, language, issue_us, due_us, call_us, serve_us, finish_us, "       \
  "counter_id, recall_count, status_token"

constexpr Statement kInsertTicket{
    "tickets_insert",
    "INSERT INTO tickets (branch_id, number_prefix, number, business_day, service_prefix, "
    "state, priority, origin, language, issue_us, due_us, call_us, serve_us, finish_us, "
    "counter_id, recall_count, status_token) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
    "$11, $12, $13, $14, $15, $16, $17) RETURNING ticket_id"};

// $12: the state the ticket must still be in.
constexpr Statement kUpdateTicket{
    "tickets_update",
    "UPDATE tickets SET service_prefix = $3, state = $4, priority = $5, due_us = $6, "
    "call_us = $7, serve_us = $8, finish_us = $9, counter_id = $10, recall_count = $11 "
    "WHERE branch_id = $1 AND ticket_id = $2 AND state = $12"};

constexpr Statement kGetTicket{
    "tickets_get",
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = $1 AND ticket_id = $2"};

constexpr Statement kTicketByStatusToken{
    "tickets_by_status_token",
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE status_token = $1"};

// $1 branch, $2 number prefix, $3 business day, $4 number: a printed number
// (the unique key of numbering).
constexpr Statement kTicketByNumber{
    "tickets_by_number",
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = $1 AND "
    "number_prefix = $2 AND business_day = $3 AND number = $4"};

// Heads of the callable tiers of one service (see queue_policy.h), each in a
// reading and a locking form: inside a write transaction the head is locked
// (FOR UPDATE SKIP LOCKED), so two replicas never take the same ticket.
// $1 branch, $2 service; appointments also $3 now (us).
#define SHOP_QUEUE_HEAD_DUE                                                                 \
  "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = $1 AND state = 1 " \
  "AND service_prefix = $2 AND origin = 2 AND due_us <= $3 "                              \
  "ORDER BY due_us, issue_us, ticket_id LIMIT 1"
#define SHOP_QUEUE_HEAD_PRIORITY                                                            \
  "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = $1 AND state = 1 " \
  "AND service_prefix = $2 AND origin = 1 AND priority > 0 "                             \
  "ORDER BY issue_us, ticket_id LIMIT 1"
#define SHOP_QUEUE_HEAD_WALK_IN                                                             \
  "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = $1 AND state = 1 " \
  "AND service_prefix = $2 AND origin = 1 AND priority = 0 "                              \
  "ORDER BY issue_us, ticket_id LIMIT 1"
#define SHOP_QUEUE_LOCK_HEAD " FOR UPDATE SKIP LOCKED"

constexpr Statement kHeadDueAppointment{"tickets_head_due", SHOP_QUEUE_HEAD_DUE};
constexpr Statement kHeadPriority{"tickets_head_priority", SHOP_QUEUE_HEAD_PRIORITY};
constexpr Statement kHeadWalkIn{"tickets_head_walk_in", SHOP_QUEUE_HEAD_WALK_IN};
constexpr Statement kLockHeadDueAppointment{"tickets_lock_head_due",
                                            SHOP_QUEUE_HEAD_DUE SHOP_QUEUE_LOCK_HEAD};
constexpr Statement kLockHeadPriority{"tickets_lock_head_priority",
                                      SHOP_QUEUE_HEAD_PRIORITY SHOP_QUEUE_LOCK_HEAD};
constexpr Statement kLockHeadWalkIn{"tickets_lock_head_walk_in",
                                    SHOP_QUEUE_HEAD_WALK_IN SHOP_QUEUE_LOCK_HEAD};

// Waiting tickets of one service in one tier ordered before a key; pass the
// largest values to count the whole tier. Appointments: $1 branch, $2
// service, $3 now (us), $4 due (us), $5 issue (us), $6 ticket id. The
// others: $1 branch, $2 service, $3 issue (us), $4 ticket id.
constexpr Statement kCountDueAppointment{
    "tickets_count_due",
    "SELECT COUNT(*) AS n FROM tickets WHERE branch_id = $1 AND state = 1 AND "
    "service_prefix = $2 AND origin = 2 AND due_us <= $3 AND "
    "(due_us, issue_us, ticket_id) < ($4, $5, $6)"};

constexpr Statement kCountEarlyAppointment{
    "tickets_count_early",
    "SELECT COUNT(*) AS n FROM tickets WHERE branch_id = $1 AND state = 1 AND "
    "service_prefix = $2 AND origin = 2 AND due_us > $3 AND "
    "(due_us, issue_us, ticket_id) < ($4, $5, $6)"};

constexpr Statement kCountPriority{
    "tickets_count_priority",
    "SELECT COUNT(*) AS n FROM tickets WHERE branch_id = $1 AND state = 1 AND "
    "service_prefix = $2 AND origin = 1 AND priority > 0 AND (issue_us, ticket_id) < ($3, $4)"};

constexpr Statement kCountWalkIn{
    "tickets_count_walk_in",
    "SELECT COUNT(*) AS n FROM tickets WHERE branch_id = $1 AND state = 1 AND "
    "service_prefix = $2 AND origin = 1 AND priority = 0 AND (issue_us, ticket_id) < ($3, $4)"};

constexpr Statement kListAtCounter{
    "tickets_at_counter",
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS
    " FROM tickets WHERE branch_id = $1 AND counter_id = $2 AND state IN (2, 3, 8) "
    "ORDER BY ticket_id"};

// In id order, as SQLite's index gives them.
constexpr Statement kListUnfinished{
    "tickets_unfinished",
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS
    " FROM tickets WHERE branch_id = $1 AND state IN (1, 8) ORDER BY ticket_id"};

// $4: a state, or 0 for any; $5: the limit (NULL: none).
constexpr Statement kListTicketsDay{
    "tickets_of_day",
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS
    " FROM tickets WHERE branch_id = $1 AND business_day = $2 AND ticket_id > $3 "
    "AND ($4::integer = 0 OR state = $4::integer) ORDER BY ticket_id LIMIT $5"};

constexpr Statement kWaitingCounts{
    "tickets_waiting_counts",
    "SELECT service_prefix, COUNT(*) AS n FROM tickets WHERE branch_id = $1 AND state = 1 "
    "GROUP BY service_prefix"};

// NULLS LAST: SQLite sorts NULL first, so last when descending.
constexpr Statement kRecentServiceTimes{
    "tickets_recent_service_times",
    "SELECT finish_us - serve_us AS took_us FROM tickets WHERE branch_id = $1 AND "
    "service_prefix = $2 AND state = 4 AND serve_us IS NOT NULL "
    "ORDER BY finish_us DESC NULLS LAST, ticket_id DESC LIMIT $3"};

constexpr Statement kFindRequest{
    "tickets_find_request",
    "SELECT ticket_id, params FROM client_requests WHERE branch_id = $1 AND method = $2 AND "
    "caller = $3 AND request_id = $4"};

constexpr Statement kPruneRequests{"tickets_prune_requests",
                                   "DELETE FROM client_requests WHERE create_us < $1"};

// "Your turn is near": the phones kept for it (a few per day, so a scan).
constexpr Statement kPendingNotices{
    "tickets_pending_notices",
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS ", notice_phone, notice_language FROM tickets "
    "JOIN (SELECT ticket_id AS notice_id, phone AS notice_phone, language AS notice_language "
    "FROM ticket_notices WHERE notified_us IS NULL) AS n ON ticket_id = notice_id "
    "WHERE branch_id = $1 AND service_prefix = $2 AND state = 1 ORDER BY ticket_id"};
constexpr Statement kSaveNotice{
    "tickets_save_notice",
    "INSERT INTO ticket_notices (ticket_id, phone, language) VALUES ($1, $2, $3)"};
constexpr Statement kMarkNoticed{
    "tickets_mark_noticed",
    "UPDATE ticket_notices SET phone = '', notified_us = $2 WHERE ticket_id = $1"};
constexpr Statement kPruneNotices{
    "tickets_prune_notices",
    "DELETE FROM ticket_notices n USING tickets t "
    "WHERE t.ticket_id = n.ticket_id AND t.state IN (4, 5, 6, 7)"};

constexpr Statement kInsertRequest{
    "tickets_insert_request",
    "INSERT INTO client_requests (branch_id, method, caller, request_id, params, ticket_id, "
    "create_us) VALUES ($1, $2, $3, $4, $5, $6, $7)"};

// The columns ReadCounter reads.
#define SHOP_QUEUE_COUNTER_COLUMNS \
  "branch_id, counter_id, is_open, service_prefixes, clerk_login"

constexpr Statement kGetCounter{
    "tickets_get_counter",
    "SELECT " SHOP_QUEUE_COUNTER_COLUMNS " FROM counters WHERE branch_id = $1 AND "
    "counter_id = $2"};

// Byte order (COLLATE "C"), as SQLite's BINARY collation sorts.
constexpr Statement kListCounters{
    "tickets_list_counters",
    "SELECT " SHOP_QUEUE_COUNTER_COLUMNS " FROM counters WHERE branch_id = $1 "
    "ORDER BY counter_id COLLATE \"C\""};

constexpr Statement kSaveCounter{
    "tickets_save_counter",
    "UPDATE counters SET is_open = $3, service_prefixes = $4, clerk_login = $5 "
    "WHERE branch_id = $1 AND counter_id = $2"};

constexpr Statement kInsertEvent{
    "tickets_insert_event",
    "INSERT INTO ticket_events (ticket_id, branch_id, at_us, kind, from_state, to_state, "
    "counter_id, recall_count, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"};

constexpr Statement kListTransfers{
    "tickets_transfers",
    "SELECT at_us, counter_id, detail FROM ticket_events "
    "WHERE ticket_id = $1 AND branch_id = $2 AND kind = 'transfer' ORDER BY event_id"};

#define SHOP_QUEUE_PG_CALL_COLUMNS                                                        \
  "e.ticket_id, t.number_prefix, t.number, e.counter_id, e.at_us, e.recall_count, t.origin, " \
  "t.language, t.service_prefix, e.event_id"

constexpr Statement kRecentCalls{
    "tickets_recent_calls",
    "SELECT " SHOP_QUEUE_PG_CALL_COLUMNS " FROM ticket_events e "
    "JOIN tickets t ON t.ticket_id = e.ticket_id "
    "WHERE e.branch_id = $1 AND e.kind IN ('call', 'recall', 'return') "
    "ORDER BY e.event_id DESC LIMIT $2"};

// $1 branch, $2 after this event id, $3 limit: oldest first.
constexpr Statement kCallsAfter{
    "tickets_calls_after",
    "SELECT " SHOP_QUEUE_PG_CALL_COLUMNS " FROM ticket_events e "
    "JOIN tickets t ON t.ticket_id = e.ticket_id "
    "WHERE e.branch_id = $1 AND e.kind IN ('call', 'recall', 'return') AND e.event_id > $2 "
    "ORDER BY e.event_id LIMIT $3"};

// $1 branch, $2 due by (us), $3 limit: waiting appointment tickets due by
// then, earliest first.
constexpr Statement kDueAppointments{
    "tickets_due_appointments",
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = $1 AND state = 1 "
    "AND origin = 2 AND due_us <= $2 ORDER BY due_us, issue_us, ticket_id LIMIT $3"};

// Row `i` of SHOP_QUEUE_TICKET_COLUMNS.
Ticket ReadTicket(const Rows& r, int i) {
  Ticket t;
  t.id = r.Int(i, "ticket_id");
  t.branch_id = r.Text(i, "branch_id");
  t.number_prefix = r.Text(i, "number_prefix");
  t.number = static_cast<int>(r.Int(i, "number"));
  t.business_day = r.Text(i, "business_day");
  t.service_prefix = r.Text(i, "service_prefix");
  t.state = static_cast<TicketState>(r.Int(i, "state"));
  t.priority = static_cast<Priority>(r.Int(i, "priority"));
  t.origin = static_cast<Origin>(r.Int(i, "origin"));
  t.language = static_cast<Language>(r.Int(i, "language"));
  t.issue_time = ColTime(r, i, "issue_us");
  t.due_time = ColOptTime(r, i, "due_us");
  t.call_time = ColOptTime(r, i, "call_us");
  t.serve_time = ColOptTime(r, i, "serve_us");
  t.finish_time = ColOptTime(r, i, "finish_us");
  t.counter_id = r.Text(i, "counter_id");
  t.recall_count = static_cast<int>(r.Int(i, "recall_count"));
  t.status_token = r.Text(i, "status_token");  // NULL reads as ""
  return t;
}

// Every row of a ticket query, appended to `out`.
Status Collect(const Result<Rows>& rows, std::vector<Ticket>& out) {
  if (!rows.ok()) return rows.status();
  for (int i = 0; i < rows->size(); ++i) out.push_back(ReadTicket(*rows, i));
  return rows->status();
}

Result<std::vector<Ticket>> Tickets(const Result<Rows>& rows) {
  std::vector<Ticket> out;
  QUEUE_RETURN_IF_ERROR(Collect(rows, out));
  return out;
}

// The first row of a ticket query, if any.
Result<std::optional<Ticket>> OneTicket(const Result<Rows>& rows) {
  if (!rows.ok()) return rows.status();
  std::optional<Ticket> out;
  if (rows->size() > 0) out = ReadTicket(*rows, 0);
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

// Row `i` of SHOP_QUEUE_COUNTER_COLUMNS.
CounterRow ReadCounter(const Rows& r, int i) {
  return CounterRow{r.Text(i, "branch_id"), r.Text(i, "counter_id"), ColFlag(r, i, "is_open"),
                    codec::SplitPrefixes(r.Text(i, "service_prefixes")),
                    r.Text(i, "clerk_login")};
}

// An enum as its stored integer.
int64_t Num(TicketState s) { return static_cast<int64_t>(s); }

// The rows of a query of SHOP_QUEUE_PG_CALL_COLUMNS.
Result<std::vector<CallRecord>> Calls(Result<Rows> rows) {
  if (!rows.ok()) return rows.status();
  std::vector<CallRecord> out;
  const Rows& r = *rows;
  for (int i = 0; i < r.size(); ++i) {
    CallRecord c;
    c.ticket_id = r.Int(i, "ticket_id");
    c.display_number =
        FormatNumber(r.Text(i, "number_prefix"), static_cast<int>(r.Int(i, "number")));
    c.counter_id = r.Text(i, "counter_id");
    c.time = ColTime(r, i, "at_us");
    c.recall_count = static_cast<int>(r.Int(i, "recall_count"));
    c.appointment = r.Int(i, "origin") == static_cast<int64_t>(Origin::kAppointment);
    c.language = static_cast<Language>(r.Int(i, "language"));
    c.service_prefix = r.Text(i, "service_prefix");
    c.event_id = r.Int(i, "event_id");
    out.push_back(std::move(c));
  }
  QUEUE_RETURN_IF_ERROR(r.status());
  return out;
}

}  // namespace

Result<int> PgTicketRepo::NextNumber(const std::string& branch_id, const std::string& prefix,
                                     const std::string& day) {
  auto rows = conn_.Query(kNextNumber, {branch_id, prefix, day});
  if (!rows.ok()) return rows.status();
  if (rows->size() != 1) return Status::Internal("numbering returned no number");
  int64_t n = rows->Int(0, "last_number");
  QUEUE_RETURN_IF_ERROR(rows->status());
  return static_cast<int>(n);
}

Status PgTicketRepo::InsertTicket(Ticket& t) {
  auto rows = conn_.Query(
      kInsertTicket,
      {t.branch_id, t.number_prefix, t.number, t.business_day, t.service_prefix, Num(t.state),
       static_cast<int64_t>(t.priority), static_cast<int64_t>(t.origin),
       static_cast<int64_t>(t.language), Micros(t.issue_time), OptMicros(t.due_time),
       OptMicros(t.call_time), OptMicros(t.serve_time), OptMicros(t.finish_time), t.counter_id,
       t.recall_count, codec::TextOrNull(t.status_token)});
  if (!rows.ok()) return rows.status();
  if (rows->size() != 1) return Status::Internal("ticket insert returned no id");
  int64_t id = rows->Int(0, "ticket_id");
  QUEUE_RETURN_IF_ERROR(rows->status());
  t.id = id;
  return Status::Ok();
}

Status PgTicketRepo::UpdateTicket(const Ticket& t, TicketState expected) {
  auto rows = conn_.Query(
      kUpdateTicket,
      {t.branch_id, t.id, t.service_prefix, Num(t.state), static_cast<int64_t>(t.priority),
       OptMicros(t.due_time), OptMicros(t.call_time), OptMicros(t.serve_time),
       OptMicros(t.finish_time), t.counter_id, t.recall_count, Num(expected)});
  if (!rows.ok()) return rows.status();
  if (rows->affected() != 1)
    return Status::Aborted("ticket " + t.DisplayNumber() + " changed meanwhile; try again");
  return Status::Ok();
}

Result<std::optional<Ticket>> PgTicketRepo::GetTicket(const std::string& branch_id, int64_t id) {
  return OneTicket(conn_.Query(kGetTicket, {branch_id, id}));
}

Result<std::optional<Ticket>> PgTicketRepo::TicketByStatusToken(const std::string& token) {
  return OneTicket(conn_.Query(kTicketByStatusToken, {token}));
}

Result<std::optional<Ticket>> PgTicketRepo::TicketByNumber(const std::string& branch_id,
                                                           const std::string& prefix,
                                                           const std::string& business_day,
                                                           int number) {
  return OneTicket(conn_.Query(kTicketByNumber, {branch_id, prefix, business_day, number}));
}

Result<std::vector<Ticket>> PgTicketRepo::CallCandidates(const std::string& branch_id,
                                                         const std::set<std::string>& services,
                                                         absl::Time now) {
  const Statement& due = writing_ ? kLockHeadDueAppointment : kHeadDueAppointment;
  const Statement& priority = writing_ ? kLockHeadPriority : kHeadPriority;
  const Statement& walk_in = writing_ ? kLockHeadWalkIn : kHeadWalkIn;
  std::vector<Ticket> out;
  for (const auto& p : services) {
    QUEUE_RETURN_IF_ERROR(Collect(conn_.Query(due, {branch_id, p, Micros(now)}), out));
    QUEUE_RETURN_IF_ERROR(Collect(conn_.Query(priority, {branch_id, p}), out));
    QUEUE_RETURN_IF_ERROR(Collect(conn_.Query(walk_in, {branch_id, p}), out));
  }
  return out;
}

Result<int> PgTicketRepo::CountWaiting(const std::string& branch_id, const std::string& service,
                                       QueueTier tier, absl::Time now, const Ticket* before) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t due = before && before->due_time != absl::InfinitePast()
                          ? absl::ToUnixMicros(before->due_time)
                          : kMax;
  const int64_t issue = before ? absl::ToUnixMicros(before->issue_time) : kMax;
  const int64_t id = before ? before->id : kMax;
  Result<Rows> rows = Status::Internal("unknown queue tier");
  switch (tier) {
    case QueueTier::kDueAppointment:
      rows = conn_.Query(kCountDueAppointment, {branch_id, service, Micros(now), due, issue, id});
      break;
    case QueueTier::kEarlyAppointment:
      rows = conn_.Query(kCountEarlyAppointment, {branch_id, service, Micros(now), due, issue, id});
      break;
    case QueueTier::kPriority:
      rows = conn_.Query(kCountPriority, {branch_id, service, issue, id});
      break;
    case QueueTier::kWalkIn:
      rows = conn_.Query(kCountWalkIn, {branch_id, service, issue, id});
      break;
  }
  if (!rows.ok()) return rows.status();
  int n = rows->size() > 0 ? static_cast<int>(rows->Int(0, "n")) : 0;
  QUEUE_RETURN_IF_ERROR(rows->status());
  return n;
}

Result<std::vector<Ticket>> PgTicketRepo::ListAtCounter(const std::string& branch_id,
                                                        const std::string& counter_id) {
  return Tickets(conn_.Query(kListAtCounter, {branch_id, counter_id}));
}

Result<std::vector<TicketEvent>> PgTicketRepo::ListTransfers(const std::string& branch_id,
                                                             int64_t ticket_id) {
  auto rows = conn_.Query(kListTransfers, {ticket_id, branch_id});
  if (!rows.ok()) return rows.status();
  std::vector<TicketEvent> out;
  for (int i = 0; i < rows->size(); ++i) {
    TicketEvent e;
    e.ticket_id = ticket_id;
    e.branch_id = branch_id;
    e.time = ColTime(*rows, i, "at_us");
    e.kind = "transfer";
    e.counter_id = rows->Text(i, "counter_id");
    e.detail = rows->Text(i, "detail");
    out.push_back(std::move(e));
  }
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Result<std::vector<Ticket>> PgTicketRepo::ListUnfinished(const std::string& branch_id) {
  return Tickets(conn_.Query(kListUnfinished, {branch_id}));
}

Result<std::vector<Ticket>> PgTicketRepo::ListTickets(const std::string& branch_id,
                                                      const std::string& day,
                                                      std::optional<TicketState> state,
                                                      int64_t after_id, int limit) {
  return Tickets(conn_.Query(
      kListTicketsDay, {branch_id, day, after_id, state ? Num(*state) : 0, Limit(limit)}));
}

Result<std::map<std::string, int>> PgTicketRepo::WaitingCounts(const std::string& branch_id) {
  auto rows = conn_.Query(kWaitingCounts, {branch_id});
  if (!rows.ok()) return rows.status();
  std::map<std::string, int> out;
  for (int i = 0; i < rows->size(); ++i)
    out[rows->Text(i, "service_prefix")] = static_cast<int>(rows->Int(i, "n"));
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Result<std::vector<absl::Duration>> PgTicketRepo::RecentServiceTimes(const std::string& branch_id,
                                                                     const std::string& prefix,
                                                                     int limit) {
  auto rows = conn_.Query(kRecentServiceTimes, {branch_id, prefix, Limit(limit)});
  if (!rows.ok()) return rows.status();
  std::vector<absl::Duration> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back(absl::Microseconds(rows->Int(i, "took_us")));
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Result<std::optional<PriorRequest>> PgTicketRepo::FindRequest(const std::string& branch_id,
                                                              const std::string& method,
                                                              const std::string& caller,
                                                              const std::string& request_id) {
  auto rows = conn_.Query(kFindRequest, {branch_id, method, caller, request_id});
  if (!rows.ok()) return rows.status();
  std::optional<PriorRequest> out;
  if (rows->size() > 0) out = PriorRequest{rows->Int(0, "ticket_id"), rows->Text(0, "params")};
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Status PgTicketRepo::SaveRequest(const std::string& branch_id, const std::string& method,
                                 const std::string& caller, const std::string& request_id,
                                 const std::string& params, int64_t ticket_id, absl::Time now) {
  auto rows = conn_.Query(kInsertRequest, {branch_id, method, caller, request_id, params,
                                           ticket_id, Micros(now)});
  // The key taken: another replica stored the same request meanwhile. Run
  // the whole request again; it then finds that one and replays it.
  if (!rows.ok() && rows.status().code() == Status::Code::kAlreadyExists)
    return Status::Aborted("request " + request_id + " was stored meanwhile; try again");
  return rows.status();
}

Result<int> PgTicketRepo::PruneRequests(absl::Time before) {
  auto rows = conn_.Query(kPruneRequests, {Micros(before)});
  if (!rows.ok()) return rows.status();
  return static_cast<int>(rows->affected());
}

Result<std::vector<NoticeCandidate>> PgTicketRepo::PendingNotices(const std::string& branch_id,
                                                                  const std::string& service) {
  auto rows = conn_.Query(kPendingNotices, {branch_id, service});
  if (!rows.ok()) return rows.status();
  std::vector<NoticeCandidate> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back(NoticeCandidate{ReadTicket(*rows, i), rows->Text(i, 18),
                                  static_cast<Language>(rows->Int(i, 19))});
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Status PgTicketRepo::SaveNotice(int64_t ticket_id, const std::string& phone, Language language) {
  return conn_.Query(kSaveNotice, {ticket_id, phone, static_cast<int64_t>(language)}).status();
}

Status PgTicketRepo::MarkNoticed(int64_t ticket_id, absl::Time now) {
  return conn_.Query(kMarkNoticed, {ticket_id, Micros(now)}).status();
}

Result<int> PgTicketRepo::PruneNotices() {
  auto rows = conn_.Query(kPruneNotices, {});
  if (!rows.ok()) return rows.status();
  return static_cast<int>(rows->affected());
}

Result<std::optional<CounterRow>> PgTicketRepo::GetCounter(const std::string& branch_id,
                                                           const std::string& counter_id) {
  auto rows = conn_.Query(kGetCounter, {branch_id, counter_id});
  if (!rows.ok()) return rows.status();
  std::optional<CounterRow> out;
  if (rows->size() > 0) out = ReadCounter(*rows, 0);
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Result<std::vector<CounterRow>> PgTicketRepo::ListCounters(const std::string& branch_id) {
  auto rows = conn_.Query(kListCounters, {branch_id});
  if (!rows.ok()) return rows.status();
  std::vector<CounterRow> out;
  for (int i = 0; i < rows->size(); ++i) out.push_back(ReadCounter(*rows, i));
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Status PgTicketRepo::SaveCounter(const CounterRow& c) {
  auto rows = conn_.Query(kSaveCounter, {c.branch_id, c.counter_id, c.open ? 1 : 0,
                                         codec::JoinPrefixes(c.services), c.clerk_login});
  if (!rows.ok()) return rows.status();
  if (rows->affected() != 1)
    return Status::NotFound("counter " + c.counter_id + " is not in the database");
  return Status::Ok();
}

Status PgTicketRepo::AppendEvent(const TicketEvent& e) {
  return conn_
      .Query(kInsertEvent, {e.ticket_id, e.branch_id, Micros(e.time), e.kind, Num(e.from),
                            Num(e.to), e.counter_id, e.recall_count, e.detail})
      .status();
}

Result<std::vector<CallRecord>> PgTicketRepo::RecentCalls(const std::string& branch_id,
                                                          int limit) {
  return Calls(conn_.Query(kRecentCalls, {branch_id, Limit(limit)}));
}

Result<std::vector<CallRecord>> PgTicketRepo::CallsAfter(const std::string& branch_id,
                                                         int64_t after_event_id, int limit) {
  return Calls(conn_.Query(kCallsAfter, {branch_id, after_event_id, Limit(limit)}));
}

Result<std::vector<Ticket>> PgTicketRepo::DueAppointments(const std::string& branch_id,
                                                          absl::Time due_by, int limit) {
  return Tickets(conn_.Query(kDueAppointments, {branch_id, Micros(due_by), Limit(limit)}));
}


}  // namespace shop::queue::pg
