// The ticket slip: the text a kiosk prints (or shows) after issuing a ticket
// or checking in a booking, in the language the customer chose. Pure functions of their arguments.
//
// Thread-safety: pure; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shop/queue/v1/kiosk_service.pb.h"

namespace shop::queue::kiosk {

namespace v1 = ::shop::queue::v1;

// Columns of a slip line (a narrow receipt printer has about 40).
inline constexpr std::size_t kSlipWidth = 40;

// The slip for `issued` in `language` (UTF-8, lines ending in '\n'): branch
// name, service name in that language, the ticket number in big letters and
// as plain text, issue time (HH:MM in the branch's time zone), people ahead,
// estimated wait, priority class if any, appointment time for an appointment
// ticket, and the business day.
std::string FormatSlip(const v1::CreateTicketResponse& issued, v1::Language language);

// The slip of a booking checked in at the kiosk (`issued` as KioskClient's
// CheckIn has it; branch and service may be empty). As FormatSlip, with the
// booking's slot time `slot_start` as the appointment time. When `late` (the
// customer came after the check-in window and got an ordinary walk-in
// ticket), two lines right under the number say so ("You came after your
// check-in window:" / "this is a walk-in ticket") and the details show
// "Your appointment was at: HH:MM" instead.
std::string FormatCheckInSlip(const v1::CreateTicketResponse& issued, bool late,
                              const google::protobuf::Timestamp& slot_start,
                              v1::Language language);

// The slip's text in parts, for a face that lays them out itself (the
// printed raster slip of kiosk/printer): the same words as FormatSlip (with
// `slot_start` nullptr) or FormatCheckInSlip (with the booking's slot).
struct SlipParts {
  std::string branch;                   // may be empty
  std::string service;                  // in the language; may be empty
  std::string your_number;              // "Your number" in the language
  std::string number;                   // "R017"
  std::vector<std::string> late_lines;  // a late check-in's two lines, else empty
  std::vector<std::string> details;     // "Issued: 14:05", "Appointment at: 14:30", ...
  std::string footer;                   // "Watch the board ..."
};
SlipParts MakeSlipParts(const v1::CreateTicketResponse& issued, v1::Language language,
                        const google::protobuf::Timestamp* slot_start = nullptr,
                        bool late = false);

// `text` in 5-line block letters (A-Z, 0-9; anything else is a blank), each
// line centred in `width` columns and ending in '\n'.
std::string BigText(std::string_view text, std::size_t width = kSlipWidth);

}  // namespace shop::queue::kiosk
