// The SSE phase's client side: many Server-Sent-Events streams over plain
// HTTP/1.1 on one or two event-loop threads (Boost.Asio; no thread per
// connection).
//
// SseParser turns a text/event-stream body into (event, data) frames:
// `event:` and `data:` lines (several data lines join with "\n"), a blank
// line ends a frame, lines starting with ':' are comments (heartbeats),
// `id:`/`retry:` and unknown fields are ignored; LF, CRLF and CR all end a
// line. ChunkedDecoder undoes `Transfer-Encoding: chunked`. Both are fed
// bytes in any split and keep their state between calls. Not thread-safe.
//
// SseClientPool opens every added stream at once (Start), records for each
// the time of every frame as it is read (steady clock, before any parsing of
// the frame's JSON), and closes them all in Stop. The counters (ready,
// failed, frames) may be read from any thread while it runs; the per-stream
// results only after Stop.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/stats.h"

namespace shop::bench {

class SseParser {
 public:
  using OnFrame = std::function<void(std::string_view event, std::string_view data)>;
  void Feed(std::string_view bytes, const OnFrame& on_frame);

 private:
  void Line(std::string_view line, const OnFrame& on_frame);

  std::string line_;
  bool after_cr_ = false;  // the last byte was CR: a following LF is part of that line end
  std::string event_;
  std::string data_;
  bool has_data_ = false;
};

class ChunkedDecoder {
 public:
  // Appends the decoded body bytes of `bytes` to *out. False on malformed input.
  bool Feed(std::string_view bytes, std::string* out);
  bool finished() const { return state_ == State::kDone; }

 private:
  enum class State { kSize, kSizeExt, kData, kDataCr, kDataLf, kTrailer, kDone };
  State state_ = State::kSize;
  uint64_t remaining_ = 0;
  bool size_digits_ = false;
  std::string trailer_line_;
};

struct SseFrameRecord {
  Clock::time_point at;  // when the read that completed the frame returned
  std::string event;
  std::string data;
};

// What happened to one stream.
struct SseStreamResult {
  enum class Outcome {
    kPending,  // never finished connecting (still connecting when stopped)
    kOpen,     // open until Stop
    kFailed,   // could not connect, or not answered 200 text/event-stream
    kEnded,    // the server closed it after an `ended` frame (a ticket that ended)
    kDropped,  // the server (or the network) closed it without an `ended` frame
  };
  Outcome outcome = Outcome::kPending;
  std::string failure;                // kFailed / kDropped: why ("http 503", "connect: ...")
  Clock::time_point start;            // connect started
  Clock::time_point head_at;          // the 200 head was read
  Clock::time_point first_frame_at;   // the first frame was read (zero if none)
  std::vector<SseFrameRecord> frames;
};

class SseClientPool {
 public:
  // `host` is a numeric IPv4/IPv6 address.
  SseClientPool(std::string host, int port, int threads);
  ~SseClientPool();
  SseClientPool(const SseClientPool&) = delete;
  SseClientPool& operator=(const SseClientPool&) = delete;

  // Before Start: one stream to GET `target` (path and query, percent-encoded),
  // on `port` of the pool's host (0: the pool's port; several ports spread
  // the streams over server replicas).
  void Add(std::string target, int port = 0);
  void Start();
  // Closes every stream and joins the threads; idempotent.
  void Stop();

  int added() const { return static_cast<int>(conns_.size()); }
  int ready() const { return ready_.load(); }    // streams that delivered a first frame
  int failed() const { return failed_.load(); }  // kFailed so far
  int closed() const { return closed_.load(); }  // kEnded or kDropped so far
  int64_t frames() const { return frames_.load(); }
  Clock::time_point last_frame_at() const {
    return Clock::time_point(Clock::duration(last_frame_ns_.load()));
  }

  // After Stop.
  const SseStreamResult& result(int i) const;

 private:
  struct Impl;
  struct Conn;
  friend struct Conn;

  std::string host_;
  int port_;
  int threads_;
  std::unique_ptr<Impl> impl_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::atomic<int> ready_{0}, failed_{0}, closed_{0};
  std::atomic<int64_t> frames_{0};
  std::atomic<int64_t> last_frame_ns_{0};
  bool started_ = false, stopped_ = false;
};

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string PercentEncode(std::string_view s);

}  // namespace shop::bench
