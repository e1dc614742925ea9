// RemoteManager: the remote route's use cases over the Store (rules in
// remote_case.h). Each is one write transaction that checks the case waits
// for that step, writes the step's record and audit entry, and changes
// nothing when it refuses.
//
// Who may call what:
// - the applicant (no login; the public calls, rate-limited by the service):
//   Apply, then Lookup, Withdraw and Activate with the reference;
// - a reviewer (role reviewer; supervisors and admins too): the review
//   queue, an application with its photos and the register's holder data,
//   Approve, Reject, Dispatch, Cancel;
// - a clerk of the pickup shop: HandOver (identity checked at the counter).
//
// Photos are sealed (PhotoSealer) before the transaction and opened only for
// a reviewer. Thread-safe; borrows everything it is given.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/cases/case_manager.h"
#include "server/domain/common/clock.h"
#include "server/domain/remote/remote_case.h"
#include "server/domain/staff/auth.h"
#include "server/domain/store.h"

namespace shop::queue {

struct ApplyResult {
  std::string reference;  // canonical; DisplayApplicationReference for people
  int64_t case_id = 0;
  absl::Time expires;
};

// What the applicant's status page shows.
struct ApplicationStatus {
  std::string state;  // CaseStateName
  // The shop that handles it (the pickup shop, or the one that posts the
  // card): its time zone is the one to show the times in.
  std::string branch_id;
  Delivery delivery = Delivery::kPost;
  std::string pickup_branch_id;
  std::string phone_masked;
  absl::Time applied;
  absl::Time expires;
  std::vector<PublicStep> steps;
  std::string question;  // the knowledge question, once the card is on its way
};

// One line of the review queue.
struct ReviewItem {
  int64_t case_id = 0;
  std::string branch_id;
  absl::Time applied;
  std::string phone_masked;
  std::string operator_id;
  std::string reason;
  int risk_score = 0;
  std::string risk_factors;
  std::string first_approver;  // "" unless a first approval waits for a second
};

struct StoredPhotoView {
  std::string kind;  // "document", "selfie"
  ImageType type = ImageType::kJpeg;
  std::string bytes;  // decrypted; "" when it did not open
  bool readable = true;
};

// What a reviewer sees: the application beside the register's holder data.
struct ReviewView {
  SimCase c;
  std::vector<CaseRecord> records;
  std::vector<StoredPhotoView> photos;
  // The register's holder, as on record (full name: the reviewer compares it
  // with the document's photo), or empty when the number is unknown.
  std::optional<Subscriber> holder;
  std::string address_on_record;  // where the card would be posted
};

struct DispatchInput {
  std::string iccid;            // a blank card of the case's branch's stock
  std::string tracking_number;  // with post: the postal tracking number
};
struct DispatchResult {
  std::string activation_code;  // shown once, for the envelope's label; "" for pickup
  std::string tracking_number;
  std::string question;         // the knowledge question the customer will answer
};

// A card waiting at a shop for its applicant, as the counter sees it.
struct PickupItem {
  int64_t case_id = 0;
  absl::Time applied;
  absl::Time expires;
  std::string phone_masked;
  std::string operator_id;
  DocumentType document_type = DocumentType::kRuPassport;  // the one applied with
  std::string iccid_last4;  // of the card in the envelope
  std::string question;     // the knowledge question to ask
};

struct ActivationOutcome {
  bool activated = false;
  int attempts_left = 0;
  bool locked = false;
  std::string state;  // CaseStateName after the attempt
};

class RemoteManager {
 public:
  // `random_bytes(n)`: n bytes from a CSPRNG (references, activation codes).
  RemoteManager(const ServerConfig& config, Store& store, const Clock& clock,
                const PiiHasher& hasher, const PhotoSealer& sealer,
                std::function<std::string(size_t)> random_bytes);

