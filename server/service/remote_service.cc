// RemoteService: the remote route of a SIM replacement over gRPC. The
// applicant's calls run RemotePublicCalls (the same code as the JSON API)
// after the per-address limit; the staff's convert requests, call
// RemoteManager and convert the answers back. All inside GuardAs
// (authorisation, request bounds, no exceptions out). No rules here: the
// manager checks every field, state and role.
//
// What never leaves through here: the applicant's reference after the
// first answer, the case id to the applicant, the activation code after
// DispatchCard's answer, and unmasked contact data. None of them is logged.
#include <string>

#include <spdlog/spdlog.h>

#include "server/domain/common/personal_data.h"
#include "server/domain/queue/queue_manager.h"
#include "server/service/convert.h"
#include "server/service/remote_convert.h"
#include "server/service/errors.h"
#include "server/service/services.h"

namespace shop::queue::service {
namespace {

std::string Method(const char* name) {
  return std::string("/shop.queue.v1.RemoteService/") + name;
}

std::string RejectReasonFromProto(pb::RejectReason r) {
  switch (r) {
    case pb::REJECT_REASON_PHOTO_UNREADABLE: return "photo_unreadable";
    case pb::REJECT_REASON_DOCUMENT_MISMATCH: return "document_mismatch";
    case pb::REJECT_REASON_FACE_MISMATCH: return "face_mismatch";
    case pb::REJECT_REASON_DOCUMENT_INVALID: return "document_invalid";
    case pb::REJECT_REASON_SUSPECTED_FRAUD: return "suspected_fraud";
    case pb::REJECT_REASON_INCOMPLETE: return "incomplete";
    default: return "";  // the manager names reason with the list
  }
}

std::string CancelReasonFromProto(pb::CancelReason r) {
  switch (r) {
    case pb::CANCEL_REASON_ENVELOPE_LOST: return "envelope_lost";
    case pb::CANCEL_REASON_SUSPECTED_FRAUD: return "suspected_fraud";
    case pb::CANCEL_REASON_CUSTOMER_REQUEST: return "customer_request";
    case pb::CANCEL_REASON_CARD_FAULTY: return "card_faulty";
    default: return "";  // the manager names reason with the list
  }
}

Result<CaseState> StateFromProto(pb::ApplicationState s) {
  switch (s) {
    case pb::APPLICATION_STATE_UNSPECIFIED:
    case pb::APPLICATION_STATE_AWAITING_REVIEW: return CaseState::kAwaitingReview;
    case pb::APPLICATION_STATE_AWAITING_DISPATCH: return CaseState::kAwaitingDispatch;
    case pb::APPLICATION_STATE_AWAITING_ACTIVATION: return CaseState::kAwaitingActivation;
    case pb::APPLICATION_STATE_AWAITING_PICKUP: return CaseState::kAwaitingPickup;
    default:
      return Status::InvalidArgument(
          "state", "state must be one of the unfinished ones: APPLICATION_STATE_AWAITING_REVIEW, "
                   "_AWAITING_DISPATCH, _AWAITING_ACTIVATION or _AWAITING_PICKUP");
  }
}

// "a,b" -> ["a", "b"]; "" -> [].
void SplitFactors(const std::string& factors,
                  google::protobuf::RepeatedPtrField<std::string>* out) {
  size_t start = 0;
  while (start < factors.size()) {
    size_t end = factors.find(',', start);
    if (end == std::string::npos) end = factors.size();
    if (end > start) out->Add(factors.substr(start, end - start));
    start = end + 1;
  }
}

void ApplicationToProto(const SimCase& c, const std::vector<CaseRecord>& records,
                        const ServerConfig& config, pb::Application* out) {
  out->set_case_id(c.case_id);
  out->set_branch_id(c.branch_id);
  out->set_state(StateToProto(c.state));
  ToProto(c.opened, out->mutable_apply_time());
  if (c.finished != absl::InfinitePast()) ToProto(c.finished, out->mutable_finish_time());
  if (c.form) {
    const CaseForm& f = *c.form;
    out->set_phone_masked(MaskPhone(f.phone));
    out->set_operator_id(f.operator_id);
    out->set_reason(static_cast<pb::ReplacementReason>(static_cast<int>(f.reason)));
    out->set_full_name(f.full_name);
    out->set_document_type(static_cast<pb::DocumentType>(static_cast<int>(f.document_type)));
    out->set_document_last4(f.document_last4);
  }
  if (c.remote) {
    const RemoteDetails& r = *c.remote;
    if (r.expires != absl::InfiniteFuture()) ToProto(r.expires, out->mutable_expire_time());
    out->set_delivery(DeliveryToProto(r.delivery));
    out->set_pickup_branch_id(r.pickup_branch_id);
    out->set_language(ToProto(r.language));
    out->set_risk_score(r.risk_score);
    SplitFactors(r.risk_factors, out->mutable_risk_factors());
    if (c.state == CaseState::kAwaitingReview) out->set_first_approver(r.first_approver);
    out->set_reviewer(r.reviewer);
    out->set_reject_reason(r.decision_reason);
    out->set_tracking_number(r.tracking_number);
  }
  if (!c.new_iccid.empty()) out->set_new_iccid_last4(LastFour(c.new_iccid));
  out->set_erased(c.erased);
  for (const CaseRecord& r : records) {
    auto* p = out->add_records();
    p->set_seq(r.seq);
    ToProto(r.time, p->mutable_time());
    p->set_step(r.step);
    p->set_outcome(r.outcome);
    p->set_actor(r.actor);
    p->set_supervisor(r.supervisor);
    p->set_detail(r.detail);
  }
  if (const BranchConfig* b = config.FindBranch(c.branch_id))
    out->set_time_zone(b->time_zone_name);
}

Status Fill(const ServerConfig& config, const Result<ReviewView>& v, pb::Application* out) {
  if (!v.ok()) return v.status();
  ApplicationToProto(v->c, v->records, config, out);
  return Status::Ok();
}

void ViewToProto(const ReviewView& v, pb::GetApplicationResponse* out) {
  for (const StoredPhotoView& p : v.photos) {
    auto* photo = out->add_photos();
    photo->set_kind(p.kind == kDocumentPhoto  ? pb::PHOTO_KIND_DOCUMENT
                    : p.kind == kSelfiePhoto ? pb::PHOTO_KIND_SELFIE
                                             : pb::PHOTO_KIND_UNSPECIFIED);
    photo->set_mime_type(ImageMime(p.type));
    photo->set_content(p.bytes);
    photo->set_unreadable(!p.readable);
  }
  if (!v.holder) return;
  const Subscriber& s = *v.holder;
  auto* h = out->mutable_holder();
  h->set_full_name(s.holder_name);
  h->set_document_type(static_cast<pb::DocumentType>(static_cast<int>(s.document_type)));
  h->set_document_last4(s.document_last4);
  h->set_document_matches(v.c.remote && v.c.remote->document_matches);
  h->set_address(v.address_on_record);
  h->set_contact_masked(s.contact.empty() ? "" : MaskContact(s.contact));
  if (s.last_sim_change != absl::InfinitePast())
    ToProto(s.last_sim_change, h->mutable_last_sim_change_time());
  if (s.contact_changed != absl::InfinitePast())
    ToProto(s.contact_changed, h->mutable_contact_change_time());
}

}  // namespace

grpc::Status RemoteServiceImpl::Limited(grpc::ServerContext* ctx,
                                        const google::protobuf::Message& request,
                                        const char* method,
                                        const std::function<Status()>& body) {
  return GuardLimited(entry_, limiter_, ctx, request, Method(method), body);
}

grpc::Status RemoteServiceImpl::ApplyForReplacement(grpc::ServerContext* ctx,
                                                    const pb::ApplyForReplacementRequest* req,
                                                    pb::ApplyForReplacementResponse* resp) {
  return Limited(ctx, *req, "ApplyForReplacement",
                 [&] { return calls_.ApplyForReplacement(*req, resp); });
}

grpc::Status RemoteServiceImpl::GetApplicationStatus(grpc::ServerContext* ctx,
                                                     const pb::GetApplicationStatusRequest* req,
                                                     pb::GetApplicationStatusResponse* resp) {
  return Limited(ctx, *req, "GetApplicationStatus",
                 [&] { return calls_.GetApplicationStatus(*req, resp); });
}

grpc::Status RemoteServiceImpl::WithdrawApplication(grpc::ServerContext* ctx,
                                                    const pb::WithdrawApplicationRequest* req,
                                                    pb::WithdrawApplicationResponse* resp) {
  return Limited(ctx, *req, "WithdrawApplication",
                 [&] { return calls_.WithdrawApplication(*req, resp); });
}

grpc::Status RemoteServiceImpl::ActivateCard(grpc::ServerContext* ctx,
                                             const pb::ActivateCardRequest* req,
                                             pb::ActivateCardResponse* resp) {
  return Limited(ctx, *req, "ActivateCard", [&] { return calls_.ActivateCard(*req, resp); });
}

grpc::Status RemoteServiceImpl::ListOperators(grpc::ServerContext* ctx,
                                              const pb::ListOperatorsRequest* req,
                                              pb::ListOperatorsResponse* resp) {
  return Limited(ctx, *req, "ListOperators", [&] { return calls_.ListOperators(*req, resp); });
}

grpc::Status RemoteServiceImpl::ListApplications(grpc::ServerContext* ctx,
                                                 const pb::ListApplicationsRequest* req,
                                                 pb::ListApplicationsResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("ListApplications"),
                 [&](const Principal* who) -> Status {
    auto state = StateFromProto(req->state());
    if (!state.ok()) return state.status();
    auto items = remote_.ReviewQueue(*state, req->page_size(), *who);
    if (!items.ok()) return items.status();
    for (const ReviewItem& i : *items) {
      auto* a = resp->add_applications();
      a->set_case_id(i.case_id);
      a->set_branch_id(i.branch_id);
      ToProto(i.applied, a->mutable_apply_time());
      a->set_phone_masked(i.phone_masked);
      a->set_operator_id(i.operator_id);
      if (auto r = ParseReason(i.reason))
        a->set_reason(static_cast<pb::ReplacementReason>(static_cast<int>(*r)));
      a->set_risk_score(i.risk_score);
      SplitFactors(i.risk_factors, a->mutable_risk_factors());
      a->set_first_approver(i.first_approver);
      if (const BranchConfig* b = config_.FindBranch(i.branch_id))
        a->set_time_zone(b->time_zone_name);
    }
    return Status::Ok();
  });
}

