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
    // 5 -> 6: SIM-replacement cases (server/domain/sim_case.h), the embedded
    // operator register, blank-card stock and the message outbox.
    //  - sim_cases: the form's columns are NULL until the form step; the
    //    personal ones (phone, full_name, document_hash, document_last4,
    //    contact) are NULL again once erased. A ticket has at most one case
    //    that is not cancelled (state 8).
    //  - sim_case_records: immutable, like the audit log.
    //  - identity_attempts.failures: comma-separated microsecond times.
    //  - subscriber_topups / subscriber_calls: seq 1 is the newest.
    //  - sim_cards: a number never has two active cards (unique index).
    //  - sim_stock.state: 1 in stock, 2 issued (StockState).
    R"sql(
CREATE TABLE sim_cases (
  case_id         INTEGER PRIMARY KEY,
  branch_id       TEXT NOT NULL REFERENCES branches(branch_id),
  ticket_id       INTEGER NOT NULL REFERENCES tickets(ticket_id),
  counter_id      TEXT NOT NULL,
  opened_by       TEXT NOT NULL,
  opened_us       INTEGER NOT NULL,
  state           INTEGER NOT NULL,
  phone           TEXT,
  operator_id     TEXT,
  reason          INTEGER,
  full_name       TEXT,
  document_type   INTEGER,
  document_hash   TEXT,
  document_last4  TEXT,
  contact         TEXT,
  question        INTEGER,
  identity_passed INTEGER NOT NULL DEFAULT 0,
  fee_roubles     INTEGER NOT NULL DEFAULT 0,
  payment         INTEGER,
  receipt_number  TEXT NOT NULL DEFAULT '',
  old_iccid       TEXT NOT NULL DEFAULT '',
  new_iccid       TEXT NOT NULL DEFAULT '',
  refunded        INTEGER NOT NULL DEFAULT 0,
  finished_us     INTEGER,
  erased          INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX sim_cases_one_per_ticket ON sim_cases (ticket_id) WHERE state <> 8;
CREATE INDEX sim_cases_to_erase ON sim_cases (finished_us) WHERE erased = 0;
CREATE TABLE sim_case_records (
  case_id    INTEGER NOT NULL REFERENCES sim_cases(case_id),
  seq        INTEGER NOT NULL CHECK (seq > 0),
  time_us    INTEGER NOT NULL,
  step       TEXT NOT NULL,
  outcome    TEXT NOT NULL,
  actor      TEXT NOT NULL,
  supervisor TEXT NOT NULL,
  detail     TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER sim_case_records_no_update BEFORE UPDATE ON sim_case_records
  BEGIN SELECT RAISE(ABORT, 'case records are immutable'); END;
CREATE TRIGGER sim_case_records_no_delete BEFORE DELETE ON sim_case_records
  BEGIN SELECT RAISE(ABORT, 'case records are immutable'); END;
CREATE TABLE receipt_sequences (
  branch_id   TEXT NOT NULL,
  year        INTEGER NOT NULL,
  last_number INTEGER NOT NULL,
  PRIMARY KEY (branch_id, year)
) STRICT, WITHOUT ROWID;
CREATE TABLE identity_attempts (
  phone           TEXT PRIMARY KEY,
  failures        TEXT NOT NULL,
  locked_until_us INTEGER
) STRICT, WITHOUT ROWID;
CREATE TABLE subscribers (
  phone              TEXT PRIMARY KEY,
  operator_id        TEXT NOT NULL,
  holder_name        TEXT NOT NULL,
  document_type      INTEGER NOT NULL,
  document_hash      TEXT NOT NULL,
  document_last4     TEXT NOT NULL,
  no_sim_change      INTEGER NOT NULL DEFAULT 0,
  last_sim_change_us INTEGER
) STRICT, WITHOUT ROWID;
CREATE TABLE subscriber_topups (
  phone          TEXT NOT NULL REFERENCES subscribers(phone),
  seq            INTEGER NOT NULL,
  amount_roubles INTEGER NOT NULL,
  PRIMARY KEY (phone, seq)
) STRICT, WITHOUT ROWID;
CREATE TABLE subscriber_calls (
  phone  TEXT NOT NULL REFERENCES subscribers(phone),
  seq    INTEGER NOT NULL,
  number TEXT NOT NULL,
  PRIMARY KEY (phone, seq)
) STRICT, WITHOUT ROWID;
CREATE TABLE sim_cards (
  iccid        TEXT PRIMARY KEY,
  phone        TEXT NOT NULL REFERENCES subscribers(phone),
  state        TEXT NOT NULL CHECK (state IN ('active', 'blocked')),
  activated_us INTEGER,
  blocked_us   INTEGER
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX sim_cards_one_active ON sim_cards (phone) WHERE state = 'active';
CREATE TABLE sim_stock (
  iccid       TEXT PRIMARY KEY,
  branch_id   TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  state       INTEGER NOT NULL,
  case_id     INTEGER REFERENCES sim_cases(case_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE outbox (
  id         INTEGER PRIMARY KEY,
  created_us INTEGER NOT NULL,
  channel    TEXT NOT NULL,
  recipient  TEXT NOT NULL,
  text       TEXT NOT NULL,
  subject    TEXT NOT NULL,
  sent_us    INTEGER
) STRICT;
CREATE INDEX outbox_by_subject ON outbox (subject);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_us IS NULL;
)sql",
    // 6 -> 7: appointments (server/domain/booking.h).
    //  - state: 1 active, 2 checked in, 3 cancelled, 4 no-show (BookingState);
    //    active and checked-in bookings hold a seat of their slot.
    //  - name, phone, email: personal data, '' once erased (erased = 1).
    //  - ticket_id: NULL until check-in; finished_us: NULL while active.
    //  - One booking per client request_id and branch (a retry finds it).
    //  - bookings_seats: seats taken per slot; bookings_by_phone: one active
    //    booking per phone per service per day; bookings_active: the no-show
    //    and reminder sweeps; bookings_to_erase: the retention sweep.
    R"sql(
CREATE TABLE bookings (
  booking_id     INTEGER PRIMARY KEY,
  code           TEXT NOT NULL UNIQUE,
  branch_id      TEXT NOT NULL REFERENCES branches(branch_id),
  service_prefix TEXT NOT NULL,
  slot_start_us  INTEGER NOT NULL,
  state          INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4),
  name           TEXT NOT NULL,
  phone          TEXT NOT NULL,
  email          TEXT NOT NULL,
  language       INTEGER NOT NULL,
  request_id     TEXT NOT NULL,
  created_us     INTEGER NOT NULL,
  ticket_id      INTEGER REFERENCES tickets(ticket_id),
  late_walk_in   INTEGER NOT NULL DEFAULT 0,
  reminded       INTEGER NOT NULL DEFAULT 0,
  finished_us    INTEGER,
  erased         INTEGER NOT NULL DEFAULT 0,
  FOREIGN KEY (branch_id, service_prefix) REFERENCES services(branch_id, prefix)
) STRICT;
CREATE UNIQUE INDEX bookings_by_request ON bookings (branch_id, request_id);
CREATE INDEX bookings_seats ON bookings (branch_id, service_prefix, slot_start_us)
  WHERE state IN (1, 2);
CREATE INDEX bookings_by_phone ON bookings (branch_id, service_prefix, phone, slot_start_us)
  WHERE state = 1;
CREATE INDEX bookings_active ON bookings (slot_start_us) WHERE state = 1;
CREATE INDEX bookings_to_erase ON bookings (finished_us)
  WHERE erased = 0 AND finished_us IS NOT NULL;
)sql",
    // 7 -> 8: a number has at most one open case (form accepted, neither
    // closed nor cancelled) in any branch; CaseManager checks it in the form's
    // transaction through this index.
    R"sql(
CREATE INDEX sim_cases_open_by_phone ON sim_cases (phone)
  WHERE phone IS NOT NULL AND state NOT IN (7, 8);
)sql",
    // 8 -> 9: client request ids are scoped to their caller, and a retry must
    // carry the same parameters.
    //  - client_requests.caller: "kiosk:hall-1", "clerk:anna" ('' for rows
    //    from before: no caller matches them); params: the request's
    //    parameters in a fixed text form, compared on a retry.
    //  - bookings: a request id is the phone's own (erased bookings keep
    //    none), instead of the branch's.
    R"sql(
CREATE TABLE client_requests_v9 (
  branch_id  TEXT NOT NULL,
  method     TEXT NOT NULL,
  caller     TEXT NOT NULL,
  request_id TEXT NOT NULL,
  params     TEXT NOT NULL,
  ticket_id  INTEGER NOT NULL REFERENCES tickets(ticket_id),
  create_us  INTEGER NOT NULL,
  PRIMARY KEY (branch_id, method, caller, request_id)
) STRICT, WITHOUT ROWID;
INSERT INTO client_requests_v9 (branch_id, method, caller, request_id, params, ticket_id, create_us)
  SELECT branch_id, method, '', request_id, '', ticket_id, create_us FROM client_requests;
DROP TABLE client_requests;
ALTER TABLE client_requests_v9 RENAME TO client_requests;
DROP INDEX bookings_by_request;
CREATE UNIQUE INDEX bookings_by_request ON bookings (branch_id, phone, request_id)
  WHERE erased = 0;
)sql",
    // 9 -> 10: hall devices' last reported status (server/domain/device.h).
    //  - device_id: the device's name from its token; printer_state:
    //    PrinterState (1 ok .. 5 none); detail: the device's short text.
    //  - report_us: the last report; change_us: when printer_state changed.
    //  - tickets_due: the board's due appointments (waiting, by due time).
    R"sql(
