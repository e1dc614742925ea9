#include "bench/sse_load.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "bench/sse_client.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"

namespace shop::bench {

namespace pb = shop::queue::v1;
using namespace std::chrono_literals;
using Json = nlohmann::json;

namespace {

constexpr auto kConnectTimeout = 60s;   // for every stream to connect or fail
constexpr auto kSettle = 300ms;         // after connecting, before the RSS reading
constexpr auto kQuietEnd = 1s;          // drain: no frame for this long ends it ...
constexpr auto kMaxDrain = 10s;         // ... or this long after the last call

void Progress(const std::string& what) { std::cerr << "queue-bench: sse: " << what << std::endl; }

struct SseTicket {
  int64_t id = 0;
  std::string display_number;
  std::string prefix;
  std::string token;
};

// One call-next of the driver that called a ticket.
struct DriverCall {
  Clock::time_point sent;  // just before the RPC was sent
  int64_t ticket_id = 0;
  std::string display_number;
  std::string prefix;  // the ticket's service when called
};

// Creates `count` tickets in `branch`, round-robin over the services, with
// `threads` kiosks. Their status tokens are the ticket pages' credentials.
std::vector<SseTicket> CreateSseTickets(LoadContext& ctx, const std::string& branch, int count,
                                        int first_n, std::string* error) {
  std::vector<SseTicket> tickets(count);
  std::atomic<int> next{0}, failed{0};
  std::mutex mu;
  std::string first_error;
  std::vector<std::thread> threads;
  const int n_threads = std::max(1, std::min(ctx.options.inflight, 32));
  for (int t = 0; t < n_threads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = pb::KioskService::NewStub(ctx.Channel(t));
      for (int n; (n = next++) < count;) {
        pb::CreateTicketRequest req;
        req.set_branch_id(branch);
        req.set_service_prefix(kServicePrefixes[(first_n + n) % kServicePrefixes.size()]);
        req.set_language(pb::LANGUAGE_EN);
        req.set_request_id(ctx.run_id + "-sse-" + std::to_string(first_n + n));
        grpc::ClientContext cc;
        SetDeadline(&cc, ctx.options.deadline_s);
        pb::CreateTicketResponse resp;
        grpc::Status s = stub->CreateTicket(&cc, req, &resp);
        std::string why;
        if (!s.ok())
          why = "CreateTicket: " + StatusCodeName(s.error_code()) + ": " + s.error_message();
        else if (resp.ticket().status_token().empty())
          why = "CreateTicket returned no status_token (a server without the HTTP face?)";
        if (!why.empty()) {
          ++failed;
          std::lock_guard lock(mu);
          if (first_error.empty()) first_error = why;
          continue;
        }
        tickets[n] = {resp.ticket().ticket_id(), resp.ticket().display_number(),
                      resp.ticket().service_prefix(), resp.ticket().status_token()};
      }
    });
  }
  for (auto& th : threads) th.join();
  if (failed > 0)
    *error = std::to_string(failed.load()) + " of " + std::to_string(count) +
             " ticket creations failed; first: " + first_error;
  return tickets;
}

// The counters of `branch` call next in turn, one call every `interval`,
// until `duration` is over. Each called ticket is started and completed at
// once (untimed) so that its counter is free for its next turn.
struct DriverResult {
  std::vector<DriverCall> calls;
  OpStats call_next;  // RPC latency of call-nexts that called a ticket
  OpStats steps;      // errors of start/complete
  int64_t empty = 0;
};

