#include "counter/remote_client.h"

#include <algorithm>
#include <utility>

#include "shop/queue/v1/booking_service.grpc.pb.h"

namespace shop::queue::counter {

RemoteClient::RemoteClient(std::shared_ptr<grpc::ChannelInterface> channel,
                           client::CallOptions options)
    : RemoteClient(v1::RemoteService::NewStub(channel), std::move(options)) {}

RemoteClient::RemoteClient(std::unique_ptr<v1::RemoteService::StubInterface> stub,
                           client::CallOptions options)
    : stub_(std::move(stub)), options_(std::move(options)) {}

template <typename Request, typename Response>
grpc::Status RemoteClient::SendOnce(
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request, Response* response) const {
  return client::CallOnce(options_, [&](grpc::ClientContext* context) {
    return ((*stub_).*method)(context, request, response);
  });
}

grpc::Status RemoteClient::List(v1::ApplicationState state, int page_size,
                                std::vector<v1::ApplicationSummary>* out) const {
  v1::ListApplicationsRequest request;
  request.set_state(state);
  request.set_page_size(page_size);
  v1::ListApplicationsResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::ListApplications, request, &response);
  if (status.ok()) {
    out->assign(std::make_move_iterator(response.mutable_applications()->begin()),
                std::make_move_iterator(response.mutable_applications()->end()));
  }
  return status;
}

grpc::Status RemoteClient::Get(int64_t case_id, v1::GetApplicationResponse* out) const {
  v1::GetApplicationRequest request;
  request.set_case_id(case_id);
  client::CallOptions options = options_;
  options.deadline = std::max(options.deadline, kPhotoDeadline);
  v1::GetApplicationResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options, *stub_, &Stub::GetApplication, request, &response);
  if (status.ok()) *out = std::move(response);
  return status;
}

grpc::Status RemoteClient::Approve(int64_t case_id, v1::Application* out) const {
  v1::ApproveApplicationRequest request;
  request.set_case_id(case_id);
  v1::ApproveApplicationResponse response;
  grpc::Status status = SendOnce(&Stub::ApproveApplication, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_application());
  return status;
}

grpc::Status RemoteClient::Reject(int64_t case_id, v1::RejectReason reason,
                                  v1::Application* out) const {
  v1::RejectApplicationRequest request;
  request.set_case_id(case_id);
  request.set_reason(reason);
  v1::RejectApplicationResponse response;
  grpc::Status status = SendOnce(&Stub::RejectApplication, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_application());
  return status;
}

grpc::Status RemoteClient::Dispatch(int64_t case_id, std::string_view iccid,
                                    std::string_view tracking_number,
                                    v1::DispatchCardResponse* out) const {
  v1::DispatchCardRequest request;
  request.set_case_id(case_id);
  request.set_iccid(std::string(iccid));
  request.set_tracking_number(std::string(tracking_number));
  v1::DispatchCardResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::DispatchCard, request, &response);
  if (status.ok()) *out = std::move(response);
  return status;
}

grpc::Status RemoteClient::Cancel(int64_t case_id, v1::CancelReason reason,
                                  v1::Application* out) const {
  v1::CancelApplicationRequest request;
  request.set_case_id(case_id);
  request.set_reason(reason);
  v1::CancelApplicationResponse response;
  grpc::Status status = SendOnce(&Stub::CancelApplication, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_application());
  return status;
}

grpc::Status RemoteClient::Pickups(std::string_view branch_id, std::string_view phone,
                                   v1::ListPickupsResponse* out) const {
  v1::ListPickupsRequest request;
  request.set_branch_id(std::string(branch_id));
  request.set_phone(std::string(phone));
  v1::ListPickupsResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::ListPickups, request, &response);
  if (status.ok()) *out = std::move(response);
  return status;
}

grpc::Status RemoteClient::HandOver(int64_t case_id, const IdentityCheck& check,
                                    v1::HandOverCardResponse* out) const {
  v1::HandOverCardRequest request;
  request.set_case_id(case_id);
  request.set_document_type(check.document_type);
  request.set_document_number(check.document_number);
  request.set_face_matches(check.face_matches);
  request.set_answer(check.answer);
  v1::HandOverCardResponse response;
  grpc::Status status = SendOnce(&Stub::HandOverCard, request, &response);
  if (status.ok()) *out = std::move(response);
  return status;
}

std::string LookUpBranchZone(const std::shared_ptr<grpc::ChannelInterface>& channel,
                             const client::CallOptions& options, const std::string& branch_id) {
  auto stub = v1::BookingService::NewStub(channel);
  v1::ListBranchesResponse response;
  grpc::Status status = client::UnaryWithRetry(options, *stub, &v1::BookingService::Stub::ListBranches,
                                               v1::ListBranchesRequest(), &response);
  if (!status.ok()) return "";
  for (const v1::BookableBranch& b : response.branches())
    if (b.branch().branch_id() == branch_id) return b.branch().time_zone();
  return "";
}

}  // namespace shop::queue::counter
