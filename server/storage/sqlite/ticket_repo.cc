#include "server/storage/sqlite/ticket_repo.h"

#include <algorithm>
#include <limits>

#include "server/storage/sqlite/codec.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

namespace {

constexpr const char* kGetSequence =
    "SELECT last_number FROM number_sequences "
    "WHERE branch_id = ?1 AND prefix = ?2 AND business_day = ?3";

constexpr const char* kUpsertSequence =
    "INSERT INTO number_sequences (branch_id, prefix, business_day, last_number) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (branch_id, prefix, business_day) "
    "DO UPDATE SET last_number = ?4";

#define SHOP_QUEUE_TICKET_COLUMNS                                                       \
  "ticket_id, branch_id, number_prefix, number, business_day, service_prefix, state, " \
  "priority, origin, language, issue_us, due_us, call_us, serve_us, finish_us, "       \
  "counter_id, recall_count, status_token"

constexpr const char* kInsertTicket =
    "INSERT INTO tickets (branch_id, number_prefix, number, business_day, service_prefix, "
    "state, priority, origin, language, issue_us, due_us, call_us, serve_us, finish_us, "
    "counter_id, recall_count, status_token) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "?11, ?12, ?13, ?14, ?15, ?16, ?17)";

constexpr const char* kUpdateTicket =
    "UPDATE tickets SET service_prefix = ?3, state = ?4, priority = ?5, due_us = ?6, "
    "call_us = ?7, serve_us = ?8, finish_us = ?9, counter_id = ?10, recall_count = ?11 "
    "WHERE branch_id = ?1 AND ticket_id = ?2 AND state = ?12";

constexpr const char* kGetTicket =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND ticket_id = ?2";

constexpr const char* kTicketByStatusToken =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE status_token = ?1";

// ?1 branch, ?2 number prefix, ?3 business day, ?4 number: a printed number
// (the unique key of numbering).
constexpr const char* kTicketByNumber =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND "
    "number_prefix = ?2 AND business_day = ?3 AND number = ?4";

// Heads of the callable tiers of one service (see queue_policy.h).
// ?1 branch, ?2 service; appointments also ?3 now (us).
constexpr const char* kHeadDueAppointment =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND state = 1 "
    "AND service_prefix = ?2 AND origin = 2 AND due_us <= ?3 "
    "ORDER BY due_us, issue_us, ticket_id LIMIT 1";

constexpr const char* kHeadPriority =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND state = 1 "
    "AND service_prefix = ?2 AND origin = 1 AND priority > 0 "
    "ORDER BY issue_us, ticket_id LIMIT 1";

constexpr const char* kHeadWalkIn =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND state = 1 "
    "AND service_prefix = ?2 AND origin = 1 AND priority = 0 "
    "ORDER BY issue_us, ticket_id LIMIT 1";

// Waiting tickets of one service in one tier ordered before a key.
// ?1 branch, ?2 service, ?3 now (us), ?4 due (us), ?5 issue (us), ?6 ticket id;
// pass the largest values to count the whole tier. (Unused parameters below
// the highest one may be bound; SQLite ignores them.)
constexpr const char* kCountDueAppointment =
    "SELECT COUNT(*) FROM tickets WHERE branch_id = ?1 AND state = 1 AND service_prefix = ?2 "
    "AND origin = 2 AND due_us <= ?3 AND (due_us, issue_us, ticket_id) < (?4, ?5, ?6)";

constexpr const char* kCountEarlyAppointment =
    "SELECT COUNT(*) FROM tickets WHERE branch_id = ?1 AND state = 1 AND service_prefix = ?2 "
    "AND origin = 2 AND due_us > ?3 AND (due_us, issue_us, ticket_id) < (?4, ?5, ?6)";

constexpr const char* kCountPriority =
    "SELECT COUNT(*) FROM tickets WHERE branch_id = ?1 AND state = 1 AND service_prefix = ?2 "
    "AND origin = 1 AND priority > 0 AND (issue_us, ticket_id) < (?5, ?6)";

