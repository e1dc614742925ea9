#include "bench/report.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace shop::bench {

namespace {

using Json = nlohmann::ordered_json;  // keeps the keys in the order written

// printf into a std::string (the table's only formatting tool).
template <class... Args>
std::string Fmt(const char* format, Args... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

double Mib(int64_t kib) { return kib / 1024.0; }

// ops/s of the echo baseline in this run, 0 if echo did not run.
double EchoOpsPerSecond(const std::vector<PhaseResult>& phases) {
  for (const auto& p : phases)
    for (const auto& op : p.ops)
      if (op.name == "echo") return op.ops_per_s;
  return 0;
}

// Board lag and the SSE rows are not call rates (sse_call is paced), so they
// have no ratio to echo.
bool HasRatio(const OpSummary& op) {
  return op.name.rfind("board_", 0) != 0 && op.name.rfind("sse_", 0) != 0;
}

int Replicas(const RunInfo& info) {
  return std::max<int>(1, static_cast<int>(info.replica_addresses.size()));
}

std::string ErrorText(const OpSummary& op) {
  if (op.errors.empty()) return "0";
  std::string text;
  for (const auto& [code, n] : op.errors)
    text += (text.empty() ? "" : ",") + code + ":" + std::to_string(n);
  return text;
}

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : sep) + p;
  return s;
}

void PrintHeader(std::ostream& out, const RunInfo& info) {
  const BenchOptions& o = info.options;
  out << Fmt(
      "queue-bench: %u cores, phases %s, duration %.1f s (warm-up %.1f s), inflight %d, "
      "channels %d\n",
      info.cores, Join(o.phases, ",").c_str(), o.duration_s, o.warmup_s, o.inflight, o.channels);
  out << Fmt("layout: %d branches x %d counters = %d counters, %d watchers at %.0f calls/s\n",
             o.branches, o.counters_per_branch, o.branches * o.counters_per_branch, o.watchers,
             o.board_rate);
  if (info.self_started)
    out << Fmt("server: self-started %s at %s, idle RSS %.1f MiB, %d threads\n",
               info.server_binary.c_str(), info.server_address.c_str(), Mib(info.idle.rss_kib),
               info.idle.threads);
  else
    out << "server: external at " << info.server_address << " (no RSS figures)\n";
  // Added lines (after the existing ones): the storage engine and replicas.
  if (info.self_started) {
    std::string what = info.engine == "postgresql"
                           ? (info.own_cluster ? "postgresql (the bench's own durable cluster) "
                                               : "postgresql ") +
                                 info.db
                           : "sqlite (a fresh file in the temp dir)";
    out << Fmt("storage: %s, %d replica%s\n", what.c_str(), Replicas(info),
               Replicas(info) == 1 ? "" : "s");
    for (size_t r = 1; r < info.replica_addresses.size(); ++r) {
      ProcStatus idle = r < info.replica_idle.size() ? info.replica_idle[r] : ProcStatus{};
      out << Fmt("replica %zu: %s, idle RSS %.1f MiB, %d threads\n", r,
                 info.replica_addresses[r].c_str(), Mib(idle.rss_kib), idle.threads);
    }
  } else {
    out << "storage: the external server's (unknown to the benchmark), 1 server\n";
  }
}

void PrintOperations(std::ostream& out, const std::vector<PhaseResult>& phases) {
  const double echo = EchoOpsPerSecond(phases);
  out << Fmt("\n%-10s %10s %8s %9s %9s %9s %9s %10s  %s\n", "operation", "ops/s", "x echo",
             "p50 ms", "p90 ms", "p99 ms", "max ms", "count", "errors");
  for (const auto& p : phases) {
    for (const auto& op : p.ops) {
      std::string ratio = HasRatio(op) && echo > 0 ? Fmt("%.3f", op.ops_per_s / echo) : "-";
      out << Fmt("%-10s %10.1f %8s %9.2f %9.2f %9.2f %9.2f %10lld  %s\n", op.name.c_str(),
                 op.ops_per_s, ratio.c_str(), op.p50_ms, op.p90_ms, op.p99_ms, op.max_ms,
                 static_cast<long long>(op.count), ErrorText(op).c_str());
    }
  }
}

