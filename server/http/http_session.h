// Private to the transport (server/http/http_server.cc): the state every
// connection shares (ServerCore), a Server-Sent-Events stream's queue
// (EventStreamImpl), and one connection (Session<Stream>, a single template
// for plain TCP and for TLS so both take the same code path).
//
// Threading: each Session lives on its own strand of the server's
// io_context; every member of a Session is touched only there (handlers run
// the Handler on ServerCore::workers and post the Response back). An
// EventStreamImpl is the one object shared with other threads and guards
// itself with a mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "server/http/http_server.h"

namespace shop::queue::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

class SessionBase;

// What the listener and every session share. Owned by the server; outlives
// every session (the io_context that holds the sessions is destroyed first).
struct ServerCore {
  ServerCore(ServerOptions o, Handler h);

  const ServerOptions options;
  const Handler handler;
  // The options' durations, converted once.
  const std::chrono::milliseconds request_timeout, idle_timeout, write_timeout, heartbeat;

  std::atomic<uint64_t> connections_open{0};
  std::atomic<uint64_t> streams_open{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<uint64_t> large_bodies{0};  // requests holding a slot (LargeBodySlot)
  std::atomic<bool> stopping{false};
  // The parser's limit before the head is known: the largest any route
  // allows (a route's own is set once its head is in).
  const size_t head_body_limit;

  // The route among options.large_bodies that `method` and `path` match, or
  // null.
  const LargeBodyRoute* LargeRoute(std::string_view method, std::string_view path) const;

  // Runs the Handler and start_stream; reset by Shutdown once joined.
  std::unique_ptr<net::thread_pool> workers;

  // Work on `workers` not yet finished (Shutdown waits for it).
  void BeginWork();
  void EndWork();
  // True when no work is left; false if `deadline` passed first.
  bool WaitWorkDone(std::chrono::steady_clock::time_point deadline);

  void Register(SessionBase* s, std::weak_ptr<SessionBase> w);
  void Unregister(SessionBase* s);
  // Asks every live session to stop (each on its own strand).
  void StopSessions();

 private:
  std::mutex mu_;
  std::condition_variable work_done_;
  int inflight_ = 0;                                                     // guarded by mu_
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;  // guarded by mu_
};

// One of ServerOptions::max_large_bodies, held by a session from the head
// of a large request until its handler has answered.
class LargeBodySlot {
 public:
  // An empty slot when all are taken.
  static std::unique_ptr<LargeBodySlot> Take(ServerCore* core);
  ~LargeBodySlot() { core_->large_bodies.fetch_sub(1); }
  LargeBodySlot(const LargeBodySlot&) = delete;
  LargeBodySlot& operator=(const LargeBodySlot&) = delete;

 private:
  explicit LargeBodySlot(ServerCore* core) : core_(core) {}
  ServerCore* const core_;
};

// The transport's own answers: {"code": <gRPC code>, "message": "..."}.
std::string ErrorJson(int http_status, std::string_view message);
// An RFC 7231 Date header value for now.
std::string HttpDate();

// The strand-side interface an EventStreamImpl calls back into. Each call
// posts to the session's strand and returns at once.
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  virtual void Stop() = 0;        // server stopping
  virtual void WakeWriter() = 0;  // frames were queued (or Close asked)
  virtual void Abort() = 0;       // the client fell too far behind
};

using Frame = std::shared_ptr<const std::string>;

class EventStreamImpl final : public EventStream {
 public:
  EventStreamImpl(std::weak_ptr<SessionBase> session, size_t max_queue)
      : session_(std::move(session)), max_queue_(max_queue) {}

  bool Send(Frame frame) override;
  void Close() override;
  bool closed() const override { return ended_.load(); }
  void OnClose(std::function<void()> fn) override;

  // For the session, on its strand. Moves the queued frames into `*out`
  // (which must be empty) and says whether Close() was asked. When nothing
  // is queued, the next Send wakes the writer again.
  bool Take(std::vector<Frame>* out);
  // Marks the stream ended and runs the OnClose callbacks; only the first
  // call does anything.
  void End();

