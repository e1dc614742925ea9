#include "bench/load.h"

#include <algorithm>
#include <atomic>
#include <latch>
#include <random>
#include <thread>

#include "common/client/rpc.h"
#include "shop/bench/v1/echo_service.grpc.pb.h"
#include "shop/queue/v1/auth_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"

namespace shop::bench {

namespace pb = shop::queue::v1;
using namespace std::chrono_literals;

namespace {

constexpr auto kEmptyQueuePause = 5ms;    // after NOT_FOUND from call-next
constexpr auto kErrorPause = 5ms;         // after any other failed call
constexpr size_t kEchoPayloadBytes = 80;  // about a CreateTicket request

// One timed unary call.
struct CallResult {
  grpc::Status status;
  Clock::time_point start;
  Clock::duration took;
};

template <class Call>
CallResult TimeCall(Call&& call) {
  CallResult r;
  r.start = Clock::now();
  r.status = call();
  r.took = Clock::now() - r.start;
  return r;
}

// Runs body(i, ready) on `n` threads and joins them. Each body does its own
// set-up (not timed), then calls ready() exactly once, which blocks until all
// threads are set up and returns the phase's window, opened at that moment.
template <class Body>
Window RunWorkers(int n, double duration_s, double warmup_s, Body body) {
  std::latch set_up(n);
  std::latch go(1);
  Window window;
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      body(i, [&]() -> const Window& {
        set_up.count_down();
        go.wait();
        return window;
      });
    });
  }
  set_up.wait();
  window = Window::Start(duration_s, warmup_s);
  go.count_down();
  for (auto& t : threads) t.join();
  return window;
}

OpStats MergeAll(const std::vector<OpStats>& parts) {
  OpStats all;
  for (const auto& p : parts) all.Merge(p);
  return all;
}

std::string RequestId(const std::string& run_id, const std::string& kind, int worker, int64_t seq) {
  return run_id + "-" + kind + std::to_string(worker) + "-" + std::to_string(seq);
}

pb::CreateTicketRequest CreateRequest(const std::string& branch, int64_t n,
                                      std::string request_id) {
  pb::CreateTicketRequest req;
  req.set_branch_id(branch);
  req.set_service_prefix(kServicePrefixes[n % kServicePrefixes.size()]);
  req.set_language(pb::LANGUAGE_EN);
  req.set_request_id(std::move(request_id));
  return req;
}

}  // namespace

void SetDeadline(grpc::ClientContext* ctx, double seconds) {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::duration_cast<std::chrono::system_clock::duration>(
                        std::chrono::duration<double>(seconds)));
}

int64_t CountDuplicates(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  int64_t dups = 0;
  for (size_t i = 1; i < ids.size(); ++i)
    if (ids[i] == ids[i - 1]) ++dups;
  return dups;
}

PhaseResult PhaseResult::Named(std::string name, double seconds) {
  PhaseResult r;
  r.name = std::move(name);
  r.seconds = seconds;
  return r;
}

PhaseResult PhaseResult::Failed(std::string name, std::string error) {
  PhaseResult r = Named(std::move(name), 0);
  r.setup_error = std::move(error);
  return r;
}

Channels MakeChannels(const std::string& target, int count, const std::string& token) {
  Channels channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("bench.channel", i);  // distinct args: no shared subchannel
    channels.push_back(shop::queue::client::CreateChannelWithToken(
        target, grpc::InsecureChannelCredentials(), token, args));
  }
  return channels;
}

std::string LoginToken(const std::string& target, const std::string& login,
                       const std::string& password, std::string* error) {
  auto stub = shop::queue::v1::AuthService::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  shop::queue::v1::LoginRequest req;
  req.set_login(login);
  req.set_password(password);
  shop::queue::v1::LoginResponse resp;
  grpc::Status st = stub->Login(&ctx, req, &resp);
  if (!st.ok()) *error = "login as " + login + " failed: " + st.error_message();
  return resp.token();
}

bool WaitConnected(const Channels& channels, double timeout_s) {
  auto deadline = std::chrono::system_clock::now() +
                  std::chrono::duration_cast<std::chrono::system_clock::duration>(
                      std::chrono::duration<double>(timeout_s));
  for (const auto& ch : channels)
    if (!ch->WaitForConnected(deadline)) return false;
  return true;
}

// ---------------------------------------------------------------- echo