  // Every bad field at once; refusals: a number the customer's own lock
  // protects, a number locked after failed checks, a number with an open
  // application or case (one kFailedPrecondition for all, the reason in the
  // audit log only), a number that is not the operator's (kInvalidArgument
  // naming `phone`). The reference is derived from the whole request (its
  // request id, every field, both photos) under the personal-data key, so a
  // retry after a lost answer gets the same reference and case back, while
  // nobody without the very same request can derive it.
  Result<ApplyResult> Apply(const ApplicationInput& in);
  // The applicant's view; kNotFound for an unknown reference (the same
  // answer as for a malformed one, so references cannot be probed).
  Result<ApplicationStatus> Lookup(const std::string& reference);
  // The applicant withdraws an application before the card is dispatched.
  Result<ApplicationStatus> Withdraw(const std::string& reference);
  // The customer enters the envelope's code and the knowledge answer. A
  // failure is an outcome (recorded, counted toward the identity lock).
  Result<ActivationOutcome> Activate(const std::string& reference, const std::string& code,
                                     const std::string& answer);

  // Reviewers: unfinished applications in `state` (review, dispatch, or a
  // card posted or at a shop: to cancel one), oldest first.
  Result<std::vector<ReviewItem>> ReviewQueue(CaseState state, int limit,
                                              const Principal& who);
  Result<ReviewView> Get(int64_t case_id, const Principal& who);
  Result<ReviewView> Approve(int64_t case_id, const Principal& who);
  Result<ReviewView> Reject(int64_t case_id, const std::string& reason, const Principal& who);
  Result<DispatchResult> Dispatch(int64_t case_id, const DispatchInput& in, const Principal& who);
  // The very same dispatch again (same card, same tracking number) after its
  // answer was lost: a pickup answers as before; a posted card gets a new
  // activation code that replaces the first (recorded), but only within
  // kRedispatchWindow of the dispatch and before any activation attempt.
  static constexpr absl::Duration kRedispatchWindow = absl::Hours(1);
  // Staff end an unfinished application at any step (a lost envelope, a
  // fraud report), with a reason from CancelReasons(); a card already bound
  // is recorded as not to be used.
  Result<ReviewView> Cancel(int64_t case_id, const std::string& reason, const Principal& who);
  // Counter staff of the pickup shop: cards waiting there, oldest first,
  // with the question to ask; only the one on `phone` when it is given.
  Result<std::vector<PickupItem>> Pickups(const std::string& branch_id, const std::string& phone,
                                          int limit, const Principal& who);
  // A clerk of the pickup shop hands the card over after checking the
  // document (number typed, face attested) and the knowledge answer; the
  // card becomes active and the old one blocked, in one transaction.
  Result<ActivationOutcome> HandOver(int64_t case_id, const IdentityInput& in,
                                     const Principal& who);

  // Cancels unfinished applications past their expiry (background sweep).
  Result<int> ExpireOld();

 private:
  const BranchConfig* DispatchBranch() const;
  Result<SimCase> FindByReference(ReadTx& tx, const std::string& reference);
  Result<ApplicationStatus> StatusIn(ReadTx& tx, const SimCase& c);
  Result<ReviewView> ViewIn(ReadTx& tx, const SimCase& c, bool with_photos);
  // Loads a remote case for a reviewer, refuses an expired one, runs `fn`
  // and stores the case, in one write transaction.
  Result<ReviewView> ReviewStep(int64_t case_id, const Principal& who,
                                const std::function<Status(WriteTx&, SimCase&, absl::Time)>& fn);
  // Checks the person (`check_failed` returns "" or what failed) and the
  // knowledge answer; on success swaps the cards and closes the case, on
  // failure counts it toward the identity lock. Stores the case.
  Result<ActivationOutcome> CheckAndFinish(
      WriteTx& tx, SimCase& c, CaseState expected, absl::Time now, const std::string& actor,
      const std::string& step, const std::function<std::string(const Subscriber&)>& check_failed,
      const std::string& answer);
  // Dispatch repeated for a case already dispatched with that card.
  Status Redispatch(WriteTx& tx, SimCase& c, const std::string& tracking_number,
                    const std::string& code, absl::Time now, const Principal& who,
                    DispatchResult& out);
  Status FinishInTx(WriteTx& tx, SimCase& c, const Subscriber& s, absl::Time now,
                    const std::string& actor);

  const ServerConfig& config_;
  Store& store_;
  const Clock& clock_;
  const PiiHasher& hasher_;
  const PhotoSealer& sealer_;
  std::function<std::string(size_t)> random_bytes_;
};

}  // namespace shop::queue
