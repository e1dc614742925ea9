// Command-line plumbing shared by the kiosk and counter programs: the
// connection flags every program takes (--server, --branch, --deadline-ms,
// --token, --tls-*), turning them into a channel and CallOptions, and parsing
// with the programs' exit codes. Not thread-safe; for main() only.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <grpcpp/channel.h>

#include "common/client/rpc.h"

namespace shop::queue::client {

inline constexpr int kExitUsage = 2;

struct ConnectionFlags {
  std::string server = "127.0.0.1:50051";
  std::string branch = "demo";
  int deadline_ms = 3000;
  std::string token;  // --token; else $SHOP_QUEUE_TOKEN; else the program's token file
  TlsFiles tls;
};

// Adds --server, --branch, --token (described by `token_help`), --tls-ca,
// --tls-cert, --tls-key and --deadline-ms.
void AddConnectionOptions(CLI::App& app, ConnectionFlags& flags, const std::string& token_help);

// The channel the flags ask for, with `limits` (see MakeChannel); on an
// unreadable TLS file prints the error and exits with kExitUsage.
std::shared_ptr<grpc::Channel> Connect(const ConnectionFlags& flags,
                                       const ChannelLimits& limits = {});

// Deadline and token (found as FindToken does, with `token_file` last). A
// token from the file comes with CallOptions::token_file set, so calls pick
// up a new session written there later (see common/client/rpc.h).
CallOptions ToCallOptions(const ConnectionFlags& flags, const std::string& token_file);

// For public services that need no credentials (BookingService): the
// options of AddConnectionOptions without --token.
void AddPublicConnectionOptions(CLI::App& app, ConnectionFlags& flags);

// Deadline only: no token from the flags, the environment or any file.
CallOptions ToPublicCallOptions(const ConnectionFlags& flags);

// Parses; on --help returns 0, on bad usage prints it and returns
// kExitUsage; nullopt when the program should go on.
std::optional<int> Parse(CLI::App& app, int argc, char** argv);

// Checks a ticket argument as people type it: the printed number ("R017",
// any case) or an id (see ParseTicketRef).
CLI::Validator TicketArg();

}  // namespace shop::queue::client
