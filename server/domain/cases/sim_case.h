// The SIM-replacement case: a customer gets a new card with the same phone
// number. A case walks its steps in a fixed order, each step's result an
// immutable record:
//
//   form -> identity check -> payment -> card issue -> old-card block -> close
//
// `CaseState` names the step a case waits for. The order, the identity lock
// (three failures in 24 hours) and what each step requires are rules here, in
// plain C++; CaseManager (case_manager.h) runs them in transactions.
//
// Values; thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/common/branch.h"
#include "server/domain/common/personal_data.h"
#include "server/domain/common/status.h"

namespace shop::queue {

// Stored as these numbers; never renumber.
enum class CaseState : uint8_t {
  kAwaitingForm = 1,
  kAwaitingIdentity = 2,
  kAwaitingPayment = 3,
  kAwaitingCard = 4,
  kAwaitingBlock = 5,
  kAwaitingClose = 6,
  kClosed = 7,
  kCancelled = 8,
  // The remote route (server/domain/remote/remote_case.h): applied online,
  // waits for staff review, then for the card to be posted (or sent to a
  // shop), then for the customer's activation (or the pickup at the shop).
  kAwaitingReview = 9,
  kAwaitingDispatch = 10,
  kAwaitingActivation = 11,
  kAwaitingPickup = 12,
};
const char* CaseStateName(CaseState s);  // "awaiting_form", ...
bool CaseFinished(CaseState s);          // closed or cancelled

enum class ReplacementReason : uint8_t { kLost = 1, kStolen = 2, kDamaged = 3, kFormatChange = 4 };
const char* ReasonName(ReplacementReason r);  // "lost", "stolen", "damaged", "format_change"
std::optional<ReplacementReason> ParseReason(std::string_view name);

// How the fee was settled. Stored as these numbers; never renumber. kNoFee:
// the fee table says 0 for the operator and reason, so the passed identity
// check settled it by itself (no money, no receipt).
enum class PaymentMethod : uint8_t { kCash = 1, kCard = 2, kWaived = 3, kNoFee = 4 };
const char* PaymentMethodName(PaymentMethod m);  // "cash", "card", "waived", "no_fee"

// The knowledge question the server picks from the register.
enum class QuestionKind : uint8_t { kLastTopUp = 1, kRecentCall = 2 };
const char* QuestionText(QuestionKind q);  // what the clerk asks

// How a case began: at a counter (a served ticket) or online. Stored as
// these numbers; never renumber.
enum class CaseRoute : uint8_t { kCounter = 1, kRemote = 2 };
const char* CaseRouteName(CaseRoute r);  // "counter", "remote"

// What the clerk types in, before validation.
struct CaseFormInput {
  std::string phone;
  std::string operator_id;  // "megafon", "beeline", "tele2" (the fee table's keys)
  std::string reason;       // ReasonName
  std::string full_name;
  std::string document_type;    // DocumentTypeName
  std::string document_number;  // raw; never stored
  std::string contact;          // phone or e-mail for the notice
  bool consent = false;         // to personal-data processing
};

// The form as stored: normalised, the document only as keyed hash + last 4.
struct CaseForm {
  std::string phone;  // +7XXXXXXXXXX
  std::string operator_id;
  ReplacementReason reason = ReplacementReason::kLost;
  std::string full_name;
  DocumentType document_type = DocumentType::kRuPassport;
  std::string document_hash;  // PiiHasher("document", normalised number)
  std::string document_last4;
  std::string contact;
};

// Checks every field at once; returns the normalised form or an
// InvalidArgument carrying one violation per bad field. `known_operator`
// says whether an operator id is in the fee table. Without
// `contact_required` (the remote route: its notice goes to the contact on
// record) an empty contact is no error.
Result<CaseForm> ValidateCaseForm(const CaseFormInput& in, const PiiHasher& hasher,
                                  const std::function<bool(const std::string&)>& known_operator,
                                  bool contact_required = true);

// Where a remote case's card goes. Stored as these numbers.
enum class Delivery : uint8_t { kPost = 1, kPickup = 2 };
const char* DeliveryName(Delivery d);  // "post", "pickup"

// What only a remote case has (rules in server/domain/remote/remote_case.h).
struct RemoteDetails {
  std::string reference_hash;  // SHA-256 hex of the applicant's reference
  Delivery delivery = Delivery::kPost;
  std::string pickup_branch_id;  // with kPickup
  Language language = Language::kRu;
  bool document_matches = false;  // the typed document is the holder's on record
  int risk_score = 0;             // 0: one reviewer approves; above: two
  std::string risk_factors;       // "recent_sim_change,contact_changed"
  std::string first_approver;     // login of an approval still waiting for a second
  std::string reviewer;           // who decided (approved last, or rejected)
  std::string decision_reason;    // the rejection's reason code; "" when approved
  std::string activation_code_hash;  // hashed one-time code from the envelope
  std::string tracking_number;
  absl::Time expires = absl::InfiniteFuture();  // unfinished by then: cancelled
};

struct SimCase {
  int64_t case_id = 0;
  std::string branch_id;
  CaseRoute route = CaseRoute::kCounter;
  int64_t ticket_id = 0;   // 0 on the remote route
  std::string counter_id;  // "" on the remote route
  std::string opened_by;  // staff login
  absl::Time opened;
  CaseState state = CaseState::kAwaitingForm;

