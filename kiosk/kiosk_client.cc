#include "kiosk/kiosk_client.h"

#include <utility>

namespace shop::queue::kiosk {

using Stub = v1::KioskService::StubInterface;

KioskClient::KioskClient(std::shared_ptr<grpc::ChannelInterface> channel,
                         std::string branch_id, client::CallOptions options)
    : KioskClient(v1::KioskService::NewStub(channel), std::move(branch_id), options) {}

KioskClient::KioskClient(std::unique_ptr<Stub> stub, std::string branch_id,
                         client::CallOptions options)
    : stub_(std::move(stub)), branch_id_(std::move(branch_id)), options_(options) {}

grpc::Status KioskClient::GetBranch(v1::Branch* out) const {
  v1::GetBranchRequest request;
  request.set_branch_id(branch_id_);
  v1::GetBranchResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::GetBranch, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_branch());
  return status;
}

grpc::Status KioskClient::ReportDeviceStatus(v1::PrinterState state, std::string_view detail,
                                             v1::Device* out) const {
  v1::ReportDeviceStatusRequest request;
  request.set_branch_id(branch_id_);
  request.set_printer_state(state);
  request.set_detail(std::string(detail));
  v1::ReportDeviceStatusResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::ReportDeviceStatus, request, &response);
  if (status.ok() && out != nullptr) *out = std::move(*response.mutable_device());
  return status;
}

grpc::Status KioskClient::ListServices(std::vector<v1::Service>* out) const {
  std::vector<v1::Service> services;
  v1::ListServicesRequest request;
  request.set_branch_id(branch_id_);
  do {
    v1::ListServicesResponse response;
    grpc::Status status =
        client::UnaryWithRetry(options_, *stub_, &Stub::ListServices, request, &response);
    if (!status.ok()) return status;
    for (v1::Service& service : *response.mutable_services()) {
      services.push_back(std::move(service));
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  *out = std::move(services);
  return grpc::Status::OK;
}

grpc::Status KioskClient::TakeTicket(std::string_view prefix, v1::Language language,
                                     v1::PriorityClass priority,
                                     v1::CreateTicketResponse* out,
                                     std::string_view notify_phone) const {
  v1::CreateTicketRequest request;
  request.set_branch_id(branch_id_);
  request.set_service_prefix(std::string(prefix));
  request.set_language(language);
  request.set_priority_class(priority);
  request.set_notify_phone(std::string(notify_phone));
  request.set_request_id(client::NewRequestId());  // one id for every retry
  v1::CreateTicketResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::CreateTicket, request, &response);
  if (status.ok()) *out = std::move(response);
  return status;
}

grpc::Status KioskClient::CheckInBooking(std::string_view code, CheckIn* out) const {
  v1::CheckInBookingRequest request;
  request.set_branch_id(branch_id_);
  request.set_code(std::string(code));
  v1::CheckInBookingResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::CheckInBooking, request, &response);
  if (!status.ok()) return status;
  CheckIn check_in;
  *check_in.issued.mutable_ticket() = std::move(*response.mutable_ticket());
  check_in.issued.set_status_url(response.status_url());
  check_in.late = response.late();
  check_in.slot_start = response.start_time();
  // Best effort: the slip's branch name, time zone and service names.
  v1::Branch branch;
  if (GetBranch(&branch).ok()) *check_in.issued.mutable_branch() = std::move(branch);
  std::vector<v1::Service> services;
  if (ListServices(&services).ok()) {
    for (v1::Service& service : services) {
      if (service.prefix() == check_in.issued.ticket().service_prefix()) {
        *check_in.issued.mutable_service() = std::move(service);
        break;
      }
    }
  }
  if (check_in.issued.service().prefix().empty()) {
    check_in.issued.mutable_service()->set_prefix(check_in.issued.ticket().service_prefix());
  }
  *out = std::move(check_in);
  return grpc::Status::OK;
}

grpc::Status KioskClient::GetTicket(const client::TicketRef& ticket, v1::Ticket* out) const {
  v1::GetTicketRequest request;
  request.set_branch_id(branch_id_);
  request.set_ticket_id(ticket.id);
  request.set_ticket_number(ticket.number);
  v1::GetTicketResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::GetTicket, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_ticket());
  return status;
}

}  // namespace shop::queue::kiosk
