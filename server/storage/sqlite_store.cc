#include "server/storage/sqlite_store.h"

#include <sqlite3.h>

#include <exception>
#include <filesystem>
#include <future>
#include <limits>
#include <sstream>

#include "absl/time/clock.h"
#include "server/crypto/sha256.h"
#include "server/storage/sql.h"
#include "server/storage/sqlite_db.h"

namespace shop::queue {

using sqlite::Db;
using sqlite::Stmt;

namespace {

constexpr size_t kMaxBatch = 1024;

std::optional<int64_t> OptMicros(absl::Time t) {
  if (t == absl::InfinitePast()) return std::nullopt;
  return absl::ToUnixMicros(t);
}

void BindOpt(Stmt& s, int i, absl::Time t) {
  if (auto v = OptMicros(t)) s.Bind(i, *v);
  else s.BindNull(i);
}

absl::Time ColTime(const Stmt& s, int col) {
  return s.IsNull(col) ? absl::InfinitePast() : absl::FromUnixMicros(s.Int(col));
}

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

// A row of SHOP_QUEUE_DEVICE_STATUS_COLUMNS.
DeviceStatus ReadDeviceStatus(const Stmt& s) {
  DeviceStatus d;
  d.branch_id = s.Text(0);
  d.device_id = s.Text(1);
  d.printer_state = static_cast<PrinterState>(s.Int(2));
  d.detail = s.Text(3);
  d.report_time = absl::FromUnixMicros(s.Int(4));
  d.change_time = absl::FromUnixMicros(s.Int(5));
  return d;
}

std::string JoinPrefixes(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& p : v) {
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

std::vector<std::string> SplitPrefixes(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

void BindOptText(Stmt& s, int i, const std::optional<CaseForm>& form,
                 std::string CaseForm::*field) {
  if (form) s.Bind(i, (*form).*field);
  else s.BindNull(i);
}

SimCase ReadCase(const Stmt& s) {
  SimCase c;
  c.case_id = s.Int(0);
  c.branch_id = s.Text(1);
  c.ticket_id = s.Int(2);
  c.counter_id = s.Text(3);
  c.opened_by = s.Text(4);
  c.opened = absl::FromUnixMicros(s.Int(5));
  c.state = static_cast<CaseState>(s.Int(6));
  // The form was taken when its non-personal columns are set; erasure
  // leaves those and blanks the personal ones.
  if (!s.IsNull(8)) {
    CaseForm f;
    f.phone = s.Text(7);
    f.operator_id = s.Text(8);
    f.reason = static_cast<ReplacementReason>(s.Int(9));
    f.full_name = s.Text(10);
    f.document_type = static_cast<DocumentType>(s.Int(11));
    f.document_hash = s.Text(12);
    f.document_last4 = s.Text(13);
    f.contact = s.Text(14);
    c.form = std::move(f);
  }
  if (!s.IsNull(15)) c.question = static_cast<QuestionKind>(s.Int(15));
  c.identity_passed = s.Int(16) != 0;
  c.fee_roubles = s.Int(17);
  if (!s.IsNull(18)) c.payment = static_cast<PaymentMethod>(s.Int(18));
  c.receipt_number = s.Text(19);
  c.old_iccid = s.Text(20);
  c.new_iccid = s.Text(21);
  c.refunded = s.Int(22) != 0;
  c.finished = ColTime(s, 23);
  c.erased = s.Int(24) != 0;
  return c;
}

// Binds the case's fields from `first` on, in the column order of
// kInsertCase from state (state, phone, ..., erased): 19 parameters.
void BindCaseFields(Stmt& s, int first, const SimCase& c) {
  const auto& f = c.form;
  int i = first;
  s.Bind(i++, int64_t(c.state));
  BindOptText(s, i++, f, &CaseForm::phone);
  BindOptText(s, i++, f, &CaseForm::operator_id);
  if (f) s.Bind(i++, int64_t(f->reason));
  else s.BindNull(i++);
  BindOptText(s, i++, f, &CaseForm::full_name);
  if (f) s.Bind(i++, int64_t(f->document_type));
  else s.BindNull(i++);
  BindOptText(s, i++, f, &CaseForm::document_hash);
  BindOptText(s, i++, f, &CaseForm::document_last4);
  BindOptText(s, i++, f, &CaseForm::contact);
  if (c.question) s.Bind(i++, int64_t(*c.question));
  else s.BindNull(i++);
  s.Bind(i++, int64_t{c.identity_passed ? 1 : 0});
  s.Bind(i++, c.fee_roubles);
  if (c.payment) s.Bind(i++, int64_t(*c.payment));
  else s.BindNull(i++);
  s.Bind(i++, c.receipt_number);
  s.Bind(i++, c.old_iccid);
  s.Bind(i++, c.new_iccid);
  s.Bind(i++, int64_t{c.refunded ? 1 : 0});
  BindOpt(s, i++, c.finished);
  s.Bind(i++, int64_t{c.erased ? 1 : 0});
}

std::string JoinTimes(const std::vector<absl::Time>& v) {
  std::string out;
  for (absl::Time t : v) {
    if (!out.empty()) out += ",";
    out += std::to_string(absl::ToUnixMicros(t));
  }
  return out;
}

std::vector<absl::Time> SplitTimes(const std::string& s) {
  std::vector<absl::Time> out;
  for (const auto& item : SplitPrefixes(s)) {
    try {
      out.push_back(absl::FromUnixMicros(std::stoll(item)));
    } catch (const std::exception&) {
      // A malformed entry counts as no failure rather than failing the read.
    }
  }
  return out;
}

std::string CaseSubject(int64_t case_id) { return "case:" + std::to_string(case_id); }
std::string BookingSubject(int64_t booking_id) {
  return "booking:" + std::to_string(booking_id);
}

// A row of SHOP_QUEUE_BOOKING_COLUMNS.
Booking ReadBooking(const Stmt& s) {
  Booking b;
  b.booking_id = s.Int(0);
  b.code = s.Text(1);
  b.branch_id = s.Text(2);
  b.service_prefix = s.Text(3);
  b.slot_start = absl::FromUnixMicros(s.Int(4));
  b.state = static_cast<BookingState>(s.Int(5));
  b.name = s.Text(6);
  b.phone = s.Text(7);
  b.email = s.Text(8);
  b.language = static_cast<Language>(s.Int(9));
  b.request_id = s.Text(10);
  b.created = absl::FromUnixMicros(s.Int(11));
  b.ticket_id = s.IsNull(12) ? 0 : s.Int(12);
  b.late_walk_in = s.Int(13) != 0;
  b.reminded = s.Int(14) != 0;
  b.finished = ColTime(s, 15);
  b.erased = s.Int(16) != 0;
  return b;
}

void BindTicketId(Stmt& s, int i, int64_t ticket_id) {
  if (ticket_id != 0) s.Bind(i, ticket_id);
  else s.BindNull(i);
}

// QueueTx over one connection inside an open transaction.
class SqliteTx final : public QueueTx {
 public:
  SqliteTx(Db& db, bool writable) : db_(db), writable_(writable) {}

  Result<int> NextNumber(const std::string& branch_id, const std::string& prefix,
                         const std::string& day) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto get = db_.Prepare(sql::kGetSequence);
    if (!get.ok()) return get.status();
    Stmt& g = **get;
    g.Bind(1, branch_id).Bind(2, prefix).Bind(3, day);
    int64_t last = g.Step() ? g.Int(0) : 0;
    QUEUE_RETURN_IF_ERROR(g.status());
    g.Reset();
    auto put = db_.Prepare(sql::kUpsertSequence);
    if (!put.ok()) return put.status();
    (*put)->Bind(1, branch_id).Bind(2, prefix).Bind(3, day).Bind(4, last + 1);
    QUEUE_RETURN_IF_ERROR((*put)->Run());
    return static_cast<int>(last + 1);
  }

  Status InsertTicket(Ticket& t) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kInsertTicket);
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

  Status UpdateTicket(const Ticket& t, TicketState expected) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kUpdateTicket);
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

