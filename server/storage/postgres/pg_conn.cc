#include "server/storage/postgres/pg_conn.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace shop::queue::pg {
namespace {

// Server messages quoted in a Status are cut to this many bytes.
constexpr size_t kMaxMessage = 200;

// `s` on one line, at most kMaxMessage bytes, not cut inside a UTF-8
// character.
std::string Bounded(std::string_view s) {
  std::string out;
  for (char c : s) out += (c == '\n' || c == '\t' || c == '\r') ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() <= kMaxMessage) return out;
  size_t n = kMaxMessage;
  while (n > 0 && (static_cast<unsigned char>(out[n]) & 0xC0) == 0x80) --n;
  return out.substr(0, n) + "...";
}

// `msg` with every occurrence of `secret` masked.
std::string Scrub(std::string msg, const std::string& secret) {
  if (secret.empty()) return msg;
  for (size_t at = msg.find(secret); at != std::string::npos; at = msg.find(secret, at + 3))
    msg.replace(at, secret.size(), "***");
  return msg;
}

std::string Field(const PGresult* res, int code) {
  const char* v = res ? PQresultErrorField(res, code) : nullptr;
  return v ? v : "";
}

// Class 08 (connection exception); 57P01-57P03 (the server is shutting
// down, crashed, or not yet accepting connections).
bool LostState(const std::string& state) {
  return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
}

// The Status for failed result `res` (may be null); `fallback` is the
// connection's message, `lost` whether the connection is gone.
Status Classify(const PGresult* res, const char* fallback, bool lost, const char* what,
                ErrorInfo* info) {
  std::string state = Field(res, PG_DIAG_SQLSTATE);
  std::string text = Field(res, PG_DIAG_MESSAGE_PRIMARY);
  if (text.empty() && res) text = PQresultErrorMessage(res);
  if (text.empty() && fallback) text = fallback;
  std::string constraint = Field(res, PG_DIAG_CONSTRAINT_NAME);
  bool retryable = state == "40001" || state == "40P01";
  if (info) *info = ErrorInfo{state, constraint, retryable};

  std::string msg = std::string(what) + ": " + Bounded(text);
  if (lost || LostState(state)) return Status::Unavailable("database unavailable (" + msg + ")");
  if (retryable) return Status::Aborted("transaction lost a race, retry it (" + msg + ")");
  if (state == "23505")
    return Status::AlreadyExists("unique constraint \"" + constraint + "\" (" + msg + ")");
  if (state == "23514" || state == "23503" || state == "23502")
    return Status::FailedPrecondition("integrity constraint (" + msg + ")");
  if (state == "57014")
    return Status::Unavailable("statement timed out or was cancelled (" + msg + ")");
  if (state == "55P03") return Status::Unavailable("lock not granted in time (" + msg + ")");
  if (state == "53100" || state == "53200")
    return Status::ResourceExhausted("database out of space or memory (" + msg + ")");
  return Status::Internal("database error " + (state.empty() ? "" : state + " ") + "(" + msg + ")");
}

void IgnoreNotice(void*, const char*) {}

bool ValidUtf8(std::string_view s) {
  static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int more = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
             : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (more == 0) {
      ++i;
      continue;
    }
    if (more < 0 || i + more >= s.size()) return false;
    uint32_t cp = c & (0x3F >> more);
    for (int k = 1; k <= more; ++k) {
      unsigned char b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < kMin[more] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += more + 1;
  }
  return true;
}

Status CheckParams(const std::vector<Param>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].is_null()) continue;
    QUEUE_RETURN_IF_ERROR(CheckText(params[i].text(), "params[" + std::to_string(i) + "]"));
  }
  return Status::Ok();
}

// Pointers to each parameter's text (nullptr for NULL), for libpq.
std::vector<const char*> Values(const std::vector<Param>& params) {
  std::vector<const char*> v;
  v.reserve(params.size());
  for (const Param& p : params) v.push_back(p.is_null() ? nullptr : p.text().c_str());
  return v;
}

