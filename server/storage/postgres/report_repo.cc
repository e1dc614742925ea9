#include "server/storage/postgres/report_repo.h"

#include <algorithm>
#include <unordered_set>

#include "server/storage/postgres/pg_codec.h"
#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

namespace {

// A period's tickets through tickets_by_day (branch_id, business_day, ticket_id).
constexpr Statement kTickets{
    "report_tickets",
    "SELECT ticket_id, number_prefix, service_prefix, issue_us FROM tickets "
    "WHERE branch_id = $1 AND business_day BETWEEN $2 AND $3 ORDER BY ticket_id"};

// Tables whose primary key grows with a time column: the key range of a
// time window is found by a binary search over the key (KeysFor).
struct Timed {
  Statement first_at_or_after;  // $1: key -> (key, time) of the first row >= it
  Statement min_max;            // lo, hi
};
constexpr Timed kEventsTime{
    {"report_events_probe",
     "SELECT event_id AS key, at_us AS time FROM ticket_events WHERE event_id >= $1 "
     "ORDER BY event_id LIMIT 1"},
    {"report_events_range", "SELECT min(event_id) AS lo, max(event_id) AS hi FROM ticket_events"}};
constexpr Timed kAuditTime{
    {"report_audit_probe",
     "SELECT seq AS key, at_us AS time FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 1"},
    {"report_audit_range", "SELECT min(seq) AS lo, max(seq) AS hi FROM audit_log"}};
constexpr Timed kCasesTime{
    {"report_cases_probe",
     "SELECT case_id AS key, opened_us AS time FROM sim_cases WHERE case_id >= $1 "
     "ORDER BY case_id LIMIT 1"},
    {"report_cases_range", "SELECT min(case_id) AS lo, max(case_id) AS hi FROM sim_cases"}};

constexpr Statement kEvents{
    "report_events",
    "SELECT ticket_id, at_us, kind, from_state, to_state, counter_id, detail FROM ticket_events "
    "WHERE event_id >= $1 AND event_id < $2 AND branch_id = $3 AND ticket_id BETWEEN $4 AND $5 "
    "ORDER BY event_id"};
constexpr Statement kCounterChanges{
    "report_counter_changes",
    "SELECT at_us, actor, action, subject FROM audit_log "
    "WHERE seq >= $1 AND seq < $2 AND action IN ('counter.open', 'counter.close') "
    "AND left(subject, length($3)) = $3 ORDER BY seq"};
constexpr Statement kCases{
    "report_cases",
    "SELECT case_id, counter_id, fee_roubles, route FROM sim_cases "
    "WHERE case_id >= $1 AND case_id < $2 AND branch_id = $3 ORDER BY case_id"};
constexpr Statement kCaseRecords{
    "report_case_records",
    "SELECT case_id, time_us, step, outcome FROM sim_case_records "
    "WHERE case_id >= $1 AND case_id < $2 ORDER BY case_id, seq"};
// Remote cases opened before the period's key range ($1..$2) that had not
// finished by its start ($4), and their records through the records'
// primary key.
constexpr Statement kEarlierRemoteCases{
    "report_earlier_remote_cases",
    "SELECT case_id, counter_id, fee_roubles, route FROM sim_cases "
    "WHERE case_id >= $1 AND case_id < $2 AND branch_id = $3 AND route = 2 "
    "AND (finished_us IS NULL OR finished_us >= $4) ORDER BY case_id"};
constexpr Statement kEarlierRemoteRecords{
    "report_earlier_remote_records",
    "SELECT r.case_id, r.time_us, r.step, r.outcome FROM sim_cases c "
    "JOIN sim_case_records r ON r.case_id = c.case_id "
    "WHERE c.case_id >= $1 AND c.case_id < $2 AND c.branch_id = $3 AND c.route = 2 "
    "AND (c.finished_us IS NULL OR c.finished_us >= $4) ORDER BY r.case_id, r.seq"};
// No index serves creation times; bookings are few beside tickets.
constexpr Statement kBookings{
    "report_bookings",
    "SELECT service_prefix, slot_start_us, created_us, state, late_walk_in FROM bookings "
    "WHERE branch_id = $1 AND ((slot_start_us >= $2 AND slot_start_us < $3) OR "
    "(created_us >= $2 AND created_us < $3))"};

// Writers' clocks (several replicas) and commit order may disagree by this much.
constexpr absl::Duration kSlack = absl::Hours(1);

// The smallest key whose row's time is >= t, assuming times grow with keys;
// one past the last key when there is none.
Result<int64_t> FirstKeyAtOrAfter(Conn& conn, const Timed& table, absl::Time t) {
  auto mm = conn.Query(table.min_max);
  if (!mm.ok()) return mm.status();
  int64_t lo = 0, hi = 0;
  if (mm->size() > 0 && !mm->IsNull(0, "lo")) {
    lo = mm->Int(0, "lo");
    hi = mm->Int(0, "hi") + 1;
  }
  QUEUE_RETURN_IF_ERROR(mm->status());
  const int64_t at = absl::ToUnixMicros(t);
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    auto r = conn.Query(table.first_at_or_after, {mid});
    if (!r.ok()) return r.status();
    if (r->size() == 0) {
      hi = mid;
      continue;
    }
    int64_t key = r->Int(0, "key"), time = r->Int(0, "time");
    QUEUE_RETURN_IF_ERROR(r->status());
    if (time < at) lo = key + 1;
    else hi = mid;
  }
  return lo;
}

