#include "server/http/http_session.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <sstream>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include "absl/time/time.h"

namespace shop::queue::http {

namespace {

std::chrono::milliseconds Ms(absl::Duration d) {
  return std::max(std::chrono::milliseconds(1), absl::ToChronoMilliseconds(d));
}

// The gRPC code of a transport-made HTTP status (google.rpc.Status shape).
int GrpcCode(int http_status) {
  switch (http_status) {
    case 400: return 3;   // INVALID_ARGUMENT
    case 408: return 4;   // DEADLINE_EXCEEDED
    case 413:
    case 431: return 8;   // RESOURCE_EXHAUSTED
    case 503: return 14;  // UNAVAILABLE
    default: return 13;   // INTERNAL
  }
}

constexpr std::string_view kPing = ": ping\n\n";

}  // namespace

// --- ServerCore ---

ServerCore::ServerCore(ServerOptions o, Handler h)
    : options(std::move(o)),
      handler(std::move(h)),
      request_timeout(Ms(options.request_timeout)),
      idle_timeout(Ms(options.idle_timeout)),
      write_timeout(Ms(options.write_timeout)),
      heartbeat(Ms(options.heartbeat)),
      head_body_limit([&] {
        size_t limit = options.max_body_bytes;
        for (const LargeBodyRoute& r : options.large_bodies)
          limit = std::max(limit, r.max_body_bytes);
        return limit;
      }()),
      workers(std::make_unique<net::thread_pool>(std::max(1, options.worker_threads))) {}

const LargeBodyRoute* ServerCore::LargeRoute(std::string_view method,
                                             std::string_view path) const {
  for (const LargeBodyRoute& r : options.large_bodies)
    if (r.method == method && r.path == path) return &r;
  return nullptr;
}

std::unique_ptr<LargeBodySlot> LargeBodySlot::Take(ServerCore* core) {
  uint64_t n = core->large_bodies.load();
  do {
    if (n >= core->options.max_large_bodies) return nullptr;
  } while (!core->large_bodies.compare_exchange_weak(n, n + 1));
  return std::unique_ptr<LargeBodySlot>(new LargeBodySlot(core));
}

void ServerCore::BeginWork() {
  std::lock_guard lock(mu_);
  ++inflight_;
}

void ServerCore::EndWork() {
  std::lock_guard lock(mu_);
  if (--inflight_ == 0) work_done_.notify_all();
}

bool ServerCore::WaitWorkDone(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return work_done_.wait_until(lock, deadline, [this] { return inflight_ == 0; });
}

void ServerCore::Register(SessionBase* s, std::weak_ptr<SessionBase> w) {
  std::lock_guard lock(mu_);
  sessions_.emplace(s, std::move(w));
}

void ServerCore::Unregister(SessionBase* s) {
  std::lock_guard lock(mu_);
  sessions_.erase(s);
}

void ServerCore::StopSessions() {
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(mu_);
    live.reserve(sessions_.size());
    for (auto& [ptr, weak] : sessions_)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->Stop();
}

std::string ErrorJson(int http_status, std::string_view message) {
  std::string out = "{\"code\": " + std::to_string(GrpcCode(http_status)) + ", \"message\": \"";
  for (char c : message) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  out += "\"}";
  return out;
}

std::string HttpDate() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

// --- EventStreamImpl ---

bool EventStreamImpl::Send(Frame frame) {
  bool wake = false;
  bool abort = false;
  {
    std::lock_guard lock(mu_);
    if (refused_ || close_requested_ || !frame) return false;
    if (queue_.size() >= max_queue_) {
      refused_ = true;
      abort = true;
    } else {
      queue_.push_back(std::move(frame));
      wake = !wake_pending_;
      wake_pending_ = true;
    }
  }
  if (wake || abort) {
    if (auto s = session_.lock()) {
      if (abort) s->Abort();
      else s->WakeWriter();
    }
  }
  return !abort;
}

void EventStreamImpl::Close() {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (refused_ || close_requested_) return;
    close_requested_ = true;
    wake = !wake_pending_;
    wake_pending_ = true;
  }
  if (wake)
    if (auto s = session_.lock()) s->WakeWriter();
}

