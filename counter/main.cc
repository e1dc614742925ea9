// counter: the terminal face of a clerk's counter. Parses the command line,
// builds a CounterClient (and a CaseClient for `counter case ...` and the
// interactive screen, a RemoteClient for `counter review ...`) and runs one
// command. Exit codes: 0 ok, 1 an RPC failed (or was refused), 2 bad usage.
#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <optional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/client/keys.h"
#include "common/client/cli.h"
#include "common/client/rpc.h"
#include "common/client/text.h"
#include "common/client/login.h"
#include "counter/case_client.h"
#include "counter/case_commands.h"
#include "counter/counter_client.h"
#include "counter/counter_console.h"
#include "counter/format.h"
#include "counter/remote_client.h"
#include "counter/review_commands.h"

namespace shop::queue::counter {
namespace {

constexpr int kExitRpcError = 1;
using client::kExitUsage;

struct Flags {
  client::ConnectionFlags conn;
  std::string login;  // login --user
  std::string counter;
  std::vector<std::string> services;  // open --services
  std::string state;                  // list --state
  std::string target_prefix;          // transfer PREFIX
  std::string ticket;                 // "R017" or an id; "": the counter's current ticket
  CaseFlags cases;                    // case ...
  ReviewFlags review;                 // review ...
};

using Command = std::function<int(const CounterClient&, const Flags&)>;

// A command and whether it acts as one counter (needs --counter).
struct Selected {
  Command run;
  bool needs_counter = true;
  bool watches_board = false;
};

int Fail(const grpc::Status& status) {
  std::cerr << "error: " << client::DescribeStatus(status) << '\n';
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) std::cerr << kSessionEnded << '\n';
  return kExitRpcError;
}

int PrintTicket(const grpc::Status& status, const v1::Ticket& ticket) {
  if (!status.ok()) return Fail(status);
  std::cout << FormatTicket(ticket) << '\n';
  return 0;
}

int PrintCounter(const grpc::Status& status, const v1::Counter& counter) {
  if (!status.ok()) return Fail(status);
  std::cout << FormatCounter(counter) << '\n';
  return 0;
}

// --- commands ------------------------------------------------------------

int RunStatus(const CounterClient& counter, const Flags&) {
  v1::GetCounterResponse response;
  grpc::Status status = counter.Get(&response);
  if (!status.ok()) return Fail(status);
  std::cout << FormatCounter(response.counter()) << '\n';
  if (response.has_current_ticket() && response.current_ticket().ticket_id() != 0) {
    std::cout << "current: " << FormatTicket(response.current_ticket()) << '\n';
  }
  return 0;
}

int RunList(const CounterClient& counter, const Flags& flags) {
  const v1::TicketState state =
      client::ParseTicketState(flags.state).value_or(v1::TICKET_STATE_UNSPECIFIED);
  std::vector<v1::Ticket> tickets;
  grpc::Status status = counter.ListTickets(state, &tickets);
  if (!status.ok()) return Fail(status);
  for (const v1::Ticket& ticket : tickets) std::cout << FormatTicket(ticket) << '\n';
  if (tickets.empty()) std::cout << "no tickets\n";
  return 0;
}

// The ticket a command names: the printed number ("R017") or an id; empty
// for the counter's current ticket. Checked by client::TicketArg when parsed.
client::TicketRef TicketOf(const Flags& flags) {
  return flags.ticket.empty() ? client::TicketRef() : client::ParseTicketRef(flags.ticket).value();
}

// Ticket transitions: (client, ticket, out) -> status.
using TicketAction = grpc::Status (CounterClient::*)(const client::TicketRef&, v1::Ticket*) const;

Command ActOnTicket(TicketAction action) {
  return [action](const CounterClient& counter, const Flags& flags) {
    v1::Ticket ticket;
    grpc::Status status = (counter.*action)(TicketOf(flags), &ticket);
    return PrintTicket(status, ticket);
  };
}

int RunStart(const CounterClient& counter, const Flags& flags) {
  v1::Ticket ticket;
  int64_t case_id = 0;
  grpc::Status status = counter.StartServing(TicketOf(flags), &ticket, &case_id);
  const int code = PrintTicket(status, ticket);
  if (code == 0 && case_id != 0) {
    std::cout << "case " << case_id << " opened: counter case show --case " << case_id << '\n';
  }
  return code;
}

int RunNext(const CounterClient& counter, const Flags&) {
  v1::Ticket ticket;
  grpc::Status status = counter.CallNext(&ticket);
  return PrintTicket(status, ticket);
}

int RunTransfer(const CounterClient& counter, const Flags& flags) {
  v1::Ticket ticket;
  grpc::Status status = counter.Transfer(TicketOf(flags), flags.target_prefix, &ticket);
  return PrintTicket(status, ticket);
}

int RunOpen(const CounterClient& counter, const Flags& flags) {
  v1::Counter opened;
  grpc::Status status = counter.Open(flags.services, &opened);
  return PrintCounter(status, opened);
}

int RunClose(const CounterClient& counter, const Flags&) {
  v1::Counter closed;
  grpc::Status status = counter.Close(&closed);
  return PrintCounter(status, closed);
}

int RunDevices(const CounterClient& counter, const Flags&) {
  std::vector<v1::Device> devices;
  grpc::Status status = counter.ListDevices(&devices);
  if (!status.ok()) return Fail(status);
  std::string zone;
  status = counter.BranchTimeZone(&zone);
  if (!status.ok()) return Fail(status);
  for (const v1::Device& device : devices) std::cout << FormatDevice(device, zone) << '\n';
  if (devices.empty()) std::cout << "no device has reported\n";
  return 0;
}

// Not a Command: the screen needs the case client too (see Main).
int RunInteractive(const CounterClient& counter, const CaseClient& cases) {
  client::KeyReader keys;
  CounterConsole console(counter, keys, std::cout, &cases);
  return console.Run();
}

// --- board -----------------------------------------------------------------

// Signals that stop the board; blocked in every thread (see BlockStopSignals)
// and taken by sigwait in one. SIGUSR1 wakes that thread when the board ends.
sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  return set;
}

