#include "common/client/board_client.h"

#include <utility>

namespace shop::queue::client {
namespace {

namespace v1 = ::shop::queue::v1;

// Detaches a context from a StreamCanceller when the stream's scope ends, so
// Cancel() never touches a destroyed context.
class CancellerAttachment {
 public:
  CancellerAttachment(StreamCanceller* canceller, grpc::ClientContext* context)
      : canceller_(canceller) {
    attached_ = canceller_ == nullptr || canceller_->Attach(context);
  }
  ~CancellerAttachment() {
    if (canceller_ != nullptr) canceller_->Attach(nullptr);
  }
  CancellerAttachment(const CancellerAttachment&) = delete;
  CancellerAttachment& operator=(const CancellerAttachment&) = delete;

  // False if the canceller was cancelled before the stream started.
  bool attached() const { return attached_; }

 private:
  StreamCanceller* canceller_;
  bool attached_ = true;
};

}  // namespace

BoardClient::BoardClient(std::shared_ptr<grpc::ChannelInterface> channel, std::string branch_id,
                         CallOptions options, int recent_call_count)
    : BoardClient(v1::BoardService::NewStub(channel), std::move(branch_id), std::move(options),
                  recent_call_count) {}

BoardClient::BoardClient(std::unique_ptr<v1::BoardService::StubInterface> stub,
                         std::string branch_id, CallOptions options, int recent_call_count)
    : stub_(std::move(stub)),
      branch_id_(std::move(branch_id)),
      options_(std::move(options)),
      recent_call_count_(recent_call_count) {}

grpc::Status BoardClient::WatchBoard(const BoardCallback& on_message, StreamCanceller* canceller,
                                     bool wait_for_ready) const {
  return WithSessionRenewal(options_, [&](const std::string& token) {
    return WatchBoardOnce(on_message, canceller, wait_for_ready, token);
  });
}

grpc::Status BoardClient::WatchBoardOnce(const BoardCallback& on_message,
                                         StreamCanceller* canceller, bool wait_for_ready,
                                         const std::string& token) const {
  grpc::ClientContext context;
  context.set_wait_for_ready(wait_for_ready);
  AddBearer(&context, token);
  CancellerAttachment attachment(canceller, &context);
  if (!attachment.attached()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");

  v1::WatchBoardRequest request;
  request.set_branch_id(branch_id_);
  request.set_recent_call_count(recent_call_count_);
  std::unique_ptr<grpc::ClientReaderInterface<v1::WatchBoardResponse>> reader =
      stub_->WatchBoard(&context, request);
  v1::WatchBoardResponse message;
  bool stopped = false;
  while (reader->Read(&message)) {
    if (!on_message(message)) {
      stopped = true;
      context.TryCancel();
      while (reader->Read(&message)) {
      }  // drain what was in flight
      break;
    }
  }
  grpc::Status status = reader->Finish();
  return stopped ? grpc::Status::OK : status;
}

bool BoardWorthReconnecting(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:  // by the server (shutdown), not by us
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
      return true;
    default:
      return false;
  }
}

grpc::Status BoardClient::WatchBoardLive(const BoardCallback& on_message,
                                         const BoardLinkCallback& on_link,
                                         StreamCanceller* canceller,
                                         BackoffPolicy policy) const {
  Backoff backoff(policy);
  bool connected_once = false;
  bool lost = false;
  bool stop = false;
  for (;;) {
    // After a loss, wait_for_ready: while the server is unreachable the
    // attempt waits (quietly, until gRPC's own reconnection, capped at 10 s
    // by MakeChannel, gets through); the back-off spaces out attempts the
    // server answers at once, as while it stops.
    grpc::Status status = WatchBoard(
        [&](const v1::WatchBoardResponse& message) {
          if (!connected_once || lost) {
            connected_once = true;
            backoff.Reset();
            if (lost) {
              lost = false;
              on_link(BoardLink::kBack, grpc::Status::OK);
            }
          }
          stop = !on_message(message);
          return !stop;
        },
        canceller, /*wait_for_ready=*/lost);
    if (stop || canceller->cancelled()) return grpc::Status::OK;
    if (!connected_once || !BoardWorthReconnecting(status.error_code())) return status;
    if (!lost) {
      lost = true;
      on_link(BoardLink::kLost, status);
    }
    if (canceller->WaitFor(backoff.Next())) return grpc::Status::OK;
  }
}

}  // namespace shop::queue::client
