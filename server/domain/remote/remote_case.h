// The remote route of a SIM replacement: the customer applies online with a
// photo of the document page and a selfie holding it, staff review the
// application, a card is posted to the address on record (or sent to a shop
// for pickup), and the customer activates it with the one-time code from the
// envelope and the knowledge answer; the new card becomes active and the old
// one blocked in one transaction. Same case model as the counter
// (sim_case.h: SimCase with route kRemote and its RemoteDetails, the same
// records, identity lock, card swap and audit):
//
//   applied -> awaiting_review -> awaiting_dispatch -> awaiting_activation -> closed
//                            \                    \-> awaiting_pickup ------/
//                             \-> cancelled (rejected, withdrawn, expired)
//
// This route is where SIM-swap fraud is easiest, so:
// - a number the customer's own lock protects is refused at once, and so is
//   a second open application (or an open counter case) for the number;
// - the card goes only to the address on record, or to a shop whose clerk
//   checks the document and asks the knowledge question;
// - an approval of a risky application (a recent SIM change, a changed
//   contact, a document that is not the holder's) needs two reviewers, and
//   the second cannot be the first;
// - activation needs the envelope's code (stored hashed) and the knowledge
//   answer; failures count toward the number's identity lock, as at the
//   counter;
// - the notice goes to the number and the contact on record, never to one
//   typed in the application.
//
// Plain rules here; RemoteManager (remote_manager.h) runs them in
// transactions. Values; thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/cases/sim_case.h"
#include "server/domain/common/status.h"
#include "server/domain/remote/photo.h"

namespace shop::queue {

// What the applicant sends, before validation.
struct ApplicationInput {
  std::string phone;
  std::string operator_id;
  std::string reason;  // ReasonName
  std::string full_name;
  std::string document_type;
  std::string document_number;  // raw; never stored
  std::string document_photo;   // the bytes of the document page's photo
  std::string selfie_photo;     // the bytes of a selfie holding the document
  std::string delivery;         // "post" or "pickup"
  std::string pickup_branch_id;  // with "pickup"
  std::string language;          // "ru" (default when empty), "en", "zh"
  bool consent = false;
  // The client's id of this attempt (as every create's request_id): a retry
  // with the same id, phone and document gets the same reference back.
  std::string request_id;
};

// The application as accepted: the form (no contact: notices go to the one
// on record) and the photos' kinds.
struct Application {
  CaseForm form;
  ImageInfo document_info;
  ImageInfo selfie_info;
  Delivery delivery = Delivery::kPost;
  std::string pickup_branch_id;
  Language language = Language::kRu;
};

// Every bad field at once (Status::InvalidFields), photos checked by content.
// `known_branch` says whether a branch id is one this server hosts.
Result<Application> ValidateApplication(
    const ApplicationInput& in, const PiiHasher& hasher,
    const std::function<bool(const std::string&)>& known_operator,
    const std::function<bool(const std::string&)>& known_branch);

// The photo kinds, as stored.
inline constexpr std::string_view kDocumentPhoto = "document";
inline constexpr std::string_view kSelfiePhoto = "selfie";

// References (what the applicant keeps to see the status and activate):
// 16 characters of the booking codes' alphabet (two codes, ~78 bits), shown
// as "K7M2-QX9D-ABCD-EFGH". Only their keyed hash is stored.
std::string NewApplicationReference(std::string_view random_bytes);  // >= 16 bytes
std::optional<std::string> NormalizeApplicationReference(std::string_view typed);
std::string DisplayApplicationReference(std::string_view reference);
// Activation codes: 8 characters as booking codes ("K7M2-QX9D"), printed in
// the envelope, shown once, stored hashed.
std::string NewActivationCode(std::string_view random_bytes);  // >= 8 bytes
std::optional<std::string> NormalizeActivationCode(std::string_view typed);

// How risky an approval is: 0 lets one reviewer approve; above 0 needs two.
struct Risk {
  int score = 0;
  std::string factors;  // comma-separated names, "" when none
};
inline constexpr absl::Duration kRecentChange = absl::Hours(24 * 30);
Risk AssessRisk(const Subscriber& s, bool document_matches, absl::Time now);

// Why a reviewer rejects: one of these codes (shown to the applicant in
// words by the page).
const std::vector<std::string>& RejectReasons();
bool KnownRejectReason(std::string_view code);
// Why staff cancel an application after review: "envelope_lost",
// "suspected_fraud", "customer_request", "card_faulty".
const std::vector<std::string>& CancelReasons();
bool KnownCancelReason(std::string_view code);

// A reviewer approves `c` (waiting for review). With risk, the first approval
// is recorded and the case keeps waiting; the second must come from someone
// else (kPermissionDenied: "cannot approve his own second look"). Returns
// whether the review is complete (the case now waits for dispatch or
// pickup's dispatch).
Result<bool> ApproveApplication(SimCase& c, const std::string& reviewer);

// The state an unfinished remote case expires from at `expires`: any but
// awaiting_activation and awaiting_pickup with a card already bound, which
// keep until their own expiry too (the card goes back to stock by hand).
bool RemoteExpired(const SimCase& c, absl::Time now);

// The steps the applicant's status page shows: public facts only (no
// personal data, no reviewer's name).
struct PublicStep {
  std::string step;     // "applied", "review", "dispatch", "activation", "pickup", "close", "cancel"
  std::string outcome;  // "received", "approved", "rejected", "posted", "sent_to_shop", ...
  std::string detail;   // a reject reason code, the tracking number, attempts left
  absl::Time time;
};
// A first approval waiting for a second is not shown (it would tell the
// applicant the application was judged risky). `tracking_number` goes with
// the dispatch step ("" once erased: records never hold it).
std::vector<PublicStep> PublicSteps(const std::vector<CaseRecord>& records,
                                    const std::string& tracking_number);

// The request id of an application: at least this long (a random id, such
// as a UUID), since with the phone, the document and the rest of the
// application it derives the reference.
inline constexpr size_t kMinApplicationRequestId = 16;

}  // namespace shop::queue