constexpr const char* kCountWalkIn =
    "SELECT COUNT(*) FROM tickets WHERE branch_id = ?1 AND state = 1 AND service_prefix = ?2 "
    "AND origin = 1 AND priority = 0 AND (issue_us, ticket_id) < (?5, ?6)";

// The walk-in tiers' counts, kept by triggers (migration 12 -> 13).
// ?1 branch, ?2 service, ?3 tier (1 priority, 2 plain).
constexpr const char* kTally =
    "SELECT waiting FROM waiting_tally WHERE branch_id = ?1 AND service_prefix = ?2 AND tier = ?3";

// Waiting tickets of a walk-in tier at or after a key, up to kFewBehind.
// ?1 branch, ?2 service, ?5 issue (us), ?6 ticket id.
#define SHOP_QUEUE_FEW_BEHIND 64
constexpr int kFewBehind = SHOP_QUEUE_FEW_BEHIND;
#define SHOP_QUEUE_STR(x) #x
#define SHOP_QUEUE_XSTR(x) SHOP_QUEUE_STR(x)
constexpr const char* kCountPriorityFrom =
    "SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE branch_id = ?1 AND state = 1 "
    "AND service_prefix = ?2 AND origin = 1 AND priority > 0 "
    "AND (issue_us, ticket_id) >= (?5, ?6) LIMIT " SHOP_QUEUE_XSTR(SHOP_QUEUE_FEW_BEHIND) ")";
constexpr const char* kCountWalkInFrom =
    "SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE branch_id = ?1 AND state = 1 "
    "AND service_prefix = ?2 AND origin = 1 AND priority = 0 "
    "AND (issue_us, ticket_id) >= (?5, ?6) LIMIT " SHOP_QUEUE_XSTR(SHOP_QUEUE_FEW_BEHIND) ")";

constexpr const char* kPruneRequests = "DELETE FROM client_requests WHERE create_us < ?1";

// "Your turn is near": the phones kept for it (a few per day, so a scan).
constexpr const char* kPendingNotices =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS ", notice_phone, notice_language FROM tickets "
    "JOIN (SELECT ticket_id AS notice_id, phone AS notice_phone, language AS notice_language "
    "FROM ticket_notices WHERE notified_us IS NULL) ON ticket_id = notice_id "
    "WHERE branch_id = ?1 AND service_prefix = ?2 AND state = 1 ORDER BY ticket_id";
constexpr const char* kSaveNotice =
    "INSERT INTO ticket_notices (ticket_id, phone, language) VALUES (?1, ?2, ?3)";
constexpr const char* kMarkNoticed =
    "UPDATE ticket_notices SET phone = '', notified_us = ?2 WHERE ticket_id = ?1";
constexpr const char* kPruneNotices =
    "DELETE FROM ticket_notices WHERE ticket_id IN (SELECT n.ticket_id FROM ticket_notices n "
    "JOIN tickets t ON t.ticket_id = n.ticket_id WHERE t.state IN (4, 5, 6, 7))";

constexpr const char* kListAtCounter =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS
    " FROM tickets WHERE branch_id = ?1 AND counter_id = ?2 AND state IN (2, 3, 8) "
    "ORDER BY ticket_id";

constexpr const char* kListUnfinished =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS
    " FROM tickets WHERE branch_id = ?1 AND state IN (1, 8)";

constexpr const char* kListTicketsDay =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS
    " FROM tickets WHERE branch_id = ?1 AND business_day = ?2 AND ticket_id > ?3 "
    "AND (?4 = 0 OR state = ?4) ORDER BY ticket_id LIMIT ?5";

constexpr const char* kWaitingCounts =
    "SELECT service_prefix, COUNT(*) FROM tickets WHERE branch_id = ?1 AND state = 1 "
    "GROUP BY service_prefix";

