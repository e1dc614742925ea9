#include "server/service/convert.h"

namespace shop::queue::service {

void ToProto(absl::Time t, google::protobuf::Timestamp* out) {
  int64_t us = absl::ToUnixMicros(t);
  out->set_seconds(us / 1000000);
  out->set_nanos(static_cast<int32_t>((us % 1000000) * 1000));
  if (out->nanos() < 0) {
    out->set_seconds(out->seconds() - 1);
    out->set_nanos(out->nanos() + 1000000000);
  }
}

void ToProto(absl::Duration d, google::protobuf::Duration* out) {
  int64_t ms = absl::ToInt64Milliseconds(d);
  out->set_seconds(ms / 1000);
  out->set_nanos(static_cast<int32_t>((ms % 1000) * 1000000));
}

void ToProto(const BranchConfig& b, absl::Time now, pb::Branch* out) {
  out->set_branch_id(b.branch_id);
  out->set_display_name(b.display_name);
  out->set_time_zone(b.time_zone_name);
  out->set_business_day(b.BusinessDay(now));
  const bool open = b.IsOpen(now);
  out->set_open_now(open);
  if (!open)
    if (auto next = b.NextOpenTime(now)) ToProto(*next, out->mutable_next_open_time());
}

void ToProto(const ServiceView& s, const std::string& branch_id, pb::Service* out) {
  out->set_branch_id(branch_id);
  out->set_prefix(s.config->prefix);
  out->set_name_ru(s.config->names[0]);
  out->set_name_en(s.config->names[1]);
  out->set_name_zh(s.config->names[2]);
  out->set_waiting_count(s.waiting);
  out->set_open_counter_count(s.open_counters);
  ToProto(s.average_service_time, out->mutable_average_service_duration());
  ToProto(s.estimated_wait, out->mutable_estimated_wait());
  out->set_opens_case(s.config->opens_case);
}

pb::Language ToProto(Language l) { return static_cast<pb::Language>(static_cast<int>(l)); }

pb::TicketState ToProto(TicketState s) {
  switch (s) {
    case TicketState::kWaiting: return pb::TICKET_STATE_WAITING;
    case TicketState::kCalled: return pb::TICKET_STATE_CALLED;
    case TicketState::kServing: return pb::TICKET_STATE_SERVING;
    case TicketState::kDone: return pb::TICKET_STATE_DONE;
    case TicketState::kNoShow: return pb::TICKET_STATE_NO_SHOW;
    case TicketState::kCancelled: return pb::TICKET_STATE_CANCELLED;
    case TicketState::kExpired: return pb::TICKET_STATE_EXPIRED;
    case TicketState::kParked: return pb::TICKET_STATE_PARKED;
  }
  return pb::TICKET_STATE_UNSPECIFIED;
}

void ToProto(const Ticket& t, const ServerConfig& config, pb::Ticket* out) {
  out->set_ticket_id(t.id);
  if (const BranchConfig* b = config.FindBranch(t.branch_id)) out->set_time_zone(b->time_zone_name);
  out->set_branch_id(t.branch_id);
  out->set_display_number(t.DisplayNumber());
  out->set_service_prefix(t.service_prefix);
  out->set_business_day(t.business_day);
  out->set_state(ToProto(t.state));
  out->set_priority_class(static_cast<pb::PriorityClass>(static_cast<int>(t.priority)));
  out->set_origin(t.origin == Origin::kAppointment ? pb::TICKET_ORIGIN_APPOINTMENT
                                                   : pb::TICKET_ORIGIN_WALK_IN);
  out->set_language(ToProto(t.language));
  ToProto(t.issue_time, out->mutable_issue_time());
  if (t.due_time != absl::InfinitePast()) ToProto(t.due_time, out->mutable_due_time());
  if (t.call_time != absl::InfinitePast()) ToProto(t.call_time, out->mutable_call_time());
  out->set_counter_id(t.counter_id);
  out->set_recall_count(t.recall_count);
  out->set_status_token(t.status_token);
}

void ToProto(const TicketView& v, const ServerConfig& config, pb::Ticket* out) {
  ToProto(v.ticket, config, out);
  if (v.ticket.state == TicketState::kWaiting) {
    out->set_position(v.position);
    ToProto(v.estimated_wait, out->mutable_estimated_wait());
  }
}

void ToProto(const CounterView& c, pb::Counter* out) {
  out->set_branch_id(c.row.branch_id);
  out->set_counter_id(c.row.counter_id);
  out->set_display_name(c.config ? c.config->display_name : c.row.counter_id);
  out->set_open(c.row.open);
  if (c.row.open)
    for (const auto& p : c.row.services) out->add_service_prefixes(p);
  out->set_current_ticket_id(c.current ? c.current->id : 0);
  if (c.row.open) out->set_clerk_login(c.row.clerk_login);
}

void ToProto(const TicketEvent& transfer, pb::TicketTransfer* out) {
  // detail is "FROM->TO" (QueueManager::Transfer).
  const std::string& d = transfer.detail;
  const size_t arrow = d.find("->");
  out->set_from_service_prefix(arrow == std::string::npos ? "" : d.substr(0, arrow));
  out->set_to_service_prefix(arrow == std::string::npos ? d : d.substr(arrow + 2));
  out->set_counter_id(transfer.counter_id);
  ToProto(transfer.time, out->mutable_time());
}

void ToProto(const BoardUpdate& u, pb::WatchBoardResponse* out) {
  out->set_snapshot(u.snapshot);
  for (const auto& c : u.calls) {
    pb::BoardCall* bc = out->add_calls();
    bc->set_ticket_id(c.call.ticket_id);
    bc->set_display_number(c.call.display_number);
    bc->set_counter_id(c.call.counter_id);
    bc->set_counter_display_name(c.counter_display_name);
    ToProto(c.call.time, bc->mutable_call_time());
    bc->set_recall_count(c.call.recall_count);
    bc->set_appointment(c.call.appointment);
    bc->set_language(ToProto(c.call.language));
    bc->set_service_prefix(c.call.service_prefix);
  }
  for (const auto& [prefix, n] : u.waiting) {
    pb::WaitingCount* w = out->add_waiting_counts();
    w->set_service_prefix(prefix);
    w->set_waiting_count(n);
  }
  for (const auto& d : u.due) {
    pb::DueAppointment* a = out->add_due_appointments();
    a->set_ticket_id(d.ticket_id);
    a->set_display_number(d.display_number);
    a->set_service_prefix(d.service_prefix);
    ToProto(d.due_time, a->mutable_due_time());
  }
  for (const auto& d : u.device_faults) ToProto(d, out->add_device_faults());
  out->set_time_zone(u.time_zone);
  out->set_branch_display_name(u.branch_display_name);
}

pb::PrinterState ToProto(PrinterState s) {
  switch (s) {
    case PrinterState::kOk: return pb::PRINTER_STATE_OK;
    case PrinterState::kOutOfPaper: return pb::PRINTER_STATE_OUT_OF_PAPER;
    case PrinterState::kOffline: return pb::PRINTER_STATE_OFFLINE;
    case PrinterState::kError: return pb::PRINTER_STATE_ERROR;
    case PrinterState::kNone: return pb::PRINTER_STATE_NONE;
  }
  return pb::PRINTER_STATE_UNSPECIFIED;
}

Result<PrinterState> FromProto(pb::PrinterState s) {
  switch (s) {
    case pb::PRINTER_STATE_OK: return PrinterState::kOk;
    case pb::PRINTER_STATE_OUT_OF_PAPER: return PrinterState::kOutOfPaper;
    case pb::PRINTER_STATE_OFFLINE: return PrinterState::kOffline;
    case pb::PRINTER_STATE_ERROR: return PrinterState::kError;
    case pb::PRINTER_STATE_NONE: return PrinterState::kNone;
    case pb::PRINTER_STATE_UNSPECIFIED:
      return Status::InvalidArgument("printer_state", "printer_state is required");
    default:
      return Status::InvalidArgument("printer_state",
                                     "unknown printer state " + std::to_string(s));
  }
}

void ToProto(const DeviceStatus& d, pb::Device* out) {
  out->set_branch_id(d.branch_id);
  out->set_device_id(d.device_id);
  out->set_printer_state(ToProto(d.printer_state));
  out->set_detail(d.detail);
  ToProto(d.report_time, out->mutable_report_time());
  ToProto(d.change_time, out->mutable_change_time());
}

Result<int64_t> ParsePageToken(const std::string& token) {
  if (token.empty()) return int64_t{0};
  int64_t v = 0;
  for (char c : token) {
    if (c < '0' || c > '9' || v > (INT64_MAX - 9) / 10)
      return Status::InvalidArgument("page_token", "page_token is not one this server issued");
    v = v * 10 + (c - '0');
  }
  return v;
}

Result<Language> FromProto(pb::Language l) {
  switch (l) {
    case pb::LANGUAGE_UNSPECIFIED:
    case pb::LANGUAGE_RU: return Language::kRu;
    case pb::LANGUAGE_EN: return Language::kEn;
    case pb::LANGUAGE_ZH: return Language::kZh;
    default: return Status::InvalidArgument("language", "unknown language " + std::to_string(l));
  }
}

Result<Priority> FromProto(pb::PriorityClass p) {
  switch (p) {
    case pb::PRIORITY_CLASS_UNSPECIFIED: return Priority::kNone;
    case pb::PRIORITY_CLASS_ELDERLY: return Priority::kElderly;
    case pb::PRIORITY_CLASS_DISABLED: return Priority::kDisabled;
    case pb::PRIORITY_CLASS_PREGNANT: return Priority::kPregnant;
    case pb::PRIORITY_CLASS_WITH_CHILDREN: return Priority::kWithChildren;
    default:
      return Status::InvalidArgument("priority_class",
                                     "unknown priority class " + std::to_string(p));
  }
}

Result<std::optional<TicketState>> FromProto(pb::TicketState s) {
  switch (s) {
    case pb::TICKET_STATE_UNSPECIFIED: return std::optional<TicketState>();
    case pb::TICKET_STATE_WAITING: return std::optional(TicketState::kWaiting);
    case pb::TICKET_STATE_CALLED: return std::optional(TicketState::kCalled);
    case pb::TICKET_STATE_SERVING: return std::optional(TicketState::kServing);
    case pb::TICKET_STATE_DONE: return std::optional(TicketState::kDone);
    case pb::TICKET_STATE_NO_SHOW: return std::optional(TicketState::kNoShow);
    case pb::TICKET_STATE_CANCELLED: return std::optional(TicketState::kCancelled);
    case pb::TICKET_STATE_EXPIRED: return std::optional(TicketState::kExpired);
    case pb::TICKET_STATE_PARKED: return std::optional(TicketState::kParked);
    default: return Status::InvalidArgument("state", "unknown ticket state " + std::to_string(s));
  }
}

}  // namespace shop::queue::service
