// TicketRepo on SQLite: tickets, counters, numbering, requests and events. One
// object per transaction, over the connection that runs it (the writer's, or a
// read-only reader's handed out as the reading half only). Not thread-safe: a
// transaction's thread.
#pragma once

#include "server/domain/queue/ticket_repo.h"

namespace shop::queue::sqlite {

class Db;

class SqliteTicketRepo final : public TicketRepo {
 public:
  explicit SqliteTicketRepo(Db& db) : db_(db) {}

  Result<int> NextNumber(const std::string& branch_id, const std::string& prefix,
                         const std::string& day) override;
  Status InsertTicket(Ticket& t) override;
  Status UpdateTicket(const Ticket& t, TicketState expected) override;
  Result<std::optional<Ticket>> GetTicket(const std::string& branch_id, int64_t id) override;
  Result<std::optional<Ticket>> TicketByStatusToken(const std::string& token) override;
  Result<std::optional<Ticket>> TicketByNumber(const std::string& branch_id,
                                               const std::string& prefix,
                                               const std::string& business_day,
                                               int number) override;
  Result<std::vector<Ticket>> CallCandidates(const std::string& branch_id,
                                             const std::set<std::string>& services,
                                             absl::Time now) override;
  Result<int> CountWaiting(const std::string& branch_id, const std::string& service,
                           QueueTier tier, absl::Time now, const Ticket* before) override;
  Result<std::vector<Ticket>> ListAtCounter(const std::string& branch_id,
                                            const std::string& counter_id) override;
  Result<std::vector<TicketEvent>> ListTransfers(const std::string& branch_id,
                                                 int64_t ticket_id) override;
  Result<std::vector<Ticket>> ListUnfinished(const std::string& branch_id) override;
  Result<std::vector<Ticket>> ListTickets(const std::string& branch_id, const std::string& day,
                                          std::optional<TicketState> state, int64_t after_id,
                                          int limit) override;
  Result<std::map<std::string, int>> WaitingCounts(const std::string& branch_id) override;
  Result<std::vector<absl::Duration>> RecentServiceTimes(const std::string& branch_id,
                                                         const std::string& prefix,
                                                         int limit) override;
  Result<std::optional<PriorRequest>> FindRequest(const std::string& branch_id,
                                                  const std::string& method,
                                                  const std::string& caller,
                                                  const std::string& request_id) override;
  Status SaveRequest(const std::string& branch_id, const std::string& method,
                     const std::string& caller, const std::string& request_id,
                     const std::string& params, int64_t ticket_id, absl::Time now) override;
  Result<std::optional<CounterRow>> GetCounter(const std::string& branch_id,
                                               const std::string& counter_id) override;
  Result<std::vector<CounterRow>> ListCounters(const std::string& branch_id) override;
  Status SaveCounter(const CounterRow& c) override;
  Status AppendEvent(const TicketEvent& e) override;
  Result<int> PruneRequests(absl::Time before) override;
  Result<std::vector<NoticeCandidate>> PendingNotices(const std::string& branch_id,
                                                      const std::string& service) override;
  Status SaveNotice(int64_t ticket_id, const std::string& phone, Language language) override;
  Status MarkNoticed(int64_t ticket_id, absl::Time now) override;
  Result<int> PruneNotices() override;
  Result<std::vector<CallRecord>> RecentCalls(const std::string& branch_id, int limit) override;
  Result<std::vector<CallRecord>> CallsAfter(const std::string& branch_id, int64_t after_event_id,
                                             int limit) override;
  Result<std::vector<Ticket>> DueAppointments(const std::string& branch_id, absl::Time due_by,
                                              int limit) override;

 private:
  // Runs one of the COUNT statements of a tier (parameters as kCountWalkIn's).
  Result<int> CountInTier(const char* sql, const std::string& branch_id,
                          const std::string& service, absl::Time now, const Ticket* before);

  Db& db_;
};

}  // namespace shop::queue::sqlite
