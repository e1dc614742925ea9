#include "common/client/rpc.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/support/client_interceptor.h>
#include <grpcpp/security/credentials.h>

namespace shop::queue::client {

namespace {

std::string ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string("cannot read ") + what + " file " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address, const TlsFiles& tls,
                                           const ChannelLimits& limits) {
  // gRPC's own reconnection back-off grows to 120 s by default; a kiosk or
  // board whose server comes back should notice within seconds.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 500);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 10000);
  if (limits.max_receive_message_bytes > 0)
    args.SetMaxReceiveMessageSize(limits.max_receive_message_bytes);
  if (!tls.enabled()) {
    return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  }
  grpc::SslCredentialsOptions options;
  if (!tls.ca.empty()) options.pem_root_certs = ReadFile(tls.ca, "--tls-ca");
  if (!tls.cert.empty()) options.pem_cert_chain = ReadFile(tls.cert, "--tls-cert");
  if (!tls.key.empty()) options.pem_private_key = ReadFile(tls.key, "--tls-key");
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(options), args);
}

namespace {

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (in && std::getline(in, line)) return line;
  return {};
}

}  // namespace

TokenFile::TokenFile(std::string path) : path_(std::move(path)), token_(FirstLine(path_)) {}

std::string TokenFile::token() const {
  std::lock_guard<std::mutex> lock(mu_);
  return token_;
}

std::optional<std::string> TokenFile::Renewed(const std::string& refused) {
  std::string now = FirstLine(path_);
  std::lock_guard<std::mutex> lock(mu_);
  token_ = now;
  if (now.empty() || now == refused) return std::nullopt;
  return now;
}

std::string CurrentToken(const CallOptions& options) {
  return options.token_file ? options.token_file->token() : options.token;
}

void AddBearer(grpc::ClientContext* context, const std::string& token) {
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
}

void AddCredentials(grpc::ClientContext* context, const CallOptions& options) {
  AddBearer(context, CurrentToken(options));
}

std::string FindToken(const std::string& flag, const std::string& token_file) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("SHOP_QUEUE_TOKEN"); env && *env) return env;
  return FirstLine(token_file);
}

std::string DefaultTokenFile() {
  if (const char* env = std::getenv("SHOP_QUEUE_TOKEN_FILE"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.config/shop-queue/token";
}

namespace {

class TokenInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit TokenInterceptor(const std::string& token) : value_("Bearer " + token) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA))
      methods->GetSendInitialMetadata()->insert({"authorization", value_});
    methods->Proceed();
  }

 private:
  std::string value_;
};

class TokenInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit TokenInterceptorFactory(std::string token) : token_(std::move(token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new TokenInterceptor(token_);
  }

 private:
  std::string token_;
};

}  // namespace

std::shared_ptr<grpc::Channel> CreateChannelWithToken(
    const std::string& address, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const std::string& token, const grpc::ChannelArguments& args) {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<TokenInterceptorFactory>(token));
  return grpc::experimental::CreateCustomChannelWithInterceptors(address, credentials, args,
                                                                 std::move(factories));
}

std::string DefaultKioskTokenFile() {
  if (const char* env = std::getenv("SHOP_QUEUE_KIOSK_TOKEN_FILE"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.config/shop-queue/kiosk-token";
}

std::string NewRequestId() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string id;
  id.reserve(32);
  for (int word = 0; word < 4; ++word) {  // 4 x 32 bits
    uint32_t bits = device();
    for (int nibble = 0; nibble < 8; ++nibble) {
      id.push_back(kHex[bits & 0xF]);
      bits >>= 4;
    }
  }
  return id;
}

std::string_view StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN_CODE";
  }
}

std::string DescribeStatus(const grpc::Status& status) {
  std::string text(StatusCodeName(status.error_code()));
  if (!status.error_message().empty()) {
    text += ": ";
    text += status.error_message();
  }
  return text;
}

bool IsRetryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

Backoff::Backoff(BackoffPolicy policy)
    : policy_(policy), base_(policy.first), random_(std::random_device()()) {}

std::chrono::milliseconds Backoff::Next() {
  const std::chrono::milliseconds base = base_;
  base_ = std::min(base_ * 2, policy_.max);
  std::uniform_real_distribution<double> factor(1.0 - policy_.jitter, 1.0 + policy_.jitter);
  return std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(base.count()) * factor(random_)));
}

void Backoff::Reset() { base_ = policy_.first; }

void StreamCanceller::Cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = true;
  if (context_ != nullptr) context_->TryCancel();
  cancelled_cv_.notify_all();
}

bool StreamCanceller::WaitFor(std::chrono::milliseconds delay) const {
  std::unique_lock<std::mutex> lock(mu_);
  cancelled_cv_.wait_for(lock, delay, [this] { return cancelled_; });
  return cancelled_;
}

bool StreamCanceller::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

bool StreamCanceller::Attach(grpc::ClientContext* context) {
  std::lock_guard<std::mutex> lock(mu_);
  if (context != nullptr && cancelled_) return false;
  context_ = context;
  return true;
}

}  // namespace shop::queue::client