constexpr const char* kRecentServiceTimes =
    "SELECT finish_us - serve_us FROM tickets WHERE branch_id = ?1 AND service_prefix = ?2 "
    "AND state = 4 AND serve_us IS NOT NULL ORDER BY finish_us DESC LIMIT ?3";

constexpr const char* kFindRequest =
    "SELECT ticket_id, params FROM client_requests WHERE branch_id = ?1 AND method = ?2 AND "
    "caller = ?3 AND request_id = ?4";

constexpr const char* kInsertRequest =
    "INSERT INTO client_requests (branch_id, method, caller, request_id, params, ticket_id, "
    "create_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

constexpr const char* kGetCounter =
    "SELECT branch_id, counter_id, is_open, service_prefixes, clerk_login FROM counters "
    "WHERE branch_id = ?1 AND counter_id = ?2";

constexpr const char* kListCounters =
    "SELECT branch_id, counter_id, is_open, service_prefixes, clerk_login FROM counters "
    "WHERE branch_id = ?1 ORDER BY counter_id";

constexpr const char* kSaveCounter =
    "UPDATE counters SET is_open = ?3, service_prefixes = ?4, clerk_login = ?5 "
    "WHERE branch_id = ?1 AND counter_id = ?2";

constexpr const char* kInsertEvent =
    "INSERT INTO ticket_events (ticket_id, branch_id, at_us, kind, from_state, to_state, "
    "counter_id, recall_count, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

constexpr const char* kListTransfers =
    "SELECT at_us, counter_id, detail FROM ticket_events "
    "WHERE ticket_id = ?1 AND branch_id = ?2 AND kind = 'transfer' ORDER BY event_id";

#define SHOP_QUEUE_CALL_COLUMNS                                                           \
  "e.ticket_id, t.number_prefix, t.number, e.counter_id, e.at_us, e.recall_count, t.origin, " \
  "e.kind, t.language, t.service_prefix, e.event_id"

constexpr const char* kRecentCalls =
    "SELECT " SHOP_QUEUE_CALL_COLUMNS " FROM ticket_events e "
    "JOIN tickets t ON t.ticket_id = e.ticket_id "
    "WHERE e.branch_id = ?1 AND e.kind IN ('call', 'recall', 'return') "
    "ORDER BY e.event_id DESC LIMIT ?2";

// ?1 branch, ?2 after this event id, ?3 limit: oldest first.
constexpr const char* kCallsAfter =
    "SELECT " SHOP_QUEUE_CALL_COLUMNS " FROM ticket_events e "
    "JOIN tickets t ON t.ticket_id = e.ticket_id "
    "WHERE e.branch_id = ?1 AND e.kind IN ('call', 'recall', 'return') AND e.event_id > ?2 "
    "ORDER BY e.event_id LIMIT ?3";

// ?1 branch, ?2 due by (us), ?3 limit: waiting appointment tickets due by
// then, earliest first.
constexpr const char* kDueAppointments =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND state = 1 "
    "AND origin = 2 AND due_us <= ?2 ORDER BY due_us, issue_us, ticket_id LIMIT ?3";

Ticket ReadTicket(const Stmt& s) {
  Ticket t;
  t.id = s.Int(0);
  t.branch_id = s.Text(1);
  t.number_prefix = s.Text(2);
  t.number = static_cast<int>(s.Int(3));
  t.business_day = s.Text(4);
  t.service_prefix = s.Text(5);
  t.state = static_cast<TicketState>(s.Int(6));
  t.priority = static_cast<Priority>(s.Int(7));
  t.origin = static_cast<Origin>(s.Int(8));
  t.language = static_cast<Language>(s.Int(9));
  t.issue_time = absl::FromUnixMicros(s.Int(10));
  t.due_time = ColTime(s, 11);
  t.call_time = ColTime(s, 12);
  t.serve_time = ColTime(s, 13);
  t.finish_time = ColTime(s, 14);
  t.counter_id = s.Text(15);
  t.recall_count = static_cast<int>(s.Int(16));
  t.status_token = s.IsNull(17) ? std::string() : s.Text(17);
  return t;
}

