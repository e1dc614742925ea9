// Latency and error recording for the benchmark.
//
// OpStats collects the outcomes of one operation (e.g. "create") in one
// thread: latencies of successful calls inside the measurement window and
// error counts by gRPC code. It is NOT thread-safe: give every thread its own
// OpStats and Merge() them after the threads have joined. Summarize() turns a
// merged OpStats into the figures the report prints.
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace shop::bench {

using Clock = std::chrono::steady_clock;

// The part of a phase whose calls count: calls started in [measure_from, end).
// Calls started during the warm-up still run but are not measured.
struct Window {
  Clock::time_point measure_from;
  Clock::time_point end;

  static Window Start(double duration_s, double warmup_s);
  bool Running() const { return Clock::now() < end; }
  bool Measures(Clock::time_point call_start) const {
    return call_start >= measure_from && call_start < end;
  }
  double MeasuredSeconds() const;
};

class OpStats {
 public:
  // Records one call. A successful call's latency is kept only if `measured`;
  // errors are always counted (so a failing warm-up is not hidden).
  void Record(const grpc::Status& status, Clock::duration took, bool measured);
  void RecordLatency(Clock::duration took) { latencies_.push_back(took); }
  void RecordError(grpc::StatusCode code) { ++errors_[code]; }
  void Merge(const OpStats& other);
  void MergeErrors(const OpStats& other);  // only the error counts

  const std::vector<Clock::duration>& latencies() const { return latencies_; }
  const std::map<grpc::StatusCode, int64_t>& errors() const { return errors_; }

 private:
  std::vector<Clock::duration> latencies_;
  std::map<grpc::StatusCode, int64_t> errors_;
};

// The figures of one operation in one phase.
struct OpSummary {
  std::string name;
  int64_t count = 0;     // measured successful operations
  double seconds = 0;    // the measured window
  double ops_per_s = 0;  // count / seconds
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  std::map<std::string, int64_t> errors;  // gRPC code name -> count
  int64_t error_total() const;
};

// Sorts the latencies (hence by value) and computes the summary.
OpSummary Summarize(std::string name, OpStats stats, double seconds);

// "DEADLINE_EXCEEDED" etc.
std::string StatusCodeName(grpc::StatusCode code);

}  // namespace shop::bench
