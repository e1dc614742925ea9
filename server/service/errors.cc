#include "server/service/errors.h"

#include <chrono>
#include <exception>
#include <thread>

#include <spdlog/spdlog.h>

#include "absl/time/clock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace shop::queue::service {

google::rpc::Status ToRpcStatus(const Status& st) {
  google::rpc::Status out;
  const grpc::Status g = ToGrpc(st);
  if (!g.error_details().empty() && out.ParseFromString(g.error_details())) return out;
  out.set_code(g.error_code());
  out.set_message(g.error_message());
  return out;
}

int HttpStatusOf(grpc::StatusCode code) {
  using C = grpc::StatusCode;
  switch (code) {
    case C::OK: return 200;
    case C::INVALID_ARGUMENT:
    case C::OUT_OF_RANGE: return 400;
    case C::UNAUTHENTICATED: return 401;
    case C::PERMISSION_DENIED: return 403;
    case C::NOT_FOUND: return 404;
    case C::ALREADY_EXISTS:
    case C::ABORTED:
    case C::FAILED_PRECONDITION: return 409;
    case C::RESOURCE_EXHAUSTED: return 429;
    case C::CANCELLED: return 499;
    case C::UNIMPLEMENTED: return 501;
    case C::UNAVAILABLE: return 503;
    case C::DEADLINE_EXCEEDED: return 504;
    default: return 500;
  }
}

const char* StatusCodeName(grpc::StatusCode code) {
  static const char* kNames[] = {
      "OK",        "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",   "ALREADY_EXISTS",    "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",       "UNAVAILABLE",       "DATA_LOSS",
      "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i < static_cast<int>(std::size(kNames)) ? kNames[i] : "UNKNOWN";
}

grpc::Status ToGrpc(const Status& st) {
  using C = Status::Code;
  switch (st.code()) {
    case C::kOk: return grpc::Status::OK;
    case C::kInvalidArgument: {
      std::string msg = st.message();
      if (!st.field().empty() && msg.rfind(st.field(), 0) != 0) msg = st.field() + ": " + msg;
      // Every bad field, machine-readable, in the standard error model.
      google::rpc::BadRequest bad;
      for (const auto& v : st.violations()) {
        auto* f = bad.add_field_violations();
        f->set_field(v.field);
        f->set_description(v.description);
      }
      google::rpc::Status details;
      details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
      details.set_message(msg);
      details.add_details()->PackFrom(bad);
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, msg, details.SerializeAsString());
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

std::string BearerToken(const grpc::ServerContextBase& ctx) {
  const auto& md = ctx.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return {};
  std::string_view v(it->second.data(), it->second.size());
  constexpr std::string_view kBearer = "Bearer ";
  if (v.substr(0, kBearer.size()) != kBearer) return {};
  return std::string(v.substr(kBearer.size()));
}

Result<std::optional<Principal>> Authorize(Entry& entry, const grpc::ServerContextBase& ctx,
                                           std::string_view method) {
  std::optional<Principal> who;
  if (entry.auth) {
    auto resolved = entry.auth->Resolve(BearerToken(ctx));
    if (!resolved.ok()) return resolved.status();
    who = *resolved;
  }
  QUEUE_RETURN_IF_ERROR(AuthorizeCall(who, method));
  return who;
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

Status CheckBranch(const Principal* who, const std::string& branch_id) {
  // An empty branch_id is bad input; the use case reports it (INVALID_ARGUMENT).
  if (!who || who->branch_id.empty() || branch_id.empty() || who->branch_id == branch_id)
    return Status::Ok();
  return Status::PermissionDenied(std::string("this ") + RoleName(who->role) +
                                  " belongs to branch " + who->branch_id);
}

namespace {

void CheckBounds(const google::protobuf::Message& m, const std::string& prefix,
                 std::vector<FieldViolation>& bad) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  std::string scratch;
  for (const FieldDescriptor* f : fields) {
    const std::string name = prefix + f->name();
    const bool is_string = f->type() == FieldDescriptor::TYPE_STRING;
    const bool is_message = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!f->is_repeated()) {
      if (is_string && r->GetStringReference(m, f, &scratch).size() > kMaxStringBytes)
        bad.push_back({name, "is longer than " + std::to_string(kMaxStringBytes) + " bytes"});
      if (is_message) CheckBounds(r->GetMessage(m, f), name + ".", bad);
      continue;
    }
    const int n = r->FieldSize(m, f);
    if (n > kMaxRepeated) {
      bad.push_back({name, "has more than " + std::to_string(kMaxRepeated) + " entries"});
      continue;
    }
    for (int i = 0; i < n; ++i) {
      const std::string item = name + "[" + std::to_string(i) + "]";
      if (is_string && r->GetRepeatedStringReference(m, f, i, &scratch).size() > kMaxStringBytes)
        bad.push_back({item, "is longer than " + std::to_string(kMaxStringBytes) + " bytes"});
      if (is_message) CheckBounds(r->GetRepeatedMessage(m, f, i), item + ".", bad);
    }
  }
}

}  // namespace

Status CheckRequestBounds(const google::protobuf::Message& request) {
  std::vector<FieldViolation> bad;
  CheckBounds(request, "", bad);
  return bad.empty() ? Status::Ok() : Status::InvalidFields(std::move(bad));
}

grpc::Status Guard(Entry& entry, grpc::ServerContext* ctx,
                   const google::protobuf::Message& request, std::string_view method,
                   const std::function<Status()>& body) {
  return GuardAs(entry, ctx, request, method, [&](const Principal*) { return body(); });
}

grpc::Status GuardAs(Entry& entry, grpc::ServerContext* ctx,
                     const google::protobuf::Message& request, std::string_view method,
                     const std::function<Status(const Principal*)>& body) {
  CallGate& gate = entry.gate;
  if (!gate.Enter())
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is stopping; try again shortly");
  const absl::Time began = absl::Now();
  struct Leave {
    CallGate& g;
    ~Leave() { g.Exit(); }
  } leave{gate};
  Status st;
  try {
    auto who = Authorize(entry, *ctx, method);
    st = who.ok() ? CheckRequestBounds(request) : who.status();
    if (st.ok()) st = body(who->has_value() ? &**who : nullptr);
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
  grpc::Status out = ToGrpc(st);
  if (entry.observe) entry.observe(method, out.error_code(), absl::Now() - began);
  return out;
}

}  // namespace shop::queue::service