Result<std::optional<Ticket>> OneTicket(Stmt& s) {
  std::optional<Ticket> out;
  if (s.Step()) out = ReadTicket(s);
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

// The rows of a query of SHOP_QUEUE_CALL_COLUMNS.
Result<std::vector<CallRecord>> Calls(Stmt& s) {
  std::vector<CallRecord> out;
  while (s.Step()) {
    CallRecord c;
    c.ticket_id = s.Int(0);
    c.display_number = FormatNumber(s.Text(1), static_cast<int>(s.Int(2)));
    c.counter_id = s.Text(3);
    c.time = absl::FromUnixMicros(s.Int(4));
    c.recall_count = static_cast<int>(s.Int(5));
    c.appointment = s.Int(6) == static_cast<int64_t>(Origin::kAppointment);
    c.language = static_cast<Language>(s.Int(8));
    c.service_prefix = s.Text(9);
    c.event_id = s.Int(10);
    out.push_back(c);
  }
  QUEUE_RETURN_IF_ERROR(s.status());
  s.Reset();
  return out;
}

Status Collect(Stmt& s, std::vector<Ticket>& out) {
  while (s.Step()) out.push_back(ReadTicket(s));
  return s.status();
}

CounterRow ReadCounter(const Stmt& s) {
  return CounterRow{s.Text(0), s.Text(1), s.Int(2) != 0, SplitPrefixes(s.Text(3)), s.Text(4)};
}

}  // namespace

Result<int> SqliteTicketRepo::NextNumber(const std::string& branch_id, const std::string& prefix,
                       const std::string& day) {
  auto get = db_.Prepare(kGetSequence);
  if (!get.ok()) return get.status();
  Stmt& g = **get;
  g.Bind(1, branch_id).Bind(2, prefix).Bind(3, day);
  int64_t last = g.Step() ? g.Int(0) : 0;
  QUEUE_RETURN_IF_ERROR(g.status());
  g.Reset();
  auto put = db_.Prepare(kUpsertSequence);
  if (!put.ok()) return put.status();
  (*put)->Bind(1, branch_id).Bind(2, prefix).Bind(3, day).Bind(4, last + 1);
  QUEUE_RETURN_IF_ERROR((*put)->Run());
  return static_cast<int>(last + 1);
}

Status SqliteTicketRepo::InsertTicket(Ticket& t) {
  auto st = db_.Prepare(kInsertTicket);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, t.branch_id).Bind(2, t.number_prefix).Bind(3, int64_t{t.number});
  s.Bind(4, t.business_day).Bind(5, t.service_prefix);
  s.Bind(6, int64_t(t.state)).Bind(7, int64_t(t.priority)).Bind(8, int64_t(t.origin));
  s.Bind(9, int64_t(t.language)).Bind(10, absl::ToUnixMicros(t.issue_time));
  BindOpt(s, 11, t.due_time);
  BindOpt(s, 12, t.call_time);
  BindOpt(s, 13, t.serve_time);
  BindOpt(s, 14, t.finish_time);
  if (t.status_token.empty()) s.BindNull(17);
  else s.Bind(17, t.status_token);
  s.Bind(15, t.counter_id).Bind(16, int64_t{t.recall_count});
  QUEUE_RETURN_IF_ERROR(s.Run());
  t.id = db_.LastInsertRowId();
  return Status::Ok();
}

Status SqliteTicketRepo::UpdateTicket(const Ticket& t, TicketState expected) {
  auto st = db_.Prepare(kUpdateTicket);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, t.branch_id).Bind(2, t.id).Bind(3, t.service_prefix).Bind(4, int64_t(t.state));
  s.Bind(5, int64_t(t.priority));
  BindOpt(s, 6, t.due_time);
  BindOpt(s, 7, t.call_time);
  BindOpt(s, 8, t.serve_time);
  BindOpt(s, 9, t.finish_time);
  s.Bind(10, t.counter_id).Bind(11, int64_t{t.recall_count}).Bind(12, int64_t(expected));
  QUEUE_RETURN_IF_ERROR(s.Run());
  if (db_.Changes() != 1)
    return Status::Aborted("ticket " + t.DisplayNumber() + " changed meanwhile; try again");
  return Status::Ok();
}

