#include "server/domain/booking/booking_manager.h"

#include <algorithm>

#include "server/domain/common/personal_data.h"
#include "server/domain/queue/ticket_history.h"
#include "server/domain/queue/turn_near.h"

namespace shop::queue {
namespace {

constexpr int kMaxListDays = 31;
constexpr int kSweepBatch = 500;
constexpr int kCodeAttempts = 5;

std::string Subject(const Booking& b) { return "booking:" + std::to_string(b.booking_id); }

Status Audit(WriteTx& tx, const Booking& b, absl::Time now, const std::string& actor,
             const std::string& action, const std::string& detail = {}) {
  AuditRecord r;
  r.time = now;
  r.actor = actor;
  r.action = "booking." + action;
  r.subject = Subject(b);
  r.detail = "branch=" + b.branch_id + " service=" + b.service_prefix +
             " slot=" + absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", b.slot_start, absl::UTCTimeZone()) +
             (detail.empty() ? "" : " " + detail);
  return tx.audit().AppendAudit(r);
}

// The local day [start, end) that `t` falls on, as instants.
std::pair<absl::Time, absl::Time> LocalDayOf(const BranchConfig& b, absl::Time t) {
  absl::CivilDay day = absl::ToCivilDay(t, b.time_zone);
  return {absl::FromCivil(day, b.time_zone), absl::FromCivil(day + 1, b.time_zone)};
}

std::string LocalTime(const BranchConfig& b, absl::Time t, const char* fmt) {
  return absl::FormatTime(fmt, t, b.time_zone);
}

// What became of a checked-in booking's ticket once it left the queue, for
// "its ticket R005 ...".
std::string TicketFate(const Ticket& t) {
  switch (t.state) {
    case TicketState::kWaiting: return "is waiting";
    case TicketState::kCalled: return "was called to counter " + t.counter_id;
    case TicketState::kServing: return "is being served at counter " + t.counter_id;
    case TicketState::kParked: return "was set aside at counter " + t.counter_id + "; ask there";
    case TicketState::kDone: return "was served";
    case TicketState::kNoShow: return "was called and marked a no-show";
    case TicketState::kCancelled: return "was cancelled";
    case TicketState::kExpired: return "expired at closing time";
  }
  return "is " + std::string(StateName(t.state));
}

}  // namespace

BookingManager::BookingManager(const ServerConfig& config, Store& store, const Clock& clock,
                               QueueManager& queue,
                               std::function<std::string(size_t)> random_bytes)
    : config_(config),
      store_(store),
      clock_(clock),
      queue_(queue),
      random_bytes_(std::move(random_bytes)) {}

Result<const BranchConfig*> BookingManager::Branch(const std::string& branch_id) const {
  if (branch_id.empty()) return Status::InvalidArgument("branch_id", "branch_id is required");
  const BranchConfig* b = config_.FindBranch(branch_id);
  if (!b) return Status::NotFound("no branch " + Quoted(branch_id));
  return b;
}

Result<std::vector<Slot>> BookingManager::ListSlots(const SlotsQuery& q) {
  auto b = Branch(q.branch_id);
  if (!b.ok()) return b.status();
  const ServiceConfig* service = (*b)->FindService(q.service_prefix);
  if (!service)
    return Status::InvalidArgument("service_prefix",
                                   "no service " + Quoted(q.service_prefix) + " in branch " + q.branch_id);
  if (service->slot_length <= absl::ZeroDuration())
    return Status::InvalidArgument("service_prefix",
                                   "service " + q.service_prefix + " cannot be booked online");
  const absl::Time now = clock_.Now();
  std::vector<FieldViolation> bad;
  absl::CivilDay from = absl::ToCivilDay(now, (*b)->time_zone), to;
  if (!q.from_date.empty() && !absl::ParseCivilTime(q.from_date, &from))
    bad.push_back({"from_date", "must be a date, YYYY-MM-DD"});
  to = from + 6;
  if (!q.to_date.empty() && !absl::ParseCivilTime(q.to_date, &to))
    bad.push_back({"to_date", "must be a date, YYYY-MM-DD"});
  if (bad.empty() && to < from) bad.push_back({"to_date", "must not be before from_date"});
  if (bad.empty() && to - from > kMaxListDays)
    bad.push_back({"to_date", "at most 31 days after from_date"});
  if (!bad.empty()) return Status::InvalidFields(std::move(bad));

  std::vector<Slot> all = GenerateSlots(**b, *service, from, to);
  std::vector<Slot> out;
  if (all.empty()) return out;
  std::map<absl::Time, int> taken;
  QUEUE_RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    auto t = tx.bookings().SeatsTakenBetween(q.branch_id, q.service_prefix, all.front().start,
                                  all.back().start + absl::Seconds(1));
    if (!t.ok()) return t.status();
    taken = std::move(t).value();
    return Status::Ok();
  }));
  for (Slot& s : all) {
    // Only what can be booked now: past the lead time, inside the horizon.
    if (!CheckBookable(**b, *service, s.start, now).ok()) continue;
    auto it = taken.find(s.start);
    s.seats_left = std::max(0, s.seats - (it == taken.end() ? 0 : it->second));
    if (q.only_free && s.seats_left == 0) continue;
    out.push_back(s);
  }
  return out;
}

