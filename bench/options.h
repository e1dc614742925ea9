// BenchOptions: every knob of queue-bench, filled from the command line in
// main.cc and read (never written) by the phase drivers and the report.
// A plain value type; copy it freely.
#pragma once

#include <string>
#include <vector>

namespace shop::bench {

struct BenchOptions {
  // Server under test.
  std::string server;         // HOST:PORT of a running server; empty = self-start
  std::string token;          // with --server: a supervisor's session token
  std::string server_binary;  // queue-server to self-start
  // Storage and replicas of the self-started server(s).
  std::string db_uri;             // --db: a PostgreSQL database (empty: a fresh SQLite file)
  bool own_postgres = false;      // --postgres: a throwaway durable cluster of the bench's own
  std::string pg_cluster_script;  // scripts/pg-cluster.sh (for --postgres)
  int replicas = 1;               // queue-server processes on the one database
  // Branch layout (written to the config when self-starting).
  int branches = 10;
  int counters_per_branch = 20;
  std::string branch_prefix = "b";
  // Load.
  std::vector<std::string> phases = {"echo", "create", "cycle", "board"};
  double duration_s = 10.0;
  double warmup_s = 0.5;
  int inflight = 64;
  int channels = 4;
  int prefill = 20000;
  int watchers = 1000;
  double board_rate = 20.0;
  int clerk_pause_ms = 0;  // cycle phase: pause after each call (0 = flat out)
  double deadline_s = 5.0;
  // SSE phase (HTTP face): off while sse_clients is 0.
  int sse_clients = 0;             // concurrent SSE streams
  double sse_board_share = 0.5;    // fraction of them that are boards
  int sse_call_interval_ms = 200;  // one call-next every this long, across b0's counters
  int sse_threads = 1;             // client event-loop threads
  // Output.
  bool json = false;
};

}  // namespace shop::bench
