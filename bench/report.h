// The benchmark's output: an aligned plain-text table (default) or one JSON
// document (--json), from the phases' results. Pure functions of their
// arguments; they only write to the given stream.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bench/load.h"
#include "bench/options.h"
#include "bench/server_process.h"
#include "bench/sse_load.h"

namespace shop::bench {

struct RunInfo {
  unsigned cores = 0;  // std::thread::hardware_concurrency()
  BenchOptions options;
  std::string server_address;  // HOST:PORT the queue phases used
  bool self_started = false;   // we ran queue-server (RSS figures exist)
  std::string server_binary;
  ProcStatus idle;                 // server after start, before any load
  std::optional<StopResult> stop;  // how the self-started server stopped
  int64_t duplicates = 0;          // tickets called to two counters (must be 0)
  std::optional<SseFigures> sse;   // the SSE phase ran
};

void PrintTable(std::ostream& out, const RunInfo& info, const std::vector<PhaseResult>& phases);
void PrintJson(std::ostream& out, const RunInfo& info, const std::vector<PhaseResult>& phases);

}  // namespace shop::bench
