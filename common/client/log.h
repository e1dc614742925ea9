// The log of the client programs: what the people at a screen are not shown
// (a customer never reads a status code or the server's English message) but
// whoever looks after the kiosk or the web site needs: which call failed, its
// gRPC code and the server's message.
//
// It is an spdlog logger named "client" writing to standard error, made on
// first use. A face that owns the terminal, or a test, may replace its sinks.
//
// Thread-safety: safe from any thread (spdlog's *_mt sinks).
#pragma once

#include <memory>
#include <string_view>

#include <grpcpp/support/status.h>
#include <spdlog/logger.h>

namespace shop::queue::client {

// The client log (never null).
std::shared_ptr<spdlog::logger> ClientLog();

// Logs a warning "<what> failed: CODE: message".
void LogFailure(std::string_view what, const grpc::Status& status);

}  // namespace shop::queue::client