 private:
  const std::weak_ptr<SessionBase> session_;
  const size_t max_queue_;
  std::atomic<bool> ended_{false};
  mutable std::mutex mu_;
  std::vector<Frame> queue_;                    // guarded by mu_
  bool wake_pending_ = false;                   // guarded by mu_
  bool close_requested_ = false;                // guarded by mu_
  bool refused_ = false;                        // guarded by mu_; ended or aborted
  std::vector<std::function<void()>> on_close_;  // guarded by mu_
};

using PlainStream = tcp::socket;
using TlsStream = beast::ssl_stream<tcp::socket>;

// One connection: [TLS handshake], then requests one at a time, each
// answered by the Handler, until the connection closes or turns into an
// event stream. Create with std::make_shared and call Run() once.
template <class Stream>
class Session final : public SessionBase {
 public:
  // `counted`: whether it counts in connections_open (a connection over
  // max_connections, created only to be told 503, does not).
  template <class... Args>
  Session(ServerCore* core, bool counted, Args&&... args);
  ~Session() override;

  // `reject`: answer 503 (too many connections) and close.
  void Run(bool reject);

  void Stop() override;
  void WakeWriter() override;
  void Abort() override;

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, PlainStream>;
  enum class Phase { kHandshake, kIdle, kReading, kHandling, kWriting, kStreaming, kClosing, kClosed };
  using Timer = net::steady_timer;
  using Duration = std::chrono::steady_clock::duration;

  std::shared_ptr<Session> Self() {
    return std::static_pointer_cast<Session>(shared_from_this());
  }
  tcp::socket& Socket() { return beast::get_lowest_layer(stream_); }

  // Timers are re-armed often; a completion from an earlier arming (already
  // queued when cancelled) is recognised by its generation and ignored.
  void Arm(Timer& t, uint64_t& gen, Duration d, void (Session::*on_expiry)());
  void Disarm(Timer& t, uint64_t& gen);

  void OnHandshake(beast::error_code ec);
  void WaitRequest();
  void ReadRequest();
  void OnRequestTimeout();
  void OnHeader(beast::error_code ec);
  void OnRead(beast::error_code ec);
  void Dispatch();
  void OnResponse(Response res);
  void WriteError(int status, std::string_view message);
  void WriteInternalError();
  void WriteResponse();
  void StartStream(Response res);
  void OnHeadWritten(beast::error_code ec, std::function<void(std::shared_ptr<EventStream>)> start);
  void ReadProbe();
  void OnHeartbeat();
  void WriteFrames();
  void OnFramesWritten(beast::error_code ec);
  void DoStop();
  // Sends FIN, waits (briefly) for the client's, then closes: an immediate
  // close with unread input would reset the connection and could destroy
  // the answer before the client reads it.
  void CloseGracefully();
  void Drain();
  void CloseNow();
  void EndStream();

  ServerCore* const core_;
  const bool counted_;
  Stream stream_;
  Timer timer_;        // handshake, idle, request, heartbeat or linger
  Timer write_timer_;  // the write in progress
  uint64_t timer_gen_ = 0;
  uint64_t write_gen_ = 0;
  Phase phase_ = Phase::kHandshake;
  bool reject_ = false;
  bool timed_out_ = false;  // the request timer fired
  bool stopping_ = false;   // the server asked this session to stop
  bool writing_ = false;    // a stream write is running
  bool keep_alive_ = false;
  unsigned version_ = 11;
  std::string peer_;
  std::chrono::steady_clock::time_point last_sent_;  // a stream's last write
  beast::flat_buffer buffer_;  // released while idle, so idle peers cost little
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::unique_ptr<LargeBodySlot> large_slot_;  // while a large body is read and handled
  std::unique_ptr<bhttp::response<bhttp::string_body>> res_;
  std::string head_;  // an event stream's head while it is written
  std::shared_ptr<EventStreamImpl> stream_impl_;
  std::vector<Frame> batch_;            // frames being written
  std::vector<net::const_buffer> bufs_;  // their buffers
  char probe_[64];  // where reads that only watch for EOF land
};

extern template class Session<PlainStream>;
extern template class Session<TlsStream>;

}  // namespace shop::queue::http
