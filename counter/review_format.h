// Text for the review of online SIM-replacement applications in the terminal
// (`counter review ...`): the queue, one application beside the operator
// register's holder, the outcome of each step, the envelope's activation
// code in large letters, and the words for the route's enums as typed on
// command lines.
//
// Prints only what the server sent. The application's full name comes as the
// applicant typed it and the holder's data unmasked but for the document
// (last four) and the contact (masked): both are for the reviewer's eyes,
// which is why only these commands print them.
//
// Times: in the IANA zone given (the branch's). An empty zone means this
// machine's zone, and then each time carries its zone's abbreviation
// ("12:00 MSK"), so that it is never mistaken for the branch's.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "google/protobuf/timestamp.pb.h"
#include "shop/queue/v1/remote_service.pb.h"

namespace shop::queue::counter {

namespace v1 = ::shop::queue::v1;

// --- enum words -----------------------------------------------------------

// "awaiting review", "awaiting dispatch", "awaiting activation", "awaiting
// pickup", "closed", "cancelled".
std::string_view ApplicationStateName(v1::ApplicationState state);
// "post", "pickup"; "" for unspecified.
std::string_view DeliveryName(v1::Delivery delivery);

// The rejection codes as typed: "photo_unreadable", "document_mismatch",
// "face_mismatch", "document_invalid", "suspected_fraud", "incomplete"; ""
// for unspecified. The server's Application.reject_reason uses the same.
std::string_view RejectReasonCode(v1::RejectReason reason);
// Case-insensitive, '-' and ' ' accepted for '_'. std::nullopt otherwise.
std::optional<v1::RejectReason> ParseRejectReason(std::string_view text);
// Every reason, in the proto's order.
const std::vector<v1::RejectReason>& RejectReasons();
// What a reason means, for people: "the photos cannot be read", ...
std::string_view RejectReasonWords(v1::RejectReason reason);
// The same from the code the server writes in Application.reject_reason
// (the code itself when unknown).
std::string RejectReasonWords(std::string_view code);
// "  photo_unreadable   the photos cannot be read" per reason, one a line,
// for --help.
std::string RejectReasonHelp();

// The cancellation codes as typed: "envelope_lost", "suspected_fraud",
// "customer_request", "card_faulty"; parsed as ParseRejectReason does.
std::string_view CancelReasonCode(v1::CancelReason reason);
std::optional<v1::CancelReason> ParseCancelReason(std::string_view text);
// "  envelope_lost      the envelope was lost in the post" per reason, for --help.
std::string CancelReasonHelp();

// A risk factor in words: "recent_sim_change" -> "a recent SIM change",
// "contact_changed" -> "the contact on record changed lately",
// "document_mismatch" -> "the document is not the holder's on record",
// "no_contact_on_record" -> "no contact on record"; an unknown code as is.
std::string RiskFactorWords(std::string_view code);
// "no risk found: one reviewer approves", or "risk 2: a recent SIM change;
// the contact on record changed lately: two reviewers must approve".
std::string RiskText(int risk_score, const std::vector<std::string>& factors);
// "waits for a second reviewer (first approval: rev-olga)"; "" when there is
// no first approval.
std::string SecondLookText(std::string_view first_approver);

// --- times ----------------------------------------------------------------

// "2026-03-10 12:00" in `time_zone` (see the note on times); "" if unset.
std::string FormatDateTime(const google::protobuf::Timestamp& t, std::string_view time_zone);

// --- the queue ------------------------------------------------------------

// One application of the queue:
//   "  12  2026-03-10 12:00  +7******4567  megafon  lost      risk 1: the
//    contact on record changed lately: two reviewers must approve; waits for
//    a second reviewer (first approval: rev-olga)"
// (one line; no final newline). In the dispatch queue (`dispatch`) the
// review is complete: no second reviewer is waited for, whatever
// first_approver says.
std::string FormatApplicationLine(const v1::ApplicationSummary& a, std::string_view time_zone,
                                  bool dispatch = false);
// A header line and one line per application, each ending in a newline; or
// "no applications wait for review\n" ("... for dispatch" with `dispatch`).
std::string FormatQueue(const std::vector<v1::ApplicationSummary>& applications,
                        std::string_view time_zone, bool dispatch);

// --- one application --------------------------------------------------------

// The application beside the register's holder, ending in a newline:
//
//   Application 12 (branch test): awaiting review
//     applied 2026-03-10 12:00, expires 2026-03-24 12:00 (Europe/Moscow)
//     phone +7******4567  operator megafon  reason lost  delivery post
//     risk 1: ...: two reviewers must approve
//                       APPLICATION (as typed)      REGISTER (holder on record)
//     name              Ivanova Maria               Ivanova Maria
//     document          ru_passport ...0111         ru_passport ...0111
//     document matches                              yes
//     address                                       ul. Testovaya 1, ...
//     contact                                       h***@example.com
//     ...
//     photos: document (PNG, 1.2 MiB), selfie (JPEG, 340 KiB)
//   records:
//      1 12:00 applied   received  applicant
//   Next: approve or reject (counter review approve 12 | reject 12 --reason CODE)
//
// Times in the application's time_zone (the branch's).
std::string FormatApplication(const v1::GetApplicationResponse& response);

// "document (PNG, 1.2 MiB)".
std::string PhotoLine(const v1::ApplicationPhoto& photo);
// The file a photo is saved as: "12-document.png" or "12-selfie.jpg" by its
// mime type ("image/png", "image/jpeg"; anything else: ".img").
std::string PhotoFileName(int64_t case_id, const v1::ApplicationPhoto& photo);

// The next step for the reviewer ("Next: ..." or "Finished: ..."), one line
// without a final newline.
std::string FormatNextReviewStep(const v1::Application& a);

// --- outcomes ---------------------------------------------------------------

// After an approval: "case 12: approved; it waits for dispatch: ..." or
// "case 12: first approval recorded (rev-olga); a second reviewer must
// approve (...)". Ends in a newline.
std::string FormatApproval(const v1::Application& a);
// After a rejection: "case 12: rejected (face_mismatch: the selfie does not
// show the document's person); the applicant's status page shows it". Ends
// in a newline.
std::string FormatRejection(const v1::Application& a);

// After a staff cancellation: "case 12: cancelled (envelope_lost); card
// ...1234 is not to be used; the applicant's status page shows it". Ends in
// a newline.
std::string FormatCancellation(const v1::Application& a, v1::CancelReason reason);

// The cards waiting at the shop, in `time_zone`: a header and per card
//   "  14  +7******4567  megafon  card ...1234  show ru_passport  until
//    2026-03-24 12:00"
//   "      ask: What was the amount of your last top-up?"
// or "no cards wait for pickup here\n".
std::string FormatPickups(const v1::ListPickupsResponse& response);

// `text` in letters five lines high ('#'), two spaces between letters:
// digits, Latin letters (either case) and '-'; anything else is a blank.
// Five lines, each ending in a newline.
std::string BigLetters(std::string_view text);

// After a dispatch, ending in a newline. By post: the activation code large
// (BigLetters) and plain, "write it on the envelope's label now: it is not
// shown again", the tracking number and the question the customer will be
// asked. For a pickup: that the card goes to the shop, and the question the
// counter will ask there.
std::string FormatDispatch(int64_t case_id, const v1::DispatchCardResponse& response);

// After a hand-over at the pickup counter, one line without a final
// newline: "card handed over: the new card is active and the old one
// blocked"; "check failed: 2 attempts left"; or "check failed: the number is
// now LOCKED for SIM change".
std::string FormatHandOver(const v1::HandOverCardResponse& response);

}  // namespace shop::queue::counter
