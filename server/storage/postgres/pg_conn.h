// A thin RAII layer over libpq's C API (PostgreSQL 15): a connection, text
// parameters, results read by column name, named prepared statements cached
// per connection, LISTEN/NOTIFY, and errors turned into domain Status values.
//
// The only code (with the PostgreSQL store) that includes libpq-fe.h.
// A Conn and the Rows it returns belong to one thread at a time; callers
// serialise. Rows own their result and outlive the query that made them.
//
// Error mapping (ErrorStatus): a lost, refused or timed-out connection is
// kUnavailable, as are a cancelled statement (statement_timeout) and a lock
// not granted in time (lock_timeout); serialization failures and deadlocks
// are kAborted (IsRetryable: run the whole transaction again); a unique
// violation is kAlreadyExists; check, foreign-key and not-null violations are
// kFailedPrecondition; disk full and out of memory are kResourceExhausted;
// anything else is kInternal. Messages carry the server's primary message
// (never its DETAIL, which can quote row values), cut to a bounded length, and
// never the connection URI or its password.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server/domain/common/status.h"

struct pg_conn;
struct pg_result;

namespace shop::queue::pg {

// A query parameter, sent as text: NULL, an integer or a string. Strings must
// be valid UTF-8 without NUL bytes (the text protocol cannot carry a NUL);
// Query refuses others with kInvalidArgument before anything is sent.
class Param {
 public:
  Param() = default;                // NULL
  Param(std::nullptr_t) {}          // NOLINT: NULL
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>)
  Param(T v) : text_(std::to_string(v)) {}  // NOLINT: an integer
  Param(std::string v) : text_(std::move(v)) {}   // NOLINT
  Param(std::string_view v) : text_(std::string(v)) {}  // NOLINT
  Param(const char* v) : text_(std::string(v)) {}       // NOLINT: not NULL

  bool is_null() const { return !text_.has_value(); }
  // The text sent to the server; empty for NULL.
  const std::string& text() const;

 private:
  std::optional<std::string> text_;
};

// A named statement, prepared on a connection the first time it runs there.
// Keep these together as constants (one file of SQL per area), e.g.
//   inline constexpr Statement kNextTicket{"next_ticket", "SELECT ... $1"};
struct Statement {
  const char* name;
  const char* sql;
};

// The rows of one result. Reads by column name or index; a NULL reads as 0
// or "". A name the result does not have, a row out of range, or Int() of a
// value that is not an integer is a bug in the caller's SQL: the read gives
// 0 or "" and status() turns kInternal (naming the column) and stays so;
// check it once after reading.
class Rows {
 public:
  Rows() = default;
  explicit Rows(pg_result* res);
  ~Rows();
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&& other) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  int size() const;     // rows returned
  int columns() const;  // columns per row
  // Rows a command changed (INSERT/UPDATE/DELETE...), 0 if it says none.
  int64_t affected() const;
  // The index of column `name`, or -1.
  int Column(std::string_view name) const;

  int64_t Int(int row, int col) const;
  int64_t Int(int row, std::string_view name) const;
  std::string Text(int row, int col) const;
  std::string Text(int row, std::string_view name) const;
  bool IsNull(int row, int col) const;
  bool IsNull(int row, std::string_view name) const;

  const Status& status() const { return status_; }

 private:
  // The index of `name`, or -1 after marking status_.
  int Lookup(std::string_view name) const;
  bool InRange(int row, int col) const;

  pg_result* res_ = nullptr;
  mutable Status status_;
};

// What the server said about the last failure on a connection.
struct ErrorInfo {
  std::string sqlstate;    // e.g. "23505"; empty if none (e.g. connection lost)
  std::string constraint;  // the violated constraint's name, if any
  bool retryable = false;  // a serialization failure or a deadlock
};

// One notification received on a LISTEN channel.
struct Notification {
  std::string channel;
  std::string payload;
  int backend_pid = 0;  // the sender's server process
};