  Result<std::optional<Ticket>> GetTicket(const std::string& branch_id, int64_t id) override {
    auto st = db_.Prepare(sql::kGetTicket);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, branch_id).Bind(2, id);
    return OneTicket(**st);
  }

  Result<std::optional<Ticket>> TicketByStatusToken(const std::string& token) override {
    auto st = db_.Prepare(sql::kTicketByStatusToken);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, token);
    return OneTicket(**st);
  }

  Result<std::optional<Ticket>> TicketByNumber(const std::string& branch_id,
                                               const std::string& prefix,
                                               const std::string& business_day,
                                               int number) override {
    auto st = db_.Prepare(sql::kTicketByNumber);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, branch_id).Bind(2, prefix).Bind(3, business_day).Bind(4, int64_t{number});
    return OneTicket(**st);
  }

  static Result<std::optional<Ticket>> OneTicket(Stmt& s) {
    std::optional<Ticket> out;
    if (s.Step()) out = ReadTicket(s);
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Result<std::vector<Ticket>> CallCandidates(const std::string& branch_id,
                                             const std::set<std::string>& services,
                                             absl::Time now) override {
    std::vector<Ticket> out;
    for (const auto& p : services) {
      for (const char* sql : {sql::kHeadDueAppointment, sql::kHeadPriority, sql::kHeadWalkIn}) {
        auto st = db_.Prepare(sql);
        if (!st.ok()) return st.status();
        (*st)->Bind(1, branch_id).Bind(2, p);
        if (sql == sql::kHeadDueAppointment) (*st)->Bind(3, absl::ToUnixMicros(now));
        QUEUE_RETURN_IF_ERROR(Collect(**st, out));
      }
    }
    return out;
  }

  Result<int> CountWaiting(const std::string& branch_id, const std::string& service,
                           QueueTier tier, absl::Time now, const Ticket* before) override {
    const char* sql = nullptr;
    switch (tier) {
      case QueueTier::kDueAppointment: sql = sql::kCountDueAppointment; break;
      case QueueTier::kPriority: sql = sql::kCountPriority; break;
      case QueueTier::kWalkIn: sql = sql::kCountWalkIn; break;
      case QueueTier::kEarlyAppointment: sql = sql::kCountEarlyAppointment; break;
    }
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

  Result<std::vector<Ticket>> ListAtCounter(const std::string& branch_id,
                                            const std::string& counter_id) override {
    std::vector<Ticket> out;
    auto st = db_.Prepare(sql::kListAtCounter);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, branch_id).Bind(2, counter_id);
    QUEUE_RETURN_IF_ERROR(Collect(**st, out));
    return out;
  }

  Result<std::vector<TicketEvent>> ListTransfers(const std::string& branch_id,
                                                 int64_t ticket_id) override {
    std::vector<TicketEvent> out;
    auto st = db_.Prepare(sql::kListTransfers);
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

  Result<std::vector<Ticket>> ListUnfinished(const std::string& branch_id) override {
    std::vector<Ticket> out;
    auto st = db_.Prepare(sql::kListUnfinished);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, branch_id);
    QUEUE_RETURN_IF_ERROR(Collect(**st, out));
    return out;
  }

  Result<std::vector<Ticket>> ListTickets(const std::string& branch_id, const std::string& day,
                                          std::optional<TicketState> state, int64_t after_id,
                                          int limit) override {
    std::vector<Ticket> out;
    auto st = db_.Prepare(sql::kListTicketsDay);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, branch_id).Bind(2, day).Bind(3, after_id);
    (*st)->Bind(4, state ? int64_t(*state) : 0).Bind(5, int64_t{limit});
    QUEUE_RETURN_IF_ERROR(Collect(**st, out));
    return out;
  }

  Result<std::map<std::string, int>> WaitingCounts(const std::string& branch_id) override {
    std::map<std::string, int> out;
    auto st = db_.Prepare(sql::kWaitingCounts);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, branch_id);
    while (s.Step()) out[s.Text(0)] = static_cast<int>(s.Int(1));
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Result<std::vector<absl::Duration>> RecentServiceTimes(const std::string& branch_id,
                                                         const std::string& prefix,
                                                         int limit) override {
    std::vector<absl::Duration> out;
    auto st = db_.Prepare(sql::kRecentServiceTimes);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, branch_id).Bind(2, prefix).Bind(3, int64_t{limit});
    while (s.Step()) out.push_back(absl::Microseconds(s.Int(0)));
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Result<std::optional<PriorRequest>> FindRequest(const std::string& branch_id,
                                                  const std::string& method,
                                                  const std::string& caller,
                                                  const std::string& request_id) override {
    auto st = db_.Prepare(sql::kFindRequest);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, branch_id).Bind(2, method).Bind(3, caller).Bind(4, request_id);
    std::optional<PriorRequest> out;
    if (s.Step()) out = PriorRequest{s.Int(0), s.Text(1)};
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status SaveRequest(const std::string& branch_id, const std::string& method,
                     const std::string& caller, const std::string& request_id,
                     const std::string& params, int64_t ticket_id, absl::Time now) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kInsertRequest);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, branch_id).Bind(2, method).Bind(3, caller).Bind(4, request_id);
    (*st)->Bind(5, params).Bind(6, ticket_id).Bind(7, absl::ToUnixMicros(now));
    return (*st)->Run();
  }

  Result<std::optional<CounterRow>> GetCounter(const std::string& branch_id,
                                               const std::string& counter_id) override {
    auto st = db_.Prepare(sql::kGetCounter);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, branch_id).Bind(2, counter_id);
    std::optional<CounterRow> out;
    if (s.Step()) out = ReadCounter(s);
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Result<std::vector<CounterRow>> ListCounters(const std::string& branch_id) override {
    auto st = db_.Prepare(sql::kListCounters);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, branch_id);
    std::vector<CounterRow> out;
    while (s.Step()) out.push_back(ReadCounter(s));
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status SaveCounter(const CounterRow& c) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kSaveCounter);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, c.branch_id).Bind(2, c.counter_id).Bind(3, int64_t{c.open ? 1 : 0});
    (*st)->Bind(4, JoinPrefixes(c.services)).Bind(5, c.clerk_login);
    QUEUE_RETURN_IF_ERROR((*st)->Run());
    if (db_.Changes() != 1)
      return Status::NotFound("counter " + c.counter_id + " is not in the database");
    return Status::Ok();
  }

  Status AppendEvent(const TicketEvent& e) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kInsertEvent);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, e.ticket_id).Bind(2, e.branch_id).Bind(3, absl::ToUnixMicros(e.time));
    s.Bind(4, e.kind).Bind(5, int64_t(e.from)).Bind(6, int64_t(e.to));
    s.Bind(7, e.counter_id).Bind(8, int64_t{e.recall_count}).Bind(9, e.detail);
    return s.Run();
  }

  Status AppendAudit(const AuditRecord& in) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    AuditRecord r = in;
    auto last = db_.Prepare(sql::kLastAudit);
    if (!last.ok()) return last.status();
    if ((*last)->Step()) {
      r.seq = (*last)->Int(0) + 1;
      r.prev_hash = (*last)->Text(1);
    } else {
      r.seq = 1;
      r.prev_hash.clear();
    }
    QUEUE_RETURN_IF_ERROR((*last)->status());
    (*last)->Reset();
    r.hash = crypto::Sha256Hex(AuditCanonical(r));
    auto st = db_.Prepare(sql::kInsertAudit);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, r.seq).Bind(2, absl::ToUnixMicros(r.time)).Bind(3, r.actor).Bind(4, r.action);
    s.Bind(5, r.subject).Bind(6, r.detail).Bind(7, r.prev_hash).Bind(8, r.hash);
    return s.Run();
  }

  Result<std::optional<StaffAccount>> GetStaff(const std::string& login) override {
    auto st = db_.Prepare(sql::kGetStaff);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, login);
    std::optional<StaffAccount> out;
    if (s.Step()) {
      StaffAccount a;
      a.login = s.Text(0);
      a.display_name = s.Text(1);
      a.role = static_cast<Role>(s.Int(2));
      a.password_hash = s.Text(3);
      a.attempts.failures = static_cast<int>(s.Int(4));
      a.attempts.locked_until = ColTime(s, 5);
      out = a;
    }
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status SaveStaff(const StaffAccount& a) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kSaveStaff);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, a.login).Bind(2, a.display_name).Bind(3, int64_t(a.role)).Bind(4, a.password_hash);
    s.Bind(5, int64_t{a.attempts.failures});
    BindOpt(s, 6, a.attempts.locked_until);
    return s.Run();
  }

  Status InsertSession(const std::string& token_hash, const Session& v) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kInsertSession);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, token_hash).Bind(2, v.login).Bind(3, int64_t(v.role));
    s.Bind(4, absl::ToUnixMicros(v.issued)).Bind(5, absl::ToUnixMicros(v.expires));
    return s.Run();
  }

  Result<std::optional<Session>> GetSession(const std::string& token_hash) override {
    auto st = db_.Prepare(sql::kGetSession);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, token_hash);
    std::optional<Session> out;
    if (s.Step())
      out = Session{s.Text(0), static_cast<Role>(s.Int(1)), absl::FromUnixMicros(s.Int(2)),
                    absl::FromUnixMicros(s.Int(3)), s.Int(4) != 0};
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status EndSession(const std::string& token_hash) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kEndSession);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, token_hash);
    return (*st)->Run();
  }

  Status InsertDevice(const std::string& token_hash, const DeviceRecord& d) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto find = db_.Prepare(sql::kFindDeviceByName);
    if (!find.ok()) return find.status();
    (*find)->Bind(1, d.name);
    bool taken = (*find)->Step();
    QUEUE_RETURN_IF_ERROR((*find)->status());
    (*find)->Reset();
    if (taken) return Status::AlreadyExists("a device named " + d.name + " exists");
    auto st = db_.Prepare(sql::kInsertDevice);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, token_hash).Bind(2, d.name).Bind(3, int64_t(d.role)).Bind(4, d.branch_id);
    s.Bind(5, absl::ToUnixMicros(d.issued));
    return s.Run();
  }

  Result<std::optional<DeviceRecord>> GetDevice(const std::string& token_hash) override {
    auto st = db_.Prepare(sql::kGetDevice);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, token_hash);
    std::optional<DeviceRecord> out;
    if (s.Step())
      out = DeviceRecord{s.Text(0), static_cast<Role>(s.Int(1)), s.Text(2),
                         absl::FromUnixMicros(s.Int(3)), s.Int(4) != 0};
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status RevokeDevice(const std::string& name) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kRevokeDevice);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, name);
    QUEUE_RETURN_IF_ERROR((*st)->Run());
    if (db_.Changes() != 1) return Status::NotFound("no device named " + name);
    return Status::Ok();
  }

  Result<std::vector<CallRecord>> RecentCalls(const std::string& branch_id, int limit) override {
    auto st = db_.Prepare(sql::kRecentCalls);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, branch_id).Bind(2, int64_t{limit});
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
      out.push_back(c);
    }
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Result<std::vector<Ticket>> DueAppointments(const std::string& branch_id, absl::Time due_by,
                                              int limit) override {
    std::vector<Ticket> out;
    auto st = db_.Prepare(sql::kDueAppointments);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, branch_id).Bind(2, absl::ToUnixMicros(due_by)).Bind(3, int64_t{limit});
    QUEUE_RETURN_IF_ERROR(Collect(**st, out));
    return out;
  }

  Result<std::optional<DeviceStatus>> GetDeviceStatus(const std::string& branch_id,
                                                      const std::string& device_id) override {
    auto st = db_.Prepare(sql::kGetDeviceStatus);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, branch_id).Bind(2, device_id);
    std::optional<DeviceStatus> out;
    if (s.Step()) out = ReadDeviceStatus(s);
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status SaveDeviceStatus(const DeviceStatus& d) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kSaveDeviceStatus);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    // In SHOP_QUEUE_DEVICE_STATUS_COLUMNS order.
    s.Bind(1, d.branch_id).Bind(2, d.device_id).Bind(3, int64_t(d.printer_state));
    s.Bind(4, d.detail).Bind(5, absl::ToUnixMicros(d.report_time));
    s.Bind(6, absl::ToUnixMicros(d.change_time));
    return s.Run();
  }

  Result<std::vector<DeviceStatus>> ListDeviceStatus(const std::string& branch_id) override {
    auto st = db_.Prepare(sql::kListDeviceStatus);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, branch_id);
    std::vector<DeviceStatus> out;
    while (s.Step()) out.push_back(ReadDeviceStatus(s));
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status InsertCase(SimCase& c) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto existing = CaseOfTicket(c.branch_id, c.ticket_id);
    if (!existing.ok()) return existing.status();
    if (*existing)
      return Status::AlreadyExists("ticket " + std::to_string(c.ticket_id) + " already has case " +
                                   std::to_string((*existing)->case_id));
    auto st = db_.Prepare(sql::kInsertCase);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, c.branch_id).Bind(2, c.ticket_id).Bind(3, c.counter_id).Bind(4, c.opened_by);
    s.Bind(5, absl::ToUnixMicros(c.opened));
    BindCaseFields(s, 6, c);
    QUEUE_RETURN_IF_ERROR(s.Run());
    c.case_id = db_.LastInsertRowId();
    return Status::Ok();
  }

  Status UpdateCase(const SimCase& c, CaseState expected) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kUpdateCase);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, c.branch_id).Bind(2, c.case_id).Bind(3, c.counter_id);
    BindCaseFields(s, 4, c);
    s.Bind(23, int64_t(expected));
    QUEUE_RETURN_IF_ERROR(s.Run());
    if (db_.Changes() != 1)
      return Status::Aborted("case " + std::to_string(c.case_id) + " changed meanwhile; try again");
    return Status::Ok();
  }

  Result<std::optional<SimCase>> GetCase(const std::string& branch_id,
                                         int64_t case_id) override {
    return OneCase(sql::kGetCase, branch_id, case_id);
  }

  Result<std::optional<SimCase>> CaseOfTicket(const std::string& branch_id,
                                              int64_t ticket_id) override {
    return OneCase(sql::kCaseOfTicket, branch_id, ticket_id);
  }

  Result<std::optional<SimCase>> OpenCaseOfPhone(const std::string& phone,
                                                 int64_t except_case_id) override {
    return OneCase(sql::kOpenCaseOfPhone, phone, except_case_id);
  }

  Status AppendCaseRecord(CaseRecord& r) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto last = db_.Prepare(sql::kLastCaseRecord);
    if (!last.ok()) return last.status();
    (*last)->Bind(1, r.case_id);
    int64_t seq = (*last)->Step() ? (*last)->Int(0) + 1 : 1;
    QUEUE_RETURN_IF_ERROR((*last)->status());
    (*last)->Reset();
    auto st = db_.Prepare(sql::kInsertCaseRecord);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, r.case_id).Bind(2, seq).Bind(3, absl::ToUnixMicros(r.time)).Bind(4, r.step);
    s.Bind(5, r.outcome).Bind(6, r.actor).Bind(7, r.supervisor).Bind(8, r.detail);
    QUEUE_RETURN_IF_ERROR(s.Run());
    r.seq = static_cast<int>(seq);
    return Status::Ok();
  }

  Result<std::vector<CaseRecord>> CaseRecords(int64_t case_id) override {
    auto st = db_.Prepare(sql::kCaseRecords);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, case_id);
    std::vector<CaseRecord> out;
    while (s.Step())
      out.push_back(CaseRecord{s.Int(0), static_cast<int>(s.Int(1)),
                               absl::FromUnixMicros(s.Int(2)), s.Text(3), s.Text(4), s.Text(5),
                               s.Text(6), s.Text(7)});
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Result<int64_t> NextReceiptNumber(const std::string& branch_id, int year) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto get = db_.Prepare(sql::kGetReceiptSequence);
    if (!get.ok()) return get.status();
    Stmt& g = **get;
    g.Bind(1, branch_id).Bind(2, int64_t{year});
    int64_t last = g.Step() ? g.Int(0) : 0;
    QUEUE_RETURN_IF_ERROR(g.status());
    g.Reset();
    auto put = db_.Prepare(sql::kUpsertReceiptSequence);
    if (!put.ok()) return put.status();
    (*put)->Bind(1, branch_id).Bind(2, int64_t{year}).Bind(3, last + 1);
    QUEUE_RETURN_IF_ERROR((*put)->Run());
    return last + 1;
  }

  Result<int> EraseFinishedCases(absl::Time cutoff, int limit) override {
    return EraseFinished(sql::kCasesToErase, sql::kEraseCase, CaseSubject, cutoff, limit);
  }

  Result<IdentityAttempts> GetIdentityAttempts(const std::string& phone) override {
    auto st = db_.Prepare(sql::kGetIdentityAttempts);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, phone);
    IdentityAttempts a;
    if (s.Step()) {
      a.failures = SplitTimes(s.Text(0));
      a.locked_until = ColTime(s, 1);
    }
    QUEUE_RETURN_IF_ERROR(s.status());
    return a;
  }

  Status SaveIdentityAttempts(const std::string& phone, const IdentityAttempts& a) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    // Nothing to remember: keep no row keyed by the phone number.
    if (a.failures.empty() && a.locked_until == absl::InfinitePast()) {
      auto del = db_.Prepare(sql::kDeleteIdentityAttempts);
      if (!del.ok()) return del.status();
      (*del)->Bind(1, phone);
      return (*del)->Run();
    }
    auto st = db_.Prepare(sql::kSaveIdentityAttempts);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, phone).Bind(2, JoinTimes(a.failures));
    BindOpt(s, 3, a.locked_until);
    return s.Run();
  }

  Result<std::optional<Subscriber>> GetSubscriber(const std::string& phone) override {
    auto st = db_.Prepare(sql::kGetSubscriber);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, phone);
    if (!s.Step()) {
      QUEUE_RETURN_IF_ERROR(s.status());
      return std::optional<Subscriber>();
    }
    Subscriber sub;
    sub.phone = s.Text(0);
    sub.operator_id = s.Text(1);
    sub.holder_name = s.Text(2);
    sub.document_type = static_cast<DocumentType>(s.Int(3));
    sub.document_hash = s.Text(4);
    sub.document_last4 = s.Text(5);
    sub.no_sim_change = s.Int(6) != 0;
    sub.last_sim_change = ColTime(s, 7);
    s.Reset();

    auto topups = db_.Prepare(sql::kSubscriberTopups);
    if (!topups.ok()) return topups.status();
    (*topups)->Bind(1, phone);
    while ((*topups)->Step()) sub.recent_topups_roubles.push_back((*topups)->Int(0));
    QUEUE_RETURN_IF_ERROR((*topups)->status());
    (*topups)->Reset();

    auto calls = db_.Prepare(sql::kSubscriberCalls);
    if (!calls.ok()) return calls.status();
    (*calls)->Bind(1, phone);
    while ((*calls)->Step()) sub.recent_calls.push_back((*calls)->Text(0));
    QUEUE_RETURN_IF_ERROR((*calls)->status());
    (*calls)->Reset();

    auto active = ActiveCard(phone);
    if (!active.ok()) return active.status();
    sub.active_iccid = *active;
    return std::optional<Subscriber>(std::move(sub));
  }

  Status SaveSubscriber(const Subscriber& sub) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kSaveSubscriber);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, sub.phone).Bind(2, sub.operator_id).Bind(3, sub.holder_name);
    s.Bind(4, int64_t(sub.document_type)).Bind(5, sub.document_hash).Bind(6, sub.document_last4);
    s.Bind(7, int64_t{sub.no_sim_change ? 1 : 0});
    BindOpt(s, 8, sub.last_sim_change);
    QUEUE_RETURN_IF_ERROR(s.Run());

    for (const char* del : {sql::kDeleteTopups, sql::kDeleteCalls}) {
      auto d = db_.Prepare(del);
      if (!d.ok()) return d.status();
      (*d)->Bind(1, sub.phone);
      QUEUE_RETURN_IF_ERROR((*d)->Run());
    }
    for (size_t i = 0; i < sub.recent_topups_roubles.size(); ++i) {
      auto ins = db_.Prepare(sql::kInsertTopup);
      if (!ins.ok()) return ins.status();
      (*ins)->Bind(1, sub.phone).Bind(2, int64_t(i + 1)).Bind(3, sub.recent_topups_roubles[i]);
      QUEUE_RETURN_IF_ERROR((*ins)->Run());
    }
    for (size_t i = 0; i < sub.recent_calls.size(); ++i) {
      auto ins = db_.Prepare(sql::kInsertCall);
      if (!ins.ok()) return ins.status();
      (*ins)->Bind(1, sub.phone).Bind(2, int64_t(i + 1)).Bind(3, sub.recent_calls[i]);
      QUEUE_RETURN_IF_ERROR((*ins)->Run());
    }
    if (sub.active_iccid.empty()) return Status::Ok();

    // The active card: a card keeps its number for life, and a blocked card
    // is never active again; changing a number's card is SwapActiveCard's.
    auto card = GetCard(sub.active_iccid);
    if (!card.ok()) return card.status();
    if (*card) {
      const auto& [owner, state] = **card;
      if (owner == sub.phone && state == "active") return Status::Ok();
      return Status::FailedPrecondition("card " + sub.active_iccid + " is " + state +
                                        (owner == sub.phone ? "" : " on another number"));
    }
    auto current = ActiveCard(sub.phone);
    if (!current.ok()) return current.status();
    if (!current->empty())
      return Status::FailedPrecondition("the number " + MaskPhone(sub.phone) +
                                        " already has another active card");
    auto ins = db_.Prepare(sql::kInsertActiveCard);
    if (!ins.ok()) return ins.status();
    (*ins)->Bind(1, sub.active_iccid).Bind(2, sub.phone);
    BindOpt(**ins, 3, sub.last_sim_change);
    return (*ins)->Run();
  }

  Status SwapActiveCard(const std::string& phone, const std::string& old_iccid,
                        const std::string& new_iccid, absl::Time now) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    if (new_iccid.empty() || new_iccid == old_iccid)
      return Status::InvalidArgument("new_iccid", "the new card must differ from the old one");
    auto current = ActiveCard(phone);
    if (!current.ok()) return current.status();
    if (*current != old_iccid)
      return Status::Aborted("the active card of " + MaskPhone(phone) +
                             " changed meanwhile; try again");
    auto card = GetCard(new_iccid);
    if (!card.ok()) return card.status();
    if (*card)
      return Status::FailedPrecondition("card " + new_iccid + " is already " + (*card)->second +
                                        " in the register");
    const int64_t now_us = absl::ToUnixMicros(now);
    auto touch = db_.Prepare(sql::kSetLastSimChange);
    if (!touch.ok()) return touch.status();
    (*touch)->Bind(1, phone).Bind(2, now_us);
    QUEUE_RETURN_IF_ERROR((*touch)->Run());
    if (db_.Changes() != 1)
      return Status::NotFound("the number " + MaskPhone(phone) + " is not in the register");
    // Block before activating: the unique index allows one active card.
    if (!old_iccid.empty()) {
      auto block = db_.Prepare(sql::kBlockCard);
      if (!block.ok()) return block.status();
      (*block)->Bind(1, old_iccid).Bind(2, phone).Bind(3, now_us);
      QUEUE_RETURN_IF_ERROR((*block)->Run());
      if (db_.Changes() != 1) return Status::Internal("the active card could not be blocked");
    }
    auto ins = db_.Prepare(sql::kInsertActiveCard);
    if (!ins.ok()) return ins.status();
    (*ins)->Bind(1, new_iccid).Bind(2, phone).Bind(3, now_us);
    return (*ins)->Run();
  }

  Result<std::string> CardState(const std::string& iccid) override {
    auto card = GetCard(iccid);
    if (!card.ok()) return card.status();
    return *card ? (*card)->second : std::string();
  }

  Result<std::optional<StockCard>> GetStockCard(const std::string& iccid) override {
    auto st = db_.Prepare(sql::kGetStockCard);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, iccid);
    std::optional<StockCard> out;
    if (s.Step())
      out = StockCard{s.Text(0), s.Text(1), s.Text(2), static_cast<StockState>(s.Int(3)),
                      s.IsNull(4) ? 0 : s.Int(4)};
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status AddStockCard(const StockCard& card) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto stocked = GetStockCard(card.iccid);
    if (!stocked.ok()) return stocked.status();
    if (*stocked) return Status::AlreadyExists("card " + card.iccid + " is already in stock records");
    auto registered = GetCard(card.iccid);
    if (!registered.ok()) return registered.status();
    if (*registered)
      return Status::AlreadyExists("card " + card.iccid + " is already in the register");
    auto st = db_.Prepare(sql::kInsertStockCard);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, card.iccid).Bind(2, card.branch_id).Bind(3, card.operator_id);
    s.Bind(4, int64_t(card.state));
    if (card.case_id != 0) s.Bind(5, card.case_id);
    else s.BindNull(5);
    return s.Run();
  }

  Status IssueStockCard(const std::string& iccid, int64_t case_id) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kIssueStockCard);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, iccid).Bind(2, case_id);
    QUEUE_RETURN_IF_ERROR((*st)->Run());
    if (db_.Changes() != 1)
      return Status::Aborted("card " + iccid + " is no longer in stock");
    return Status::Ok();
  }

  Status EnqueueMessage(OutboxMessage& m) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kInsertOutbox);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, absl::ToUnixMicros(m.created)).Bind(2, m.channel).Bind(3, m.recipient);
    s.Bind(4, m.text).Bind(5, m.subject);
    QUEUE_RETURN_IF_ERROR(s.Run());
    m.id = db_.LastInsertRowId();
    return Status::Ok();
  }

  Result<std::vector<OutboxMessage>> OutboxFor(const std::string& subject) override {
    auto st = db_.Prepare(sql::kOutboxFor);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, subject);
    std::vector<OutboxMessage> out;
    while (s.Step())
      out.push_back(OutboxMessage{s.Int(0), absl::FromUnixMicros(s.Int(1)), s.Text(2), s.Text(3),
                                  s.Text(4), s.Text(5)});
    QUEUE_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status InsertBooking(Booking& b) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    // Told apart because the caller retries a taken code with a new one but
    // must not retry a used request id (that is a retry of an earlier call).
    auto by_request = db_.Prepare(sql::kBookingRequestTaken);
    if (!by_request.ok()) return by_request.status();
    (*by_request)->Bind(1, b.branch_id).Bind(2, b.phone).Bind(3, b.request_id);
    auto request = Exists(**by_request);
    if (!request.ok()) return request.status();
    if (*request)
      return Status::AlreadyExists("request_id already used for a booking of this phone in "
                                   "branch " + b.branch_id);
    auto by_code = db_.Prepare(sql::kBookingCodeTaken);
    if (!by_code.ok()) return by_code.status();
    (*by_code)->Bind(1, b.code);
    auto code = Exists(**by_code);
    if (!code.ok()) return code.status();
    if (*code) return Status::AlreadyExists("booking code taken");
    auto st = db_.Prepare(sql::kInsertBooking);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, b.code).Bind(2, b.branch_id).Bind(3, b.service_prefix);
    s.Bind(4, absl::ToUnixMicros(b.slot_start)).Bind(5, int64_t(b.state));
    s.Bind(6, b.erased ? std::string() : b.name).Bind(7, b.erased ? std::string() : b.phone);
    s.Bind(8, b.erased ? std::string() : b.email).Bind(9, int64_t(b.language));
    s.Bind(10, b.request_id).Bind(11, absl::ToUnixMicros(b.created));
    BindTicketId(s, 12, b.ticket_id);
    s.Bind(13, int64_t{b.late_walk_in ? 1 : 0}).Bind(14, int64_t{b.reminded ? 1 : 0});
    BindOpt(s, 15, b.finished);
    s.Bind(16, int64_t{b.erased ? 1 : 0});
    QUEUE_RETURN_IF_ERROR(s.Run());
    b.booking_id = db_.LastInsertRowId();
    return Status::Ok();
  }

  Status UpdateBooking(const Booking& b, BookingState expected,
                       absl::Time expected_start) override {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    auto st = db_.Prepare(sql::kUpdateBooking);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, b.branch_id).Bind(2, b.booking_id).Bind(3, absl::ToUnixMicros(b.slot_start));
    s.Bind(4, int64_t(b.state)).Bind(5, b.name).Bind(6, b.phone).Bind(7, b.email);
    s.Bind(8, int64_t(b.language));
    BindTicketId(s, 9, b.ticket_id);
    s.Bind(10, int64_t{b.late_walk_in ? 1 : 0}).Bind(11, int64_t{b.reminded ? 1 : 0});
    BindOpt(s, 12, b.finished);
    s.Bind(13, int64_t(expected)).Bind(14, absl::ToUnixMicros(expected_start));
    s.Bind(15, int64_t{b.erased ? 1 : 0});
    QUEUE_RETURN_IF_ERROR(s.Run());
    if (db_.Changes() != 1)
      return Status::Aborted("booking " + b.code + " changed meanwhile; try again");
    return Status::Ok();
  }

  Result<std::optional<Booking>> GetBookingByCode(const std::string& code) override {
    auto st = db_.Prepare(sql::kGetBookingByCode);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, code);
    return OneBooking(**st);
  }

  Result<std::optional<Booking>> GetBookingByRequest(const std::string& branch_id,
                                                     const std::string& phone,
                                                     const std::string& request_id) override {
    auto st = db_.Prepare(sql::kGetBookingByRequest);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, branch_id).Bind(2, phone).Bind(3, request_id);
    return OneBooking(**st);
  }

  Result<int> CountSeatsTaken(const std::string& branch_id, const std::string& service,
                              absl::Time slot_start) override {
    auto st = db_.Prepare(sql::kCountSeatsTaken);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, branch_id).Bind(2, service).Bind(3, absl::ToUnixMicros(slot_start));
    return Count(s);
  }

  Result<std::map<absl::Time, int>> SeatsTakenBetween(const std::string& branch_id,
                                                      const std::string& service,
                                                      absl::Time from, absl::Time to) override {
    auto st = db_.Prepare(sql::kSeatsTakenBetween);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, branch_id).Bind(2, service).Bind(3, absl::ToUnixMicros(from));
    s.Bind(4, absl::ToUnixMicros(to));
    std::map<absl::Time, int> out;
    while (s.Step()) out[absl::FromUnixMicros(s.Int(0))] = static_cast<int>(s.Int(1));
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
    return out;
  }

  Result<int> CountActiveForPhone(const std::string& branch_id, const std::string& service,
                                  const std::string& phone, absl::Time from, absl::Time to,
                                  int64_t except_id) override {
    auto st = db_.Prepare(sql::kCountActiveForPhone);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, branch_id).Bind(2, service).Bind(3, phone).Bind(4, absl::ToUnixMicros(from));
    s.Bind(5, absl::ToUnixMicros(to)).Bind(6, except_id);
    return Count(s);
  }

  Result<std::vector<Booking>> ActiveBookingsStartedBefore(absl::Time started_before,
                                                           int limit) override {
    auto st = db_.Prepare(sql::kActiveStartedBefore);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, absl::ToUnixMicros(started_before)).Bind(2, int64_t{limit});
    return Bookings(**st);
  }

  Result<std::vector<Booking>> BookingsToRemind(absl::Time before, int limit) override {
    auto st = db_.Prepare(sql::kBookingsToRemind);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, absl::ToUnixMicros(before)).Bind(2, int64_t{limit});
    return Bookings(**st);
  }

  Result<int> EraseFinishedBookings(absl::Time cutoff, int limit) override {
    return EraseFinished(sql::kBookingsToErase, sql::kEraseBooking, BookingSubject, cutoff,
                         limit);
  }

  // Erases the personal fields of up to `limit` rows that `list_sql` finds
  // finished before `cutoff` (with `erase_sql`), and the recipients of their
  // outbox messages (subject from `subject_of`).
  Result<int> EraseFinished(const char* list_sql, const char* erase_sql,
                            std::string (*subject_of)(int64_t), absl::Time cutoff, int limit) {
    QUEUE_RETURN_IF_ERROR(RequireWritable());
    std::vector<int64_t> ids;
    {
      auto st = db_.Prepare(list_sql);
      if (!st.ok()) return st.status();
      Stmt& s = **st;
      s.Bind(1, absl::ToUnixMicros(cutoff)).Bind(2, int64_t{limit});
      while (s.Step()) ids.push_back(s.Int(0));
      QUEUE_RETURN_IF_ERROR(s.status());
      s.Reset();
    }
    for (int64_t id : ids) {
      auto erase = db_.Prepare(erase_sql);
      if (!erase.ok()) return erase.status();
      (*erase)->Bind(1, id);
      QUEUE_RETURN_IF_ERROR((*erase)->Run());
      auto outbox = db_.Prepare(sql::kEraseOutboxRecipients);
      if (!outbox.ok()) return outbox.status();
      (*outbox)->Bind(1, subject_of(id));
      QUEUE_RETURN_IF_ERROR((*outbox)->Run());
    }
    return static_cast<int>(ids.size());
  }

 private:
  // Whether the bound query finds a row.
  static Result<bool> Exists(Stmt& s) {
    bool found = s.Step();
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
    return found;
  }
  static Result<int> Count(Stmt& s) {
    int n = s.Step() ? static_cast<int>(s.Int(0)) : 0;
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
    return n;
  }
  static Result<std::optional<Booking>> OneBooking(Stmt& s) {
    std::optional<Booking> out;
    if (s.Step()) out = ReadBooking(s);
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
    return out;
  }
  static Result<std::vector<Booking>> Bookings(Stmt& s) {
    std::vector<Booking> out;
    while (s.Step()) out.push_back(ReadBooking(s));
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
    return out;
  }
  Status RequireWritable() const {
    if (writable_) return Status::Ok();
    return Status::Internal("write attempted inside a read transaction");
  }
  static Status Collect(Stmt& s, std::vector<Ticket>& out) {
    while (s.Step()) out.push_back(ReadTicket(s));
    return s.status();
  }
  // The one case `sql` selects with ?1 = `key` (a branch or a phone), ?2 = `id`.
  Result<std::optional<SimCase>> OneCase(const char* sql, const std::string& key, int64_t id) {
    auto st = db_.Prepare(sql);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, key).Bind(2, id);
    std::optional<SimCase> out;
    if (s.Step()) out = ReadCase(s);
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
    return out;
  }
  // The number's active card, "" if none.
  Result<std::string> ActiveCard(const std::string& phone) {
    auto st = db_.Prepare(sql::kActiveCard);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, phone);
    std::string out = s.Step() ? s.Text(0) : std::string();
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
    return out;
  }
  // A card of the register: its number and state.
  Result<std::optional<std::pair<std::string, std::string>>> GetCard(const std::string& iccid) {
    auto st = db_.Prepare(sql::kGetCard);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, iccid);
    std::optional<std::pair<std::string, std::string>> out;
    if (s.Step()) out.emplace(s.Text(0), s.Text(1));
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
    return out;
  }
  static CounterRow ReadCounter(const Stmt& s) {
    return CounterRow{s.Text(0), s.Text(1), s.Int(2) != 0, SplitPrefixes(s.Text(3)), s.Text(4)};
  }

  Db& db_;
  const bool writable_;
};

