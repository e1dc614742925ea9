#include "server/service/server.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/crypto/photo_sealer.h"
#include "server/crypto/pii_key.h"
#include "server/crypto/secrets.h"
#include "server/notify/sender.h"
#include "server/service/services.h"

namespace shop::queue {

namespace {

// How much a step of the background sweep did, when it did anything; a
// failure is logged (the next sweep tries again).
std::optional<int> DidWork(const Result<int>& done, const char* step) {
  if (!done.ok()) {
    spdlog::warn("{} failed: {}", step, done.status().ToString());
    return std::nullopt;
  }
  if (*done == 0) return std::nullopt;
  return *done;
}

// Handler threads gRPC keeps waiting for calls (see BuildAndStart).
constexpr int kMaxIdleHandlerThreads = 128;

// The largest request the server takes. gRPC's default (4 MiB) is too small
// for an online application (RemoteService.ApplyForReplacement), which
// carries two photos of up to kMaxPhotoBytes (5 MiB) each: room for both
// and the form's few kilobytes, no more. A photo above 5 MiB that still fits
// is refused by its check, naming the field; a larger request is refused by
// gRPC itself (RESOURCE_EXHAUSTED) before a handler runs.
constexpr int kMaxReceiveMessageBytes = static_cast<int>(2 * kMaxPhotoBytes + 2 * 1024 * 1024);

Result<std::string> ReadPem(const std::string& path, const std::string& flag) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument(flag, "cannot read " + flag + " file " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  if (buf.str().find("-----BEGIN") == std::string::npos)
    return Status::InvalidArgument(flag, flag + " file " + path + " is not PEM");
  return buf.str();
}

// Why `listen` ("HOST:PORT", "[::1]:PORT") cannot be bound, and what to do,
// found by binding it ourselves the way gRPC does (SO_REUSEADDR, no
// SO_REUSEPORT): gRPC only logs its reason. Empty when the probe binds
// (gRPC's log then says more).
std::string BindProblem(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return "";
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found) != 0)
    return "the host or port cannot be resolved";
  std::string why;
  for (addrinfo* a = found; a != nullptr && why.empty(); a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0) {
      const int err = errno;
      why = err == EADDRINUSE ? "the port is in use (another queue-server, or another "
                                "program, listens there): stop that one or choose another "
                                "--listen"
            : err == EADDRNOTAVAIL ? "this machine has no such address: choose another --listen"
            : err == EACCES        ? "permission denied (ports below 1024 need privileges)"
                                   : std::strerror(err);
    }
    ::close(fd);
  }
  freeaddrinfo(found);
  return why;
}

}  // namespace

Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const TlsFiles& tls) {
  if (tls.cert.empty() && tls.key.empty() && tls.client_ca.empty())
    return grpc::InsecureServerCredentials();
  if (tls.cert.empty() || tls.key.empty())
    return Status::InvalidArgument("tls-cert", "TLS needs both --tls-cert and --tls-key");
  auto cert = ReadPem(tls.cert, "--tls-cert");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(tls.key, "--tls-key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!tls.client_ca.empty()) {
    auto ca = ReadPem(tls.client_ca, "--tls-client-ca");
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

Result<std::unique_ptr<QueueServer>> QueueServer::Start(QueueServerOptions options) {
  if (!options.store) return Status::InvalidArgument("store", "a store is required");
  if (!options.clock) options.clock = std::make_shared<SystemClock>();
  if (!options.secrets) options.secrets = std::make_shared<crypto::SodiumSecrets>();
  if (!options.pii_hasher) {
    spdlog::warn("no personal-data key given: document hashes last for this run only");
    options.pii_hasher = std::make_shared<crypto::HmacPiiHasher>(options.secrets->NewToken());
  }
  if (!options.photo_sealer) {
    spdlog::warn("no personal-data key given: sealed photos open during this run only");
    auto sealer = crypto::SodiumPhotoSealer::Create(crypto::RandomBytes(32));
    if (!sealer.ok()) return sealer.status();
    options.photo_sealer = std::move(sealer).value();
  }
  if (!options.metrics) options.metrics = std::make_shared<Metrics>();
  QUEUE_RETURN_IF_ERROR(options.config.Validate());
  QUEUE_RETURN_IF_ERROR(options.store->SyncConfig(options.config));

  std::unique_ptr<QueueServer> s(new QueueServer(std::move(options)));
  // A database other servers write too: the boards follow its change feed,
  // from before the first call (else a call could be published twice).
  QUEUE_RETURN_IF_ERROR(s->FollowSharedStore());
  // The HTTP face first: its address completes the slips' links before the
  // first kiosk can ask for a ticket.
  QUEUE_RETURN_IF_ERROR(s->StartHttp());
  // Reflection can describe grpc.health.v1.Health only if its descriptors are
  // linked in; touching one here keeps them.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default on Linux: a second server on a port in
  // use would then "listen" too and the kernel would spread connections over
  // both. Without it the bind fails and we say so.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // A synchronous handler that waits (for the write engine) holds its thread.
  // gRPC keeps at most MAX_POLLERS idle threads (default 2) and otherwise
  // starts a thread for a call and ends it after: under load that was a
  // thread created and destroyed per call, a sixth of the server's CPU
  // (stacks mapped and unmapped, TLB shootdowns). Idle threads cost only
  // their stacks' touched pages.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              kMaxIdleHandlerThreads);
  builder.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  auto credentials = s->options_.credentials ? s->options_.credentials
                                             : grpc::InsecureServerCredentials();
  builder.AddListeningPort(s->options_.listen, credentials, &s->port_);
  builder.RegisterService(s->kiosk_.get());
  builder.RegisterService(s->counter_.get());
  builder.RegisterService(s->board_service_.get());
  builder.RegisterService(s->auth_service_.get());
  builder.RegisterService(s->case_service_.get());
  builder.RegisterService(s->booking_service_.get());
  builder.RegisterService(s->ticket_status_service_.get());
  builder.RegisterService(s->report_service_.get());
  builder.RegisterService(s->remote_service_.get());
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    const std::string why = BindProblem(s->options_.listen);
    return Status::Unavailable("cannot listen on " + s->options_.listen +
                               (why.empty() ? std::string(" (gRPC's log above says why)")
                                            : ": " + why));
  }
  s->server_->GetHealthCheckService()->SetServingStatus(true);
  s->sweeper_ = std::thread([p = s.get()] { p->SweepLoop(); });
  s->poll_keeper_ = std::thread([p = s.get()] { p->KeepCallbackPollersAwake(); });
  if (s->options_.config.notify.enabled) {
    Metrics& m = *s->options_.metrics;
    m.Describe("queue_outbox_attempts_total", Metrics::Type::kCounter,
               "Outbox messages tried, by channel and outcome (sent, retry, dead).");
    s->outbox_sender_ = notify::OutboxSender::FromConfig(
        *s->options_.store, *s->options_.clock, s->options_.config.notify,
        s->options_.config.templates, [&m](const std::string& channel, const char* outcome) {
          m.Add("queue_outbox_attempts_total",
                Metrics::Labels({{"channel", channel}, {"outcome", outcome}}));
        });
    s->outbox_sender_->Start();
  } else {
    spdlog::info("outbox: [notify] is off; messages are kept pending, none is sent");
  }
  return s;
}

QueueServer::QueueServer(QueueServerOptions options) : options_(std::move(options)) {
  manager_ = std::make_unique<QueueManager>(options_.config, *options_.store, *options_.clock,
                                            board_, crypto::RandomBytes);
  manager_->set_serving_hooks(&case_hooks_);
  auth_ = std::make_unique<AuthManager>(*options_.store, *options_.clock, *options_.secrets);
  entry_.auth = auth_.get();
  cases_ = std::make_unique<CaseManager>(options_.config, *options_.store, *options_.clock,
                                         *options_.pii_hasher, *auth_);
  case_service_ = std::make_unique<service::CaseServiceImpl>(options_.config, *cases_, entry_);
  bookings_ = std::make_unique<BookingManager>(
      options_.config, *options_.store, *options_.clock, *manager_, crypto::RandomBytes);
  booking_limiter_ = std::make_unique<RateLimiter>(
      *options_.clock, options_.config.booking_api.per_address_per_minute,
      options_.config.booking_api.burst);
  public_calls_ = std::make_unique<service::PublicCalls>(options_.config, *manager_, *bookings_);
  booking_service_ =
      std::make_unique<service::BookingServiceImpl>(*public_calls_, *booking_limiter_, entry_);
  ticket_status_service_ =
      std::make_unique<service::TicketStatusServiceImpl>(*public_calls_, entry_);
  devices_ = std::make_unique<DeviceManager>(options_.config, *options_.store, *options_.clock,
                                             *manager_);
  kiosk_ = std::make_unique<service::KioskServiceImpl>(*manager_, *bookings_, *devices_, entry_);
  counter_ = std::make_unique<service::CounterServiceImpl>(*manager_, *devices_, entry_);
  board_service_ = std::make_unique<service::BoardServiceImpl>(*manager_, board_, entry_);
  auth_service_ = std::make_unique<service::AuthServiceImpl>(*auth_, entry_);
  report_service_ = std::make_unique<service::ReportServiceImpl>(
      options_.config, *options_.store, *options_.clock, entry_);
  remote_ = std::make_unique<RemoteManager>(options_.config, *options_.store, *options_.clock,
                                            *options_.pii_hasher, *options_.photo_sealer,
                                            crypto::RandomBytes);
  remote_public_calls_ = std::make_unique<service::RemotePublicCalls>(options_.config, *remote_);
  // The applicant's calls share the public API's per-address budget.
  remote_service_ = std::make_unique<service::RemoteServiceImpl>(
      options_.config, *remote_, *remote_public_calls_, *booking_limiter_, entry_);
  DescribeMetrics();
}

void QueueServer::DescribeMetrics() {
  Metrics& m = *options_.metrics;
  using T = Metrics::Type;
  m.Describe("grpc_requests_total", T::kCounter, "gRPC calls answered, by method and code.");
  m.Describe("grpc_request_duration_seconds", T::kHistogram,
             "Time inside a gRPC handler, by method.", Metrics::LatencyBuckets());
  entry_.observe = [&m](std::string_view method, grpc::StatusCode code, absl::Duration took) {
    m.Add("grpc_requests_total",
          Metrics::Labels({{"method", method}, {"code", service::StatusCodeName(code)}}));
    m.Observe("grpc_request_duration_seconds", Metrics::Labels({{"method", method}}),
              absl::ToDoubleSeconds(took));
  };
  m.Describe("queue_tickets_issued_total", T::kCounter,
             "Tickets issued by this process (kiosks and check-ins).");
  m.AddCollector("queue_tickets_issued_total", [this](std::string& out) {
    out += Metrics::Line("queue_tickets_issued_total", "",
                         static_cast<double>(manager_->issued_count()));
  });
  m.Describe("queue_waiting_tickets", T::kGauge, "Tickets waiting, by branch and service.");
  m.AddCollector("queue_waiting_tickets", [this](std::string& out) {
    for (const BranchConfig& b : options_.config.branches) {
      auto services = manager_->ListServices(b.branch_id);
      if (!services.ok()) continue;
      for (const ServiceView& s : *services)
        out += Metrics::Line("queue_waiting_tickets",
                             Metrics::Labels({{"branch", b.branch_id},
                                              {"service", s.config->prefix}}),
                             s.waiting);
    }
  });
  m.Describe("queue_open_counters", T::kGauge, "Counters open, by branch.");
  m.AddCollector("queue_open_counters", [this](std::string& out) {
    for (const BranchConfig& b : options_.config.branches) {
      int open = 0;
      Status st = options_.store->Read([&](ReadTx& tx) -> Status {
        auto counters = tx.tickets().ListCounters(b.branch_id);
        if (!counters.ok()) return counters.status();
        for (const CounterRow& c : *counters) open += c.open ? 1 : 0;
        return Status::Ok();
      });
      if (st.ok())
        out += Metrics::Line("queue_open_counters", Metrics::Labels({{"branch", b.branch_id}}),
                             open);
    }
  });
  m.Describe("http_sse_clients", T::kGauge, "Live event streams open, by kind.");
  m.AddCollector("http_sse_clients", [this](std::string& out) {
    if (!live_) return;
    out += Metrics::Line("http_sse_clients", Metrics::Labels({{"kind", "board"}}),
                         static_cast<double>(live_->board_streams()));
    out += Metrics::Line("http_sse_clients", Metrics::Labels({{"kind", "ticket"}}),
                         static_cast<double>(live_->ticket_streams()));
  });
  m.Describe("http_connections_open", T::kGauge, "HTTP connections open.");
  m.AddCollector("http_connections_open", [this](std::string& out) {
    if (http_)
      out += Metrics::Line("http_connections_open", "",
                           static_cast<double>(http_->stats().connections_open));
  });
}

Status QueueServer::StartHttp() {
  HttpConfig& cfg = options_.config.http;
  if (cfg.listen.empty()) return Status::Ok();
  live_ = std::make_unique<http::LiveHub>(*manager_, board_);
  web_ = std::make_unique<http::WebApi>(
      http::WebApi::Deps{options_.config, *public_calls_, *remote_public_calls_, *auth_,
                         *booking_limiter_, *live_, *options_.metrics});
  http::ServerOptions o;
  o.listen = cfg.listen;
  o.max_body_bytes = static_cast<size_t>(cfg.max_body_bytes);
  // Only an online application with its photos may be larger.
  o.large_bodies.push_back(http::LargeBodyRoute{
      "POST", http::WebApi::kApplicationPath, http::WebApi::kApplicationMaxBodyBytes,
      std::max(cfg.request_timeout, absl::Minutes(3))});
  o.request_timeout = cfg.request_timeout;
  o.idle_timeout = cfg.idle_timeout;
  o.max_connections = static_cast<size_t>(cfg.max_connections);
  o.tls_cert_pem = options_.http_tls_cert_pem;
  o.tls_key_pem = options_.http_tls_key_pem;
  auto started = http::HttpServer::Start(
      o, [web = web_.get()](const http::Request& r) { return web->Handle(r); });
  if (!started.ok())
    return started.status().code() == Status::Code::kInvalidArgument
               ? Status::InvalidArgument("http", "--http: " + started.status().message())
               : Status::Unavailable("--http: " + started.status().message());
  http_ = std::move(started).value();
  if (cfg.public_url.empty()) {
    // Unset: this server's own address, as good as the listen address is
    // for customers' phones (a wildcard becomes this machine's name).
    std::string host = cfg.listen.substr(0, cfg.listen.rfind(':'));
    if (host.empty() || host == "0.0.0.0" || host == "[::]") {
      char name[256] = {};
      host = gethostname(name, sizeof name - 1) == 0 ? name : "localhost";
    }
    cfg.public_url = std::string(options_.http_tls_cert_pem.empty() ? "http://" : "https://") +
                     host + ":" + std::to_string(http_->port());
  }
  return Status::Ok();
}

QueueServer::~QueueServer() { Shutdown(absl::Seconds(5)); }

Status QueueServer::FollowSharedStore() {
  QueueManager* manager = manager_.get();
  watching_store_ = options_.store->WatchChanges(
      [manager](const std::string& branch_id) { manager->OnStoreChange(branch_id); });
  // Only this server writes the store: it publishes its own changes.
  if (!watching_store_) return Status::Ok();
  // Changes until now were published here; the feed takes over from them.
  return manager_->FollowStoreChanges();
}

void QueueServer::Shutdown(absl::Duration grace) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (poll_keeper_.joinable()) poll_keeper_.join();
  if (server_) {
    auto deadline = std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace);
    server_->GetHealthCheckService()->SetServingStatus(false);
    if (web_) web_->SetNotServing();
    if (live_) live_->Shutdown();  // the web's live streams end first
    if (http_) http_->Shutdown(grace);
    board_.Shutdown();  // ends the streams so they do not hold up the stop
    if (!entry_.gate.Drain(options_.drain_linger, grace))
      spdlog::warn("stopping with calls still running after {}", absl::FormatDuration(grace));
    server_->Shutdown(deadline);
    server_->Wait();
  }
  if (live_) live_->Shutdown();  // a start that failed after the HTTP face began
  if (http_) http_->Shutdown(grace);
  if (sweeper_.joinable()) sweeper_.join();
  if (outbox_sender_) outbox_sender_->Stop();
  if (watching_store_) options_.store->WatchChanges(nullptr);  // before the manager goes
}

