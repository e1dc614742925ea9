// Text for the SIM-replacement case at the counter: the case as a block of
// lines for a terminal (state, the masked form, fee, receipt, records, the
// account once the identity check has passed, and the next step with what it
// needs), the words for the case's enums as typed on command lines, and the
// server's refusals with every bad field.
//
// Prints only what the server sent: personal data arrives masked and is never
// unmasked or completed here.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <grpcpp/support/status.h>

#include "common/client/errors.h"
#include "shop/queue/v1/case_service.pb.h"

namespace shop::queue::counter {

namespace v1 = ::shop::queue::v1;

// --- enum words (lowercase, as typed) ---------------------------------------

// "awaiting form", "awaiting identity check", "awaiting payment", "awaiting
// card", "awaiting old-card block", "awaiting close", "closed", "cancelled".
std::string_view CaseStateName(v1::CaseState state);
// "lost", "stolen", "damaged", "format_change"; "" for unspecified.
std::string_view ReasonName(v1::ReplacementReason reason);
// "ru_passport", "foreign_passport", "residence_permit"; "" for unspecified.
std::string_view DocumentTypeName(v1::DocumentType type);
// "cash", "card", "waived"; "" for unspecified (not paid yet).
std::string_view PaymentMethodName(v1::PaymentMethod method);

// The words above, case-insensitive, '-' accepted for '_' (and a few short
// forms: "format", "passport", "foreign", "permit"). std::nullopt otherwise.
std::optional<v1::ReplacementReason> ParseReason(std::string_view text);
std::optional<v1::DocumentType> ParseDocumentType(std::string_view text);
// "cash" or "card" only (a waiver is its own step).
std::optional<v1::PaymentMethod> ParsePaymentMethod(std::string_view text);

// --- the case -------------------------------------------------------------

// The case as lines for a terminal, ending in a newline:
//
//   Case 12 (ticket id 42, counter 3): awaiting payment
//     phone +7******4567  operator megafon  reason lost
//     name I*** P****  document ru_passport ...3456  contact i***@mail.ru
//     identity passed   fee 350 roubles, not paid yet
//     account: holder I*** P****, megafon, active card ...1234, last SIM change 2025-03-01
//   records:
//      1 10:02 open      opened    clerk:anna
//      ...
//   Next: payment — take the fee of 350 roubles in cash or by card (...)
//
// plus "Ask the customer: <question>" while the identity check is pending.
// Lines for data the case does not have yet are left out; the account line
// appears only when the server sent an account. Times are local to
// `time_zone` (IANA name; empty: the branch's zone the case names, or for a
// case from an older server that names none, this machine's).
std::string FormatCase(const v1::Case& sim_case, std::string_view time_zone = "");

// "Next: <next_step> — <hint>" (the step named from the state if the server
// sent no next_step), or "Finished: closed" / "Finished: cancelled
// (refunded)" for a finished case.
std::string FormatNextStep(const v1::Case& sim_case);

// "case 12: awaiting payment" — one line after a step.
std::string FormatCaseLine(const v1::Case& sim_case);

// The outcome of an identity check, one line: "identity check passed";
// "identity check failed: 2 attempts left; the next question is: <question>"
// (the server picks another question after each failure, so the clerk must
// ask the new one); or "identity check failed: the number is now LOCKED for
// SIM change". No final newline.
std::string FormatIdentityOutcome(const v1::CheckIdentityResponse& response);

// What opening a case by hand for `ticket` (e.g. "N005"), which has none,
// means; said before the clerk confirms. The API does not say which services
// hold a case (the server's configuration does: sim_replacement), so the
// clerk decides, warned. Lines, each ending in a newline.
std::string ManualCaseWarning(std::string_view ticket);

// --- refusals --------------------------------------------------------------

// Refusals for the clerk: client::FieldErrors and client::DescribeRefusal
// (common/client/errors.h), shared with the booking program.
using client::DescribeRefusal;
using client::FieldErrors;

}  // namespace shop::queue::counter