void EventStreamImpl::OnClose(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (!ended_.load()) {
      on_close_.push_back(std::move(fn));
      return;
    }
  }
  fn();
}

bool EventStreamImpl::Take(std::vector<Frame>* out) {
  std::lock_guard lock(mu_);
  out->swap(queue_);
  if (out->empty()) wake_pending_ = false;
  return close_requested_;
}

void EventStreamImpl::End() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mu_);
    if (ended_.exchange(true)) return;
    refused_ = true;
    queue_.clear();
    callbacks.swap(on_close_);
  }
  for (auto& fn : callbacks) {
    try {
      fn();
    } catch (const std::exception& e) {
      spdlog::warn("http: an event stream's OnClose callback threw: {}", e.what());
    } catch (...) {
      spdlog::warn("http: an event stream's OnClose callback threw");
    }
  }
}

// --- Session ---

template <class Stream>
template <class... Args>
Session<Stream>::Session(ServerCore* core, bool counted, Args&&... args)
    : core_(core),
      counted_(counted),
      stream_(std::forward<Args>(args)...),
      timer_(stream_.get_executor()),
      write_timer_(stream_.get_executor()),
      buffer_(core->options.max_header_bytes + 16 * 1024) {
  if (counted_) core_->connections_open.fetch_add(1);
  beast::error_code ec;
  auto ep = Socket().remote_endpoint(ec);
  if (!ec) {
    auto addr = ep.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
      addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
    peer_ = addr.to_string();
  }
}

template <class Stream>
Session<Stream>::~Session() {
  EndStream();
  if (counted_) core_->connections_open.fetch_sub(1);
  core_->Unregister(this);
  spdlog::debug("http: connection from {} gone", peer_);
}

template <class Stream>
void Session<Stream>::Arm(Timer& t, uint64_t& gen, Duration d, void (Session::*on_expiry)()) {
  const uint64_t g = ++gen;
  t.expires_after(d);
  t.async_wait([self = Self(), &gen, g, on_expiry](beast::error_code ec) {
    if (ec || g != gen) return;
    ((*self).*on_expiry)();
  });
}

template <class Stream>
void Session<Stream>::Disarm(Timer& t, uint64_t& gen) {
  ++gen;
  t.cancel();
}

template <class Stream>
void Session<Stream>::Run(bool reject) {
  reject_ = reject;
  core_->Register(this, weak_from_this());
  spdlog::debug("http: connection from {}", peer_);
  if (core_->stopping.load()) return CloseNow();
  if constexpr (kTls) {
    phase_ = Phase::kHandshake;
    Arm(timer_, timer_gen_, core_->request_timeout, &Session::CloseNow);
    stream_.async_handshake(net::ssl::stream_base::server,
                            [self = Self()](beast::error_code ec) { self->OnHandshake(ec); });
  } else {
    OnHandshake({});
  }
}

template <class Stream>
void Session<Stream>::OnHandshake(beast::error_code ec) {
  Disarm(timer_, timer_gen_);
  if (ec || phase_ == Phase::kClosed) {
    if (ec) spdlog::debug("http: TLS handshake with {} failed: {}", peer_, ec.message());
    return CloseNow();
  }
  if (reject_) return WriteError(503, "too many connections");
  WaitRequest();
}

