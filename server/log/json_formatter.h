// --log-format json: each log line a JSON object, for log collectors
// (journald, Loki, ELK):
//   {"time":"2026-12-02T18:00:00.123Z","level":"info","logger":"queue",
//    "thread":1234,"msg":"..."}
// The message is escaped as JSON strings are (bytes that are not UTF-8
// become U+FFFD), so no message can break a line or forge a field.
#pragma once

#include <memory>

#include <spdlog/formatter.h>

namespace shop::queue::log {

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace shop::queue::log
