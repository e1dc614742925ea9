#include "common/client/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/client/rpc.h"

namespace shop::queue::client {

std::shared_ptr<spdlog::logger> ClientLog() {
  static const std::shared_ptr<spdlog::logger> log = [] {
    // Not registered with spdlog: a program's own "client" logger, if any,
    // stays its own.
    auto logger = std::make_shared<spdlog::logger>(
        "client", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_level(spdlog::level::info);
    return logger;
  }();
  return log;
}

void LogFailure(std::string_view what, const grpc::Status& status) {
  ClientLog()->warn("{} failed: {}", what, DescribeStatus(status));
}

}  // namespace shop::queue::client
