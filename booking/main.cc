// booking: the shop web site's booking calls from a terminal (see
// booking/booking_commands.h for the commands). Parses the command line,
// builds a BookingClient (no token: BookingService is public) and runs one
// command. Exit codes: 0 ok, 1 refused by the server, 2 bad usage or the
// server could not be reached.
#include <iostream>

#include <CLI/CLI.hpp>

#include "booking/booking_client.h"
#include "booking/booking_commands.h"
#include "common/client/cli.h"

namespace shop::queue::booking {
namespace {

int Main(int argc, char** argv) {
  CLI::App app{"booking: book, see, move and cancel appointments at a shop branch"};
  app.fallthrough();  // global options may follow the subcommand
  app.require_subcommand(1);
  client::ConnectionFlags conn;
  client::AddPublicConnectionOptions(app, conn);
  BookingFlags flags;
  BookingCommand command;
  AddBookingCommands(app, flags, command);
  if (auto exit_code = client::Parse(app, argc, argv)) return *exit_code;
  const BookingClient booking(client::Connect(conn), conn.branch,
                              client::ToPublicCallOptions(conn));
  BookingIo io{std::cout, std::cerr};
  return command(booking, io);
}

}  // namespace
}  // namespace shop::queue::booking

int main(int argc, char** argv) { return shop::queue::booking::Main(argc, argv); }
