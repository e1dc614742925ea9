// KioskClient: what a kiosk in the shop hall does, over KioskService: read the
// branch and its services, issue a ticket, check in an online booking by its
// code, look a ticket up, report its printer's state. It holds no UI:
// the terminal program drives it today, a touch screen can drive it later.
//
// Every method returns the server's grpc::Status (or the last one after
// retries) and fills its out-parameter only when the status is OK. Transient
// failures (UNAVAILABLE, DEADLINE_EXCEEDED) are retried as CallOptions says;
// TakeTicket makes ONE request_id per ticket and sends it on every retry, so
// a retry never issues a second ticket. CheckInBooking is retried as is: the
// server returns the same ticket for a second check-in with the same code.
//
// Thread-safety: thread-safe; the object is immutable after construction and
// gRPC stubs may be shared by threads.
// Ownership: owns its stub, which shares the channel given.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/channel.h>

#include "common/client/rpc.h"
#include "common/client/ticket_ref.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"

namespace shop::queue::kiosk {

namespace v1 = ::shop::queue::v1;

// A booking checked in at the kiosk: the ticket and what its slip needs.
struct CheckIn {
  // The ticket, with the branch (name, time zone) and the ticket's service
  // (names) when they could be read; a slip without them still prints.
  v1::CreateTicketResponse issued;
  // The customer came after the check-in window: a walk-in ticket.
  bool late = false;
  // The booking's slot start.
  google::protobuf::Timestamp slot_start;
};

class KioskClient {
 public:
  KioskClient(std::shared_ptr<grpc::ChannelInterface> channel, std::string branch_id,
              client::CallOptions options = {});
  // For tests: any stub (for example a mock).
  KioskClient(std::unique_ptr<v1::KioskService::StubInterface> stub, std::string branch_id,
              client::CallOptions options = {});

  const std::string& branch_id() const { return branch_id_; }

  // The branch: name, time zone, business day, whether it is open now.
  grpc::Status GetBranch(v1::Branch* out) const;

  // Every service of the branch (all pages), in the configured order.
  grpc::Status ListServices(std::vector<v1::Service>* out) const;

  // Issues a ticket for the service with `prefix`. The response carries the
  // ticket (with position and estimated wait), the branch and the service:
  // all a slip needs. With `notify_phone`, the customer gets one SMS when
  // few are ahead ("your turn is near").
  grpc::Status TakeTicket(std::string_view prefix, v1::Language language,
                          v1::PriorityClass priority, v1::CreateTicketResponse* out,
                          std::string_view notify_phone = {}) const;

  // Checks in the booking with reference `code` (as typed, with or without
  // the dash). The status is the check-in's: NOT_FOUND for a wrong code,
  // FAILED_PRECONDITION (with the server's reason) for a used or cancelled one
  // or one too early. After a successful check-in the branch and service are
  // read for the slip; if that fails the check-in still counts and
  // out->issued has the ticket only.
  grpc::Status CheckInBooking(std::string_view code, CheckIn* out) const;

  // A ticket with its current state, position and estimated wait.
  // `ticket`: an id, or the printed number of today's ticket ("R017").
  grpc::Status GetTicket(const client::TicketRef& ticket, v1::Ticket* out) const;

  // Reports this kiosk's printer: `state` (not UNSPECIFIED) and a short
  // `detail` (at most 200 characters, one line, no personal data). The
  // device is the one the token names. A report only states the present,
  // so it is retried as is. `out` (may be null) gets the device as stored.
  grpc::Status ReportDeviceStatus(v1::PrinterState state, std::string_view detail,
                                  v1::Device* out) const;

 private:
  std::unique_ptr<v1::KioskService::StubInterface> stub_;
  std::string branch_id_;
  client::CallOptions options_;
};

}  // namespace shop::queue::kiosk
