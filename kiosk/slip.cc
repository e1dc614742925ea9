#include "kiosk/slip.h"

#include <array>
#include <cctype>

#include "common/client/text.h"

namespace shop::queue::kiosk {
namespace {

using client::Msg;
using client::Tr;

constexpr int kGlyphRows = 5;
using Glyph = std::array<std::string_view, kGlyphRows>;

// 5x5 block letters; '#' is drawn as a full block.
constexpr Glyph kDigits[10] = {
    {" ### ", "#  ##", "# # #", "##  #", " ### "},  // 0 (slashed, unlike O)
    {"  #  ", " ##  ", "  #  ", "  #  ", " ### "},  // 1
    {" ### ", "#   #", "  ## ", " #   ", "#####"},  // 2
    {"#### ", "    #", " ### ", "    #", "#### "},  // 3
    {"#   #", "#   #", "#####", "    #", "    #"},  // 4
    {"#####", "#    ", "#### ", "    #", "#### "},  // 5
    {" ### ", "#    ", "#### ", "#   #", " ### "},  // 6
    {"#####", "    #", "   # ", "  #  ", "  #  "},  // 7
    {" ### ", "#   #", " ### ", "#   #", " ### "},  // 8
    {" ### ", "#   #", " ####", "    #", " ### "},  // 9
};

constexpr Glyph kLetters[26] = {
    {" ### ", "#   #", "#####", "#   #", "#   #"},  // A
    {"#### ", "#   #", "#### ", "#   #", "#### "},  // B
    {" ####", "#    ", "#    ", "#    ", " ####"},  // C
    {"#### ", "#   #", "#   #", "#   #", "#### "},  // D
    {"#####", "#    ", "#### ", "#    ", "#####"},  // E
    {"#####", "#    ", "#### ", "#    ", "#    "},  // F
    {" ####", "#    ", "#  ##", "#   #", " ####"},  // G
    {"#   #", "#   #", "#####", "#   #", "#   #"},  // H
    {"#####", "  #  ", "  #  ", "  #  ", "#####"},  // I
    {"#####", "   # ", "   # ", "#  # ", " ##  "},  // J
    {"#   #", "#  # ", "###  ", "#  # ", "#   #"},  // K
    {"#    ", "#    ", "#    ", "#    ", "#####"},  // L
    {"#   #", "## ##", "# # #", "#   #", "#   #"},  // M
    {"#   #", "##  #", "# # #", "#  ##", "#   #"},  // N
    {" ### ", "#   #", "#   #", "#   #", " ### "},  // O
    {"#### ", "#   #", "#### ", "#    ", "#    "},  // P
    {" ### ", "#   #", "# # #", "#  # ", " ## #"},  // Q
    {"#### ", "#   #", "#### ", "#  # ", "#   #"},  // R
    {" ####", "#    ", " ### ", "    #", "#### "},  // S
    {"#####", "  #  ", "  #  ", "  #  ", "  #  "},  // T
    {"#   #", "#   #", "#   #", "#   #", " ### "},  // U
    {"#   #", "#   #", "#   #", " # # ", "  #  "},  // V
    {"#   #", "#   #", "# # #", "## ##", "#   #"},  // W
    {"#   #", " # # ", "  #  ", " # # ", "#   #"},  // X
    {"#   #", " # # ", "  #  ", "  #  ", "  #  "},  // Y
    {"#####", "   # ", "  #  ", " #   ", "#####"},  // Z
};

constexpr Glyph kBlank = {"     ", "     ", "     ", "     ", "     "};

const Glyph& GlyphFor(char c) {
  const unsigned char u = static_cast<unsigned char>(std::toupper(static_cast<unsigned char>(c)));
  if (u >= '0' && u <= '9') return kDigits[u - '0'];
  if (u >= 'A' && u <= 'Z') return kLetters[u - 'A'];
  return kBlank;
}

// Slip lines for checked-in bookings (kept here, not in the shared table of
// common/client/text.h, since only the slip uses them).
enum class CheckInLine { kLateWindow, kLateWalkIn, kBookedFor };

std::string_view CheckInText(CheckInLine line, v1::Language language) {
  struct Row {
    std::string_view ru, en, zh;
  };
  static constexpr Row kRows[] = {
      {"Вы пришли после окна регистрации:", "You came after your check-in window:",
       "您在签到时间之后到达："},
      {"это талон живой очереди", "this is a walk-in ticket", "这是普通排队号票"},
      {"Вы были записаны на", "Your appointment was at", "您的预约时间"},
  };
  const Row& row = kRows[static_cast<int>(line)];
  switch (language) {
    case v1::LANGUAGE_EN: return row.en;
    case v1::LANGUAGE_ZH: return row.zh;
    default: return row.ru;
  }
}

std::string Centred(std::string_view line, std::size_t width) {
  const std::size_t have = client::DisplayWidth(line);
  std::string out(have < width ? (width - have) / 2 : 0, ' ');
  out += line;
  out += '\n';
  return out;
}

std::string Rule(char c) { return std::string(kSlipWidth, c) + '\n'; }

// "Label: value\n" with the punctuation of the language.
std::string Field(Msg label, std::string_view value, v1::Language language) {
  std::string line(Tr(label, language));
  line += client::LabelSeparator(language);
  line += value;
  line += '\n';
  return line;
}

std::string Header(const v1::CreateTicketResponse& issued, v1::Language language) {
  std::string text = Rule('=');
  if (!issued.branch().display_name().empty()) text += issued.branch().display_name() + '\n';
  const std::string service = client::ServiceName(issued.service(), language);
  if (!service.empty()) text += service + '\n';
  text += Rule('-');
  return text;
}

std::string Number(const v1::Ticket& ticket, v1::Language language) {
  std::string text(Tr(Msg::kYourNumber, language));
  text += "\n\n";
  text += BigText(ticket.display_number());
  text += '\n';
  text += Centred(ticket.display_number(), kSlipWidth);
  text += Rule('-');
  return text;
}

// `slot_start`: the booking's slot for a checked-in booking, else nullptr;
// `late`: that check-in gave a walk-in ticket.
std::string Details(const v1::CreateTicketResponse& issued, v1::Language language,
                    const google::protobuf::Timestamp* slot_start = nullptr, bool late = false) {
  const v1::Ticket& ticket = issued.ticket();
  const std::string& zone = issued.branch().time_zone();
  std::string text = Field(Msg::kIssued, client::FormatLocalTime(ticket.issue_time(), zone),
                           language);
  if (slot_start != nullptr && late) {
    text += CheckInText(CheckInLine::kBookedFor, language);
    text += client::LabelSeparator(language);
    text += client::FormatLocalTime(*slot_start, zone) + '\n';
  } else if (ticket.origin() == v1::TICKET_ORIGIN_APPOINTMENT || slot_start != nullptr) {
    // The slot time (a checked-in booking's own, else the ticket's due time).
    const google::protobuf::Timestamp& at =
        slot_start != nullptr ? *slot_start : ticket.due_time();
    text += Field(Msg::kAppointmentAt, client::FormatLocalTime(at, zone), language);
  }
  text += Field(Msg::kPeopleAhead, std::to_string(ticket.position()), language);
  text += Field(Msg::kEstimatedWait, client::FormatWait(ticket.estimated_wait(), language),
                language);
  if (ticket.priority_class() != v1::PRIORITY_CLASS_UNSPECIFIED) {
    text += Field(Msg::kPriority, client::PriorityText(ticket.priority_class(), language),
                  language);
  }
  text += Field(Msg::kBusinessDay, ticket.business_day(), language);
  return text;
}

std::string Footer(const v1::CreateTicketResponse& issued, v1::Language language) {
  std::string text = Rule('-');
  text += std::string(Tr(Msg::kWatchBoard, language)) + '\n';
  // The live page, for a phone: the printed slip has it as a QR code.
  if (!issued.status_url().empty()) text += "Live: " + issued.status_url() + '\n';
  text += Rule('=');
  return text;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

SlipParts MakeSlipParts(const v1::CreateTicketResponse& issued, v1::Language language,
                        const google::protobuf::Timestamp* slot_start, bool late) {
  SlipParts parts;
  parts.branch = issued.branch().display_name();
  parts.service = client::ServiceName(issued.service(), language);
  parts.your_number = std::string(Tr(Msg::kYourNumber, language));
  parts.number = issued.ticket().display_number();
  if (slot_start != nullptr && late) {
    parts.late_lines = {std::string(CheckInText(CheckInLine::kLateWindow, language)),
                        std::string(CheckInText(CheckInLine::kLateWalkIn, language))};
  }
  parts.details = Lines(Details(issued, language, slot_start, slot_start != nullptr && late));
  parts.footer = std::string(Tr(Msg::kWatchBoard, language));
  return parts;
}

std::string BigText(std::string_view text, std::size_t width) {
  // Every row has the same width, so one left margin keeps the letters aligned.
  const std::size_t columns = text.empty() ? 0 : text.size() * 6 - 1;
  const std::string margin(columns < width ? (width - columns) / 2 : 0, ' ');
  std::string out;
  for (int row = 0; row < kGlyphRows; ++row) {
    std::string line = margin;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (i > 0) line += ' ';
      for (char pixel : GlyphFor(text[i])[row]) line += pixel == '#' ? "\u2588" : " ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

std::string FormatSlip(const v1::CreateTicketResponse& issued, v1::Language language) {
  std::string slip = Header(issued, language);
  slip += Number(issued.ticket(), language);
  slip += Details(issued, language);
  slip += Footer(issued, language);
  return slip;
}

std::string FormatCheckInSlip(const v1::CreateTicketResponse& issued, bool late,
                              const google::protobuf::Timestamp& slot_start,
                              v1::Language language) {
  std::string slip = Header(issued, language);
  slip += Number(issued.ticket(), language);
  if (late) {
    slip += "! " + std::string(CheckInText(CheckInLine::kLateWindow, language)) + '\n';
    slip += "! " + std::string(CheckInText(CheckInLine::kLateWalkIn, language)) + '\n';
    slip += Rule('-');
  }
  slip += Details(issued, language, &slot_start, late);
  slip += Footer(issued, language);
  return slip;
}

}  // namespace shop::queue::kiosk
