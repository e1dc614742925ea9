#include <string>

#include "server/service/convert.h"
#include "server/service/errors.h"
#include "server/service/services.h"

namespace shop::queue::service {
namespace {

constexpr int kDefaultPage = 100;
constexpr int kMaxPage = 1000;

std::string Method(const char* name) {
  return std::string("/shop.queue.v1.CounterService/") + name;
}

Status FillCounter(const ServerConfig& config, const Result<CounterView>& c, pb::Counter* counter,
                   pb::Ticket* current) {
  if (!c.ok()) return c.status();
  ToProto(*c, counter);
  if (current && c->current) ToProto(*c->current, config, current);
  return Status::Ok();
}

// The ticket a request names, by id or by its printed number ("R017").
template <typename Req>
Result<int64_t> TicketOf(QueueManager& manager, const Req& req) {
  return manager.ResolveTicket(req.branch_id(), req.ticket_id(), req.ticket_number());
}

Status FillTicket(const ServerConfig& config, const Result<TicketView>& v, pb::Ticket* out) {
  if (!v.ok()) return v.status();
  ToProto(*v, config, out);
  return Status::Ok();
}

}  // namespace

grpc::Status CounterServiceImpl::GetCounter(grpc::ServerContext* ctx,
                                            const pb::GetCounterRequest* req,
                                            pb::GetCounterResponse* resp) {
  return Guard(entry_, ctx, *req, Method("GetCounter"), [&]() -> Status {
    Result<CounterView> view = manager_.GetCounter(req->branch_id(), req->counter_id());
    QUEUE_RETURN_IF_ERROR(FillCounter(manager_.config(), view, resp->mutable_counter(),
                                      resp->mutable_current_ticket()));
    for (const TicketEvent& t : view->current_transfers)
      ToProto(t, resp->add_current_ticket_transfers());
    if (const BranchConfig* b = manager_.config().FindBranch(req->branch_id()))
      resp->set_time_zone(b->time_zone_name);
    return Status::Ok();
  });
}

grpc::Status CounterServiceImpl::OpenCounter(grpc::ServerContext* ctx,
                                             const pb::OpenCounterRequest* req,
                                             pb::OpenCounterResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("OpenCounter"), [&](const Principal* who) {
    std::vector<std::string> services(req->service_prefixes().begin(),
                                      req->service_prefixes().end());
    return FillCounter(manager_.config(), manager_.OpenCounter(req->branch_id(), req->counter_id(), services, who),
                       resp->mutable_counter(), nullptr);
  });
}

grpc::Status CounterServiceImpl::CloseCounter(grpc::ServerContext* ctx,
                                              const pb::CloseCounterRequest* req,
                                              pb::CloseCounterResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("CloseCounter"), [&](const Principal* who) {
    return FillCounter(manager_.config(), manager_.CloseCounter(req->branch_id(), req->counter_id(), who),
                       resp->mutable_counter(), nullptr);
  });
}

grpc::Status CounterServiceImpl::ListTickets(grpc::ServerContext* ctx,
                                             const pb::ListTicketsRequest* req,
                                             pb::ListTicketsResponse* resp) {
  return Guard(entry_, ctx, *req, Method("ListTickets"), [&]() -> Status {
    if (req->page_size() < 0)
      return Status::InvalidArgument("page_size", "page_size must not be negative");
    int limit = req->page_size() == 0 ? kDefaultPage : std::min(req->page_size(), kMaxPage);
    auto after = ParsePageToken(req->page_token());
    if (!after.ok()) return after.status();
    auto state = FromProto(req->state());
    if (!state.ok()) return state.status();
    auto tickets = manager_.ListTickets(req->branch_id(), *state, *after, limit + 1);
    if (!tickets.ok()) return tickets.status();
    size_t n = std::min(tickets->size(), static_cast<size_t>(limit));
    for (size_t i = 0; i < n; ++i) ToProto((*tickets)[i], manager_.config(), resp->add_tickets());
    if (tickets->size() > n) resp->set_next_page_token(std::to_string((*tickets)[n - 1].id));
    return Status::Ok();
  });
}

grpc::Status CounterServiceImpl::CallNextTicket(grpc::ServerContext* ctx,
                                                const pb::CallNextTicketRequest* req,
                                                pb::CallNextTicketResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("CallNextTicket"), [&](const Principal* who) {
    return FillTicket(manager_.config(), manager_.CallNext(req->branch_id(), req->counter_id(), req->request_id(), who),
                      resp->mutable_ticket());
  });
}