grpc::Status RemoteServiceImpl::GetApplication(grpc::ServerContext* ctx,
                                               const pb::GetApplicationRequest* req,
                                               pb::GetApplicationResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("GetApplication"), [&](const Principal* who) -> Status {
    auto v = remote_.Get(req->case_id(), *who);
    QUEUE_RETURN_IF_ERROR(Fill(config_, v, resp->mutable_application()));
    ViewToProto(*v, resp);
    return Status::Ok();
  });
}

grpc::Status RemoteServiceImpl::ApproveApplication(grpc::ServerContext* ctx,
                                                   const pb::ApproveApplicationRequest* req,
                                                   pb::ApproveApplicationResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("ApproveApplication"), [&](const Principal* who) {
    auto v = remote_.Approve(req->case_id(), *who);
    if (v.ok())
      spdlog::info("remote application {}: {} by {}", req->case_id(),
                   v->c.state == CaseState::kAwaitingReview ? "first approval" : "approved",
                   who->id);
    return Fill(config_, v, resp->mutable_application());
  });
}

grpc::Status RemoteServiceImpl::RejectApplication(grpc::ServerContext* ctx,
                                                  const pb::RejectApplicationRequest* req,
                                                  pb::RejectApplicationResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("RejectApplication"), [&](const Principal* who) {
    auto v = remote_.Reject(req->case_id(), RejectReasonFromProto(req->reason()), *who);
    if (v.ok()) spdlog::info("remote application {}: rejected by {}", req->case_id(), who->id);
    return Fill(config_, v, resp->mutable_application());
  });
}

