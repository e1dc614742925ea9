#include <spdlog/spdlog.h>

#include "server/service/convert.h"
#include "server/service/errors.h"
#include "server/service/public_calls.h"
#include "server/service/services.h"

namespace shop::queue::service {
namespace {
constexpr const char* kPrefix = "/shop.queue.v1.KioskService/";
}

grpc::Status KioskServiceImpl::GetBranch(grpc::ServerContext* ctx,
                                         const pb::GetBranchRequest* req,
                                         pb::GetBranchResponse* resp) {
  return GuardAs(entry_, ctx, *req, std::string(kPrefix) + "GetBranch",
                 [&](const Principal* who) -> Status {
    QUEUE_RETURN_IF_ERROR(CheckBranch(who, req->branch_id()));
    auto b = manager_.GetBranch(req->branch_id());
    if (!b.ok()) return b.status();
    ToProto(**b, manager_.clock().Now(), resp->mutable_branch());
    resp->mutable_branch()->set_turn_near_sms(manager_.config().notify.SendsSms());
    return Status::Ok();
  });
}

grpc::Status KioskServiceImpl::ListServices(grpc::ServerContext* ctx,
                                            const pb::ListServicesRequest* req,
                                            pb::ListServicesResponse* resp) {
  return GuardAs(entry_, ctx, *req, std::string(kPrefix) + "ListServices",
                 [&](const Principal* who) -> Status {
    QUEUE_RETURN_IF_ERROR(CheckBranch(who, req->branch_id()));
    if (req->page_size() < 0)
      return Status::InvalidArgument("page_size", "page_size must not be negative");
    auto token = ParsePageToken(req->page_token());
    if (!token.ok()) return token.status();
    size_t offset = static_cast<size_t>(*token);
    auto services = manager_.ListServices(req->branch_id());
    if (!services.ok()) return services.status();
    size_t limit = req->page_size() == 0 ? 100 : static_cast<size_t>(req->page_size());
    size_t end = std::min(services->size(), offset + limit);
    for (size_t i = offset; i < end; ++i)
      ToProto((*services)[i], req->branch_id(), resp->add_services());
    if (end < services->size()) resp->set_next_page_token(std::to_string(end));
    return Status::Ok();
  });
}

grpc::Status KioskServiceImpl::CreateTicket(grpc::ServerContext* ctx,
                                            const pb::CreateTicketRequest* req,
                                            pb::CreateTicketResponse* resp) {
  return GuardAs(entry_, ctx, *req, std::string(kPrefix) + "CreateTicket",
                 [&](const Principal* who) -> Status {
    QUEUE_RETURN_IF_ERROR(CheckBranch(who, req->branch_id()));
    CreateTicketInput in;
    in.branch_id = req->branch_id();
    in.service_prefix = req->service_prefix();
    in.request_id = req->request_id();
    in.notify_phone = req->notify_phone();
    auto lang = FromProto(req->language());
    if (!lang.ok()) return lang.status();
    in.language = *lang;
    auto prio = FromProto(req->priority_class());
    if (!prio.ok()) return prio.status();
    in.priority = *prio;
    auto view = manager_.CreateTicket(in, who);
    if (!view.ok()) return view.status();
    ToProto(*view, manager_.config(), resp->mutable_ticket());
    resp->set_status_url(StatusUrl(manager_.config(), view->ticket.status_token));
    resp->set_turn_near_sms(view->turn_near_sms);
    // The ticket stands; the branch and service beside it are for the slip
    // and the screen: the service's names from the configuration, no counts
    // (they would cost the hot path of every kiosk four more reads; the
    // ticket carries its own position and wait, ListServices the counts).
    auto branch = manager_.GetBranch(in.branch_id);
    if (!branch.ok()) return Status::Ok();
    ToProto(**branch, manager_.clock().Now(), resp->mutable_branch());
    if (const ServiceConfig* s = (*branch)->FindService(view->ticket.service_prefix)) {
      ServiceView names_only;
      names_only.config = s;
      ToProto(names_only, in.branch_id, resp->mutable_service());
    }
    return Status::Ok();
  });
}

grpc::Status KioskServiceImpl::GetTicket(grpc::ServerContext* ctx,
                                         const pb::GetTicketRequest* req,
                                         pb::GetTicketResponse* resp) {
  return GuardAs(entry_, ctx, *req, std::string(kPrefix) + "GetTicket",
                 [&](const Principal* who) -> Status {
    QUEUE_RETURN_IF_ERROR(CheckBranch(who, req->branch_id()));
    auto id = manager_.ResolveTicket(req->branch_id(), req->ticket_id(), req->ticket_number());
    if (!id.ok()) return id.status();
    auto view = manager_.GetTicket(req->branch_id(), *id);
    if (!view.ok()) return view.status();
    ToProto(*view, manager_.config(), resp->mutable_ticket());
    return Status::Ok();
  });
}

grpc::Status KioskServiceImpl::ReportDeviceStatus(grpc::ServerContext* ctx,
                                                  const pb::ReportDeviceStatusRequest* req,
                                                  pb::ReportDeviceStatusResponse* resp) {
  return GuardAs(entry_, ctx, *req, std::string(kPrefix) + "ReportDeviceStatus",
                 [&](const Principal* who) -> Status {
    QUEUE_RETURN_IF_ERROR(CheckBranch(who, req->branch_id()));
    if (!who) return Status::Unauthenticated("a kiosk reports with its device token");
    auto state = FromProto(req->printer_state());
    if (!state.ok()) return state.status();
    auto report = devices_.Report(*who, req->branch_id(), *state, req->detail());
    if (!report.ok()) return report.status();
    if (report->changed())
      spdlog::info("device {}/{}: printer {} (was {})", report->status.branch_id,
                   report->status.device_id, PrinterStateName(report->status.printer_state),
                   report->before ? PrinterStateName(*report->before) : "not reported");
    ToProto(report->status, resp->mutable_device());
    return Status::Ok();
  });
}

}  // namespace shop::queue::service
