#include "server/service/remote_public_calls.h"

#include <spdlog/spdlog.h>

#include "server/service/convert.h"
#include "server/service/remote_convert.h"

namespace shop::queue::service {

Status RemotePublicCalls::ApplyForReplacement(const pb::ApplyForReplacementRequest& req,
                                              pb::ApplyForReplacementResponse* resp) {
  ApplicationInput in;
  in.request_id = req.request_id();
  in.phone = req.phone();
  in.operator_id = req.operator_id();
  in.reason = ReasonFromProto(req.reason());
  in.full_name = req.full_name();
  in.document_type = DocumentFromProto(req.document_type());
  in.document_number = req.document_number();
  in.document_photo = req.document_photo();
  in.selfie_photo = req.selfie_photo();
  in.delivery = DeliveryFromProto(req.delivery());
  in.pickup_branch_id = req.pickup_branch_id();
  in.language = LanguageFromProto(req.language());
  in.consent = req.consent();
  auto applied = remote_.Apply(in);
  if (!applied.ok()) return applied.status();
  spdlog::info("remote application {} received", applied->case_id);
  resp->set_reference(DisplayApplicationReference(applied->reference));
  // The application is in; its status is a courtesy. Failing to read it
  // must not lose the reference, which is shown only here.
  auto status = remote_.Lookup(applied->reference);
  if (status.ok()) {
    StatusToProto(*status, config_, resp->mutable_status());
  } else {
    spdlog::warn("remote application {}: status after applying: {}", applied->case_id,
                 status.status().ToString());
    resp->mutable_status()->set_state(pb::APPLICATION_STATE_AWAITING_REVIEW);
    ToProto(applied->expires, resp->mutable_status()->mutable_expire_time());
  }
  return Status::Ok();
}

Status RemotePublicCalls::GetApplicationStatus(const pb::GetApplicationStatusRequest& req,
                                               pb::GetApplicationStatusResponse* resp) {
  auto s = remote_.Lookup(req.reference());
  if (!s.ok()) return s.status();
  StatusToProto(*s, config_, resp->mutable_status());
  return Status::Ok();
}

Status RemotePublicCalls::WithdrawApplication(const pb::WithdrawApplicationRequest& req,
                                              pb::WithdrawApplicationResponse* resp) {
  auto s = remote_.Withdraw(req.reference());
  if (!s.ok()) return s.status();
  StatusToProto(*s, config_, resp->mutable_status());
  return Status::Ok();
}

Status RemotePublicCalls::ActivateCard(const pb::ActivateCardRequest& req,
                                       pb::ActivateCardResponse* resp) {
  auto o = remote_.Activate(req.reference(), req.activation_code(), req.answer());
  if (!o.ok()) return o.status();
  resp->set_activated(o->activated);
  resp->set_attempts_left(o->attempts_left);
  resp->set_locked(o->locked);
  resp->set_state(StateToProto(o->state));
  return Status::Ok();
}

Status RemotePublicCalls::ListOperators(const pb::ListOperatorsRequest&,
                                        pb::ListOperatorsResponse* resp) {
  for (const auto& [operator_id, fees] : config_.fees) resp->add_operator_ids(operator_id);
  return Status::Ok();
}

}  // namespace shop::queue::service