void PrintPhases(std::ostream& out, const RunInfo& info, const std::vector<PhaseResult>& phases) {
  out << Fmt("\n%-8s %9s %14s %13s  %s\n", "phase", "window s", "server RSS MiB", "server thr.",
             "figures");
  for (const auto& p : phases) {
    std::vector<std::string> figures;
    for (const auto& [k, v] : p.figures) figures.push_back(k + "=" + std::to_string(v));
    std::string rss = info.self_started ? Fmt("%.1f", Mib(p.server_peak.rss_kib)) : "-";
    std::string thr = info.self_started ? std::to_string(p.server_peak.threads) : "-";
    out << Fmt("%-8s %9.2f %14s %13s  %s\n", p.name.c_str(), p.seconds, rss.c_str(), thr.c_str(),
               Join(figures, " ").c_str());
  }
  out << "\nduplicates: " << info.duplicates << " (tickets called to two counters; must be 0)\n";
  if (info.stop)
    out << Fmt("server stop: %.2f s after SIGTERM, %s%s\n", info.stop->seconds,
               info.stop->how.c_str(), info.stop->killed ? " (needed SIGKILL)" : "");
  if (info.self_started && Replicas(info) > 1) {
    for (size_t r = 1; r < info.replica_stops.size(); ++r) {
      const StopResult& s = info.replica_stops[r];
      out << Fmt("replica %zu stop: %.2f s after SIGTERM, %s%s\n", r, s.seconds, s.how.c_str(),
                 s.killed ? " (needed SIGKILL)" : "");
    }
    out << "replica peaks per phase (RSS MiB / threads; the table's column is replica 0):\n";
    for (const auto& p : phases) {
      std::string line = Fmt("  %-8s", p.name.c_str());
      for (size_t r = 0; r < p.replica_peaks.size(); ++r)
        line += Fmt("  r%zu %.1f / %d", r, Mib(p.replica_peaks[r].rss_kib),
                    p.replica_peaks[r].threads);
      out << line << "\n";
    }
  }
}

std::string Verdict(bool met) { return met ? "met" : "NOT met"; }

bool P99Judged(const SseFigures& s) { return s.clients >= kSseTargetClients && s.delivery.count > 0; }
bool P99Met(const SseFigures& s) { return P99Judged(s) && s.delivery.p99_ms <= kSseTargetP99Ms; }
// The largest VmRSS seen during the phase. VmHWM is printed beside it but
// not judged: it covers the server's whole life (its start-up peak, earlier
// phases).
int64_t PeakRssKib(const SseFigures& s) {
  return std::max({s.before.rss_kib, s.connected_status.rss_kib, s.after.rss_kib,
                   s.phase_peak.rss_kib});
}

