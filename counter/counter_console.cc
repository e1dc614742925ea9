#include "counter/counter_console.h"

#include <cctype>
#include <charconv>
#include <vector>

#include "common/client/rpc.h"
#include "counter/case_console.h"
#include "counter/format.h"

namespace shop::queue::counter {
namespace {

constexpr std::string_view kClearScreen = "\x1b[2J\x1b[H";
constexpr std::string_view kKeys =
    "keys: n next  r recall  s start  d done  x no-show  t transfer  p park\n"
    "      u return  c call  o open  z close  l list  k case  ? help  q quit";

}  // namespace

std::string_view CounterKeyHelp() {
  return "n  call the next ticket            c  call a chosen ticket (R017, Enter)\n"
         "r  recall the current ticket       s  start serving (customer arrived)\n"
         "d  done: serving finished          x  no-show: customer did not come (asks)\n"
         "t  transfer (then service letter)  p  park the ticket being served\n"
         "u  return a parked ticket (R017, Enter)\n"
         "o  open the counter (services, Enter)   z  close the counter\n"
         "l  list waiting tickets            k  SIM-replacement case of the ticket\n"
         "                                      (asks before opening one by hand)\n"
         "?  this help                       q  quit";
}

int CounterConsole::Run() {
  for (;;) {
    Render();
    std::optional<char> key = keys_.ReadKey();
    if (!key) break;
    if (*key != '\n') out_ << *key << '\n';
    if (!HandleKey(*key)) break;
  }
  out_ << '\n';
  return 0;
}

void CounterConsole::Render() {
  if (keys_.interactive()) out_ << kClearScreen;
  out_ << "---- branch " << client_.branch_id() << ", counter " << client_.counter_id()
       << " ----\n";
  v1::GetCounterResponse counter;
  grpc::Status status = client_.Get(&counter);
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    out_ << "counter: " << kSessionEnded << '\n';
  } else if (!status.ok()) {
    out_ << "counter: unavailable (" << client::DescribeStatus(status) << ")\n";
  } else {
    out_ << FormatCounter(counter.counter()) << '\n';
    if (counter.has_current_ticket() && counter.current_ticket().ticket_id() != 0) {
      out_ << "current: " << FormatTicket(counter.current_ticket()) << '\n';
    }
  }
  std::vector<v1::Ticket> waiting;
  status = client_.ListTickets(v1::TICKET_STATE_WAITING, &waiting);
  if (status.ok()) {
    const auto& served = counter.counter().service_prefixes();
    out_ << FormatWaiting(waiting, std::vector<std::string>(served.begin(), served.end()))
         << '\n';
  }
  // Devices that need someone (a kiosk out of paper), one line each.
  std::vector<v1::Device> devices;
  if (client_.ListDevices(&devices).ok()) {
    google::protobuf::RepeatedPtrField<v1::Device> listed(devices.begin(), devices.end());
    for (const std::string& line : FaultLines(listed)) out_ << line << '\n';
  }
  out_ << kKeys << '\n';
  if (!message_.empty()) out_ << '\n' << message_ << '\n';
  out_ << "> ";
  message_.clear();
}

bool CounterConsole::HandleKey(char key) {
  v1::Ticket ticket;
  switch (std::tolower(static_cast<unsigned char>(key))) {
    case 'q': return false;
    case 'n': CallNext(); break;
    case 'c': CallChosen(); break;
    case 'r': Report(client_.Recall(0, &ticket), ticket); break;
    case 's': Start(); break;
    case 'd': Report(client_.Complete(0, &ticket), ticket); break;
    case 'x': NoShow(); break;
    case 'p': Report(client_.Park(0, &ticket), ticket); break;
    case 't': Transfer(); break;
    case 'u': ReturnParked(); break;
    case 'o': Open(); break;
    case 'z': Close(); break;
    case 'l': ListWaiting(); break;
    case 'k': CaseOfCurrentTicket(); break;
    case '?': message_ = std::string(CounterKeyHelp()); break;
    case '\n': break;
    default: message_ = "unknown key '" + std::string(1, key) + "' (? for help)";
  }
  return true;
}

void CounterConsole::CallNext() {
  v1::Ticket ticket;
  Report(client_.CallNext(&ticket), ticket);
}

void CounterConsole::CallChosen() {
  std::optional<client::TicketRef> ref = AskTicket("call ticket (number, e.g. R017): ");
  if (!ref) return;
  v1::Ticket ticket;
  Report(client_.Call(*ref, &ticket), ticket);
}

void CounterConsole::Transfer() {
  out_ << "\ntransfer to service (letter): ";
  std::optional<char> key = keys_.ReadKey();
  if (!key || !std::isalpha(static_cast<unsigned char>(*key))) {
    message_ = "transfer cancelled";
    return;
  }
  const char prefix = static_cast<char>(std::toupper(static_cast<unsigned char>(*key)));
  out_ << prefix << '\n';
  v1::Ticket ticket;
  Report(client_.Transfer(0, std::string(1, prefix), &ticket), ticket);
}