  // After the form step. Once erased, phone, name, document hash and last
  // four and contact are "" (operator, reason and document type stay).
  std::optional<CaseForm> form;
  std::optional<QuestionKind> question;  // picked when the form is accepted
  bool identity_passed = false;
  int64_t fee_roubles = 0;
  std::optional<PaymentMethod> payment;
  std::string receipt_number;  // "demo-2026-000001"
  std::string old_iccid;       // the card the number had
  std::string new_iccid;       // the card issued
  bool refunded = false;
  absl::Time finished = absl::InfinitePast();  // closed or cancelled
  bool erased = false;  // personal fields removed after the retention period
  std::optional<RemoteDetails> remote;  // on the remote route only
};

// One step's result: immutable; a correction is a new record.
struct CaseRecord {
  int64_t case_id = 0;
  int seq = 0;  // 1, 2, ... per case, assigned by the store
  absl::Time time;
  std::string step;     // "open", "form", "identity", "payment", "card", "block", "close",
                        // "cancel", "refund"
  std::string outcome;  // "accepted", "passed", "failed", "paid", "waived", ...
  std::string actor;    // "clerk:anna"
  std::string supervisor;  // who confirmed, for supervisor actions; else ""
  std::string detail;   // never raw personal data
};

// Whether the case's fee is settled: paid in cash or by card, waived by a
// supervisor, or no fee at all (only when the fee is really 0). A card is
// issued only after this and a passed identity check.
bool FeeSettled(const SimCase& c);
// Whether money was taken (cash or card, a fee above 0): cancelling then
// needs a supervisor and records a refund.
bool FeeTaken(const SimCase& c);

// The step a state waits for, as a name for messages ("form", "identity
// check", ...).
const char* StepName(CaseState s);
// kFailedPrecondition unless `c` waits for `step`; the message says which
// step the case waits for instead.
Status RequireStep(const SimCase& c, CaseState step);

// Failed identity checks of one phone number (kept across cases and
// restarts): three within 24 hours lock the number for SIM change for 24
// hours; a supervisor may unlock earlier.
struct IdentityAttempts {
  static constexpr int kMaxFailures = 3;
  static constexpr absl::Duration kWindow = absl::Hours(24);
  static constexpr absl::Duration kLockout = absl::Hours(24);

  std::vector<absl::Time> failures;  // within the window, oldest first
  absl::Time locked_until = absl::InfinitePast();

  bool Locked(absl::Time now) const { return now < locked_until; }
  // Records a failure; returns true when this one locked the number.
  bool RecordFailure(absl::Time now);
  void Unlock();
  // Nothing left that counts at `now`: no lock, no failure in the window.
  // Such a record is dropped (it is keyed by a phone number).
  bool Spent(absl::Time now) const;
};

// What the register holds about a number (the operator's subscriber system).
struct Subscriber {
  std::string phone;  // +7XXXXXXXXXX
  std::string operator_id;
  std::string holder_name;
  DocumentType document_type = DocumentType::kRuPassport;
  std::string document_hash;  // keyed hash, as in CaseForm
  std::string document_last4;
  std::string active_iccid;   // "" if none
  bool no_sim_change = false;  // the subscriber's own lock
  absl::Time last_sim_change = absl::InfinitePast();
  // Where notices and cards go: the contact (a mobile number or an e-mail)
  // and the postal address on record, and when the contact last changed.
  // "" when the register holds none.
  std::string contact;
  std::string address;
  absl::Time contact_changed = absl::InfinitePast();
  std::vector<int64_t> recent_topups_roubles;  // newest first
  std::vector<std::string> recent_calls;       // numbers called, newest first
};

// A blank card in a branch's stock.
enum class StockState : uint8_t { kInStock = 1, kIssued = 2 };
struct StockCard {
  std::string iccid;
  std::string branch_id;
  std::string operator_id;
  StockState state = StockState::kInStock;
  int64_t case_id = 0;  // the case it was issued to
};

// The notice of a SIM change, for the number and the contact. The facts come
// already written for people (the number masked, the time in the branch's
// zone). The texts are the "sim_change" message template
// (server/domain/common/templates.h; [notify.templates] may replace them).
struct SimChangeFacts {
  std::string phone_masked;  // "+7******4567"
  std::string branch;        // the branch's display name
  std::string time;          // "2026-03-10 10:00", local
  int64_t case_id = 0;
};
// The notice in one language (Russian, English or Chinese).
std::string SimChangeNoticeText(const MessageTemplates& templates, Language language,
                                const SimChangeFacts& f);
std::string SimChangeNoticeText(Language language, const SimChangeFacts& f);
// The notice as sent: in Russian first (the number is Russian, and whoever
// holds it need not be the person at the counter, whose kiosk language a
// fraudster chooses), then in the language the customer chose at the kiosk,
// or English when that was Russian.
std::string SimChangeNotice(const MessageTemplates& templates, Language customer,
                            const SimChangeFacts& f);
std::string SimChangeNotice(Language customer, const SimChangeFacts& f);

// Checks the customer's answer to `q` against the register: the last top-up
// amount in roubles, or any of the recently called numbers (normalised).
bool AnswerMatches(QuestionKind q, const Subscriber& s, std::string_view answer);
// Picks a question the register can answer for `s` (nullopt when it can
// answer none), using `random` in [0, 1<<30).
std::optional<QuestionKind> PickQuestion(const Subscriber& s, uint32_t random);

}  // namespace shop::queue