template <class Stream>
void Session<Stream>::WaitRequest() {
  phase_ = Phase::kIdle;
  if (stopping_ || core_->stopping.load()) return CloseNow();
  if (buffer_.size() > 0) return ReadRequest();
  Arm(timer_, timer_gen_, core_->idle_timeout, &Session::CloseNow);
  if constexpr (kTls) {
    // TLS must decrypt to know whether a request began; the few bytes read
    // stay in buffer_ for the parser.
    stream_.async_read_some(buffer_.prepare(1024),
                            [self = Self()](beast::error_code ec, size_t n) {
                              self->buffer_.commit(n);
                              if (ec || self->phase_ != Phase::kIdle) return self->CloseNow();
                              self->ReadRequest();
                            });
  } else {
    // Waiting for readability holds no buffer at all.
    Socket().async_wait(tcp::socket::wait_read, [self = Self()](beast::error_code ec) {
      if (ec || self->phase_ != Phase::kIdle) return self->CloseNow();
      self->ReadRequest();
    });
  }
}

template <class Stream>
void Session<Stream>::ReadRequest() {
  phase_ = Phase::kReading;
  timed_out_ = false;
  // From the first byte on the whole request has request_timeout, however
  // slowly it trickles in.
  Arm(timer_, timer_gen_, core_->request_timeout, &Session::OnRequestTimeout);
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(
      std::min<size_t>(core_->options.max_header_bytes, UINT32_MAX)));
  parser_->body_limit(core_->head_body_limit);
  large_slot_.reset();
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = Self()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

template <class Stream>
void Session<Stream>::OnHeader(beast::error_code ec) {
  if (ec || phase_ != Phase::kReading) return OnRead(ec);
  // The body's limit is the route's: the head was parsed under the largest
  // any route allows, so a Content-Length too large for this one is refused
  // here, before the body is read.
  const auto& h = parser_->get();
  const std::string_view target(h.target().data(), h.target().size());
  const LargeBodyRoute* large =
      core_->LargeRoute(std::string_view(h.method_string().data(), h.method_string().size()),
                        target.substr(0, target.find('?')));
  const size_t limit = large ? std::max(large->max_body_bytes, core_->options.max_body_bytes)
                             : core_->options.max_body_bytes;
  const auto length = parser_->content_length();
  if (length && *length > limit) return WriteError(413, "request body too large");
  if (parser_->is_done()) return OnRead(ec);
  parser_->body_limit(limit);
  if (large && (!length || *length > core_->options.max_body_bytes)) {
    large_slot_ = LargeBodySlot::Take(core_);
    if (!large_slot_) return WriteError(503, "too many uploads at once; retry in a minute");
    Arm(timer_, timer_gen_, std::chrono::duration_cast<Duration>(Ms(large->request_timeout)),
        &Session::OnRequestTimeout);
  }
  auto read_body = [self = Self()] {
    bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                      [self](beast::error_code ec, size_t) { self->OnRead(ec); });
  };
  // A client that asks (curl does for bodies over 1 kB) waits for this
  // before it sends the body; the body limit was already checked against
  // Content-Length by the parser.
  const auto& head = parser_->get();
  if (head.version() >= 11 && beast::iequals(head[bhttp::field::expect], "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    return net::async_write(stream_, net::buffer(kContinue),
                            [self = Self(), read_body](beast::error_code ec, size_t) {
                              if (ec) return self->OnRead(ec);
                              read_body();
                            });
  }
  read_body();
}

template <class Stream>
void Session<Stream>::OnRequestTimeout() {
  timed_out_ = true;
  beast::error_code ec;
  Socket().cancel(ec);
}

template <class Stream>
void Session<Stream>::OnRead(beast::error_code ec) {
  Disarm(timer_, timer_gen_);
  if (phase_ != Phase::kReading) return;
  if (timed_out_) return WriteError(408, "request not received in time");
  if (!ec) return Dispatch();
  if (ec == bhttp::error::body_limit) return WriteError(413, "request body too large");
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
    return WriteError(431, "request header fields too large");
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
    return WriteError(400, "malformed request");
  CloseNow();  // the peer left or the socket failed
}