void CounterConsole::ReturnParked() {
  std::optional<client::TicketRef> ref = AskTicket("return parked ticket (number, e.g. R017): ");
  if (!ref) return;
  v1::Ticket ticket;
  Report(client_.Return(*ref, &ticket), ticket);
}

void CounterConsole::Open() {
  out_ << "\nopen for services (for example R,N; * or Enter for all): ";
  std::optional<std::string> answer = ReadAnswer();
  if (!answer) {
    message_ = "open cancelled";
    return;
  }
  std::vector<std::string> prefixes;
  std::string current;
  for (char c : *answer + ",") {
    if (c == ',' || c == ' ') {
      if (!current.empty() && current != "*") prefixes.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  v1::Counter counter;
  grpc::Status status = client_.Open(prefixes, &counter);
  if (!status.ok()) return Refused(status);
  message_ = "ok: " + FormatCounter(counter);
}

void CounterConsole::Close() {
  v1::Counter counter;
  grpc::Status status = client_.Close(&counter);
  if (!status.ok()) return Refused(status);
  message_ = "ok: " + FormatCounter(counter);
}

void CounterConsole::ListWaiting() {
  std::vector<v1::Ticket> tickets;
  grpc::Status status = client_.ListTickets(v1::TICKET_STATE_WAITING, &tickets);
  if (!status.ok()) return Refused(status);
  message_ = tickets.empty() ? "nobody is waiting" : "waiting tickets:";
  for (const v1::Ticket& ticket : tickets) message_ += "\n  " + FormatTicket(ticket);
}

void CounterConsole::Start() {
  v1::Ticket ticket;
  int64_t case_id = 0;
  grpc::Status status = client_.StartServing(0, &ticket, &case_id);
  if (!status.ok()) return Refused(status);
  message_ = "ok: " + FormatTicket(ticket);
  if (case_id != 0) {
    message_ += "\ncase " + std::to_string(case_id) + " opened: press k to work on it";
  }
}

void CounterConsole::NoShow() {
  v1::GetCounterResponse counter;
  grpc::Status status = client_.Get(&counter);
  if (!status.ok()) return Refused(status);
  const int64_t ticket_id = counter.counter().current_ticket_id();
  if (ticket_id == 0) {
    message_ = "no current ticket";
    return;
  }
  const std::string label = counter.current_ticket().display_number().empty()
                                ? "ticket id " + std::to_string(ticket_id)
                                : counter.current_ticket().display_number();
  if (!Confirm("mark " + label + " as a no-show? (y/N): ")) {
    message_ = "not marked: " + label + " stays";
    return;
  }
  v1::Ticket ticket;
  Report(client_.NoShow(ticket_id, &ticket), ticket);  // the ticket asked about
}

bool CounterConsole::Confirm(std::string_view question) {
  out_ << '\n' << question;
  std::optional<char> key = keys_.ReadKey();
  if (key && *key != '\n' && *key != '\x1b') out_ << *key;
  out_ << '\n';
  return key && (*key == 'y' || *key == 'Y');
}

void CounterConsole::CaseOfCurrentTicket() {
  if (cases_ == nullptr) {
    message_ = "the case screen is not available here";
    return;
  }
  v1::GetCounterResponse counter;
  grpc::Status status = client_.Get(&counter);
  if (!status.ok()) return Refused(status);
  const int64_t ticket_id = counter.counter().current_ticket_id();
  if (ticket_id == 0) {
    message_ = "no current ticket: call one and start serving it (s) first";
    return;
  }
  CaseScreen screen(*cases_, keys_, out_);
  message_ = screen.Run(ticket_id, counter.current_ticket().display_number());
}

void CounterConsole::Report(const grpc::Status& status, const v1::Ticket& ticket) {
  if (!status.ok()) return Refused(status);
  message_ = "ok: " + FormatTicket(ticket);
}

std::optional<std::string> CounterConsole::ReadAnswer() {
  std::optional<std::string> answer = keys_.ReadWord();
  if (answer && !keys_.interactive()) out_ << *answer << '\n';  // a terminal echoes itself
  return answer;
}

void CounterConsole::Refused(const grpc::Status& status) { message_ = RefusalLine(status); }

std::optional<client::TicketRef> CounterConsole::AskTicket(std::string_view prompt) {
  out_ << '\n' << prompt;
  std::optional<std::string> answer = ReadAnswer();
  if (!answer || answer->empty()) {
    message_ = "cancelled";
    return std::nullopt;
  }
  std::optional<client::TicketRef> ref = client::ParseTicketRef(*answer);
  if (!ref) message_ = "not a ticket number (such as R017): '" + *answer + "'";
  return ref;
}

}  // namespace shop::queue::counter
