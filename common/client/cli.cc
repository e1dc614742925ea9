#include "common/client/cli.h"

#include "common/client/ticket_ref.h"

#include <cstdio>
#include <cstdlib>

namespace shop::queue::client {

void AddConnectionOptions(CLI::App& app, ConnectionFlags& flags, const std::string& token_help) {
  app.add_option("--server", flags.server, "Queue server HOST:PORT")->capture_default_str();
  app.add_option("--branch", flags.branch, "Branch id")->capture_default_str();
  app.add_option("--token", flags.token, token_help);
  app.add_option("--tls-ca", flags.tls.ca, "CA certificate (PEM) of the server; enables TLS");
  app.add_option("--tls-cert", flags.tls.cert, "this client's certificate (PEM), if required");
  app.add_option("--tls-key", flags.tls.key, "this client's private key (PEM)");
  app.add_option("--deadline-ms", flags.deadline_ms, "Deadline of each RPC attempt, ms")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

std::shared_ptr<grpc::Channel> Connect(const ConnectionFlags& flags, const ChannelLimits& limits) {
  try {
    return MakeChannel(flags.server, flags.tls, limits);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    std::exit(kExitUsage);
  }
}

CallOptions ToCallOptions(const ConnectionFlags& flags, const std::string& token_file) {
  CallOptions options;
  options.deadline = std::chrono::milliseconds(flags.deadline_ms);
  const char* env = std::getenv("SHOP_QUEUE_TOKEN");
  if (!flags.token.empty() || (env != nullptr && *env != '\0')) {
    options.token = FindToken(flags.token, token_file);
  } else {
    // From the file: read again when the server refuses it (a new login).
    options.token_file = std::make_shared<TokenFile>(token_file);
    options.token = options.token_file->token();
  }
  return options;
}

void AddPublicConnectionOptions(CLI::App& app, ConnectionFlags& flags) {
  AddConnectionOptions(app, flags, "");
  app.remove_option(app.get_option("--token"));
}

CallOptions ToPublicCallOptions(const ConnectionFlags& flags) {
  CallOptions options;
  options.deadline = std::chrono::milliseconds(flags.deadline_ms);
  return options;
}

std::optional<int> Parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  return std::nullopt;
}

CLI::Validator TicketArg() {
  return CLI::Validator(
      [](std::string& text) {
        return ParseTicketRef(text) ? std::string()
                                    : "expected a ticket number such as R017 (or a ticket id)";
      },
      "TICKET", "ticket");
}

}  // namespace shop::queue::client
