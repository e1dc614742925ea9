// BookingService and TicketStatusService (public, rate-limited per client
// address) and the kiosk's check-in: entry checks, then PublicCalls (shared
// with the HTTP face's JSON API). No rules here.
#include <string>

#include <spdlog/spdlog.h>

#include "server/service/convert.h"
#include "server/service/errors.h"
#include "server/service/public_calls.h"
#include "server/service/services.h"

namespace shop::queue::service {
namespace {

std::string Method(const char* name) {
  return std::string("/shop.queue.v1.BookingService/") + name;
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

Status LimitAddress(RateLimiter& limiter, const std::string& address) {
  absl::Duration retry;
  if (limiter.Allow(address, &retry)) return Status::Ok();
  return Status::ResourceExhausted("too many requests from this address; retry in " +
                                   std::to_string(absl::ToInt64Seconds(retry) + 1) + " s");
}

grpc::Status GuardLimited(Entry& entry, RateLimiter& limiter, grpc::ServerContext* ctx,
                          const google::protobuf::Message& request, std::string_view method,
                          const std::function<Status()>& body) {
  return GuardAs(entry, ctx, request, method, [&](const Principal*) -> Status {
    QUEUE_RETURN_IF_ERROR(LimitAddress(limiter, ClientAddress(ctx->peer())));
    return body();
  });
}

grpc::Status BookingServiceImpl::Limited(grpc::ServerContext* ctx,
                                         const google::protobuf::Message& request,
                                         const char* method,
                                         const std::function<Status()>& body) {
  return GuardLimited(entry_, limiter_, ctx, request, Method(method), body);
}

grpc::Status BookingServiceImpl::ListBranches(grpc::ServerContext* ctx,
                                              const pb::ListBranchesRequest* req,
                                              pb::ListBranchesResponse* resp) {
  return Limited(ctx, *req, "ListBranches", [&] { return calls_.ListBranches(*req, resp); });
}

grpc::Status BookingServiceImpl::ListSlots(grpc::ServerContext* ctx,
                                           const pb::ListSlotsRequest* req,
                                           pb::ListSlotsResponse* resp) {
  return Limited(ctx, *req, "ListSlots", [&] { return calls_.ListSlots(*req, resp); });
}

grpc::Status BookingServiceImpl::CreateBooking(grpc::ServerContext* ctx,
                                               const pb::CreateBookingRequest* req,
                                               pb::CreateBookingResponse* resp) {
  return Limited(ctx, *req, "CreateBooking", [&] { return calls_.CreateBooking(*req, resp); });
}

grpc::Status BookingServiceImpl::GetBooking(grpc::ServerContext* ctx,
                                            const pb::GetBookingRequest* req,
                                            pb::GetBookingResponse* resp) {
  return Limited(ctx, *req, "GetBooking", [&] { return calls_.GetBooking(*req, resp); });
}

grpc::Status BookingServiceImpl::CancelBooking(grpc::ServerContext* ctx,
                                               const pb::CancelBookingRequest* req,
                                               pb::CancelBookingResponse* resp) {
  return Limited(ctx, *req, "CancelBooking", [&] { return calls_.CancelBooking(*req, resp); });
}

grpc::Status BookingServiceImpl::RescheduleBooking(grpc::ServerContext* ctx,
                                                   const pb::RescheduleBookingRequest* req,
                                                   pb::RescheduleBookingResponse* resp) {
  return Limited(ctx, *req, "RescheduleBooking",
                 [&] { return calls_.RescheduleBooking(*req, resp); });
}

grpc::Status TicketStatusServiceImpl::GetTicketStatus(grpc::ServerContext* ctx,
                                                      const pb::GetTicketStatusRequest* req,
                                                      pb::GetTicketStatusResponse* resp) {
  return GuardAs(entry_, ctx, *req, "/shop.queue.v1.TicketStatusService/GetTicketStatus",
                 [&](const Principal*) { return calls_.GetTicketStatus(*req, resp); });
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
    resp->set_status_url(StatusUrl(manager_.config(), r->ticket.ticket.status_token));
    return Status::Ok();
  });
}

}  // namespace shop::queue::service