Status BookingManager::CheckCapacity(ReadTx& tx, const BranchConfig& branch, const Booking& b,
                                     absl::Time start) {
  auto taken = tx.bookings().CountSeatsTaken(b.branch_id, b.service_prefix, start);
  if (!taken.ok()) return taken.status();
  if (*taken >= branch.booking.seats_per_slot)
    return Status::FailedPrecondition("the slot at " + LocalTime(branch, start, "%Y-%m-%d %H:%M") +
                                      " is full; choose another time");
  auto [day_start, day_end] = LocalDayOf(branch, start);
  auto same_day = tx.bookings().CountActiveForPhone(b.branch_id, b.service_prefix, b.phone, day_start,
                                         day_end, b.booking_id);
  if (!same_day.ok()) return same_day.status();
  if (*same_day > 0)
    return Status::FailedPrecondition(
        "this phone already has an active booking for this service on " +
        LocalTime(branch, start, "%Y-%m-%d") + "; cancel or move that one instead");
  return Status::Ok();
}

Result<Booking> BookingManager::Book(const BookingInput& in) {
  auto b = Branch(in.branch_id);
  if (!b.ok()) return b.status();
  const ServiceConfig* service = (*b)->FindService(in.service_prefix);
  if (!service)
    return Status::InvalidArgument("service_prefix",
                                   "no service " + Quoted(in.service_prefix) + " in branch " + in.branch_id);
  auto phone = ValidateBookingContact(in);
  if (!phone.ok()) return phone.status();
  const absl::Time now = clock_.Now();
  Booking out;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    // A request id is the phone's own: another customer's id is not found,
    // and the same id with other details is refused (never answered with
    // the earlier booking).
    auto prior = tx.bookings().GetBookingByRequest(in.branch_id, *phone, in.request_id);
    if (!prior.ok()) return prior.status();
    if (prior->has_value()) {
      const Booking& p = **prior;
      if (p.service_prefix != in.service_prefix || p.slot_start != in.slot_start ||
          p.name != in.name || p.email != in.email || p.language != in.language)
        return Status::InvalidArgument("request_id", "request_id reused with other parameters; "
                                                     "a new booking needs a new request_id");
      out = p;  // a retry: the first answer
      return Status::Ok();
    }
    QUEUE_RETURN_IF_ERROR(CheckBookable(**b, *service, in.slot_start, now));
    Booking k;
    k.branch_id = in.branch_id;
    k.service_prefix = in.service_prefix;
    k.slot_start = in.slot_start;
    k.name = in.name;
    k.phone = *phone;
    k.email = in.email;
    k.language = in.language;
    k.request_id = in.request_id;
    k.created = now;
    QUEUE_RETURN_IF_ERROR(CheckCapacity(tx, **b, k, in.slot_start));
    Status inserted;
    for (int i = 0; i < kCodeAttempts; ++i) {
      k.code = NewReferenceCode(random_bytes_(16));
      inserted = tx.bookings().InsertBooking(k);
      if (inserted.code() != Status::Code::kAlreadyExists) break;  // else: code taken, again
    }
    QUEUE_RETURN_IF_ERROR(inserted);
    QUEUE_RETURN_IF_ERROR(Audit(tx, k, now, "public", "create"));
    out = k;
    return Status::Ok();
  }));
  return out;
}

