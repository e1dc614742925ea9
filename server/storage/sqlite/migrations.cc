#include "server/storage/sqlite/migrations.h"

#include <iterator>

#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

namespace {

// Times are microseconds since the Unix epoch (UTC); enums are stored as
// their integer values.
// Migration N brings the schema from version N to N+1. Never edit a released
// migration; append a new one.
constexpr const char* kMigrations[] = {
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
    // 2 -> 3: the audit log, a hash chain (see server/domain/audit/audit.h). The
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
    // 5 -> 6: SIM-replacement cases (server/domain/cases/sim_case.h), the embedded
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
    // 6 -> 7: appointments (server/domain/booking/booking.h).
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
    // 9 -> 10: hall devices' last reported status (server/domain/staff/device.h).
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
    // 12 -> 13: how many walk-in tickets wait, per branch, service and tier
    // (1 priority, 2 plain; QueueTier's values), kept by triggers so no
    // writer can forget it. "How many are ahead of the ticket just issued"
    // is then this count less the few behind it, instead of a walk over
    // the whole queue (see SqliteTicketRepo::CountWaiting).
    R"sql(
CREATE TABLE waiting_tally (
  branch_id      TEXT NOT NULL,
  service_prefix TEXT NOT NULL,
  tier           INTEGER NOT NULL,
  waiting        INTEGER NOT NULL,
  PRIMARY KEY (branch_id, service_prefix, tier)
) STRICT, WITHOUT ROWID;
INSERT INTO waiting_tally (branch_id, service_prefix, tier, waiting)
  SELECT branch_id, service_prefix, CASE WHEN priority > 0 THEN 1 ELSE 2 END, COUNT(*)
  FROM tickets WHERE state = 1 AND origin = 1 GROUP BY 1, 2, 3;
CREATE TRIGGER waiting_tally_insert AFTER INSERT ON tickets
  WHEN NEW.state = 1 AND NEW.origin = 1
BEGIN
  INSERT INTO waiting_tally (branch_id, service_prefix, tier, waiting)
    VALUES (NEW.branch_id, NEW.service_prefix, CASE WHEN NEW.priority > 0 THEN 1 ELSE 2 END, 1)
    ON CONFLICT DO UPDATE SET waiting = waiting + 1;
END;
CREATE TRIGGER waiting_tally_leave
  AFTER UPDATE OF state, origin, priority, service_prefix, branch_id ON tickets
  WHEN OLD.state = 1 AND OLD.origin = 1
BEGIN
  UPDATE waiting_tally SET waiting = waiting - 1
    WHERE branch_id = OLD.branch_id AND service_prefix = OLD.service_prefix
      AND tier = CASE WHEN OLD.priority > 0 THEN 1 ELSE 2 END;
END;
CREATE TRIGGER waiting_tally_enter
  AFTER UPDATE OF state, origin, priority, service_prefix, branch_id ON tickets
  WHEN NEW.state = 1 AND NEW.origin = 1
BEGIN
  INSERT INTO waiting_tally (branch_id, service_prefix, tier, waiting)
    VALUES (NEW.branch_id, NEW.service_prefix, CASE WHEN NEW.priority > 0 THEN 1 ELSE 2 END, 1)
    ON CONFLICT DO UPDATE SET waiting = waiting + 1;
END;
CREATE TRIGGER waiting_tally_delete AFTER DELETE ON tickets
  WHEN OLD.state = 1 AND OLD.origin = 1
BEGIN
  UPDATE waiting_tally SET waiting = waiting - 1
    WHERE branch_id = OLD.branch_id AND service_prefix = OLD.service_prefix
      AND tier = CASE WHEN OLD.priority > 0 THEN 1 ELSE 2 END;
END;
)sql",
    // 13 -> 14: the outbox's delivery (server/domain/outbox/outbox_repo.h):
    //  - state: 0 pending (due at next_try_us), 1 sent (sent_us set), 2 dead;
    //    attempts counts failed tries; last_error is the last one's (bounded, no
    //    personal data); language: 1 ru, 2 en, 3 zh, 0 unknown (older rows).
    //  and the "turn is near" phones (ticket_notices).
    R"sql(
ALTER TABLE outbox ADD COLUMN state INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_try_us INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN language INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_due ON outbox (next_try_us, id) WHERE state = 0;
UPDATE outbox SET state = 1 WHERE sent_us IS NOT NULL;
UPDATE outbox SET next_try_us = created_us WHERE state = 0;
DROP INDEX outbox_unsent;
CREATE TABLE ticket_notices (
  ticket_id   INTEGER PRIMARY KEY REFERENCES tickets(ticket_id),
  phone       TEXT NOT NULL,
  language    INTEGER NOT NULL,
  notified_us INTEGER
) STRICT;
)sql",
    // 14 -> 15: the remote route of a SIM replacement (issue 17).
    //  - sim_cases: ticket_id becomes nullable (a remote case has no ticket;
    //    NULLs never collide in sim_cases_one_per_ticket) and route is added
    //    (1 counter, 2 remote: CaseRoute); a counter case has a ticket and a
    //    remote case none. SQLite cannot drop a NOT NULL, so the table is
    //    rebuilt as its documented procedure says ("Making Other Kinds Of
    //    Table Schema Changes": create the new table, copy, drop, rename,
    //    recreate the indexes). Migrate runs this with foreign keys off and
    //    checks them before it commits: sim_case_records and sim_stock
    //    point at sim_cases. sim_cases has no triggers or views of its own.
    //  - sim_cases_remote_open: the unfinished remote cases by state (the
    //    review and dispatch queues, and the expiry sweep: every unfinished
    //    application expires within days, so this set stays small).
    //  - remote_cases: what only a remote case has (RemoteDetails), one row
    //    per remote case; delivery 1 post, 2 pickup; language 1 ru, 2 en,
    //    3 zh; expires_us: an unfinished application is cancelled then
    //    (never: the largest integer). tracking_number is '' once the case
    //    is erased.
    //  - case_photos: the application's photos, sealed with the
    //    personal-data key; image_type 1 JPEG, 2 PNG (ImageType). Deleted
    //    with the case's personal data. A rowid table: rows are large.
    //  - subscribers: the contact (mobile or e-mail) and postal address on
    //    record ('' for none) and when the contact last changed.
    R"sql(
