// CaseService: the SIM-replacement case over gRPC. Converts requests, calls
// CaseManager inside GuardAs (authorisation, no exceptions out) and returns
// the case with personal data masked. No rules here.
#include <string>

#include <spdlog/spdlog.h>

#include "server/service/convert.h"
#include "server/service/errors.h"
#include "server/service/services.h"

namespace shop::queue::service {
namespace {

std::string Method(const char* name) { return std::string("/shop.queue.v1.CaseService/") + name; }

pb::PaymentMethod PaymentToProto(PaymentMethod m) {
  switch (m) {
    case PaymentMethod::kCash: return pb::PAYMENT_METHOD_CASH;
    case PaymentMethod::kCard: return pb::PAYMENT_METHOD_CARD;
    case PaymentMethod::kWaived: return pb::PAYMENT_METHOD_WAIVED;
    case PaymentMethod::kNoFee: return pb::PAYMENT_METHOD_NO_FEE;
  }
  return pb::PAYMENT_METHOD_UNSPECIFIED;
}

void ToProto(const CaseView& v, const ServerConfig& config, pb::Case* out) {
  using service::ToProto;  // times, from convert.h
  const SimCase& c = v.c;
  if (const BranchConfig* b = config.FindBranch(c.branch_id)) {
    out->set_time_zone(b->time_zone_name);
    if (c.state == CaseState::kClosed || c.state == CaseState::kCancelled)
      out->set_summary(CaseManager::Summary(v, *b));
  }
  out->set_case_id(c.case_id);
  out->set_branch_id(c.branch_id);
  out->set_ticket_id(c.ticket_id);
  out->set_counter_id(c.counter_id);
  out->set_state(static_cast<pb::CaseState>(static_cast<int>(c.state)));
  ToProto(c.opened, out->mutable_open_time());
  if (c.finished != absl::InfinitePast()) ToProto(c.finished, out->mutable_finish_time());
  if (c.form) {
    const CaseForm& f = *c.form;
    out->set_phone_masked(MaskPhone(f.phone));
    out->set_operator_id(f.operator_id);
    out->set_reason(static_cast<pb::ReplacementReason>(static_cast<int>(f.reason)));
    out->set_full_name_masked(MaskName(f.full_name));
    out->set_document_type(static_cast<pb::DocumentType>(static_cast<int>(f.document_type)));
    out->set_document_last4(f.document_last4);
    out->set_contact_masked(MaskContact(f.contact));
  }
  out->set_question(v.question);
  out->set_identity_passed(c.identity_passed);
  out->set_fee_roubles(c.fee_roubles);
  if (c.payment) out->set_payment_method(PaymentToProto(*c.payment));
  out->set_receipt_number(c.receipt_number);
  out->set_new_iccid(c.new_iccid);
  out->set_refunded(c.refunded);
  out->set_erased(c.erased);
  for (const auto& r : v.records) {
    auto* p = out->add_records();
    p->set_seq(r.seq);
    ToProto(r.time, p->mutable_time());
    p->set_step(r.step);
    p->set_outcome(r.outcome);
    p->set_actor(r.actor);
    p->set_supervisor(r.supervisor);
    p->set_detail(r.detail);
  }
  if (v.account) {
    auto* a = out->mutable_account();
    a->set_holder_name_masked(v.account->holder_name_masked);
    a->set_operator_id(v.account->operator_id);
    a->set_active_iccid_last4(v.account->active_iccid_last4);
    if (v.account->last_sim_change != absl::InfinitePast())
      ToProto(v.account->last_sim_change, a->mutable_last_sim_change());
  }
  out->set_next_step(v.next_step);
  out->set_hint(v.hint);
}

Status Fill(const ServerConfig& config, const Result<CaseView>& v, pb::Case* out) {
  if (!v.ok()) return v.status();
  ToProto(*v, config, out);
  return Status::Ok();
}

std::string EnumName(int value, const char* const* names, int count) {
  return value > 0 && value < count ? names[value] : "";
}

SupervisorConfirm Confirm(const pb::SupervisorConfirmation& s) {
  return SupervisorConfirm{s.login(), s.password()};
}

const char* const kReasons[] = {"", "lost", "stolen", "damaged", "format_change"};
const char* const kDocuments[] = {"", "ru_passport", "foreign_passport", "residence_permit"};

}  // namespace

grpc::Status CaseServiceImpl::OpenCase(grpc::ServerContext* ctx, const pb::OpenCaseRequest* req,
                                       pb::OpenCaseResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("OpenCase"), [&](const Principal* who) {
    return Fill(config_, cases_.Open(req->branch_id(), req->counter_id(), req->ticket_id(), *who),
                resp->mutable_sim_case());
  });
}

grpc::Status CaseServiceImpl::GetCase(grpc::ServerContext* ctx, const pb::GetCaseRequest* req,
                                      pb::GetCaseResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("GetCase"), [&](const Principal* who) {
    if (req->case_id() == 0 && req->ticket_id() != 0)
      return Fill(config_, cases_.GetByTicket(req->branch_id(), req->ticket_id(), *who),
                  resp->mutable_sim_case());
    return Fill(config_, cases_.Get(req->branch_id(), req->case_id(), *who), resp->mutable_sim_case());
  });
}

