#include "server/service/server.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include "grpc/health/v1/health.pb.h"
#include "server/crypto/pii_key.h"
#include "server/crypto/secrets.h"
#include "server/service/services.h"

namespace shop::queue {

namespace {

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
  QUEUE_RETURN_IF_ERROR(options.config.Validate());
  QUEUE_RETURN_IF_ERROR(options.store->SyncConfig(options.config));

  std::unique_ptr<QueueServer> s(new QueueServer(std::move(options)));
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
  auto credentials = s->options_.credentials ? s->options_.credentials
                                             : grpc::InsecureServerCredentials();
  builder.AddListeningPort(s->options_.listen, credentials, &s->port_);
  builder.RegisterService(s->kiosk_.get());
  builder.RegisterService(s->counter_.get());
  builder.RegisterService(s->board_service_.get());
  builder.RegisterService(s->auth_service_.get());
  builder.RegisterService(s->case_service_.get());
  builder.RegisterService(s->booking_service_.get());
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    const std::string why = BindProblem(s->options_.listen);
    return Status::Unavailable("cannot listen on " + s->options_.listen +
                               (why.empty() ? std::string(" (gRPC's log above says why)")
                                            : ": " + why));
  }
  s->server_->GetHealthCheckService()->SetServingStatus(true);
  s->sweeper_ = std::thread([p = s.get()] { p->SweepLoop(); });
  return s;
}

QueueServer::QueueServer(QueueServerOptions options) : options_(std::move(options)) {
  manager_ = std::make_unique<QueueManager>(options_.config, *options_.store, *options_.clock,
                                            board_);
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
  booking_service_ = std::make_unique<service::BookingServiceImpl>(
      options_.config, *bookings_, *booking_limiter_, entry_);
  devices_ = std::make_unique<DeviceManager>(options_.config, *options_.store, *options_.clock,
                                             *manager_);
  kiosk_ = std::make_unique<service::KioskServiceImpl>(*manager_, *bookings_, *devices_, entry_);
  counter_ = std::make_unique<service::CounterServiceImpl>(*manager_, *devices_, entry_);
  board_service_ = std::make_unique<service::BoardServiceImpl>(*manager_, board_, entry_);
  auth_service_ = std::make_unique<service::AuthServiceImpl>(*auth_, entry_);
}

QueueServer::~QueueServer() { Shutdown(absl::Seconds(5)); }

void QueueServer::Shutdown(absl::Duration grace) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (server_) {
    auto deadline = std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace);
    server_->GetHealthCheckService()->SetServingStatus(false);
    board_.Shutdown();  // ends the streams so they do not hold up the stop
    if (!entry_.gate.Drain(options_.drain_linger, grace))
      spdlog::warn("stopping with calls still running after {}", absl::FormatDuration(grace));
    server_->Shutdown(deadline);
    server_->Wait();
  }
  if (sweeper_.joinable()) sweeper_.join();
}

void QueueServer::SweepLoop() {
  using clock = std::chrono::steady_clock;
  auto next_erase = clock::now();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto expired = manager_->ExpireOverdue();
    if (!expired.ok())
      spdlog::warn("expiry sweep failed: {}", expired.status().ToString());
    else if (*expired > 0)
      spdlog::info("expired {} ticket(s) left after closing", *expired);
    auto no_shows = bookings_->MarkNoShows();
    if (!no_shows.ok())
      spdlog::warn("no-show sweep failed: {}", no_shows.status().ToString());
    else if (*no_shows > 0)
      spdlog::info("{} booking(s) became no-shows", *no_shows);
    auto reminders = bookings_->QueueReminders();
    if (!reminders.ok())
      spdlog::warn("reminder sweep failed: {}", reminders.status().ToString());
    else if (*reminders > 0)
      spdlog::info("queued {} booking reminder(s)", *reminders);
    if (clock::now() >= next_erase) {
      auto erased_bookings = bookings_->EraseExpired();
      if (!erased_bookings.ok())
        spdlog::warn("booking erasure failed: {}", erased_bookings.status().ToString());
      else if (*erased_bookings > 0)
        spdlog::info("erased personal data of {} booking(s) past the retention period",
                     *erased_bookings);
      auto erased = cases_->EraseExpired();
      if (!erased.ok())
        spdlog::warn("personal-data erasure failed: {}", erased.status().ToString());
      else if (*erased > 0)
        spdlog::info("erased personal data of {} case(s) past the retention period", *erased);
      next_erase = clock::now() + absl::ToChronoMilliseconds(options_.erase_interval);
    }
    lock.lock();
    cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.sweep_interval),
                 [&] { return stopping_; });
  }
}

}  // namespace shop::queue
