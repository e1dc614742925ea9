// The gRPC services of shop.queue.v1. Each handler converts the request,
// calls the QueueManager inside Guard (authorisation, no exceptions out) and
// converts the answer back. No rules and no SQL here.
//
// Thread-safe; they borrow the QueueManager and BoardHub, which must outlive them.
#pragma once

#include <atomic>

#include "server/domain/queue/board.h"
#include "server/domain/booking/booking_manager.h"
#include "server/domain/cases/case_manager.h"
#include "server/domain/staff/device_manager.h"
#include "server/domain/common/rate_limit.h"
#include "server/domain/queue/queue_manager.h"
#include "server/domain/remote/remote_manager.h"
#include "server/service/errors.h"
#include "server/service/public_calls.h"
#include "server/service/remote_public_calls.h"
#include "shop/queue/v1/auth_service.grpc.pb.h"
#include "shop/queue/v1/board_service.grpc.pb.h"
#include "shop/queue/v1/booking_service.grpc.pb.h"
#include "shop/queue/v1/case_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "shop/queue/v1/remote_service.grpc.pb.h"
#include "shop/queue/v1/report_service.grpc.pb.h"
#include "shop/queue/v1/ticket_status_service.grpc.pb.h"

namespace shop::queue::service {

namespace pb = ::shop::queue::v1;

class KioskServiceImpl final : public pb::KioskService::Service {
 public:
  KioskServiceImpl(QueueManager& manager, BookingManager& bookings, DeviceManager& devices,
                   Entry& entry)
      : manager_(manager), bookings_(bookings), devices_(devices), entry_(entry) {}
  grpc::Status GetBranch(grpc::ServerContext* ctx, const pb::GetBranchRequest* req,
                         pb::GetBranchResponse* resp) override;
  grpc::Status ListServices(grpc::ServerContext* ctx, const pb::ListServicesRequest* req,
                            pb::ListServicesResponse* resp) override;
  grpc::Status CreateTicket(grpc::ServerContext* ctx, const pb::CreateTicketRequest* req,
                            pb::CreateTicketResponse* resp) override;
  grpc::Status GetTicket(grpc::ServerContext* ctx, const pb::GetTicketRequest* req,
                         pb::GetTicketResponse* resp) override;
  grpc::Status CheckInBooking(grpc::ServerContext* ctx, const pb::CheckInBookingRequest* req,
                              pb::CheckInBookingResponse* resp) override;
  grpc::Status ReportDeviceStatus(grpc::ServerContext* ctx,
                                  const pb::ReportDeviceStatusRequest* req,
                                  pb::ReportDeviceStatusResponse* resp) override;

 private:
  QueueManager& manager_;
  BookingManager& bookings_;
  DeviceManager& devices_;
  Entry& entry_;
};

class CounterServiceImpl final : public pb::CounterService::Service {
 public:
  CounterServiceImpl(QueueManager& manager, DeviceManager& devices, Entry& entry)
      : manager_(manager), devices_(devices), entry_(entry) {}
  grpc::Status GetCounter(grpc::ServerContext* ctx, const pb::GetCounterRequest* req,
                          pb::GetCounterResponse* resp) override;
  grpc::Status OpenCounter(grpc::ServerContext* ctx, const pb::OpenCounterRequest* req,
                           pb::OpenCounterResponse* resp) override;
  grpc::Status CloseCounter(grpc::ServerContext* ctx, const pb::CloseCounterRequest* req,
                            pb::CloseCounterResponse* resp) override;
  grpc::Status ListTickets(grpc::ServerContext* ctx, const pb::ListTicketsRequest* req,
                           pb::ListTicketsResponse* resp) override;
  grpc::Status CallNextTicket(grpc::ServerContext* ctx, const pb::CallNextTicketRequest* req,
                              pb::CallNextTicketResponse* resp) override;
  grpc::Status CallTicket(grpc::ServerContext* ctx, const pb::CallTicketRequest* req,
                          pb::CallTicketResponse* resp) override;
  grpc::Status RecallTicket(grpc::ServerContext* ctx, const pb::RecallTicketRequest* req,
                            pb::RecallTicketResponse* resp) override;
  grpc::Status StartTicket(grpc::ServerContext* ctx, const pb::StartTicketRequest* req,
                           pb::StartTicketResponse* resp) override;
  grpc::Status CompleteTicket(grpc::ServerContext* ctx, const pb::CompleteTicketRequest* req,
                              pb::CompleteTicketResponse* resp) override;
  grpc::Status MarkNoShowTicket(grpc::ServerContext* ctx, const pb::MarkNoShowTicketRequest* req,
                                pb::MarkNoShowTicketResponse* resp) override;
  grpc::Status TransferTicket(grpc::ServerContext* ctx, const pb::TransferTicketRequest* req,
                              pb::TransferTicketResponse* resp) override;
  grpc::Status ParkTicket(grpc::ServerContext* ctx, const pb::ParkTicketRequest* req,
                          pb::ParkTicketResponse* resp) override;
  grpc::Status ReturnTicket(grpc::ServerContext* ctx, const pb::ReturnTicketRequest* req,
                            pb::ReturnTicketResponse* resp) override;
  grpc::Status ListDevices(grpc::ServerContext* ctx, const pb::ListDevicesRequest* req,
                           pb::ListDevicesResponse* resp) override;

