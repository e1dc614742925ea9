// QueueManager: the queue's use cases (issue a ticket, open a counter, call,
// recall, serve, transfer, park, expire) over a Store, a Clock and the board.
//
// It validates input against the configuration (returning kInvalidArgument
// with the request field's name), runs each use case as one write
// transaction, and publishes board updates after commit. It knows nothing of
// gRPC or SQL.
//
// Thread-safe: every method may be called from many threads at once; the
// Store serialises the writes. Does not own the Store, Clock or BoardHub;
// they must outlive it.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/domain/queue/board.h"
#include "server/domain/common/branch.h"
#include "server/domain/common/clock.h"
#include "server/domain/common/status.h"
#include "server/domain/queue/serving_hooks.h"
#include "server/domain/store.h"
#include "server/domain/queue/ticket.h"

namespace shop::queue {

// A ticket with what the customer wants to know about it now.
struct TicketView {
  Ticket ticket;
  int position = 0;                     // meaningful while waiting
  absl::Duration estimated_wait;        // meaningful while waiting
  int64_t case_id = 0;  // the SIM-replacement case a start opened, else 0
  // CreateTicket: the customer's phone was kept for "your turn is near".
  bool turn_near_sms = false;
};

struct ServiceView {
  const ServiceConfig* config = nullptr;
  int waiting = 0;
  int open_counters = 0;
  absl::Duration average_service_time;
  // What a ticket taken now can expect: the tickets called before it, times
  // the average, over the open counters (one when none is open).
  absl::Duration estimated_wait;
};

struct CounterView {
  CounterRow row;
  const CounterConfig* config = nullptr;
  std::optional<Ticket> current;  // called or serving (else the latest parked)
  std::vector<TicketEvent> current_transfers;  // the current ticket's, oldest first
};

struct CreateTicketInput {
  std::string branch_id;
  std::string service_prefix;
  Language language = Language::kRu;
  Priority priority = Priority::kNone;
  std::string request_id;
  // Optional: a mobile number for "your turn is near" (turn_near.h), in any
  // form NormalizeRuMobile takes.
  std::string notify_phone;
};

// What a counter does to a ticket it holds.
enum class CounterAction { kRecall, kStart, kComplete, kNoShow, kPark, kReturn };

class QueueManager {
 public:
  // `random_bytes(n)` returns n bytes of a CSPRNG (status tokens); null: the
  // standard library's std::random_device (tests).
  QueueManager(const ServerConfig& config, Store& store, const Clock& clock, BoardHub& board,
               std::function<std::string(size_t)> random_bytes = nullptr);

  // Installs what serving a ticket asks of other areas (a SIM case opened
  // on start, one still open holding the ticket back). Call before serving;
  // `hooks` must outlive the manager. Without hooks nothing is opened.
  void set_serving_hooks(ServingHooks* hooks) { hooks_ = hooks; }

  const ServerConfig& config() const { return config_; }
  const Clock& clock() const { return clock_; }

  // Kiosk.
  Result<const BranchConfig*> GetBranch(const std::string& branch_id) const;
  Result<std::vector<ServiceView>> ListServices(const std::string& branch_id);
  // `who` (when given) is the authenticated caller: it is named in the audit
  // log, and at a counter a clerk may act only on a counter he opened
  // (supervisors on any). Tests and tools may pass nullptr.
  Result<TicketView> CreateTicket(const CreateTicketInput& in, const Principal* who = nullptr);
  Result<TicketView> GetTicket(const std::string& branch_id, int64_t ticket_id);
  // The customer's view of the ticket with this status token (a live page):
  // NOT_FOUND alike for an unknown token and for a ticket that has ended;
  // INVALID_ARGUMENT ("token") for a value that cannot be a token.
  Result<TicketView> GetTicketByStatusToken(const std::string& token);
  // The same for many tokens in one read (live pages): nullopt for each
  // unknown or ended one.
  Result<std::vector<std::optional<TicketView>>> GetTicketsByStatusToken(
      const std::vector<std::string>& tokens);
  // A fresh status token for a ticket about to be issued.
  std::string NewStatusToken() const;
  // Tickets issued by this process (kiosk and check-in), for metrics.
  uint64_t issued_count() const { return issued_.load(std::memory_order_relaxed); }
  // The id of the ticket a caller names: `ticket_id`, or the printed number
  // of today's ticket (`ticket_number`, "R017", any case) in the branch's
  // business day. Both given: they must name the same ticket.
  // INVALID_ARGUMENT for neither or a malformed number, NOT_FOUND for a
  // number not issued today.
  Result<int64_t> ResolveTicket(const std::string& branch_id, int64_t ticket_id,
                                const std::string& ticket_number);

