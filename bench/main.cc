// queue-bench: measures queue-server as its users load it (see bench/README.md).
// Flags, then the selected phases in a fixed order, then the report.
// Exit codes: 0 done, 1 bad usage, 2 set-up failure, 3 a ticket was called twice.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <random>
#include <thread>

#include "bench/echo_server.h"
#include "bench/layout.h"
#include "bench/load.h"
#include "bench/report.h"
#include "bench/server_process.h"
#include "bench/sse_load.h"

namespace shop::bench {
namespace {

constexpr const char* kAllPhases[] = {"echo", "create", "cycle", "board", "sse"};

bool Selected(const BenchOptions& o, const std::string& phase) {
  return std::find(o.phases.begin(), o.phases.end(), phase) != o.phases.end();
}

int SetupFailure(const std::string& what) {
  std::cerr << "queue-bench: " << what << "\n";
  return 2;
}

void Progress(const std::string& what) { std::cerr << "queue-bench: " << what << std::endl; }

// A per-run prefix for request ids, so a rerun against the same server never
// replays an earlier run's requests.
std::string NewRunId() {
  std::random_device rd;
  uint64_t r = (uint64_t{rd()} << 32) ^ rd();
  char buf[24];
  std::snprintf(buf, sizeof buf, "qb%016llx", static_cast<unsigned long long>(r));
  return buf;
}

PhaseResult RunEchoPhase(const BenchOptions& opt) {
  auto echo = EchoServer::Start();
  if (!echo) return PhaseResult::Failed("echo", "echo server cannot listen");
  Channels channels = MakeChannels("127.0.0.1:" + std::to_string(echo->port()), opt.channels,
                                   std::string(64, 'e'));
  if (!WaitConnected(channels, 10))
    return PhaseResult::Failed("echo", "cannot connect to the echo server");
  return RunEcho(opt, channels);
}

PhaseResult RunPhase(const std::string& phase, LoadContext& ctx) {
  if (phase == "echo") return RunEchoPhase(ctx.options);
  if (phase == "create") return RunCreate(ctx);
  if (phase == "cycle") return RunCycle(ctx);
  return RunBoard(ctx);
}

// Without the create phase the cycle phase needs tickets to call.
std::string PrefillIfNeeded(const std::string& phase, LoadContext& ctx) {
  if (phase != "cycle" || Selected(ctx.options, "create") || ctx.options.prefill <= 0) return "";
  std::vector<std::string> branches;
  for (int b = 0; b < ctx.layout.branches; ++b) branches.push_back(ctx.layout.BranchId(b));
  Progress("prefilling " + std::to_string(ctx.options.prefill) + " tickets");
  std::string error;
  CreateTickets(ctx, branches, ctx.options.prefill, &error);
  return error.empty() ? "" : "prefill: " + error;
}

int Run(const BenchOptions& opt, const Layout& layout) {
  RunInfo info;
  info.cores = std::thread::hardware_concurrency();
  info.options = opt;
  std::unique_ptr<ServerGroup> servers;
  const bool sse = Selected(opt, "sse");
  // The SSE streams need a descriptor each, here and in the server (which
  // inherits the limit at fork).
  if (sse) RaiseFileLimit(int64_t{opt.sse_clients} + 1024);
  if (opt.server.empty()) {
    std::string error;
    ServerGroup::Options so;
    so.binary = opt.server_binary;
    so.replicas = opt.replicas;
    so.db_uri = opt.db_uri;
    so.own_postgres = opt.own_postgres;
    so.pg_cluster_script = opt.pg_cluster_script;
    so.http = sse;  // --http only with the SSE phase: the rest runs against a server without it.
    if (opt.own_postgres) Progress("starting a durable PostgreSQL cluster");
    servers = ServerGroup::Start(so, ConfigToml(layout), &error);
    if (!servers) return SetupFailure(error);
    info.self_started = true;
    info.server_binary = opt.server_binary;
    info.server_address = servers->replica(0).address();
    info.engine = servers->postgres() ? "postgresql" : "sqlite";
    info.db = DescribeDb(servers->db());
    info.own_cluster = servers->own_cluster();
    for (int r = 0; r < servers->size(); ++r)
      info.replica_addresses.push_back(servers->replica(r).address());
  } else {
    info.server_address = opt.server;
    info.replica_addresses = {opt.server};
  }

  LoadContext ctx;
  ctx.options = opt;
  ctx.layout = layout;
  ctx.run_id = NewRunId();
  ctx.replicas = static_cast<int>(info.replica_addresses.size());
  std::string token = opt.token;
  if (servers) {
    std::string error;
    token = LoginToken(info.server_address, ServerGroup::kBenchLogin, ServerGroup::kBenchPassword,
                       &error);
    if (token.empty()) return SetupFailure(error);
  }
  for (const std::string& address : info.replica_addresses) {
    Channels c = MakeChannels(address, opt.channels, token);
    if (!WaitConnected(c, 10)) return SetupFailure("cannot connect to queue-server at " + address);
    ctx.channels.insert(ctx.channels.end(), c.begin(), c.end());
  }
  if (servers) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let start-up settle
    for (int r = 0; r < servers->size(); ++r) {
      ProcStatus idle;
      ReadProcStatus(servers->replica(r).pid(), &idle);
      info.replica_idle.push_back(idle);
    }
    info.idle = info.replica_idle[0];
  }

