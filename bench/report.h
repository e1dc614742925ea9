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
  // Storage and replicas (self-started); an external server's are unknown.
  std::string engine;                          // "sqlite" or "postgresql"
  std::string db;                              // --db of the servers, password masked
  bool own_cluster = false;                    // --postgres: the bench's own cluster
  std::vector<std::string> replica_addresses;  // HOST:PORT per replica (0 = server_address)
  std::vector<ProcStatus> replica_idle;        // per replica (0 = idle)
  std::vector<StopResult> replica_stops;       // per replica (0 = stop)
};

void PrintTable(std::ostream& out, const RunInfo& info, const std::vector<PhaseResult>& phases);
void PrintJson(std::ostream& out, const RunInfo& info, const std::vector<PhaseResult>& phases);

}  // namespace shop::bench
