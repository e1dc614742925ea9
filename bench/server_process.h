// ServerProcess: one queue-server child process of a benchmark run;
// ServerGroup: everything the self-started run owns (the temp dir, the
// database, one or more replicas, and optionally a throwaway PostgreSQL
// cluster).
//
// ServerGroup::Start() makes a fresh temp dir, writes the given TOML config
// there, and picks the database:
//   - default: a fresh SQLite file `queue.db` in the temp dir;
//   - `db_uri` (--db postgresql://...): that PostgreSQL database (it should be
//     empty); the config then gets `[privacy] key_file = "<dir>/pii.key"`;
//   - `own_postgres` (--postgres): `scripts/pg-cluster.sh start <dir>/pg
//     durable`, then `CREATE DATABASE bench` with psql; the cluster is
//     stopped (and a watchdog stops it if the benchmark dies) at the end.
// Then it runs replica 0 (`queue-server --listen 127.0.0.1:0 --port-file ...
// --db ... --config ... --log-level warn`, output to server.log), waits until
// it has written its port, adds the benchmark's supervisor account with
// `queue-server staff-add`, and starts replicas 1..N-1 (server-1.log, ...)
// on the same database. Stop() (also run by the destructor) sends SIGTERM to
// each replica, SIGKILL if one has not exited after 15 s, stops the cluster
// and deletes the temp dir. Each child gets SIGTERM if the benchmark dies
// first (PR_SET_PDEATHSIG).
//
// With `http` (the SSE phase), every replica also gets `--http 127.0.0.1:0
// --http-port-file ...` and Start() waits for that port too (http_port()).
// IssueDevice() runs `queue-server device-issue` against the group's
// database and returns the device token it prints.
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
#include <vector>

#include "common/db_uri.h"

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

// As queue-server reads --db (common/db_uri.h).
using shop::queue::DescribeDb;
using shop::queue::IsPostgresUri;

// One queue-server process. It does not own the dir its files are in.
class ServerProcess {
 public:
  struct Launch {
    std::string binary;
    std::string dir;     // temp dir: port files and logs go here
    std::string db;      // --db
    std::string config;  // --config
    bool http = false;
  };
  // Starts replica `index` and waits for its port(s); nullptr and *error set
  // on failure (with the tail of its log).
  static std::unique_ptr<ServerProcess> Start(const Launch& launch, int index,
                                              std::string* error);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  StopResult Stop();
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  int http_port() const { return http_port_; }  // 0 unless started with `http`
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& log_path() const { return log_path_; }

 private:
  ServerProcess() = default;
  bool Spawn(const Launch& launch, std::string* error);
  bool WaitForPort(const std::string& file, int* port, std::string* error);
  std::string LogTail() const;

  std::string suffix_;  // "" for replica 0, "-1", "-2", ... after
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  int http_port_ = 0;
  bool stopped_ = false;
  StopResult stop_result_;
};

class ServerGroup {
 public:
  // The supervisor account Start() creates in the database.
  static constexpr const char* kBenchLogin = "bench";
  static constexpr const char* kBenchPassword = "bench-password";

  struct Options {
    std::string binary;       // queue-server
    int replicas = 1;         // processes on the one database
    std::string db_uri;       // a PostgreSQL database to use (empty: see own_postgres)
    bool own_postgres = false;  // start a throwaway durable cluster in the temp dir
    std::string pg_cluster_script;  // scripts/pg-cluster.sh
    bool http = false;        // --http on every replica (the SSE phase)
  };

  // nullptr and *error set on failure; whatever was started is stopped.
  static std::unique_ptr<ServerGroup> Start(const Options& options,
                                            const std::string& config_toml,
                                            std::string* error);
  ~ServerGroup();
  ServerGroup(const ServerGroup&) = delete;
  ServerGroup& operator=(const ServerGroup&) = delete;

  // A device token ("kiosk" or "board") for `branch`; "" with *error set.
  std::string IssueDevice(const std::string& name, const std::string& kind,
                          const std::string& branch, std::string* error);
  // Stops every replica (results in replica order), then the cluster, then
  // removes the temp dir. Idempotent.
  std::vector<StopResult> Stop();

  int size() const { return static_cast<int>(replicas_.size()); }
  ServerProcess& replica(int i) { return *replicas_[i]; }
  const ServerProcess& replica(int i) const { return *replicas_[i]; }
  bool postgres() const { return IsPostgresUri(db_); }
  bool own_cluster() const { return own_cluster_; }
  const std::string& db() const { return db_; }

 private:
  ServerGroup() = default;
  bool StartCluster(const std::string& script, std::string* error);
  void StopCluster();
  bool AddBenchAccount(std::string* error);

  Options options_;
  std::string dir_;
  std::string db_;
  std::string config_;
  std::string pg_dir_;       // own cluster's folder ("" without one, or once stopped)
  bool own_cluster_ = false;
  int watchdog_fd_ = -1;     // write end of the cluster watchdog's pipe
  pid_t watchdog_pid_ = -1;
  std::vector<std::unique_ptr<ServerProcess>> replicas_;
  bool stopped_ = false;
  std::vector<StopResult> stop_results_;
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
