// CaseManager: the SIM-replacement case's use cases over the Store. Each step
// is one write transaction that checks the case waits for that step (so the
// server, not the client, enforces the order), writes the step's record and
// the audit entry, and changes nothing when it refuses.
//
// The counter sees no register data about the subscriber until the identity
// check passed (CaseView::account is empty before).
//
// Supervisor actions (unlock a number, waive the fee, cancel a paid case)
// take a supervisor's own login and password at that moment (a
// SupervisorConfirm), checked by AuthManager::ConfirmSupervisor; both the
// clerk and the supervisor are named in the records and the audit log.
//
// Thread-safe; borrows everything it is given.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/staff/auth.h"
#include "server/domain/staff/auth_manager.h"
#include "server/domain/common/branch.h"
#include "server/domain/common/clock.h"
#include "server/domain/common/personal_data.h"
#include "server/domain/cases/sim_case.h"
#include "server/domain/store.h"

namespace shop::queue {

// What the counter may see of the register once identity has passed.
struct AccountView {
  std::string holder_name_masked;
  std::string operator_id;
  std::string active_iccid_last4;
  absl::Time last_sim_change = absl::InfinitePast();
};

struct CaseView {
  SimCase c;
  std::vector<CaseRecord> records;
  std::optional<AccountView> account;  // only after the identity check passed
  std::string question;                // the knowledge question to ask, if any
  // What the case waits for and what that step still needs, for the clerk.
  std::string next_step;
  std::string hint;
  // The language the customer chose at the kiosk (known once the case is
  // finished, for the summary).
  Language customer_language = Language::kRu;
};

struct IdentityOutcome {
  CaseView view;
  bool passed = false;
  int attempts_left = 0;  // before the number locks
  bool locked = false;    // this failure locked the number
};

// "case:<id>": a case's subject in the audit log and the outbox.
std::string CaseSubject(int64_t case_id);

// A random choice among the knowledge questions (not a secret: the answer is).
uint32_t QuestionPick();

// A time a person reads ("2026-03-11 10:00"): always in the branch's zone.
std::string ShortTime(absl::Time t, absl::TimeZone tz);

// Appends a step's immutable record to case `c` and its audit entry ("case."
// + step), inside `tx`. Both routes write their steps through this.
Status AppendCaseStep(WriteTx& tx, const SimCase& c, absl::Time now, const std::string& actor,
                      std::string step, std::string outcome, std::string detail,
                      const std::string& supervisor = {});

struct SupervisorConfirm {
  std::string login;
  std::string password;
};

struct IdentityInput {
  std::string document_type;    // as presented now
  std::string document_number;  // as presented now; never stored raw
  bool face_matches = false;    // the clerk attests the photo is this person
  std::string answer;           // to the knowledge question
};

struct PaymentInput {
  std::string method;  // "cash" or "card"
};

class CaseManager {
 public:
  CaseManager(const ServerConfig& config, Store& store, const Clock& clock,
              const PiiHasher& hasher, AuthManager& auth);

  // Opens a case for a ticket being served at the counter (idempotent: the
  // ticket's open case when it has one). Serving a ticket of a service with
  // opens_case opens one by itself (QueueManager calls OpenInTx).
  Result<CaseView> Open(const std::string& branch_id, const std::string& counter_id,
                        int64_t ticket_id, const Principal& who);
  // Reading a case needs the same right as acting on it: a clerk reads only
  // the cases of the counter he has open; supervisors any.
  Result<CaseView> Get(const std::string& branch_id, int64_t case_id, const Principal& who);
  // The ticket's case that is not cancelled; NOT_FOUND if none.
  Result<CaseView> GetByTicket(const std::string& branch_id, int64_t ticket_id,
                               const Principal& who);

  Result<CaseView> SubmitForm(const std::string& branch_id, int64_t case_id,
                              const CaseFormInput& in, const Principal& who);
  // A failed check is an outcome (recorded, committed), not an error.
  Result<IdentityOutcome> CheckIdentity(const std::string& branch_id, int64_t case_id,
                                 const IdentityInput& in, const Principal& who);
  Result<CaseView> Pay(const std::string& branch_id, int64_t case_id, const PaymentInput& in,
                       const Principal& who);
  Result<CaseView> Waive(const std::string& branch_id, int64_t case_id, const std::string& reason,
                         const SupervisorConfirm& sup, const Principal& who);
  // `iccid` as typed: spaces and dashes between the digits are ignored.
  Result<CaseView> IssueCard(const std::string& branch_id, int64_t case_id,
                             const std::string& iccid, const Principal& who);
  Result<CaseView> BlockOldCard(const std::string& branch_id, int64_t case_id,
                                const Principal& who);
  // Closes the case and completes its ticket, in one transaction.
  Result<CaseView> Close(const std::string& branch_id, int64_t case_id, const Principal& who);
  // Before card issue only. A paid case needs a supervisor and gets a refund
  // record.
  Result<CaseView> Cancel(const std::string& branch_id, int64_t case_id, const std::string& reason,
                          const std::optional<SupervisorConfirm>& sup, const Principal& who);
  // Lifts the identity lock of a number; a supervisor with a written reason.
  Status Unlock(const std::string& phone, const std::string& reason, const SupervisorConfirm& sup,
                const Principal& who);

  // Erases personal fields of cases finished before now - retention.
  Result<int> EraseExpired();
  // Drops the identity-check records with nothing left that counts (no
  // lock, no failure within the window): they are keyed by phone numbers.
  // Returns how many.
  Result<int> ForgetSpentIdentityAttempts();

  // Opens a case inside a running transaction (serving a ticket of a
  // case-opening service). Returns the case id.
  static Result<int64_t> OpenInTx(WriteTx& tx, const Ticket& t, const std::string& actor,
                                  absl::Time now);

  // The case of a ticket that expired unserved at closing (parked mid-case,
  // before card issue) is cancelled by "system:expiry", with a refund
  // record when the fee was paid; inside the queue's transaction.
  static Status CancelForExpiredTicketInTx(WriteTx& tx, const Ticket& t, absl::Time now);

  // The plain-text summary and receipt printed for the customer.
  static std::string Summary(const CaseView& v, const BranchConfig& b);

 private:
  // Runs one step in a write transaction: loads the case, checks that `who`
  // may act at its counter and that it waits for one of `steps`, runs `fn`
  // (which changes the case and appends its records), and stores the case.
  // Nothing changes when any of it fails. With several `steps`, `refusal`
  // says what the action needs when the case is in none of them.
  Result<CaseView> Step(const std::string& branch_id, int64_t case_id, const Principal& who,
                        std::initializer_list<CaseState> steps,
                        const std::function<Status(WriteTx&, SimCase&, absl::Time)>& fn,
                        const std::string& refusal = {});
  Result<CaseView> ViewOf(ReadTx& tx, const SimCase& c);
  Result<CaseView> Read(const std::string& branch_id, const Principal& who,
                        const std::function<Result<SimCase>(ReadTx&)>& find);
  // Appends a refusal to the audit log in its own transaction (the refused
  // step itself changes nothing): attempts on locked numbers are a fraud
  // signal worth keeping.
  void AuditRefusal(const SimCase* c, const Principal& who, const std::string& why);

  const ServerConfig& config_;
  Store& store_;
  const Clock& clock_;
  const PiiHasher& hasher_;
  AuthManager& auth_;
};

}  // namespace shop::queue