// "-c name=value" for each set timeout, in milliseconds.
std::string TimeoutOptions(const Options& o) {
  std::string out;
  auto add = [&out](const char* name, std::chrono::milliseconds v) {
    if (v.count() <= 0) return;
    if (!out.empty()) out += ' ';
    out += "-c " + std::string(name) + "=" + std::to_string(v.count());
  };
  add("statement_timeout", o.statement_timeout);
  add("lock_timeout", o.lock_timeout);
  add("idle_in_transaction_session_timeout", o.idle_in_transaction_session_timeout);
  return out;
}

// The values of `keys` in the connection string `uri`; false if it does
// not parse.
bool ParseUri(const std::string& uri, std::map<std::string, std::string>* keys) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(uri.c_str(), &err);
  if (err) PQfreemem(err);  // may quote the URI: never shown
  if (!opts) return false;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (o->val) (*keys)[o->keyword] = o->val;
  }
  PQconninfoFree(opts);
  return true;
}

}  // namespace

const std::string& Param::text() const {
  static const std::string kEmpty;
  return text_ ? *text_ : kEmpty;
}

Status CheckText(std::string_view s, const std::string& field) {
  if (s.find('\0') != std::string_view::npos)
    return Status::InvalidArgument(field, field + ": holds a NUL byte, which text cannot carry");
  if (!ValidUtf8(s)) return Status::InvalidArgument(field, field + ": is not valid UTF-8");
  return Status::Ok();
}

Status ErrorStatus(const pg_result* res, const pg_conn* conn, const char* what, ErrorInfo* info) {
  bool lost = conn == nullptr || PQstatus(conn) == CONNECTION_BAD;
  return Classify(res, conn ? PQerrorMessage(conn) : nullptr, lost, what, info);
}

bool IsRetryable(const Status& status) { return status.code() == Status::Code::kAborted; }

// --- Rows ---

Rows::Rows(pg_result* res) : res_(res) {}

Rows::~Rows() {
  if (res_) PQclear(res_);
}

Rows::Rows(Rows&& other) noexcept { *this = std::move(other); }

Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    if (res_) PQclear(res_);
    res_ = other.res_;
    other.res_ = nullptr;
    status_ = std::move(other.status_);
  }
  return *this;
}

int Rows::size() const { return res_ ? PQntuples(res_) : 0; }
int Rows::columns() const { return res_ ? PQnfields(res_) : 0; }

int64_t Rows::affected() const {
  const char* n = res_ ? PQcmdTuples(res_) : "";
  int64_t v = 0;
  std::from_chars(n, n + std::strlen(n), v);
  return v;
}

int Rows::Column(std::string_view name) const {
  if (!res_) return -1;
  // Quoted, so PQfnumber neither folds case nor reads quotes in `name`.
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return PQfnumber(res_, (quoted + "\"").c_str());
}

int Rows::Lookup(std::string_view name) const {
  int col = Column(name);
  if (col < 0 && status_.ok())
    status_ = Status::Internal("result has no column " + Quoted(name));
  return col;
}

bool Rows::InRange(int row, int col) const {
  if (row >= 0 && row < size() && col >= 0 && col < columns()) return true;
  if (status_.ok())
    status_ = Status::Internal("read of row " + std::to_string(row) + ", column " +
                               std::to_string(col) + " outside the result");
  return false;
}

int64_t Rows::Int(int row, int col) const {
  if (!InRange(row, col) || PQgetisnull(res_, row, col)) return 0;
  const char* v = PQgetvalue(res_, row, col);
  const char* end = v + PQgetlength(res_, row, col);
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v, end, out);
  if (ec == std::errc() && ptr == end) return out;
  if (status_.ok())
    status_ = Status::Internal(std::string("column ") + PQfname(res_, col) + " is not an integer");
  return 0;
}

