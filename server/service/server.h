// QueueServer: the whole server assembled from its parts: storage, the
// domain's QueueManager, the board hub, the gRPC services, health checking,
// reflection and the expiry sweeper. main() and the tests both start it.
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
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "server/domain/auth_manager.h"
#include "server/domain/board.h"
#include "server/domain/booking_manager.h"
#include "server/domain/case_manager.h"
#include "server/domain/device_manager.h"
#include "server/domain/rate_limit.h"
#include "server/domain/clock.h"
#include "server/domain/queue_manager.h"
#include "server/domain/store.h"
#include "server/service/errors.h"

namespace shop::queue {

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
  // How often cases past the retention period lose their personal fields.
  absl::Duration erase_interval = absl::Minutes(10);
  absl::Duration sweep_interval = absl::Seconds(30);
  // On shutdown, new calls get UNAVAILABLE for at least this long while the
  // running ones finish, before gRPC itself stops (see CallGate).
  absl::Duration drain_linger = absl::Seconds(1);
};

class QueueServer {
 public:
  static Result<std::unique_ptr<QueueServer>> Start(QueueServerOptions options);
  ~QueueServer();

  int port() const { return port_; }
  // Stops accepting calls and waits for running ones up to `grace`.
  void Shutdown(absl::Duration grace = absl::Seconds(10));
  QueueManager& manager() { return *manager_; }
  BoardHub& board() { return board_; }
  AuthManager& auth() { return *auth_; }
  CaseManager& cases() { return *cases_; }
  BookingManager& bookings() { return *bookings_; }

 private:
  explicit QueueServer(QueueServerOptions options);
  void SweepLoop();

  QueueServerOptions options_;
  BoardHub board_;
  service::Entry entry_;
  std::unique_ptr<QueueManager> manager_;
  std::unique_ptr<AuthManager> auth_;
  std::unique_ptr<CaseManager> cases_;
  std::unique_ptr<BookingManager> bookings_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<RateLimiter> booking_limiter_;
  std::unique_ptr<grpc::Service> booking_service_;
  std::unique_ptr<grpc::Service> case_service_;
  std::unique_ptr<grpc::Service> auth_service_;
  std::unique_ptr<grpc::Service> kiosk_;
  std::unique_ptr<grpc::Service> counter_;
  std::unique_ptr<grpc::Service> board_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread sweeper_;
};

}  // namespace shop::queue
