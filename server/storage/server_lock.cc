#include "server/storage/server_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace shop::queue {
namespace {

// The pid written by the holder, or "" when the file holds none (yet).
std::string HolderPid(int fd) {
  char buf[32] = {};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  std::string pid;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid += buf[i];
  return pid;
}

}  // namespace

Result<std::unique_ptr<ServerLock>> ServerLock::Acquire(const std::string& db_path) {
  const std::string path = PathFor(db_path);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::Unavailable("cannot open the lock file " + path + ": " + std::strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    std::string pid = err == EWOULDBLOCK ? HolderPid(fd) : "";
    ::close(fd);
    if (err != EWOULDBLOCK)
      return Status::Unavailable("cannot lock " + path + ": " + std::strerror(err));
    return Status::FailedPrecondition(
        "database " + db_path + " is in use by another queue-server" +
        (pid.empty() ? std::string() : " (pid " + pid + ")") +
        "; stop that one first, or give this one another --db");
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  // Best effort: the lock itself is what counts; the pid only helps the message.
  const bool written = ftruncate(fd, 0) == 0 &&
                       pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
  (void)written;
  return std::unique_ptr<ServerLock>(new ServerLock(path, fd));
}

ServerLock::~ServerLock() { ::close(fd_); }

}  // namespace shop::queue
