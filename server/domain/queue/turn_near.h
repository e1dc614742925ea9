// "Your turn is near": a customer who left a phone (with a booking, or by
// opting in at the kiosk) gets one SMS when `notify_ahead` (per service) or
// fewer people are ahead of his ticket. The check runs in the transaction of
// every call of the service, so the notice is queued in the outbox together
// with the call that brought the ticket near, and is sent like every other
// message (server/notify). Once per ticket: the phone is forgotten when the
// notice is queued, and when the ticket ends (PruneNotices); the SMS's own
// copy of it once the SMS is sent or dead, or past the privacy retention
// (QueueManager::PruneRequests).
//
// Only while the server can send an SMS ([notify] enabled with an SMS
// gateway, NotifyConfig::SendsSms): otherwise no phone is kept and no notice
// is queued, since a notice held back until sending is turned on would come
// long after the turn.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "server/domain/common/branch.h"
#include "server/domain/common/status.h"
#include "server/domain/common/templates.h"
#include "server/domain/queue/ticket.h"
#include "server/domain/store.h"

namespace shop::queue {

// How many waiting tickets are ahead of the waiting ticket `t` at `now`: the
// position its slip and its page show.
Result<int> PeopleAhead(ReadTx& tx, const Ticket& t, absl::Time now);

// Whether a ticket `ahead` places from its turn still wants the notice: SMS
// can be sent (`notify`), its service sends them (notify_ahead > 0) and it is
// not that near yet.
bool NoticeWanted(const NotifyConfig& notify, const BranchConfig& b, const Ticket& t, int ahead);

// Keeps `phone` (normalised) for the notice of the new ticket `t`, unless
// no SMS can be sent, its service sends none (notify_ahead 0) or the ticket
// is near already (its slip says how many are ahead). Returns whether the
// phone was kept (CreateTicketResponse.turn_near_sms).
Result<bool> KeepNoticePhone(WriteTx& tx, const NotifyConfig& notify, const BranchConfig& b,
                             const Ticket& t, const std::string& phone, absl::Time now);

// Whether ticket `t` has had a phone kept for its notice: it still waits
// for the notice, or the notice was queued. For the answer to a retried
// CreateTicket.
Result<bool> NoticeKept(ReadTx& tx, const Ticket& t);

// Queues the notices of the waiting tickets of `service` that are near now;
// returns how many were queued. None while no SMS can be sent.
Result<int> QueueTurnNearNotices(WriteTx& tx, const NotifyConfig& notify, const BranchConfig& b,
                                 const MessageTemplates& texts, const std::string& service,
                                 absl::Time now);

// The outbox subject of a ticket's messages: "ticket:<id>".
inline constexpr const char* kTicketSubjectPrefix = "ticket:";
std::string TicketSubject(int64_t ticket_id);

}  // namespace shop::queue
