// RemotePublicCalls: the applicant's use cases of the remote route of a SIM
// replacement (apply, follow the status, withdraw, activate the card; the
// operators for the form) with their transport left out. RemoteServiceImpl
// (gRPC) and the HTTP face's JSON API both run them, after their own entry
// checks (call gate, request bounds, the per-address rate limit), so both
// faces answer alike.
//
// What never leaves through here: the reference after the first answer (or
// a retry's with the same request id, phone and document), the case id, and
// unmasked personal data. None of them is logged.
//
// Thread-safe; borrows the config and the manager, which must outlive it.
#pragma once

#include "server/domain/common/status.h"
#include "server/domain/remote/remote_manager.h"
#include "shop/queue/v1/remote_service.pb.h"

namespace shop::queue::service {

namespace pb = ::shop::queue::v1;

class RemotePublicCalls {
 public:
  RemotePublicCalls(const ServerConfig& config, RemoteManager& remote)
      : config_(config), remote_(remote) {}

  Status ApplyForReplacement(const pb::ApplyForReplacementRequest& req,
                             pb::ApplyForReplacementResponse* resp);
  Status GetApplicationStatus(const pb::GetApplicationStatusRequest& req,
                              pb::GetApplicationStatusResponse* resp);
  Status WithdrawApplication(const pb::WithdrawApplicationRequest& req,
                             pb::WithdrawApplicationResponse* resp);
  Status ActivateCard(const pb::ActivateCardRequest& req, pb::ActivateCardResponse* resp);
  Status ListOperators(const pb::ListOperatorsRequest& req, pb::ListOperatorsResponse* resp);

 private:
  const ServerConfig& config_;
  RemoteManager& remote_;
};

}  // namespace shop::queue::service
