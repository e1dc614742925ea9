// What the replicas sharing one PostgreSQL database need of each other.
//
// ChangeFeed: a thread with its own connection that LISTENs on
// kChangeChannel, where triggers (migrations.cc) announce each committed
// change a board shows (a ticket's history line, a device's status) with the
// branch id as payload. It tells its callback of every branch named, and
// with "" after (re)connecting: notifications sent while it was away are
// lost, so the listener re-reads everything then.
//
// BackgroundLease: whether this replica runs the background work. It holds
// a session-level advisory lock (kBackgroundLock) on a connection of its
// own; the server releases it when that session ends, so when the replica
// dies another one takes it over at its next try.
//
// Both are thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

inline constexpr const char* kChangeChannel = "queue_changes";

class ChangeFeed {
 public:
  ChangeFeed(std::string uri, Options options,
             std::function<void(const std::string& branch_id)> on_change);
  ~ChangeFeed();  // stops the thread (within about half a second)
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

 private:
  void Loop();
  // Connects and listens; false (after a pause) when the database is down.
  bool Connect();

  const std::string uri_;
  const Options options_;
  const std::function<void(const std::string&)> on_change_;
  std::unique_ptr<Conn> conn_;  // the thread's own
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class BackgroundLease {
 public:
  BackgroundLease(std::string uri, Options options);
  ~BackgroundLease();
  BackgroundLease(const BackgroundLease&) = delete;
  BackgroundLease& operator=(const BackgroundLease&) = delete;

  // True while this replica holds the lease; tries to take it when free.
  bool Held();

 private:
  const std::string uri_;
  const Options options_;
  std::mutex mu_;
  std::unique_ptr<Conn> conn_;  // guarded by mu_
  bool held_ = false;           // guarded by mu_
};

}  // namespace shop::queue::pg
