#include "bench/sse_client.h"

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <cctype>
#include <cstring>

namespace shop::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// ---------------------------------------------------------------- SseParser

void SseParser::Feed(std::string_view bytes, const OnFrame& on_frame) {
  size_t i = 0;
  while (i < bytes.size()) {
    if (after_cr_) {
      after_cr_ = false;
      if (bytes[i] == '\n') {
        ++i;
        continue;
      }
    }
    // The run up to the next line end is copied at once.
    size_t end = i;
    while (end < bytes.size() && bytes[end] != '\n' && bytes[end] != '\r') ++end;
    line_.append(bytes.data() + i, end - i);
    if (end == bytes.size()) break;
    after_cr_ = bytes[end] == '\r';
    i = end + 1;
    Line(line_, on_frame);
    line_.clear();
  }
}

void SseParser::Line(std::string_view line, const OnFrame& on_frame) {
  if (line.empty()) {
    if (has_data_) on_frame(event_.empty() ? std::string_view("message") : event_, data_);
    event_.clear();
    data_.clear();
    has_data_ = false;
    return;
  }
  if (line[0] == ':') return;  // a comment: heartbeat
  size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }
  if (field == "event") {
    event_.assign(value);
  } else if (field == "data") {
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  }
  // id, retry and unknown fields: ignored.
}

// ---------------------------------------------------------------- ChunkedDecoder

bool ChunkedDecoder::Feed(std::string_view bytes, std::string* out) {
  size_t i = 0;
  auto end_of_size_line = [&]() {
    if (!size_digits_) return false;
    size_digits_ = false;
    if (remaining_ == 0) {
      state_ = State::kTrailer;
      trailer_line_.clear();
    } else {
      state_ = State::kData;
    }
    return true;
  };
  while (i < bytes.size()) {
    char c = bytes[i];
    switch (state_) {
      case State::kSize:
        if (std::isxdigit(static_cast<unsigned char>(c))) {
          int v = std::isdigit(static_cast<unsigned char>(c))
                      ? c - '0'
                      : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
          if (remaining_ > (uint64_t{1} << 40)) return false;
          remaining_ = remaining_ * 16 + v;
          size_digits_ = true;
        } else if (c == ';' || c == ' ' || c == '\t') {
          state_ = State::kSizeExt;
        } else if (c == '\n') {
          if (!end_of_size_line()) return false;
        } else if (c != '\r') {
          return false;
        }
        ++i;
        break;
      case State::kSizeExt:
        if (c == '\n' && !end_of_size_line()) return false;
        ++i;
        break;
      case State::kData: {
        size_t take = std::min<uint64_t>(remaining_, bytes.size() - i);
        out->append(bytes.data() + i, take);
        i += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kDataCr;
        break;
      }
      case State::kDataCr:
        if (c == '\r')
          state_ = State::kDataLf;
        else if (c == '\n')
          state_ = State::kSize;
        else
          return false;
        ++i;
        break;
      case State::kDataLf:
        if (c != '\n') return false;
        state_ = State::kSize;
        ++i;
        break;
      case State::kTrailer:
        if (c == '\n') {
          if (trailer_line_.empty()) state_ = State::kDone;
          trailer_line_.clear();
        } else if (c != '\r') {
          trailer_line_ += c;
        }
        ++i;
        break;
      case State::kDone:
        return true;
    }
  }
  return true;
}

std::string PercentEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// ---------------------------------------------------------------- SseClientPool

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The value of header `name` (lower case) in a response head, lower-cased; "" if absent.
std::string HeaderValue(std::string_view head, std::string_view name) {
  std::string lower = Lower(head);
  std::string key = "\r\n" + std::string(name) + ":";
  size_t at = lower.find(key);
  if (at == std::string::npos) return "";
  size_t from = at + key.size();
  size_t to = lower.find("\r\n", from);
  std::string v = lower.substr(from, to == std::string::npos ? std::string::npos : to - from);
  size_t a = v.find_first_not_of(" \t");
  size_t b = v.find_last_not_of(" \t");
  return a == std::string::npos ? "" : v.substr(a, b - a + 1);
}

}  // namespace

struct SseClientPool::Impl {
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
  tcp::endpoint endpoint;
};

struct SseClientPool::Conn {
  Conn(SseClientPool& p, asio::io_context& ctx, std::string target, tcp::endpoint ep)
      : pool(p), socket(ctx), endpoint(ep),
        request("GET " + target + " HTTP/1.1\r\nHost: " + p.host_ + ":" +
                std::to_string(ep.port()) +
                "\r\nAccept: text/event-stream\r\n"
                "Cache-Control: no-cache\r\n\r\n") {}

  void Open() {
    const tcp::endpoint& ep = endpoint;
    result.start = Clock::now();
    socket.async_connect(ep, [this](const boost::system::error_code& ec) {
      if (stopping) return;
      if (ec) return Fail("connect: " + ec.message());
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      asio::async_write(socket, asio::buffer(request),
                        [this](const boost::system::error_code& ec2, size_t) {
                          if (stopping) return;
                          if (ec2) return Fail("write: " + ec2.message());
                          Read();
                        });
    });
  }

  void Read() {
    socket.async_read_some(asio::buffer(buf), [this](const boost::system::error_code& ec,
                                                     size_t n) { OnRead(ec, n); });
  }