PhaseResult RunEcho(const BenchOptions& opt, const Channels& echo_channels) {
  std::vector<OpStats> stats(opt.inflight);
  Window w = RunWorkers(opt.inflight, opt.duration_s, opt.warmup_s, [&](int i, auto ready) {
    auto stub = shop::bench::v1::EchoService::NewStub(echo_channels[i % echo_channels.size()]);
    shop::bench::v1::EchoRequest req;
    req.set_payload(std::string(kEchoPayloadBytes, 'x'));
    const Window& win = ready();
    while (win.Running()) {
      grpc::ClientContext cc;
      SetDeadline(&cc, opt.deadline_s);
      shop::bench::v1::EchoResponse resp;
      CallResult r = TimeCall([&] { return stub->Echo(&cc, req, &resp); });
      stats[i].Record(r.status, r.took, win.Measures(r.start));
    }
  });
  PhaseResult result = PhaseResult::Named("echo", w.MeasuredSeconds());
  result.ops.push_back(Summarize("echo", MergeAll(stats), result.seconds));
  return result;
}

// ---------------------------------------------------------------- create

PhaseResult RunCreate(LoadContext& ctx) {
  const BenchOptions& opt = ctx.options;
  const int kiosks = opt.inflight;
  std::vector<OpStats> stats(kiosks);
  Window w = RunWorkers(kiosks, opt.duration_s, opt.warmup_s, [&](int i, auto ready) {
    auto stub = pb::KioskService::NewStub(ctx.Channel(i));
    const Window& win = ready();
    for (int64_t seq = 0; win.Running(); ++seq) {
      int64_t n = i + seq * kiosks;  // round-robin over branches, then services
      auto req = CreateRequest(ctx.layout.BranchId(n % ctx.layout.branches),
                               n / ctx.layout.branches, RequestId(ctx.run_id, "k", i, seq));
      grpc::ClientContext cc;
      SetDeadline(&cc, opt.deadline_s);
      pb::CreateTicketResponse resp;
      CallResult r = TimeCall([&] { return stub->CreateTicket(&cc, req, &resp); });
      stats[i].Record(r.status, r.took, win.Measures(r.start));
      if (!r.status.ok()) std::this_thread::sleep_for(kErrorPause);
    }
  });
  PhaseResult result = PhaseResult::Named("create", w.MeasuredSeconds());
  result.ops.push_back(Summarize("create", MergeAll(stats), result.seconds));
  return result;
}