Result<std::optional<Ticket>> SqliteTicketRepo::GetTicket(const std::string& branch_id, int64_t id) {
  auto st = db_.Prepare(kGetTicket);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, branch_id).Bind(2, id);
  return OneTicket(**st);
}

Result<std::optional<Ticket>> SqliteTicketRepo::TicketByStatusToken(const std::string& token) {
  auto st = db_.Prepare(kTicketByStatusToken);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, token);
  return OneTicket(**st);
}

Result<std::optional<Ticket>> SqliteTicketRepo::TicketByNumber(const std::string& branch_id,
                                             const std::string& prefix,
                                             const std::string& business_day,
                                             int number) {
  auto st = db_.Prepare(kTicketByNumber);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, branch_id).Bind(2, prefix).Bind(3, business_day).Bind(4, int64_t{number});
  return OneTicket(**st);
}

Result<std::vector<Ticket>> SqliteTicketRepo::CallCandidates(const std::string& branch_id,
                                           const std::set<std::string>& services,
                                           absl::Time now) {
  std::vector<Ticket> out;
  for (const auto& p : services) {
    for (const char* sql : {kHeadDueAppointment, kHeadPriority, kHeadWalkIn}) {
      auto st = db_.Prepare(sql);
      if (!st.ok()) return st.status();
      (*st)->Bind(1, branch_id).Bind(2, p);
      if (sql == kHeadDueAppointment) (*st)->Bind(3, absl::ToUnixMicros(now));
      QUEUE_RETURN_IF_ERROR(Collect(**st, out));
    }
  }
  return out;
}

Result<int> SqliteTicketRepo::CountInTier(const char* sql, const std::string& branch_id,
                                          const std::string& service, absl::Time now,
                                          const Ticket* before) {
  auto st = db_.Prepare(sql);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  s.Bind(1, branch_id).Bind(2, service).Bind(3, absl::ToUnixMicros(now));
  s.Bind(4, before ? OptMicros(before->due_time).value_or(kMax) : kMax);
  s.Bind(5, before ? absl::ToUnixMicros(before->issue_time) : kMax);
  s.Bind(6, before ? before->id : kMax);
  int n = s.Step() ? static_cast<int>(s.Int(0)) : 0;
  QUEUE_RETURN_IF_ERROR(s.status());
  return n;
}

// A walk-in tier (priority or plain) is counted from its tally: whole, or
// less the tickets at or after `before` when those are few, as they are for
// a ticket just issued (the kiosk's answer). Only a ticket deep in a long
// queue walks the index, up to it.
Result<int> SqliteTicketRepo::CountWaiting(const std::string& branch_id,
                                           const std::string& service, QueueTier tier,
                                           absl::Time now, const Ticket* before) {
  switch (tier) {
    case QueueTier::kDueAppointment:
      return CountInTier(kCountDueAppointment, branch_id, service, now, before);
    case QueueTier::kEarlyAppointment:
      return CountInTier(kCountEarlyAppointment, branch_id, service, now, before);
    case QueueTier::kPriority:
    case QueueTier::kWalkIn:
      break;
  }
  const bool priority = tier == QueueTier::kPriority;
  auto st = db_.Prepare(kTally);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, branch_id).Bind(2, service).Bind(3, static_cast<int64_t>(tier));
  const int tally = (*st)->Step() ? static_cast<int>((*st)->Int(0)) : 0;
  QUEUE_RETURN_IF_ERROR((*st)->status());
  if (!before) return tally;
  auto from = CountInTier(priority ? kCountPriorityFrom : kCountWalkInFrom, branch_id, service,
                          now, before);
  if (!from.ok()) return from.status();
  if (*from < kFewBehind) return std::max(0, tally - *from);
  return CountInTier(priority ? kCountPriority : kCountWalkIn, branch_id, service, now, before);
}

