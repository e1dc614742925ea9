// HttpServer: the transport of queue-server's HTTP face (Boost.Beast on one
// Asio event loop; no thread per connection). It parses requests, enforces
// the limits below, hands each complete request to the Handler on a small
// worker pool (handlers may block on the database), writes the Response, and
// keeps Server-Sent-Events streams open for as long as the client stays.
//
// It knows nothing about routes, JSON or the domain (server/http/web_api.h
// does); it only answers by itself when a request breaks a limit:
//   400 malformed request, 408 head/body not received in time,
//   413 body over max_body_bytes (or its route's larger limit, see
//       ServerOptions::large_bodies), 431 head over max_header_bytes,
//   503 too many connections, too many large bodies at once, or server
//       stopping,
// each with a JSON body {"code": <gRPC code>, "message": "..."} (the shape of
// google.rpc.Status, as the API's own errors).
//
// Thread-safe. Start() returns once listening; Shutdown() stops accepting,
// ends every stream, lets running handlers finish and joins the threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/common/status.h"

namespace shop::queue::http {

struct Request {
  std::string method;  // "GET", "POST", ... as sent
  std::string path;    // the target before '?', still percent-encoded
  std::string query;   // after '?', without it; "" if none
  std::string body;
  std::string peer;    // the TCP peer's address, "127.0.0.1" or "::1" (no port)
  // Header fields with lower-case names, in arrival order.
  std::vector<std::pair<std::string, std::string>> headers;
  // The first value of a header (name in lower case), or "".
  std::string Header(std::string_view lower_name) const;
};

// A live text/event-stream reply. Thread-safe; every method returns at once.
class EventStream {
 public:
  virtual ~EventStream() = default;
  // Queues a complete SSE frame ("event: x\ndata: ...\n\n"); frames go out in
  // order. False once the stream is closed. A client that falls more than
  // ServerOptions::max_stream_queue frames behind is disconnected (it
  // reconnects and gets a fresh snapshot).
  virtual bool Send(std::shared_ptr<const std::string> frame) = 0;
  // Ends the stream after the frames already queued are written.
  virtual void Close() = 0;
  virtual bool closed() const = 0;
  // `fn` runs once when the stream ends for any reason (client left, Close,
  // write timeout, server stopping), on any thread; at once if already ended.
  virtual void OnClose(std::function<void()> fn) = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // Extra header fields (Content-Type, Content-Length, Date, Connection are
  // the server's).
  std::vector<std::pair<std::string, std::string>> headers;
  // For a Server-Sent-Events reply: the head goes out with status 200,
  // "text/event-stream", "Cache-Control: no-store" and the extra headers,
  // then `body` (if any) as the first frames; then `start_stream` is called
  // once on a worker thread with the open stream. The connection then serves
  // only that stream. A comment line (": ping") is sent every
  // ServerOptions::heartbeat so proxies keep it and dead peers are noticed.
  std::function<void(std::shared_ptr<EventStream>)> start_stream;
};

// Called on a worker thread for every complete request; may block (a
// database write); must be thread-safe. Exceptions are caught and answered
// 500 with a JSON body (they should never happen).
using Handler = std::function<Response(const Request&)>;

// A route that may carry a larger body than ServerOptions::max_body_bytes
// (an upload). A request matches when its method and its target's path (as
// sent: before '?', not percent-decoded) are exactly these; every other
// request keeps max_body_bytes and request_timeout.
struct LargeBodyRoute {
  std::string method;  // "POST"
  std::string path;    // "/api/v1/RemoteService/ApplyForReplacement"
  size_t max_body_bytes = 0;
  // From the first byte until the head and body are complete: a phone on a
  // slow network needs longer for megabytes than for a form.
  absl::Duration request_timeout = absl::Minutes(3);
};

struct ServerOptions {
  std::string listen = "127.0.0.1:0";  // HOST:PORT, [::1]:PORT; port 0 picks one
  int io_threads = 1;                  // event-loop threads
  int worker_threads = 4;              // threads running the Handler
  size_t max_body_bytes = 64 * 1024;
  // Routes allowed a larger body. A Content-Length above the route's limit
  // is refused (413) as soon as the head is in, before any body is read.
  std::vector<LargeBodyRoute> large_bodies;
  // At most this many requests at once may carry a body above
  // max_body_bytes (each is held in memory until its handler is done);
  // one more is answered 503 before its body is read.
  size_t max_large_bodies = 16;
  size_t max_header_bytes = 8 * 1024;
  // From the first byte of a request until its head and body are complete.
  absl::Duration request_timeout = absl::Seconds(10);
  // A keep-alive connection with no request in progress is closed after this.
  absl::Duration idle_timeout = absl::Seconds(60);
  // A response (or a stream's frame) not taken by the client in this time
  // closes the connection.
  absl::Duration write_timeout = absl::Seconds(30);
  absl::Duration heartbeat = absl::Seconds(15);
  size_t max_connections = 10000;   // beyond: 503 and close
  size_t max_stream_queue = 256;    // frames queued per stream
  // TLS (PEM text, not file names); both empty: plain HTTP.
  std::string tls_cert_pem;
  std::string tls_key_pem;
};

struct ServerStats {
  uint64_t connections_open = 0;
  uint64_t streams_open = 0;
  uint64_t requests = 0;            // handed to the Handler
  uint64_t rejected = 0;            // answered by the transport (400/408/413/431/503)
  uint64_t large_bodies = 0;        // requests above max_body_bytes being read or handled
};

class HttpServer {
 public:
  // Listens on options.listen; UNAVAILABLE naming the address (and why, e.g.
  // "the port is in use") when it cannot; INVALID_ARGUMENT for bad TLS PEM.
  static Result<std::unique_ptr<HttpServer>> Start(ServerOptions options, Handler handler);
  virtual ~HttpServer() = default;
  virtual int port() const = 0;
  virtual ServerStats stats() const = 0;
  // Stops accepting, closes streams and idle connections, waits up to
  // `grace` for running handlers, joins every thread. Idempotent.
  virtual void Shutdown(absl::Duration grace = absl::Seconds(5)) = 0;
};

// SSE framing: "event: NAME\ndata: LINE\n...\n\n" (each line of `data` on its
// own data: line; NAME empty: no event line).
std::string SseFrame(std::string_view event, std::string_view data);

}  // namespace shop::queue::http