 private:
  template <typename Req>
  grpc::Status ActOn(grpc::ServerContext* ctx, const char* method, const Req& req,
                     CounterAction action, pb::Ticket* out);
  QueueManager& manager_;
  DeviceManager& devices_;
  Entry& entry_;
};

// The board uses gRPC's callback API: a stream costs no thread while it
// waits, so a central server can feed thousands of hall screens. Updates are
// pushed from the BoardHub as they are published.
class BoardServiceImpl final : public pb::BoardService::CallbackService {
 public:
  BoardServiceImpl(QueueManager& manager, BoardHub& hub, Entry& entry)
      : manager_(manager), hub_(hub), entry_(entry) {}
  grpc::ServerWriteReactor<pb::WatchBoardResponse>* WatchBoard(
      grpc::CallbackServerContext* ctx, const pb::WatchBoardRequest* req) override;

 private:
  QueueManager& manager_;
  BoardHub& hub_;
  Entry& entry_;
};

class AuthServiceImpl final : public pb::AuthService::Service {
 public:
  AuthServiceImpl(AuthManager& auth, Entry& entry) : auth_(auth), entry_(entry) {}
  grpc::Status Login(grpc::ServerContext* ctx, const pb::LoginRequest* req,
                     pb::LoginResponse* resp) override;
  grpc::Status Logout(grpc::ServerContext* ctx, const pb::LogoutRequest* req,
                      pb::LogoutResponse* resp) override;

 private:
  AuthManager& auth_;
  Entry& entry_;
};

class CaseServiceImpl final : public pb::CaseService::Service {
 public:
  CaseServiceImpl(const ServerConfig& config, CaseManager& cases, Entry& entry)
      : config_(config), cases_(cases), entry_(entry) {}
  grpc::Status OpenCase(grpc::ServerContext* ctx, const pb::OpenCaseRequest* req,
                        pb::OpenCaseResponse* resp) override;
  grpc::Status GetCase(grpc::ServerContext* ctx, const pb::GetCaseRequest* req,
                       pb::GetCaseResponse* resp) override;
  grpc::Status SubmitCaseForm(grpc::ServerContext* ctx, const pb::SubmitCaseFormRequest* req,
                              pb::SubmitCaseFormResponse* resp) override;
  grpc::Status CheckIdentity(grpc::ServerContext* ctx, const pb::CheckIdentityRequest* req,
                             pb::CheckIdentityResponse* resp) override;
  grpc::Status RecordPayment(grpc::ServerContext* ctx, const pb::RecordPaymentRequest* req,
                             pb::RecordPaymentResponse* resp) override;
  grpc::Status WaiveFee(grpc::ServerContext* ctx, const pb::WaiveFeeRequest* req,
                        pb::WaiveFeeResponse* resp) override;
  grpc::Status IssueCard(grpc::ServerContext* ctx, const pb::IssueCardRequest* req,
                         pb::IssueCardResponse* resp) override;
  grpc::Status BlockOldCard(grpc::ServerContext* ctx, const pb::BlockOldCardRequest* req,
                            pb::BlockOldCardResponse* resp) override;
  grpc::Status CloseCase(grpc::ServerContext* ctx, const pb::CloseCaseRequest* req,
                         pb::CloseCaseResponse* resp) override;
  grpc::Status CancelCase(grpc::ServerContext* ctx, const pb::CancelCaseRequest* req,
                          pb::CancelCaseResponse* resp) override;
  grpc::Status UnlockNumber(grpc::ServerContext* ctx, const pb::UnlockNumberRequest* req,
                            pb::UnlockNumberResponse* resp) override;