Result<std::vector<Ticket>> SqliteTicketRepo::ListAtCounter(const std::string& branch_id,
                                          const std::string& counter_id) {
  std::vector<Ticket> out;
  auto st = db_.Prepare(kListAtCounter);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, branch_id).Bind(2, counter_id);
  QUEUE_RETURN_IF_ERROR(Collect(**st, out));
  return out;
}

Result<std::vector<TicketEvent>> SqliteTicketRepo::ListTransfers(const std::string& branch_id,
                                               int64_t ticket_id) {
  std::vector<TicketEvent> out;
  auto st = db_.Prepare(kListTransfers);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, ticket_id).Bind(2, branch_id);
  while (s.Step()) {
    TicketEvent e;
    e.ticket_id = ticket_id;
    e.branch_id = branch_id;
    e.time = absl::FromUnixMicros(s.Int(0));
    e.kind = "transfer";
    e.counter_id = s.Text(1);
    e.detail = s.Text(2);
    out.push_back(std::move(e));
  }
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<Ticket>> SqliteTicketRepo::ListUnfinished(const std::string& branch_id) {
  std::vector<Ticket> out;
  auto st = db_.Prepare(kListUnfinished);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, branch_id);
  QUEUE_RETURN_IF_ERROR(Collect(**st, out));
  return out;
}

Result<std::vector<Ticket>> SqliteTicketRepo::ListTickets(const std::string& branch_id, const std::string& day,
                                        std::optional<TicketState> state, int64_t after_id,
                                        int limit) {
  std::vector<Ticket> out;
  auto st = db_.Prepare(kListTicketsDay);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, branch_id).Bind(2, day).Bind(3, after_id);
  (*st)->Bind(4, state ? int64_t(*state) : 0).Bind(5, int64_t{limit});
  QUEUE_RETURN_IF_ERROR(Collect(**st, out));
  return out;
}

Result<std::map<std::string, int>> SqliteTicketRepo::WaitingCounts(const std::string& branch_id) {
  std::map<std::string, int> out;
  auto st = db_.Prepare(kWaitingCounts);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, branch_id);
  while (s.Step()) out[s.Text(0)] = static_cast<int>(s.Int(1));
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<absl::Duration>> SqliteTicketRepo::RecentServiceTimes(const std::string& branch_id,
                                                       const std::string& prefix,
                                                       int limit) {
  std::vector<absl::Duration> out;
  auto st = db_.Prepare(kRecentServiceTimes);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, branch_id).Bind(2, prefix).Bind(3, int64_t{limit});
  while (s.Step()) out.push_back(absl::Microseconds(s.Int(0)));
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::optional<PriorRequest>> SqliteTicketRepo::FindRequest(const std::string& branch_id,
                                                const std::string& method,
                                                const std::string& caller,
                                                const std::string& request_id) {
  auto st = db_.Prepare(kFindRequest);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, branch_id).Bind(2, method).Bind(3, caller).Bind(4, request_id);
  std::optional<PriorRequest> out;
  if (s.Step()) out = PriorRequest{s.Int(0), s.Text(1)};
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Status SqliteTicketRepo::SaveRequest(const std::string& branch_id, const std::string& method,
                   const std::string& caller, const std::string& request_id,
                   const std::string& params, int64_t ticket_id, absl::Time now) {
  auto st = db_.Prepare(kInsertRequest);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, branch_id).Bind(2, method).Bind(3, caller).Bind(4, request_id);
  (*st)->Bind(5, params).Bind(6, ticket_id).Bind(7, absl::ToUnixMicros(now));
  return (*st)->Run();
}

Result<int> SqliteTicketRepo::PruneRequests(absl::Time before) {
  auto st = db_.Prepare(kPruneRequests);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, absl::ToUnixMicros(before));
  QUEUE_RETURN_IF_ERROR((*st)->Run());
  return db_.Changes();
}

