// Engine: how the PostgreSQL store runs transactions, whatever they do, for
// one server replica of several that share the database.
//
// Writes: group commit (server/storage/group_commit.h) on this replica's
// one write connection: everything queued runs in one READ COMMITTED
// transaction, a SAVEPOINT per request, and every caller is answered only
// after the COMMIT (synchronous_commit on: on disk). Each transaction first
// takes a cluster-wide advisory lock (kWriteLock), so the write transactions
// of all replicas run one at a time: the audit log is one hash chain, and
// numbering, call-next, capacity and the register need no further care to
// stay consistent across replicas. Group commit keeps that fast: one lock
// and one commit per batch, not per request. A request that loses a race
// anyway (kAborted: a deadlock, a serialization failure, a state changed
// under it) runs again in the next transaction.
//
// Reads: a bounded pool of connections, each read in its own REPEATABLE READ
// READ ONLY transaction (one snapshot); reads never wait for writers.
//
// The database down: calls fail with kUnavailable within the connect
// timeout (at once while a reconnect failed less than a second ago), and the
// engine reconnects by itself when it is back. A COMMIT whose answer was
// lost is kUnavailable too: its outcome is unknown, which clients' request
// ids make safe to retry.
//
// Thread-safe. Destroying the engine stops the writer after the queued work.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "server/domain/common/status.h"
#include "server/storage/connection_pool.h"
#include "server/storage/group_commit.h"
#include "server/storage/postgres/locks.h"
#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

struct EngineOptions {
  // Read connections open at most; more concurrent reads wait for one.
  int reader_connections = 8;
  // Connection settings of every connection (timeouts).
  Options connection;
  storage::BatchObserver on_batch;
};

class Engine {
 public:
  // Starts on `uri` with `writer`, its write connection (schema ready).
  Engine(std::string uri, EngineOptions options, std::unique_ptr<Conn> writer);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs `fn` on the write connection inside a write transaction, possibly
  // with other callers' functions, and returns after COMMIT (or failure).
  [[nodiscard]] Status Write(const std::function<Status(Conn&)>& fn);
  // Runs `fn` on a read connection inside a read-only snapshot.
  [[nodiscard]] Status Read(const std::function<Status(Conn&)>& fn);

  int64_t commit_count() const;
  int64_t write_count() const;
  int64_t queued_count() const;

 private:
  struct WriterSteps;
  // A new read connection, or kUnavailable at once while the database was
  // found down less than a second ago.
  Result<std::unique_ptr<Conn>> OpenReader();
  // Runs `fn` in the read transaction just begun on `conn`, then ends it.
  Status ReadIn(Conn& conn, const std::function<Status(Conn&)>& fn);

  const std::string uri_;
  const EngineOptions options_;
  // When the database was last found unreachable (Unix microseconds; 0:
  // it was not, or it is back).
  std::atomic<int64_t> down_at_us_{0};
  std::unique_ptr<storage::ConnectionPool<Conn>> readers_;
  std::unique_ptr<storage::GroupCommit<Conn, WriterSteps>> writer_;
};

}  // namespace shop::queue::pg
