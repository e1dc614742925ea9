#include "server/storage/sqlite/report_repo.h"

#include <algorithm>
#include <unordered_set>

#include "server/storage/sqlite/codec.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

namespace {

// A period's tickets through tickets_by_day (branch_id, business_day, ticket_id).
constexpr const char* kTickets =
    "SELECT ticket_id, number_prefix, service_prefix, issue_us FROM tickets "
    "WHERE branch_id = ?1 AND business_day BETWEEN ?2 AND ?3 ORDER BY ticket_id";

// Tables whose primary key grows with a time column: the key range of a
// time window is found by a binary search over the key (IdBounds). Each
// statement: the first row with key >= ?1, its key and time.
struct Timed {
  const char* first_at_or_after;  // ?1: key
  const char* min_max;            // min(key), max(key)
};
constexpr Timed kEventsTime{
    "SELECT event_id, at_us FROM ticket_events WHERE event_id >= ?1 ORDER BY event_id LIMIT 1",
    "SELECT min(event_id), max(event_id) FROM ticket_events"};
constexpr Timed kAuditTime{
    "SELECT seq, at_us FROM audit_log WHERE seq >= ?1 ORDER BY seq LIMIT 1",
    "SELECT min(seq), max(seq) FROM audit_log"};
constexpr Timed kCasesTime{
    "SELECT case_id, opened_us FROM sim_cases WHERE case_id >= ?1 ORDER BY case_id LIMIT 1",
    "SELECT min(case_id), max(case_id) FROM sim_cases"};

constexpr const char* kEvents =
    "SELECT ticket_id, at_us, kind, from_state, to_state, counter_id, detail FROM ticket_events "
    "WHERE event_id >= ?1 AND event_id < ?2 AND branch_id = ?3 AND ticket_id BETWEEN ?4 AND ?5 "
    "ORDER BY event_id";
constexpr const char* kCounterChanges =
    "SELECT at_us, actor, action, subject FROM audit_log "
    "WHERE seq >= ?1 AND seq < ?2 AND action IN ('counter.open', 'counter.close') "
    "AND substr(subject, 1, length(?3)) = ?3 ORDER BY seq";
constexpr const char* kCases =
    "SELECT case_id, counter_id, fee_roubles, route FROM sim_cases "
    "WHERE case_id >= ?1 AND case_id < ?2 AND branch_id = ?3 ORDER BY case_id";
// By the primary key (case_id, seq).
constexpr const char* kCaseRecords =
    "SELECT case_id, time_us, step, outcome FROM sim_case_records "
    "WHERE case_id >= ?1 AND case_id < ?2 ORDER BY case_id, seq";
// Remote cases opened before the period's key range (?1..?2) that had not
// finished by its start (?4), and their records through the records'
// primary key.
constexpr const char* kEarlierRemoteCases =
    "SELECT case_id, counter_id, fee_roubles, route FROM sim_cases "
    "WHERE case_id >= ?1 AND case_id < ?2 AND branch_id = ?3 AND route = 2 "
    "AND (finished_us IS NULL OR finished_us >= ?4) ORDER BY case_id";
constexpr const char* kEarlierRemoteRecords =
    "SELECT r.case_id, r.time_us, r.step, r.outcome FROM sim_cases c "
    "JOIN sim_case_records r ON r.case_id = c.case_id "
    "WHERE c.case_id >= ?1 AND c.case_id < ?2 AND c.branch_id = ?3 AND c.route = 2 "
    "AND (c.finished_us IS NULL OR c.finished_us >= ?4) ORDER BY r.case_id, r.seq";
// No index serves creation times; bookings are few beside tickets.
constexpr const char* kBookings =
    "SELECT service_prefix, slot_start_us, created_us, state, late_walk_in FROM bookings "
    "WHERE branch_id = ?1 AND ((slot_start_us >= ?2 AND slot_start_us < ?3) OR "
    "(created_us >= ?2 AND created_us < ?3))";

// Writers' clocks and commit order may disagree by this much.
constexpr absl::Duration kSlack = absl::Hours(1);

// The smallest key whose row's time is >= t, assuming times grow with keys
// (within kSlack, which the caller subtracts or adds); one past the last key
// when there is none.
Result<int64_t> FirstKeyAtOrAfter(Db& db, const Timed& table, absl::Time t) {
  auto mm = db.Prepare(table.min_max);
  if (!mm.ok()) return mm.status();
  int64_t lo = 0, hi = 0;
  if ((*mm)->Step() && !(*mm)->IsNull(0)) {
    lo = (*mm)->Int(0);
    hi = (*mm)->Int(1) + 1;
  }
  QUEUE_RETURN_IF_ERROR((*mm)->status());
  (*mm)->Reset();
  const int64_t at = absl::ToUnixMicros(t);
  auto probe = db.Prepare(table.first_at_or_after);
  if (!probe.ok()) return probe.status();
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    Stmt& s = **probe;
    s.Bind(1, mid);
    if (!s.Step()) {
      QUEUE_RETURN_IF_ERROR(s.status());
      s.Reset();
      hi = mid;
      continue;
    }
    int64_t key = s.Int(0), time = s.Int(1);
    s.Reset();
    if (time < at) lo = key + 1;
    else hi = mid;
  }
  return lo;
}

struct Range {
  int64_t from = 0, to = 0;  // [from, to)
};

// A row of kCases / kEarlierRemoteCases.
ReportCase CaseRow(Stmt& s) {
  return {s.Int(0), s.Text(1), s.Int(2),
          s.Int(3) == static_cast<int64_t>(CaseRoute::kRemote) ? CaseRoute::kRemote
                                                               : CaseRoute::kCounter};
}