grpc::Status CaseServiceImpl::SubmitCaseForm(grpc::ServerContext* ctx,
                                             const pb::SubmitCaseFormRequest* req,
                                             pb::SubmitCaseFormResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("SubmitCaseForm"), [&](const Principal* who) {
    const pb::CaseForm& f = req->form();
    CaseFormInput in;
    in.phone = f.phone();
    in.operator_id = f.operator_id();
    in.reason = EnumName(f.reason(), kReasons, 5);
    in.full_name = f.full_name();
    in.document_type = EnumName(f.document_type(), kDocuments, 4);
    in.document_number = f.document_number();
    in.contact = f.contact();
    in.consent = f.consent();
    auto v = cases_.SubmitForm(req->branch_id(), req->case_id(), in, *who);
    if (v.ok())
      spdlog::info("case {}: form accepted for {} by {}", req->case_id(), MaskPhone(v->c.form->phone),
                   who->id);
    return Fill(config_, v, resp->mutable_sim_case());
  });
}

grpc::Status CaseServiceImpl::CheckIdentity(grpc::ServerContext* ctx,
                                            const pb::CheckIdentityRequest* req,
                                            pb::CheckIdentityResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("CheckIdentity"), [&](const Principal* who) -> Status {
    IdentityInput in;
    in.document_type = EnumName(req->document_type(), kDocuments, 4);
    in.document_number = req->document_number();
    in.face_matches = req->face_matches();
    in.answer = req->answer();
    auto out = cases_.CheckIdentity(req->branch_id(), req->case_id(), in, *who);
    if (!out.ok()) return out.status();
    if (!out->passed)
      spdlog::warn("case {}: identity check failed at counter {} ({} attempts left{})",
                   req->case_id(), out->view.c.counter_id, out->attempts_left,
                   out->locked ? ", number now locked" : "");
    resp->set_passed(out->passed);
    resp->set_attempts_left(out->attempts_left);
    resp->set_locked(out->locked);
    ToProto(out->view, config_, resp->mutable_sim_case());
    return Status::Ok();
  });
}

grpc::Status CaseServiceImpl::RecordPayment(grpc::ServerContext* ctx,
                                            const pb::RecordPaymentRequest* req,
                                            pb::RecordPaymentResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("RecordPayment"), [&](const Principal* who) {
    PaymentInput in;
    if (req->method() == pb::PAYMENT_METHOD_CASH) in.method = "cash";
    if (req->method() == pb::PAYMENT_METHOD_CARD) in.method = "card";
    return Fill(config_, cases_.Pay(req->branch_id(), req->case_id(), in, *who), resp->mutable_sim_case());
  });
}

grpc::Status CaseServiceImpl::WaiveFee(grpc::ServerContext* ctx, const pb::WaiveFeeRequest* req,
                                       pb::WaiveFeeResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("WaiveFee"), [&](const Principal* who) {
    return Fill(config_, cases_.Waive(req->branch_id(), req->case_id(), req->reason(),
                             Confirm(req->supervisor()), *who),
                resp->mutable_sim_case());
  });
}

grpc::Status CaseServiceImpl::IssueCard(grpc::ServerContext* ctx, const pb::IssueCardRequest* req,
                                        pb::IssueCardResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("IssueCard"), [&](const Principal* who) {
    return Fill(config_, cases_.IssueCard(req->branch_id(), req->case_id(), req->iccid(), *who),
                resp->mutable_sim_case());
  });
}

grpc::Status CaseServiceImpl::BlockOldCard(grpc::ServerContext* ctx,
                                           const pb::BlockOldCardRequest* req,
                                           pb::BlockOldCardResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("BlockOldCard"), [&](const Principal* who) {
    auto v = cases_.BlockOldCard(req->branch_id(), req->case_id(), *who);
    if (v.ok())
      spdlog::info("case {}: SIM swapped for {}; notices queued", req->case_id(),
                   MaskPhone(v->c.form->phone));
    return Fill(config_, v, resp->mutable_sim_case());
  });
}

grpc::Status CaseServiceImpl::CloseCase(grpc::ServerContext* ctx, const pb::CloseCaseRequest* req,
                                        pb::CloseCaseResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("CloseCase"), [&](const Principal* who) -> Status {
    auto v = cases_.Close(req->branch_id(), req->case_id(), *who);
    if (!v.ok()) return v.status();
    ToProto(*v, config_, resp->mutable_sim_case());
    if (const BranchConfig* b = config_.FindBranch(req->branch_id()))
      resp->set_summary(CaseManager::Summary(*v, *b));
    return Status::Ok();
  });
}

grpc::Status CaseServiceImpl::CancelCase(grpc::ServerContext* ctx,
                                         const pb::CancelCaseRequest* req,
                                         pb::CancelCaseResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("CancelCase"), [&](const Principal* who) {
    std::optional<SupervisorConfirm> sup;
    if (req->has_supervisor()) sup = Confirm(req->supervisor());
    return Fill(config_, cases_.Cancel(req->branch_id(), req->case_id(), req->reason(), sup, *who),
                resp->mutable_sim_case());
  });
}

grpc::Status CaseServiceImpl::UnlockNumber(grpc::ServerContext* ctx,
                                           const pb::UnlockNumberRequest* req,
                                           pb::UnlockNumberResponse*) {
  return GuardAs(entry_, ctx, *req, Method("UnlockNumber"), [&](const Principal* who) -> Status {
    if (!config_.FindBranch(req->branch_id()))
      return Status::InvalidArgument("branch_id", "no branch " + Quoted(req->branch_id()));
    QUEUE_RETURN_IF_ERROR(
        cases_.Unlock(req->phone(), req->reason(), Confirm(req->supervisor()), *who));
    spdlog::info("number {} unlocked for SIM change by supervisor {} at {}'s request",
                 MaskPhone(NormalizeRuMobile(req->phone()).value_or(req->phone())),
                 req->supervisor().login(), who->id);
    return Status::Ok();
  });
}

}  // namespace shop::queue::service
