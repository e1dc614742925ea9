// kiosk: the terminal face of the hall kiosk. Parses the command line, builds
// a KioskClient and runs one command. Exit codes: 0 ok, 1 an RPC failed
// (or the server refused), 2 bad usage. A failed call prints a sentence for
// the customer in --lang to standard error; its code and the server's
// message go to the log (also standard error).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/client/keys.h"
#include "common/client/cli.h"
#include "common/client/customer_text.h"
#include "common/client/rpc.h"
#include "common/client/text.h"
#include "kiosk/kiosk_client.h"
#include "kiosk/kiosk_console.h"
#include "kiosk/slip.h"

namespace shop::queue::kiosk {
namespace {

constexpr int kExitRpcError = 1;
using client::kExitUsage;

struct Flags {
  client::ConnectionFlags conn;
  std::string lang = "ru";
  bool lang_given = false;  // --lang was on the command line
  std::string priority = "none";
  std::string notify_phone;  // take --notify-phone
  std::string prefix;
  std::string ticket;  // ticket TICKET: "R017" or an id
  std::string code;    // checkin CODE
};

using Command = std::function<int(const KioskClient&, const Flags&)>;

v1::Language LanguageOf(const Flags& flags) {
  return client::ParseLanguage(flags.lang).value_or(v1::LANGUAGE_RU);
}

// Tells the customer (in --lang) and the log; returns the exit code.
int Fail(const grpc::Status& status, const Flags& flags, client::CustomerAction action) {
  std::cerr << client::TellCustomer(status, action, LanguageOf(flags)) << '\n';
  return kExitRpcError;
}

int RunServices(const KioskClient& kiosk, const Flags& flags) {
  std::vector<v1::Service> services;
  grpc::Status status = kiosk.ListServices(&services);
  if (!status.ok()) return Fail(status, flags, client::CustomerAction::kShowServices);
  std::size_t name_width = 7;
  for (const v1::Service& s : services) {
    name_width = std::max(name_width, client::DisplayWidth(client::ServiceName(s, LanguageOf(flags))));
  }
  std::cout << "PREFIX  " << client::PadRight("SERVICE", name_width) << "  WAITING  OPEN COUNTERS\n";
  for (const v1::Service& s : services) {
    std::cout << client::PadRight(s.prefix(), 6) << "  "
              << client::PadRight(client::ServiceName(s, LanguageOf(flags)), name_width) << "  "
              << client::PadRight(std::to_string(s.waiting_count()), 7) << "  "
              << s.open_counter_count() << '\n';
  }
  return 0;
}

int RunTake(const KioskClient& kiosk, const Flags& flags) {
  const v1::PriorityClass priority =
      client::ParsePriority(flags.priority).value_or(v1::PRIORITY_CLASS_UNSPECIFIED);
  v1::CreateTicketResponse issued;
  grpc::Status status = kiosk.TakeTicket(flags.prefix, LanguageOf(flags), priority, &issued,
                                         flags.notify_phone);
  if (!status.ok()) return Fail(status, flags, client::CustomerAction::kTakeTicket);
  std::cout << FormatSlip(issued, LanguageOf(flags));
  return 0;
}

int RunCheckIn(const KioskClient& kiosk, const Flags& flags) {
  CheckIn check_in;
  grpc::Status status = kiosk.CheckInBooking(flags.code, &check_in);
  if (!status.ok()) return Fail(status, flags, client::CustomerAction::kCheckIn);
  // The slip in the booking's language unless --lang says otherwise.
  v1::Language language = check_in.issued.ticket().language();
  if (flags.lang_given || language == v1::LANGUAGE_UNSPECIFIED) language = LanguageOf(flags);
  std::cout << FormatCheckInSlip(check_in.issued, check_in.late, check_in.slot_start, language);
  return 0;
}

int RunTicket(const KioskClient& kiosk, const Flags& flags) {
  v1::Ticket ticket;
  grpc::Status status = kiosk.GetTicket(client::ParseTicketRef(flags.ticket).value(), &ticket);
  if (!status.ok()) return Fail(status, flags, client::CustomerAction::kShowTicket);
  std::cout << ticket.display_number() << " (id " << ticket.ticket_id() << "): "
            << client::TicketStateName(ticket.state()) << ", service "
            << ticket.service_prefix() << '\n';
  if (ticket.state() == v1::TICKET_STATE_WAITING) {
    std::cout << "  people ahead:   " << ticket.position() << '\n'
              << "  estimated wait: "
              << client::FormatWait(ticket.estimated_wait(), v1::LANGUAGE_EN) << '\n';
  } else if (!ticket.counter_id().empty()) {
    std::cout << "  counter:        " << ticket.counter_id() << '\n';
  }
  return 0;
}

int RunInteractive(const KioskClient& kiosk, const Flags&) {
  client::KeyReader keys;
  KioskConsole console(kiosk, keys, std::cout);
  return console.Run();
}

void AddGlobalOptions(CLI::App& app, Flags& flags) {
  client::AddConnectionOptions(app, flags.conn,
                               "kiosk device token (default: $SHOP_QUEUE_TOKEN, then "
                               "~/.config/shop-queue/kiosk-token)");
  app.add_option("--lang", flags.lang, "Customer language: ru, en or zh")
      ->check(CLI::IsMember({"ru", "en", "zh"}))
      ->capture_default_str();
}

void AddCommands(CLI::App& app, Flags& flags, Command& command) {
  app.add_subcommand("services", "List services: prefix, name, waiting, open counters")
      ->callback([&] { command = RunServices; });

  CLI::App* take = app.add_subcommand("take", "Take a ticket and print its slip");
  take->add_option("PREFIX", flags.prefix, "Service prefix, for example R")->required();
  take->add_option("--priority", flags.priority, "Priority class")
      ->check(CLI::IsMember({"none", "elderly", "disabled", "pregnant", "children"}))
      ->capture_default_str();
  take->add_option("--notify-phone", flags.notify_phone,
                   "The customer's mobile number for one SMS when few are ahead");
  take->callback([&] { command = RunTake; });

  CLI::App* ticket = app.add_subcommand("ticket", "Show a ticket's state, position and wait");
  ticket->add_option("TICKET", flags.ticket, "Today's ticket number as printed, e.g. R017 (or its id)")
      ->check(client::TicketArg())
      ->required();
  ticket->callback([&] { command = RunTicket; });

  CLI::App* checkin = app.add_subcommand(
      "checkin", "Check in an online booking by its code and print the ticket's slip");
  checkin->add_option("CODE", flags.code, "The booking code, e.g. K7M2-QX9D")->required();
  checkin->callback([&] { command = RunCheckIn; });

  app.add_subcommand("interactive",
                     "Customer screen: language, service, priority, slip; "
                     "b: check in a booking with its code")
      ->callback([&] { command = RunInteractive; });
}

int Main(int argc, char** argv) {
  CLI::App app{"kiosk: take queue tickets at a shop branch"};
  app.fallthrough();  // global options may follow the subcommand
  app.require_subcommand(1);
  Flags flags;
  Command command;
  AddGlobalOptions(app, flags);
  AddCommands(app, flags, command);
  if (auto exit_code = client::Parse(app, argc, argv)) return *exit_code;
  flags.lang_given = app.get_option("--lang")->count() > 0;
  const KioskClient kiosk(client::Connect(flags.conn), flags.conn.branch,
                          client::ToCallOptions(flags.conn, client::DefaultKioskTokenFile()));
  return command(kiosk, flags);
}

}  // namespace
}  // namespace shop::queue::kiosk

int main(int argc, char** argv) { return shop::queue::kiosk::Main(argc, argv); }