CREATE TABLE device_status (
  branch_id     TEXT NOT NULL REFERENCES branches(branch_id),
  device_id     TEXT NOT NULL,
  printer_state INTEGER NOT NULL CHECK (printer_state BETWEEN 1 AND 5),
  detail        TEXT NOT NULL,
  report_us     INTEGER NOT NULL,
  change_us     INTEGER NOT NULL,
  PRIMARY KEY (branch_id, device_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX tickets_due ON tickets (branch_id, due_us) WHERE state = 1 AND origin = 2;
)sql",
    // 10 -> 11: a ticket's transfers, as the counter shows them (partial:
    // only transfer events, so issuing and calling write no extra index).
    R"sql(
CREATE INDEX ticket_events_transfers ON ticket_events (ticket_id, event_id)
  WHERE kind = 'transfer';
)sql",
    // 11 -> 12: a ticket's live-page token (the slip's QR code). Tickets
    // issued before have none. Unique, and indexed only where set.
    R"sql(
ALTER TABLE tickets ADD COLUMN status_token TEXT;
CREATE UNIQUE INDEX tickets_by_status_token ON tickets (status_token)
  WHERE status_token IS NOT NULL;
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
inline constexpr const char* kHasVersionTable =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
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
  "counter_id, recall_count, status_token"

