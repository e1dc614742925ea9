#include "server/domain/queue/ticket.h"

#include <cstdio>

namespace shop::queue {
namespace {

Status WrongState(const Ticket& t, std::string_view action, std::string_view needed) {
  return Status::FailedPrecondition("cannot " + std::string(action) + " ticket " +
                                    t.DisplayNumber() + ": it is " + StateName(t.state) +
                                    ", must be " + std::string(needed));
}

Status RequireState(const Ticket& t, TicketState want, std::string_view action) {
  if (t.state == want) return Status::Ok();
  return WrongState(t, action, StateName(want));
}

Status RequireCounter(const Ticket& t, std::string_view counter_id, std::string_view action) {
  if (t.counter_id == counter_id) return Status::Ok();
  return Status::FailedPrecondition("cannot " + std::string(action) + " ticket " +
                                    t.DisplayNumber() + ": it belongs to counter " +
                                    t.counter_id + ", not " + std::string(counter_id));
}

}  // namespace

std::string StatusToken(const std::string& random16) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t bits = 0;
  int have = 0;
  for (unsigned char c : random16) {
    bits = (bits << 8) | c;
    have += 8;
    while (have >= 6) {
      have -= 6;
      out += kAlphabet[(bits >> have) & 63];
    }
  }
  if (have > 0) out += kAlphabet[(bits << (6 - have)) & 63];
  return out;
}

bool IsStatusTokenShape(std::string_view token) {
  if (token.size() != 22) return false;
  for (char c : token)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_'))
      return false;
  return true;
}

const char* StateName(TicketState s) {
  switch (s) {
    case TicketState::kWaiting: return "waiting";
    case TicketState::kCalled: return "called";
    case TicketState::kServing: return "serving";
    case TicketState::kDone: return "done";
    case TicketState::kNoShow: return "no_show";
    case TicketState::kCancelled: return "cancelled";
    case TicketState::kExpired: return "expired";
    case TicketState::kParked: return "parked";
  }
  return "unknown";
}

bool IsTerminal(TicketState s) {
  return s == TicketState::kDone || s == TicketState::kNoShow || s == TicketState::kCancelled ||
         s == TicketState::kExpired;
}

std::string FormatNumber(std::string_view prefix, int number) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%03d", number);
  return std::string(prefix) + digits;
}

std::optional<TicketNumber> ParseTicketNumber(std::string_view text) {
  TicketNumber out;
  size_t digits = 0;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    if (out.prefix.empty()) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c < 'A' || c > 'Z') return std::nullopt;
      out.prefix = std::string(1, c);
      continue;
    }
    if (c < '0' || c > '9' || ++digits > 6) return std::nullopt;
    out.number = out.number * 10 + (c - '0');
  }
  if (out.prefix.empty() || digits == 0 || out.number == 0) return std::nullopt;
  return out;
}

std::string Ticket::DisplayNumber() const { return FormatNumber(number_prefix, number); }

Status CallTicket(Ticket& t, std::string_view counter_id, absl::Time now) {
  QUEUE_RETURN_IF_ERROR(RequireState(t, TicketState::kWaiting, "call"));
  t.state = TicketState::kCalled;
  t.counter_id = std::string(counter_id);
  t.call_time = now;
  t.recall_count = 0;
  return Status::Ok();
}

Status RecallTicket(Ticket& t, std::string_view counter_id, int max_recalls, absl::Time now) {
  QUEUE_RETURN_IF_ERROR(RequireState(t, TicketState::kCalled, "recall"));
  QUEUE_RETURN_IF_ERROR(RequireCounter(t, counter_id, "recall"));
  if (t.recall_count >= max_recalls)
    return Status::FailedPrecondition("ticket " + t.DisplayNumber() + " was already recalled " +
                                      std::to_string(t.recall_count) +
                                      " times (the limit); mark it a no-show");
  ++t.recall_count;
  t.call_time = now;
  return Status::Ok();
}

Status StartTicket(Ticket& t, std::string_view counter_id, absl::Time now) {
  QUEUE_RETURN_IF_ERROR(RequireState(t, TicketState::kCalled, "start serving"));
  QUEUE_RETURN_IF_ERROR(RequireCounter(t, counter_id, "start serving"));
  t.state = TicketState::kServing;
  t.serve_time = now;
  return Status::Ok();
}

Status CompleteTicket(Ticket& t, std::string_view counter_id, absl::Time now) {
  QUEUE_RETURN_IF_ERROR(RequireState(t, TicketState::kServing, "complete"));
  QUEUE_RETURN_IF_ERROR(RequireCounter(t, counter_id, "complete"));
  t.state = TicketState::kDone;
  t.finish_time = now;
  return Status::Ok();
}

Status MarkNoShow(Ticket& t, std::string_view counter_id, absl::Time now) {
  QUEUE_RETURN_IF_ERROR(RequireState(t, TicketState::kCalled, "mark no-show"));
  QUEUE_RETURN_IF_ERROR(RequireCounter(t, counter_id, "mark no-show"));
  t.state = TicketState::kNoShow;
  t.finish_time = now;
  return Status::Ok();
}

Status TransferTicket(Ticket& t, std::string_view counter_id, std::string_view target_prefix,
                      absl::Time /*now*/) {
  if (t.state != TicketState::kCalled && t.state != TicketState::kServing)
    return WrongState(t, "transfer", "called or serving");
  QUEUE_RETURN_IF_ERROR(RequireCounter(t, counter_id, "transfer"));
  if (target_prefix == t.service_prefix)
    return Status::InvalidArgument("target_service_prefix",
                                   "ticket " + t.DisplayNumber() + " is already queued for " +
                                       std::string(target_prefix));
  t.state = TicketState::kWaiting;
  t.service_prefix = std::string(target_prefix);
  t.counter_id.clear();
  t.recall_count = 0;
  t.call_time = absl::InfinitePast();
  t.serve_time = absl::InfinitePast();
  // issue_time is kept on purpose: the customer is not sent to the back.
  return Status::Ok();
}

Status ParkTicket(Ticket& t, std::string_view counter_id, absl::Time /*now*/) {
  QUEUE_RETURN_IF_ERROR(RequireState(t, TicketState::kServing, "park"));
  QUEUE_RETURN_IF_ERROR(RequireCounter(t, counter_id, "park"));
  t.state = TicketState::kParked;
  return Status::Ok();
}

Status ReturnTicket(Ticket& t, std::string_view counter_id, absl::Time now) {
  QUEUE_RETURN_IF_ERROR(RequireState(t, TicketState::kParked, "return"));
  QUEUE_RETURN_IF_ERROR(RequireCounter(t, counter_id, "return"));
  t.state = TicketState::kCalled;
  t.call_time = now;
  t.recall_count = 0;
  return Status::Ok();
}

Status ExpireTicket(Ticket& t, absl::Time now) {
  if (t.state != TicketState::kWaiting && t.state != TicketState::kParked)
    return WrongState(t, "expire", "waiting or parked");
  t.state = TicketState::kExpired;
  t.counter_id.clear();
  t.finish_time = now;
  return Status::Ok();
}

Status CancelTicket(Ticket& t, absl::Time now) {
  QUEUE_RETURN_IF_ERROR(RequireState(t, TicketState::kWaiting, "cancel"));
  t.state = TicketState::kCancelled;
  t.finish_time = now;
  return Status::Ok();
}

}  // namespace shop::queue
