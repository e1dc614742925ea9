#include "tests/notify/sinks.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>

namespace shop::queue::testing {

namespace {

int ListenLoopback(int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::listen(fd, 64);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

// Accepts until the listening socket is shut down.
template <typename F>
void AcceptLoop(int listen_fd, F on_conn) {
  while (true) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) continue;
      return;
    }
    on_conn(fd);
  }
}

bool SendAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Reads until `buf` holds `delim`; false on EOF/error.
bool ReadUntil(int fd, std::string& buf, const std::string& delim) {
  while (buf.find(delim) == std::string::npos) {
    char tmp[4096];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
  }
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

LoopbackServer::LoopbackServer(std::function<void(int fd)> serve) : serve_(std::move(serve)) {
  listen_fd_ = ListenLoopback(&port_);
  acceptor_ = std::thread([this] {
    AcceptLoop(listen_fd_, [this](int fd) {
      std::lock_guard lock(mu_);
      if (stopped_) ::shutdown(fd, SHUT_RDWR);
      fds_.push_back(fd);
      threads_.emplace_back([this, fd] { serve_(fd); });
    });
  });
}

void LoopbackServer::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  }
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  for (auto& t : threads_) t.join();
  for (int fd : fds_) ::close(fd);
}

// --- HTTP ---

HttpSink::HttpSink() = default;

HttpSink::~HttpSink() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;  // a held request gives up
  }
  cv_.notify_all();
  server_.Stop();
}

void HttpSink::SetStatus(int status) {
  std::lock_guard lock(mu_);
  status_ = status;
  release_ = false;
}

void HttpSink::Release() {
  std::lock_guard lock(mu_);
  release_ = true;
  cv_.notify_all();
}

std::vector<HttpRequest> HttpSink::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

bool HttpSink::WaitFor(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

void HttpSink::Serve(int fd) {
  std::string buf;
  while (true) {
    if (!ReadUntil(fd, buf, "\r\n\r\n")) return;
    const size_t head_end = buf.find("\r\n\r\n");
    HttpRequest r;
    std::string head = buf.substr(0, head_end);
    buf.erase(0, head_end + 4);
    size_t line_end = head.find("\r\n");
    const std::string first = head.substr(0, line_end);
    const size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
    r.method = first.substr(0, sp1);
    r.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      const std::string line = head.substr(pos, e - pos);
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        size_t v = colon + 1;
        while (v < line.size() && line[v] == ' ') ++v;
        r.headers[Lower(line.substr(0, colon))] = line.substr(v);
      }
      pos = e + 2;
    }
    size_t length = 0;
    if (auto it = r.headers.find("content-length"); it != r.headers.end())
      length = std::stoul(it->second);
    while (buf.size() < length) {
      char tmp[4096];
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) return;
      buf.append(tmp, static_cast<size_t>(n));
    }
    r.body = buf.substr(0, length);
    buf.erase(0, length);
    int status;
    {
      std::unique_lock lock(mu_);
      requests_.push_back(r);
      cv_.notify_all();
      cv_.wait(lock, [&] { return stopping_ || status_ != 0 || release_; });
      if (stopping_) return;
      status = status_ == 0 ? 200 : status_;
    }
    const std::string body = status < 300 ? R"({"ok":true})" : R"({"error":"sink"})";
    const std::string resp = "HTTP/1.1 " + std::to_string(status) + " Sink\r\nContent-Length: " +
                             std::to_string(body.size()) +
                             "\r\nContent-Type: application/json\r\n\r\n" + body;
    if (!SendAll(fd, resp)) return;
  }
}

// --- SMTP ---

SmtpSink::SmtpSink() = default;
SmtpSink::~SmtpSink() { server_.Stop(); }

void SmtpSink::SetRcptReply(int code) {
  std::lock_guard lock(mu_);
  rcpt_reply_ = code;
}

std::vector<Mail> SmtpSink::mails() const {
  std::lock_guard lock(mu_);
  return mails_;
}

bool SmtpSink::WaitFor(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return mails_.size() >= n; });
}

void SmtpSink::Serve(int fd) {
  std::string buf;
  Mail mail;
  if (!SendAll(fd, "220 sink ESMTP\r\n")) return;
  while (true) {
    if (!ReadUntil(fd, buf, "\r\n")) return;
    const size_t e = buf.find("\r\n");
    const std::string line = buf.substr(0, e);
    buf.erase(0, e + 2);
    const std::string verb = Lower(line.substr(0, 4));
    auto inside = [&](const std::string& l) {
      const size_t a = l.find('<'), b = l.rfind('>');
      return a == std::string::npos || b == std::string::npos ? l : l.substr(a + 1, b - a - 1);
    };
    std::string reply;
    if (verb == "ehlo") {
      reply = "250-sink\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n";
    } else if (verb == "helo") {
      reply = "250 sink\r\n";
    } else if (verb == "auth") {
      mail.auth = line;
      if (line.size() <= std::string("AUTH PLAIN").size()) {
        // No initial response: ask for it.
        if (!SendAll(fd, "334 \r\n")) return;
        if (!ReadUntil(fd, buf, "\r\n")) return;
        const size_t le = buf.find("\r\n");
        mail.auth = "AUTH PLAIN " + buf.substr(0, le);
        buf.erase(0, le + 2);
      }
      reply = "235 ok\r\n";
    } else if (verb == "mail") {
      mail = Mail{inside(line), {}, "", mail.auth};
      reply = "250 ok\r\n";
    } else if (verb == "rcpt") {
      int code;
      {
        std::lock_guard lock(mu_);
        code = rcpt_reply_;
      }
      if (code == 250) mail.to.push_back(inside(line));
      reply = std::to_string(code) + (code == 250 ? " ok\r\n" : " no\r\n");
    } else if (verb == "data") {
      if (!SendAll(fd, "354 go on\r\n")) return;
      if (!ReadUntil(fd, buf, "\r\n.\r\n")) return;
      const size_t end = buf.find("\r\n.\r\n");
      std::string data = buf.substr(0, end + 2);
      buf.erase(0, end + 5);
      // Dot-unstuffing.
      std::string out;
      size_t pos = 0;
      while (pos < data.size()) {
        size_t le = data.find("\r\n", pos);
        if (le == std::string::npos) le = data.size();
        std::string l = data.substr(pos, le - pos);
        if (!l.empty() && l[0] == '.') l.erase(0, 1);
        out += l + "\r\n";
        pos = le + 2;
      }
      mail.data = out;
      {
        std::lock_guard lock(mu_);
        mails_.push_back(mail);
      }
      cv_.notify_all();
      reply = "250 queued\r\n";
    } else if (verb == "quit") {
      SendAll(fd, "221 bye\r\n");
      return;
    } else if (verb == "rset" || verb == "noop") {
      reply = "250 ok\r\n";
    } else {
      reply = "502 unknown\r\n";
    }
    if (!SendAll(fd, reply)) return;
  }
}

int ClosedPort() {
  int port = 0;
  int fd = ListenLoopback(&port);
  ::close(fd);
  return port;
}

std::string FromBase64(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace shop::queue::testing