// For OpenMode::kExisting: OK only when `db` is a queue database at this
// program's schema version; changes nothing.
Status CheckVersion(Db& db) {
  auto has = db.Prepare(sql::kHasVersionTable);
  if (!has.ok()) return has.status();
  const bool table = (*has)->Step() && (*has)->Int(0) > 0;
  QUEUE_RETURN_IF_ERROR((*has)->status());
  (*has)->Reset();
  if (!table)
    return Status::FailedPrecondition("not a queue-server database (it has no schema version)");
  auto get = db.Prepare(sql::kGetVersion);
  if (!get.ok()) return get.status();
  const int64_t version = (*get)->Step() ? (*get)->Int(0) : 0;
  QUEUE_RETURN_IF_ERROR((*get)->status());
  (*get)->Reset();
  const int64_t latest = SqliteStore::LatestSchemaVersion();
  if (version > latest)
    return Status::FailedPrecondition("schema version " + std::to_string(version) +
                                      " is newer than this program's (" +
                                      std::to_string(latest) + "); upgrade the program");
  if (version < latest)
    return Status::FailedPrecondition("schema version " + std::to_string(version) +
                                      " is older than this program's (" +
                                      std::to_string(latest) +
                                      "); start queue-server on this database once to migrate it");
  return Status::Ok();
}

