#include "server/service/public_calls.h"

#include <string>

#include <spdlog/spdlog.h>

#include "server/domain/common/personal_data.h"
#include "server/service/convert.h"

namespace shop::queue::service {
namespace {

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

void ToProto(const Booking& k, const BranchConfig* b, pb::Booking* out) {
  using service::ToProto;
  out->set_code(k.code.size() == 8 ? k.code.substr(0, 4) + "-" + k.code.substr(4) : k.code);
  out->set_branch_id(k.branch_id);
  out->set_service_prefix(k.service_prefix);
  ToProto(k.slot_start, out->mutable_start_time());
  out->set_state(static_cast<pb::BookingState>(static_cast<int>(k.state)));
  out->set_name_masked(MaskName(k.name));
  out->set_phone_masked(MaskPhone(k.phone));
  out->set_language(static_cast<pb::Language>(static_cast<int>(k.language)));
  out->set_ticket_id(k.ticket_id);
  if (b) {
    out->set_time_zone(b->time_zone_name);
    if (const ServiceConfig* s = b->FindService(k.service_prefix))
      ToProto(k.slot_start + s->slot_length, out->mutable_end_time());
    ToProto(k.slot_start - b->booking.checkin_early, out->mutable_check_in_from());
    ToProto(k.slot_start + b->booking.checkin_late, out->mutable_check_in_until());
  }
}

Status Fill(const ServerConfig& config, const Result<Booking>& k, pb::Booking* out) {
  if (!k.ok()) return k.status();
  ToProto(*k, config.FindBranch(k->branch_id), out);
  return Status::Ok();
}

}  // namespace

Status PublicCalls::ListBranches(const pb::ListBranchesRequest&, pb::ListBranchesResponse* resp) {
  const absl::Time now = queue_.clock().Now();
  for (const BranchConfig& b : config_.branches) {
    pb::BookableBranch out;
    for (const ServiceConfig& s : b.services) {
      if (s.slot_length <= absl::ZeroDuration()) continue;
      ServiceView names_only;
      names_only.config = &s;
      service::ToProto(names_only, b.branch_id, out.add_services());
      service::ToProto(s.slot_length, &(*out.mutable_slot_lengths())[s.prefix]);
    }
    if (out.services().empty()) continue;
    service::ToProto(b, now, out.mutable_branch());
    out.set_horizon_days(b.booking.horizon_days);
    service::ToProto(b.booking.min_lead, out.mutable_min_lead());
    *resp->add_branches() = std::move(out);
  }
  return Status::Ok();
}

Status PublicCalls::ListSlots(const pb::ListSlotsRequest& req, pb::ListSlotsResponse* resp) {
  SlotsQuery q{req.branch_id(), req.service_prefix(), req.from_date(), req.to_date(),
               req.only_free()};
  auto slots = bookings_.ListSlots(q);
  if (!slots.ok()) return slots.status();
  for (const Slot& s : *slots) {
    auto* p = resp->add_slots();
    p->set_service_prefix(s.service_prefix);
    service::ToProto(s.start, p->mutable_start_time());
    service::ToProto(s.start + s.length, p->mutable_end_time());
    p->set_seats(s.seats);
    p->set_seats_left(s.seats_left);
  }
  if (const BranchConfig* b = config_.FindBranch(req.branch_id()))
    resp->set_time_zone(b->time_zone_name);
  return Status::Ok();
}

Status PublicCalls::CreateBooking(const pb::CreateBookingRequest& req,
                                  pb::CreateBookingResponse* resp) {
  if (!req.has_start_time())
    return Status::InvalidArgument("start_time", "start_time is required (a slot's start)");
  auto lang = service::FromProto(req.language());
  if (!lang.ok()) return lang.status();
  BookingInput in{req.branch_id(), req.service_prefix(), FromProto(req.start_time()),
                  req.name(),      req.phone(),          req.email(),
                  *lang,           req.request_id()};
  auto k = bookings_.Book(in);
  if (k.ok())
    spdlog::info("booking {} for {} at {} {}", k->booking_id, MaskPhone(k->phone), k->branch_id,
                 k->service_prefix);
  return Fill(config_, k, resp->mutable_booking());
}

Status PublicCalls::GetBooking(const pb::GetBookingRequest& req, pb::GetBookingResponse* resp) {
  return Fill(config_, bookings_.Get(req.code(), req.phone()), resp->mutable_booking());
}

Status PublicCalls::CancelBooking(const pb::CancelBookingRequest& req,
                                  pb::CancelBookingResponse* resp) {
  return Fill(config_, bookings_.Cancel(req.code(), req.phone()), resp->mutable_booking());
}

Status PublicCalls::RescheduleBooking(const pb::RescheduleBookingRequest& req,
                                      pb::RescheduleBookingResponse* resp) {
  if (!req.has_start_time())
    return Status::InvalidArgument("start_time", "start_time is required (the new slot's start)");
  return Fill(config_, bookings_.Reschedule(req.code(), req.phone(), FromProto(req.start_time())),
              resp->mutable_booking());
}

Status PublicCalls::GetTicketStatus(const pb::GetTicketStatusRequest& req,
                                    pb::GetTicketStatusResponse* resp) {
  auto view = queue_.GetTicketByStatusToken(req.token());
  if (!view.ok()) return view.status();
  ToStatusProto(*view, config_, resp->mutable_status());
  return Status::Ok();
}

void ToStatusProto(const TicketView& v, const ServerConfig& config, pb::TicketStatus* out) {
  const Ticket& t = v.ticket;
  out->set_display_number(t.DisplayNumber());
  out->set_service_prefix(t.service_prefix);
  out->set_state(service::ToProto(t.state));
  out->set_language(service::ToProto(t.language));
  service::ToProto(t.issue_time, out->mutable_issue_time());
  if (t.call_time != absl::InfinitePast()) service::ToProto(t.call_time, out->mutable_call_time());
  if (t.due_time != absl::InfinitePast()) service::ToProto(t.due_time, out->mutable_due_time());
  out->set_recall_count(t.recall_count);
  if (t.state == TicketState::kWaiting) {
    out->set_position(v.position);
    service::ToProto(v.estimated_wait, out->mutable_estimated_wait());
  }
  const BranchConfig* b = config.FindBranch(t.branch_id);
  if (!b) return;
  out->set_branch_display_name(b->display_name);
  out->set_time_zone(b->time_zone_name);
  if (const ServiceConfig* s = b->FindService(t.service_prefix)) {
    const size_t i = static_cast<size_t>(t.language) - 1;
    out->set_service_name(i < s->names.size() && !s->names[i].empty() ? s->names[i]
                                                                       : s->names[0]);
  }
  if (t.state == TicketState::kCalled || t.state == TicketState::kServing) {
    out->set_counter_id(t.counter_id);
    const CounterConfig* c = b->FindCounter(t.counter_id);
    out->set_counter_display_name(c ? c->display_name : t.counter_id);
  }
}

std::string StatusUrl(const ServerConfig& config, const std::string& status_token) {
  if (config.http.public_url.empty() || status_token.empty()) return "";
  return config.http.public_url + "/t/" + status_token;
}

}  // namespace shop::queue::service
