// The one place where domain Status becomes grpc::Status, and the entry guard
// every RPC handler runs through: it checks the caller (the single hook where
// staff and device authentication will go), logs failures, and makes sure no
// exception ever leaves a handler (a client would see UNKNOWN).
//
// Thread-safe.
#pragma once

#include <functional>
#include <string_view>

#include <grpcpp/grpcpp.h>

#include "server/domain/status.h"

namespace shop::queue::service {

// Maps a domain Status to a gRPC status with the same meaning. For
// INVALID_ARGUMENT the message starts with the field name ("service_prefix: ...").
grpc::Status ToGrpc(const Status& st);

// Who is calling. Today every caller is anonymous; the roles issue fills this
// from session and device tokens.
struct Caller {
  std::string peer;
};

// Decides whether `caller` may call `method` (full name, e.g.
// "/shop.queue.v1.CounterService/CallNextTicket"). The single authorisation
// hook of the server; it allows everything until roles exist.
Status Authorize(const Caller& caller, std::string_view method);

// Runs `body` for the RPC `method`: authorises, catches every exception
// (INTERNAL), and logs non-OK results with their code.
grpc::Status Guard(grpc::ServerContext* ctx, std::string_view method,
                   const std::function<Status()>& body);

}  // namespace shop::queue::service
