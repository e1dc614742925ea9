// CounterClient: what a clerk's counter does, over CounterService (and
// BoardService for the live board): open and close the counter, call tickets
// and walk each one through its states. It holds no UI: the terminal program
// drives it today, a desktop window can drive it later.
//
// Every method returns the server's grpc::Status and fills its out-parameter
// only when the status is OK. The server's refusals (FAILED_PRECONDITION,
// NOT_FOUND, ...) come back unchanged, so a face can show them as they are.
// With a session from a file (CallOptions::token_file), a call refused with
// UNAUTHENTICATED is sent once more if the file holds a new session (a
// logout and login elsewhere); UNAUTHENTICATED then means the session ended.
//
// Retries: reads (Get, ListTickets), Open, Close and CallNext are retried on
// UNAVAILABLE and DEADLINE_EXCEEDED as CallOptions says; CallNext makes ONE
// request_id per call and sends it on every retry, so a retry never calls a
// second ticket. The other transitions carry no request_id, so they are sent
// exactly once; they wait (up to the deadline) for the channel to connect
// rather than failing at once while the server restarts.
//
// Tickets: the transition methods take a client::TicketRef, an id or the
// printed number of today's ticket ("R017", sent as is: the server looks it
// up). An empty one (or id 0) means "the counter's current ticket": the
// client asks GetCounter for it and returns FAILED_PRECONDITION "counter has
// no current ticket" itself if there is none.
//
// Thread-safety: thread-safe; the object is immutable after construction and
// gRPC stubs may be shared by threads. WatchBoard blocks its caller; another
// thread stops it through a StreamCanceller.
// Ownership: owns its stubs, which share the channel given.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/channel.h>

#include "common/client/board_client.h"
#include "common/client/rpc.h"
#include "common/client/ticket_ref.h"
#include "shop/queue/v1/board_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"

namespace shop::queue::counter {

namespace v1 = ::shop::queue::v1;

// The board stream's types live in common/client/board_client.h (the hall
// display uses them too); the counter's names for them:
using client::BoardCallback;
using client::BoardLink;
using client::BoardLinkCallback;

class CounterClient {
 public:
  CounterClient(std::shared_ptr<grpc::ChannelInterface> channel, std::string branch_id,
                std::string counter_id, client::CallOptions options = {});
  // For tests: any stubs (for example mocks).
  CounterClient(std::unique_ptr<v1::CounterService::StubInterface> counter_stub,
                std::unique_ptr<v1::BoardService::StubInterface> board_stub,
                std::string branch_id, std::string counter_id,
                client::CallOptions options = {});

  const std::string& branch_id() const { return branch_id_; }
  const std::string& counter_id() const { return counter_id_; }

  // The counter with its open state, services and current ticket (if any).
  grpc::Status Get(v1::GetCounterResponse* out) const;
  // Opens the counter for `service_prefixes` (empty: every service the
  // configuration allows here), or changes the services if already open.
  grpc::Status Open(const std::vector<std::string>& service_prefixes, v1::Counter* out) const;
  grpc::Status Close(v1::Counter* out) const;

  // Tickets of the branch's current business day in `state` (every state for
  // TICKET_STATE_UNSPECIFIED), all pages, ordered by ticket id.
  grpc::Status ListTickets(v1::TicketState state, std::vector<v1::Ticket>* out) const;

  // Calls the next ticket by the server's queue policy; NOT_FOUND when nobody
  // is waiting for this counter's services.
  grpc::Status CallNext(v1::Ticket* out) const;
  // Calls the waiting ticket `ticket` out of order (required).
  grpc::Status Call(const client::TicketRef& ticket, v1::Ticket* out) const;

  // Transitions of a ticket at this counter; an empty `ticket` (or id 0)
  // means the current one.
  grpc::Status Recall(const client::TicketRef& ticket, v1::Ticket* out) const;
  grpc::Status Start(const client::TicketRef& ticket, v1::Ticket* out) const;
  // Start, also giving the id of the SIM-replacement case the start opened
  // (a ticket of such a service), else 0, in *case_id.
  grpc::Status StartServing(const client::TicketRef& ticket, v1::Ticket* out,
                            int64_t* case_id) const;
  grpc::Status Complete(const client::TicketRef& ticket, v1::Ticket* out) const;
  grpc::Status NoShow(const client::TicketRef& ticket, v1::Ticket* out) const;
  grpc::Status Transfer(const client::TicketRef& ticket, std::string_view target_prefix,
                        v1::Ticket* out) const;
  grpc::Status Park(const client::TicketRef& ticket, v1::Ticket* out) const;
  grpc::Status Return(const client::TicketRef& ticket, v1::Ticket* out) const;

  // The branch's hall devices that have reported, those that need staff
  // first, then by id.
  grpc::Status ListDevices(std::vector<v1::Device>* out) const;
  // The branch's IANA time zone, as the board's first message names it.
  grpc::Status BranchTimeZone(std::string* out) const;

  // The branch's board stream: see client::BoardClient (this forwards to
  // one, on the channel given).
  grpc::Status WatchBoard(const BoardCallback& on_message,
                          client::StreamCanceller* canceller = nullptr,
                          bool wait_for_ready = false) const;
  grpc::Status WatchBoardLive(const BoardCallback& on_message, const BoardLinkCallback& on_link,
                              client::StreamCanceller* canceller,
                              client::BackoffPolicy backoff = {}) const;

 private:
  using Stub = v1::CounterService::StubInterface;

  // `ticket`, or the counter's current ticket if it is empty.
  grpc::Status ResolveTicket(const client::TicketRef& ticket, client::TicketRef* resolved) const;

  // Sends a transition request (branch, counter and ticket filled in here)
  // exactly once and returns its whole response.
  template <typename Request, typename Response>
  grpc::Status SendTransition(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                           const Request&, Response*),
                              const client::TicketRef& ticket, Request request,
                              Response* out) const;
  // SendTransition, returning the ticket of its response.
  template <typename Request, typename Response>
  grpc::Status Transition(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                       Response*),
                          const client::TicketRef& ticket, Request request,
                          v1::Ticket* out) const;

  std::unique_ptr<v1::CounterService::StubInterface> counter_stub_;
  client::BoardClient board_;
  std::string branch_id_;
  std::string counter_id_;
  client::CallOptions options_;
};

}  // namespace shop::queue::counter
