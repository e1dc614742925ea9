// What the queue asks of the work that hangs off a ticket while it is served
// (today a SIM-replacement case: cases/case_hooks.h). The queue knows
// nothing of that work; whoever assembles the server installs the hooks
// (QueueManager::set_serving_hooks). Without hooks, serving opens nothing
// and nothing holds a ticket back.
//
// The hooks run inside the queue's own transaction, so the ticket's change
// and the work's change commit together or not at all.
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "server/domain/common/branch.h"
#include "server/domain/common/status.h"
#include "server/domain/queue/ticket.h"
#include "server/domain/store.h"

namespace shop::queue {

class ServingHooks {
 public:
  virtual ~ServingHooks() = default;
  // Serving `t` (of `service`) started at its counter: opens the work the
  // service needs, or finds the one the ticket already has (back from
  // parking). Returns its id, or 0 when the service needs none.
  virtual Result<int64_t> OnStart(WriteTx& tx, const Ticket& t, const ServiceConfig& service,
                                  const std::string& actor, absl::Time now) = 0;
  // May `t` end (complete, no-show) or move to another service (transfer)?
  // FAILED_PRECONDITION says why not.
  virtual Status CanEnd(ReadTx& tx, const Ticket& t) = 0;
  // May `t` be parked? FAILED_PRECONDITION says why not.
  virtual Status CanPark(ReadTx& tx, const Ticket& t) = 0;
  // `t` expired unserved (waiting or parked at closing, `t` as it was
  // before): ends the work it still had.
  virtual Status OnExpire(WriteTx& tx, const Ticket& t, absl::Time now) = 0;
};

}  // namespace shop::queue