Status Migrate(Db& db) {
  QUEUE_RETURN_IF_ERROR(db.Exec(sql::kCreateVersionTable));
  QUEUE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  auto body = [&]() -> Status {
    auto get = db.Prepare(sql::kGetVersion);
    if (!get.ok()) return get.status();
    bool has_row = (*get)->Step();
    int64_t version = has_row ? (*get)->Int(0) : 0;
    QUEUE_RETURN_IF_ERROR((*get)->status());
    (*get)->Reset();
    if (!has_row) {
      auto ins = db.Prepare(sql::kInsertVersion);
      if (!ins.ok()) return ins.status();
      (*ins)->Bind(1, int64_t{0});
      QUEUE_RETURN_IF_ERROR((*ins)->Run());
    }
    const int64_t latest = SqliteStore::LatestSchemaVersion();
    if (version > latest)
      return Status::FailedPrecondition("database schema version " + std::to_string(version) +
                                        " is newer than this server (" + std::to_string(latest) +
                                        "); upgrade the server");
    for (int64_t v = version; v < latest; ++v) {
      QUEUE_RETURN_IF_ERROR(db.Exec(sql::kMigrations[v]));
      auto set = db.Prepare(sql::kSetVersion);
      if (!set.ok()) return set.status();
      (*set)->Bind(1, v + 1);
      QUEUE_RETURN_IF_ERROR((*set)->Run());
    }
    return Status::Ok();
  };
  Status st = body();
  if (!st.ok()) {
    (void)db.Exec("ROLLBACK");
    return st;
  }
  return db.Exec("COMMIT");
}

}  // namespace

