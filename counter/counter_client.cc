#include "counter/counter_client.h"

#include <utility>

namespace shop::queue::counter {
CounterClient::CounterClient(std::shared_ptr<grpc::ChannelInterface> channel,
                             std::string branch_id, std::string counter_id,
                             client::CallOptions options)
    : CounterClient(v1::CounterService::NewStub(channel), v1::BoardService::NewStub(channel),
                    std::move(branch_id), std::move(counter_id), options) {}

CounterClient::CounterClient(std::unique_ptr<v1::CounterService::StubInterface> counter_stub,
                             std::unique_ptr<v1::BoardService::StubInterface> board_stub,
                             std::string branch_id, std::string counter_id,
                             client::CallOptions options)
    : counter_stub_(std::move(counter_stub)),
      board_(std::move(board_stub), branch_id, options),
      branch_id_(std::move(branch_id)),
      counter_id_(std::move(counter_id)),
      options_(options) {}

grpc::Status CounterClient::Get(v1::GetCounterResponse* out) const {
  v1::GetCounterRequest request;
  request.set_branch_id(branch_id_);
  request.set_counter_id(counter_id_);
  v1::GetCounterResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *counter_stub_, &Stub::GetCounter, request, &response);
  if (status.ok()) *out = std::move(response);
  return status;
}

grpc::Status CounterClient::Open(const std::vector<std::string>& service_prefixes,
                                 v1::Counter* out) const {
  v1::OpenCounterRequest request;
  request.set_branch_id(branch_id_);
  request.set_counter_id(counter_id_);
  for (const std::string& prefix : service_prefixes) request.add_service_prefixes(prefix);
  v1::OpenCounterResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *counter_stub_, &Stub::OpenCounter, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_counter());
  return status;
}

grpc::Status CounterClient::Close(v1::Counter* out) const {
  v1::CloseCounterRequest request;
  request.set_branch_id(branch_id_);
  request.set_counter_id(counter_id_);
  v1::CloseCounterResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *counter_stub_, &Stub::CloseCounter, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_counter());
  return status;
}

grpc::Status CounterClient::ListTickets(v1::TicketState state,
                                        std::vector<v1::Ticket>* out) const {
  std::vector<v1::Ticket> tickets;
  v1::ListTicketsRequest request;
  request.set_branch_id(branch_id_);
  request.set_state(state);
  do {
    v1::ListTicketsResponse response;
    grpc::Status status =
        client::UnaryWithRetry(options_, *counter_stub_, &Stub::ListTickets, request, &response);
    if (!status.ok()) return status;
    for (v1::Ticket& ticket : *response.mutable_tickets()) tickets.push_back(std::move(ticket));
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  *out = std::move(tickets);
  return grpc::Status::OK;
}

grpc::Status CounterClient::CallNext(v1::Ticket* out) const {
  v1::CallNextTicketRequest request;
  request.set_branch_id(branch_id_);
  request.set_counter_id(counter_id_);
  request.set_request_id(client::NewRequestId());  // one id for every retry
  v1::CallNextTicketResponse response;
  grpc::Status status = client::UnaryWithRetry(options_, *counter_stub_,
                                               &Stub::CallNextTicket, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_ticket());
  return status;
}

grpc::Status CounterClient::ListDevices(std::vector<v1::Device>* out) const {
  v1::ListDevicesRequest request;
  request.set_branch_id(branch_id_);
  v1::ListDevicesResponse response;
  grpc::Status status =
      client::UnaryWithRetry(options_, *counter_stub_, &Stub::ListDevices, request, &response);
  if (status.ok()) out->assign(response.devices().begin(), response.devices().end());
  return status;
}

grpc::Status CounterClient::BranchTimeZone(std::string* out) const {
  std::string zone;
  grpc::Status status = WatchBoard([&](const v1::WatchBoardResponse& first) {
    zone = first.time_zone();
    return false;  // the snapshot is enough
  });
  if (status.ok()) *out = zone;
  return status;
}

grpc::Status CounterClient::ResolveTicket(const client::TicketRef& ticket,
                                          client::TicketRef* resolved) const {
  if (!ticket.empty()) {
    *resolved = ticket;
    return grpc::Status::OK;
  }
  v1::GetCounterResponse counter;
  grpc::Status status = Get(&counter);
  if (!status.ok()) return status;
  if (counter.counter().current_ticket_id() == 0) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "counter has no current ticket");
  }
  *resolved = client::TicketRef(counter.counter().current_ticket_id());
  return grpc::Status::OK;
}