 private:
  const ServerConfig& config_;
  CaseManager& cases_;
  Entry& entry_;
};

// The online booking API: public (no credentials), each client address
// limited by the RateLimiter (RESOURCE_EXHAUSTED beyond it).
class BookingServiceImpl final : public pb::BookingService::Service {
 public:
  BookingServiceImpl(PublicCalls& calls, RateLimiter& limiter, Entry& entry)
      : calls_(calls), limiter_(limiter), entry_(entry) {}
  grpc::Status ListBranches(grpc::ServerContext* ctx, const pb::ListBranchesRequest* req,
                            pb::ListBranchesResponse* resp) override;
  grpc::Status ListSlots(grpc::ServerContext* ctx, const pb::ListSlotsRequest* req,
                         pb::ListSlotsResponse* resp) override;
  grpc::Status CreateBooking(grpc::ServerContext* ctx, const pb::CreateBookingRequest* req,
                             pb::CreateBookingResponse* resp) override;
  grpc::Status GetBooking(grpc::ServerContext* ctx, const pb::GetBookingRequest* req,
                          pb::GetBookingResponse* resp) override;
  grpc::Status CancelBooking(grpc::ServerContext* ctx, const pb::CancelBookingRequest* req,
                             pb::CancelBookingResponse* resp) override;
  grpc::Status RescheduleBooking(grpc::ServerContext* ctx,
                                 const pb::RescheduleBookingRequest* req,
                                 pb::RescheduleBookingResponse* resp) override;

 private:
  // GuardAs plus the per-address limit.
  grpc::Status Limited(grpc::ServerContext* ctx, const google::protobuf::Message& request,
                       const char* method,
                       const std::function<Status()>& body);
  PublicCalls& calls_;
  RateLimiter& limiter_;
  Entry& entry_;
};

// A ticket's live status for its holder: public, the status token (128
// random bits) is the credential. Not rate-limited: the phones of a whole
// hall may share one address on the shop's Wi-Fi, and one read is cheap.
class TicketStatusServiceImpl final : public pb::TicketStatusService::Service {
 public:
  TicketStatusServiceImpl(PublicCalls& calls, Entry& entry) : calls_(calls), entry_(entry) {}
  grpc::Status GetTicketStatus(grpc::ServerContext* ctx, const pb::GetTicketStatusRequest* req,
                               pb::GetTicketStatusResponse* resp) override;

 private:
  PublicCalls& calls_;
  Entry& entry_;
};

// The caller's address without its port, from ServerContext::peer().
std::string ClientAddress(const std::string& peer);
// OK while `address` is within the limiter's budget; RESOURCE_EXHAUSTED
// saying when to retry otherwise.
Status LimitAddress(RateLimiter& limiter, const std::string& address);
// GuardAs for a public call, plus the caller's address's limit.
grpc::Status GuardLimited(Entry& entry, RateLimiter& limiter, grpc::ServerContext* ctx,
                          const google::protobuf::Message& request, std::string_view method,
                          const std::function<Status()>& body);

// Reports for supervisors and admins (server/domain/report): reads the
// period in one snapshot and writes CSV or HTML. Borrows the config, store
// and clock, which must outlive it.
class ReportServiceImpl final : public pb::ReportService::Service {
 public:
  ReportServiceImpl(const ServerConfig& config, Store& store, const Clock& clock, Entry& entry)
      : config_(config), store_(store), clock_(clock), entry_(entry) {}
  grpc::Status GetReport(grpc::ServerContext* ctx, const pb::GetReportRequest* req,
                         pb::GetReportResponse* resp) override;