struct SqliteStore::Pending {
  const std::function<Status(QueueTx&)>* fn;
  std::promise<Status> done;
};

int SqliteStore::LatestSchemaVersion() {
  return static_cast<int>(std::size(sql::kMigrations));
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       SqliteStoreOptions options) {
  const bool existing = options.mode == SqliteStoreOptions::OpenMode::kExisting;
  if (existing) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      return Status::NotFound("database " + path + " does not exist");
  }
  // Without the CREATE flag as well, so a file removed meanwhile is not
  // created either.
  auto writer = Db::Open(path, existing ? Db::Mode::kReadWriteExisting : Db::Mode::kReadWrite);
  if (!writer.ok()) return writer.status();
  QUEUE_RETURN_IF_ERROR(existing ? CheckVersion(**writer) : Migrate(**writer));
  if (options.max_page_count > 0)
    QUEUE_RETURN_IF_ERROR(
        (*writer)->Exec("PRAGMA max_page_count=" + std::to_string(options.max_page_count)));
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(path, options, std::move(writer).value()));
}

SqliteStore::SqliteStore(std::string path, SqliteStoreOptions options,
                         std::unique_ptr<sqlite::Db> writer)
    : path_(std::move(path)), options_(options), writer_(std::move(writer)) {
  (void)writer_->Exec("PRAGMA wal_autocheckpoint=16384");
  writer_->set_fault_hook(options_.fault_hook);
  writer_thread_ = std::thread([this] { WriterLoop(); });
  if (options_.checkpoint_interval > absl::ZeroDuration())
    checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  stop_cv_.notify_all();
  writer_thread_.join();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

void SqliteStore::CheckpointLoop() {
  auto db = Db::Open(path_, Db::Mode::kReadWrite);
  if (!db.ok()) return;  // the writer's own auto-checkpoint still bounds the WAL
  std::unique_lock lock(mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.checkpoint_interval),
                      [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    (void)(*db)->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    lock.lock();
  }
}

Status SqliteStore::Write(const std::function<Status(QueueTx&)>& fn) {
  Pending p{&fn, {}};
  std::future<Status> result = p.done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::Unavailable("storage is shutting down");
    queue_.push_back(&p);
  }
  work_cv_.notify_one();
  return result.get();
}