struct Range {
  int64_t from = 0, to = 0;  // [from, to)
};

// Row i of kCases / kEarlierRemoteCases.
ReportCase CaseRow(const Rows& r, int i) {
  return {r.Int(i, "case_id"), r.Text(i, "counter_id"), r.Int(i, "fee_roubles"),
          r.Int(i, "route") == static_cast<int64_t>(CaseRoute::kRemote) ? CaseRoute::kRemote
                                                                        : CaseRoute::kCounter};
}

// Row i of kCaseRecords / kEarlierRemoteRecords.
ReportCaseRecord RecordRow(const Rows& r, int i) {
  return {r.Int(i, "case_id"), codec::ColTime(r, i, "time_us"), r.Text(i, "step"),
          r.Text(i, "outcome")};
}

Result<Range> KeysFor(Conn& conn, const Timed& table, absl::Time from, absl::Time to) {
  auto a = FirstKeyAtOrAfter(conn, table, from - kSlack);
  if (!a.ok()) return a.status();
  auto b = FirstKeyAtOrAfter(conn, table, to + kSlack);
  if (!b.ok()) return b.status();
  return Range{*a, std::max(*a, *b)};
}

}  // namespace

Result<ReportRows> PgReportRepo::ReadReportRows(const ReportQuery& q) {
  ReportRows out;
  {
    auto r = conn_.Query(kTickets, {q.branch_id, q.first_day, q.last_day});
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->size(); ++i)
      out.tickets.push_back({r->Int(i, "ticket_id"), r->Text(i, "number_prefix"),
                             r->Text(i, "service_prefix"), codec::ColTime(*r, i, "issue_us")});
    QUEUE_RETURN_IF_ERROR(r->status());
  }
  if (!out.tickets.empty()) {
    auto keys = KeysFor(conn_, kEventsTime, q.history_from, q.history_to);
    if (!keys.ok()) return keys.status();
    auto r = conn_.Query(kEvents, {keys->from, keys->to, q.branch_id, out.tickets.front().id,
                                   out.tickets.back().id});
    if (!r.ok()) return r.status();
    std::unordered_set<int64_t> ids;
    for (const auto& t : out.tickets) ids.insert(t.id);
    for (int i = 0; i < r->size(); ++i) {
      int64_t id = r->Int(i, "ticket_id");
      if (!ids.count(id)) continue;
      out.events.push_back({id, codec::ColTime(*r, i, "at_us"), r->Text(i, "kind"),
                            static_cast<TicketState>(r->Int(i, "from_state")),
                            static_cast<TicketState>(r->Int(i, "to_state")),
                            r->Text(i, "counter_id"), r->Text(i, "detail")});
    }
    QUEUE_RETURN_IF_ERROR(r->status());
  }
  {
    auto keys = KeysFor(conn_, kAuditTime, q.counters_from, q.counters_to);
    if (!keys.ok()) return keys.status();
    const std::string prefix = "counter:" + q.branch_id + "/";
    auto r = conn_.Query(kCounterChanges, {keys->from, keys->to, prefix});
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->size(); ++i) {
      absl::Time at = codec::ColTime(*r, i, "at_us");
      if (at < q.counters_from || at >= q.counters_to) continue;
      out.counters.push_back({at, r->Text(i, "subject").substr(prefix.size()),
                              r->Text(i, "action") == "counter.open", r->Text(i, "actor")});
    }
    QUEUE_RETURN_IF_ERROR(r->status());
  }
  {
    auto keys = KeysFor(conn_, kCasesTime, q.history_from, q.history_to);
    if (!keys.ok()) return keys.status();
    auto r = conn_.Query(kCases, {keys->from, keys->to, q.branch_id});
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->size(); ++i) out.cases.push_back(CaseRow(*r, i));
    QUEUE_RETURN_IF_ERROR(r->status());
    if (!out.cases.empty()) {
      auto rec = conn_.Query(kCaseRecords,
                             {out.cases.front().case_id, out.cases.back().case_id + 1});
      if (!rec.ok()) return rec.status();
      std::unordered_set<int64_t> ids;
      for (const auto& c : out.cases) ids.insert(c.case_id);
      for (int i = 0; i < rec->size(); ++i) {
        if (!ids.count(rec->Int(i, "case_id"))) continue;
        out.case_records.push_back(RecordRow(*rec, i));
      }
      QUEUE_RETURN_IF_ERROR(rec->status());
    }
    // Remote cases opened before that range, still open at the period's start.
    auto early = FirstKeyAtOrAfter(conn_, kCasesTime, q.remote_from - kSlack);
    if (!early.ok()) return early.status();
    if (*early < keys->from) {
      const std::vector<Param> params{*early, keys->from, q.branch_id,
                                      codec::Micros(q.history_from)};
      auto c = conn_.Query(kEarlierRemoteCases, params);
      if (!c.ok()) return c.status();
      std::vector<ReportCase> cases;
      for (int i = 0; i < c->size(); ++i) cases.push_back(CaseRow(*c, i));
      QUEUE_RETURN_IF_ERROR(c->status());
      auto rec = conn_.Query(kEarlierRemoteRecords, params);
      if (!rec.ok()) return rec.status();
      std::vector<ReportCaseRecord> records;
      for (int i = 0; i < rec->size(); ++i) records.push_back(RecordRow(*rec, i));
      QUEUE_RETURN_IF_ERROR(rec->status());
      // Their ids are below the others: by id, then step order, still.
      cases.insert(cases.end(), out.cases.begin(), out.cases.end());
      records.insert(records.end(), out.case_records.begin(), out.case_records.end());
      out.cases = std::move(cases);
      out.case_records = std::move(records);
    }
  }
  {
    auto r = conn_.Query(kBookings, {q.branch_id, codec::Micros(q.bookings_from),
                                     codec::Micros(q.bookings_to)});
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->size(); ++i)
      out.bookings.push_back({r->Text(i, "service_prefix"), codec::ColTime(*r, i, "slot_start_us"),
                              codec::ColTime(*r, i, "created_us"),
                              static_cast<BookingState>(r->Int(i, "state")),
                              r->Int(i, "late_walk_in") != 0});
    QUEUE_RETURN_IF_ERROR(r->status());
  }
  return out;
}

}  // namespace shop::queue::pg