// This server mixes synchronous services with callback ones (board streams,
// health). gRPC 1.51 then polls the network only from the callback queue's
// threads ("nexting" threads, src/cpp/common/completion_queue_cc.cc); the
// synchronous services' queues do not poll. A nexting thread that sees no
// callback event for 1 s sleeps 100 ms, gRPC's own TODO says it starves
// other polling: while no board is connected, every request to any service
// then waited up to 100 ms once a second (queue-bench's paced call-next:
// p99 110-130 ms, requests reaching the handler in bursts 1.1 s apart).
// A health check to this server itself, through the in-process channel
// every 100 ms, gives those threads an event long before their 1 s is up.
void QueueServer::KeepCallbackPollersAwake() {
  constexpr auto kEvery = std::chrono::milliseconds(100);
  auto health = grpc::health::v1::Health::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, kEvery, [&] { return stopping_; })) {
    lock.unlock();
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    (void)health->Check(&ctx, req, &resp);  // only the traffic matters
    lock.lock();
  }
}

void QueueServer::SweepLoop() {
  using clock = std::chrono::steady_clock;
  auto next_erase = clock::now();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    if (!options_.store->LeadsBackgroundWork()) {
      // Another server of the shared database does the background work.
      lock.lock();
      cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.sweep_interval),
                   [&] { return stopping_; });
      continue;
    }
    if (auto n = DidWork(manager_->ExpireOverdue(), "expiry sweep"))
      spdlog::info("expired {} ticket(s) left after closing", *n);
    if (auto n = DidWork(bookings_->MarkNoShows(), "no-show sweep"))
      spdlog::info("{} booking(s) became no-shows", *n);
    if (auto n = DidWork(bookings_->QueueReminders(), "reminder sweep"))
      spdlog::info("queued {} booking reminder(s)", *n);
    if (auto n = DidWork(remote_->ExpireOld(), "remote application expiry"))
      spdlog::info("{} online SIM-replacement application(s) expired unfinished", *n);
    if (clock::now() >= next_erase) {
      if (auto n = DidWork(bookings_->EraseExpired(), "booking erasure"))
        spdlog::info("erased personal data of {} booking(s) past the retention period", *n);
      if (auto n = DidWork(cases_->EraseExpired(), "personal-data erasure"))
        spdlog::info("erased personal data of {} case(s) past the retention period", *n);
      if (auto n = DidWork(manager_->PruneRequests(), "request-id pruning"))
        spdlog::info("forgot {} client request id(s) past [housekeeping] request_id_days", *n);
      if (auto n = DidWork(cases_->ForgetSpentIdentityAttempts(), "identity-record pruning"))
        spdlog::info("forgot {} spent identity-check record(s)", *n);
      next_erase = clock::now() + absl::ToChronoMilliseconds(options_.erase_interval);
    }
    if (options_.scheduled_backup) options_.scheduled_backup(options_.clock->Now());
    lock.lock();
    cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.sweep_interval),
                 [&] { return stopping_; });
  }
}

}  // namespace shop::queue