void SqliteStore::WriterLoop() {
  for (;;) {
    std::vector<Pending*> batch;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to do
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      writes_ += static_cast<int64_t>(batch.size());
    }
    RunBatch(batch);
  }
}

void SqliteStore::RunBatch(std::vector<Pending*>& batch) {
  // answers[i] is request i's own answer; OK ones stand only if COMMIT
  // succeeds. Requests not reached keep OK here and get tx_error below.
  std::vector<Status> answers(batch.size());
  Status tx_error = BeginWrite();
  if (tx_error.ok()) {
    SqliteTx tx(*writer_, true);
    for (size_t i = 0; i < batch.size() && tx_error.ok(); ++i)
      tx_error = RunRequest(*batch[i]->fn, tx, &answers[i]);
    const absl::Time commit_began = absl::Now();
    if (tx_error.ok()) tx_error = CommitWrite();
    if (options_.on_batch)
      options_.on_batch(batch.size(), absl::Now() - commit_began, tx_error.ok());
  }
  if (tx_error.ok()) {
    std::lock_guard lock(mu_);
    ++commits_;
  } else {
    // Nothing of this transaction is stored: roll back, and no request of it
    // is answered OK (a request that failed by itself keeps its own answer).
    AbandonWrite();
    for (Status& answer : answers)
      if (answer.ok()) answer = tx_error;
  }
  for (size_t i = 0; i < batch.size(); ++i) batch[i]->done.set_value(answers[i]);
}

