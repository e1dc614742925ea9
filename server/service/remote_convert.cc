#include "server/service/remote_convert.h"

#include "server/service/convert.h"

namespace shop::queue::service {

std::string ReasonFromProto(pb::ReplacementReason r) {
  if (r == pb::REPLACEMENT_REASON_UNSPECIFIED) return "";
  if (r >= pb::REPLACEMENT_REASON_LOST && r <= pb::REPLACEMENT_REASON_FORMAT_CHANGE)
    return ReasonName(static_cast<ReplacementReason>(static_cast<int>(r)));
  return std::to_string(static_cast<int>(r));
}

std::string DocumentFromProto(pb::DocumentType t) {
  if (t == pb::DOCUMENT_TYPE_UNSPECIFIED) return "";
  if (t >= pb::DOCUMENT_TYPE_RU_PASSPORT && t <= pb::DOCUMENT_TYPE_RESIDENCE_PERMIT)
    return DocumentTypeName(static_cast<DocumentType>(static_cast<int>(t)));
  return std::to_string(static_cast<int>(t));
}

std::string DeliveryFromProto(pb::Delivery d) {
  switch (d) {
    case pb::DELIVERY_UNSPECIFIED: return "";
    case pb::DELIVERY_POST: return DeliveryName(Delivery::kPost);
    case pb::DELIVERY_PICKUP: return DeliveryName(Delivery::kPickup);
    default: return std::to_string(static_cast<int>(d));
  }
}

std::string LanguageFromProto(pb::Language l) {
  switch (l) {
    case pb::LANGUAGE_UNSPECIFIED: return "";
    case pb::LANGUAGE_RU: return "ru";
    case pb::LANGUAGE_EN: return "en";
    case pb::LANGUAGE_ZH: return "zh";
    default: return std::to_string(static_cast<int>(l));
  }
}

pb::Delivery DeliveryToProto(Delivery d) {
  return d == Delivery::kPickup ? pb::DELIVERY_PICKUP : pb::DELIVERY_POST;
}

pb::ApplicationState StateToProto(CaseState s) {
  switch (s) {
    case CaseState::kAwaitingReview: return pb::APPLICATION_STATE_AWAITING_REVIEW;
    case CaseState::kAwaitingDispatch: return pb::APPLICATION_STATE_AWAITING_DISPATCH;
    case CaseState::kAwaitingActivation: return pb::APPLICATION_STATE_AWAITING_ACTIVATION;
    case CaseState::kAwaitingPickup: return pb::APPLICATION_STATE_AWAITING_PICKUP;
    case CaseState::kClosed: return pb::APPLICATION_STATE_CLOSED;
    case CaseState::kCancelled: return pb::APPLICATION_STATE_CANCELLED;
    default: return pb::APPLICATION_STATE_UNSPECIFIED;  // a counter case's
  }
}

pb::ApplicationState StateToProto(const std::string& name) {
  for (CaseState s : {CaseState::kAwaitingReview, CaseState::kAwaitingDispatch,
                      CaseState::kAwaitingActivation, CaseState::kAwaitingPickup,
                      CaseState::kClosed, CaseState::kCancelled})
    if (name == CaseStateName(s)) return StateToProto(s);
  return pb::APPLICATION_STATE_UNSPECIFIED;
}

void StatusToProto(const ApplicationStatus& s, const ServerConfig& config,
                   pb::ApplicationStatus* out) {
  out->set_state(StateToProto(s.state));
  out->set_delivery(DeliveryToProto(s.delivery));
  out->set_pickup_branch_id(s.pickup_branch_id);
  out->set_phone_masked(s.phone_masked);
  ToProto(s.applied, out->mutable_apply_time());
  if (s.expires != absl::InfiniteFuture()) ToProto(s.expires, out->mutable_expire_time());
  for (const PublicStep& p : s.steps) {
    auto* step = out->add_steps();
    step->set_step(p.step);
    step->set_outcome(p.outcome);
    step->set_detail(p.detail);
    ToProto(p.time, step->mutable_time());
  }
  out->set_question(s.question);
  if (const BranchConfig* b = config.FindBranch(s.branch_id))
    out->set_time_zone(b->time_zone_name);
}

}  // namespace shop::queue::service
