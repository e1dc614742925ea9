// BoardClient: the live board stream of one branch (BoardService.WatchBoard),
// shared by `counter board` and the hall display `board`. It holds no UI.
//
// WatchBoardLive keeps a board running across server restarts: it reports
// the connection going away and coming back once each, reconnects quietly
// with back-off, and gives every message (the fresh snapshot after a
// reconnect too) to the caller, who can catch up from it.
//
// Thread-safety: thread-safe; the object is immutable after construction and
// gRPC stubs may be shared by threads. The Watch methods block their caller;
// another thread stops them through a StreamCanceller.
// Ownership: owns its stub, which shares the channel given.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "common/client/rpc.h"
#include "shop/queue/v1/board_service.grpc.pb.h"

namespace shop::queue::client {

// Called with each board message; return false to stop watching.
using BoardCallback = std::function<bool(const ::shop::queue::v1::WatchBoardResponse&)>;

// What WatchBoardLive says about its connection.
enum class BoardLink {
  kLost,  // the stream ended or failed after it had worked: reconnecting
  kBack,  // after kLost, a new stream delivered its first message
};
// Called when the board's connection changes, with the status that ended
// the stream (kLost) or OK (kBack).
using BoardLinkCallback = std::function<void(BoardLink, const grpc::Status&)>;

class BoardClient {
 public:
  // `recent_call_count`: how many recent calls the snapshot carries (0: the
  // server's default of 10, at most 50).
  BoardClient(std::shared_ptr<grpc::ChannelInterface> channel, std::string branch_id,
              CallOptions options = {}, int recent_call_count = 0);
  // For tests: any stub (for example a mock).
  BoardClient(std::unique_ptr<::shop::queue::v1::BoardService::StubInterface> stub,
              std::string branch_id, CallOptions options = {}, int recent_call_count = 0);

  const std::string& branch_id() const { return branch_id_; }

  // Streams the branch's board into `on_message` until the server ends the
  // stream (OK), an error, `on_message` returns false (OK), or `canceller`
  // (may be null) is cancelled (CANCELLED). No deadline. With wait_for_ready
  // the call waits for the server to come up instead of failing at once.
  grpc::Status WatchBoard(const BoardCallback& on_message, StreamCanceller* canceller = nullptr,
                          bool wait_for_ready = false) const;

  // Streams the board into `on_message` until `canceller` (not null) is
  // cancelled (OK) or `on_message` returns false (OK). When the stream ends
  // or fails after it has worked (the server stopped, restarts, the network
  // dropped), it tells `on_link` kLost once and reconnects without a word
  // per attempt: each attempt waits for the server to be reachable
  // (wait_for_ready), and attempts the server refuses at once (while it
  // stops) are spaced out with back-off (see Backoff; `backoff` 0.5 s
  // doubling to 10 s, +-20%, by default). It tells kBack once a new stream
  // delivers its first message (a fresh snapshot). Cancelling also ends a
  // wait. An error before the first message (the server cannot be reached,
  // the token is refused) is returned as is, and so is one that retrying
  // cannot mend (PERMISSION_DENIED, UNAUTHENTICATED without a new session,
  // ...), even after kLost.
  grpc::Status WatchBoardLive(const BoardCallback& on_message, const BoardLinkCallback& on_link,
                              StreamCanceller* canceller, BackoffPolicy backoff = {}) const;

 private:
  // One board stream with `token` (see WatchBoard).
  grpc::Status WatchBoardOnce(const BoardCallback& on_message, StreamCanceller* canceller,
                              bool wait_for_ready, const std::string& token) const;

  std::unique_ptr<::shop::queue::v1::BoardService::StubInterface> stub_;
  std::string branch_id_;
  CallOptions options_;
  int recent_call_count_;
};

// Whether a board stream that ended with `code` (not cancelled by us) may
// work again later: the server ended it, stopped, restarted, failed or was
// unreachable. Refusals that a retry cannot mend are not.
bool BoardWorthReconnecting(grpc::StatusCode code);

}  // namespace shop::queue::client