inline constexpr const char* kInsertTicket =
    "INSERT INTO tickets (branch_id, number_prefix, number, business_day, service_prefix, "
    "state, priority, origin, language, issue_us, due_us, call_us, serve_us, finish_us, "
    "counter_id, recall_count, status_token) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "?11, ?12, ?13, ?14, ?15, ?16, ?17)";
inline constexpr const char* kUpdateTicket =
    "UPDATE tickets SET service_prefix = ?3, state = ?4, priority = ?5, due_us = ?6, "
    "call_us = ?7, serve_us = ?8, finish_us = ?9, counter_id = ?10, recall_count = ?11 "
    "WHERE branch_id = ?1 AND ticket_id = ?2 AND state = ?12";
inline constexpr const char* kGetTicket =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND ticket_id = ?2";
inline constexpr const char* kTicketByStatusToken =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE status_token = ?1";
// ?1 branch, ?2 number prefix, ?3 business day, ?4 number: a printed number
// (the unique key of numbering).
inline constexpr const char* kTicketByNumber =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND "
    "number_prefix = ?2 AND business_day = ?3 AND number = ?4";
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
    "SELECT ticket_id, params FROM client_requests WHERE branch_id = ?1 AND method = ?2 AND "
    "caller = ?3 AND request_id = ?4";