void PrintSse(std::ostream& out, const RunInfo& info) {
  if (!info.sse) return;
  const SseFigures& s = *info.sse;
  const BenchOptions& o = info.options;
  out << Fmt("\nsse: %d streams (%d ticket pages, %d boards of %s), a call every %d ms, %d client "
             "thread(s), RLIMIT_NOFILE %lld\n",
             s.clients, s.ticket_pages, s.boards, (o.branch_prefix + "0").c_str(),
             o.sse_call_interval_ms, o.sse_threads, static_cast<long long>(s.nofile_limit));
  out << Fmt("  connected %d, failed to connect %d, not ready %d, dropped %d, ended %d "
             "(all in %.2f s)\n",
             s.connected, s.connect_failed, s.not_ready, s.dropped, s.ended, s.connect_all_s);
  for (const auto& [why, n] : s.failures)
    out << Fmt("    %s: %lld\n", why.c_str(), static_cast<long long>(n));
  out << Fmt("  connect (to first frame)  p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", s.connect.p50_ms,
             s.connect.p99_ms, s.connect.max_ms);
  out << Fmt("  event delivery  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f ms over %lld deliveries "
             "(expected %lld, missed %lld) of %lld calls; %lld frames read\n",
             s.delivery.p50_ms, s.delivery.p90_ms, s.delivery.p99_ms, s.delivery.max_ms,
             static_cast<long long>(s.delivery.count),
             static_cast<long long>(s.deliveries_expected), static_cast<long long>(s.missed),
             static_cast<long long>(s.calls), static_cast<long long>(s.frames));
  out << Fmt("    target: p99 <= %.0f ms with %d clients: %s%s\n", kSseTargetP99Ms,
             kSseTargetClients,
             P99Judged(s) ? Verdict(P99Met(s)).c_str() : "not judged (fewer clients or no deliveries)",
             "");
  out << Fmt("  per call: first stream reached after p50 %.2f / max %.2f ms, last stream after "
             "p50 %.2f / max %.2f ms\n",
             s.call_first.p50_ms, s.call_first.max_ms, s.call_last.p50_ms, s.call_last.max_ms);
  if (s.early || s.order_mismatch)
    out << Fmt("    matching anomalies: early %lld, order_mismatch %lld\n",
               static_cast<long long>(s.early), static_cast<long long>(s.order_mismatch));
  if (s.has_rss) {
    out << Fmt("  server RSS MiB: before %.1f (HWM %.1f), connected %.1f (HWM %.1f), end %.1f "
               "(HWM %.1f)\n",
               Mib(s.before.rss_kib), Mib(s.before.hwm_kib), Mib(s.connected_status.rss_kib),
               Mib(s.connected_status.hwm_kib), Mib(s.after.rss_kib), Mib(s.after.hwm_kib));
    out << Fmt("    target: RSS < %.0f MB: %s (peak VmRSS in the phase %.1f MiB)\n",
               Mib(kSseTargetRssKib),
               Verdict(PeakRssKib(s) < kSseTargetRssKib).c_str(), Mib(PeakRssKib(s)));
  }
}

Json StatusJson(const ProcStatus& p) {
  return {{"rss_kib", p.rss_kib}, {"hwm_kib", p.hwm_kib}, {"threads", p.threads}};
}

Json OpJson(const OpSummary& op, const std::string& phase, double echo) {
  Json j = {{"name", op.name},           {"phase", phase},
            {"count", op.count},         {"seconds", op.seconds},
            {"ops_per_s", op.ops_per_s}, {"p50_ms", op.p50_ms},
            {"p90_ms", op.p90_ms},       {"p99_ms", op.p99_ms},
            {"max_ms", op.max_ms},       {"errors", op.errors}};
  j["ratio_to_echo"] = HasRatio(op) && echo > 0 ? Json(op.ops_per_s / echo) : nullptr;
  return j;
}

}  // namespace

void PrintTable(std::ostream& out, const RunInfo& info, const std::vector<PhaseResult>& phases) {
  PrintHeader(out, info);
  PrintOperations(out, phases);
  PrintPhases(out, info, phases);
  PrintSse(out, info);
}