template <class Stream>
void Session<Stream>::Dispatch() {
  if (stopping_ || core_->stopping.load()) return WriteError(503, "server stopping");
  auto msg = parser_->release();
  parser_.reset();
  keep_alive_ = msg.keep_alive();
  version_ = msg.version();
  Request req;
  req.method = std::string(msg.method_string());
  const std::string_view target = msg.target();
  const size_t q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
  for (const auto& f : msg) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    req.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  req.body = std::move(msg.body());
  req.peer = peer_;
  if (buffer_.size() == 0) buffer_.shrink_to_fit();

  phase_ = Phase::kHandling;
  core_->requests.fetch_add(1);
  core_->BeginWork();
  net::post(*core_->workers, [self = Self(), core = core_, req = std::move(req)]() mutable {
    Response res;
    try {
      res = core->handler(req);
    } catch (const std::exception& e) {
      spdlog::error("http: the handler of {} {} threw: {}", req.method, req.path, e.what());
      res = Response{};
      res.status = 500;
      res.content_type = "application/json";
      res.body = ErrorJson(500, "internal error");
    } catch (...) {
      spdlog::error("http: the handler of {} {} threw", req.method, req.path);
      res = Response{};
      res.status = 500;
      res.content_type = "application/json";
      res.body = ErrorJson(500, "internal error");
    }
    auto ex = self->stream_.get_executor();
    net::post(ex, [self = std::move(self), res = std::move(res)]() mutable {
      self->OnResponse(std::move(res));
    });
    core->EndWork();
  });
}

template <class Stream>
void Session<Stream>::OnResponse(Response res) {
  large_slot_.reset();  // the handler is done with the body
  if (phase_ != Phase::kHandling) return;  // closed meanwhile
  if (res.start_stream) {
    if (stopping_ || core_->stopping.load()) return WriteError(503, "server stopping");
    return StartStream(std::move(res));
  }
  // A status without a body (1xx, 204, 304) must not carry one, and Beast
  // throws on the ones it cannot write: a handler's mistake is a 500, not
  // an exception in the event loop.
  if (res.status < 200 || res.status > 599) {
    spdlog::error("http: handler answered status {}; sending 500", res.status);
    return WriteInternalError();
  }
  if (res.status == 204 || res.status == 304) res.body.clear();
  try {
    res_ = std::make_unique<bhttp::response<bhttp::string_body>>();
    res_->version(version_);
    res_->result(static_cast<unsigned>(res.status));
    for (auto& [name, value] : res.headers) res_->insert(name, value);
    res_->set(bhttp::field::content_type, res.content_type);
    res_->set(bhttp::field::date, HttpDate());
    res_->body() = std::move(res.body);
    res_->keep_alive(keep_alive_ && !stopping_ && !core_->stopping.load());
    res_->prepare_payload();
  } catch (const std::exception& e) {
    spdlog::error("http: cannot write the handler's response: {}", e.what());
    return WriteInternalError();
  }
  WriteResponse();
}

template <class Stream>
void Session<Stream>::WriteError(int status, std::string_view message) {
  core_->rejected.fetch_add(1);
  spdlog::debug("http: {} to {}: {}", status, peer_, message);
  parser_.reset();
  large_slot_.reset();
  res_ = std::make_unique<bhttp::response<bhttp::string_body>>();
  res_->version(version_ == 10 ? 10 : 11);
  res_->result(static_cast<unsigned>(status));
  res_->set(bhttp::field::content_type, "application/json");
  res_->set(bhttp::field::date, HttpDate());
  res_->body() = ErrorJson(status, message);
  res_->keep_alive(false);
  res_->prepare_payload();
  WriteResponse();
}

template <class Stream>
void Session<Stream>::WriteInternalError() {
  WriteError(500, "internal error");
  core_->rejected.fetch_sub(1);  // the handler's fault, not a refused request
}