int64_t CreateTickets(LoadContext& ctx, const std::vector<std::string>& branches, int64_t count,
                      std::string* error) {
  std::atomic<int64_t> next{0}, created{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < ctx.options.inflight; ++i) {
    threads.emplace_back([&, i] {
      auto stub = pb::KioskService::NewStub(ctx.Channel(i));
      for (int64_t n; (n = next++) < count;) {
        auto req = CreateRequest(branches[n % branches.size()], n / branches.size(),
                                 RequestId(ctx.run_id, "f", 0, n));
        grpc::ClientContext cc;
        SetDeadline(&cc, ctx.options.deadline_s);
        pb::CreateTicketResponse resp;
        grpc::Status s = stub->CreateTicket(&cc, req, &resp);
        ++(s.ok() ? created : failed);
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failed > 0)
    *error =
        std::to_string(failed.load()) + " of " + std::to_string(count) + " ticket creations failed";
  return created;
}

// ---------------------------------------------------------------- cycle

grpc::Status OpenCounter(pb::CounterService::Stub& stub, const std::string& branch,
                         const std::string& counter, double deadline_s) {
  pb::OpenCounterRequest req;
  req.set_branch_id(branch);
  req.set_counter_id(counter);
  grpc::ClientContext cc;
  SetDeadline(&cc, deadline_s);
  pb::OpenCounterResponse resp;
  return stub.OpenCounter(&cc, req, &resp);
}

namespace {

// StartTicket or CompleteTicket on `ticket_id` at the counter, recorded in `stats`.
template <class Req, class Resp, class Method>
grpc::Status TicketStep(pb::CounterService::Stub& stub, Method method, const std::string& branch,
                        const std::string& counter, int64_t ticket_id, double deadline_s,
                        OpStats& stats, const Window& win) {
  Req req;
  req.set_branch_id(branch);
  req.set_counter_id(counter);
  req.set_ticket_id(ticket_id);
  grpc::ClientContext cc;
  SetDeadline(&cc, deadline_s);
  Resp resp;
  CallResult r = TimeCall([&] { return (stub.*method)(&cc, req, &resp); });
  stats.Record(r.status, r.took, win.Measures(r.start));
  return r.status;
}

}  // namespace

namespace {

// A clerk's pause: uniformly 0.5x to 1.5x `mean`, so 200 counters do not
// move in lock-step (which would measure a burst, not a shop).
void ClerkPause(std::chrono::milliseconds mean) {
  if (mean.count() <= 0) return;
  thread_local std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> factor(0.5, 1.5);
  std::this_thread::sleep_for(
      std::chrono::duration<double, std::milli>(static_cast<double>(mean.count()) * factor(rng)));
}

}  // namespace

void CounterCycle(pb::CounterService::Stub& stub, const std::string& branch,
                  const std::string& counter, const std::string& request_id, double deadline_s,
                  const Window& win, std::chrono::milliseconds pause, CounterTally& t) {
  pb::CallNextTicketRequest req;
  req.set_branch_id(branch);
  req.set_counter_id(counter);
  req.set_request_id(request_id);
  grpc::ClientContext cc;
  SetDeadline(&cc, deadline_s);
  pb::CallNextTicketResponse resp;
  CallResult r = TimeCall([&] { return stub.CallNextTicket(&cc, req, &resp); });
  if (r.status.error_code() == grpc::StatusCode::NOT_FOUND) {
    ++t.empty;
    std::this_thread::sleep_for(kEmptyQueuePause);
    return;
  }
  t.call_next.Record(r.status, r.took, win.Measures(r.start));
  if (!r.status.ok()) {
    std::this_thread::sleep_for(kErrorPause);
    return;
  }
  int64_t id = resp.ticket().ticket_id();
  t.called.push_back(id);
  ClerkPause(pause);
  grpc::Status s = TicketStep<pb::StartTicketRequest, pb::StartTicketResponse>(
      stub, &pb::CounterService::Stub::StartTicket, branch, counter, id, deadline_s, t.start, win);
  ClerkPause(pause);
  if (s.ok())
    s = TicketStep<pb::CompleteTicketRequest, pb::CompleteTicketResponse>(
        stub, &pb::CounterService::Stub::CompleteTicket, branch, counter, id, deadline_s,
        t.complete, win);
  ClerkPause(pause);
  if (s.ok())
    ++t.served;
  else
    std::this_thread::sleep_for(kErrorPause);
}

PhaseResult RunCycle(LoadContext& ctx) {
  const BenchOptions& opt = ctx.options;
  const Layout& layout = ctx.layout;
  const int n = layout.total_counters();
  std::vector<CounterTally> tally(n);
  std::vector<grpc::Status> open_status(n);
  Window w = RunWorkers(n, opt.duration_s, opt.warmup_s, [&](int i, auto ready) {
    auto stub = pb::CounterService::NewStub(ctx.Channel(i));
    std::string branch = layout.BranchId(i / layout.counters_per_branch);
    std::string counter = Layout::CounterId(i % layout.counters_per_branch);
    open_status[i] = OpenCounter(*stub, branch, counter, opt.deadline_s);
    const Window& win = ready();
    if (!open_status[i].ok()) return;
    for (int64_t seq = 0; win.Running(); ++seq)
      CounterCycle(*stub, branch, counter, RequestId(ctx.run_id, "c", i, seq), opt.deadline_s, win,
                   std::chrono::milliseconds(opt.clerk_pause_ms), tally[i]);
  });

  PhaseResult result = PhaseResult::Named("cycle", w.MeasuredSeconds());
  OpStats call_next, start, complete;
  int64_t empty = 0, served = 0;
  for (const grpc::Status& s : open_status) {
    if (!s.ok() && result.setup_error.empty())
      result.setup_error =
          "OpenCounter failed: " + StatusCodeName(s.error_code()) + ": " + s.error_message();
  }
  for (const auto& t : tally) {
    call_next.Merge(t.call_next);
    start.Merge(t.start);
    complete.Merge(t.complete);
    empty += t.empty;
    served += t.served;
    ctx.called_ticket_ids.insert(ctx.called_ticket_ids.end(), t.called.begin(), t.called.end());
  }
  result.ops.push_back(Summarize("call_next", std::move(call_next), result.seconds));
  result.ops.push_back(Summarize("start", std::move(start), result.seconds));
  result.ops.push_back(Summarize("complete", std::move(complete), result.seconds));
  result.figures = {{"counters", n},
                    {"empty_call_next", empty},
                    {"tickets_served", served},
                    {"duplicates", CountDuplicates(ctx.called_ticket_ids)}};
  return result;
}

}  // namespace shop::bench