inline constexpr const char* kInsertRequest =
    "INSERT INTO client_requests (branch_id, method, caller, request_id, params, ticket_id, "
    "create_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

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
inline constexpr const char* kListTransfers =
    "SELECT at_us, counter_id, detail FROM ticket_events "
    "WHERE ticket_id = ?1 AND branch_id = ?2 AND kind = 'transfer' ORDER BY event_id";
inline constexpr const char* kRecentCalls =
    "SELECT e.ticket_id, t.number_prefix, t.number, e.counter_id, e.at_us, e.recall_count, "
    "t.origin, e.kind, t.language, t.service_prefix FROM ticket_events e "
    "JOIN tickets t ON t.ticket_id = e.ticket_id "
    "WHERE e.branch_id = ?1 AND e.kind IN ('call', 'recall', 'return') "
    "ORDER BY e.event_id DESC LIMIT ?2";

// ?1 branch, ?2 due by (us), ?3 limit: waiting appointment tickets due by
// then, earliest first.
inline constexpr const char* kDueAppointments =
    "SELECT " SHOP_QUEUE_TICKET_COLUMNS " FROM tickets WHERE branch_id = ?1 AND state = 1 "
    "AND origin = 2 AND due_us <= ?2 ORDER BY due_us, issue_us, ticket_id LIMIT ?3";

// Hall devices' status: the column list and its readers in sqlite_store.cc
// (ReadDeviceStatus, SaveDeviceStatus) go together.
#define SHOP_QUEUE_DEVICE_STATUS_COLUMNS \
  "branch_id, device_id, printer_state, detail, report_us, change_us"
inline constexpr const char* kGetDeviceStatus =
    "SELECT " SHOP_QUEUE_DEVICE_STATUS_COLUMNS " FROM device_status "
    "WHERE branch_id = ?1 AND device_id = ?2";
inline constexpr const char* kListDeviceStatus =
    "SELECT " SHOP_QUEUE_DEVICE_STATUS_COLUMNS " FROM device_status WHERE branch_id = ?1";
inline constexpr const char* kSaveDeviceStatus =
    "INSERT INTO device_status (" SHOP_QUEUE_DEVICE_STATUS_COLUMNS ") "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (branch_id, device_id) DO UPDATE SET "
    "printer_state = ?3, detail = ?4, report_us = ?5, change_us = ?6";

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

// SIM-replacement cases.
#define SHOP_QUEUE_CASE_COLUMNS                                                               \
  "case_id, branch_id, ticket_id, counter_id, opened_by, opened_us, state, phone, "           \
  "operator_id, reason, full_name, document_type, document_hash, document_last4, contact, "   \
  "question, identity_passed, fee_roubles, payment, receipt_number, old_iccid, new_iccid, "   \
  "refunded, finished_us, erased"

inline constexpr const char* kInsertCase =
    "INSERT INTO sim_cases (branch_id, ticket_id, counter_id, opened_by, opened_us, state, "
    "phone, operator_id, reason, full_name, document_type, document_hash, document_last4, "
    "contact, question, identity_passed, fee_roubles, payment, receipt_number, old_iccid, "
    "new_iccid, refunded, finished_us, erased) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
    "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)";