Status SqliteStore::BeginWrite() {
  writer_->ResetAll();
  if (writer_->InTransaction()) {
    // An earlier ROLLBACK failed and left the transaction open: end it now,
    // or this batch would run inside it.
    Status rollback = writer_->Run(sql::kRollback);
    if (!rollback.ok() || writer_->InTransaction())
      return Status::Internal("not stored: a failed write transaction could not be rolled back (" +
                              (rollback.ok() ? std::string("still open") : rollback.ToString()) +
                              ")");
  }
  Status begin = writer_->Run(sql::kBeginImmediate);
  if (!begin.ok()) return begin;
  if (!writer_->InTransaction())
    return Status::Internal("not stored: BEGIN IMMEDIATE opened no transaction");
  return Status::Ok();
}

Status SqliteStore::RunRequest(const std::function<Status(QueueTx&)>& fn, QueueTx& tx,
                               Status* answer) {
  Status savepoint = writer_->Run(sql::kSavepoint);
  if (!savepoint.ok()) {
    // Nothing of this request ran; the transaction is intact if still open.
    *answer = savepoint;
    if (!writer_->InTransaction()) return savepoint;
    return Status::Ok();
  }
  Status st;
  try {
    st = fn(tx);
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("write failed: ") + e.what());
  } catch (...) {
    st = Status::Internal("write failed with an unknown exception");
  }
  *answer = st;
  if (!writer_->InTransaction()) {
    // SQLite rolled the whole transaction back (e.g. SQLITE_FULL): the
    // earlier requests of this transaction are lost too.
    return st.ok() ? Status::Internal("not stored: the write transaction was rolled back") : st;
  }
  if (st.ok()) {
    Status release = writer_->Run(sql::kRelease);
    if (!release.ok()) return release;
  } else {
    // Undo this request's partial writes. If that fails, RELEASE would merge
    // them into the commit, so the whole transaction must go.
    writer_->ResetAll();
    Status undo = writer_->Run(sql::kRollbackTo);
    if (!undo.ok()) return undo;
    Status release = writer_->Run(sql::kRelease);
    if (!release.ok()) return release;
  }
  if (!writer_->InTransaction())
    return Status::Internal("not stored: the write transaction ended after a savepoint");
  return Status::Ok();
}

