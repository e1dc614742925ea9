// BookingService (public, rate-limited per client address) and the kiosk's
// check-in: converts requests, calls BookingManager inside GuardAs, returns
// bookings with personal data masked. No rules here.
#include <string>

#include <spdlog/spdlog.h>

#include "server/domain/personal_data.h"
#include "server/service/convert.h"
#include "server/service/errors.h"
#include "server/service/services.h"

namespace shop::queue::service {
namespace {

std::string Method(const char* name) {
  return std::string("/shop.queue.v1.BookingService/") + name;
}

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

// "ipv4:127.0.0.1:5555" -> "ipv4:127.0.0.1"; "ipv6:[::1]:5555" -> "ipv6:[::1]".
std::string ClientAddress(const std::string& peer) {
  auto colon = peer.rfind(':');
  auto bracket = peer.rfind(']');
  if (colon == std::string::npos || (bracket != std::string::npos && colon < bracket) ||
      colon <= peer.find(':'))
    return peer;
  return peer.substr(0, colon);
}

grpc::Status BookingServiceImpl::Limited(grpc::ServerContext* ctx,
                                         const google::protobuf::Message& request,
                                         const char* method,
                                         const std::function<Status()>& body) {
  return GuardAs(entry_, ctx, request, Method(method), [&](const Principal*) -> Status {
    absl::Duration retry;
    if (!limiter_.Allow(ClientAddress(ctx->peer()), &retry))
      return Status::ResourceExhausted("too many requests from this address; retry in " +
                                       std::to_string(absl::ToInt64Seconds(retry) + 1) + " s");
    return body();
  });
}

grpc::Status BookingServiceImpl::ListSlots(grpc::ServerContext* ctx,
                                           const pb::ListSlotsRequest* req,
                                           pb::ListSlotsResponse* resp) {
  return Limited(ctx, *req, "ListSlots", [&]() -> Status {
    SlotsQuery q{req->branch_id(), req->service_prefix(), req->from_date(), req->to_date(),
                 req->only_free()};
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
    if (const BranchConfig* b = config_.FindBranch(req->branch_id()))
      resp->set_time_zone(b->time_zone_name);
    return Status::Ok();
  });
}

grpc::Status BookingServiceImpl::CreateBooking(grpc::ServerContext* ctx,
                                               const pb::CreateBookingRequest* req,
                                               pb::CreateBookingResponse* resp) {
  return Limited(ctx, *req, "CreateBooking", [&]() -> Status {
    if (!req->has_start_time())
      return Status::InvalidArgument("start_time", "start_time is required (a slot's start)");
    auto lang = service::FromProto(req->language());
    if (!lang.ok()) return lang.status();
    BookingInput in{req->branch_id(), req->service_prefix(), FromProto(req->start_time()),
                    req->name(),      req->phone(),          req->email(),
                    *lang,            req->request_id()};
    auto k = bookings_.Book(in);
    if (k.ok())
      spdlog::info("booking {} for {} at {} {}", k->booking_id, MaskPhone(k->phone),
                   k->branch_id, k->service_prefix);
    return Fill(config_, k, resp->mutable_booking());
  });
}

grpc::Status BookingServiceImpl::GetBooking(grpc::ServerContext* ctx,
                                            const pb::GetBookingRequest* req,
                                            pb::GetBookingResponse* resp) {
  return Limited(ctx, *req, "GetBooking", [&] {
    return Fill(config_, bookings_.Get(req->code(), req->phone()), resp->mutable_booking());
  });
}

grpc::Status BookingServiceImpl::CancelBooking(grpc::ServerContext* ctx,
                                               const pb::CancelBookingRequest* req,
                                               pb::CancelBookingResponse* resp) {
  return Limited(ctx, *req, "CancelBooking", [&] {
    return Fill(config_, bookings_.Cancel(req->code(), req->phone()), resp->mutable_booking());
  });
}

grpc::Status BookingServiceImpl::RescheduleBooking(grpc::ServerContext* ctx,
                                                   const pb::RescheduleBookingRequest* req,
                                                   pb::RescheduleBookingResponse* resp) {
  return Limited(ctx, *req, "RescheduleBooking", [&]() -> Status {
    if (!req->has_start_time())
      return Status::InvalidArgument("start_time", "start_time is required (the new slot's start)");
    return Fill(config_,
                bookings_.Reschedule(req->code(), req->phone(), FromProto(req->start_time())),
                resp->mutable_booking());
  });
}

grpc::Status KioskServiceImpl::CheckInBooking(grpc::ServerContext* ctx,
                                              const pb::CheckInBookingRequest* req,
                                              pb::CheckInBookingResponse* resp) {
  return GuardAs(entry_, ctx, *req, "/shop.queue.v1.KioskService/CheckInBooking",
                 [&](const Principal* who) -> Status {
    QUEUE_RETURN_IF_ERROR(CheckBranch(who, req->branch_id()));
    auto r = bookings_.CheckIn(req->branch_id(), req->code(), who);
    if (!r.ok()) return r.status();
    service::ToProto(r->ticket, manager_.config(), resp->mutable_ticket());
    resp->set_late(r->late);
    service::ToProto(r->booking.slot_start, resp->mutable_start_time());
    return Status::Ok();
  });
}

}  // namespace shop::queue::service
