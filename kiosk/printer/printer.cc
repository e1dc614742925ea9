#include "kiosk/printer/printer.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include "kiosk/printer/escpos.h"

namespace shop::queue::kiosk::printer {
namespace {

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

PrinterStatus Status(v1::PrinterState state, std::string detail = {}, int error = 0) {
  return {state, std::move(detail), error};
}

// "what: the error's words" (thread-safe, unlike strerror).
std::string Errno(std::string_view what, int error) {
  return std::string(what) + ": " + std::generic_category().message(error);
}

// Writes all of `data`, waiting up to `timeout` each time the fd is not ready.
bool WriteAll(int fd, std::string_view data, std::chrono::milliseconds timeout, int* error) {
  while (!data.empty()) {
    // A socket that the printer closed must give EPIPE, not kill the kiosk.
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = ::write(fd, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
        *error = ETIMEDOUT;
        return false;
      }
      continue;
    }
    *error = n < 0 ? errno : EIO;
    return false;
  }
  return true;
}

// Asks DLE EOT 4 on `fd`; the state it answers, or nullopt for no answer.
std::optional<v1::PrinterState> AskPaperStatus(int fd, std::chrono::milliseconds timeout) {
  int error = 0;
  if (!WriteAll(fd, kPaperStatusQuery, timeout, &error)) return std::nullopt;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0 || !(p.revents & POLLIN))
    return std::nullopt;
  unsigned char byte = 0;
  if (::read(fd, &byte, 1) != 1) return std::nullopt;
  return StateFromPaperStatus(byte);
}

// Connects to host:port within `timeout`; the socket or -1 (error in *error).
int ConnectTcp(const PrinterTarget& target, std::chrono::milliseconds timeout, int* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(target.host.c_str(), std::to_string(target.port).c_str(), &hints, &found) != 0) {
    *error = EHOSTUNREACH;
    return -1;
  }
  int result = -1;
  *error = EHOSTUNREACH;  // no address at all
  for (addrinfo* a = found; a != nullptr && result < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      *error = errno;  // a real error, should every address fail here
      continue;
    }
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      result = fd;
      break;
    }
    if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int so_error = ETIMEDOUT;
      socklen_t len = sizeof so_error;
      if (::poll(&p, 1, static_cast<int>(timeout.count())) > 0) {
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      }
      if (so_error == 0) {
        result = fd;
        break;
      }
      *error = so_error;
    } else {
      *error = errno;
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return result;
}

// The paper status, then the job (if any) over an open fd that can answer.
PrinterStatus AskThenWrite(int fd, std::string_view job, std::chrono::milliseconds timeout) {
  const std::optional<v1::PrinterState> paper = AskPaperStatus(fd, timeout);
  if (paper && *paper == v1::PRINTER_STATE_OUT_OF_PAPER) {
    return Status(v1::PRINTER_STATE_OUT_OF_PAPER, "printer reports paper end");
  }
  if (paper && *paper == v1::PRINTER_STATE_ERROR) {
    return Status(v1::PRINTER_STATE_ERROR, "printer status not understood");
  }
  int error = 0;
  if (!job.empty() && !WriteAll(fd, job, timeout, &error)) {
    return Status(v1::PRINTER_STATE_ERROR, Errno("write error", error), error);
  }
  return Status(v1::PRINTER_STATE_OK);
}

// Ends the sending side (FIN after the last byte), then reads and drops
// what the printer still sends until it closes or `limit` passes, so that a
// close with unread data cannot reset the connection and drop the end of
// the job (the cut).
void CloseGently(int fd, std::chrono::milliseconds limit) {
  ::shutdown(fd, SHUT_WR);
  const auto give_up = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        give_up - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return;
    char buf[256];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return;  // the printer closed (or failed): done
  }
}

PrinterStatus OpenFailure(int error) {
  // Nothing there (unplugged, no such directory or device): offline.
  if (error == ENOENT || error == ENODEV || error == ENXIO || error == ECONNREFUSED ||
      error == EHOSTUNREACH || error == ENETUNREACH || error == ETIMEDOUT) {
    return Status(v1::PRINTER_STATE_OFFLINE, Errno("cannot reach printer", error), error);
  }
  return Status(v1::PRINTER_STATE_ERROR, Errno("cannot open printer", error), error);
}

bool LpInstalled() {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    const std::size_t colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    if (!dir.empty() && ::access((dir + "/lp").c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return false;
}

// `lp -d QUEUE -o raw FILE` with the job in a temporary file: no pipe to
// lp (no SIGPIPE, no blocking write), and lp is waited for at most
// `limit`, then killed.
PrinterStatus PrintWithLp(const std::string& queue, std::string_view job,
                          std::chrono::milliseconds limit) {
  if (!LpInstalled()) return Status(v1::PRINTER_STATE_ERROR, "lp is not installed (cups-client)");
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  std::string path = (dir / "kiosk-slip-XXXXXX").string();
  Fd file(::mkostemp(path.data(), O_CLOEXEC));
  if (file.get() < 0) return Status(v1::PRINTER_STATE_ERROR, Errno("lp job file", errno), errno);
  struct Unlink {
    std::string path;
    ~Unlink() { ::unlink(path.c_str()); }
  } unlink_later{path};
  int error = 0;
  if (!WriteAll(file.get(), job, std::chrono::seconds(5), &error))
    return Status(v1::PRINTER_STATE_ERROR, Errno("lp job file", error), error);

  const pid_t pid = ::fork();
  if (pid < 0) return Status(v1::PRINTER_STATE_ERROR, Errno("fork", errno), errno);
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      ::dup2(devnull, STDIN_FILENO);
      ::dup2(devnull, STDOUT_FILENO);
    }
    ::execlp("lp", "lp", "-d", queue.c_str(), "-o", "raw", "--", path.c_str(),
             static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int wait_status = 0;
  const auto give_up = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const pid_t done = ::waitpid(pid, &wait_status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      return Status(v1::PRINTER_STATE_ERROR, Errno("lp", errno), errno);
    }
    if (std::chrono::steady_clock::now() >= give_up) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
      }
      return Status(v1::PRINTER_STATE_ERROR, "lp did not finish in time", ETIMEDOUT);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    return Status(v1::PRINTER_STATE_ERROR, "lp failed for queue " + queue.substr(0, 64));
  }
  return Status(v1::PRINTER_STATE_OK);
}

}  // namespace