  std::vector<PhaseResult> results;
  for (const char* phase : kAllPhases) {
    if (!Selected(opt, phase)) continue;
    if (std::string e = PrefillIfNeeded(phase, ctx); !e.empty()) return SetupFailure(e);
    Progress(std::string("phase ") + phase);
    std::vector<std::unique_ptr<PeakSampler>> samplers;
    for (int i = 0; i < (servers ? servers->size() : 1); ++i)
      samplers.push_back(std::make_unique<PeakSampler>(servers ? servers->replica(i).pid() : 0));
    PhaseResult r;
    if (std::string(phase) == "sse") {
      SseFigures figures;
      r = RunSse(ctx, servers.get(), &figures);
      info.sse = figures;
    } else {
      r = RunPhase(phase, ctx);
    }
    for (auto& s : samplers) r.replica_peaks.push_back(s->Finish());
    r.server_peak = r.replica_peaks[0];
    if (info.sse && std::string(phase) == "sse") info.sse->phase_peak = r.server_peak;
    if (!r.setup_error.empty()) return SetupFailure(std::string(phase) + ": " + r.setup_error);
    results.push_back(std::move(r));
  }

  ctx.channels.clear();
  if (servers) {
    info.replica_stops = servers->Stop();
    info.stop = info.replica_stops[0];
  }
  info.duplicates = CountDuplicates(ctx.called_ticket_ids);
  if (opt.json)
    PrintJson(std::cout, info, results);
  else
    PrintTable(std::cout, info, results);
  if (info.duplicates > 0) std::cerr << "queue-bench: a ticket was called twice\n";
  return info.duplicates > 0 ? 3 : 0;
}

std::vector<std::string> SplitPhases(const std::string& csv) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : csv + ",") {
    if (c != ',') {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  return out;
}

}  // namespace
}  // namespace shop::bench