Result<Booking> BookingManager::ByCodeAndPhone(ReadTx& tx, const std::string& code,
                                               const std::string& phone) {
  // One answer for a wrong code and a wrong phone: no way to probe codes.
  const Status none = Status::NotFound("no booking with this code and phone number");
  auto c = NormalizeReferenceCode(code);
  auto p = NormalizeRuMobile(phone);
  if (!c || !p) return none;
  auto b = tx.bookings().GetBookingByCode(*c);
  if (!b.ok()) return b.status();
  if (!b->has_value() || (*b)->erased || (*b)->phone != *p) return none;
  return **b;
}

Result<Booking> BookingManager::Get(const std::string& code, const std::string& phone) {
  Booking out;
  QUEUE_RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    auto b = ByCodeAndPhone(tx, code, phone);
    if (!b.ok()) return b.status();
    out = *b;
    return Status::Ok();
  }));
  return out;
}

Result<Booking> BookingManager::Cancel(const std::string& code, const std::string& phone) {
  const absl::Time now = clock_.Now();
  Booking out;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto b = ByCodeAndPhone(tx, code, phone);
    if (!b.ok()) return b.status();
    Booking k = *b;
    if (k.state != BookingState::kActive)
      return Status::FailedPrecondition(std::string("the booking is ") +
                                        BookingStateName(k.state) + "; only an active one can be cancelled");
    k.state = BookingState::kCancelled;
    k.finished = now;
    QUEUE_RETURN_IF_ERROR(tx.bookings().UpdateBooking(k, BookingState::kActive, k.slot_start));
    QUEUE_RETURN_IF_ERROR(Audit(tx, k, now, "public", "cancel"));
    out = k;
    return Status::Ok();
  }));
  return out;
}

Result<Booking> BookingManager::Reschedule(const std::string& code, const std::string& phone,
                                           absl::Time new_start) {
  const absl::Time now = clock_.Now();
  Booking out;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto b = ByCodeAndPhone(tx, code, phone);
    if (!b.ok()) return b.status();
    Booking k = *b;
    if (k.state != BookingState::kActive)
      return Status::FailedPrecondition(std::string("the booking is ") +
                                        BookingStateName(k.state) + "; only an active one can be moved");
    auto branch = Branch(k.branch_id);
    if (!branch.ok()) return branch.status();
    const ServiceConfig* service = (*branch)->FindService(k.service_prefix);
    if (!service) return Status::FailedPrecondition("the service is no longer offered");
    if (new_start == k.slot_start) {
      out = k;
      return Status::Ok();
    }
    QUEUE_RETURN_IF_ERROR(CheckBookable(**branch, *service, new_start, now));
    QUEUE_RETURN_IF_ERROR(CheckCapacity(tx, **branch, k, new_start));
    const absl::Time old_start = k.slot_start;
    k.slot_start = new_start;
    k.reminded = false;
    QUEUE_RETURN_IF_ERROR(tx.bookings().UpdateBooking(k, BookingState::kActive, old_start));
    QUEUE_RETURN_IF_ERROR(Audit(tx, k, now, "public", "reschedule",
                                "from=" + absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", old_start,
                                                           absl::UTCTimeZone())));
    out = k;
    return Status::Ok();
  }));
  return out;
}