 private:
  const ServerConfig& config_;
  Store& store_;
  const Clock& clock_;
  Entry& entry_;
};

// The remote route of a SIM replacement (RemoteManager): the applicant's
// public calls (RemotePublicCalls, shared with the JSON API), limited per
// client address by the public API's RateLimiter (RESOURCE_EXHAUSTED beyond
// it), the reviewers' and the pickup counter's. Borrows everything it is
// given, which must outlive it.
class RemoteServiceImpl final : public pb::RemoteService::Service {
 public:
  RemoteServiceImpl(const ServerConfig& config, RemoteManager& remote, RemotePublicCalls& calls,
                    RateLimiter& limiter, Entry& entry)
      : config_(config), remote_(remote), calls_(calls), limiter_(limiter), entry_(entry) {}
  grpc::Status ApplyForReplacement(grpc::ServerContext* ctx,
                                   const pb::ApplyForReplacementRequest* req,
                                   pb::ApplyForReplacementResponse* resp) override;
  grpc::Status GetApplicationStatus(grpc::ServerContext* ctx,
                                    const pb::GetApplicationStatusRequest* req,
                                    pb::GetApplicationStatusResponse* resp) override;
  grpc::Status WithdrawApplication(grpc::ServerContext* ctx,
                                   const pb::WithdrawApplicationRequest* req,
                                   pb::WithdrawApplicationResponse* resp) override;
  grpc::Status ActivateCard(grpc::ServerContext* ctx, const pb::ActivateCardRequest* req,
                            pb::ActivateCardResponse* resp) override;
  grpc::Status ListOperators(grpc::ServerContext* ctx, const pb::ListOperatorsRequest* req,
                             pb::ListOperatorsResponse* resp) override;
  grpc::Status ListApplications(grpc::ServerContext* ctx, const pb::ListApplicationsRequest* req,
                                pb::ListApplicationsResponse* resp) override;
  grpc::Status GetApplication(grpc::ServerContext* ctx, const pb::GetApplicationRequest* req,
                              pb::GetApplicationResponse* resp) override;
  grpc::Status ApproveApplication(grpc::ServerContext* ctx,
                                  const pb::ApproveApplicationRequest* req,
                                  pb::ApproveApplicationResponse* resp) override;
  grpc::Status RejectApplication(grpc::ServerContext* ctx, const pb::RejectApplicationRequest* req,
                                 pb::RejectApplicationResponse* resp) override;
  grpc::Status DispatchCard(grpc::ServerContext* ctx, const pb::DispatchCardRequest* req,
                            pb::DispatchCardResponse* resp) override;
  grpc::Status CancelApplication(grpc::ServerContext* ctx, const pb::CancelApplicationRequest* req,
                                 pb::CancelApplicationResponse* resp) override;
  grpc::Status HandOverCard(grpc::ServerContext* ctx, const pb::HandOverCardRequest* req,
                            pb::HandOverCardResponse* resp) override;
  grpc::Status ListPickups(grpc::ServerContext* ctx, const pb::ListPickupsRequest* req,
                           pb::ListPickupsResponse* resp) override;

 private:
  // GuardAs plus the per-address limit, for the public calls.
  grpc::Status Limited(grpc::ServerContext* ctx, const google::protobuf::Message& request,
                       const char* method, const std::function<Status()>& body);
  const ServerConfig& config_;
  RemoteManager& remote_;
  RemotePublicCalls& calls_;
  RateLimiter& limiter_;
  Entry& entry_;
};

}  // namespace shop::queue::service