void PrintJson(std::ostream& out, const RunInfo& info, const std::vector<PhaseResult>& phases) {
  const BenchOptions& o = info.options;
  Json j;
  j["machine"] = {{"cores", info.cores}};
  j["settings"] = {{"phases", o.phases},
                   {"duration_s", o.duration_s},
                   {"warmup_s", o.warmup_s},
                   {"inflight", o.inflight},
                   {"channels", o.channels},
                   {"branches", o.branches},
                   {"counters_per_branch", o.counters_per_branch},
                   {"counters", o.branches * o.counters_per_branch},
                   {"watchers", o.watchers},
                   {"board_rate", o.board_rate},
                   {"deadline_s", o.deadline_s},
                   {"sse_clients", o.sse_clients},
                   {"sse_board_share", o.sse_board_share},
                   {"sse_call_interval_ms", o.sse_call_interval_ms},
                   {"sse_threads", o.sse_threads},
                   {"replicas", o.replicas}};
  Json server = {{"address", info.server_address}, {"self_started", info.self_started}};
  if (info.self_started) {
    server["binary"] = info.server_binary;
    server["idle_rss_kib"] = info.idle.rss_kib;
    server["idle_threads"] = info.idle.threads;
  }
  if (info.stop)
    server["stop"] = {
        {"seconds", info.stop->seconds}, {"how", info.stop->how}, {"killed", info.stop->killed}};
  if (info.self_started) {
    server["replicas"] = Json::array();
    for (size_t r = 0; r < info.replica_addresses.size(); ++r) {
      Json rep = {{"address", info.replica_addresses[r]}};
      if (r < info.replica_idle.size()) {
        rep["idle_rss_kib"] = info.replica_idle[r].rss_kib;
        rep["idle_threads"] = info.replica_idle[r].threads;
      }
      if (r < info.replica_stops.size())
        rep["stop"] = {{"seconds", info.replica_stops[r].seconds},
                       {"how", info.replica_stops[r].how},
                       {"killed", info.replica_stops[r].killed}};
      server["replicas"].push_back(rep);
    }
  }
  j["server"] = server;
  j["storage"] = {{"engine", info.self_started ? Json(info.engine) : Json(nullptr)},
                  {"db", info.self_started ? Json(info.db) : Json(nullptr)},
                  {"own_cluster", info.own_cluster},
                  {"replicas", Replicas(info)}};

  const double echo = EchoOpsPerSecond(phases);
  j["operations"] = Json::array();
  j["phases"] = Json::array();
  for (const auto& p : phases) {
    for (const auto& op : p.ops) j["operations"].push_back(OpJson(op, p.name, echo));
    Json phase = {{"name", p.name}, {"seconds", p.seconds}, {"figures", Json::object()}};
    for (const auto& [k, v] : p.figures) phase["figures"][k] = v;
    if (info.self_started) {
      phase["server_rss_peak_kib"] = p.server_peak.rss_kib;
      phase["server_threads_peak"] = p.server_peak.threads;
      phase["replicas"] = Json::array();
      for (const ProcStatus& peak : p.replica_peaks)
        phase["replicas"].push_back(
            {{"rss_peak_kib", peak.rss_kib}, {"threads_peak", peak.threads}});
    }
    j["phases"].push_back(phase);
  }
  if (info.sse) {
    const SseFigures& s = *info.sse;
    Json sse = {{"clients", s.clients},
                {"ticket_pages", s.ticket_pages},
                {"boards", s.boards},
                {"connected", s.connected},
                {"connect_failed", s.connect_failed},
                {"not_ready", s.not_ready},
                {"dropped", s.dropped},
                {"ended", s.ended},
                {"failures", s.failures},
                {"connect_all_s", s.connect_all_s},
                {"connect", OpJson(s.connect, "sse", 0)},
                {"delivery", OpJson(s.delivery, "sse", 0)},
                {"ticket_delivery", OpJson(s.ticket_delivery, "sse", 0)},
                {"board_delivery", OpJson(s.board_delivery, "sse", 0)},
                {"call_first_delivery", OpJson(s.call_first, "sse", 0)},
                {"call_last_delivery", OpJson(s.call_last, "sse", 0)},
                {"calls", s.calls},
                {"deliveries_expected", s.deliveries_expected},
                {"deliveries", s.delivery.count},
                {"missed", s.missed},
                {"early", s.early},
                {"order_mismatch", s.order_mismatch},
                {"frames", s.frames},
                {"nofile_limit", s.nofile_limit}};
    sse["targets"] = {{"delivery_p99_ms", kSseTargetP99Ms},
                      {"at_clients", kSseTargetClients},
                      {"delivery_p99_met", P99Judged(s) ? Json(P99Met(s)) : Json(nullptr)},
                      {"server_rss_kib_below", kSseTargetRssKib}};
    if (s.has_rss) {
      sse["server_before"] = StatusJson(s.before);
      sse["server_connected"] = StatusJson(s.connected_status);
      sse["server_after"] = StatusJson(s.after);
      sse["targets"]["server_rss_peak_kib"] = PeakRssKib(s);
      sse["targets"]["server_rss_met"] = PeakRssKib(s) < kSseTargetRssKib;
    }
    j["sse"] = sse;
  }
  j["duplicates"] = info.duplicates;
  out << j.dump(2) << "\n";
}

}  // namespace shop::bench