CREATE TABLE sim_cases_new (
  case_id         INTEGER PRIMARY KEY,
  branch_id       TEXT NOT NULL REFERENCES branches(branch_id),
  ticket_id       INTEGER REFERENCES tickets(ticket_id),
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
  erased          INTEGER NOT NULL DEFAULT 0,
  route           INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT sim_cases_route_ticket
    CHECK ((route = 1 AND ticket_id IS NOT NULL) OR (route = 2 AND ticket_id IS NULL))
) STRICT;
INSERT INTO sim_cases_new (case_id, branch_id, ticket_id, counter_id, opened_by, opened_us,
    state, phone, operator_id, reason, full_name, document_type, document_hash,
    document_last4, contact, question, identity_passed, fee_roubles, payment,
    receipt_number, old_iccid, new_iccid, refunded, finished_us, erased, route)
  SELECT case_id, branch_id, ticket_id, counter_id, opened_by, opened_us, state, phone,
    operator_id, reason, full_name, document_type, document_hash, document_last4, contact,
    question, identity_passed, fee_roubles, payment, receipt_number, old_iccid, new_iccid,
    refunded, finished_us, erased, 1
  FROM sim_cases;
DROP TABLE sim_cases;
ALTER TABLE sim_cases_new RENAME TO sim_cases;
CREATE UNIQUE INDEX sim_cases_one_per_ticket ON sim_cases (ticket_id) WHERE state <> 8;
CREATE INDEX sim_cases_to_erase ON sim_cases (finished_us) WHERE erased = 0;
CREATE INDEX sim_cases_open_by_phone ON sim_cases (phone)
  WHERE phone IS NOT NULL AND state NOT IN (7, 8);
CREATE INDEX sim_cases_remote_open ON sim_cases (state, case_id)
  WHERE route = 2 AND state NOT IN (7, 8);
CREATE TABLE remote_cases (
  case_id              INTEGER PRIMARY KEY REFERENCES sim_cases(case_id),
  reference_hash       TEXT NOT NULL UNIQUE,
  delivery             INTEGER NOT NULL CHECK (delivery IN (1, 2)),
  pickup_branch_id     TEXT NOT NULL DEFAULT '',
  language             INTEGER NOT NULL,
  document_matches     INTEGER NOT NULL DEFAULT 0,
  risk_score           INTEGER NOT NULL DEFAULT 0,
  risk_factors         TEXT NOT NULL DEFAULT '',
  first_approver       TEXT NOT NULL DEFAULT '',
  reviewer             TEXT NOT NULL DEFAULT '',
  decision_reason      TEXT NOT NULL DEFAULT '',
  activation_code_hash TEXT NOT NULL DEFAULT '',
  tracking_number      TEXT NOT NULL DEFAULT '',
  expires_us           INTEGER NOT NULL
) STRICT;
CREATE TABLE case_photos (
  case_id    INTEGER NOT NULL REFERENCES sim_cases(case_id),
  kind       TEXT NOT NULL,
  image_type INTEGER NOT NULL,
  sealed     BLOB NOT NULL,
  PRIMARY KEY (case_id, kind)
) STRICT;
ALTER TABLE subscribers ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE subscribers ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE subscribers ADD COLUMN contact_changed_us INTEGER;
)sql",
};

constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";
constexpr const char* kGetVersion = "SELECT version FROM schema_version";
constexpr const char* kHasVersionTable =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
constexpr const char* kInsertVersion = "INSERT INTO schema_version (version) VALUES (?1)";
constexpr const char* kSetVersion = "UPDATE schema_version SET version = ?1";
// Rows whose reference finds no row: table, rowid, parent table, key id.
constexpr const char* kForeignKeyCheck = "PRAGMA foreign_key_check";

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

const char* MigrationSql(int version) { return kMigrations[version]; }

// For OpenMode::kExisting: OK only when `db` is a queue database at this
// program's schema version; changes nothing.
Status CheckVersion(Db& db) {
  auto has = db.Prepare(kHasVersionTable);
  if (!has.ok()) return has.status();
  const bool table = (*has)->Step() && (*has)->Int(0) > 0;
  QUEUE_RETURN_IF_ERROR((*has)->status());
  (*has)->Reset();
  if (!table)
    return Status::FailedPrecondition("not a queue-server database (it has no schema version)");
  auto get = db.Prepare(kGetVersion);
  if (!get.ok()) return get.status();
  const int64_t version = (*get)->Step() ? (*get)->Int(0) : 0;
  QUEUE_RETURN_IF_ERROR((*get)->status());
  (*get)->Reset();
  const int64_t latest = LatestSchemaVersion();
  if (version > latest)
    return Status::FailedPrecondition("schema version " + std::to_string(version) +
                                      " is newer than this program's (" +
                                      std::to_string(latest) + "); upgrade the program");
  if (version < latest)
    return Status::FailedPrecondition("schema version " + std::to_string(version) +
                                      " is older than this program's (" +
                                      std::to_string(latest) +
                                      "); start queue-server on this database once to migrate it");
  return Status::Ok();
}

namespace {

// The migrations from the database's version on, inside one BEGIN IMMEDIATE
// transaction; with foreign keys off (Migrate), so they are checked here
// before COMMIT whenever a migration ran.
Status MigrateInTransaction(Db& db) {
  QUEUE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  auto body = [&]() -> Status {
    auto get = db.Prepare(kGetVersion);
    if (!get.ok()) return get.status();
    bool has_row = (*get)->Step();
    int64_t version = has_row ? (*get)->Int(0) : 0;
    QUEUE_RETURN_IF_ERROR((*get)->status());
    (*get)->Reset();
    if (!has_row) {
      auto ins = db.Prepare(kInsertVersion);
      if (!ins.ok()) return ins.status();
      (*ins)->Bind(1, int64_t{0});
      QUEUE_RETURN_IF_ERROR((*ins)->Run());
    }
    const int64_t latest = LatestSchemaVersion();
    if (version > latest)
      return Status::FailedPrecondition("database schema version " + std::to_string(version) +
                                        " is newer than this server (" + std::to_string(latest) +
                                        "); upgrade the server");
    for (int64_t v = version; v < latest; ++v) {
      QUEUE_RETURN_IF_ERROR(db.Exec(kMigrations[v]));
      auto set = db.Prepare(kSetVersion);
      if (!set.ok()) return set.status();
      (*set)->Bind(1, v + 1);
      QUEUE_RETURN_IF_ERROR((*set)->Run());
    }
    if (version == latest) return Status::Ok();
    // Every reference still finds its row (SQLite's procedure for table
    // rebuilds: foreign_key_check before committing).
    auto check = db.Prepare(kForeignKeyCheck);
    if (!check.ok()) return check.status();
    std::string broken;
    if ((*check)->Step()) broken = (*check)->Text(0) + " -> " + (*check)->Text(2);
    QUEUE_RETURN_IF_ERROR((*check)->status());
    (*check)->Reset();
    if (!broken.empty())
      return Status::FailedPrecondition("migrating the schema from version " +
                                        std::to_string(version) +
                                        " would break a foreign key (" + broken + ")");
    return Status::Ok();
  };
  Status st = body();
  if (!st.ok()) {
    db.ResetAll();
    (void)db.Exec("ROLLBACK");
    return st;
  }
  return db.Exec("COMMIT");
}

}  // namespace

Status Migrate(Db& db) {
  QUEUE_RETURN_IF_ERROR(db.Exec(kCreateVersionTable));
  // A migration may rebuild a table that others point at (14 -> 15 rebuilds
  // sim_cases): as SQLite's procedure for schema changes says, foreign keys
  // are off while it runs (the pragma does nothing inside a transaction),
  // checked before the commit, and on again afterwards, whatever happened.
  QUEUE_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys=OFF"));
  Status st = MigrateInTransaction(db);
  Status on = db.Exec("PRAGMA foreign_keys=ON");
  QUEUE_RETURN_IF_ERROR(st);
  return on;
}

}  // namespace shop::queue::sqlite
