// RemoteClient: the staff side of the remote route of a SIM replacement,
// over RemoteService: the reviewer's queue of online applications, one
// application with its photos beside the operator register's holder,
// approval, rejection with a reason, the card's dispatch (which returns the
// envelope's one-time activation code), cancellation by staff, and the
// pickup counter's list of cards waiting at the shop and their hand-over. It holds no UI: the `counter review` commands
// and the desktop counter's review screen drive it.
//
// Every method returns the server's grpc::Status and fills its out-parameter
// only when the status is OK. Refusals come back unchanged: INVALID_ARGUMENT
// carries a google.rpc.BadRequest with every bad field in its details (see
// client::FieldErrors in common/client/errors.h); PERMISSION_DENIED is also
// the answer to a reviewer approving his own first approval again (four
// eyes).
//
// The channel: GetApplication answers carry two photos of up to 5 MiB each,
// more than gRPC's default 4 MiB receive limit. Make the channel with
// RemoteClient::kChannelLimits (client::MakeChannel or client::Connect);
// the other clients keep their channels' defaults. GetApplication's deadline
// is at least kPhotoDeadline, whatever CallOptions says: the photos take
// longer than a ticket over a slow line.
//
// Retries: the reads (List, Get, Pickups) and Dispatch are retried on
// UNAVAILABLE and DEADLINE_EXCEEDED as CallOptions says: the very same
// DispatchCard again is safe (the server answers it again, with a new
// activation code that replaces a lost one, within an hour of the dispatch
// and before any activation attempt); so is calling Dispatch again by hand
// after a lost answer. Approve, Reject, Cancel and HandOver are sent exactly
// once (they carry no request id); they wait, up to the deadline, for the
// channel to connect. A call refused with UNAUTHENTICATED is sent again once
// when the session file holds a new session (client::WithSessionRenewal).
//
// Thread-safety: thread-safe; immutable after construction.
// Ownership: owns its stub, which shares the channel given.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/channel.h>

#include "common/client/rpc.h"
#include "counter/case_client.h"
#include "shop/queue/v1/remote_service.grpc.pb.h"

namespace shop::queue::counter {

class RemoteClient {
 public:
  // What a review channel must accept: GetApplication's answer (two photos
  // of up to 5 MiB, the application and the holder) with room to spare.
  static constexpr client::ChannelLimits kChannelLimits{12 * 1024 * 1024};
  // The least deadline of GetApplication.
  static constexpr std::chrono::milliseconds kPhotoDeadline{20000};

  explicit RemoteClient(std::shared_ptr<grpc::ChannelInterface> channel,
                        client::CallOptions options = {});
  // For tests: any stub (for example a mock).
  explicit RemoteClient(std::unique_ptr<v1::RemoteService::StubInterface> stub,
                        client::CallOptions options = {});

  // Applications in `state` (AWAITING_REVIEW or AWAITING_DISPATCH), oldest
  // first, at most `page_size` (0: the server's maximum, 200).
  grpc::Status List(v1::ApplicationState state, int page_size,
                    std::vector<v1::ApplicationSummary>* out) const;
  // One application with its photos and the register's holder.
  grpc::Status Get(int64_t case_id, v1::GetApplicationResponse* out) const;

  // Approves; out->state() says whether the review is complete
  // (AWAITING_DISPATCH) or waits for a second reviewer (AWAITING_REVIEW with
  // first_approver).
  grpc::Status Approve(int64_t case_id, v1::Application* out) const;
  // Rejects with `reason`; the application is CANCELLED.
  grpc::Status Reject(int64_t case_id, v1::RejectReason reason, v1::Application* out) const;
  // Binds the blank card `iccid` and posts it with `tracking_number` (""
  // for a pickup). out->activation_code() is shown only here, once.
  grpc::Status Dispatch(int64_t case_id, std::string_view iccid,
                        std::string_view tracking_number, v1::DispatchCardResponse* out) const;

  // Ends an unfinished application with `reason` (a lost envelope, fraud,
  // the customer's call, a faulty card); the application is CANCELLED.
  grpc::Status Cancel(int64_t case_id, v1::CancelReason reason, v1::Application* out) const;

  // The cards waiting at shop `branch_id` for their applicants, oldest
  // first, with the question to ask; only `phone`'s when it is not "".
  grpc::Status Pickups(std::string_view branch_id, std::string_view phone,
                       v1::ListPickupsResponse* out) const;
  // At the pickup shop's counter: the document presented, the face and the
  // customer's answer. A failed check is OK with out->activated() false.
  grpc::Status HandOver(int64_t case_id, const IdentityCheck& check,
                        v1::HandOverCardResponse* out) const;

 private:
  using Stub = v1::RemoteService::StubInterface;

  // Sends `request` exactly once (see the retry note above).
  template <typename Request, typename Response>
  grpc::Status SendOnce(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                     Response*),
                        const Request& request, Response* response) const;

  std::unique_ptr<Stub> stub_;
  client::CallOptions options_;
};

// The IANA time zone of `branch_id` as the public branch list says
// (BookingService.ListBranches, which names the branches that take
// appointments); "" when the branch is not there or the call fails. For the
// queue's times: ApplicationSummary names no zone (one Application does).
std::string LookUpBranchZone(const std::shared_ptr<grpc::ChannelInterface>& channel,
                             const client::CallOptions& options, const std::string& branch_id);

}  // namespace shop::queue::counter