// ?1 branch, ?2 case id, ?3.. the fields, ?25 the expected state. Personal
// data erased once is never written back, whatever the caller holds.
inline constexpr const char* kUpdateCase =
    "UPDATE sim_cases SET counter_id = ?3, state = ?4, "
    "phone = CASE WHEN erased THEN NULL ELSE ?5 END, operator_id = ?6, reason = ?7, "
    "full_name = CASE WHEN erased THEN NULL ELSE ?8 END, document_type = ?9, "
    "document_hash = CASE WHEN erased THEN NULL ELSE ?10 END, "
    "document_last4 = CASE WHEN erased THEN NULL ELSE ?11 END, "
    "contact = CASE WHEN erased THEN NULL ELSE ?12 END, question = ?13, identity_passed = ?14, "
    "fee_roubles = ?15, payment = ?16, receipt_number = ?17, old_iccid = ?18, new_iccid = ?19, "
    "refunded = ?20, finished_us = ?21, erased = max(erased, ?22) "
    "WHERE branch_id = ?1 AND case_id = ?2 AND state = ?23";
inline constexpr const char* kGetCase =
    "SELECT " SHOP_QUEUE_CASE_COLUMNS " FROM sim_cases WHERE branch_id = ?1 AND case_id = ?2";
inline constexpr const char* kCaseOfTicket =
    "SELECT " SHOP_QUEUE_CASE_COLUMNS
    " FROM sim_cases WHERE ticket_id = ?2 AND state <> 8 AND branch_id = ?1";
// ?1 phone, ?2 a case to leave out: another open case on the number, any branch.
inline constexpr const char* kOpenCaseOfPhone =
    "SELECT " SHOP_QUEUE_CASE_COLUMNS
    " FROM sim_cases WHERE phone = ?1 AND state NOT IN (7, 8) AND case_id <> ?2 "
    "ORDER BY case_id LIMIT 1";
inline constexpr const char* kLastCaseRecord =
    "SELECT COALESCE(MAX(seq), 0) FROM sim_case_records WHERE case_id = ?1";
inline constexpr const char* kInsertCaseRecord =
    "INSERT INTO sim_case_records (case_id, seq, time_us, step, outcome, actor, supervisor, "
    "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
inline constexpr const char* kCaseRecords =
    "SELECT case_id, seq, time_us, step, outcome, actor, supervisor, detail "
    "FROM sim_case_records WHERE case_id = ?1 ORDER BY seq";
inline constexpr const char* kGetReceiptSequence =
    "SELECT last_number FROM receipt_sequences WHERE branch_id = ?1 AND year = ?2";
inline constexpr const char* kUpsertReceiptSequence =
    "INSERT INTO receipt_sequences (branch_id, year, last_number) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (branch_id, year) DO UPDATE SET last_number = ?3";
// ?1 cutoff (us), ?2 limit: the oldest finished cases not yet erased.
inline constexpr const char* kCasesToErase =
    "SELECT case_id FROM sim_cases WHERE erased = 0 AND finished_us < ?1 "
    "ORDER BY finished_us, case_id LIMIT ?2";
inline constexpr const char* kEraseCase =
    "UPDATE sim_cases SET phone = NULL, full_name = NULL, document_hash = NULL, "
    "document_last4 = NULL, contact = NULL, erased = 1 WHERE case_id = ?1";
inline constexpr const char* kEraseOutboxRecipients =
    "UPDATE outbox SET recipient = '' WHERE subject = ?1";

inline constexpr const char* kGetIdentityAttempts =
    "SELECT failures, locked_until_us FROM identity_attempts WHERE phone = ?1";
inline constexpr const char* kSaveIdentityAttempts =
    "INSERT INTO identity_attempts (phone, failures, locked_until_us) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (phone) DO UPDATE SET failures = ?2, locked_until_us = ?3";
inline constexpr const char* kDeleteIdentityAttempts =
    "DELETE FROM identity_attempts WHERE phone = ?1";

