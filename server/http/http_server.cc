#include "server/http/http_server.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include "server/http/http_session.h"

namespace shop::queue::http {

std::string Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return "";
}

std::string SseFrame(std::string_view event, std::string_view data) {
  std::string out;
  out.reserve(event.size() + data.size() + 24);
  if (!event.empty()) {
    out += "event: ";
    // A line break in the name would end the field early.
    for (char c : event)
      if (c != '\r' && c != '\n') out += c;
    out += '\n';
  }
  out += "data: ";
  for (char c : data) {
    if (c == '\r') continue;  // "\r\n" is one break; a lone '\r' would be one too
    if (c == '\n') {
      out += "\ndata: ";
      continue;
    }
    out += c;
  }
  out += "\n\n";
  return out;
}

namespace {

// "HOST:PORT" or "[V6]:PORT" -> host and port; false if malformed.
bool SplitListen(const std::string& listen, std::string* host, std::string* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) return false;
  *host = listen.substr(0, colon);
  *port = listen.substr(colon + 1);
  if (!host->empty() && host->front() == '[') {
    if (host->size() < 2 || host->back() != ']') return false;
    *host = host->substr(1, host->size() - 2);
  }
  return std::all_of(port->begin(), port->end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string BindWhy(const beast::error_code& ec) {
  if (ec == net::error::address_in_use)
    return "the port is in use (another program listens there): choose another address";
  if (ec == boost::system::errc::address_not_available) return "this machine has no such address";
  if (ec == net::error::access_denied)
    return "permission denied (ports below 1024 need privileges)";
  return ec.message();
}

class ServerImpl final : public HttpServer {
 public:
  ServerImpl(ServerOptions options, Handler handler)
      : core_(std::make_unique<ServerCore>(std::move(options), std::move(handler))),
        ioc_(std::make_unique<net::io_context>(std::max(1, core_->options.io_threads))),
        work_(net::make_work_guard(*ioc_)),
        acceptor_(std::make_unique<tcp::acceptor>(net::make_strand(*ioc_))),
        retry_(std::make_unique<net::steady_timer>(acceptor_->get_executor())) {}

  ~ServerImpl() override { Shutdown(); }

  Status Init();

  int port() const override { return port_; }

  ServerStats stats() const override {
    ServerStats s;
    s.connections_open = core_->connections_open.load();
    s.streams_open = core_->streams_open.load();
    s.requests = core_->requests.load();
    s.rejected = core_->rejected.load();
    s.large_bodies = core_->large_bodies.load();
    return s;
  }

  void Shutdown(absl::Duration grace) override;
  void Shutdown() { Shutdown(absl::Seconds(5)); }

 private:
  Status InitTls();
  Status Listen();
  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);

  // Declared first so it is destroyed last: sessions that die with the
  // io_context still reach it.
  std::unique_ptr<ServerCore> core_;
  std::unique_ptr<net::ssl::context> tls_;
  std::unique_ptr<net::io_context> ioc_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::unique_ptr<tcp::acceptor> acceptor_;  // on its own strand
  std::unique_ptr<net::steady_timer> retry_;  // accept back-off (out of descriptors)
  std::vector<std::thread> threads_;
  int port_ = 0;
  std::mutex shutdown_mu_;
  bool shut_down_ = false;  // guarded by shutdown_mu_
};

Status ServerImpl::InitTls() {
  const ServerOptions& o = core_->options;
  if (o.tls_cert_pem.empty() && o.tls_key_pem.empty()) return Status::Ok();
  if (o.tls_cert_pem.empty())
    return Status::InvalidArgument("tls_cert", "tls_cert is empty but tls_key is set");
  if (o.tls_key_pem.empty())
    return Status::InvalidArgument("tls_key", "tls_key is empty but tls_cert is set");
  tls_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  tls_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                    net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                    net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(tls_->native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  tls_->use_certificate_chain(net::buffer(o.tls_cert_pem), ec);
  if (ec)
    return Status::InvalidArgument("tls_cert", "tls_cert is not a PEM certificate: " + ec.message());
  tls_->use_private_key(net::buffer(o.tls_key_pem), net::ssl::context::pem, ec);
  if (ec)
    return Status::InvalidArgument("tls_key", "tls_key is not a PEM private key: " + ec.message());
  if (SSL_CTX_check_private_key(tls_->native_handle()) != 1)
    return Status::InvalidArgument("tls_key", "tls_key does not match tls_cert");
  return Status::Ok();
}

Status ServerImpl::Listen() {
  const std::string& listen = core_->options.listen;
  std::string host, port;
  if (!SplitListen(listen, &host, &port))
    return Status::Unavailable("cannot listen on '" + listen + "': expected HOST:PORT or [V6]:PORT");
  beast::error_code ec;
  tcp::resolver resolver(*ioc_);
  auto found = resolver.resolve(host.empty() ? "0.0.0.0" : host, port,
                                tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || found.empty())
    return Status::Unavailable("cannot listen on '" + listen + "': the host cannot be resolved");
  const tcp::endpoint ep = found.begin()->endpoint();
  acceptor_->open(ep.protocol(), ec);
  // SO_REUSEADDR lets a restart bind despite old TIME_WAIT connections;
  // SO_REUSEPORT is left off so a second server cannot share the port.
  if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(ep, ec);
  if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("cannot listen on '" + listen + "': " + BindWhy(ec));
  port_ = acceptor_->local_endpoint(ec).port();
  return Status::Ok();
}

Status ServerImpl::Init() {
  QUEUE_RETURN_IF_ERROR(InitTls());
  QUEUE_RETURN_IF_ERROR(Listen());
  Accept();
  const int n = std::max(1, core_->options.io_threads);
  for (int i = 0; i < n; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          ioc_->run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http: event loop: {}", e.what());
        }
      }
    });
  }
  spdlog::debug("http: listening on {} (port {}){}", core_->options.listen, port_,
                tls_ ? " with TLS" : "");
  return Status::Ok();
}

