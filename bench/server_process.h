// ServerProcess: a queue-server child process for one benchmark run.
//
// Start() makes a fresh temp dir, writes the given TOML config there, runs
// `queue-server --listen 127.0.0.1:0 --port-file ... --db ... --config ...`
// (stdout/stderr to server.log in the temp dir) and waits until the server
// has written its port. Stop() (also run by the destructor) sends SIGTERM,
// SIGKILL if the server has not exited after 15 s, and deletes the temp dir.
// The child gets SIGTERM if the benchmark dies first (PR_SET_PDEATHSIG).
//
// With `http` (the SSE phase), the server also gets `--http 127.0.0.1:0
// --http-port-file ...` and Start() waits for that port too (http_port()).
// IssueDevice() runs `queue-server device-issue` against the running
// server's database and returns the device token it prints.
//
// ProcStatus / PeakSampler read VmRSS, VmHWM and Threads from /proc/PID/status;
// PeakSampler samples every 100 ms on its own thread and keeps the peaks.
//
// Not thread-safe: one owner thread calls Start/Stop.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

namespace shop::bench {

struct ProcStatus {
  int64_t rss_kib = 0;  // VmRSS
  int64_t hwm_kib = 0;  // VmHWM (peak RSS since the process started)
  int threads = 0;      // Threads
};

// Current status of a process; false if it cannot be read (process gone).
bool ReadProcStatus(pid_t pid, ProcStatus* out);

struct StopResult {
  double seconds = 0;   // from SIGTERM until the process was reaped
  bool killed = false;  // SIGKILL was needed
  std::string how;      // "exit 0", "signal 9", ...
};

class ServerProcess {
 public:
  // nullptr and *error set on failure (with the tail of the server log).
  // The supervisor account Start() creates in the fresh database.
  static constexpr const char* kBenchLogin = "bench";
  static constexpr const char* kBenchPassword = "bench-password";

  static std::unique_ptr<ServerProcess> Start(const std::string& binary,
                                              const std::string& config_toml, std::string* error,
                                              bool http = false);
  // A device token ("kiosk" or "board") for `branch`; "" with *error set.
  std::string IssueDevice(const std::string& name, const std::string& kind,
                          const std::string& branch, std::string* error);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  StopResult Stop();
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  int http_port() const { return http_port_; }  // 0 unless started with `http`
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  ServerProcess() = default;
  bool Spawn(const std::string& binary, std::string* error);
  bool AddBenchAccount(const std::string& binary, std::string* error);
  bool WaitForPort(const std::string& file, int* port, std::string* error);
  std::string LogTail() const;

  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool http_ = false;
  int http_port_ = 0;
  std::string binary_;
  bool stopped_ = false;
  StopResult stop_result_;
};

class PeakSampler {
 public:
  explicit PeakSampler(pid_t pid);  // pid <= 0: samples nothing
  ~PeakSampler();
  PeakSampler(const PeakSampler&) = delete;
  PeakSampler& operator=(const PeakSampler&) = delete;

  // Stops sampling (takes one last sample) and returns the peaks.
  ProcStatus Finish();

 private:
  void Sample();

  const pid_t pid_;
  std::atomic<bool> stop_{false};
  ProcStatus peak_;  // written by the sampling thread until it is joined
  std::thread thread_;
};

}  // namespace shop::bench