int main(int argc, char** argv) {
  using namespace shop::bench;
  BenchOptions opt;
  opt.server_binary = QUEUE_SERVER_BINARY;
  opt.pg_cluster_script = QUEUE_PG_CLUSTER_SCRIPT;
  std::string phases = "echo,create,cycle,board";
  bool print_config = false;

  CLI::App app{"queue-bench: load benchmark for queue-server (figures only, no pass/fail)"};
  app.add_option("--token", opt.token,
                 "with --server: a supervisor's session token (the self-started server gets "
                 "its own benchmark account)");
  app.add_option("--server", opt.server,
                 "HOST:PORT of a running queue-server (default: self-start one); it must "
                 "have the layout of --print-config");
  app.add_option("--server-binary", opt.server_binary, "queue-server to self-start")
      ->capture_default_str();
  app.add_option("--db", opt.db_uri,
                 "postgresql://... URI: the self-started server(s) use this PostgreSQL "
                 "database, which should be empty, instead of a fresh SQLite file");
  app.add_flag("--postgres", opt.own_postgres,
               "start a throwaway durable PostgreSQL cluster in the temp dir "
               "(scripts/pg-cluster.sh) and use it; stopped at the end");
  app.add_option("--pg-cluster-script", opt.pg_cluster_script,
                 "with --postgres: the cluster script")
      ->capture_default_str();
  app.add_option("--replicas", opt.replicas,
                 "queue-server processes on the one database (> 1 needs --db or --postgres); "
                 "clients spread over them round-robin")
      ->capture_default_str()
      ->check(CLI::Range(1, 32));
  app.add_option("--branches", opt.branches, "branches b0..b{B-1}")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--counters-per-branch", opt.counters_per_branch, "counters 1..K per branch")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--branch-prefix", opt.branch_prefix, "branch ids are PREFIX0, PREFIX1, ...")
      ->capture_default_str();
  app.add_option("--phases", phases,
                 "comma-separated subset of echo,create,cycle,board,sse (sse runs whenever "
                 "--sse-clients > 0)")
      ->capture_default_str();
  app.add_option("--duration", opt.duration_s, "seconds per phase")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup", opt.warmup_s, "seconds at the start of each phase not measured")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--inflight", opt.inflight, "concurrent calls (echo) / kiosks (create)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app.add_option("--channels", opt.channels, "gRPC channels (TCP connections) to spread over")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--prefill", opt.prefill, "tickets created before cycle when create is not run")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--watchers", opt.watchers, "WatchBoard streams in the board phase")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--clerk-pause-ms", opt.clerk_pause_ms,
                 "cycle phase: each counter pauses this long after each call, as a clerk "
                 "would (0 = flat out, which measures throughput rather than latency)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--board-rate", opt.board_rate, "driver calls per second in the board phase")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 10000.0));
  app.add_option("--deadline", opt.deadline_s, "deadline of every unary call, seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--sse-clients", opt.sse_clients,
                 "SSE phase: concurrent Server-Sent-Events streams on the HTTP face "
                 "(0 = phase off; the server is then started without --http)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  app.add_option("--sse-board-share", opt.sse_board_share,
                 "SSE phase: fraction of the streams that are boards (the rest are ticket pages)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--sse-call-interval-ms", opt.sse_call_interval_ms,
                 "SSE phase: one call-next every this long, round-robin over the first "
                 "branch's counters")
      ->capture_default_str()
      ->check(CLI::Range(1, 60000));
  app.add_option("--sse-threads", opt.sse_threads, "SSE phase: client event-loop threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 2));
  app.add_flag("--json", opt.json, "print one JSON document instead of the table");
  app.add_flag("--print-config", print_config,
               "print the queue-server TOML config for this layout and exit");
  CLI11_PARSE(app, argc, argv);

  opt.phases = SplitPhases(phases);
  for (const auto& p : opt.phases) {
    if (std::find(std::begin(kAllPhases), std::end(kAllPhases), p) == std::end(kAllPhases)) {
      std::cerr << "queue-bench: unknown phase '" << p << "' (use echo,create,cycle,board,sse)\n";
      return 1;
    }
  }
  if (opt.sse_clients > 0 && !Selected(opt, "sse")) opt.phases.push_back("sse");
  if (opt.sse_clients == 0 && Selected(opt, "sse")) {
    std::cerr << "queue-bench: the sse phase needs --sse-clients N (N > 0)\n";
    return 1;
  }
  if (opt.sse_clients > 0 && !opt.server.empty()) {
    std::cerr << "queue-bench: the sse phase needs the self-started server (no --server)\n";
    return 1;
  }
  if (opt.phases.empty()) {
    std::cerr << "queue-bench: --phases selects nothing\n";
    return 1;
  }
  if (!opt.db_uri.empty() && opt.own_postgres) {
    std::cerr << "queue-bench: --db and --postgres exclude each other\n";
    return 1;
  }
  if (!opt.db_uri.empty() && !IsPostgresUri(opt.db_uri)) {
    std::cerr << "queue-bench: --db takes a postgresql:// URI (SQLite is the default: a fresh "
                 "file in the temp dir)\n";
    return 1;
  }
  if (!opt.server.empty() && (!opt.db_uri.empty() || opt.own_postgres || opt.replicas > 1)) {
    std::cerr << "queue-bench: --db, --postgres and --replicas are for self-started servers "
                 "(no --server)\n";
    return 1;
  }
  if (opt.replicas > 1 && opt.db_uri.empty() && !opt.own_postgres) {
    std::cerr << "queue-bench: --replicas N > 1 needs a shared database: --db URI or --postgres\n";
    return 1;
  }
  Layout layout{opt.branches, opt.counters_per_branch, opt.branch_prefix};
  if (print_config) {
    std::cout << ConfigToml(layout);
    return 0;
  }
  return Run(opt, layout);
}
