// Text for the counter program: one-line descriptions of tickets, counters,
// waiting counts and board calls, in English for the clerk.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/support/status.h>

#include "shop/queue/v1/board_service.pb.h"
#include "shop/queue/v1/resources.pb.h"

namespace shop::queue::counter {

namespace v1 = ::shop::queue::v1;

// "R017 [id 42]  service R  called  counter 3  recalls 1  priority elderly
// appointment due 14:30" (the last two only when they apply; counter only if
// set). The due time of an appointment ticket is HH:MM in `time_zone` (IANA
// name); empty means the branch's zone the ticket names (Ticket.time_zone),
// and only for a ticket from an older server that names none, this
// machine's.
std::string FormatTicket(const v1::Ticket& ticket, std::string_view time_zone = "");

// "Counter 3 (id 3): open, serves R, N, current ticket id 42".
std::string FormatCounter(const v1::Counter& counter);

// "waiting: R 3 | N 0" for the waiting tickets in `waiting`: first every
// service in `first_prefixes` (zeros shown), then any other service with
// tickets waiting, by prefix.
std::string FormatWaiting(const std::vector<v1::Ticket>& waiting,
                          const std::vector<std::string>& first_prefixes);

// "waiting: R 3 | N 0" from a board message's counts.
std::string FormatWaiting(const v1::WatchBoardResponse& board);

// What the clerk's screens say when the server refuses the session
// (UNAUTHENTICATED after the client classes found no newer session in the
// session file): logged out, expired, or never logged in.
inline constexpr std::string_view kSessionEnded =
    "session ended: log in again with `counter login`";

// The line a clerk's screen shows for a refused call: "refused: CODE:
// message" (with every bad field, see DescribeRefusal in case_format.h), or
// kSessionEnded for UNAUTHENTICATED.
std::string RefusalLine(const grpc::Status& status);

// "kiosk hall-1: printer out of paper (since 14:02)": a device as staff see
// it in `counter devices`, the time (when the printer state last changed)
// HH:MM in `time_zone` (IANA; empty: this machine's zone); the device's
// detail, if any, after the time ("(since 14:02; cover open)").
std::string FormatDevice(const v1::Device& device, std::string_view time_zone);

// "! kiosk hall-1: printer out of paper", one line for each device of
// `devices` that needs staff (its printer not OK and not absent), in order.
std::vector<std::string> FaultLines(
    const google::protobuf::RepeatedPtrField<v1::Device>& devices);

// "R017 -> Counter 3", plus " (recall 1)" after a recall and "  appointment"
// for an appointment ticket.
std::string FormatBoardCall(const v1::BoardCall& call);

}  // namespace shop::queue::counter
