#include "server/storage/postgres/pg_engine.h"

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <exception>

#include "absl/time/clock.h"

namespace shop::queue::pg {

namespace {

// How long after a failed (re)connect calls fail at once instead of trying
// again, so a database that is down costs callers no connect timeout each.
constexpr absl::Duration kRetryConnectAfter = absl::Seconds(1);

bool InFailedTransaction(Conn& conn) {
  return PQtransactionStatus(conn.raw()) == PQTRANS_INERROR;
}

// Down-time bookkeeping on an Engine's down_at_us_.
bool RecentlyDown(const std::atomic<int64_t>& down_at_us) {
  int64_t at = down_at_us.load();
  return at != 0 && absl::Now() - absl::FromUnixMicros(at) < kRetryConnectAfter;
}
void MarkDown(std::atomic<int64_t>& down_at_us) {
  down_at_us.store(absl::ToUnixMicros(absl::Now()));
}

Status Unreachable() {
  return Status::Unavailable("database unavailable (it was unreachable a moment ago); retry");
}

}  // namespace

struct Engine::WriterSteps {
  std::atomic<int64_t>* down_at_us;

  Status Begin(Conn& conn) {
    if (conn.Broken()) {
      if (RecentlyDown(*down_at_us)) return Unreachable();
      Status reset = conn.Reset();
      if (!reset.ok()) {
        MarkDown(*down_at_us);
        return reset;
      }
      down_at_us->store(0);
    }
    if (conn.InTransaction()) {
      // An earlier ROLLBACK failed and left the transaction open.
      Status rollback = conn.Exec("ROLLBACK");
      if (!rollback.ok() || conn.InTransaction())
        return Status::Internal("not stored: a failed write transaction could not be rolled back");
    }
    Status begin = conn.Exec("BEGIN");
    if (!begin.ok() && conn.Broken()) {
      // The connection died while idle (the database restarted): one new try.
      if (!conn.Reset().ok()) {
        MarkDown(*down_at_us);
        return begin;
      }
      begin = conn.Exec("BEGIN");
    }
    QUEUE_RETURN_IF_ERROR(begin);
    // One write transaction at a time across every replica (see pg_engine.h).
    // Another replica's batch may hold it for a while: wait longer than for a
    // row lock (lock_timeout), then back to the usual limit.
    QUEUE_RETURN_IF_ERROR(conn.Exec("SET LOCAL lock_timeout = '30s'"));
    QUEUE_RETURN_IF_ERROR(conn.Query("SELECT pg_advisory_xact_lock($1)", {kWriteLock}).status());
    QUEUE_RETURN_IF_ERROR(conn.Exec("RESET lock_timeout"));
    return Status::Ok();
  }
  Status Savepoint(Conn& conn) { return conn.Exec("SAVEPOINT request"); }
  Status Release(Conn& conn) { return conn.Exec("RELEASE SAVEPOINT request"); }
  Status RollbackTo(Conn& conn) { return conn.Exec("ROLLBACK TO SAVEPOINT request"); }
  Status Commit(Conn& conn) {
    // COMMIT of a failed transaction "succeeds" by rolling back: refuse it.
    if (!conn.InTransaction() || InFailedTransaction(conn))
      return Status::Internal("not stored: the write transaction failed before COMMIT");
    Status commit = conn.Exec("COMMIT");
    if (!commit.ok() && commit.code() == Status::Code::kUnavailable)
      return Status::Unavailable(
          "database connection lost at COMMIT: the outcome is unknown; retry with the same "
          "request id");
    return commit;
  }
  void Abandon(Conn& conn) {
    if (conn.Ok() && conn.InTransaction()) (void)conn.Exec("ROLLBACK");
  }
  bool InTransaction(Conn& conn) { return conn.Ok() && conn.InTransaction(); }
  // A lost race the server reported (deadlock, serialization failure:
  // SQLSTATE 40P01, 40001): running it again sees the winner's work. The
  // domain's own kAborted ("paid meanwhile") would only fail again.
  bool Retryable(const Status& st, Conn& conn) {
    return st.code() == Status::Code::kAborted && conn.last_error().retryable;
  }
};

Engine::Engine(std::string uri, EngineOptions options, std::unique_ptr<Conn> writer)
    : uri_(std::move(uri)), options_(std::move(options)) {
  readers_ = std::make_unique<storage::ConnectionPool<Conn>>(
      options_.reader_connections, [this] { return OpenReader(); },
      [](Conn& conn) {
        if (!conn.Ok()) return false;
        if (conn.InTransaction()) (void)conn.Exec("ROLLBACK");
        return conn.Ok() && !conn.InTransaction();
      });
  writer_ = std::make_unique<storage::GroupCommit<Conn, WriterSteps>>(
      std::move(writer), WriterSteps{&down_at_us_}, options_.on_batch);
}

Engine::~Engine() { writer_.reset(); }

Result<std::unique_ptr<Conn>> Engine::OpenReader() {
  if (RecentlyDown(down_at_us_)) return Unreachable();
  auto conn = Conn::Open(uri_, options_.connection);
  if (!conn.ok()) {
    if (conn.status().code() == Status::Code::kUnavailable) MarkDown(down_at_us_);
    return conn.status();
  }
  down_at_us_.store(0);
  return conn;
}

Status Engine::Write(const std::function<Status(Conn&)>& fn) { return writer_->Write(fn); }

Status Engine::Read(const std::function<Status(Conn&)>& fn) {
  // A pooled connection may have died while idle (the database restarted):
  // then it is dropped and the next one tried, up to a fresh one.
  for (int attempt = 0;; ++attempt) {
    auto lease = readers_->Acquire();
    if (!lease.ok()) return lease.status();
    Conn& conn = **lease;
    Status begin = conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (begin.ok()) return ReadIn(conn, fn);
    if (!conn.Broken() || attempt >= options_.reader_connections) return begin;
  }
}

Status Engine::ReadIn(Conn& conn, const std::function<Status(Conn&)>& fn) {
  Status st;
  try {
    st = fn(conn);
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("read failed: ") + e.what());
  } catch (...) {
    st = Status::Internal("read failed with an unknown exception");
  }
  Status end = conn.Exec(st.ok() ? "COMMIT" : "ROLLBACK");
  if (st.ok()) st = end;
  return st;
}

int64_t Engine::commit_count() const { return writer_->commit_count(); }
int64_t Engine::write_count() const { return writer_->write_count(); }
int64_t Engine::queued_count() const { return writer_->queued_count(); }

}  // namespace shop::queue::pg