  void OnRead(const boost::system::error_code& ec, size_t n) {
    if (stopping) return;
    now = Clock::now();
    if (n > 0 && !Consume(std::string_view(buf.data(), n))) return;  // failed
    if (ec || (chunked && chunks.finished())) {
      if (!head_done) return Fail("closed before the response head: " + ec.message());
      if (result.outcome == SseStreamResult::Outcome::kPending)
        return Fail("closed before the first frame");
      result.outcome = saw_ended ? SseStreamResult::Outcome::kEnded
                                 : SseStreamResult::Outcome::kDropped;
      if (!saw_ended) result.failure = ec ? ec.message() : "end of chunked body";
      pool.closed_.fetch_add(1);
      Close();
      return;
    }
    Read();
  }

  // False if the stream failed (already recorded).
  bool Consume(std::string_view bytes) {
    if (!head_done) {
      head.append(bytes);
      size_t end = head.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (head.size() > 64 * 1024) return Fail("response head over 64 KiB"), false;
        return true;
      }
      head_done = true;
      result.head_at = now;
      std::string rest = head.substr(end + 4);
      head.resize(end + 2);  // keep the last header's CRLF for HeaderValue
      int status = 0;
      if (std::sscanf(head.c_str(), "HTTP/%*d.%*d %d", &status) != 1 || status != 200) {
        std::string why = "http " + std::to_string(status);
        return Fail(why), false;
      }
      if (HeaderValue(head, "content-type").rfind("text/event-stream", 0) != 0)
        return Fail("not text/event-stream: " + HeaderValue(head, "content-type")), false;
      chunked = HeaderValue(head, "transfer-encoding").find("chunked") != std::string::npos;
      head.clear();
      head.shrink_to_fit();
      return Body(rest);
    }
    return Body(bytes);
  }

  bool Body(std::string_view bytes) {
    if (bytes.empty()) return true;
    if (chunked) {
      decoded.clear();
      if (!chunks.Feed(bytes, &decoded)) return Fail("malformed chunked body"), false;
      bytes = decoded;
    }
    parser.Feed(bytes, [this](std::string_view event, std::string_view data) {
      result.frames.push_back({now, std::string(event), std::string(data)});
      if (result.outcome == SseStreamResult::Outcome::kPending) {
        result.outcome = SseStreamResult::Outcome::kOpen;
        result.first_frame_at = now;
        pool.ready_.fetch_add(1);
      }
      if (event == "ended") saw_ended = true;
      pool.frames_.fetch_add(1, std::memory_order_relaxed);
      pool.last_frame_ns_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
    });
    return true;
  }

  void Fail(const std::string& why) {
    result.outcome = SseStreamResult::Outcome::kFailed;
    result.failure = why;
    pool.failed_.fetch_add(1);
    Close();
  }

  void Close() {
    boost::system::error_code ignored;
    socket.close(ignored);
  }

  SseClientPool& pool;
  tcp::socket socket;
  const tcp::endpoint endpoint;
  const std::string request;
  std::array<char, 16 * 1024> buf;
  Clock::time_point now;
  std::string head;
  bool head_done = false;
  bool chunked = false;
  ChunkedDecoder chunks;
  std::string decoded;
  SseParser parser;
  bool saw_ended = false;
  bool stopping = false;  // only touched on the connection's thread
  SseStreamResult result;
};

SseClientPool::SseClientPool(std::string host, int port, int threads)
    : host_(std::move(host)), port_(port), threads_(std::max(1, threads)), impl_(new Impl) {
  for (int i = 0; i < threads_; ++i) {
    impl_->contexts.push_back(std::make_unique<asio::io_context>(1));
    impl_->guards.push_back(asio::make_work_guard(*impl_->contexts.back()));
  }
  impl_->endpoint = tcp::endpoint(asio::ip::make_address(host_), static_cast<uint16_t>(port_));
}

SseClientPool::~SseClientPool() { Stop(); }

void SseClientPool::Add(std::string target, int port) {
  auto& ctx = *impl_->contexts[conns_.size() % impl_->contexts.size()];
  tcp::endpoint ep = impl_->endpoint;
  if (port > 0) ep.port(static_cast<uint16_t>(port));
  conns_.push_back(std::make_unique<Conn>(*this, ctx, std::move(target), ep));
}

void SseClientPool::Start() {
  if (started_) return;
  started_ = true;
  // Every connect is initiated before the loops run: one burst, as after a
  // server restart when every page reconnects.
  for (auto& c : conns_) c->Open();
  for (auto& ctx : impl_->contexts) impl_->threads.emplace_back([c = ctx.get()] { c->run(); });
}

void SseClientPool::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (started_) {
    for (size_t t = 0; t < impl_->contexts.size(); ++t) {
      asio::post(*impl_->contexts[t], [this, t] {
        for (size_t i = t; i < conns_.size(); i += impl_->contexts.size()) {
          conns_[i]->stopping = true;
          conns_[i]->Close();
        }
      });
    }
  }
  for (auto& g : impl_->guards) g.reset();
  if (!started_)
    for (auto& ctx : impl_->contexts) ctx->run();  // nothing queued; returns at once
  for (auto& th : impl_->threads) th.join();
}

const SseStreamResult& SseClientPool::result(int i) const { return conns_[i]->result; }

}  // namespace shop::bench
