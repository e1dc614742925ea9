#include "bench/stats.h"

#include <algorithm>
#include <cmath>

namespace shop::bench {

namespace {

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Nearest-rank percentile of sorted, non-empty samples.
Clock::duration Percentile(const std::vector<Clock::duration>& sorted, double p) {
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

Window Window::Start(double duration_s, double warmup_s) {
  auto now = Clock::now();
  auto sec = [](double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  };
  return Window{now + sec(std::min(warmup_s, duration_s)), now + sec(duration_s)};
}

double Window::MeasuredSeconds() const {
  return std::chrono::duration<double>(end - measure_from).count();
}

void OpStats::Record(const grpc::Status& status, Clock::duration took, bool measured) {
  if (!status.ok()) {
    RecordError(status.error_code());
  } else if (measured) {
    RecordLatency(took);
  }
}

void OpStats::Merge(const OpStats& other) {
  latencies_.insert(latencies_.end(), other.latencies_.begin(), other.latencies_.end());
  MergeErrors(other);
}

void OpStats::MergeErrors(const OpStats& other) {
  for (const auto& [code, n] : other.errors_) errors_[code] += n;
}

int64_t OpSummary::error_total() const {
  int64_t total = 0;
  for (const auto& [code, n] : errors) total += n;
  return total;
}

OpSummary Summarize(std::string name, OpStats stats, double seconds) {
  OpSummary s;
  s.name = std::move(name);
  s.seconds = seconds;
  std::vector<Clock::duration> lat = stats.latencies();
  std::sort(lat.begin(), lat.end());
  s.count = static_cast<int64_t>(lat.size());
  s.ops_per_s = seconds > 0 ? s.count / seconds : 0;
  if (!lat.empty()) {
    s.p50_ms = Ms(Percentile(lat, 50));
    s.p90_ms = Ms(Percentile(lat, 90));
    s.p99_ms = Ms(Percentile(lat, 99));
    s.max_ms = Ms(lat.back());
  }
  for (const auto& [code, n] : stats.errors()) s.errors[StatusCodeName(code)] += n;
  return s;
}

std::string StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "CODE_" + std::to_string(static_cast<int>(code));
  }
}

}  // namespace shop::bench
