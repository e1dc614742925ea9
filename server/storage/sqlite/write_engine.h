// WriteEngine: how the SQLite store runs transactions on one database file,
// whatever they do.
//
// Writes: group commit (server/storage/group_commit.h) on the only
// read-write connection: everything queued runs in one BEGIN IMMEDIATE
// transaction, a SAVEPOINT per request. COMMIT writes the WAL without
// waiting for the disk (synchronous=NORMAL on this connection only); a sync
// thread then fdatasyncs the WAL, and only then are the callers of every
// transaction committed before that sync answered. So the writer runs the
// next batch while the disk flushes the last ones, and OK still means
// committed and on disk. (Reads may see a commit a few milliseconds before
// its sync; a power cut in between loses it, and its callers were never
// answered OK.)
//
// Reads: a bounded pool of read-only connections
// (server/storage/connection_pool.h), each read in its own transaction (a WAL
// snapshot); reads never wait for the writer (only, under heavy load, for a
// free read connection).
//
// Checkpoints: a background connection runs PASSIVE checkpoints
// periodically, so the writer does not pay for them on its commits.
//
// Thread-safe. Destroying the engine stops the writer after the queued work.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "server/domain/common/status.h"
#include "server/storage/connection_pool.h"
#include "server/storage/group_commit.h"

namespace shop::queue::sqlite {

class Db;
class FaultHook;

struct WriteEngineOptions {
  // Read connections open at most; more concurrent reads wait for one. Each
  // holds its own page cache, so this bounds memory too.
  int reader_connections = 8;
  // How often the background connection checkpoints the WAL (PASSIVE: it
  // never blocks the writer); zero: never (the writer still checkpoints by
  // itself past 16k WAL pages).
  absl::Duration checkpoint_interval = absl::Seconds(1);
  // Tests only: fault injection for the writer and the read connections.
  std::shared_ptr<FaultHook> fault_hook = nullptr;
  // Told after each writer transaction: how many write requests it held,
  // how long its COMMIT took, and whether it committed. Called on the writer
  // thread: must be quick.
  storage::BatchObserver on_batch;
};

class WriteEngine {
 public:
  // Runs on `path` with `writer`, its read-write connection (schema ready).
  WriteEngine(std::string path, WriteEngineOptions options, std::unique_ptr<Db> writer);
  ~WriteEngine();
  WriteEngine(const WriteEngine&) = delete;
  WriteEngine& operator=(const WriteEngine&) = delete;

  // Runs `fn` on the writer connection inside a write transaction, possibly
  // with other callers' functions, and returns after COMMIT (or failure).
  [[nodiscard]] Status Write(const std::function<Status(Db&)>& fn);
  // Runs `fn` on a read-only connection inside a read transaction.
  [[nodiscard]] Status Read(const std::function<Status(Db&)>& fn);

  // Transactions committed by the writer so far (each may hold many writes).
  int64_t commit_count() const;
  // Write requests the writer has run so far (committed or not).
  int64_t write_count() const;
  // Write requests waiting for the writer (not yet taken into a batch).
  int64_t queued_count() const;
  // WAL syncs after commits so far (one may cover several commits).
  int64_t sync_count() const;

 private:
  // SQLite's statements for each step of group commit (write_engine.cc).
  struct WriterSteps;
  class WalSync;
  void CheckpointLoop();

  const std::string path_;
  const WriteEngineOptions options_;
  std::unique_ptr<storage::ConnectionPool<Db>> readers_;
  std::unique_ptr<storage::GroupCommit<Db, WriterSteps>> writer_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;  // the checkpointer waits here
  bool stopping_ = false;            // guarded by stop_mu_
  std::thread checkpoint_thread_;
};

}  // namespace shop::queue::sqlite
