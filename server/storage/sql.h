// Every SQL statement of the SQLite store, named, in one place; and the
// schema as an ordered list of migrations. Times are microseconds since the
// Unix epoch (UTC); enums are stored as their integer values.
#pragma once

namespace shop::queue::sql {

// Migration N brings the schema from version N to N+1. Never edit a released
// migration; append a new one.
inline constexpr const char* kMigrations[] = {
    // 0 -> 1: branches, services, counters, tickets, numbering, idempotency,
    // ticket history.
    R"sql(
CREATE TABLE branches (
  branch_id    TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  time_zone    TEXT NOT NULL
) STRICT;
CREATE TABLE services (
  branch_id TEXT NOT NULL REFERENCES branches(branch_id),
  prefix    TEXT NOT NULL,
  name_ru   TEXT NOT NULL,
  name_en   TEXT NOT NULL,
  name_zh   TEXT NOT NULL,
  PRIMARY KEY (branch_id, prefix)
) STRICT;
CREATE TABLE counters (
  branch_id        TEXT NOT NULL REFERENCES branches(branch_id),
  counter_id       TEXT NOT NULL,
  display_name     TEXT NOT NULL,
  is_open          INTEGER NOT NULL DEFAULT 0,
  service_prefixes TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (branch_id, counter_id)
) STRICT;
CREATE TABLE number_sequences (
  branch_id    TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  business_day TEXT NOT NULL,
  last_number  INTEGER NOT NULL,
  PRIMARY KEY (branch_id, prefix, business_day),
  FOREIGN KEY (branch_id, prefix) REFERENCES services(branch_id, prefix)
) STRICT;
CREATE TABLE tickets (
  ticket_id      INTEGER PRIMARY KEY,
  branch_id      TEXT NOT NULL REFERENCES branches(branch_id),
  number_prefix  TEXT NOT NULL,
  number         INTEGER NOT NULL CHECK (number > 0),
  business_day   TEXT NOT NULL,
  service_prefix TEXT NOT NULL,
  state          INTEGER NOT NULL,
  priority       INTEGER NOT NULL,
  origin         INTEGER NOT NULL,
  language       INTEGER NOT NULL,
  issue_us       INTEGER NOT NULL,
  due_us         INTEGER,
  call_us        INTEGER,
  serve_us       INTEGER,
  finish_us      INTEGER,
  counter_id     TEXT NOT NULL DEFAULT '',
  recall_count   INTEGER NOT NULL DEFAULT 0,
  UNIQUE (branch_id, number_prefix, business_day, number),
  FOREIGN KEY (branch_id, service_prefix) REFERENCES services(branch_id, prefix),
  FOREIGN KEY (branch_id, number_prefix) REFERENCES services(branch_id, prefix)
) STRICT;
CREATE INDEX tickets_by_state ON tickets (branch_id, state, service_prefix);
CREATE INDEX tickets_by_counter ON tickets (branch_id, counter_id, state);
CREATE INDEX tickets_by_day ON tickets (branch_id, business_day, ticket_id);
CREATE INDEX tickets_done ON tickets (branch_id, service_prefix, state, finish_us);
CREATE TABLE client_requests (
  branch_id  TEXT NOT NULL,
  method     TEXT NOT NULL,
  request_id TEXT NOT NULL,
  ticket_id  INTEGER NOT NULL REFERENCES tickets(ticket_id),
  create_us  INTEGER NOT NULL,
  PRIMARY KEY (branch_id, method, request_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE ticket_events (
  event_id   INTEGER PRIMARY KEY,
  ticket_id  INTEGER NOT NULL REFERENCES tickets(ticket_id),
  branch_id  TEXT NOT NULL,
  at_us      INTEGER NOT NULL,
  kind       TEXT NOT NULL,
  from_state INTEGER NOT NULL,
  to_state   INTEGER NOT NULL,
  counter_id TEXT NOT NULL,
  recall_count INTEGER NOT NULL,
  detail     TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_events_calls ON ticket_events (branch_id, kind, event_id);
)sql",

    // 1 -> 2: indexes shaped for the hot paths. Partial indexes hold only
    // the rows they serve, so issuing a ticket touches as few index pages
    // (each a 4 KiB WAL frame at commit) as it can.
    //  - tickets_queue: waiting tickets in call order, so "who is first"
    //    and "how many are ahead" are index lookups and range counts;
    //  - tickets_done / tickets_by_counter: only tickets in those states;
    //  - ticket_events_calls: only the events the board replays.
    R"sql(
DROP INDEX tickets_by_state;
DROP INDEX tickets_by_counter;
DROP INDEX tickets_done;
DROP INDEX ticket_events_calls;
CREATE INDEX tickets_queue ON tickets
  (branch_id, service_prefix, origin, priority, issue_us) WHERE state = 1;
CREATE INDEX tickets_by_counter ON tickets (branch_id, counter_id)
  WHERE state IN (2, 3, 8);
CREATE INDEX tickets_done ON tickets (branch_id, service_prefix, finish_us)
  WHERE state = 4;
CREATE INDEX tickets_unfinished ON tickets (branch_id) WHERE state IN (1, 8);
CREATE INDEX ticket_events_calls ON ticket_events (branch_id, event_id)
  WHERE kind IN ('call', 'recall', 'return');
)sql",
    // 2 -> 3: the audit log, a hash chain (see server/domain/audit.h). The
    // triggers make it append-only for every client of this file.
    R"sql(
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at_us     INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  subject   TEXT NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
    // 3 -> 4: staff accounts, sessions and device tokens. Tokens are kept
    // only as hashes; passwords only as Argon2id hashes.
    R"sql(
CREATE TABLE staff (
  login           TEXT PRIMARY KEY,
  display_name    TEXT NOT NULL,
  role            INTEGER NOT NULL,
  password_hash   TEXT NOT NULL,
  failures        INTEGER NOT NULL DEFAULT 0,
  locked_until_us INTEGER
) STRICT;
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  login      TEXT NOT NULL REFERENCES staff(login),
  role       INTEGER NOT NULL,
  issued_us  INTEGER NOT NULL,
  expires_us INTEGER NOT NULL,
  logged_out INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
CREATE TABLE devices (
  token_hash TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  role       INTEGER NOT NULL,
  branch_id  TEXT NOT NULL REFERENCES branches(branch_id),
  issued_us  INTEGER NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
)sql",
    // 4 -> 5: who has a counter open (a clerk acts only at his own counter).
    R"sql(
ALTER TABLE counters ADD COLUMN clerk_login TEXT NOT NULL DEFAULT '';
)sql",
};

// Transaction control, prepared once per connection.
inline constexpr const char* kBegin = "BEGIN";
inline constexpr const char* kBeginImmediate = "BEGIN IMMEDIATE";
inline constexpr const char* kCommit = "COMMIT";
inline constexpr const char* kRollback = "ROLLBACK";
inline constexpr const char* kSavepoint = "SAVEPOINT request";
inline constexpr const char* kRelease = "RELEASE request";
inline constexpr const char* kRollbackTo = "ROLLBACK TO request";

inline constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";
inline constexpr const char* kGetVersion = "SELECT version FROM schema_version";
inline constexpr const char* kInsertVersion = "INSERT INTO schema_version (version) VALUES (?1)";
inline constexpr const char* kSetVersion = "UPDATE schema_version SET version = ?1";

inline constexpr const char* kUpsertBranch =
    "INSERT INTO branches (branch_id, display_name, time_zone) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (branch_id) DO UPDATE SET display_name = ?2, time_zone = ?3";
inline constexpr const char* kUpsertService =
    "INSERT INTO services (branch_id, prefix, name_ru, name_en, name_zh) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (branch_id, prefix) DO UPDATE SET "
    "name_ru = ?3, name_en = ?4, name_zh = ?5";
inline constexpr const char* kUpsertCounterConfig =
    "INSERT INTO counters (branch_id, counter_id, display_name) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (branch_id, counter_id) DO UPDATE SET display_name = ?3";

inline constexpr const char* kGetSequence =
    "SELECT last_number FROM number_sequences "
    "WHERE branch_id = ?1 AND prefix = ?2 AND business_day = ?3";
inline constexpr const char* kUpsertSequence =
    "INSERT INTO number_sequences (branch_id, prefix, business_day, last_number) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (branch_id, prefix, business_day) "
    "DO UPDATE SET last_number = ?4";

#define SHOP_QUEUE_TICKET_COLUMNS                                                       \
  "ticket_id, branch_id, number_prefix, number, business_day, service_prefix, state, " \
  "priority, origin, language, issue_us, due_us, call_us, serve_us, finish_us, "       \
  "counter_id, recall_count"

inline constexpr const char* kInsertTicket =
    "INSERT INTO tickets (branch_id, number_prefix, number, business_day, service_prefix, "
    "state, priority, origin, language, issue_us, due_us, call_us, serve_us, finish_us, "
    "counter_id, recall_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
    "?13, ?14, ?15, ?16)";
inline constexpr const char* kUpdateTicket =
    "UPDATE tickets SET service_prefix = ?3, state = ?4, priority = ?5, due_us = ?6, "
    "call_us = ?7, serve_us = ?8, finish_us = ?9, counter_id = ?10, recall_count = ?11 "
    "WHERE branch_id = ?1 AND ticket_id = ?2 AND state = ?12";
inline constexpr const char* kGetTicket =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND ticket_id = ?2";
// Heads of the callable tiers of one service (see queue_policy.h).
// ?1 branch, ?2 service; appointments also ?3 now (us).
inline constexpr const char* kHeadDueAppointment =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND state = 1 "
    "AND service_prefix = ?2 AND origin = 2 AND due_us <= ?3 "
    "ORDER BY due_us, issue_us, ticket_id LIMIT 1";
inline constexpr const char* kHeadPriority =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND state = 1 "
    "AND service_prefix = ?2 AND origin = 1 AND priority <> 0 "
    "ORDER BY issue_us, ticket_id LIMIT 1";
inline constexpr const char* kHeadWalkIn =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND state = 1 "
    "AND service_prefix = ?2 AND origin = 1 AND priority = 0 "
    "ORDER BY issue_us, ticket_id LIMIT 1";

// Waiting tickets of one service in one tier ordered before a key.
// ?1 branch, ?2 service, ?3 now (us), ?4 due (us), ?5 issue (us), ?6 ticket id;
// pass the largest values to count the whole tier. (Unused parameters below
// the highest one may be bound; SQLite ignores them.)
inline constexpr const char* kCountDueAppointment =
    "SELECT COUNT(*) FROM tickets WHERE branch_id = ?1 AND state = 1 AND service_prefix = ?2 "
    "AND origin = 2 AND due_us <= ?3 AND (due_us, issue_us, ticket_id) < (?4, ?5, ?6)";
inline constexpr const char* kCountEarlyAppointment =
    "SELECT COUNT(*) FROM tickets WHERE branch_id = ?1 AND state = 1 AND service_prefix = ?2 "
    "AND origin = 2 AND due_us > ?3 AND (due_us, issue_us, ticket_id) < (?4, ?5, ?6)";
inline constexpr const char* kCountPriority =
    "SELECT COUNT(*) FROM tickets WHERE branch_id = ?1 AND state = 1 AND service_prefix = ?2 "
    "AND origin = 1 AND priority <> 0 AND (issue_us, ticket_id) < (?5, ?6)";
inline constexpr const char* kCountWalkIn =
    "SELECT COUNT(*) FROM tickets WHERE branch_id = ?1 AND state = 1 AND service_prefix = ?2 "
    "AND origin = 1 AND priority = 0 AND (issue_us, ticket_id) < (?5, ?6)";
inline constexpr const char* kListAtCounter =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS
    " FROM tickets WHERE branch_id = ?1 AND counter_id = ?2 AND state IN (2, 3, 8) "
    "ORDER BY ticket_id";
inline constexpr const char* kListUnfinished =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS
    " FROM tickets WHERE branch_id = ?1 AND state IN (1, 8)";
inline constexpr const char* kListTicketsDay =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS
    " FROM tickets WHERE branch_id = ?1 AND business_day = ?2 AND ticket_id > ?3 "
    "AND (?4 = 0 OR state = ?4) ORDER BY ticket_id LIMIT ?5";
inline constexpr const char* kWaitingCounts =
    "SELECT service_prefix, COUNT(*) FROM tickets WHERE branch_id = ?1 AND state = 1 "
    "GROUP BY service_prefix";
inline constexpr const char* kRecentServiceTimes =
    "SELECT finish_us - serve_us FROM tickets WHERE branch_id = ?1 AND service_prefix = ?2 "
    "AND state = 4 AND serve_us IS NOT NULL ORDER BY finish_us DESC LIMIT ?3";

inline constexpr const char* kFindRequest =
    "SELECT ticket_id FROM client_requests WHERE branch_id = ?1 AND method = ?2 AND "
    "request_id = ?3";
inline constexpr const char* kInsertRequest =
    "INSERT INTO client_requests (branch_id, method, request_id, ticket_id, create_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

inline constexpr const char* kGetCounter =
    "SELECT branch_id, counter_id, is_open, service_prefixes, clerk_login FROM counters "
    "WHERE branch_id = ?1 AND counter_id = ?2";
inline constexpr const char* kListCounters =
    "SELECT branch_id, counter_id, is_open, service_prefixes, clerk_login FROM counters "
    "WHERE branch_id = ?1 ORDER BY counter_id";
inline constexpr const char* kSaveCounter =
    "UPDATE counters SET is_open = ?3, service_prefixes = ?4, clerk_login = ?5 "
    "WHERE branch_id = ?1 AND counter_id = ?2";

inline constexpr const char* kInsertEvent =
    "INSERT INTO ticket_events (ticket_id, branch_id, at_us, kind, from_state, to_state, "
    "counter_id, recall_count, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
inline constexpr const char* kRecentCalls =
    "SELECT e.ticket_id, t.number_prefix, t.number, e.counter_id, e.at_us, e.recall_count, "
    "t.origin, e.kind FROM ticket_events e JOIN tickets t ON t.ticket_id = e.ticket_id "
    "WHERE e.branch_id = ?1 AND e.kind IN ('call', 'recall', 'return') "
    "ORDER BY e.event_id DESC LIMIT ?2";

inline constexpr const char* kLastAudit =
    "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
inline constexpr const char* kInsertAudit =
    "INSERT INTO audit_log (seq, at_us, actor, action, subject, detail, prev_hash, hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
inline constexpr const char* kReadAudit =
    "SELECT seq, at_us, actor, action, subject, detail, prev_hash, hash FROM audit_log "
    "WHERE seq > ?1 ORDER BY seq LIMIT ?2";

inline constexpr const char* kGetStaff =
    "SELECT login, display_name, role, password_hash, failures, locked_until_us FROM staff "
    "WHERE login = ?1";
inline constexpr const char* kSaveStaff =
    "INSERT INTO staff (login, display_name, role, password_hash, failures, locked_until_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (login) DO UPDATE SET display_name = ?2, "
    "role = ?3, password_hash = ?4, failures = ?5, locked_until_us = ?6";
inline constexpr const char* kInsertSession =
    "INSERT INTO sessions (token_hash, login, role, issued_us, expires_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
inline constexpr const char* kGetSession =
    "SELECT login, role, issued_us, expires_us, logged_out FROM sessions WHERE token_hash = ?1";
inline constexpr const char* kEndSession =
    "UPDATE sessions SET logged_out = 1 WHERE token_hash = ?1";
inline constexpr const char* kFindDeviceByName = "SELECT 1 FROM devices WHERE name = ?1";
inline constexpr const char* kInsertDevice =
    "INSERT INTO devices (token_hash, name, role, branch_id, issued_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
inline constexpr const char* kGetDevice =
    "SELECT name, role, branch_id, issued_us, revoked FROM devices WHERE token_hash = ?1";
inline constexpr const char* kRevokeDevice = "UPDATE devices SET revoked = 1 WHERE name = ?1";

}  // namespace shop::queue::sql