// The operator register.
inline constexpr const char* kGetSubscriber =
    "SELECT phone, operator_id, holder_name, document_type, document_hash, document_last4, "
    "no_sim_change, last_sim_change_us FROM subscribers WHERE phone = ?1";
inline constexpr const char* kSubscriberTopups =
    "SELECT amount_roubles FROM subscriber_topups WHERE phone = ?1 ORDER BY seq";
inline constexpr const char* kSubscriberCalls =
    "SELECT number FROM subscriber_calls WHERE phone = ?1 ORDER BY seq";
inline constexpr const char* kActiveCard =
    "SELECT iccid FROM sim_cards WHERE phone = ?1 AND state = 'active'";
inline constexpr const char* kSaveSubscriber =
    "INSERT INTO subscribers (phone, operator_id, holder_name, document_type, document_hash, "
    "document_last4, no_sim_change, last_sim_change_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT (phone) DO UPDATE SET operator_id = ?2, holder_name = ?3, document_type = ?4, "
    "document_hash = ?5, document_last4 = ?6, no_sim_change = ?7, last_sim_change_us = ?8";
inline constexpr const char* kDeleteTopups = "DELETE FROM subscriber_topups WHERE phone = ?1";
inline constexpr const char* kInsertTopup =
    "INSERT INTO subscriber_topups (phone, seq, amount_roubles) VALUES (?1, ?2, ?3)";
inline constexpr const char* kDeleteCalls = "DELETE FROM subscriber_calls WHERE phone = ?1";
inline constexpr const char* kInsertCall =
    "INSERT INTO subscriber_calls (phone, seq, number) VALUES (?1, ?2, ?3)";
inline constexpr const char* kGetCard = "SELECT phone, state FROM sim_cards WHERE iccid = ?1";
inline constexpr const char* kInsertActiveCard =
    "INSERT INTO sim_cards (iccid, phone, state, activated_us) VALUES (?1, ?2, 'active', ?3)";
inline constexpr const char* kBlockCard =
    "UPDATE sim_cards SET state = 'blocked', blocked_us = ?3 "
    "WHERE iccid = ?1 AND phone = ?2 AND state = 'active'";
inline constexpr const char* kSetLastSimChange =
    "UPDATE subscribers SET last_sim_change_us = ?2 WHERE phone = ?1";

// Blank cards.
inline constexpr const char* kGetStockCard =
    "SELECT iccid, branch_id, operator_id, state, case_id FROM sim_stock WHERE iccid = ?1";
inline constexpr const char* kInsertStockCard =
    "INSERT INTO sim_stock (iccid, branch_id, operator_id, state, case_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
inline constexpr const char* kIssueStockCard =
    "UPDATE sim_stock SET state = 2, case_id = ?2 WHERE iccid = ?1 AND state = 1";

// Outbox.
inline constexpr const char* kInsertOutbox =
    "INSERT INTO outbox (created_us, channel, recipient, text, subject) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
inline constexpr const char* kOutboxFor =
    "SELECT id, created_us, channel, recipient, text, subject FROM outbox WHERE subject = ?1 "
    "ORDER BY id";

// Appointments.
#define SHOP_QUEUE_BOOKING_COLUMNS                                                        \
  "booking_id, code, branch_id, service_prefix, slot_start_us, state, name, phone, email, " \
  "language, request_id, created_us, ticket_id, late_walk_in, reminded, finished_us, erased"

inline constexpr const char* kBookingCodeTaken = "SELECT 1 FROM bookings WHERE code = ?1";
inline constexpr const char* kBookingRequestTaken =
    "SELECT 1 FROM bookings WHERE branch_id = ?1 AND phone = ?2 AND request_id = ?3 "
    "AND erased = 0";
