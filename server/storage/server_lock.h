// ServerLock: one serving queue-server per database file.
//
// Serving takes an exclusive flock(2) on "<db>.lock" beside the database and
// holds it for as long as the ServerLock lives; the kernel drops it when the
// process ends in any way (kill -9 included), so a crash never leaves a
// stale lock behind. The file holds the owner's process id, so a refused
// second server can name the first. Admin commands do not take the lock:
// they run beside a serving server (SQLite serialises their writes).
//
// Not thread-safe; one per process.
#pragma once

#include <memory>
#include <string>

#include "server/domain/common/status.h"

namespace shop::queue {

class ServerLock {
 public:
  // The lock for `db_path`; FAILED_PRECONDITION naming the database (and
  // the holder's pid, when known) if another process holds it, UNAVAILABLE
  // if the lock file cannot be opened.
  static Result<std::unique_ptr<ServerLock>> Acquire(const std::string& db_path);
  ~ServerLock();
  ServerLock(const ServerLock&) = delete;
  ServerLock& operator=(const ServerLock&) = delete;

  // "<db>.lock".
  const std::string& path() const { return path_; }
  static std::string PathFor(const std::string& db_path) { return db_path + ".lock"; }

 private:
  ServerLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

}  // namespace shop::queue