void ServerImpl::Accept() {
  acceptor_->async_accept(net::make_strand(*ioc_),
                          [this](beast::error_code ec, tcp::socket socket) {
                            OnAccept(ec, std::move(socket));
                          });
}

void ServerImpl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (core_->stopping.load() || !acceptor_->is_open()) return;
  if (ec) {
    if (ec == net::error::operation_aborted) return;
    spdlog::warn("http: accept on {} failed: {}", core_->options.listen, ec.message());
    // Out of descriptors (or the like): retrying at once would spin.
    retry_->expires_after(std::chrono::milliseconds(100));
    retry_->async_wait([this](beast::error_code wec) {
      if (!wec && !core_->stopping.load()) Accept();
    });
    return;
  }
  beast::error_code opt_ec;
  socket.set_option(tcp::no_delay(true), opt_ec);  // frames go out at once
  // A phone that leaves the network without closing its live page is
  // noticed within about two minutes (the stream's small heartbeat never
  // fills the send buffer, so the write timeout alone would not see it).
  socket.set_option(net::socket_base::keep_alive(true), opt_ec);
  const int fd = socket.native_handle();
  const int idle = 60, interval = 15, count = 4, user_timeout_ms = 120000;
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
  const bool reject = core_->connections_open.load() >= core_->options.max_connections;
  auto ex = socket.get_executor();
  if (tls_) {
    auto s = std::make_shared<Session<TlsStream>>(core_.get(), !reject, std::move(socket), *tls_);
    net::post(ex, [s, reject] { s->Run(reject); });
  } else {
    auto s = std::make_shared<Session<PlainStream>>(core_.get(), !reject, std::move(socket));
    net::post(ex, [s, reject] { s->Run(reject); });
  }
  Accept();
}

void ServerImpl::Shutdown(absl::Duration grace) {
  {
    std::lock_guard lock(shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  const auto deadline = std::chrono::steady_clock::now() +
                        std::max(std::chrono::milliseconds(0), absl::ToChronoMilliseconds(grace));
  core_->stopping.store(true);
  if (!threads_.empty()) {
    // The acceptor belongs to its strand; close it there and wait.
    std::promise<void> closed;
    net::post(acceptor_->get_executor(), [this, &closed] {
      beast::error_code ec;
      acceptor_->close(ec);
      retry_->cancel();
      closed.set_value();
    });
    closed.get_future().wait();
  }
  core_->StopSessions();
  // Running handlers may finish (their answers go out with Connection:
  // close); then the connections get what is left of the grace to close.
  core_->WaitWorkDone(deadline);
  while (core_->connections_open.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  work_.reset();
  ioc_->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  // A handler still running past the grace is waited for here: its thread
  // cannot be abandoned while it may touch the server.
  core_->workers->stop();
  core_->workers->join();
  core_->workers.reset();  // unrun work (holding sessions) dies while the io_context lives
  retry_.reset();
  acceptor_.reset();
  ioc_.reset();  // the sessions left die here: sockets close, OnClose runs
  spdlog::debug("http: {} stopped", core_->options.listen);
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ServerOptions options, Handler handler) {
  if (!handler) return Status::InvalidArgument("handler", "no request handler");
  auto server = std::make_unique<ServerImpl>(std::move(options), std::move(handler));
  QUEUE_RETURN_IF_ERROR(server->Init());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace shop::queue::http