inline constexpr const char* kInsertBooking =
    "INSERT INTO bookings (code, branch_id, service_prefix, slot_start_us, state, name, phone, "
    "email, language, request_id, created_us, ticket_id, late_walk_in, reminded, finished_us, "
    "erased) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
// ?1 branch, ?2 booking id, ?3.. the mutable fields, ?13 the expected state,
// ?14 the expected slot start (us). Code, branch, service, request id and
// creation time never change. Personal data erased once is never written
// back, whatever the caller holds (and a caller marking it erased blanks it).
inline constexpr const char* kUpdateBooking =
    "UPDATE bookings SET slot_start_us = ?3, state = ?4, "
    "name = CASE WHEN erased OR ?15 THEN '' ELSE ?5 END, "
    "phone = CASE WHEN erased OR ?15 THEN '' ELSE ?6 END, "
    "email = CASE WHEN erased OR ?15 THEN '' ELSE ?7 END, language = ?8, ticket_id = ?9, "
    "late_walk_in = ?10, reminded = ?11, finished_us = ?12, erased = max(erased, ?15) "
    "WHERE booking_id = ?2 AND branch_id = ?1 AND state = ?13 AND slot_start_us = ?14";
inline constexpr const char* kGetBookingByCode =
    "SELECT " SHOP_QUEUE_BOOKING_COLUMNS " FROM bookings WHERE code = ?1";
inline constexpr const char* kGetBookingByRequest =
    "SELECT " SHOP_QUEUE_BOOKING_COLUMNS
    " FROM bookings WHERE branch_id = ?1 AND phone = ?2 AND request_id = ?3 AND erased = 0";
// Seats: active (1) and checked-in (2) bookings. ?1 branch, ?2 service,
// ?3 slot start (us); the range form ?3 from, ?4 to (us), [from, to).
inline constexpr const char* kCountSeatsTaken =
    "SELECT COUNT(*) FROM bookings WHERE branch_id = ?1 AND service_prefix = ?2 "
    "AND slot_start_us = ?3 AND state IN (1, 2)";
inline constexpr const char* kSeatsTakenBetween =
    "SELECT slot_start_us, COUNT(*) FROM bookings WHERE branch_id = ?1 AND service_prefix = ?2 "
    "AND slot_start_us >= ?3 AND slot_start_us < ?4 AND state IN (1, 2) "
    "GROUP BY slot_start_us ORDER BY slot_start_us";
// ?1 branch, ?2 service, ?3 phone, [?4, ?5) slot start (us), ?6 booking id
// left out.
inline constexpr const char* kCountActiveForPhone =
    "SELECT COUNT(*) FROM bookings WHERE branch_id = ?1 AND service_prefix = ?2 AND phone = ?3 "
    "AND slot_start_us >= ?4 AND slot_start_us < ?5 AND state = 1 AND booking_id <> ?6";
// ?1 before (us), ?2 limit; oldest slot first.
inline constexpr const char* kActiveStartedBefore =
    "SELECT " SHOP_QUEUE_BOOKING_COLUMNS " FROM bookings WHERE state = 1 AND slot_start_us < ?1 "
    "ORDER BY slot_start_us, booking_id LIMIT ?2";
inline constexpr const char* kBookingsToRemind =
    "SELECT " SHOP_QUEUE_BOOKING_COLUMNS " FROM bookings WHERE state = 1 AND slot_start_us < ?1 "
    "AND reminded = 0 ORDER BY slot_start_us, booking_id LIMIT ?2";
// ?1 cutoff (us), ?2 limit: the oldest finished bookings not yet erased.
inline constexpr const char* kBookingsToErase =
    "SELECT booking_id FROM bookings WHERE erased = 0 AND finished_us IS NOT NULL "
    "AND finished_us < ?1 ORDER BY finished_us, booking_id LIMIT ?2";
inline constexpr const char* kEraseBooking =
    "UPDATE bookings SET name = '', phone = '', email = '', erased = 1 WHERE booking_id = ?1";

}  // namespace shop::queue::sql
