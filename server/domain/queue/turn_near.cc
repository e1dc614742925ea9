#include "server/domain/queue/turn_near.h"

#include <limits>

#include "server/domain/queue/queue_policy.h"

namespace shop::queue {

Result<int> PeopleAhead(ReadTx& tx, const Ticket& t, absl::Time now) {
  if (t.state != TicketState::kWaiting) return 0;
  const QueueTier mine = TierOf(t, now);
  int ahead = 0;
  for (QueueTier tier : kAllTiers) {
    if (tier > mine) break;
    auto n = tx.tickets().CountWaiting(t.branch_id, t.service_prefix, tier, now,
                                       tier == mine ? &t : nullptr);
    if (!n.ok()) return n.status();
    ahead += *n;
  }
  return ahead;
}

Result<bool> KeepNoticePhone(WriteTx& tx, const NotifyConfig& notify, const BranchConfig& b,
                             const Ticket& t, const std::string& phone, absl::Time now) {
  if (phone.empty()) return false;
  if (!NoticeWanted(notify, b, t, std::numeric_limits<int>::max())) return false;
  auto ahead = PeopleAhead(tx, t, now);
  if (!ahead.ok()) return ahead.status();
  if (!NoticeWanted(notify, b, t, *ahead)) return false;
  QUEUE_RETURN_IF_ERROR(tx.tickets().SaveNotice(t.id, phone, t.language));
  return true;
}

Result<bool> NoticeKept(ReadTx& tx, const Ticket& t) {
  auto pending = tx.tickets().PendingNotices(t.branch_id, t.service_prefix);
  if (!pending.ok()) return pending.status();
  for (const NoticeCandidate& c : *pending)
    if (c.ticket.id == t.id) return true;
  auto queued = tx.outbox().OutboxFor(TicketSubject(t.id));
  if (!queued.ok()) return queued.status();
  return !queued->empty();
}

bool NoticeWanted(const NotifyConfig& notify, const BranchConfig& b, const Ticket& t, int ahead) {
  if (!notify.SendsSms()) return false;
  const ServiceConfig* s = b.FindService(t.service_prefix);
  return s && s->notify_ahead > 0 && ahead > s->notify_ahead;
}

std::string TicketSubject(int64_t ticket_id) {
  return kTicketSubjectPrefix + std::to_string(ticket_id);
}

Result<int> QueueTurnNearNotices(WriteTx& tx, const NotifyConfig& notify, const BranchConfig& b,
                                 const MessageTemplates& texts, const std::string& service,
                                 absl::Time now) {
  if (!notify.SendsSms()) return 0;
  const ServiceConfig* s = b.FindService(service);
  if (!s || s->notify_ahead <= 0) return 0;
  auto pending = tx.tickets().PendingNotices(b.branch_id, service);
  if (!pending.ok()) return pending.status();
  int queued = 0;
  for (const NoticeCandidate& c : *pending) {
    auto ahead = PeopleAhead(tx, c.ticket, now);
    if (!ahead.ok()) return ahead.status();
    if (*ahead > s->notify_ahead) continue;
    const int lang = static_cast<int>(c.language) - 1;
    OutboxMessage m;
    m.created = now;
    m.channel = "sms";
    m.recipient = c.phone;
    m.subject = TicketSubject(c.ticket.id);
    m.language = static_cast<int>(c.language);
    m.text = texts.Render("turn_near", c.language,
                          {{"number", c.ticket.DisplayNumber()},
                           {"ahead", std::to_string(*ahead)},
                           {"service", s->names[lang].empty() ? s->names[1] : s->names[lang]},
                           {"branch", b.display_name}});
    QUEUE_RETURN_IF_ERROR(tx.outbox().EnqueueMessage(m));
    QUEUE_RETURN_IF_ERROR(tx.tickets().MarkNoticed(c.ticket.id, now));
    ++queued;
  }
  return queued;
}

}  // namespace shop::queue
