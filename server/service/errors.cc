#include "server/service/errors.h"

#include <chrono>
#include <exception>
#include <thread>

#include <spdlog/spdlog.h>

namespace shop::queue::service {

grpc::Status ToGrpc(const Status& st) {
  using C = Status::Code;
  switch (st.code()) {
    case C::kOk: return grpc::Status::OK;
    case C::kInvalidArgument: {
      std::string msg = st.message();
      if (!st.field().empty() && msg.rfind(st.field(), 0) != 0) msg = st.field() + ": " + msg;
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, msg);
    }
    case C::kNotFound: return grpc::Status(grpc::StatusCode::NOT_FOUND, st.message());
    case C::kAlreadyExists: return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, st.message());
    case C::kFailedPrecondition:
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, st.message());
    case C::kAborted: return grpc::Status(grpc::StatusCode::ABORTED, st.message());
    case C::kResourceExhausted:
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, st.message());
    case C::kUnavailable: return grpc::Status(grpc::StatusCode::UNAVAILABLE, st.message());
    case C::kInternal: return grpc::Status(grpc::StatusCode::INTERNAL, st.message());
    case C::kUnauthenticated:
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, st.message());
    case C::kPermissionDenied:
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, st.message());
  }
  return grpc::Status(grpc::StatusCode::INTERNAL, "unmapped status: " + st.message());
}

Status Authorize(const Caller& /*caller*/, std::string_view /*method*/) {
  // Staff login, device tokens and the policy table arrive with the roles
  // issue; every method passes through here first.
  return Status::Ok();
}

bool CallGate::Enter() {
  std::lock_guard lock(mu_);
  if (draining_) return false;
  ++inside_;
  return true;
}

void CallGate::Exit() {
  std::lock_guard lock(mu_);
  if (--inside_ == 0) cv_.notify_all();
}

bool CallGate::Drain(absl::Duration linger, absl::Duration max_wait) {
  auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  draining_ = true;
  bool emptied = cv_.wait_until(lock, start + absl::ToChronoMilliseconds(max_wait),
                                [&] { return inside_ == 0; });
  lock.unlock();
  auto linger_end = start + absl::ToChronoMilliseconds(std::min(linger, max_wait));
  if (std::chrono::steady_clock::now() < linger_end) std::this_thread::sleep_until(linger_end);
  return emptied;
}

grpc::Status Guard(CallGate& gate, grpc::ServerContext* ctx, std::string_view method,
                   const std::function<Status()>& body) {
  if (!gate.Enter())
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is stopping; try again shortly");
  struct Leave {
    CallGate& g;
    ~Leave() { g.Exit(); }
  } leave{gate};
  Status st;
  try {
    Caller caller{ctx ? ctx->peer() : std::string()};
    st = Authorize(caller, method);
    if (st.ok()) st = body();
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("internal error: ") + e.what());
  } catch (...) {
    st = Status::Internal("internal error");
  }
  if (!st.ok()) {
    if (st.code() == Status::Code::kInternal)
      spdlog::error("{} failed: {}", method, st.ToString());
    else
      spdlog::debug("{} refused: {}", method, st.ToString());
  }
  return ToGrpc(st);
}

}  // namespace shop::queue::service