DriverResult Drive(LoadContext& ctx, const std::string& branch, Clock::duration interval) {
  const BenchOptions& opt = ctx.options;
  auto stub = pb::CounterService::NewStub(ctx.channels[0]);
  DriverResult r;
  Window win = Window::Start(opt.duration_s, 0);
  auto next = Clock::now();
  for (int64_t seq = 0; win.Running(); ++seq) {
    std::string counter = Layout::CounterId(static_cast<int>(seq % opt.counters_per_branch));
    pb::CallNextTicketRequest req;
    req.set_branch_id(branch);
    req.set_counter_id(counter);
    req.set_request_id(ctx.run_id + "-ssecall-" + std::to_string(seq));
    grpc::ClientContext cc;
    SetDeadline(&cc, opt.deadline_s);
    pb::CallNextTicketResponse resp;
    auto sent = Clock::now();
    grpc::Status s = stub->CallNextTicket(&cc, req, &resp);
    auto took = Clock::now() - sent;
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
      ++r.empty;
    } else {
      r.call_next.Record(s, took, true);
    }
    if (s.ok()) {
      const pb::Ticket& t = resp.ticket();
      r.calls.push_back({sent, t.ticket_id(), t.display_number(), t.service_prefix()});
      pb::StartTicketRequest sreq;
      sreq.set_branch_id(branch);
      sreq.set_counter_id(counter);
      sreq.set_ticket_id(t.ticket_id());
      grpc::ClientContext scc;
      SetDeadline(&scc, opt.deadline_s);
      pb::StartTicketResponse sresp;
      grpc::Status ss = stub->StartTicket(&scc, sreq, &sresp);
      if (!ss.ok()) r.steps.RecordError(ss.error_code());
      if (ss.ok()) {
        pb::CompleteTicketRequest creq;
        creq.set_branch_id(branch);
        creq.set_counter_id(counter);
        creq.set_ticket_id(t.ticket_id());
        grpc::ClientContext ccc;
        SetDeadline(&ccc, opt.deadline_s);
        pb::CompleteTicketResponse cresp;
        grpc::Status cs = stub->CompleteTicket(&ccc, creq, &cresp);
        if (!cs.ok()) r.steps.RecordError(cs.error_code());
      }
    }
    next += interval;
    if (next < Clock::now()) next = Clock::now();  // fell behind: no catch-up burst
    std::this_thread::sleep_until(next);
  }
  return r;
}

// A ticket page's status frame, as far as matching needs it.
struct StatusView {
  Clock::time_point at;
  int position = 0;
  bool waiting = true;  // false once called/serving/ended
};

std::vector<StatusView> ParseStatusFrames(const SseStreamResult& r) {
  std::vector<StatusView> out;
  for (const SseFrameRecord& f : r.frames) {
    StatusView v;
    v.at = f.at;
    if (f.event == "ended") {
      v.waiting = false;
    } else if (f.event == "status") {
      Json j = Json::parse(f.data, nullptr, false);
      if (j.is_discarded()) continue;
      const Json& st = j.contains("status") ? j["status"] : j;
      v.position = st.value("position", 0);
      v.waiting = st.value("state", std::string("TICKET_STATE_WAITING")) == "TICKET_STATE_WAITING";
    } else {
      continue;
    }
    out.push_back(v);
  }
  return out;
}

int64_t JsonInt64(const Json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) return std::strtoll(v.get<std::string>().c_str(), nullptr, 10);
  return 0;
}

// ticket id -> when a board first showed its first call (snapshots skipped).
std::unordered_map<int64_t, Clock::time_point> BoardFirstSeen(const SseStreamResult& r) {
  std::unordered_map<int64_t, Clock::time_point> seen;
  for (const SseFrameRecord& f : r.frames) {
    if (f.event != "board") continue;
    Json j = Json::parse(f.data, nullptr, false);
    if (j.is_discarded() || j.value("snapshot", false) || !j.contains("calls")) continue;
    for (const Json& c : j["calls"]) {
      if (c.value("recallCount", 0) != 0) continue;
      seen.emplace(JsonInt64(c.value("ticketId", Json())), f.at);
    }
  }
  return seen;
}

std::string Key(std::string s) {
  for (char& c : s)
    if (c == ' ' || c == ',' || c == '=') c = '_';
  return s;
}