template <typename Request, typename Response>
grpc::Status CounterClient::SendTransition(
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const client::TicketRef& ticket, Request request, Response* out) const {
  client::TicketRef resolved;
  grpc::Status status = ResolveTicket(ticket, &resolved);
  if (!status.ok()) return status;
  request.set_branch_id(branch_id_);
  request.set_counter_id(counter_id_);
  request.set_ticket_id(resolved.id);
  request.set_ticket_number(resolved.number);
  Response response;
  status = client::CallOnce(options_, [&](grpc::ClientContext* context) {
    return ((*counter_stub_).*method)(context, request, &response);
  });
  if (status.ok()) *out = std::move(response);
  return status;
}

template <typename Request, typename Response>
grpc::Status CounterClient::Transition(
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const client::TicketRef& ticket, Request request, v1::Ticket* out) const {
  Response response;
  grpc::Status status = SendTransition(method, ticket, std::move(request), &response);
  if (status.ok()) *out = std::move(*response.mutable_ticket());
  return status;
}

grpc::Status CounterClient::Call(const client::TicketRef& ticket, v1::Ticket* out) const {
  if (ticket.empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "ticket_id: a ticket number (R017) or id is required");
  }
  return Transition(&Stub::CallTicket, ticket, v1::CallTicketRequest(), out);
}

grpc::Status CounterClient::Recall(const client::TicketRef& ticket, v1::Ticket* out) const {
  return Transition(&Stub::RecallTicket, ticket, v1::RecallTicketRequest(), out);
}

grpc::Status CounterClient::Start(const client::TicketRef& ticket, v1::Ticket* out) const {
  return Transition(&Stub::StartTicket, ticket, v1::StartTicketRequest(), out);
}

grpc::Status CounterClient::StartServing(const client::TicketRef& ticket, v1::Ticket* out,
                                         int64_t* case_id) const {
  v1::StartTicketResponse response;
  grpc::Status status =
      SendTransition(&Stub::StartTicket, ticket, v1::StartTicketRequest(), &response);
  if (!status.ok()) return status;
  *out = std::move(*response.mutable_ticket());
  *case_id = response.case_id();
  return status;
}

grpc::Status CounterClient::Complete(const client::TicketRef& ticket, v1::Ticket* out) const {
  return Transition(&Stub::CompleteTicket, ticket, v1::CompleteTicketRequest(), out);
}

grpc::Status CounterClient::NoShow(const client::TicketRef& ticket, v1::Ticket* out) const {
  return Transition(&Stub::MarkNoShowTicket, ticket, v1::MarkNoShowTicketRequest(), out);
}

grpc::Status CounterClient::Transfer(const client::TicketRef& ticket, std::string_view target_prefix,
                                     v1::Ticket* out) const {
  v1::TransferTicketRequest request;
  request.set_target_service_prefix(std::string(target_prefix));
  return Transition(&Stub::TransferTicket, ticket, std::move(request), out);
}

grpc::Status CounterClient::Park(const client::TicketRef& ticket, v1::Ticket* out) const {
  return Transition(&Stub::ParkTicket, ticket, v1::ParkTicketRequest(), out);
}

grpc::Status CounterClient::Return(const client::TicketRef& ticket, v1::Ticket* out) const {
  return Transition(&Stub::ReturnTicket, ticket, v1::ReturnTicketRequest(), out);
}

grpc::Status CounterClient::WatchBoard(const BoardCallback& on_message,
                                       client::StreamCanceller* canceller,
                                       bool wait_for_ready) const {
  return board_.WatchBoard(on_message, canceller, wait_for_ready);
}

grpc::Status CounterClient::WatchBoardLive(const BoardCallback& on_message,
                                           const BoardLinkCallback& on_link,
                                           client::StreamCanceller* canceller,
                                           client::BackoffPolicy policy) const {
  return board_.WatchBoardLive(on_message, on_link, canceller, policy);
}

}  // namespace shop::queue::counter
