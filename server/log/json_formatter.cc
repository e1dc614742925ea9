#include "server/log/json_formatter.h"

#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

namespace shop::queue::log {

namespace {

// "2026-12-02T18:00:00.123Z" (UTC, milliseconds).
std::string UtcMillis(spdlog::log_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

void JsonFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  nlohmann::ordered_json line;
  line["time"] = UtcMillis(msg.time);
  const auto level = spdlog::level::to_string_view(msg.level);
  line["level"] = std::string(level.data(), level.size());
  if (msg.logger_name.size() > 0)
    line["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
  line["thread"] = msg.thread_id;
  line["msg"] = std::string(msg.payload.data(), msg.payload.size());
  const std::string text =
      line.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
  dest.append(text.data(), text.data() + text.size());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> JsonFormatter::clone() const {
  return std::make_unique<JsonFormatter>();
}

}  // namespace shop::queue::log
