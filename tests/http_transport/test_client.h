// A tiny blocking HTTP/1.1 client on raw sockets (optionally TLS through
// OpenSSL) for the transport's tests: it sends exactly the bytes a test
// writes, so malformed, slow and oversized requests are easy to make.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "server/http/http_server.h"

namespace shop::queue::http::testing {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Frame = std::shared_ptr<const std::string>;

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
  }
};

class Conn {
 public:
  // Connects to 127.0.0.1:port; with `tls`, does a TLS handshake (no
  // certificate check: the tests' certificates are self-signed).
  explicit Conn(int port, bool tls = false) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connected_ && tls) {
      ctx_ = SSL_CTX_new(TLS_client_method());
      ssl_ = SSL_new(ctx_);
      SSL_set_fd(ssl_, fd_);
      connected_ = SSL_connect(ssl_) == 1;
    }
  }
  ~Conn() { Close(); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  void Close() {
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
    ssl_ = nullptr;
    ctx_ = nullptr;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Makes the kernel's receive buffer small (call before a test that
  // wants the server's writes to back up).
  void ShrinkReceiveBuffer() {
    int n = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &n, sizeof n);
  }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const long n = ssl_ ? SSL_write(ssl_, data.data(), static_cast<int>(data.size()))
                          : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads more bytes into the pending data; false on EOF, error or timeout
  // (eof() tells which).
  bool ReadMore(Clock::time_point deadline) {
    if (fd_ < 0 || eof_) return false;
    if (!(ssl_ && SSL_pending(ssl_) > 0)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    }
    char buf[16384];
    const long n = ssl_ ? SSL_read(ssl_, buf, sizeof buf) : ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  // Reads until `needle` is in the pending data; returns everything up to
  // and including it (and consumes that), or nullopt.
  std::optional<std::string> ReadUntil(std::string_view needle,
                                       std::chrono::milliseconds timeout = 5s) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      const size_t at = pending_.find(needle);
      if (at != std::string::npos) {
        std::string out = pending_.substr(0, at + needle.size());
        pending_.erase(0, at + needle.size());
        return out;
      }
      if (!ReadMore(deadline)) return std::nullopt;
    }
  }

  // One response with a Content-Length body.
  std::optional<HttpReply> ReadReply(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = Clock::now() + timeout;
    auto head = ReadUntil("\r\n\r\n", timeout);
    if (!head) return std::nullopt;
    HttpReply r;
    size_t pos = head->find("\r\n");
    const std::string status_line = head->substr(0, pos);
    const size_t sp = status_line.find(' ');
    if (sp == std::string::npos) return std::nullopt;
    r.status = std::atoi(status_line.c_str() + sp + 1);
    pos += 2;
    while (pos < head->size()) {
      const size_t end = head->find("\r\n", pos);
      if (end == pos) break;
      const std::string line = head->substr(pos, end - pos);
      const size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers.emplace(name, value);
      pos = end + 2;
    }
    const size_t len = static_cast<size_t>(std::atoll(r.Header("content-length").c_str()));
    while (pending_.size() < len)
      if (!ReadMore(deadline)) return std::nullopt;
    r.body = pending_.substr(0, len);
    pending_.erase(0, len);
    return r;
  }

  // True when the server ends the connection (EOF or reset) in `timeout`;
  // bytes that arrive meanwhile are kept.
  bool WaitClosed(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = Clock::now() + timeout;
    while (!eof_ && Clock::now() < deadline) ReadMore(deadline);
    return eof_;
  }

  std::string& pending() { return pending_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string pending_;
};

inline std::string Get(std::string_view target, std::string_view extra = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra) +
         "\r\n";
}

// Keeps the streams a handler opened, for the test to write to.
struct StreamHub {
  std::mutex mu;
  std::vector<std::shared_ptr<EventStream>> streams;
  void Add(std::shared_ptr<EventStream> s) {
    std::lock_guard lock(mu);
    streams.push_back(std::move(s));
  }
  size_t size() {
    std::lock_guard lock(mu);
    return streams.size();
  }
  std::vector<std::shared_ptr<EventStream>> All() {
    std::lock_guard lock(mu);
    return streams;
  }
  // Waits until `n` streams have been opened.
  bool WaitFor(size_t n, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = Clock::now() + timeout;
    while (size() < n) {
      if (Clock::now() > deadline) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }
};

// Polls `cond` until true or `timeout`.
template <class F>
bool Eventually(F cond, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = Clock::now() + timeout;
  while (!cond()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

}  // namespace shop::queue::http::testing