grpc::Status RemoteServiceImpl::DispatchCard(grpc::ServerContext* ctx,
                                             const pb::DispatchCardRequest* req,
                                             pb::DispatchCardResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("DispatchCard"), [&](const Principal* who) -> Status {
    auto d = remote_.Dispatch(req->case_id(), DispatchInput{req->iccid(), req->tracking_number()},
                              *who);
    if (!d.ok()) return d.status();
    spdlog::info("remote application {}: card dispatched by {}", req->case_id(), who->id);
    resp->set_activation_code(d->activation_code);
    resp->set_tracking_number(d->tracking_number);
    resp->set_question(d->question);
    return Status::Ok();
  });
}

grpc::Status RemoteServiceImpl::CancelApplication(grpc::ServerContext* ctx,
                                                  const pb::CancelApplicationRequest* req,
                                                  pb::CancelApplicationResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("CancelApplication"), [&](const Principal* who) {
    auto v = remote_.Cancel(req->case_id(), CancelReasonFromProto(req->reason()), *who);
    if (v.ok()) spdlog::info("remote application {}: cancelled by {}", req->case_id(), who->id);
    return Fill(config_, v, resp->mutable_application());
  });
}

grpc::Status RemoteServiceImpl::HandOverCard(grpc::ServerContext* ctx,
                                             const pb::HandOverCardRequest* req,
                                             pb::HandOverCardResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("HandOverCard"), [&](const Principal* who) -> Status {
    IdentityInput in;
    in.document_type = DocumentFromProto(req->document_type());
    in.document_number = req->document_number();
    in.face_matches = req->face_matches();
    in.answer = req->answer();
    auto o = remote_.HandOver(req->case_id(), in, *who);
    if (!o.ok()) return o.status();
    resp->set_activated(o->activated);
    resp->set_attempts_left(o->attempts_left);
    resp->set_locked(o->locked);
    resp->set_state(StateToProto(o->state));
    return Status::Ok();
  });
}

grpc::Status RemoteServiceImpl::ListPickups(grpc::ServerContext* ctx,
                                            const pb::ListPickupsRequest* req,
                                            pb::ListPickupsResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("ListPickups"), [&](const Principal* who) -> Status {
    auto items = remote_.Pickups(req->branch_id(), req->phone(), req->page_size(), *who);
    if (!items.ok()) return items.status();
    for (const PickupItem& i : *items) {
      auto* p = resp->add_pickups();
      p->set_case_id(i.case_id);
      p->set_phone_masked(i.phone_masked);
      p->set_operator_id(i.operator_id);
      p->set_document_type(static_cast<pb::DocumentType>(static_cast<int>(i.document_type)));
      p->set_new_iccid_last4(i.iccid_last4);
      ToProto(i.applied, p->mutable_apply_time());
      if (i.expires != absl::InfiniteFuture()) ToProto(i.expires, p->mutable_expire_time());
      p->set_question(i.question);
    }
    if (const BranchConfig* b = config_.FindBranch(req->branch_id()))
      resp->set_time_zone(b->time_zone_name);
    return Status::Ok();
  });
}

}  // namespace shop::queue::service