int64_t Rows::Int(int row, std::string_view name) const {
  int col = Lookup(name);
  return col < 0 ? 0 : Int(row, col);
}

std::string Rows::Text(int row, int col) const {
  if (!InRange(row, col)) return {};
  return std::string(PQgetvalue(res_, row, col), PQgetlength(res_, row, col));
}

std::string Rows::Text(int row, std::string_view name) const {
  int col = Lookup(name);
  return col < 0 ? std::string() : Text(row, col);
}

bool Rows::IsNull(int row, int col) const {
  return InRange(row, col) && PQgetisnull(res_, row, col);
}

bool Rows::IsNull(int row, std::string_view name) const {
  int col = Lookup(name);
  return col >= 0 && IsNull(row, col);
}

// --- Conn ---

Result<std::unique_ptr<Conn>> Conn::Open(const std::string& uri, const Options& options) {
  std::map<std::string, std::string> given;
  if (!ParseUri(uri, &given))
    return Status::InvalidArgument("uri", "uri: not a valid PostgreSQL connection string");
  std::string timeouts = TimeoutOptions(options);
  std::string opts = given["options"];
  if (!timeouts.empty()) opts += (opts.empty() ? "" : " ") + timeouts;
  std::string connect = std::to_string(options.connect_timeout.count());
  std::string user_timeout = std::to_string(options.tcp_user_timeout.count());

  // Later keywords override what `uri` (expanded from dbname) sets.
  std::vector<const char*> keys = {"application_name", "dbname", "connect_timeout",
                                   "client_encoding", "options"};
  std::vector<const char*> values = {options.application_name.c_str(), uri.c_str(),
                                     connect.c_str(), "UTF8", opts.c_str()};
  if (options.tcp_user_timeout.count() > 0) {
    keys.push_back("tcp_user_timeout");
    values.push_back(user_timeout.c_str());
  }
  // TCP keepalives: a connection whose peer vanished silently (power, a
  // network split) is noticed in about 25 s, not the system's two hours; a
  // listener that only ever receives needs this. Unix sockets ignore them.
  for (const auto& [key, value] : {std::pair{"keepalives", "1"}, {"keepalives_idle", "10"},
                                   {"keepalives_interval", "5"}, {"keepalives_count", "3"}}) {
    keys.push_back(key);
    values.push_back(value);
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* raw = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (raw == nullptr) return Status::ResourceExhausted("database connect: out of memory");
  PQsetNoticeProcessor(raw, IgnoreNotice, nullptr);  // NOTICEs and WARNINGs: not on stderr
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string msg = Scrub(Bounded(PQerrorMessage(raw)), given["password"]);
    PQfinish(raw);
    return Status::Unavailable("database unavailable (connect: " + msg + ")");
  }
  return std::unique_ptr<Conn>(new Conn(raw));
}

Conn::~Conn() { PQfinish(conn_); }

bool Conn::Ok() const { return !lost_ && PQstatus(conn_) == CONNECTION_OK; }

bool Conn::InTransaction() const {
  PGTransactionStatusType t = PQtransactionStatus(conn_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

Result<Rows> Conn::Finish(pg_result* res, const char* what) {
  ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY) {
    last_error_ = ErrorInfo{};
    return Rows(res);
  }
  // libpq may learn that the server is gone only at its next read: a
  // failure of its own (no SQLSTATE) on a socket that is closed is a loss.
  std::string state = Field(res, PG_DIAG_SQLSTATE);
  if (PQstatus(conn_) == CONNECTION_BAD || LostState(state) ||
      (state.empty() && !PQconsumeInput(conn_)))
    lost_ = true;
  Status st = Classify(res, PQerrorMessage(conn_), lost_, what, &last_error_);
  if (res) PQclear(res);
  return st;
}

Status Conn::Exec(const std::string& sql) {
  return Finish(PQexec(conn_, sql.c_str()), "exec").status();
}

Result<Rows> Conn::Query(const std::string& sql, const std::vector<Param>& params) {
  QUEUE_RETURN_IF_ERROR(CheckParams(params));
  std::vector<const char*> values = Values(params);
  PGresult* res = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, /*resultFormat=*/0);
  return Finish(res, "query");
}