template <class Stream>
void Session<Stream>::WriteResponse() {
  phase_ = Phase::kWriting;
  Arm(write_timer_, write_gen_, core_->write_timeout, &Session::CloseNow);
  bhttp::async_write(stream_, *res_, [self = Self()](beast::error_code ec, size_t) {
    self->Disarm(self->write_timer_, self->write_gen_);
    const bool keep = self->res_ && self->res_->keep_alive();
    self->res_.reset();
    if (ec || self->phase_ != Phase::kWriting) return self->CloseNow();
    if (keep && !self->stopping_) return self->WaitRequest();
    self->CloseGracefully();
  });
}

template <class Stream>
void Session<Stream>::StartStream(Response res) {
  phase_ = Phase::kStreaming;
  bhttp::response<bhttp::empty_body> head(bhttp::status::ok, version_);
  for (auto& [name, value] : res.headers) head.insert(name, value);
  head.set(bhttp::field::content_type, "text/event-stream");
  head.set(bhttp::field::cache_control, "no-store");
  head.set("X-Accel-Buffering", "no");
  head.set(bhttp::field::date, HttpDate());
  // The stream ends with the connection (no length, no chunking).
  head.keep_alive(false);
  std::ostringstream os;
  os << head.base();
  head_ = os.str();
  head_ += res.body;
  buffer_.clear();
  buffer_.shrink_to_fit();
  writing_ = true;
  Arm(write_timer_, write_gen_, core_->write_timeout, &Session::CloseNow);
  net::async_write(stream_, net::buffer(head_),
                   [self = Self(), start = std::move(res.start_stream)](beast::error_code ec,
                                                                        size_t) mutable {
                     self->OnHeadWritten(ec, std::move(start));
                   });
}

template <class Stream>
void Session<Stream>::OnHeadWritten(beast::error_code ec,
                                    std::function<void(std::shared_ptr<EventStream>)> start) {
  Disarm(write_timer_, write_gen_);
  writing_ = false;
  std::string().swap(head_);
  if (ec || phase_ != Phase::kStreaming || stopping_) return CloseNow();
  stream_impl_ = std::make_shared<EventStreamImpl>(weak_from_this(), core_->options.max_stream_queue);
  core_->streams_open.fetch_add(1);
  last_sent_ = std::chrono::steady_clock::now();
  ReadProbe();
  Arm(timer_, timer_gen_, core_->heartbeat, &Session::OnHeartbeat);
  core_->BeginWork();
  net::post(*core_->workers, [core = core_, start = std::move(start),
                              stream = std::shared_ptr<EventStream>(stream_impl_)] {
    try {
      start(stream);
    } catch (const std::exception& e) {
      spdlog::error("http: start_stream threw: {}", e.what());
      stream->Close();
    } catch (...) {
      spdlog::error("http: start_stream threw");
      stream->Close();
    }
    core->EndWork();
  });
}

template <class Stream>
void Session<Stream>::ReadProbe() {
  // A read stays pending for the whole stream so a client that leaves is
  // noticed (EOF or reset) even when nothing is being written.
  stream_.async_read_some(net::buffer(probe_), [self = Self()](beast::error_code ec, size_t) {
    if (ec) return self->CloseNow();
    self->ReadProbe();
  });
}

template <class Stream>
void Session<Stream>::OnHeartbeat() {
  if (phase_ != Phase::kStreaming) return;
  // Only a stream quiet for a whole period needs the ping.
  const auto quiet = std::chrono::steady_clock::now() - last_sent_;
  if (writing_ || quiet < core_->heartbeat) {
    const Duration wait = writing_ ? Duration(core_->heartbeat)
                                   : Duration(core_->heartbeat) - quiet;
    return Arm(timer_, timer_gen_, wait, &Session::OnHeartbeat);
  }
  {
    writing_ = true;
    Arm(write_timer_, write_gen_, core_->write_timeout, &Session::CloseNow);
    net::async_write(stream_, net::buffer(kPing), [self = Self()](beast::error_code ec, size_t) {
      self->OnFramesWritten(ec);
    });
  }
  Arm(timer_, timer_gen_, core_->heartbeat, &Session::OnHeartbeat);
}

