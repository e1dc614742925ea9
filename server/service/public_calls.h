// PublicCalls: the public API's use cases (online booking and a ticket's live
// status) with their transport left out. The gRPC services and the HTTP
// face's JSON API both run them, after their own entry checks (call gate,
// request bounds, the per-address rate limit), so both faces answer alike.
//
// Thread-safe; borrows the managers, which must outlive it.
#pragma once

#include "server/domain/booking/booking_manager.h"
#include "server/domain/queue/queue_manager.h"
#include "server/domain/common/status.h"
#include "shop/queue/v1/booking_service.pb.h"
#include "shop/queue/v1/ticket_status_service.pb.h"

namespace shop::queue::service {

namespace pb = ::shop::queue::v1;

class PublicCalls {
 public:
  PublicCalls(const ServerConfig& config, QueueManager& queue, BookingManager& bookings)
      : config_(config), queue_(queue), bookings_(bookings) {}

  Status ListBranches(const pb::ListBranchesRequest& req, pb::ListBranchesResponse* resp);
  Status ListSlots(const pb::ListSlotsRequest& req, pb::ListSlotsResponse* resp);
  Status CreateBooking(const pb::CreateBookingRequest& req, pb::CreateBookingResponse* resp);
  Status GetBooking(const pb::GetBookingRequest& req, pb::GetBookingResponse* resp);
  Status CancelBooking(const pb::CancelBookingRequest& req, pb::CancelBookingResponse* resp);
  Status RescheduleBooking(const pb::RescheduleBookingRequest& req,
                           pb::RescheduleBookingResponse* resp);
  Status GetTicketStatus(const pb::GetTicketStatusRequest& req, pb::GetTicketStatusResponse* resp);

  const ServerConfig& config() const { return config_; }
  QueueManager& queue() { return queue_; }

 private:
  const ServerConfig& config_;
  QueueManager& queue_;
  BookingManager& bookings_;
};

// What a customer may see of his ticket (no id, no token, no other ticket).
void ToStatusProto(const TicketView& v, const ServerConfig& config, pb::TicketStatus* out);

// The live page of a ticket, "PUBLIC_URL/t/TOKEN"; "" without a public URL
// or a token.
std::string StatusUrl(const ServerConfig& config, const std::string& status_token);

}  // namespace shop::queue::service
