// QueueServer: the whole server assembled from its parts: storage, the
// domain's QueueManager, the board hub, the gRPC services, health checking,
// reflection, the expiry sweeper and, when configured, the HTTP face (pages,
// JSON API, live streams; server/http/). main() and the tests both start it.
//
// Start() returns once the server listens; port() tells the port actually
// bound (useful with "127.0.0.1:0"). A port in use is refused (no
// SO_REUSEPORT: two servers never share one), with a message naming the
// address. Shutdown() refuses new calls, lets
// running ones finish (up to the grace period), ends board streams and stops
// the sweeper. In order: health turns NOT_SERVING, new calls get
// UNAVAILABLE, board streams end, running calls finish, then gRPC stops.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "server/domain/staff/auth_manager.h"
#include "server/domain/queue/board.h"
#include "server/domain/booking/booking_manager.h"
#include "server/domain/cases/case_hooks.h"
#include "server/domain/cases/case_manager.h"
#include "server/domain/staff/device_manager.h"
#include "server/domain/common/rate_limit.h"
#include "server/domain/common/clock.h"
#include "server/domain/queue/queue_manager.h"
#include "server/domain/remote/photo.h"
#include "server/domain/remote/remote_manager.h"
#include "server/domain/store.h"
#include "server/http/http_server.h"
#include "server/http/live_hub.h"
#include "server/http/web_api.h"
#include "server/service/errors.h"
#include "server/service/metrics.h"
#include "server/service/public_calls.h"
#include "server/service/remote_public_calls.h"

namespace shop::queue {

namespace notify {
class OutboxSender;
}

// TLS files (PEM). No cert: plain text. With client_ca, clients must present
// a certificate signed by it.
struct TlsFiles {
  std::string cert;
  std::string key;
  std::string client_ca;
};

// Server credentials for `tls`; an error names the file that cannot be read.
Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const TlsFiles& tls);

struct QueueServerOptions {
  std::string listen = "127.0.0.1:50051";
  std::shared_ptr<grpc::ServerCredentials> credentials;  // default: plain text
  ServerConfig config;
  std::shared_ptr<Store> store;           // required; opened by the caller
  std::shared_ptr<const Clock> clock;     // defaults to the system clock
  std::shared_ptr<const Secrets> secrets;  // defaults to libsodium's
  // The keyed hash of document numbers. main() builds it from the key file;
  // without one the server uses a random key for this run only (tests).
  std::shared_ptr<const PiiHasher> pii_hasher;
  // Seals the remote route's photos at rest. main() builds it from the same
  // key file (crypto::SodiumPhotoSealer); without one the server uses a
  // random key for this run only (tests), so photos of earlier runs do not
  // open.
  std::shared_ptr<const PhotoSealer> photo_sealer;
  // How often cases past the retention period lose their personal fields.
  absl::Duration erase_interval = absl::Minutes(10);
  absl::Duration sweep_interval = absl::Seconds(30);
  // On shutdown, new calls get UNAVAILABLE for at least this long while the
  // running ones finish, before gRPC itself stops (see CallGate).
  absl::Duration drain_linger = absl::Seconds(1);
  // The HTTP face listens on config.http.listen when that is set; HTTPS
  // with this certificate and key (PEM text) when both are set.
  std::string http_tls_cert_pem;
  std::string http_tls_key_pem;
  // Where counters and histograms go (/metrics); made here when null.
  std::shared_ptr<Metrics> metrics;
  // Called on every sweep with the time ([backup]: takes a backup when one
  // is due); none when null.
  std::function<void(absl::Time)> scheduled_backup;
};

class QueueServer {
 public:
  static Result<std::unique_ptr<QueueServer>> Start(QueueServerOptions options);
  ~QueueServer();

  int port() const { return port_; }
  // The HTTP face's port; 0 when it is off.
  int http_port() const { return http_ ? http_->port() : 0; }
  Metrics& metrics() { return *options_.metrics; }
  // The address the slip's QR code links to ([http] public_url, or the
  // HTTP face's own address); "" when the HTTP face is off.
  const std::string& public_url() const { return options_.config.http.public_url; }
  // Stops accepting calls and waits for running ones up to `grace`.
  void Shutdown(absl::Duration grace = absl::Seconds(10));
  QueueManager& manager() { return *manager_; }
  BoardHub& board() { return board_; }
  AuthManager& auth() { return *auth_; }
  CaseManager& cases() { return *cases_; }
  BookingManager& bookings() { return *bookings_; }
  RemoteManager& remote() { return *remote_; }

 private:
  explicit QueueServer(QueueServerOptions options);
  void SweepLoop();
  // Works around gRPC 1.51's callback API in a server that also has
  // synchronous services (see server.cc).
  void KeepCallbackPollersAwake();
  // With a store other servers write too (Store::WatchChanges), the boards
  // follow its change feed.
  Status FollowSharedStore();
  Status StartHttp();
  void DescribeMetrics();

  QueueServerOptions options_;
  BoardHub board_;
  service::Entry entry_;
  std::unique_ptr<QueueManager> manager_;
  std::unique_ptr<AuthManager> auth_;
  std::unique_ptr<CaseManager> cases_;
  CaseServingHooks case_hooks_;
  std::unique_ptr<BookingManager> bookings_;
  std::unique_ptr<RemoteManager> remote_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<RateLimiter> booking_limiter_;
  std::unique_ptr<grpc::Service> booking_service_;
  std::unique_ptr<grpc::Service> case_service_;
  std::unique_ptr<grpc::Service> auth_service_;
  std::unique_ptr<grpc::Service> kiosk_;
  std::unique_ptr<grpc::Service> counter_;
  std::unique_ptr<grpc::Service> board_service_;
  std::unique_ptr<service::PublicCalls> public_calls_;
  std::unique_ptr<grpc::Service> ticket_status_service_;
  std::unique_ptr<grpc::Service> report_service_;
  std::unique_ptr<service::RemotePublicCalls> remote_public_calls_;
  std::unique_ptr<grpc::Service> remote_service_;
  std::unique_ptr<http::LiveHub> live_;
  std::unique_ptr<http::WebApi> web_;
  std::unique_ptr<http::HttpServer> http_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread sweeper_;
  std::thread poll_keeper_;
  // Sends the outbox ([notify] enabled = true; server/notify/sender.h).
  std::unique_ptr<notify::OutboxSender> outbox_sender_;
  bool watching_store_ = false;  // set at start
};

}  // namespace shop::queue