  // Counter.
  Result<CounterView> GetCounter(const std::string& branch_id, const std::string& counter_id);
  Result<CounterView> OpenCounter(const std::string& branch_id, const std::string& counter_id,
                                  const std::vector<std::string>& services,
                                  const Principal* who = nullptr);
  Result<CounterView> CloseCounter(const std::string& branch_id, const std::string& counter_id,
                                   const Principal* who = nullptr);
  Result<TicketView> CallNext(const std::string& branch_id, const std::string& counter_id,
                              const std::string& request_id, const Principal* who = nullptr);
  Result<TicketView> CallChosen(const std::string& branch_id, const std::string& counter_id,
                                int64_t ticket_id, const Principal* who = nullptr);
  Result<TicketView> Act(const std::string& branch_id, const std::string& counter_id,
                         int64_t ticket_id, CounterAction action, const Principal* who = nullptr);
  Result<TicketView> Transfer(const std::string& branch_id, const std::string& counter_id,
                              int64_t ticket_id, const std::string& target_prefix,
                              const Principal* who = nullptr);
  Result<std::vector<Ticket>> ListTickets(const std::string& branch_id,
                                          std::optional<TicketState> state, int64_t after_id,
                                          int limit);

  // After a ticket was issued in another use case's transaction (a booking's
  // check-in): updates the board and returns the ticket with its position.
  Result<TicketView> AnnounceIssued(const BranchConfig& b, const Ticket& t);

  // Board: the first message of a stream.
  Result<BoardUpdate> BoardSnapshot(const std::string& branch_id, int recent_calls);
  // Sends watching boards the branch's state as it is now (no calls): after
  // a change that lives outside the queue, such as a device's status.
  void PublishBoardState(const std::string& branch_id);

  // Expires tickets still waiting or parked after closing time or from an
  // earlier business day. Returns how many expired.
  Result<int> ExpireOverdue();
  // Forgets client request ids older than [housekeeping] request_id_days,
  // the "turn is near" rows of tickets that have ended, and the phones of
  // "turn is near" SMS that were sent or given up or are older than
  // [privacy] retention (the messages stay, without a recipient). Returns
  // how many.
  Result<int> PruneRequests();

  // Several servers share the store (a chain's database): board updates
  // then come from the store's change feed (Store::WatchChanges), for this
  // server's own changes too, so the boards of every replica show every
  // call, once. Starts where the store is now. Call before serving.
  Status FollowStoreChanges();
  // The feed: a change was committed in `branch_id` ("" = in any branch).
  void OnStoreChange(const std::string& branch_id);

 private:
  Result<const BranchConfig*> Branch(const std::string& branch_id) const;
  Result<const CounterConfig*> Counter(const BranchConfig& b, const std::string& counter_id) const;
  // The branch, after checking the counter exists and (if given) that the
  // ticket id is well-formed.
  Result<const BranchConfig*> ForCounter(const std::string& branch_id,
                                         const std::string& counter_id,
                                         std::optional<int64_t> ticket_id) const;
  // After a counter opened or closed: refresh estimates and the board, and
  // return the counter as it is now.
  Result<CounterView> AfterCounterChange(const BranchConfig& b, const std::string& counter_id);
  Result<TicketView> View(ReadTx& tx, const BranchConfig& b, const Ticket& t, absl::Time now);
  Result<TicketView> ViewAfterWrite(const BranchConfig& b, const Ticket& t);
  void PublishAfterCommit(const BranchConfig& b, const std::vector<CallRecord>& calls);
  // Feed mode: publishes the branch's calls since the last one published,
  // with its state.
  void PublishFromStore(const BranchConfig& b);
  // The branch's state every board message carries (waiting counts, due
  // appointments, device faults, zone and name), read in `tx` at `now`.
  static Status FillBranchState(ReadTx& tx, const BranchConfig& b, absl::Time now,
                                BoardUpdate& u);

  // What the wait estimate of a service needs: the rolling average service
  // time and the open counters serving it. Kept for kRateTtl (an estimate
  // may be a second or two old) and forgotten when this server opens or
  // closes a counter or completes a ticket of the branch.
  struct ServiceRate {
    absl::Duration average;
    int open_counters = 0;
    absl::Time computed;
  };
  static constexpr absl::Duration kRateTtl = absl::Seconds(2);
  Result<ServiceRate> RateOf(ReadTx& tx, const BranchConfig& b, const std::string& prefix,
                             absl::Time now);
  void ForgetRates(const std::string& branch_id);

  const ServerConfig& config_;
  Store& store_;
  const Clock& clock_;
  BoardHub& board_;
  std::function<std::string(size_t)> random_bytes_;
  ServingHooks* hooks_ = nullptr;
  std::atomic<uint64_t> issued_{0};
  std::atomic<bool> following_store_{false};
  std::mutex feed_mu_;                               // one feed publication at a time
  std::map<std::string, int64_t> last_call_event_;  // guarded by feed_mu_
  std::mutex rate_mu_;
  std::map<std::pair<std::string, std::string>, ServiceRate> rates_;  // guarded by rate_mu_
};

// Checks a CreateTicket input against the configuration: the branch exists,
// the service belongs to it, the request id is well-formed. Returns the branch.
Result<const BranchConfig*> ValidateCreateTicket(const ServerConfig& config,
                                                 const CreateTicketInput& in);

// Checks a client request id: 1-64 printable ASCII characters.
Status ValidateRequestId(const std::string& request_id, const std::string& field = "request_id");

}  // namespace shop::queue
