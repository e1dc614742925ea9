// Client RPC plumbing shared by the kiosk and counter programs.
//
// MakeChannel opens a channel to the queue server; NewRequestId makes the
// client-chosen id that lets the server recognise a retried create
// (AIP-155); CallWithRetry sends one unary request, retrying transient
// failures with the same request message; StreamCanceller lets one thread stop
// a streaming call another thread is blocked in.
//
// Thread-safety: the free functions are safe to call from any thread.
// CallWithRetry is reentrant; what it calls must be too (gRPC stubs are).
// StreamCanceller is thread-safe.
// Ownership: channels are shared (std::shared_ptr); nothing here keeps a
// pointer to a caller's request or response after returning.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

namespace shop::queue::client {

// How a client calls the server.
struct CallOptions {
  // Deadline of each attempt, from the moment the attempt starts.
  std::chrono::milliseconds deadline{3000};
  // Attempts in all, the first included; 1 means no retry.
  int max_attempts{4};
  // Pause before the second attempt; it doubles before each later one.
  std::chrono::milliseconds first_backoff{100};
  // Session or device token, sent as "authorization: Bearer TOKEN"; empty
  // sends none.
  std::string token;
};

// Adds the token of `options` (if any) to a call's metadata.
void AddCredentials(grpc::ClientContext* context, const CallOptions& options);

// The token to use: `flag` if given, else $SHOP_QUEUE_TOKEN, else the first
// line of `token_file` (if it exists), else "".
std::string FindToken(const std::string& flag, const std::string& token_file);
// Where `counter login` keeps the session token: $SHOP_QUEUE_TOKEN_FILE, or
// ~/.config/shop-queue/token.
std::string DefaultTokenFile();
// Where the kiosk looks for its device token: $SHOP_QUEUE_KIOSK_TOKEN_FILE,
// or ~/.config/shop-queue/kiosk-token (scripts/run-demo.sh puts one there).
std::string DefaultKioskTokenFile();

// Transport security of a channel. All empty: plain text (fine on loopback).
// `ca`: PEM file of the CA that signed the server's certificate (enables
// TLS). `cert` + `key`: this client's certificate and key, for servers that
// require client certificates.
struct TlsFiles {
  std::string ca;
  std::string cert;
  std::string key;
  bool enabled() const { return !ca.empty() || !cert.empty(); }
};

// Returns a channel to `address` ("host:port"), over TLS when `tls` says so.
// Throws std::runtime_error naming the file when a TLS file cannot be read.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const TlsFiles& tls = {});

// A channel whose every call carries "authorization: Bearer `token`" (added
// by a client interceptor, so it works on plain-text loopback too, where gRPC
// does not send call credentials). For tools and tests that use raw stubs.
std::shared_ptr<grpc::Channel> CreateChannelWithToken(
    const std::string& address, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const std::string& token, const grpc::ChannelArguments& args = grpc::ChannelArguments());

// Returns a fresh random 128-bit id as 32 lowercase hex digits.
std::string NewRequestId();

// The canonical name of a code, for example "FAILED_PRECONDITION".
std::string_view StatusCodeName(grpc::StatusCode code);

// "CODE: message", for people ("CODE" alone if the message is empty).
std::string DescribeStatus(const grpc::Status& status);

// Whether an attempt that ended with `code` may be sent again: the server was
// unreachable (UNAVAILABLE) or did not answer in time (DEADLINE_EXCEEDED).
bool IsRetryable(grpc::StatusCode code);

// Calls `attempt(grpc::ClientContext*) -> grpc::Status` up to
// options.max_attempts times. Each attempt gets a fresh ClientContext whose
// deadline is options.deadline from its start. A retryable status (see
// IsRetryable) is followed by a pause of first_backoff, 2*first_backoff, ...
// and another attempt; any other status is returned at once. Returns the last
// status.
//
// `attempt` must send the SAME request every time (capture it by reference,
// do not rebuild it), so a request_id in it stays the same across retries.
template <typename Attempt>
grpc::Status CallWithRetry(const CallOptions& options, Attempt&& attempt) {
  const int attempts = options.max_attempts < 1 ? 1 : options.max_attempts;
  std::chrono::milliseconds backoff = options.first_backoff;
  grpc::Status status;
  for (int i = 0; i < attempts; ++i) {
    if (i > 0) {
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + options.deadline);
    AddCredentials(&context, options);
    status = attempt(&context);
    if (!IsRetryable(status.error_code())) break;
  }
  return status;
}

// CallWithRetry for one generated stub method, for example
//   UnaryWithRetry(options, *stub, &Stub::GetTicket, request, &response).
template <typename Stub, typename Request, typename Response>
grpc::Status UnaryWithRetry(
    const CallOptions& options, Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request, Response* response) {
  return CallWithRetry(options, [&](grpc::ClientContext* context) {
    return (stub.*method)(context, request, response);
  });
}

// Lets one thread stop a streaming call that another thread is blocked in.
// Cancel() before the call starts makes the call end at once; Cancel() during
// it cancels its ClientContext. Once cancelled it stays cancelled.
class StreamCanceller {
 public:
  StreamCanceller() = default;
  StreamCanceller(const StreamCanceller&) = delete;
  StreamCanceller& operator=(const StreamCanceller&) = delete;

  void Cancel();
  bool cancelled() const;

  // For the code running the stream: registers the context to cancel
  // (nullptr to unregister). Returns false if already cancelled, in which case
  // the caller should not start the call.
  bool Attach(grpc::ClientContext* context);

 private:
  mutable std::mutex mu_;
  grpc::ClientContext* context_ = nullptr;  // guarded by mu_
  bool cancelled_ = false;                  // guarded by mu_
};

}  // namespace shop::queue::client
