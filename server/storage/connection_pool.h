// ConnectionPool: a bounded pool of read connections, shared by both
// engines. At most `max` connections are open; a caller beyond that waits
// for one to come back. A connection goes back to the pool only if `clean`
// says it is fit (no transaction left open, still connected); otherwise it is
// closed and a new one is opened when needed.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "server/domain/common/status.h"

namespace shop::queue::storage {

template <typename Conn>
class ConnectionPool {
 public:
  using Opener = std::function<Result<std::unique_ptr<Conn>>()>;
  // Readies a returned connection for the next user; false: close it.
  using Cleaner = std::function<bool(Conn&)>;

  ConnectionPool(int max, Opener open, Cleaner clean)
      : max_(max), open_(std::move(open)), clean_(std::move(clean)) {}

  // A connection taken from the pool, given back (or closed) on every path.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Conn> conn)
        : pool_(&pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_) pool_->GiveBack(std::move(conn_));
    }
    Conn& operator*() { return *conn_; }
    Conn* operator->() { return conn_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Conn> conn_;
  };

  Result<Lease> Acquire() {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !idle_.empty() || open_count_ < max_; });
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(conn));
      }
      ++open_count_;  // opened below, outside the lock
    }
    auto conn = open_();
    if (!conn.ok()) {
      Forget();
      return conn.status();
    }
    return Lease(*this, std::move(conn).value());
  }

 private:
  void GiveBack(std::unique_ptr<Conn> conn) {
    if (!clean_(*conn)) {
      conn.reset();
      Forget();
      return;
    }
    {
      std::lock_guard lock(mu_);
      idle_.push_back(std::move(conn));
    }
    cv_.notify_one();
  }
  void Forget() {
    {
      std::lock_guard lock(mu_);
      --open_count_;
    }
    cv_.notify_one();
  }

  const int max_;
  const Opener open_;
  const Cleaner clean_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;  // guarded by mu_
  int open_count_ = 0;                       // guarded by mu_
};

}  // namespace shop::queue::storage
