// The SIM-replacement case's side of serving a ticket (queue/serving_hooks.h):
// starting to serve a ticket of a case-opening service opens its case; a
// ticket with an open case cannot end or move, one whose case has issued
// a new card cannot be parked, and a parked one that expires at closing
// cancels its case.
#pragma once

#include "server/domain/queue/serving_hooks.h"

namespace shop::queue {

class CaseServingHooks final : public ServingHooks {
 public:
  Result<int64_t> OnStart(WriteTx& tx, const Ticket& t, const ServiceConfig& service,
                          const std::string& actor, absl::Time now) override;
  Status CanEnd(ReadTx& tx, const Ticket& t) override;
  Status CanPark(ReadTx& tx, const Ticket& t) override;
  Status OnExpire(WriteTx& tx, const Ticket& t, absl::Time now) override;
};

}  // namespace shop::queue
