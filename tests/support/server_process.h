// The real queue-server binary as a child process on 127.0.0.1 with a port
// the OS picks, for crash and fault tests. For tests only; not thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

namespace shop::queue::testing {

class ServerProcess {
 public:
  // Starts `binary --listen 127.0.0.1:0 --db db --port-file ... extra...` and
  // waits (up to 10 s) until it listens. port() is 0 if it did not start
  // (then Wait() gives its exit status). With `log_file`, the server's
  // standard output and error are appended to it.
  ServerProcess(const std::string& binary, const std::string& db, const std::string& dir,
                const std::vector<std::string>& extra_args = {},
                const std::string& log_file = "");
  ~ServerProcess();  // SIGKILL if still running

  int port() const { return port_; }
  // The child's process id while it runs (-1 after it exited).
  pid_t pid() const { return pid_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // A new connection whose calls carry a supervisor's session token (the
  // account is added with `queue-server staff-add` once the server listens).
  std::shared_ptr<grpc::Channel> NewChannel();
  // A supervisor session token, logging in over `credentials` the first time.
  std::string Token(const std::shared_ptr<grpc::ChannelCredentials>& credentials =
                        grpc::InsecureChannelCredentials());
  // Sends `sig` and waits for the process to exit; returns its wait status.
  int Stop(int sig);
  // Sends `sig` without waiting.
  void Signal(int sig);
  // Waits for exit; returns the wait status.
  int Wait();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string token_;
  int exit_status_ = 0;  // once it has exited
};

// A shell command's exit code (-1 if it did not exit) and its standard
// output (and error, if the command redirects it: "... 2>&1").
struct CommandOutcome {
  int exit_code = -1;
  std::string output;
};
CommandOutcome RunCommand(const std::string& shell_command);

// SQLite's PRAGMA integrity_check on `db_path` ("ok" when sound).
std::string IntegrityCheck(const std::string& db_path);
// Ticket numbers grouped by (number prefix, business day), each sorted.
std::vector<std::vector<int64_t>> NumbersByServiceAndDay(const std::string& db_path);
// True when every group is exactly 1, 2, ..., n.
bool Contiguous(const std::vector<std::vector<int64_t>>& groups, std::string* why);

}  // namespace shop::queue::testing