// Must run before any thread starts (gRPC's included) so all inherit it.
void BlockStopSignals() {
  sigset_t set = StopSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// What the board printed last, so that unchanged lines are not repeated.
struct BoardShown {
  std::string waiting;
  std::vector<std::string> faults;
};

bool PrintBoardMessage(const v1::WatchBoardResponse& message, BoardShown* shown) {
  if (message.snapshot()) std::cout << "-- board of the branch (recent calls) --\n";
  for (const v1::BoardCall& call : message.calls()) {
    std::cout << FormatBoardCall(call) << '\n';
  }
  const std::string waiting = FormatWaiting(message);
  if (message.snapshot() || waiting != shown->waiting) std::cout << "   " << waiting << '\n';
  shown->waiting = waiting;
  std::vector<std::string> faults = FaultLines(message.device_faults());
  if (message.snapshot() || faults != shown->faults) {
    for (const std::string& line : faults) std::cout << line << '\n';
    if (faults.empty() && !shown->faults.empty()) std::cout << "   devices: no faults\n";
  }
  shown->faults = std::move(faults);
  std::cout.flush();
  return true;
}

// Watches until cancelled, reconnecting (see CounterClient::WatchBoardLive):
// one line on standard error when the connection drops, then quiet while it
// reconnects, one line when it is back.
grpc::Status WatchUntilCancelled(const CounterClient& counter,
                                 client::StreamCanceller* canceller) {
  BoardShown shown;
  return counter.WatchBoardLive(
      [&](const v1::WatchBoardResponse& message) { return PrintBoardMessage(message, &shown); },
      [](BoardLink link, const grpc::Status& why) {
        if (link == BoardLink::kLost) {
          std::cerr << "board: connection lost (" << client::DescribeStatus(why)
                    << "); reconnecting...\n";
        } else {
          std::cerr << "board: connection is back\n";
        }
      },
      canceller);
}

int RunBoard(const CounterClient& counter, const Flags&) {
  client::StreamCanceller canceller;
  std::thread stopper([&canceller] {
    sigset_t set = StopSignals();
    int signal_number = 0;
    sigwait(&set, &signal_number);
    canceller.Cancel();
  });
  grpc::Status status = WatchUntilCancelled(counter, &canceller);
  pthread_kill(stopper.native_handle(), SIGUSR1);
  stopper.join();
  return status.ok() ? 0 : Fail(status);
}

// --- command line ----------------------------------------------------------

void AddGlobalOptions(CLI::App& app, Flags& flags) {
  client::AddConnectionOptions(app, flags.conn,
                               "session or device token (default: $SHOP_QUEUE_TOKEN, then the "
                               "file `counter login` writes)");
  app.add_option("--counter", flags.counter, "Counter id (needed by counter commands)");
}

CLI::App* AddCommand(CLI::App& app, Selected& selected, const std::string& name,
                     const std::string& help, Command run, bool needs_counter = true) {
  CLI::App* sub = app.add_subcommand(name, help);
  sub->callback([&selected, run, needs_counter, name] {
    selected.run = run;
    selected.needs_counter = needs_counter;
    selected.watches_board = name == "board";
  });
  return sub;
}

// A transition on a ticket: ID optional (default: the current ticket).
void AddTicketCommand(CLI::App& app, Selected& selected, Flags& flags, const std::string& name,
                      const std::string& help, TicketAction action) {
  AddCommand(app, selected, name, help, ActOnTicket(action))
      ->add_option("TICKET", flags.ticket,
                   "Ticket number as printed, e.g. R017, or id (default: the current ticket)")
      ->check(client::TicketArg());
}

void AddCommands(CLI::App& app, Flags& flags, Selected& selected) {
  AddCommand(app, selected, "status", "Show the counter and its current ticket", RunStatus);
  AddCommand(app, selected, "open", "Open the counter", RunOpen)
      ->add_option("--services", flags.services, "Service prefixes, e.g. R,N (default: all)")
      ->delimiter(',');
  AddCommand(app, selected, "close", "Close the counter", RunClose);
  AddCommand(app, selected, "list", "List today's tickets of the branch", RunList, false)
      ->add_option("--state", flags.state, "Only tickets in this state")
      ->check(CLI::IsMember({"waiting", "called", "serving", "done", "no_show", "no-show",
                             "cancelled", "expired", "parked"}));
  AddCommand(app, selected, "next", "Call the next ticket", RunNext);
  AddCommand(app, selected, "call", "Call a chosen waiting ticket", ActOnTicket(&CounterClient::Call))
      ->add_option("TICKET", flags.ticket, "Ticket number as printed, e.g. R017, or id")
      ->check(client::TicketArg())
      ->required();
  AddTicketCommand(app, selected, flags, "recall", "Call the ticket again", &CounterClient::Recall);
  AddCommand(app, selected, "start", "Start serving (the customer came)", RunStart)
      ->add_option("TICKET", flags.ticket,
                   "Ticket number as printed, e.g. R017, or id (default: the current ticket)")
      ->check(client::TicketArg());
  AddTicketCommand(app, selected, flags, "done", "Finish serving", &CounterClient::Complete);
  AddTicketCommand(app, selected, flags, "no-show", "The customer did not come",
                   &CounterClient::NoShow);
  CLI::App* transfer =
      AddCommand(app, selected, "transfer", "Send the ticket to another service", RunTransfer);
  transfer->add_option("PREFIX", flags.target_prefix, "Target service prefix")->required();
  transfer->add_option("--ticket", flags.ticket, "Ticket number (R017) or id (default: the current ticket)")
      ->check(client::TicketArg());
  AddTicketCommand(app, selected, flags, "park", "Set the serving ticket aside",
                   &CounterClient::Park);
  AddCommand(app, selected, "return", "Call a parked ticket back", ActOnTicket(&CounterClient::Return))
      ->add_option("TICKET", flags.ticket, "The parked ticket's number, e.g. R017, or id")
      ->check(client::TicketArg())
      ->required();
  AddCommand(app, selected, "board", "Print the hall board live until Ctrl-C", RunBoard, false);
  AddCommand(app, selected, "devices", "The branch's kiosks and their printers, faults first",
             RunDevices, false);
  AddCommand(app, selected, "interactive", "Clerk's keyboard screen (k: the SIM case screen)",
             Command());  // run by Main with the case client
  app.add_subcommand("login", "Log in as a staff member (asks for the password)")
      ->add_option("--user", flags.login, "staff login")
      ->required();
  app.add_subcommand("logout", "End the session");
}

int RunCaseCommand(const CaseSelection& selected, const Flags& flags) {
  if (selected.needs_counter && flags.counter.empty()) {
    std::cerr << "--counter ID is required for this command\n"
              << "Run with --help for more information.\n";
    return kExitUsage;
  }
  const CaseClient cases(client::Connect(flags.conn), flags.conn.branch, flags.counter,
                         client::ToCallOptions(flags.conn, client::DefaultTokenFile()));
  CaseIo io{std::cout, std::cerr,
            [](const std::string& prompt) { return client::ReadSecretLine(prompt); }};
  if (isatty(STDIN_FILENO)) {
    io.confirm = [](const std::string& prompt) -> std::optional<bool> {
      std::cerr << prompt << std::flush;
      client::KeyReader keys;
      const std::optional<char> key = keys.ReadKey();
      std::cerr << (key && *key != '\n' && *key != '\x1b' ? std::string(1, *key) : "") << '\n';
      if (!key) return std::nullopt;
      return *key == 'y' || *key == 'Y';
    };
  }
  return selected.run(cases, io);
}

int RunReviewCommand(const ReviewSelection& selected, const Flags& flags) {
  // GetApplication's photos need a channel that takes large answers.
  const std::shared_ptr<grpc::Channel> channel =
      client::Connect(flags.conn, RemoteClient::kChannelLimits);
  const client::CallOptions options = client::ToCallOptions(flags.conn, client::DefaultTokenFile());
  const RemoteClient remote(channel, options);
  ReviewIo io{std::cout, std::cerr,
              [](const std::string& prompt) -> std::optional<std::string> {
                std::cerr << prompt << std::flush;
                std::string line;
                const bool got = static_cast<bool>(std::getline(std::cin, line));
                if (!isatty(STDIN_FILENO)) std::cerr << '\n';  // no echo to end the line
                if (!got) return std::nullopt;
                return line;
              },
              [channel, options](const std::string& branch_id) {
                return LookUpBranchZone(channel, options, branch_id);
              },
              flags.conn.branch};
  return selected.run(remote, io);
}

int Main(int argc, char** argv) {
  CLI::App app{"counter: a clerk's counter at a shop branch"};
  app.fallthrough();  // global options may follow the subcommand
  app.require_subcommand(1);
  Flags flags;
  Selected selected;
  CaseSelection case_selected;
  AddGlobalOptions(app, flags);
  AddCommands(app, flags, selected);
  AddCaseCommands(app, flags.cases, case_selected);
  ReviewSelection review_selected;
  AddReviewCommands(app, flags.review, review_selected);
  if (auto exit_code = client::Parse(app, argc, argv)) return *exit_code;
  if (case_selected.run) return RunCaseCommand(case_selected, flags);
  if (review_selected.run) return RunReviewCommand(review_selected, flags);
  if (app.got_subcommand("login"))
    return client::LoginAndSave(client::Connect(flags.conn), flags.login,
                                client::DefaultTokenFile());
  if (app.got_subcommand("logout"))
    return client::LogoutAndForget(client::Connect(flags.conn),
                                   client::FindToken(flags.conn.token, client::DefaultTokenFile()),
                                   client::DefaultTokenFile());
  if (selected.needs_counter && flags.counter.empty()) {
    std::cerr << "--counter ID is required for this command\n"
              << "Run with --help for more information.\n";
    return kExitUsage;
  }
  if (selected.watches_board) BlockStopSignals();
  const std::shared_ptr<grpc::Channel> channel = client::Connect(flags.conn);
  const client::CallOptions options = client::ToCallOptions(flags.conn, client::DefaultTokenFile());
  const CounterClient counter(channel, flags.conn.branch, flags.counter, options);
  const CaseClient cases(channel, flags.conn.branch, flags.counter, options);
  if (app.got_subcommand("interactive")) return RunInteractive(counter, cases);
  return selected.run(counter, flags);
}

}  // namespace
}  // namespace shop::queue::counter

int main(int argc, char** argv) { return shop::queue::counter::Main(argc, argv); }