Result<std::vector<NoticeCandidate>> SqliteTicketRepo::PendingNotices(
    const std::string& branch_id, const std::string& service) {
  auto st = db_.Prepare(kPendingNotices);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, branch_id).Bind(2, service);
  std::vector<NoticeCandidate> out;
  while (s.Step())
    out.push_back(NoticeCandidate{ReadTicket(s), s.Text(18), static_cast<Language>(s.Int(19))});
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Status SqliteTicketRepo::SaveNotice(int64_t ticket_id, const std::string& phone,
                                    Language language) {
  auto st = db_.Prepare(kSaveNotice);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, ticket_id).Bind(2, phone).Bind(3, static_cast<int64_t>(language));
  return (*st)->Run();
}

Status SqliteTicketRepo::MarkNoticed(int64_t ticket_id, absl::Time now) {
  auto st = db_.Prepare(kMarkNoticed);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, ticket_id).Bind(2, absl::ToUnixMicros(now));
  return (*st)->Run();
}

Result<int> SqliteTicketRepo::PruneNotices() {
  QUEUE_RETURN_IF_ERROR(db_.Exec(kPruneNotices));
  return db_.Changes();
}

Result<std::optional<CounterRow>> SqliteTicketRepo::GetCounter(const std::string& branch_id,
                                             const std::string& counter_id) {
  auto st = db_.Prepare(kGetCounter);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, branch_id).Bind(2, counter_id);
  std::optional<CounterRow> out;
  if (s.Step()) out = ReadCounter(s);
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<CounterRow>> SqliteTicketRepo::ListCounters(const std::string& branch_id) {
  auto st = db_.Prepare(kListCounters);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, branch_id);
  std::vector<CounterRow> out;
  while (s.Step()) out.push_back(ReadCounter(s));
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Status SqliteTicketRepo::SaveCounter(const CounterRow& c) {
  auto st = db_.Prepare(kSaveCounter);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, c.branch_id).Bind(2, c.counter_id).Bind(3, int64_t{c.open ? 1 : 0});
  (*st)->Bind(4, JoinPrefixes(c.services)).Bind(5, c.clerk_login);
  QUEUE_RETURN_IF_ERROR((*st)->Run());
  if (db_.Changes() != 1)
    return Status::NotFound("counter " + c.counter_id + " is not in the database");
  return Status::Ok();
}

Status SqliteTicketRepo::AppendEvent(const TicketEvent& e) {
  auto st = db_.Prepare(kInsertEvent);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, e.ticket_id).Bind(2, e.branch_id).Bind(3, absl::ToUnixMicros(e.time));
  s.Bind(4, e.kind).Bind(5, int64_t(e.from)).Bind(6, int64_t(e.to));
  s.Bind(7, e.counter_id).Bind(8, int64_t{e.recall_count}).Bind(9, e.detail);
  return s.Run();
}

Result<std::vector<CallRecord>> SqliteTicketRepo::RecentCalls(const std::string& branch_id, int limit) {
  auto st = db_.Prepare(kRecentCalls);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, branch_id).Bind(2, int64_t{limit});
  return Calls(**st);
}

Result<std::vector<CallRecord>> SqliteTicketRepo::CallsAfter(const std::string& branch_id,
                                                             int64_t after_event_id, int limit) {
  auto st = db_.Prepare(kCallsAfter);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, branch_id).Bind(2, after_event_id).Bind(3, int64_t{limit});
  return Calls(**st);
}

Result<std::vector<Ticket>> SqliteTicketRepo::DueAppointments(const std::string& branch_id, absl::Time due_by,
                                            int limit) {
  std::vector<Ticket> out;
  auto st = db_.Prepare(kDueAppointments);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, branch_id).Bind(2, absl::ToUnixMicros(due_by)).Bind(3, int64_t{limit});
  QUEUE_RETURN_IF_ERROR(Collect(**st, out));
  return out;
}

}  // namespace shop::queue::sqlite