template <class Stream>
void Session<Stream>::WriteFrames() {
  if (phase_ != Phase::kStreaming || writing_ || !stream_impl_) return;
  const bool close = stream_impl_->Take(&batch_);
  if (batch_.empty()) {
    if (close) {
      EndStream();
      CloseGracefully();
    }
    return;
  }
  bufs_.clear();
  for (const Frame& f : batch_) bufs_.push_back(net::buffer(*f));
  writing_ = true;
  Arm(write_timer_, write_gen_, core_->write_timeout, &Session::CloseNow);
  net::async_write(stream_, bufs_, [self = Self()](beast::error_code ec, size_t) {
    self->OnFramesWritten(ec);
  });
}

template <class Stream>
void Session<Stream>::OnFramesWritten(beast::error_code ec) {
  Disarm(write_timer_, write_gen_);
  writing_ = false;
  last_sent_ = std::chrono::steady_clock::now();
  batch_.clear();
  if (batch_.capacity() > 16) {
    std::vector<Frame>().swap(batch_);
    std::vector<net::const_buffer>().swap(bufs_);
  }
  if (ec) return CloseNow();
  WriteFrames();
}

template <class Stream>
void Session<Stream>::Stop() {
  net::post(stream_.get_executor(), [self = Self()] { self->DoStop(); });
}

template <class Stream>
void Session<Stream>::WakeWriter() {
  net::post(stream_.get_executor(), [self = Self()] { self->WriteFrames(); });
}

template <class Stream>
void Session<Stream>::Abort() {
  net::post(stream_.get_executor(), [self = Self()] {
    spdlog::debug("http: event stream to {} fell behind; disconnecting", self->peer_);
    self->CloseNow();
  });
}

template <class Stream>
void Session<Stream>::DoStop() {
  stopping_ = true;
  // A request being handled or answered finishes first (and then closes).
  if (phase_ == Phase::kHandling || phase_ == Phase::kWriting) return;
  CloseNow();
}

template <class Stream>
void Session<Stream>::CloseGracefully() {
  if (phase_ == Phase::kClosed || phase_ == Phase::kClosing) return;
  const bool streaming = phase_ == Phase::kStreaming;
  phase_ = Phase::kClosing;
  beast::error_code ec;
  Socket().shutdown(tcp::socket::shutdown_send, ec);
  const Duration linger = stopping_ || core_->stopping.load()
                              ? Duration(std::chrono::milliseconds(100))
                              : Duration(std::min<std::chrono::milliseconds>(
                                    core_->request_timeout, std::chrono::seconds(2)));
  Arm(timer_, timer_gen_, linger, &Session::CloseNow);
  if (!streaming) Drain();  // a stream's probe read is still pending
}

template <class Stream>
void Session<Stream>::Drain() {
  Socket().async_read_some(net::buffer(probe_), [self = Self()](beast::error_code ec, size_t) {
    if (ec) return self->CloseNow();
    self->Drain();
  });
}

template <class Stream>
void Session<Stream>::CloseNow() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  Disarm(timer_, timer_gen_);
  Disarm(write_timer_, write_gen_);
  beast::error_code ec;
  Socket().shutdown(tcp::socket::shutdown_both, ec);
  Socket().close(ec);
  EndStream();
}

template <class Stream>
void Session<Stream>::EndStream() {
  if (!stream_impl_) return;
  auto s = std::move(stream_impl_);
  stream_impl_.reset();
  core_->streams_open.fetch_sub(1);
  s->End();
}

template class Session<PlainStream>;
template class Session<TlsStream>;
template Session<PlainStream>::Session(ServerCore*, bool, tcp::socket&&);
template Session<TlsStream>::Session(ServerCore*, bool, tcp::socket&&, net::ssl::context&);

}  // namespace shop::queue::http
