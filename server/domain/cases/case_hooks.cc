#include "server/domain/cases/case_hooks.h"

#include "server/domain/cases/case_manager.h"

namespace shop::queue {

Result<int64_t> CaseServingHooks::OnStart(WriteTx& tx, const Ticket& t,
                                          const ServiceConfig& service, const std::string& actor,
                                          absl::Time now) {
  if (!service.opens_case) return int64_t{0};
  // Back from parking, the ticket keeps the case it had.
  auto existing = tx.cases().CaseOfTicket(t.branch_id, t.id);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) return (*existing)->case_id;
  return CaseManager::OpenInTx(tx, t, actor, now);
}

// A ticket with a SIM-replacement case still open cannot end or leave the
// counter: the case must be closed (which completes it) or cancelled first.
Status CaseServingHooks::CanEnd(ReadTx& tx, const Ticket& t) {
  auto c = tx.cases().CaseOfTicket(t.branch_id, t.id);
  if (!c.ok()) return c.status();
  if (c->has_value() && !CaseFinished((*c)->state))
    return Status::FailedPrecondition("ticket " + t.DisplayNumber() + " has SIM-replacement case " +
                                      std::to_string((*c)->case_id) + " open (waiting for " +
                                      StepName((*c)->state) +
                                      "); close or cancel the case first");
  return Status::Ok();
}

// Once a new card is issued, the case must reach its end at the counter
// (activate-and-block, close): the customer may not be set aside with a
// card issued and the old one still working.
Status CaseServingHooks::CanPark(ReadTx& tx, const Ticket& t) {
  auto c = tx.cases().CaseOfTicket(t.branch_id, t.id);
  if (!c.ok()) return c.status();
  if (c->has_value() && ((*c)->state == CaseState::kAwaitingBlock ||
                         (*c)->state == CaseState::kAwaitingClose))
    return Status::FailedPrecondition("ticket " + t.DisplayNumber() + "'s case " +
                                      std::to_string((*c)->case_id) +
                                      " has issued a new card; finish the case before parking");
  return Status::Ok();
}

Status CaseServingHooks::OnExpire(WriteTx& tx, const Ticket& t, absl::Time now) {
  return CaseManager::CancelForExpiredTicketInTx(tx, t, now);
}

}  // namespace shop::queue
