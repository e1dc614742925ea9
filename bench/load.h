// Phase drivers: each runs one phase of the benchmark against a server and
// returns its figures.
//
// Unary phases (echo, create, cycle) drive closed-loop load with one thread
// per simulated client (kiosk or counter) using the synchronous stub: each
// thread makes one call at a time, so `inflight` threads keep that many calls
// in flight. The board phase uses the callback API (ClientReadReactor), so
// its thousand streams need no thread each.
//
// Every function blocks until its phase is over and its threads have joined.
// LoadContext is read-only during a phase except `called_ticket_ids`, which
// the phases append to from the calling thread after their workers joined.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/layout.h"
#include "bench/options.h"
#include "bench/server_process.h"
#include "bench/stats.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"

namespace shop::bench {

using Channels = std::vector<std::shared_ptr<grpc::Channel>>;

// `count` channels to `target`, each with a distinct channel argument so they
// do not share a subchannel (one TCP connection each).
// `count` channels to `target`, each call carrying `token` (the echo
// baseline gets a token too, so both pay for the same metadata).
Channels MakeChannels(const std::string& target, int count, const std::string& token);
// A session token for `login`, or "" with `error` set.
std::string LoginToken(const std::string& target, const std::string& login,
                       const std::string& password, std::string* error);
// Waits until every channel is connected; false after `timeout_s`.
bool WaitConnected(const Channels& channels, double timeout_s);

struct LoadContext {
  BenchOptions options;
  Layout layout;
  // To the queue server(s): `replicas` groups of channels.size() / replicas,
  // replica r's group first at r * (channels.size() / replicas).
  Channels channels;
  int replicas = 1;
  std::string run_id;                      // unique per run; prefixes every request_id
  std::vector<int64_t> called_ticket_ids;  // every ticket called so far (duplicate check)

  // Client i (a kiosk, a counter, a watcher...) goes to replica i % replicas,
  // and round-robin over that replica's channels: with one replica, channel
  // i % channels.size() as before.
  int ReplicaOf(int64_t i) const { return static_cast<int>(i % replicas); }
  size_t ChannelIndex(int64_t i) const {
    const size_t per = channels.size() / replicas;
    return static_cast<size_t>(ReplicaOf(i)) * per + static_cast<size_t>(i / replicas) % per;
  }
  const std::shared_ptr<grpc::Channel>& Channel(int64_t i) const {
    return channels[ChannelIndex(i)];
  }
};

struct PhaseResult {
  std::string name;
  double seconds = 0;                                    // measured window (after warm-up)
  std::vector<OpSummary> ops;                            // one row per operation
  std::vector<std::pair<std::string, int64_t>> figures;  // named counts, in print order
  ProcStatus server_peak;                                // filled by the caller (0 if not sampled)
  std::vector<ProcStatus> replica_peaks;                 // every replica's (0 = server_peak)
  std::string setup_error;                               // non-empty: the phase could not run

  static PhaseResult Named(std::string name, double seconds);
  static PhaseResult Failed(std::string name, std::string error);
};

// Echo baseline against the in-process echo server at `echo_channels`.
PhaseResult RunEcho(const BenchOptions& options, const Channels& echo_channels);

// `inflight` kiosks calling CreateTicket in a loop.
PhaseResult RunCreate(LoadContext& ctx);

// Creates `count` tickets spread over `branches` and the four services, not
// timed. Returns how many were created; *error set if any call failed.
int64_t CreateTickets(LoadContext& ctx, const std::vector<std::string>& branches, int64_t count,
                      std::string* error);

// Every counter opens, then loops CallNextTicket -> StartTicket -> CompleteTicket.
// Figures: empty_call_next, tickets_served, duplicates.
PhaseResult RunCycle(LoadContext& ctx);

// `watchers` WatchBoard streams on the first branch and one driving counter;
// see board_load.cc. Figures: watchers_ready, board_calls, events_expected,
// events_received, watchers_missing_calls, duplicates.
PhaseResult RunBoard(LoadContext& ctx);

// ---- Helpers shared by the drivers.

// What one counter records while cycling tickets. Not thread-safe: one per thread.
struct CounterTally {
  OpStats call_next, start, complete;
  int64_t empty = 0;            // NOT_FOUND from call-next: nobody waiting
  int64_t served = 0;           // tickets completed
  std::vector<int64_t> called;  // ids returned by call-next
};

grpc::Status OpenCounter(shop::queue::v1::CounterService::Stub& stub, const std::string& branch,
                         const std::string& counter, double deadline_s);
// One loop of a counter: CallNextTicket(request_id), then StartTicket and
// CompleteTicket on the ticket called. Sleeps 5 ms when the queue is empty or
// a call failed. Calls whose call-next started inside `win` are measured.
void CounterCycle(shop::queue::v1::CounterService::Stub& stub, const std::string& branch,
                  const std::string& counter, const std::string& request_id, double deadline_s,
                  const Window& win, std::chrono::milliseconds pause, CounterTally& tally);

void SetDeadline(grpc::ClientContext* ctx, double seconds);
// Counts ticket ids that appear more than once in `ids`.
int64_t CountDuplicates(std::vector<int64_t> ids);

}  // namespace shop::bench