std::optional<PrinterTarget> ParsePrinterTarget(std::string_view spec, std::string* error) {
  PrinterTarget t;
  auto fail = [&](std::string why) -> std::optional<PrinterTarget> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  if (spec.empty() || spec == "none") return t;
  if (spec.starts_with("tcp://")) {
    std::string_view rest = spec.substr(6);
    const std::size_t colon = rest.rfind(':');
    t.kind = PrinterTarget::Kind::kTcp;
    t.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      const std::string_view port = rest.substr(colon + 1);
      auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), t.port);
      if (ec != std::errc() || end != port.data() + port.size() || t.port <= 0 || t.port > 65535)
        return fail("--printer tcp://HOST:PORT: bad port");
    }
    if (t.host.empty()) return fail("--printer tcp://HOST:PORT: no host");
    return t;
  }
  if (spec.starts_with("cups:")) {
    t.kind = PrinterTarget::Kind::kCups;
    t.queue = std::string(spec.substr(5));
    if (t.queue.empty()) return fail("--printer cups:QUEUE: no queue name");
    return t;
  }
  if (spec.starts_with("file:")) {
    t.kind = PrinterTarget::Kind::kFile;
    t.path = std::string(spec.substr(5));
    if (t.path.empty()) return fail("--printer file:PATH: no path");
    return t;
  }
  if (spec.starts_with("/")) {
    t.kind = PrinterTarget::Kind::kDevice;
    t.path = std::string(spec);
    return t;
  }
  return fail("--printer: expected a device path, tcp://HOST:PORT, cups:QUEUE, file:PATH or none");
}

Printer::Printer(PrinterTarget target, std::chrono::milliseconds timeout)
    : target_(std::move(target)), timeout_(timeout) {}

PrinterStatus Printer::Print(std::string_view job) {
  using Kind = PrinterTarget::Kind;
  switch (target_.kind) {
    case Kind::kNone:
      return Status(v1::PRINTER_STATE_NONE);
    case Kind::kFile: {
      Fd fd(::open(target_.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
      if (fd.get() < 0) return OpenFailure(errno);
      int error = 0;
      if (!WriteAll(fd.get(), job, timeout_, &error))
        return Status(v1::PRINTER_STATE_ERROR, Errno("write error", error));
      return Status(v1::PRINTER_STATE_OK);
    }
    case Kind::kDevice: {
      Fd fd(::open(target_.path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
      if (fd.get() < 0) return OpenFailure(errno);
      return AskThenWrite(fd.get(), job, timeout_);
    }
    case Kind::kTcp: {
      int error = 0;
      Fd fd(ConnectTcp(target_, timeout_, &error));
      if (fd.get() < 0) return OpenFailure(error);
      const PrinterStatus status = AskThenWrite(fd.get(), job, timeout_);
      CloseGently(fd.get(), std::min(timeout_, std::chrono::milliseconds(1000)));
      return status;
    }
    case Kind::kCups:
      return PrintWithLp(target_.queue, job, timeout_ * 10);  // lp talks to cupsd
  }
  return Status(v1::PRINTER_STATE_ERROR, "unknown printer kind");
}

PrinterStatus Printer::Check() {
  using Kind = PrinterTarget::Kind;
  switch (target_.kind) {
    case Kind::kFile: {
      const std::filesystem::path dir = std::filesystem::path(target_.path).parent_path();
      if (::access(dir.empty() ? "." : dir.c_str(), W_OK) != 0) return OpenFailure(errno);
      return Status(v1::PRINTER_STATE_OK);
    }
    case Kind::kCups:
      if (!LpInstalled()) return Status(v1::PRINTER_STATE_ERROR, "lp is not installed (cups-client)");
      return Status(v1::PRINTER_STATE_OK);
    case Kind::kDevice:
    case Kind::kTcp:
      return Print({});  // asks the paper status and sends nothing
    case Kind::kNone:
      return Status(v1::PRINTER_STATE_NONE);
  }
  return Status(v1::PRINTER_STATE_ERROR, "unknown printer kind");
}

std::string_view PrinterStateWords(v1::PrinterState state) {
  switch (state) {
    case v1::PRINTER_STATE_OK: return "ok";
    case v1::PRINTER_STATE_OUT_OF_PAPER: return "out of paper";
    case v1::PRINTER_STATE_OFFLINE: return "offline";
    case v1::PRINTER_STATE_ERROR: return "error";
    case v1::PRINTER_STATE_NONE: return "no printer";
    default: return "unknown";
  }
}

}  // namespace shop::queue::kiosk::printer