struct Matching {
  explicit Matching(const std::vector<DriverCall>& c)
      : calls(c), first(c.size(), Clock::duration::max()), last(c.size(), Clock::duration::min()) {}
  void Record(OpStats& kind, const DriverCall& c, Clock::duration lag) {
    kind.RecordLatency(lag);
    all.RecordLatency(lag);
    size_t i = &c - calls.data();
    first[i] = std::min(first[i], lag);
    last[i] = std::max(last[i], lag);
  }
  const std::vector<DriverCall>& calls;
  std::vector<Clock::duration> first, last;  // per call: its earliest and latest delivery
  OpStats all, ticket, board;
  int64_t expected = 0, missed = 0, early = 0, order_mismatch = 0;
};

// Ticket page T of service S, first frame at position p0: the driver's calls
// of service S go in call order (every counter serves every service, and a
// service's waiting tickets are called oldest first), so the k-th call of S
// (k <= p0) called a ticket ahead of T and is reflected by the first frame with
// position <= p0 - k (or T no longer waiting); call p0+1 of S is T itself,
// reflected by the first frame where T is not waiting.
void MatchTicket(const SseStreamResult& r, const SseTicket& t,
                 const std::map<std::string, std::vector<const DriverCall*>>& by_prefix,
                 Matching& m) {
  auto frames = ParseStatusFrames(r);
  if (frames.empty() || !frames[0].waiting) return;
  auto it = by_prefix.find(t.prefix);
  if (it == by_prefix.end()) return;
  const auto& calls = it->second;
  const int p0 = frames[0].position;
  const int affecting = std::min<int>(p0 + 1, static_cast<int>(calls.size()));
  size_t f = 1;
  for (int k = 1; k <= affecting; ++k) {
    const DriverCall& c = *calls[k - 1];
    if (k == p0 + 1 && c.ticket_id != t.id) {
      ++m.order_mismatch;
      break;
    }
    ++m.expected;
    auto reflects = [&](const StatusView& v) {
      return k <= p0 ? (!v.waiting || v.position <= p0 - k) : !v.waiting;
    };
    while (f < frames.size() && !reflects(frames[f])) ++f;
    if (f == frames.size()) {
      ++m.missed;
      continue;
    }
    if (frames[f].at < c.sent) {
      ++m.early;
      continue;
    }
    m.Record(m.ticket, c, frames[f].at - c.sent);
  }
}

void MatchBoard(const SseStreamResult& r, const std::vector<DriverCall>& calls, Matching& m) {
  auto seen = BoardFirstSeen(r);
  for (const DriverCall& c : calls) {
    ++m.expected;
    auto it = seen.find(c.ticket_id);
    if (it == seen.end()) {
      ++m.missed;
    } else if (it->second < c.sent) {
      ++m.early;
    } else {
      m.Record(m.board, c, it->second - c.sent);
    }
  }
}

}  // namespace

int64_t RaiseFileLimit(int64_t need) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur != RLIM_INFINITY && static_cast<int64_t>(lim.rlim_cur) < need) {
    rlimit want = lim;
    if (lim.rlim_max == RLIM_INFINITY || static_cast<int64_t>(lim.rlim_max) >= need) {
      want.rlim_cur = need;
    } else {
      want.rlim_cur = want.rlim_max = need;  // needs CAP_SYS_RESOURCE
      if (setrlimit(RLIMIT_NOFILE, &want) != 0) {
        want = lim;
        want.rlim_cur = lim.rlim_max;  // the most we may have
      }
    }
    setrlimit(RLIMIT_NOFILE, &want);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  return lim.rlim_cur == RLIM_INFINITY ? INT64_MAX : static_cast<int64_t>(lim.rlim_cur);
}