Result<CheckInResult> BookingManager::CheckIn(const std::string& branch_id,
                                              const std::string& code, const Principal* who) {
  auto branch = Branch(branch_id);
  if (!branch.ok()) return branch.status();
  auto normal = NormalizeReferenceCode(code);
  if (!normal) return Status::InvalidArgument("code", ReferenceCodeProblem(code));
  const std::string shown = DisplayReferenceCode(*normal);  // "K7M2-QX9D"
  const absl::Time now = clock_.Now();
  CheckInResult result;
  Ticket ticket;
  bool issued = false;
  const std::string token = queue_.NewStatusToken();
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto found = tx.bookings().GetBookingByCode(*normal);
    if (!found.ok()) return found.status();
    if (!found->has_value() || (*found)->branch_id != branch_id)
      return Status::NotFound("no booking with code " + shown + " at this branch");
    Booking k = **found;
    if (k.state == BookingState::kCheckedIn) {
      auto t = LoadTicket(tx, branch_id, k.ticket_id);
      if (!t.ok()) return t.status();
      // A second press while the ticket waits: the same ticket. Once it has
      // been called (or ended), the code is used up: no new slip.
      if (t->state != TicketState::kWaiting)
        return Status::FailedPrecondition("booking " + shown + " was already used: its ticket " +
                                          t->DisplayNumber() + " " + TicketFate(*t));
      ticket = *t;
      result.late = k.late_walk_in;
      result.booking = k;
      return Status::Ok();
    }
    if (k.state == BookingState::kCancelled)
      return Status::FailedPrecondition("booking " + shown + " was cancelled");
    const BranchConfig& b = **branch;
    const bool same_day = absl::ToCivilDay(now, b.time_zone) ==
                          absl::ToCivilDay(k.slot_start, b.time_zone);
    if (k.state == BookingState::kNoShow && !same_day)
      return Status::FailedPrecondition("booking " + shown + " was for " +
                                        LocalTime(b, k.slot_start, "%Y-%m-%d %H:%M") +
                                        " and has expired");
    CheckInVerdict v = JudgeCheckIn(b.booking, k.slot_start, now);
    if (k.state == BookingState::kNoShow) v = CheckInVerdict::kLate;
    if (v == CheckInVerdict::kTooEarly)
      return Status::FailedPrecondition(
          "too early: check in from " +
          LocalTime(b, k.slot_start - b.booking.checkin_early, "%H:%M") +
          (same_day ? "" : LocalTime(b, k.slot_start, " on %Y-%m-%d")));
    if (v == CheckInVerdict::kLate && !same_day)
      return Status::FailedPrecondition("booking " + shown + " was for another day");
    const BookingState before = k.state;
    Result<Ticket> t = Status::Internal("unset");
    if (v == CheckInVerdict::kOnTime) {
      t = IssueTicket(tx, b, k.service_prefix, k.language, Priority::kNone, Origin::kAppointment,
                      k.slot_start, now, who, token, Subject(k));
    } else {
      if (!b.IsOpen(now))
        return Status::FailedPrecondition("the branch is closed now; tickets are issued during "
                                          "opening hours");
      t = IssueTicket(tx, b, k.service_prefix, k.language, Priority::kNone, Origin::kWalkIn,
                      absl::InfinitePast(), now, who, token, Subject(k) + " late");
    }
    if (!t.ok()) return t.status();
    // The booking's phone gets "your turn is near" (turn_near.h).
    auto kept = KeepNoticePhone(tx, config_.notify, b, *t, k.phone, now);
    if (!kept.ok()) return kept.status();
    k.state = BookingState::kCheckedIn;
    k.ticket_id = t->id;
    k.late_walk_in = v == CheckInVerdict::kLate;
    k.finished = now;
    QUEUE_RETURN_IF_ERROR(tx.bookings().UpdateBooking(k, before, k.slot_start));
    QUEUE_RETURN_IF_ERROR(Audit(tx, k, now, ActorName(who).empty() ? "kiosk" : ActorName(who),
                                "check_in", k.late_walk_in ? "late walk_in" : "on_time"));
    ticket = *t;
    issued = true;
    result.late = k.late_walk_in;
    result.booking = k;
    return Status::Ok();
  }));
  auto view = issued ? queue_.AnnounceIssued(**branch, ticket)
                     : queue_.GetTicket(branch_id, ticket.id);
  if (!view.ok()) return view.status();
  result.ticket = *view;
  return result;
}

