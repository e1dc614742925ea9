// The one place where domain Status becomes grpc::Status, and the entry guard
// every RPC handler runs through: it checks the caller (the single hook where
// staff and device authentication will go), logs failures, and makes sure no
// exception ever leaves a handler (a client would see UNKNOWN).
//
// Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>

#include "absl/time/time.h"

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include "google/rpc/status.pb.h"
#include "server/domain/staff/auth_manager.h"
#include "server/domain/common/status.h"

namespace shop::queue::service {

// Maps a domain Status to a gRPC status with the same meaning. For
// INVALID_ARGUMENT the message starts with the field name ("service_prefix: ...").
grpc::Status ToGrpc(const Status& st);
// The same as google.rpc.Status (code, message, BadRequest details for
// INVALID_ARGUMENT), for answers outside gRPC (the JSON API).
google::rpc::Status ToRpcStatus(const Status& st);
// The HTTP status a gRPC code maps to (INVALID_ARGUMENT 400, NOT_FOUND 404,
// FAILED_PRECONDITION 409, RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, ...).
int HttpStatusOf(grpc::StatusCode code);
// "OK", "INVALID_ARGUMENT", ... as gRPC spells them.
const char* StatusCodeName(grpc::StatusCode code);

// The bearer token a call carries ("authorization: Bearer TOKEN"), or "".
std::string BearerToken(const grpc::ServerContextBase& ctx);

// CallGate counts the calls inside handlers and, once draining starts,
// turns new calls away with UNAVAILABLE (so clients retry elsewhere or
// later) while the running ones finish. gRPC's own shutdown cancels calls
// that arrive while it runs; draining first keeps that window empty.
// Thread-safe.
class CallGate {
 public:
  // False when draining; otherwise the caller must call Exit() later.
  bool Enter();
  void Exit();
  // Starts draining and waits until no call is inside and at least `linger`
  // has passed, or until `max_wait`. Returns true if the gate emptied.
  bool Drain(absl::Duration linger, absl::Duration max_wait);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int inside_ = 0;        // guarded by mu_
  bool draining_ = false; // guarded by mu_
};

// What every call passes through on its way in.
struct Entry {
  CallGate gate;
  AuthManager* auth = nullptr;
  // Told of every finished call (metrics): method, gRPC code, time taken.
  std::function<void(std::string_view method, grpc::StatusCode code, absl::Duration took)>
      observe;
};

// The single authorisation point: resolves the call's token and checks the
// policy table (auth.h). UNAUTHENTICATED without a valid token,
// PERMISSION_DENIED for the wrong role.
Result<std::optional<Principal>> Authorize(Entry& entry, const grpc::ServerContextBase& ctx,
                                           std::string_view method);

// The bounds of every request at the API edge: a string field holds at most
// kMaxStringBytes bytes, a repeated field at most kMaxRepeated entries. The
// use cases check each field's meaning; these bounds keep any field from
// being large enough to hurt (a huge value in a log line, a query or an
// error message).
inline constexpr size_t kMaxStringBytes = 2048;
inline constexpr int kMaxRepeated = 100;
// INVALID_ARGUMENT naming every field of `request` (nested ones as
// "form.full_name") that is out of bounds; OK otherwise.
Status CheckRequestBounds(const google::protobuf::Message& request);

// Runs `body` for the RPC `method` if the gate admits it, the caller is
// authorised and `request` is within bounds (CheckRequestBounds); catches
// every exception (INTERNAL), logs non-OK results.
grpc::Status Guard(Entry& entry, grpc::ServerContext* ctx,
                   const google::protobuf::Message& request, std::string_view method,
                   const std::function<Status()>& body);
// Devices (kiosks, boards) belong to one branch and may act only there;
// staff are not bound to a branch. PERMISSION_DENIED otherwise.
Status CheckBranch(const Principal* who, const std::string& branch_id);

// Guard for bodies that need the caller (audit, counter ownership).
grpc::Status GuardAs(Entry& entry, grpc::ServerContext* ctx,
                     const google::protobuf::Message& request, std::string_view method,
                     const std::function<Status(const Principal*)>& body);

}  // namespace shop::queue::service