PhaseResult RunSse(LoadContext& ctx, ServerGroup* servers, SseFigures* fig) {
  const BenchOptions& opt = ctx.options;
  PhaseResult result = PhaseResult::Named("sse", opt.duration_s);
  ServerProcess* server = servers && servers->size() > 0 ? &servers->replica(0) : nullptr;
  if (!server || server->http_port() <= 0) {
    result.setup_error = "the SSE phase needs the self-started server (with --http)";
    return result;
  }
  const std::string branch = ctx.layout.BranchId(0);
  fig->clients = opt.sse_clients;
  fig->boards = static_cast<int>(opt.sse_clients * opt.sse_board_share + 0.5);
  fig->ticket_pages = fig->clients - fig->boards;
  {
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    fig->nofile_limit = static_cast<int64_t>(lim.rlim_cur);
  }

  // Set-up, not timed: the ticket pages' tickets, a board token, the counters.
  Progress("creating " + std::to_string(fig->ticket_pages) + " tickets in " + branch);
  std::string error;
  std::vector<SseTicket> tickets = CreateSseTickets(ctx, branch, fig->ticket_pages, 0, &error);
  // The driver needs tickets to call even with few (or no) ticket pages:
  // more, behind the pages' tickets.
  const int needed = static_cast<int>(opt.duration_s * 1000 / std::max(1, opt.sse_call_interval_ms) *
                                      1.2) + 20;
  if (error.empty() && fig->ticket_pages < needed)
    CreateSseTickets(ctx, branch, needed - fig->ticket_pages, fig->ticket_pages, &error);
  if (!error.empty()) {
    result.setup_error = error;
    return result;
  }
  std::string board_token;
  if (fig->boards > 0) {
    board_token = servers->IssueDevice("sse-board-" + ctx.run_id, "board", branch, &error);
    if (board_token.empty()) {
      result.setup_error = error;
      return result;
    }
  }
  auto counter_stub = pb::CounterService::NewStub(ctx.channels[0]);
  for (int c = 0; c < opt.counters_per_branch; ++c) {
    grpc::Status open = OpenCounter(*counter_stub, branch, Layout::CounterId(c), opt.deadline_s);
    if (!open.ok()) {
      result.setup_error = "OpenCounter " + Layout::CounterId(c) + ": " + open.error_message();
      return result;
    }
  }

  fig->has_rss = ReadProcStatus(server->pid(), &fig->before);

  // Boards and ticket pages interleaved, so both kinds are in the burst evenly.
  SseClientPool pool("127.0.0.1", server->http_port(), opt.sse_threads);
  // Stream i on replica i % replicas.
  auto port_of = [&](int i) { return servers->replica(i % servers->size()).http_port(); };
  std::vector<int> kind(fig->clients);  // >= 0: index into tickets; -1: board
  {
    int t = 0, b = 0;
    for (int i = 0; i < fig->clients; ++i) {
      bool board = t >= fig->ticket_pages ||
                   (b < fig->boards && int64_t{b} * fig->clients < int64_t{i + 1} * fig->boards);
      if (board) {
        kind[i] = -1;
        ++b;
        pool.Add("/api/v1/boards/" + PercentEncode(branch) +
                     "/events?token=" + PercentEncode(board_token),
                 port_of(i));
      } else {
        kind[i] = t;
        pool.Add("/api/v1/tickets/" + PercentEncode(tickets[t].token) + "/events", port_of(i));
        ++t;
      }
    }
  }
  Progress("opening " + std::to_string(fig->clients) + " streams (" +
           std::to_string(fig->ticket_pages) + " ticket pages, " + std::to_string(fig->boards) +
           " boards)");
  auto burst = Clock::now();
  pool.Start();
  while (pool.ready() + pool.failed() + pool.closed() < fig->clients &&
         Clock::now() - burst < kConnectTimeout)
    std::this_thread::sleep_for(2ms);
  fig->connect_all_s = std::chrono::duration<double>(Clock::now() - burst).count();
  std::this_thread::sleep_for(kSettle);
  if (fig->has_rss) ReadProcStatus(server->pid(), &fig->connected_status);
  Progress(std::to_string(pool.ready()) + " connected, " + std::to_string(pool.failed()) +
           " failed in " + std::to_string(fig->connect_all_s) + " s; driving calls");

  auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::milliseconds(std::max(1, opt.sse_call_interval_ms)));
  DriverResult driver = Drive(ctx, branch, interval);
  auto drain_start = Clock::now();
  while (Clock::now() - drain_start < kMaxDrain &&
         Clock::now() - std::max(pool.last_frame_at(), drain_start) < kQuietEnd)
    std::this_thread::sleep_for(10ms);
  if (fig->has_rss) ReadProcStatus(server->pid(), &fig->after);
  pool.Stop();
  Progress("matching frames to calls");

  // Connect figures.
  OpStats connect;
  for (int i = 0; i < fig->clients; ++i) {
    const SseStreamResult& r = pool.result(i);
    using O = SseStreamResult::Outcome;
    switch (r.outcome) {
      case O::kPending: ++fig->not_ready; break;
      case O::kFailed: ++fig->connect_failed; ++fig->failures[Key(r.failure)]; break;
      case O::kDropped: ++fig->dropped; ++fig->failures["dropped:" + Key(r.failure)]; break;
      case O::kEnded: ++fig->ended; break;
      case O::kOpen: break;
    }
    if (r.outcome != O::kPending && r.outcome != O::kFailed) {
      ++fig->connected;
      connect.RecordLatency(r.first_frame_at - r.start);
    }
    fig->frames += static_cast<int64_t>(r.frames.size());
  }

  // Deliveries.
  std::map<std::string, std::vector<const DriverCall*>> by_prefix;
  for (const DriverCall& c : driver.calls) by_prefix[c.prefix].push_back(&c);
  Matching m(driver.calls);
  for (int i = 0; i < fig->clients; ++i) {
    const SseStreamResult& r = pool.result(i);
    if (r.first_frame_at == Clock::time_point{}) continue;  // never connected
    if (kind[i] < 0)
      MatchBoard(r, driver.calls, m);
    else
      MatchTicket(r, tickets[kind[i]], by_prefix, m);
  }
  fig->calls = static_cast<int64_t>(driver.calls.size());
  fig->deliveries_expected = m.expected;
  fig->missed = m.missed;
  fig->early = m.early;
  fig->order_mismatch = m.order_mismatch;
  {
    OpStats first, last;
    for (size_t i = 0; i < driver.calls.size(); ++i) {
      if (m.first[i] == Clock::duration::max()) continue;
      first.RecordLatency(m.first[i]);
      last.RecordLatency(m.last[i]);
    }
    fig->call_first = Summarize("sse_call_first", std::move(first), opt.duration_s);
    fig->call_last = Summarize("sse_call_last", std::move(last), opt.duration_s);
  }

  const double secs = opt.duration_s;
  fig->connect = Summarize("sse_connect", std::move(connect), secs);
  for (const auto& [why, n] : fig->failures) fig->connect.errors[why] = n;
  fig->delivery = Summarize("sse_event", std::move(m.all), secs);
  if (m.missed) fig->delivery.errors["missed"] = m.missed;
  if (m.early) fig->delivery.errors["early"] = m.early;
  if (m.order_mismatch) fig->delivery.errors["order_mismatch"] = m.order_mismatch;
  fig->ticket_delivery = Summarize("sse_ticket", std::move(m.ticket), secs);
  fig->board_delivery = Summarize("sse_board", std::move(m.board), secs);
  OpStats call_next = std::move(driver.call_next);
  call_next.MergeErrors(driver.steps);

  for (const DriverCall& c : driver.calls) ctx.called_ticket_ids.push_back(c.ticket_id);
  result.ops = {fig->connect, fig->delivery, fig->ticket_delivery, fig->board_delivery,
                Summarize("sse_call", std::move(call_next), secs)};
  result.figures = {{"sse_clients", fig->clients},
                    {"ticket_pages", fig->ticket_pages},
                    {"boards", fig->boards},
                    {"connected", fig->connected},
                    {"connect_failed", fig->connect_failed},
                    {"not_ready", fig->not_ready},
                    {"dropped", fig->dropped},
                    {"ended", fig->ended},
                    {"connect_all_ms", static_cast<int64_t>(fig->connect_all_s * 1000)},
                    {"calls", fig->calls},
                    {"driver_empty_call_next", driver.empty},
                    {"frames", fig->frames},
                    {"deliveries_expected", fig->deliveries_expected},
                    {"deliveries", fig->delivery.count},
                    {"missed", fig->missed},
                    {"duplicates", CountDuplicates(ctx.called_ticket_ids)}};
  return result;
}

}  // namespace shop::bench