// A row of kCaseRecords / kEarlierRemoteRecords.
ReportCaseRecord RecordRow(Stmt& s) { return {s.Int(0), ColTime(s, 1), s.Text(2), s.Text(3)}; }

Result<Range> KeysFor(Db& db, const Timed& table, absl::Time from, absl::Time to) {
  auto a = FirstKeyAtOrAfter(db, table, from - kSlack);
  if (!a.ok()) return a.status();
  auto b = FirstKeyAtOrAfter(db, table, to + kSlack);
  if (!b.ok()) return b.status();
  return Range{*a, std::max(*a, *b)};
}

}  // namespace

Result<ReportRows> SqliteReportRepo::ReadReportRows(const ReportQuery& q) {
  ReportRows out;
  {
    auto st = db_.Prepare(kTickets);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, q.branch_id).Bind(2, q.first_day).Bind(3, q.last_day);
    while (s.Step()) out.tickets.push_back({s.Int(0), s.Text(1), s.Text(2), ColTime(s, 3)});
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
  }
  if (!out.tickets.empty()) {
    auto keys = KeysFor(db_, kEventsTime, q.history_from, q.history_to);
    if (!keys.ok()) return keys.status();
    auto st = db_.Prepare(kEvents);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, keys->from).Bind(2, keys->to).Bind(3, q.branch_id);
    s.Bind(4, out.tickets.front().id).Bind(5, out.tickets.back().id);
    std::unordered_set<int64_t> ids;
    for (const auto& t : out.tickets) ids.insert(t.id);
    while (s.Step()) {
      if (!ids.count(s.Int(0))) continue;
      out.events.push_back({s.Int(0), ColTime(s, 1), s.Text(2),
                            static_cast<TicketState>(s.Int(3)),
                            static_cast<TicketState>(s.Int(4)), s.Text(5), s.Text(6)});
    }
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
  }
  {
    auto keys = KeysFor(db_, kAuditTime, q.counters_from, q.counters_to);
    if (!keys.ok()) return keys.status();
    auto st = db_.Prepare(kCounterChanges);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    const std::string prefix = "counter:" + q.branch_id + "/";
    s.Bind(1, keys->from).Bind(2, keys->to).Bind(3, prefix);
    while (s.Step()) {
      absl::Time at = ColTime(s, 0);
      if (at < q.counters_from || at >= q.counters_to) continue;
      out.counters.push_back(
          {at, s.Text(3).substr(prefix.size()), s.Text(2) == "counter.open", s.Text(1)});
    }
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
  }
  {
    auto keys = KeysFor(db_, kCasesTime, q.history_from, q.history_to);
    if (!keys.ok()) return keys.status();
    auto st = db_.Prepare(kCases);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, keys->from).Bind(2, keys->to).Bind(3, q.branch_id);
    while (s.Step()) out.cases.push_back(CaseRow(s));
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
    if (!out.cases.empty()) {
      auto rst = db_.Prepare(kCaseRecords);
      if (!rst.ok()) return rst.status();
      Stmt& r = **rst;
      r.Bind(1, out.cases.front().case_id).Bind(2, out.cases.back().case_id + 1);
      std::unordered_set<int64_t> ids;
      for (const auto& c : out.cases) ids.insert(c.case_id);
      while (r.Step()) {
        if (!ids.count(r.Int(0))) continue;
        out.case_records.push_back(RecordRow(r));
      }
      QUEUE_RETURN_IF_ERROR(r.status());
      r.Reset();
    }
    // Remote cases opened before that range, still open at the period's start.
    auto early = FirstKeyAtOrAfter(db_, kCasesTime, q.remote_from - kSlack);
    if (!early.ok()) return early.status();
    if (*early < keys->from) {
      std::vector<ReportCase> cases;
      std::vector<ReportCaseRecord> records;
      auto bind = [&](Stmt& st) {
        st.Bind(1, *early).Bind(2, keys->from).Bind(3, q.branch_id);
        st.Bind(4, absl::ToUnixMicros(q.history_from));
      };
      auto cst = db_.Prepare(kEarlierRemoteCases);
      if (!cst.ok()) return cst.status();
      bind(**cst);
      while ((*cst)->Step()) cases.push_back(CaseRow(**cst));
      QUEUE_RETURN_IF_ERROR((*cst)->status());
      (*cst)->Reset();
      auto rst = db_.Prepare(kEarlierRemoteRecords);
      if (!rst.ok()) return rst.status();
      bind(**rst);
      while ((*rst)->Step()) records.push_back(RecordRow(**rst));
      QUEUE_RETURN_IF_ERROR((*rst)->status());
      (*rst)->Reset();
      // Their ids are below the others: by id, then step order, still.
      cases.insert(cases.end(), out.cases.begin(), out.cases.end());
      records.insert(records.end(), out.case_records.begin(), out.case_records.end());
      out.cases = std::move(cases);
      out.case_records = std::move(records);
    }
  }
  {
    auto st = db_.Prepare(kBookings);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, q.branch_id)
        .Bind(2, absl::ToUnixMicros(q.bookings_from))
        .Bind(3, absl::ToUnixMicros(q.bookings_to));
    while (s.Step())
      out.bookings.push_back({s.Text(0), ColTime(s, 1), ColTime(s, 2),
                              static_cast<BookingState>(s.Int(3)), s.Int(4) != 0});
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
  }
  return out;
}

}  // namespace shop::queue::sqlite
