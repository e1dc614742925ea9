// Client RPC plumbing shared by the kiosk and counter programs.
//
// MakeChannel opens a channel to the queue server; NewRequestId makes the
// client-chosen id that lets the server recognise a retried create
// (AIP-155); CallWithRetry sends one unary request, retrying transient
// failures with the same request message; CallOnce sends one that must not
// be repeated; StreamCanceller lets one thread stop a streaming call another
// thread is blocked in; Backoff spaces out reconnection attempts.
//
// Sessions: when the token comes from a file (CallOptions::token_file, as
// `counter login` writes it), every call sends the file's latest token, and a
// call the server refuses with UNAUTHENTICATED is sent once more if the file
// now holds another token (the clerk logged out and in again elsewhere). The
// server checks the token before doing anything, so sending again is safe
// even for calls that are otherwise sent only once.
//
// Thread-safety: the free functions are safe to call from any thread.
// CallWithRetry and CallOnce are reentrant; what they call must be too (gRPC
// stubs are). StreamCanceller and TokenFile are thread-safe; Backoff is not.
// Ownership: channels are shared (std::shared_ptr); nothing here keeps a
// pointer to a caller's request or response after returning.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

namespace shop::queue::client {

// A token kept in a file: the session `counter login` writes, or a kiosk's
// device token. Read when made, and again when the server refuses a token
// (Renewed), so a running program picks up a new login by itself.
class TokenFile {
 public:
  // Reads the first line of `path` ("" if it is missing or empty).
  explicit TokenFile(std::string path);
  TokenFile(const TokenFile&) = delete;
  TokenFile& operator=(const TokenFile&) = delete;

  const std::string& path() const { return path_; }
  // The token last read.
  std::string token() const;
  // Reads the file again. Returns its token if that is not empty and not
  // `refused` (the token a refused call carried); std::nullopt otherwise.
  std::optional<std::string> Renewed(const std::string& refused);

 private:
  const std::string path_;
  mutable std::mutex mu_;
  std::string token_;  // guarded by mu_
};

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
  // Waits up to `delay` or until cancelled; returns cancelled().
  bool WaitFor(std::chrono::milliseconds delay) const;

  // For the code running the stream: registers the context to cancel
  // (nullptr to unregister). Returns false if already cancelled, in which case
  // the caller should not start the call.
  bool Attach(grpc::ClientContext* context);

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cancelled_cv_;
  grpc::ClientContext* context_ = nullptr;  // guarded by mu_
  bool cancelled_ = false;                  // guarded by mu_
};

// How a client calls the server.
struct CallOptions {
  // Deadline of each attempt, from the moment the attempt starts.
  std::chrono::milliseconds deadline{3000};
  // Attempts in all, the first included; 1 means no retry.
  int max_attempts{4};
  // Pause before the second attempt; it doubles before each later one.
  std::chrono::milliseconds first_backoff{100};
  // Session or device token, sent as "authorization: Bearer TOKEN"; empty
  // sends none. Not used when token_file is set.
  std::string token;
  // Where the token comes from, if from a file: calls send its latest token
  // and renew a refused one (see the note at the top).
  std::shared_ptr<TokenFile> token_file;
  // If set, Cancel() on it ends the call in progress at once (CANCELLED)
  // and stops its retries, for a program that is shutting down. One call at
  // a time per canceller (one client used by one thread).
  std::shared_ptr<StreamCanceller> canceller;
};

// The token a call sends now: token_file's if set, else `token`.
std::string CurrentToken(const CallOptions& options);

// Adds "authorization: Bearer `token`" to a call's metadata (nothing if
// `token` is empty).
void AddBearer(grpc::ClientContext* context, const std::string& token);
// Adds the current token of `options` (if any) to a call's metadata.
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

// Limits of a channel that differ from gRPC's defaults. Only a client that
// needs one asks for it; every other channel keeps gRPC's defaults.
struct ChannelLimits {
  // The largest answer the channel accepts, in bytes; 0 keeps gRPC's
  // default (4 MiB). The review's RemoteClient raises it for
  // GetApplication, whose two photos make answers of up to ~10 MiB.
  int max_receive_message_bytes = 0;
};

