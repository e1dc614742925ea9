#include "server/domain/queue/queue_manager.h"

#include <algorithm>
#include <random>

#include "server/domain/queue/queue_policy.h"
#include "server/domain/common/personal_data.h"
#include "server/domain/queue/ticket_history.h"
#include "server/domain/queue/turn_near.h"

namespace shop::queue {
namespace {

constexpr int kServiceTimeWindow = 20;
constexpr const char* kMethodCreate = "create_ticket";
constexpr const char* kMethodCallNext = "call_next";

bool ServesService(const CounterRow& c, const std::string& prefix) {
  return c.open && std::find(c.services.begin(), c.services.end(), prefix) != c.services.end();
}

// The ticket an earlier request with this request_id produced, if any (a
// retry is answered with the first result). A request id is its caller's own:
// another caller's id is not found, and the caller's own id sent again with
// other parameters is refused, never answered with another request's ticket.
Result<std::optional<Ticket>> PriorResult(ReadTx& tx, const std::string& branch_id,
                                          const char* method, const Principal* who,
                                          const std::string& request_id,
                                          const std::string& params) {
  auto prior = tx.tickets().FindRequest(branch_id, method, ActorName(who), request_id);
  if (!prior.ok()) return prior.status();
  if (!prior->has_value()) return std::optional<Ticket>();
  // Rows from before parameters were kept have none to compare.
  if (!(*prior)->params.empty() && (*prior)->params != params)
    return Status::InvalidArgument("request_id", "request_id reused with other parameters; "
                                                 "a new request needs a new request_id");
  auto t = tx.tickets().GetTicket(branch_id, (*prior)->ticket_id);
  if (!t.ok()) return t.status();
  if (!t->has_value()) return Status::Internal("a request id maps to a missing ticket");
  return *t;
}

std::string CreateParams(const CreateTicketInput& in) {
  // The phone itself is not kept with the request id: only whether there
  // was one.
  return "service=" + in.service_prefix + " language=" +
         std::to_string(static_cast<int>(in.language)) +
         " priority=" + std::to_string(static_cast<int>(in.priority)) +
         (in.notify_phone.empty() ? "" : " notify=1");
}

Status RecordCounter(WriteTx& tx, const CounterRow& c, absl::Time now, const Principal* who) {
  AuditRecord r;
  r.time = now;
  r.actor = who ? ActorName(who) : "counter:" + c.counter_id;
  r.action = c.open ? "counter.open" : "counter.close";
  r.subject = "counter:" + c.branch_id + "/" + c.counter_id;
  std::string services;
  for (const auto& p : c.services) services += (services.empty() ? "" : ",") + p;
  r.detail = c.open ? "services=" + services : "";
  return tx.audit().AppendAudit(r);
}

CallRecord CallOf(const Ticket& t) {
  return CallRecord{t.id,           t.DisplayNumber(),
                    t.counter_id,   t.call_time,
                    t.recall_count, t.origin == Origin::kAppointment,
                    t.language,     t.service_prefix};
}

const char* ActionName(CounterAction a) {
  switch (a) {
    case CounterAction::kRecall: return "recall";
    case CounterAction::kStart: return "start";
    case CounterAction::kComplete: return "complete";
    case CounterAction::kNoShow: return "no_show";
    case CounterAction::kPark: return "park";
    case CounterAction::kReturn: return "return";
  }
  return "?";
}

// The ticket a counter is busy with (called or serving), if any.
std::optional<Ticket> BusyWith(const std::vector<Ticket>& at_counter) {
  for (const auto& t : at_counter)
    if (t.state == TicketState::kCalled || t.state == TicketState::kServing) return t;
  return std::nullopt;
}

// OK when the counter holds no called or serving ticket; otherwise the
// refusal says what the clerk can do with that ticket in its state (a called
// ticket cannot be parked, a serving one is no no-show).
Status CounterIsFree(ReadTx& tx, const std::string& branch_id, const std::string& counter_id) {
  auto at = tx.tickets().ListAtCounter(branch_id, counter_id);
  if (!at.ok()) return at.status();
  auto busy = BusyWith(*at);
  if (!busy) return Status::Ok();
  const char* what = busy->state == TicketState::kCalled
                         ? "start serving it, recall it, mark it a no-show or transfer it first"
                         : "finish it, park it or transfer it first";
  return Status::FailedPrecondition("counter " + counter_id + " is still busy with " +
                                    busy->DisplayNumber() + " (" + StateName(busy->state) +
                                    "); " + what);
}

// The counter's row if it is open, or FAILED_PRECONDITION.
Result<CounterRow> LoadOpenCounter(ReadTx& tx, const std::string& branch_id,
                                   const std::string& counter_id) {
  auto row = tx.tickets().GetCounter(branch_id, counter_id);
  if (!row.ok()) return row.status();
  if (!row->has_value() || !(*row)->open)
    return Status::FailedPrecondition("counter " + counter_id + " is closed; open it first");
  return **row;
}

}  // namespace

Status ValidateRequestId(const std::string& request_id, const std::string& field) {
  if (request_id.empty())
    return Status::InvalidArgument(field, field + " is required (a client-chosen unique id)");
  if (request_id.size() > 64)
    return Status::InvalidArgument(field, field + " must be at most 64 characters");
  for (unsigned char c : request_id)
    if (c < 0x21 || c > 0x7e)
      return Status::InvalidArgument(field, field + " must be printable ASCII without spaces");
  return Status::Ok();
}

QueueManager::QueueManager(const ServerConfig& config, Store& store, const Clock& clock,
                           BoardHub& board, std::function<std::string(size_t)> random_bytes)
    : config_(config), store_(store), clock_(clock), board_(board),
      random_bytes_(std::move(random_bytes)) {
  if (!random_bytes_)
    random_bytes_ = [](size_t n) {
      static thread_local std::random_device device;
      std::string out(n, '\0');
      for (char& c : out) c = static_cast<char>(device() & 0xff);
      return out;
    };
}

std::string QueueManager::NewStatusToken() const { return StatusToken(random_bytes_(16)); }

Result<TicketView> QueueManager::GetTicketByStatusToken(const std::string& token) {
  if (!IsStatusTokenShape(token))
    return Status::InvalidArgument("token", "token is not a ticket link's token");
  auto views = GetTicketsByStatusToken({token});
  if (!views.ok()) return views.status();
  if (!views->front())
    return Status::NotFound("no current ticket with this link: it has ended or never existed");
  return *views->front();
}

Result<std::vector<std::optional<TicketView>>> QueueManager::GetTicketsByStatusToken(
    const std::vector<std::string>& tokens) {
  std::vector<std::optional<TicketView>> out(tokens.size());
  const absl::Time now = clock_.Now();
  Status st = store_.Read([&](ReadTx& tx) -> Status {
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (!IsStatusTokenShape(tokens[i])) continue;
      auto t = tx.tickets().TicketByStatusToken(tokens[i]);
      if (!t.ok()) return t.status();
      if (!t->has_value() || IsTerminal((*t)->state)) continue;
      const BranchConfig* b = config_.FindBranch((*t)->branch_id);
      if (!b) continue;
      auto view = View(tx, *b, **t, now);
      if (!view.ok()) return view.status();
      out[i] = std::move(*view);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<const BranchConfig*> QueueManager::Branch(const std::string& branch_id) const {
  if (branch_id.empty()) return Status::InvalidArgument("branch_id", "branch_id is required");
  const BranchConfig* b = config_.FindBranch(branch_id);
  if (!b) return Status::NotFound("branch " + Quoted(branch_id) + " does not exist");
  return b;
}

Result<const BranchConfig*> QueueManager::GetBranch(const std::string& branch_id) const {
  return Branch(branch_id);
}

Result<const CounterConfig*> QueueManager::Counter(const BranchConfig& b,
                                                   const std::string& counter_id) const {
  if (counter_id.empty()) return Status::InvalidArgument("counter_id", "counter_id is required");
  const CounterConfig* c = b.FindCounter(counter_id);
  if (!c)
    return Status::NotFound("counter " + Quoted(counter_id) + " does not exist in branch " + b.branch_id);
  return c;
}

Result<const BranchConfig*> QueueManager::ForCounter(const std::string& branch_id,
                                                     const std::string& counter_id,
                                                     std::optional<int64_t> ticket_id) const {
  auto b = Branch(branch_id);
  if (!b.ok()) return b.status();
  auto cc = Counter(**b, counter_id);
  if (!cc.ok()) return cc.status();
  if (ticket_id && *ticket_id <= 0)
    return Status::InvalidArgument("ticket_id", "ticket_id must be positive");
  return b;
}

Result<TicketView> QueueManager::View(ReadTx& tx, const BranchConfig& b, const Ticket& t,
                                      absl::Time now) {
  TicketView v{t, 0, absl::ZeroDuration()};
  if (t.state != TicketState::kWaiting) return v;
  auto ahead = PeopleAhead(tx, t, now);
  if (!ahead.ok()) return ahead.status();
  v.position = *ahead;
  auto rate = RateOf(tx, b, t.service_prefix, now);
  if (!rate.ok()) return rate.status();
  v.estimated_wait = EstimateWait(v.position, rate->average, rate->open_counters);
  return v;
}

Result<QueueManager::ServiceRate> QueueManager::RateOf(ReadTx& tx, const BranchConfig& b,
                                                       const std::string& prefix, absl::Time now) {
  const auto key = std::make_pair(b.branch_id, prefix);
  {
    std::lock_guard lock(rate_mu_);
    auto it = rates_.find(key);
    if (it != rates_.end() && now - it->second.computed < kRateTtl) return it->second;
  }
  auto times = tx.tickets().RecentServiceTimes(b.branch_id, prefix, kServiceTimeWindow);
  if (!times.ok()) return times.status();
  auto counters = tx.tickets().ListCounters(b.branch_id);
  if (!counters.ok()) return counters.status();
  ServiceRate rate;
  for (const auto& c : *counters) rate.open_counters += ServesService(c, prefix) ? 1 : 0;
  const ServiceConfig* s = b.FindService(prefix);
  rate.average = RollingAverage(*times, s ? s->default_service_time : absl::Minutes(10),
                                kServiceTimeWindow);
  rate.computed = now;
  std::lock_guard lock(rate_mu_);
  rates_[key] = rate;
  return rate;
}

void QueueManager::ForgetRates(const std::string& branch_id) {
  std::lock_guard lock(rate_mu_);
  for (auto it = rates_.begin(); it != rates_.end();)
    it = it->first.first == branch_id ? rates_.erase(it) : std::next(it);
}

Result<TicketView> QueueManager::ViewAfterWrite(const BranchConfig& b, const Ticket& t) {
  Result<TicketView> out = Status::Internal("no view");
  absl::Time now = clock_.Now();
  Status st = store_.Read([&](ReadTx& tx) {
    out = View(tx, b, t, now);
    return out.status();
  });
  if (!st.ok()) return TicketView{t, 0, absl::ZeroDuration()};  // the write stands
  return out;
}

Result<std::vector<ServiceView>> QueueManager::ListServices(const std::string& branch_id) {
  auto b = Branch(branch_id);
  if (!b.ok()) return b.status();
  std::vector<ServiceView> out;
  absl::Time now = clock_.Now();
  Status st = store_.Read([&](ReadTx& tx) {
    auto counts = tx.tickets().WaitingCounts(branch_id);
    if (!counts.ok()) return counts.status();
    for (const auto& s : (*b)->services) {
      ServiceView v;
      v.config = &s;
      auto it = counts->find(s.prefix);
      v.waiting = it == counts->end() ? 0 : it->second;
      auto rate = RateOf(tx, **b, s.prefix, now);
      if (!rate.ok()) return rate.status();
      v.open_counters = rate->open_counters;
      v.average_service_time = rate->average;
      // A ticket taken now is a walk-in: due appointments, priority tickets
      // and the walk-ins already waiting go before it.
      int ahead = 0;
      for (QueueTier tier : {QueueTier::kDueAppointment, QueueTier::kPriority, QueueTier::kWalkIn}) {
        auto n = tx.tickets().CountWaiting(branch_id, s.prefix, tier, now, nullptr);
        if (!n.ok()) return n.status();
        ahead += *n;
      }
      v.estimated_wait = EstimateWait(ahead, rate->average, rate->open_counters);
      out.push_back(v);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<const BranchConfig*> ValidateCreateTicket(const ServerConfig& config,
                                                 const CreateTicketInput& in) {
  if (in.branch_id.empty()) return Status::InvalidArgument("branch_id", "branch_id is required");
  const BranchConfig* branch = config.FindBranch(in.branch_id);
  if (!branch) return Status::NotFound("branch " + Quoted(in.branch_id) + " does not exist");
  if (in.service_prefix.empty())
    return Status::InvalidArgument("service_prefix", "service_prefix is required");
  if (!branch->FindService(in.service_prefix))
    return Status::InvalidArgument("service_prefix", "branch " + branch->branch_id +
                                                         " has no service " + Quoted(in.service_prefix));
  QUEUE_RETURN_IF_ERROR(ValidateRequestId(in.request_id));
  if (!in.notify_phone.empty() && !NormalizeRuMobile(in.notify_phone))
    return Status::InvalidArgument("notify_phone",
                                   "notify_phone must be a Russian mobile number (+7 9XX XXX-XX-XX)");
  return branch;
}

Result<TicketView> QueueManager::CreateTicket(const CreateTicketInput& in, const Principal* who) {
  auto b = ValidateCreateTicket(config_, in);
  if (!b.ok()) return b.status();
  const BranchConfig& branch = **b;

  absl::Time now = clock_.Now();
  const std::string token = NewStatusToken();
  const std::string phone =
      in.notify_phone.empty() ? std::string() : NormalizeRuMobile(in.notify_phone).value_or("");
  Ticket out;
  bool created = false;
  bool phone_kept = false;
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    created = phone_kept = false;  // the store may run this again
    auto prior = PriorResult(tx, branch.branch_id, kMethodCreate, who, in.request_id,
                             CreateParams(in));
    if (!prior.ok()) return prior.status();
    if (prior->has_value()) {  // a retry: answer with the first result
      out = **prior;
      if (!phone.empty()) {
        auto kept = NoticeKept(tx, out);
        if (!kept.ok()) return kept.status();
        phone_kept = *kept;
      }
      return Status::Ok();
    }
    if (!branch.IsOpen(now))
      return Status::FailedPrecondition("branch " + branch.branch_id +
                                        " is closed now; tickets are issued during opening hours");
    auto t = IssueTicket(tx, branch, in.service_prefix, in.language, in.priority, Origin::kWalkIn,
                         absl::InfinitePast(), now, who, token);
    if (!t.ok()) return t.status();
    auto kept = KeepNoticePhone(tx, config_.notify, branch, *t, phone, now);
    if (!kept.ok()) return kept.status();
    phone_kept = *kept;
    QUEUE_RETURN_IF_ERROR(tx.tickets().SaveRequest(t->branch_id, kMethodCreate, ActorName(who),
                                         in.request_id, CreateParams(in), t->id, now));
    out = *t;
    created = true;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (created) {
    issued_.fetch_add(1, std::memory_order_relaxed);
    PublishAfterCommit(branch, {});
  }
  auto view = ViewAfterWrite(branch, out);
  // Whether the phone was kept, as decided in the transaction (the position
  // read since may already differ).
  if (view.ok()) view->turn_near_sms = phone_kept;
  return view;
}

Result<TicketView> QueueManager::AnnounceIssued(const BranchConfig& b, const Ticket& t) {
  issued_.fetch_add(1, std::memory_order_relaxed);
  PublishAfterCommit(b, {});
  return ViewAfterWrite(b, t);
}

Result<TicketView> QueueManager::GetTicket(const std::string& branch_id, int64_t ticket_id) {
  auto b = Branch(branch_id);
  if (!b.ok()) return b.status();
  if (ticket_id <= 0) return Status::InvalidArgument("ticket_id", "ticket_id must be positive");
  Result<TicketView> out = Status::Internal("unset");
  absl::Time now = clock_.Now();
  Status st = store_.Read([&](ReadTx& tx) -> Status {
    auto t = LoadTicket(tx, branch_id, ticket_id);
    if (!t.ok()) return t.status();
    out = View(tx, **b, *t, now);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Result<int64_t> QueueManager::ResolveTicket(const std::string& branch_id, int64_t ticket_id,
                                           const std::string& ticket_number) {
  if (ticket_number.empty()) {
    if (ticket_id == 0)
      return Status::InvalidArgument("ticket_id", "ticket_id or ticket_number is required");
    return ticket_id;
  }
  auto parsed = ParseTicketNumber(ticket_number);
  if (!parsed)
    return Status::InvalidArgument("ticket_number",
                                   "expected a printed ticket number such as R017, not " +
                                       Quoted(ticket_number));
  auto b = Branch(branch_id);
  if (!b.ok()) return b.status();
  const std::string day = (*b)->BusinessDay(clock_.Now());
  const std::string printed = FormatNumber(parsed->prefix, parsed->number);
  std::optional<Ticket> found;
  QUEUE_RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    auto t = tx.tickets().TicketByNumber(branch_id, parsed->prefix, day, parsed->number);
    if (!t.ok()) return t.status();
    found = *t;
    return Status::Ok();
  }));
  if (!found)
    return Status::NotFound("no ticket " + printed + " was issued today (" + day +
                            ") in branch " + branch_id);
  if (ticket_id != 0 && ticket_id != found->id)
    return Status::InvalidArgument("ticket_number", "ticket_number " + printed +
                                                        " is not ticket_id " +
                                                        std::to_string(ticket_id));
  return found->id;
}

Result<CounterView> QueueManager::GetCounter(const std::string& branch_id,
                                             const std::string& counter_id) {
  auto b = Branch(branch_id);
  if (!b.ok()) return b.status();
  auto cc = Counter(**b, counter_id);
  if (!cc.ok()) return cc.status();
  CounterView v;
  v.config = *cc;
  Status st = store_.Read([&](ReadTx& tx) -> Status {
    auto row = tx.tickets().GetCounter(branch_id, counter_id);
    if (!row.ok()) return row.status();
    v.row = row->value_or(CounterRow{branch_id, counter_id, false, {}, {}});
    auto at = tx.tickets().ListAtCounter(branch_id, counter_id);
    if (!at.ok()) return at.status();
    v.current = BusyWith(*at);
    if (!v.current && !at->empty()) v.current = at->back();  // a parked ticket
    if (v.current) {
      auto transfers = tx.tickets().ListTransfers(branch_id, v.current->id);
      if (!transfers.ok()) return transfers.status();
      v.current_transfers = std::move(transfers).value();
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return v;
}

Result<CounterView> QueueManager::OpenCounter(const std::string& branch_id,
                                              const std::string& counter_id,
                                              const std::vector<std::string>& services,
                                              const Principal* who) {
  auto b = Branch(branch_id);
  if (!b.ok()) return b.status();
  auto cc = Counter(**b, counter_id);
  if (!cc.ok()) return cc.status();
  std::vector<std::string> chosen = services.empty() ? (*cc)->services : services;
  std::sort(chosen.begin(), chosen.end());
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  for (const auto& p : chosen) {
    if (!(*b)->FindService(p))
      return Status::InvalidArgument("service_prefixes", "no service " + Quoted(p) + " in branch " +
                                                             branch_id);
    const auto& allowed = (*cc)->services;
    if (std::find(allowed.begin(), allowed.end(), p) == allowed.end())
      return Status::InvalidArgument("service_prefixes",
                                     "counter " + counter_id + " is not set up to serve " + p);
  }
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    QUEUE_RETURN_IF_ERROR(CheckCounterNotTaken(tx, branch_id, counter_id, who));
    auto existing = tx.tickets().GetCounter(branch_id, counter_id);
    if (!existing.ok()) return existing.status();
    CounterRow row{branch_id, counter_id, true, chosen, who ? who->id : std::string()};
    // A supervisor changing a clerk's open counter keeps the clerk on it.
    if (who && who->role != Role::kClerk && existing->has_value() && (*existing)->open)
      row.clerk_login = (*existing)->clerk_login;
    QUEUE_RETURN_IF_ERROR(tx.tickets().SaveCounter(row));
    return RecordCounter(tx, row, clock_.Now(), who);
  });
  if (!st.ok()) return st;
  return AfterCounterChange(**b, counter_id);
}

Result<CounterView> QueueManager::AfterCounterChange(const BranchConfig& b,
                                                     const std::string& counter_id) {
  ForgetRates(b.branch_id);  // open counters feed the wait estimate
  PublishAfterCommit(b, {});
  return GetCounter(b.branch_id, counter_id);
}

Result<CounterView> QueueManager::CloseCounter(const std::string& branch_id,
                                               const std::string& counter_id,
                                               const Principal* who) {
  auto b = ForCounter(branch_id, counter_id, std::nullopt);
  if (!b.ok()) return b.status();
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    QUEUE_RETURN_IF_ERROR(CheckCounterNotTaken(tx, branch_id, counter_id, who));
    QUEUE_RETURN_IF_ERROR(CounterIsFree(tx, branch_id, counter_id));
    auto row = tx.tickets().GetCounter(branch_id, counter_id);
    if (!row.ok()) return row.status();
    CounterRow r = row->value_or(CounterRow{branch_id, counter_id, false, {}, {}});
    r.open = false;
    r.clerk_login.clear();
    QUEUE_RETURN_IF_ERROR(tx.tickets().SaveCounter(r));
    return RecordCounter(tx, r, clock_.Now(), who);
  });
  if (!st.ok()) return st;
  return AfterCounterChange(**b, counter_id);
}

Result<TicketView> QueueManager::CallNext(const std::string& branch_id,
                                          const std::string& counter_id,
                                          const std::string& request_id, const Principal* who) {
  auto b = ForCounter(branch_id, counter_id, std::nullopt);
  if (!b.ok()) return b.status();
  QUEUE_RETURN_IF_ERROR(ValidateRequestId(request_id));
  absl::Time now = clock_.Now();
  Ticket out;
  bool called = false;
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    auto prior = PriorResult(tx, branch_id, kMethodCallNext, who, request_id,
                             "counter=" + counter_id);
    if (!prior.ok()) return prior.status();
    if (prior->has_value()) {  // a retry: answer with the first result
      out = **prior;
      return Status::Ok();
    }
    auto row = LoadOpenCounter(tx, branch_id, counter_id);
    if (!row.ok()) return row.status();
    QUEUE_RETURN_IF_ERROR(CheckCounterOwner(tx, branch_id, counter_id, who));
    QUEUE_RETURN_IF_ERROR(CounterIsFree(tx, branch_id, counter_id));
    std::set<std::string> services(row->services.begin(), row->services.end());
    auto waiting = tx.tickets().CallCandidates(branch_id, services, now);
    if (!waiting.ok()) return waiting.status();
    auto pick = PickNext(*waiting, services, now);
    if (!pick) return Status::NotFound("no ticket is waiting for the services of counter " +
                                       counter_id);
    Ticket t = (*waiting)[*pick];
    QUEUE_RETURN_IF_ERROR(shop::queue::CallTicket(t, counter_id, now));
    QUEUE_RETURN_IF_ERROR(tx.tickets().UpdateTicket(t, TicketState::kWaiting));
    QUEUE_RETURN_IF_ERROR(tx.tickets().SaveRequest(branch_id, kMethodCallNext, ActorName(who), request_id,
                                         "counter=" + counter_id, t.id, now));
    QUEUE_RETURN_IF_ERROR(RecordTicketEvent(tx, EventFor(t, "call", TicketState::kWaiting, now, who)));
    auto noticed =
        QueueTurnNearNotices(tx, config_.notify, **b, config_.templates, t.service_prefix, now);
    if (!noticed.ok()) return noticed.status();
    out = t;
    called = true;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (called) PublishAfterCommit(**b, {CallOf(out)});
  return TicketView{out, 0, absl::ZeroDuration()};
}

Result<TicketView> QueueManager::CallChosen(const std::string& branch_id,
                                            const std::string& counter_id, int64_t ticket_id,
                                            const Principal* who) {
  auto b = ForCounter(branch_id, counter_id, ticket_id);
  if (!b.ok()) return b.status();
  absl::Time now = clock_.Now();
  Ticket out;
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    auto row = LoadOpenCounter(tx, branch_id, counter_id);
    if (!row.ok()) return row.status();
    QUEUE_RETURN_IF_ERROR(CheckCounterOwner(tx, branch_id, counter_id, who));
    auto found = LoadTicket(tx, branch_id, ticket_id);
    if (!found.ok()) return found.status();
    Ticket ticket = *found;
    if (!ServesService(*row, ticket.service_prefix))
      return Status::FailedPrecondition("counter " + counter_id + " does not serve service " +
                                        ticket.service_prefix);
    QUEUE_RETURN_IF_ERROR(CounterIsFree(tx, branch_id, counter_id));
    QUEUE_RETURN_IF_ERROR(shop::queue::CallTicket(ticket, counter_id, now));
    QUEUE_RETURN_IF_ERROR(tx.tickets().UpdateTicket(ticket, TicketState::kWaiting));
    QUEUE_RETURN_IF_ERROR(
        RecordTicketEvent(tx, EventFor(ticket, "call", TicketState::kWaiting, now, who, "out of order")));
    auto noticed = QueueTurnNearNotices(tx, config_.notify, **b, config_.templates,
                                        ticket.service_prefix, now);
    if (!noticed.ok()) return noticed.status();
    out = ticket;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  PublishAfterCommit(**b, {CallOf(out)});
  return TicketView{out, 0, absl::ZeroDuration()};
}

Result<TicketView> QueueManager::Act(const std::string& branch_id, const std::string& counter_id,
                                     int64_t ticket_id, CounterAction action,
                                     const Principal* who) {
  auto b = ForCounter(branch_id, counter_id, ticket_id);
  if (!b.ok()) return b.status();
  absl::Time now = clock_.Now();
  Ticket out;
  int64_t case_id = 0;
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    QUEUE_RETURN_IF_ERROR(CheckCounterOwner(tx, branch_id, counter_id, who));
    auto found = LoadTicket(tx, branch_id, ticket_id);
    if (!found.ok()) return found.status();
    Ticket t = *found;
    TicketState before = t.state;
    Status s;
    switch (action) {
      case CounterAction::kRecall: s = RecallTicket(t, counter_id, (*b)->max_recalls, now); break;
      case CounterAction::kStart: s = StartTicket(t, counter_id, now); break;
      case CounterAction::kComplete: s = CompleteTicket(t, counter_id, now); break;
      case CounterAction::kNoShow: s = MarkNoShow(t, counter_id, now); break;
      case CounterAction::kPark: s = ParkTicket(t, counter_id, now); break;
      case CounterAction::kReturn:
        s = CounterIsFree(tx, branch_id, counter_id);
        if (s.ok()) s = ReturnTicket(t, counter_id, now);
        break;
    }
    QUEUE_RETURN_IF_ERROR(s);
    bool ends = action == CounterAction::kComplete || action == CounterAction::kNoShow;
    if (ends && hooks_) QUEUE_RETURN_IF_ERROR(hooks_->CanEnd(tx, t));
    if (action == CounterAction::kPark && hooks_) QUEUE_RETURN_IF_ERROR(hooks_->CanPark(tx, t));
    QUEUE_RETURN_IF_ERROR(tx.tickets().UpdateTicket(t, before));
    QUEUE_RETURN_IF_ERROR(RecordTicketEvent(tx, EventFor(t, ActionName(action), before, now, who)));
    if (action == CounterAction::kStart && hooks_) {
      const ServiceConfig* svc = (*b)->FindService(t.service_prefix);
      if (svc) {
        auto opened = hooks_->OnStart(tx, t, *svc, ActorName(who), now);
        if (!opened.ok()) return opened.status();
        case_id = *opened;
      }
    }
    out = t;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (action == CounterAction::kComplete) ForgetRates(branch_id);
  bool announces = action == CounterAction::kRecall || action == CounterAction::kReturn;
  PublishAfterCommit(**b, announces ? std::vector<CallRecord>{CallOf(out)}
                                    : std::vector<CallRecord>{});
  return TicketView{out, 0, absl::ZeroDuration(), case_id};
}

Result<TicketView> QueueManager::Transfer(const std::string& branch_id,
                                          const std::string& counter_id, int64_t ticket_id,
                                          const std::string& target_prefix,
                                          const Principal* who) {
  auto b = ForCounter(branch_id, counter_id, ticket_id);
  if (!b.ok()) return b.status();
  if (target_prefix.empty())
    return Status::InvalidArgument("target_service_prefix", "target_service_prefix is required");
  if (!(*b)->FindService(target_prefix))
    return Status::InvalidArgument("target_service_prefix",
                                   "no service " + Quoted(target_prefix) + " in branch " + branch_id);
  absl::Time now = clock_.Now();
  Ticket out;
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    QUEUE_RETURN_IF_ERROR(CheckCounterOwner(tx, branch_id, counter_id, who));
    auto found = LoadTicket(tx, branch_id, ticket_id);
    if (!found.ok()) return found.status();
    Ticket t = *found;
    TicketState before = t.state;
    std::string from_service = t.service_prefix;
    QUEUE_RETURN_IF_ERROR(TransferTicket(t, counter_id, target_prefix, now));
    if (hooks_) QUEUE_RETURN_IF_ERROR(hooks_->CanEnd(tx, t));
    QUEUE_RETURN_IF_ERROR(tx.tickets().UpdateTicket(t, before));
    TicketEvent e =
        EventFor(t, "transfer", before, now, who, from_service + "->" + target_prefix);
    e.counter_id = counter_id;  // the ticket itself no longer names a counter
    QUEUE_RETURN_IF_ERROR(RecordTicketEvent(tx, e));
    out = t;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  PublishAfterCommit(**b, {});
  return ViewAfterWrite(**b, out);
}

Result<std::vector<Ticket>> QueueManager::ListTickets(const std::string& branch_id,
                                                      std::optional<TicketState> state,
                                                      int64_t after_id, int limit) {
  auto b = Branch(branch_id);
  if (!b.ok()) return b.status();
  std::vector<Ticket> out;
  std::string day = (*b)->BusinessDay(clock_.Now());
  Status st = store_.Read([&](ReadTx& tx) -> Status {
    auto r = tx.tickets().ListTickets(branch_id, day, state, after_id, limit);
    if (!r.ok()) return r.status();
    out = std::move(*r);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<int> QueueManager::PruneRequests() {
  const absl::Time now = clock_.Now();
  const absl::Time before = now - config_.housekeeping.request_ids;
  int pruned = 0;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto n = tx.tickets().PruneRequests(before);
    if (!n.ok()) return n.status();
    auto notices = tx.tickets().PruneNotices();
    if (!notices.ok()) return notices.status();
    // The phones of "your turn is near" SMS once sent or given up (and of
    // any past the privacy retention): a ticket has no personal row that
    // would take them along when it is erased.
    auto phones = tx.outbox().EraseSpentRecipients(kTicketSubjectPrefix,
                                                   now - config_.privacy.retention);
    if (!phones.ok()) return phones.status();
    pruned = *n + *notices + *phones;
    return Status::Ok();
  }));
  return pruned;
}

Result<int> QueueManager::ExpireOverdue() {
  int total = 0;
  absl::Time now = clock_.Now();
  for (const auto& branch : config_.branches) {
    std::string today = branch.BusinessDay(now);
    auto closing = branch.ClosingTime(now);
    bool past_closing = !closing || now >= *closing;
    int expired = 0;
    Status st = store_.Write([&](WriteTx& tx) -> Status {
      auto open = tx.tickets().ListUnfinished(branch.branch_id);
      if (!open.ok()) return open.status();
      for (Ticket t : *open) {
        bool overdue = t.business_day < today || (t.business_day == today && past_closing);
        if (!overdue) continue;
        TicketState before = t.state;
        if (hooks_) QUEUE_RETURN_IF_ERROR(hooks_->OnExpire(tx, t, now));
        QUEUE_RETURN_IF_ERROR(ExpireTicket(t, now));
        QUEUE_RETURN_IF_ERROR(tx.tickets().UpdateTicket(t, before));
        QUEUE_RETURN_IF_ERROR(RecordTicketEvent(tx, EventFor(t, "expire", before, now, nullptr)));
        ++expired;
      }
      return Status::Ok();
    });
    if (!st.ok()) return st;
    if (expired) PublishAfterCommit(branch, {});
    total += expired;
  }
  return total;
}

}  // namespace shop::queue