Status Conn::Prepare(const Statement& stmt) {
  auto it = prepared_.find(stmt.name);
  if (it != prepared_.end()) {
    if (it->second == stmt.sql) return Status::Ok();
    return Status::Internal(std::string("statement ") + stmt.name + " prepared with other SQL");
  }
  Result<Rows> r = Finish(PQprepare(conn_, stmt.name, stmt.sql, 0, nullptr), "prepare");
  if (!r.ok()) return r.status();
  prepared_.emplace(stmt.name, stmt.sql);
  return Status::Ok();
}

Result<Rows> Conn::Query(const Statement& stmt, const std::vector<Param>& params) {
  QUEUE_RETURN_IF_ERROR(CheckParams(params));
  QUEUE_RETURN_IF_ERROR(Prepare(stmt));
  std::vector<const char*> values = Values(params);
  PGresult* res = PQexecPrepared(conn_, stmt.name, static_cast<int>(values.size()),
                                 values.data(), nullptr, nullptr, /*resultFormat=*/0);
  Result<Rows> r = Finish(res, stmt.name);
  // 26000: the session lost it (DISCARD ALL); prepare again next time.
  if (!r.ok() && last_error_.sqlstate == "26000") prepared_.erase(stmt.name);
  return r;
}

Status Conn::Listen(const std::string& channel) {
  QUEUE_RETURN_IF_ERROR(CheckText(channel, "channel"));
  char* quoted = PQescapeIdentifier(conn_, channel.data(), channel.size());
  if (quoted == nullptr) return ErrorStatus(nullptr, conn_, "listen", &last_error_);
  std::string sql = std::string("LISTEN ") + quoted;
  PQfreemem(quoted);
  QUEUE_RETURN_IF_ERROR(Exec(sql));
  channels_.insert(channel);
  return Status::Ok();
}

Status Conn::Notify(const std::string& channel, const std::string& payload) {
  return Query("SELECT pg_notify($1, $2)", {channel, payload}).status();
}

void Conn::Drain(std::vector<Notification>* out) {
  while (PGnotify* n = PQnotifies(conn_)) {
    out->push_back(Notification{n->relname, n->extra ? n->extra : "", n->be_pid});
    PQfreemem(n);
  }
}

Result<std::vector<Notification>> Conn::WaitForNotify(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + timeout;
  std::vector<Notification> out;
  auto lost = [this] {
    lost_ = true;
    return Status::Unavailable("database unavailable (wait for notifications: " +
                               Bounded(PQerrorMessage(conn_)) + ")");
  };
  if (!Ok() || !PQconsumeInput(conn_)) return lost();
  for (Drain(&out); out.empty(); Drain(&out)) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (p.fd < 0) return lost();
    int n = poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 60'000)));
    if (n < 0 && errno != EINTR)
      return Status::Internal(std::string("poll on the database socket: ") + std::strerror(errno));
    if (n > 0 && (!PQconsumeInput(conn_) || !Ok())) return lost();
  }
  return out;
}

Status Conn::Reset() {
  PQreset(conn_);
  lost_ = false;
  prepared_.clear();
  last_error_ = ErrorInfo{};
  if (!Ok())
    return Status::Unavailable("database unavailable (reconnect: " +
                               Bounded(PQerrorMessage(conn_)) + ")");
  std::set<std::string> channels;
  channels.swap(channels_);
  for (const std::string& c : channels) {
    Status st = Listen(c);
    if (!st.ok()) {
      channels_.insert(channels.begin(), channels.end());  // for the next Reset()
      return st;
    }
  }
  return Status::Ok();
}

}  // namespace shop::queue::pg