// Connection settings. Zero durations leave the server's default (none).
// The timeouts are sent as startup options, so they hold again after Reset().
struct Options {
  std::chrono::seconds connect_timeout{5};  // libpq's minimum is 2 s
  std::chrono::milliseconds statement_timeout{0};
  std::chrono::milliseconds lock_timeout{0};
  std::chrono::milliseconds idle_in_transaction_session_timeout{0};
  // TCP only: how long sent data may stay unacknowledged before the
  // connection counts as lost (a vanished server then fails a query instead
  // of hanging it).
  std::chrono::milliseconds tcp_user_timeout{0};
  std::string application_name = "queue-server";
};

class Conn {
 public:
  // Connects to `uri` (postgresql://... or key=value pairs) with `options`
  // (its timeouts join any `options=` the URI has; the URI's
  // application_name wins). A malformed URI is kInvalidArgument (field
  // "uri"); a server that cannot be reached or refuses the login is
  // kUnavailable. Client encoding is UTF-8.
  [[nodiscard]] static Result<std::unique_ptr<Conn>> Open(const std::string& uri,
                                                          const Options& options = {});
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Executes one or more statements without parameters; results are dropped.
  [[nodiscard]] Status Exec(const std::string& sql);
  // Executes one statement with text parameters $1, $2, ...
  [[nodiscard]] Result<Rows> Query(const std::string& sql, const std::vector<Param>& params = {});
  // Executes a named statement, preparing it on this connection first if
  // needed. The same name must always come with the same SQL.
  [[nodiscard]] Result<Rows> Query(const Statement& stmt, const std::vector<Param>& params = {});

  // Starts listening on `channel` (an identifier; quoted here). Reset()
  // listens again on every channel; notifications sent while the connection
  // was down are lost, so a listener re-reads state after a reconnect.
  [[nodiscard]] Status Listen(const std::string& channel);
  // Sends a notification (delivered to listeners when this transaction, or
  // this statement outside one, commits). Keep payloads small: ids.
  [[nodiscard]] Status Notify(const std::string& channel, const std::string& payload);
  // The notifications already received, else waits up to `timeout` for
  // some. An empty vector means none came in time; a broken connection is
  // kUnavailable. Notifications arrive only between transactions.
  [[nodiscard]] Result<std::vector<Notification>> WaitForNotify(std::chrono::milliseconds timeout);

  // The connection is up as far as is known: a server that went away is
  // noticed by the next call, which fails with kUnavailable.
  bool Ok() const;
  bool Broken() const { return !Ok(); }
  // True inside a transaction block, also a failed one awaiting ROLLBACK.
  bool InTransaction() const;
  // Reconnects with the same parameters, forgets prepared statements and
  // listens again. kUnavailable if the server is still unreachable.
  [[nodiscard]] Status Reset();
  // Details of the last failure (cleared by each successful call).
  const ErrorInfo& last_error() const { return last_error_; }
  pg_conn* raw() { return conn_; }

 private:
  explicit Conn(pg_conn* conn) : conn_(conn) {}
  // Turns a finished result into Rows or an error Status.
  Result<Rows> Finish(pg_result* res, const char* what);
  Status Prepare(const Statement& stmt);
  // Moves received notifications into `out`.
  void Drain(std::vector<Notification>* out);

  pg_conn* conn_;
  std::map<std::string, std::string> prepared_;  // statement name -> SQL
  std::set<std::string> channels_;               // LISTENed channels
  bool lost_ = false;  // a failure showed the connection is gone
  ErrorInfo last_error_;
};

// The Status for a failed result `res` (may be null) on `conn`; fills
// `info` if given. `what` names the operation ("query", "prepare", ...).
[[nodiscard]] Status ErrorStatus(const pg_result* res, const pg_conn* conn, const char* what,
                                 ErrorInfo* info = nullptr);
// True for the kAborted that a serialization failure or a deadlock gives:
// the transaction lost a race and may be run again from its start.
bool IsRetryable(const Status& status);
// kInvalidArgument if `s` is not valid UTF-8 or holds a NUL byte.
[[nodiscard]] Status CheckText(std::string_view s, const std::string& field);

}  // namespace shop::queue::pg
