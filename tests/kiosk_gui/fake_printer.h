// A network receipt printer on 127.0.0.1 (port chosen by the system) for
// tests: it answers DLE EOT 4 with a configurable status byte (0x12: paper
// present; 0x72: paper end) and keeps every byte it receives. For tests
// only; thread-safe.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace shop::queue::testing {

class FakeTcpPrinter {
 public:
  explicit FakeTcpPrinter(std::uint8_t status) : status_(status) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 8);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeTcpPrinter() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }

  int port() const { return port_; }
  std::string spec() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  void set_status(std::uint8_t status) { status_ = status; }
  std::string received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  int status_queries() const { return queries_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      // One connection at a time, as a real printer's raw port. DLE EOT 4
      // is a status query only outside a job: once ESC @ starts the job,
      // every byte is the job's (raster data can hold 10 04 04 too).
      std::string pending;
      bool in_job = false;
      for (;;) {
        pollfd c{fd, POLLIN, 0};
        if (stop_) break;
        if (::poll(&c, 1, 50) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        pending.append(buf, static_cast<std::size_t>(n));
        while (!in_job) {
          const std::size_t query = pending.find("\x10\x04\x04");
          const std::size_t init = pending.find("\x1b\x40");
          if (query != std::string::npos && (init == std::string::npos || query < init)) {
            ++queries_;
            const char answer = static_cast<char>(status_.load());
            (void)!::send(fd, &answer, 1, MSG_NOSIGNAL);
            std::lock_guard lock(mu_);
            received_ += pending.substr(0, query);
            pending.erase(0, query + 3);
          } else if (init != std::string::npos) {
            in_job = true;
          } else {
            // Keep a possible start of a query or of ESC @ for the next read.
            const std::size_t keep = std::min<std::size_t>(pending.size(), 2);
            std::lock_guard lock(mu_);
            received_ += pending.substr(0, pending.size() - keep);
            pending.erase(0, pending.size() - keep);
            break;
          }
        }
        if (in_job) {
          std::lock_guard lock(mu_);
          received_ += pending;
          pending.clear();
        }
      }
      {
        std::lock_guard lock(mu_);
        received_ += pending;
      }
      ::close(fd);
    }
  }

  std::atomic<std::uint8_t> status_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> queries_{0};
  mutable std::mutex mu_;
  std::string received_;
  std::thread thread_;
};

}  // namespace shop::queue::testing
