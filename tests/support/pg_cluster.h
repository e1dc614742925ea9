// A throwaway PostgreSQL 15 cluster for tests: initdb into a fresh temp
// folder, a server that listens only on a Unix socket in that folder, and
// removal of it all when done. For tests only.
//
// As root (CI), the folder is given to the `postgres` OS user and initdb and
// pg_ctl run through `runuser -u postgres --` (both refuse to run as root);
// as any other user they run directly. The cluster is tuned for speed, not
// safety: fsync=off, no TCP, trust authentication for user postgres.
//
// A watchdog process stops the server and removes the folder if the test
// process dies without running the destructor (a crash, a ctest timeout).
//
// If the environment variable SHOP_QUEUE_TEST_PG_URI names a server
// (postgresql://user@host/dbname), Start() and Shared() use it instead;
// Stop() and StartAgain() then fail with kFailedPrecondition.
//
// Thread-safety: a PgCluster is used by one thread at a time; Shared() may
// be called from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "server/domain/common/status.h"

namespace shop::queue::testing {

class PgCluster {
 public:
  enum class StopMode { kFast, kImmediate };

  // Creates and starts a new cluster (or uses SHOP_QUEUE_TEST_PG_URI).
  static Result<std::unique_ptr<PgCluster>> Start();
  // One cluster per process, started on first use and kept until exit.
  // Tests that stop the server should Start() their own instead.
  static Result<PgCluster*> Shared();
  ~PgCluster();  // stops the server, removes the folder
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // A libpq URI for database `dbname` on this server, e.g.
  // postgresql:///shop?host=/tmp/shop-queue-pg-Ab12Cd&port=5432&user=postgres
  std::string Uri(const std::string& dbname) const;
  // Drops database `name` if it exists and creates it afresh, empty.
  [[nodiscard]] Status CreateDatabase(const std::string& name);
  // Drops database `name` if it exists (its sessions are ended).
  [[nodiscard]] Status DropDatabase(const std::string& name);
  // A database name no other test process picks: prefix_pid_counter.
  std::string UniqueName(const std::string& prefix) const;
  // Stops the server (kFast: sessions are told; kImmediate: as a crash).
  [[nodiscard]] Status Stop(StopMode mode = StopMode::kFast);
  // Starts the stopped server again on the same data and socket.
  [[nodiscard]] Status StartAgain();
  bool external() const { return !external_uri_.empty(); }
  // The cluster's folder (empty for an external server).
  const std::filesystem::path& dir() const { return dir_; }
  // How long initdb plus the first start took.
  std::chrono::milliseconds start_time() const { return start_time_; }

 private:
  PgCluster() = default;
  Status Init();
  Status Configure();
  // Runs a PostgreSQL program from bin/ (as postgres when root), its output
  // appended to dir_/tools.log; kInternal with the log's tail on failure.
  Status RunTool(const std::string& program, const std::vector<std::string>& args);
  Status StartWatchdog();
  Status Admin(const std::string& before, const std::string& name, const std::string& after);
  std::string LogTail() const;

  std::filesystem::path dir_;  // owned; holds data/, the socket, the logs
  std::string external_uri_;   // SHOP_QUEUE_TEST_PG_URI, if set
  bool running_ = false;
  int watchdog_fd_ = -1;       // write end of the watchdog's pipe
  pid_t watchdog_pid_ = -1;
  std::chrono::milliseconds start_time_{0};
};

}  // namespace shop::queue::testing