// Returns a channel to `address` ("host:port"), over TLS when `tls` says so,
// with `limits`. Its own reconnection back-off is capped at 10 s, so a lost
// server is found again within seconds of coming back. Throws
// std::runtime_error naming the file when a TLS file cannot be read.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const TlsFiles& tls = {},
                                           const ChannelLimits& limits = {});

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

// Calls `send(token) -> grpc::Status` with the current token of `options`;
// if the server answers UNAUTHENTICATED and options.token_file now holds
// another token, calls it once more with that one. Returns the last status.
template <typename Send>
grpc::Status WithSessionRenewal(const CallOptions& options, Send&& send) {
  const std::string token = CurrentToken(options);
  grpc::Status status = send(token);
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED && options.token_file) {
    if (std::optional<std::string> renewed = options.token_file->Renewed(token)) {
      status = send(*renewed);
    }
  }
  return status;
}

// Calls `attempt(grpc::ClientContext*) -> grpc::Status` up to
// options.max_attempts times. Each attempt gets a fresh ClientContext whose
// deadline is options.deadline from its start. A retryable status (see
// IsRetryable) is followed by a pause of first_backoff, 2*first_backoff, ...
// and another attempt; any other status is returned at once. Returns the last
// status.
//
// `attempt` must send the SAME request every time (capture it by reference,
// do not rebuild it), so a request_id in it stays the same across retries.
//
// A refused session is renewed as WithSessionRenewal says.
template <typename Attempt>
grpc::Status CallWithRetry(const CallOptions& options, Attempt&& attempt) {
  return WithSessionRenewal(options, [&](const std::string& token) {
    const int attempts = options.max_attempts < 1 ? 1 : options.max_attempts;
    std::chrono::milliseconds backoff = options.first_backoff;
    grpc::Status status;
    const grpc::Status cancelled(grpc::StatusCode::CANCELLED, "cancelled");
    for (int i = 0; i < attempts; ++i) {
      if (i > 0) {
        if (options.canceller) {
          if (options.canceller->WaitFor(backoff)) return cancelled;
        } else {
          std::this_thread::sleep_for(backoff);
        }
        backoff *= 2;
      }
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + options.deadline);
      AddBearer(&context, token);
      if (options.canceller && !options.canceller->Attach(&context)) return cancelled;
      status = attempt(&context);
      if (options.canceller) options.canceller->Attach(nullptr);
      if (!IsRetryable(status.error_code())) break;
    }
    return status;
  });
}

// Calls `attempt(grpc::ClientContext*) -> grpc::Status` once, for requests
// that must not be repeated (no request_id): the context's deadline is
// options.deadline and it waits for the channel to connect (wait_for_ready)
// instead of failing at once while the server restarts. Only a refused
// session is sent again, as WithSessionRenewal says.
template <typename Attempt>
grpc::Status CallOnce(const CallOptions& options, Attempt&& attempt) {
  return WithSessionRenewal(options, [&](const std::string& token) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + options.deadline);
    context.set_wait_for_ready(true);
    AddBearer(&context, token);
    if (options.canceller && !options.canceller->Attach(&context))
      return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    grpc::Status status = attempt(&context);
    if (options.canceller) options.canceller->Attach(nullptr);
    return status;
  });
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

// How Backoff spaces out attempts: `first`, doubling up to `max`, each
// delay varied at random by up to +-`jitter` (0.2: +-20%).
struct BackoffPolicy {
  std::chrono::milliseconds first{500};
  std::chrono::milliseconds max{10000};
  double jitter = 0.2;
};

// Delays between reconnection attempts: exponential back-off with jitter, so
// a client does not hammer a server that is stopping or gone, and clients
// that lost the same server do not come back in step. Not thread-safe.
class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy = {});
  // The delay before the next attempt.
  std::chrono::milliseconds Next();
  // After a success: the next delay is policy.first again.
  void Reset();

 private:
  BackoffPolicy policy_;
  std::chrono::milliseconds base_;
  std::mt19937 random_;
};


}  // namespace shop::queue::client
