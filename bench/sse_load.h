// The SSE phase (--sse-clients N): N Server-Sent-Events streams on the HTTP
// face of a self-started queue-server, ticket pages and boards of the first
// branch, while its counters call tickets at a steady pace; see
// bench/README.md ("sse") for what is measured and how a delivery is matched
// to the call that caused it.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "bench/load.h"
#include "bench/server_process.h"
#include "bench/stats.h"

namespace shop::bench {

// Targets printed beside the figures (the benchmark never fails on them).
inline constexpr double kSseTargetP99Ms = 500;       // event delivery p99, with 2000 clients
inline constexpr int kSseTargetClients = 2000;
inline constexpr int64_t kSseTargetRssKib = 200 * 1024;  // server RSS

struct SseFigures {
  int clients = 0, ticket_pages = 0, boards = 0;
  int connected = 0;       // delivered their first frame
  int connect_failed = 0;  // refused, or answered other than 200 text/event-stream
  int not_ready = 0;       // neither connected nor failed within the connect timeout
  int dropped = 0;         // connected streams the server closed without `ended`
  int ended = 0;           // ticket streams closed after `ended` (their ticket was served)
  std::map<std::string, int64_t> failures;  // why connects failed or streams dropped
  double connect_all_s = 0;                 // from the burst until every stream connected/failed
  OpSummary connect;                        // connect start -> first frame
  OpSummary delivery, ticket_delivery, board_delivery;  // call sent -> matching frame read
  // Over the calls: each call's earliest and latest delivery (how long the
  // server took to reach its first stream, and its last).
  OpSummary call_first, call_last;
  int64_t calls = 0;                // call-nexts that called a ticket
  int64_t deliveries_expected = 0;  // see README
  int64_t missed = 0;               // expected deliveries with no matching frame
  int64_t early = 0;                // a matching frame read before its call was sent (a mismatch)
  int64_t order_mismatch = 0;       // a ticket page's own call was another ticket (a mismatch)
  int64_t frames = 0;               // all frames read (heartbeats not counted)
  int64_t nofile_limit = 0;         // RLIMIT_NOFILE soft limit in effect
  bool has_rss = false;
  ProcStatus before, connected_status, after;  // server VmRSS/VmHWM
  ProcStatus phase_peak;  // the phase's 100 ms VmRSS samples (filled by main)
};

// Raises RLIMIT_NOFILE's soft limit (and the hard one if allowed) to at least
// `need`; returns the soft limit in effect afterwards. Call before the server
// is forked so that it inherits the limit.
int64_t RaiseFileLimit(int64_t need);

// Runs the phase against the self-started `servers` (needs their
// http_port()): streams round-robin over the replicas, the driving counter
// and the RSS readings on replica 0. Fills *figures.
PhaseResult RunSse(LoadContext& ctx, ServerGroup* servers, SseFigures* figures);

}  // namespace shop::bench