Status SqliteStore::CommitWrite() {
  writer_->ResetAll();
  if (!writer_->InTransaction())
    return Status::Internal("not stored: the write transaction ended before COMMIT");
  return writer_->Run(sql::kCommit);
}

void SqliteStore::AbandonWrite() {
  writer_->ResetAll();
  // A failure here leaves the transaction open; BeginWrite tries again and
  // fails the next batch rather than running it inside this one.
  if (writer_->InTransaction()) (void)writer_->Run(sql::kRollback);
}

std::unique_ptr<sqlite::Db> SqliteStore::AcquireReader(Status* error) {
  {
    std::unique_lock lock(readers_mu_);
    readers_cv_.wait(lock, [&] {
      return !idle_readers_.empty() || open_readers_ < options_.reader_connections;
    });
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return db;
    }
    ++open_readers_;  // opened below, outside the lock
  }
  auto db = Db::Open(path_, Db::Mode::kReadOnly);
  if (!db.ok()) {
    *error = db.status();
    DiscardReader();
    return nullptr;
  }
  (*db)->set_fault_hook(options_.fault_hook);
  return std::move(db).value();
}

void SqliteStore::ReleaseReader(std::unique_ptr<sqlite::Db> db) {
  {
    std::lock_guard lock(readers_mu_);
    idle_readers_.push_back(std::move(db));
  }
  readers_cv_.notify_one();
}

void SqliteStore::DiscardReader() {
  {
    std::lock_guard lock(readers_mu_);
    --open_readers_;
  }
  readers_cv_.notify_one();
}

// A read connection taken from the pool, given back on every path: to the
// idle pool, or closed if it is still inside a transaction it cannot leave
// (it would pin an old snapshot).
class SqliteStore::ReaderLease {
 public:
  ReaderLease(SqliteStore& store, std::unique_ptr<Db> db) : store_(store), db_(std::move(db)) {}
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  ~ReaderLease() {
    db_->ResetAll();
    if (db_->InTransaction()) (void)db_->Run(sql::kRollback);
    if (db_->InTransaction()) {
      db_.reset();
      store_.DiscardReader();
    } else {
      store_.ReleaseReader(std::move(db_));
    }
  }
  Db& db() { return *db_; }

 private:
  SqliteStore& store_;
  std::unique_ptr<Db> db_;
};

Status SqliteStore::Read(const std::function<Status(QueueTx&)>& fn) {
  Status error;
  auto acquired = AcquireReader(&error);
  if (!acquired) return error;
  ReaderLease lease(*this, std::move(acquired));
  Db& db = lease.db();
  QUEUE_RETURN_IF_ERROR(db.Run(sql::kBegin));
  SqliteTx tx(db, false);
  Status st;
  try {
    st = fn(tx);
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("read failed: ") + e.what());
  } catch (...) {
    st = Status::Internal("read failed with an unknown exception");
  }
  db.ResetAll();
  Status end = db.Run(st.ok() ? sql::kCommit : sql::kRollback);
  if (st.ok()) st = end;
  return st;
}

Status SqliteStore::SyncConfig(const ServerConfig& config) {
  // Runs on the writer thread, which owns the writer connection.
  return Write([&](QueueTx&) -> Status {
    for (const auto& b : config.branches) {
      auto st = writer_->Prepare(sql::kUpsertBranch);
      if (!st.ok()) return st.status();
      (*st)->Bind(1, b.branch_id).Bind(2, b.display_name).Bind(3, b.time_zone_name);
      QUEUE_RETURN_IF_ERROR((*st)->Run());
      for (const auto& s : b.services) {
        auto sv = writer_->Prepare(sql::kUpsertService);
        if (!sv.ok()) return sv.status();
        (*sv)->Bind(1, b.branch_id).Bind(2, s.prefix).Bind(3, s.names[0]);
        (*sv)->Bind(4, s.names[1]).Bind(5, s.names[2]);
        QUEUE_RETURN_IF_ERROR((*sv)->Run());
      }
      for (const auto& c : b.counters) {
        auto cs = writer_->Prepare(sql::kUpsertCounterConfig);
        if (!cs.ok()) return cs.status();
        (*cs)->Bind(1, b.branch_id).Bind(2, c.counter_id).Bind(3, c.display_name);
        QUEUE_RETURN_IF_ERROR((*cs)->Run());
      }
    }
    return Status::Ok();
  });
}

Result<std::string> SqliteStore::IntegrityCheck() {
  auto db = Db::Open(path_, Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare("PRAGMA integrity_check");
  if (!st.ok()) return st.status();
  std::string out;
  while ((*st)->Step()) {
    if (!out.empty()) out += "\n";
    out += (*st)->Text(0);
  }
  QUEUE_RETURN_IF_ERROR((*st)->status());
  return out;
}

Result<AuditVerdict> SqliteStore::VerifyAudit() {
  auto db = Db::Open(path_, Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  QUEUE_RETURN_IF_ERROR((*db)->Run(sql::kBegin));  // one snapshot for the whole walk
  AuditChainVerifier verifier(crypto::Sha256Hex);
  int64_t after = 0;
  bool more = true;
  while (more && !verifier.first_broken()) {
    auto st = (*db)->Prepare(sql::kReadAudit);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, after).Bind(2, int64_t{10000});
    more = false;
    while (s.Step()) {
      AuditRecord r{s.Int(0), absl::FromUnixMicros(s.Int(1)), s.Text(2), s.Text(3),
                    s.Text(4), s.Text(5), s.Text(6), s.Text(7)};
      after = r.seq;
      more = true;
      if (!verifier.Feed(r)) break;
    }
    QUEUE_RETURN_IF_ERROR(s.status());
  }
  (*db)->ResetAll();
  (void)(*db)->Run(sql::kCommit);
  return AuditVerdict{verifier.checked(), verifier.first_broken(), verifier.why()};
}

int64_t SqliteStore::write_count() const {
  std::lock_guard lock(mu_);
  return writes_;
}

int64_t SqliteStore::queued_count() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(queue_.size());
}

int64_t SqliteStore::commit_count() const {
  std::lock_guard lock(mu_);
  return commits_;
}

}  // namespace shop::queue
