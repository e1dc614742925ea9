// What a customer reads when a call fails: one table from (gRPC code, what
// the customer was doing, language) to a sentence in Russian, English or
// Chinese (UTF-8) that says what happened and what to do. Used by the kiosk
// and the booking program, and meant for their graphical faces too.
//
// A customer never sees a status code or the server's (English) message.
// Refusals the customer can act on get their own sentence: too early to
// check in (with the time check-in opens), booking code not found, slot
// full, already booked that day, branch closed, booking no longer active.
// They are told apart by the server's messages (the API carries no reason
// codes; see server/domain/booking*.cc), so a changed message falls back to
// the general sentence of its code, never to raw text. Bad input
// (INVALID_ARGUMENT) keeps the server's field-by-field descriptions under a
// translated heading, because they say which field to correct.
//
// Staff programs (counter) show codes and messages as they are; this is
// only for customers. TellCustomer also writes the code and the server's
// message to the client log (common/client/log.h).
//
// Thread-safety: pure functions over immutable tables (TellCustomer logs
// through spdlog, which is thread-safe); safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include <grpcpp/support/status.h>

#include "shop/queue/v1/resources.pb.h"

namespace shop::queue::client {

namespace v1 = ::shop::queue::v1;

// What the customer was doing when the call failed. It picks the sentence
// where a code means different things (NOT_FOUND of a booking code or of a
// ticket) and names the call in the log.
enum class CustomerAction {
  kShowServices,   // kiosk: the branch and its services
  kTakeTicket,     // kiosk: a new ticket
  kCheckIn,        // kiosk: check in a booking by its code
  kShowTicket,     // kiosk: a ticket's state and wait
  kFindSlots,      // booking: free slots
  kBook,           // booking: a new booking
  kShowBooking,    // booking: look a booking up by code and phone
  kChangeBooking,  // booking: cancel or move a booking
};

// Lowercase words for the log: "take ticket", "check in", ...
std::string_view CustomerActionName(CustomerAction action);

// The text for a customer whose `action` failed with `status`, in
// `language` (LANGUAGE_UNSPECIFIED: Russian). One or two sentences; for bad
// input a heading and one "  field: description" line per bad field. No
// final newline. `status` must not be OK.
std::string CustomerText(const grpc::Status& status, CustomerAction action,
                         v1::Language language);

// Logs the failure ("<action> failed: CODE: message") and returns
// CustomerText(status, action, language).
std::string TellCustomer(const grpc::Status& status, CustomerAction action,
                         v1::Language language);

}  // namespace shop::queue::client