Result<int> BookingManager::MarkNoShows() {
  const absl::Time now = clock_.Now();
  absl::Duration shortest_grace = absl::InfiniteDuration();
  for (const auto& b : config_.branches)
    shortest_grace = std::min(shortest_grace, b.booking.checkin_late);
  int changed = 0;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto due = tx.bookings().ActiveBookingsStartedBefore(now - shortest_grace, kSweepBatch);
    if (!due.ok()) return due.status();
    for (Booking k : *due) {
      const BranchConfig* b = config_.FindBranch(k.branch_id);
      if (!b || NoShowAfter(b->booking, k.slot_start) > now) continue;
      k.state = BookingState::kNoShow;
      k.finished = now;
      QUEUE_RETURN_IF_ERROR(tx.bookings().UpdateBooking(k, BookingState::kActive, k.slot_start));
      QUEUE_RETURN_IF_ERROR(Audit(tx, k, now, "system:no_show", "no_show"));
      ++changed;
    }
    return Status::Ok();
  }));
  return changed;
}

Result<int> BookingManager::QueueReminders() {
  const absl::Time now = clock_.Now();
  absl::Duration longest = absl::ZeroDuration();
  for (const auto& b : config_.branches) longest = std::max(longest, b.booking.reminder_before);
  int queued = 0;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto due = tx.bookings().BookingsToRemind(now + longest, kSweepBatch);
    if (!due.ok()) return due.status();
    for (Booking k : *due) {
      const BranchConfig* b = config_.FindBranch(k.branch_id);
      if (!b || k.slot_start - b->booking.reminder_before > now) continue;
      const ServiceConfig* s = b->FindService(k.service_prefix);
      // The service's name in the booking's language (English if the
      // configuration has none in it).
      std::string service = k.service_prefix;
      if (s) service = s->names[static_cast<int>(k.language) - 1];
      if (s && service.empty()) service = s->names[1];
      const std::string text = ReminderText(
          config_.templates, k.language,
          {service, b->display_name,
           LocalTime(*b, k.slot_start, "%Y-%m-%d %H:%M"), DisplayReferenceCode(k.code),
           LocalTime(*b, k.slot_start - b->booking.checkin_early, "%H:%M"),
           LocalTime(*b, k.slot_start + b->booking.checkin_late, "%H:%M")});
      OutboxMessage sms{0, now, "sms", k.phone, text, Subject(k)};
      sms.language = static_cast<int>(k.language);
      QUEUE_RETURN_IF_ERROR(tx.outbox().EnqueueMessage(sms));
      if (!k.email.empty()) {
        OutboxMessage mail{0, now, "email", k.email, text, Subject(k)};
        mail.language = static_cast<int>(k.language);
        QUEUE_RETURN_IF_ERROR(tx.outbox().EnqueueMessage(mail));
      }
      k.reminded = true;
      QUEUE_RETURN_IF_ERROR(tx.bookings().UpdateBooking(k, BookingState::kActive, k.slot_start));
      ++queued;
    }
    return Status::Ok();
  }));
  return queued;
}

Result<int> BookingManager::EraseExpired() {
  const absl::Time now = clock_.Now();
  int erased = 0;
  QUEUE_RETURN_IF_ERROR(store_.Write([&](WriteTx& tx) -> Status {
    auto n = tx.bookings().EraseFinishedBookings(now - config_.privacy.retention, kSweepBatch);
    if (!n.ok()) return n.status();
    erased = *n;
    if (erased == 0) return Status::Ok();
    AuditRecord r;
    r.time = now;
    r.actor = "system:retention";
    r.action = "booking.erase";
    r.subject = "bookings";
    r.detail = "erased_personal_data_of=" + std::to_string(erased);
    return tx.audit().AppendAudit(r);
  }));
  return erased;
}

}  // namespace shop::queue