grpc::Status CounterServiceImpl::CallTicket(grpc::ServerContext* ctx,
                                            const pb::CallTicketRequest* req,
                                            pb::CallTicketResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("CallTicket"), [&](const Principal* who) -> Status {
    auto id = TicketOf(manager_, *req);
    if (!id.ok()) return id.status();
    return FillTicket(manager_.config(), manager_.CallChosen(req->branch_id(), req->counter_id(), *id, who),
                      resp->mutable_ticket());
  });
}

template <typename Req>
grpc::Status CounterServiceImpl::ActOn(grpc::ServerContext* ctx, const char* method,
                                       const Req& req, CounterAction action, pb::Ticket* out) {
  return GuardAs(entry_, ctx, req, Method(method), [&](const Principal* who) -> Status {
    auto id = TicketOf(manager_, req);
    if (!id.ok()) return id.status();
    return FillTicket(manager_.config(), manager_.Act(req.branch_id(), req.counter_id(), *id, action, who), out);
  });
}

grpc::Status CounterServiceImpl::RecallTicket(grpc::ServerContext* ctx,
                                              const pb::RecallTicketRequest* req,
                                              pb::RecallTicketResponse* resp) {
  return ActOn(ctx, "RecallTicket", *req, CounterAction::kRecall, resp->mutable_ticket());
}

grpc::Status CounterServiceImpl::StartTicket(grpc::ServerContext* ctx,
                                             const pb::StartTicketRequest* req,
                                             pb::StartTicketResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("StartTicket"), [&](const Principal* who) -> Status {
    auto id = TicketOf(manager_, *req);
    if (!id.ok()) return id.status();
    auto v = manager_.Act(req->branch_id(), req->counter_id(), *id, CounterAction::kStart, who);
    if (v.ok()) resp->set_case_id(v->case_id);
    return FillTicket(manager_.config(), v, resp->mutable_ticket());
  });
}

grpc::Status CounterServiceImpl::CompleteTicket(grpc::ServerContext* ctx,
                                                const pb::CompleteTicketRequest* req,
                                                pb::CompleteTicketResponse* resp) {
  return ActOn(ctx, "CompleteTicket", *req, CounterAction::kComplete, resp->mutable_ticket());
}

grpc::Status CounterServiceImpl::MarkNoShowTicket(grpc::ServerContext* ctx,
                                                  const pb::MarkNoShowTicketRequest* req,
                                                  pb::MarkNoShowTicketResponse* resp) {
  return ActOn(ctx, "MarkNoShowTicket", *req, CounterAction::kNoShow, resp->mutable_ticket());
}

grpc::Status CounterServiceImpl::ParkTicket(grpc::ServerContext* ctx,
                                            const pb::ParkTicketRequest* req,
                                            pb::ParkTicketResponse* resp) {
  return ActOn(ctx, "ParkTicket", *req, CounterAction::kPark, resp->mutable_ticket());
}

grpc::Status CounterServiceImpl::ReturnTicket(grpc::ServerContext* ctx,
                                              const pb::ReturnTicketRequest* req,
                                              pb::ReturnTicketResponse* resp) {
  return ActOn(ctx, "ReturnTicket", *req, CounterAction::kReturn, resp->mutable_ticket());
}

grpc::Status CounterServiceImpl::TransferTicket(grpc::ServerContext* ctx,
                                                const pb::TransferTicketRequest* req,
                                                pb::TransferTicketResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("TransferTicket"), [&](const Principal* who) -> Status {
    auto id = TicketOf(manager_, *req);
    if (!id.ok()) return id.status();
    return FillTicket(manager_.config(), manager_.Transfer(req->branch_id(), req->counter_id(), *id,
                                        req->target_service_prefix(), who),
                      resp->mutable_ticket());
  });
}

grpc::Status CounterServiceImpl::ListDevices(grpc::ServerContext* ctx,
                                             const pb::ListDevicesRequest* req,
                                             pb::ListDevicesResponse* resp) {
  return GuardAs(entry_, ctx, *req, Method("ListDevices"), [&](const Principal* who) -> Status {
    QUEUE_RETURN_IF_ERROR(CheckBranch(who, req->branch_id()));
    auto devices = devices_.List(req->branch_id());
    if (!devices.ok()) return devices.status();
    for (const auto& d : *devices) ToProto(d, resp->add_devices());
    if (const BranchConfig* b = manager_.config().FindBranch(req->branch_id()))
      resp->set_time_zone(b->time_zone_name);
    return Status::Ok();
  });
}

}  // namespace shop::queue::service
