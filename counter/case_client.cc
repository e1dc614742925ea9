#include "counter/case_client.h"

#include <chrono>
#include <utility>

namespace shop::queue::counter {
namespace {

void SetSupervisor(const SupervisorCredentials& from, v1::SupervisorConfirmation* to) {
  to->set_login(from.login);
  to->set_password(from.password);
}

}  // namespace

CaseClient::CaseClient(std::shared_ptr<grpc::ChannelInterface> channel, std::string branch_id,
                       std::string counter_id, client::CallOptions options)
    : CaseClient(v1::CaseService::NewStub(channel), std::move(branch_id), std::move(counter_id),
                 std::move(options)) {}

CaseClient::CaseClient(std::unique_ptr<v1::CaseService::StubInterface> stub,
                       std::string branch_id, std::string counter_id,
                       client::CallOptions options)
    : stub_(std::move(stub)),
      branch_id_(std::move(branch_id)),
      counter_id_(std::move(counter_id)),
      options_(std::move(options)) {}

template <typename Request, typename Response>
grpc::Status CaseClient::SendOnce(
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request, Response* response) const {
  return client::CallOnce(options_, [&](grpc::ClientContext* context) {
    return ((*stub_).*method)(context, request, response);
  });
}

grpc::Status CaseClient::Open(int64_t ticket_id, v1::Case* out) const {
  v1::OpenCaseRequest request;
  request.set_branch_id(branch_id_);
  request.set_counter_id(counter_id_);
  request.set_ticket_id(ticket_id);
  v1::OpenCaseResponse response;
  grpc::Status status = SendOnce(&Stub::OpenCase, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_sim_case());
  return status;
}

grpc::Status CaseClient::Get(int64_t case_id, v1::Case* out) const {
  v1::GetCaseRequest request;
  request.set_branch_id(branch_id_);
  request.set_case_id(case_id);
  v1::GetCaseResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::GetCase, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_sim_case());
  return status;
}

grpc::Status CaseClient::GetByTicket(int64_t ticket_id, v1::Case* out) const {
  v1::GetCaseRequest request;
  request.set_branch_id(branch_id_);
  request.set_ticket_id(ticket_id);
  v1::GetCaseResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *stub_, &Stub::GetCase, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_sim_case());
  return status;
}

grpc::Status CaseClient::SubmitForm(int64_t case_id, const v1::CaseForm& form,
                                    v1::Case* out) const {
  v1::SubmitCaseFormRequest request;
  request.set_branch_id(branch_id_);
  request.set_case_id(case_id);
  *request.mutable_form() = form;
  v1::SubmitCaseFormResponse response;
  grpc::Status status = SendOnce(&Stub::SubmitCaseForm, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_sim_case());
  return status;
}

grpc::Status CaseClient::CheckIdentity(int64_t case_id, const IdentityCheck& check,
                                       v1::CheckIdentityResponse* out) const {
  v1::CheckIdentityRequest request;
  request.set_branch_id(branch_id_);
  request.set_case_id(case_id);
  request.set_document_type(check.document_type);
  request.set_document_number(check.document_number);
  request.set_face_matches(check.face_matches);
  request.set_answer(check.answer);
  v1::CheckIdentityResponse response;
  grpc::Status status = SendOnce(&Stub::CheckIdentity, request, &response);
  if (status.ok()) *out = std::move(response);
  return status;
}

grpc::Status CaseClient::Pay(int64_t case_id, v1::PaymentMethod method, v1::Case* out) const {
  v1::RecordPaymentRequest request;
  request.set_branch_id(branch_id_);
  request.set_case_id(case_id);
  request.set_method(method);
  v1::RecordPaymentResponse response;
  grpc::Status status = SendOnce(&Stub::RecordPayment, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_sim_case());
  return status;
}

grpc::Status CaseClient::WaiveFee(int64_t case_id, std::string_view reason,
                                  const SupervisorCredentials& supervisor, v1::Case* out) const {
  v1::WaiveFeeRequest request;
  request.set_branch_id(branch_id_);
  request.set_case_id(case_id);
  request.set_reason(std::string(reason));
  SetSupervisor(supervisor, request.mutable_supervisor());
  v1::WaiveFeeResponse response;
  grpc::Status status = SendOnce(&Stub::WaiveFee, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_sim_case());
  return status;
}

grpc::Status CaseClient::IssueCard(int64_t case_id, std::string_view iccid,
                                   v1::Case* out) const {
  v1::IssueCardRequest request;
  request.set_branch_id(branch_id_);
  request.set_case_id(case_id);
  request.set_iccid(std::string(iccid));
  v1::IssueCardResponse response;
  grpc::Status status = SendOnce(&Stub::IssueCard, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_sim_case());
  return status;
}

grpc::Status CaseClient::BlockOldCard(int64_t case_id, v1::Case* out) const {
  v1::BlockOldCardRequest request;
  request.set_branch_id(branch_id_);
  request.set_case_id(case_id);
  v1::BlockOldCardResponse response;
  grpc::Status status = SendOnce(&Stub::BlockOldCard, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_sim_case());
  return status;
}

grpc::Status CaseClient::Close(int64_t case_id, v1::CloseCaseResponse* out) const {
  v1::CloseCaseRequest request;
  request.set_branch_id(branch_id_);
  request.set_case_id(case_id);
  v1::CloseCaseResponse response;
  grpc::Status status = SendOnce(&Stub::CloseCase, request, &response);
  if (status.ok()) *out = std::move(response);
  return status;
}

grpc::Status CaseClient::Cancel(int64_t case_id, std::string_view reason,
                                const std::optional<SupervisorCredentials>& supervisor,
                                v1::Case* out) const {
  v1::CancelCaseRequest request;
  request.set_branch_id(branch_id_);
  request.set_case_id(case_id);
  request.set_reason(std::string(reason));
  if (supervisor) SetSupervisor(*supervisor, request.mutable_supervisor());
  v1::CancelCaseResponse response;
  grpc::Status status = SendOnce(&Stub::CancelCase, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_sim_case());
  return status;
}

grpc::Status CaseClient::UnlockNumber(std::string_view phone, std::string_view reason,
                                      const SupervisorCredentials& supervisor) const {
  v1::UnlockNumberRequest request;
  request.set_branch_id(branch_id_);
  request.set_phone(std::string(phone));
  request.set_reason(std::string(reason));
  SetSupervisor(supervisor, request.mutable_supervisor());
  v1::UnlockNumberResponse response;
  return SendOnce(&Stub::UnlockNumber, request, &response);
}

}  // namespace shop::queue::counter
