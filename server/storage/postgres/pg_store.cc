#include "server/storage/postgres/pg_store.h"

#include <unistd.h>

#include "server/crypto/sha256.h"
#include "server/storage/postgres/audit_repo.h"
#include "server/storage/postgres/booking_repo.h"
#include "server/storage/postgres/case_repo.h"
#include "server/storage/postgres/migrations.h"
#include "server/storage/postgres/outbox_repo.h"
#include "server/storage/postgres/pg_engine.h"
#include "server/storage/postgres/replicas.h"
#include "server/storage/postgres/report_repo.h"
#include "server/storage/postgres/staff_repo.h"
#include "server/storage/postgres/ticket_repo.h"

namespace shop::queue {

using pg::Conn;

namespace {

constexpr pg::Statement kUpsertBranch{
    "upsert_branch",
    "INSERT INTO branches (branch_id, display_name, time_zone) VALUES ($1, $2, $3) "
    "ON CONFLICT (branch_id) DO UPDATE SET display_name = $2, time_zone = $3"};
constexpr pg::Statement kUpsertService{
    "upsert_service",
    "INSERT INTO services (branch_id, prefix, name_ru, name_en, name_zh) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (branch_id, prefix) DO UPDATE SET "
    "name_ru = $3, name_en = $4, name_zh = $5"};
constexpr pg::Statement kUpsertCounterConfig{
    "upsert_counter_config",
    "INSERT INTO counters (branch_id, counter_id, display_name) VALUES ($1, $2, $3) "
    "ON CONFLICT (branch_id, counter_id) DO UPDATE SET display_name = $3"};
constexpr pg::Statement kReadAudit{
    "read_audit",
    "SELECT seq, at_us, actor, action, subject, detail, prev_hash, hash FROM audit_log "
    "WHERE seq > $1 ORDER BY seq LIMIT $2"};

// The repositories of one transaction over the connection that runs it. A
// read hands it out as a ReadTx: only the reading halves.
class PgTx final : public WriteTx {
 public:
  PgTx(Conn& conn, bool writing)
      : tickets_(conn, writing),
        cases_(conn, writing),
        bookings_(conn, writing),
        staff_(conn, writing),
        outbox_(conn, writing),
        audit_(conn, writing),
        reports_(conn) {}
  TicketRepo& tickets() override { return tickets_; }
  CaseRepo& cases() override { return cases_; }
  BookingRepo& bookings() override { return bookings_; }
  StaffRepo& staff() override { return staff_; }
  OutboxRepo& outbox() override { return outbox_; }
  AuditRepo& audit() override { return audit_; }
  ReportReader& reports() override { return reports_; }

 private:
  pg::PgTicketRepo tickets_;
  pg::PgCaseRepo cases_;
  pg::PgBookingRepo bookings_;
  pg::PgStaffRepo staff_;
  pg::PgOutboxRepo outbox_;
  pg::PgAuditRepo audit_;
  pg::PgReportRepo reports_;
};

}  // namespace

pg::Options PgStoreOptions::DefaultConnectionOptions() {
  pg::Options o;
  o.connect_timeout = std::chrono::seconds(3);
  o.statement_timeout = std::chrono::seconds(10);
  o.lock_timeout = std::chrono::seconds(5);
  o.idle_in_transaction_session_timeout = std::chrono::seconds(60);
  o.tcp_user_timeout = std::chrono::seconds(10);
  // Which replica a session belongs to, for pg_stat_activity.
  o.application_name = "queue-server/" + std::to_string(getpid());
  return o;
}

int PgStore::LatestSchemaVersion() { return pg::LatestSchemaVersion(); }

Result<std::unique_ptr<PgStore>> PgStore::Open(const std::string& uri, PgStoreOptions options) {
  auto writer = Conn::Open(uri, options.connection);
  if (!writer.ok()) return writer.status();
  const bool existing = options.mode == PgStoreOptions::OpenMode::kExisting;
  QUEUE_RETURN_IF_ERROR(existing ? pg::CheckVersion(**writer) : pg::Migrate(**writer));
  pg::EngineOptions engine{options.reader_connections, options.connection, options.on_batch};
  auto started = std::make_unique<pg::Engine>(uri, engine, std::move(writer).value());
  return std::unique_ptr<PgStore>(new PgStore(uri, std::move(options), std::move(started)));
}

PgStore::PgStore(std::string uri, PgStoreOptions options, std::unique_ptr<pg::Engine> engine)
    : uri_(std::move(uri)),
      options_(std::move(options)),
      engine_(std::move(engine)),
      lease_(std::make_unique<pg::BackgroundLease>(uri_, options_.connection)) {}

PgStore::~PgStore() { (void)WatchChanges(nullptr); }

bool PgStore::WatchChanges(std::function<void(const std::string& branch_id)> on_change) {
  std::lock_guard lock(feed_mu_);
  feed_.reset();  // waits for a call under way
  if (on_change)
    feed_ = std::make_unique<pg::ChangeFeed>(uri_, options_.connection, std::move(on_change));
  return true;
}

bool PgStore::LeadsBackgroundWork() { return lease_->Held(); }

Status PgStore::Write(const std::function<Status(WriteTx&)>& fn) {
  return engine_->Write([&](Conn& conn) {
    PgTx tx(conn, /*writing=*/true);
    return fn(tx);
  });
}

Status PgStore::Read(const std::function<Status(ReadTx&)>& fn) {
  return engine_->Read([&](Conn& conn) {
    PgTx tx(conn, /*writing=*/false);
    return fn(static_cast<ReadTx&>(tx));
  });
}

Status PgStore::SyncConfig(const ServerConfig& config) {
  return engine_->Write([&](Conn& conn) -> Status {
    for (const auto& b : config.branches) {
      QUEUE_RETURN_IF_ERROR(
          conn.Query(kUpsertBranch, {b.branch_id, b.display_name, b.time_zone_name}).status());
      for (const auto& s : b.services)
        QUEUE_RETURN_IF_ERROR(conn.Query(kUpsertService, {b.branch_id, s.prefix, s.names[0],
                                                          s.names[1], s.names[2]})
                                  .status());
      for (const auto& c : b.counters)
        QUEUE_RETURN_IF_ERROR(
            conn.Query(kUpsertCounterConfig, {b.branch_id, c.counter_id, c.display_name})
                .status());
    }
    return Status::Ok();
  });
}

Result<AuditVerdict> PgStore::VerifyAudit() {
  AuditChainVerifier verifier(crypto::Sha256Hex);
  Status st = engine_->Read([&](Conn& conn) -> Status {
    int64_t after = 0;
    bool more = true;
    while (more && !verifier.first_broken()) {
      auto rows = conn.Query(kReadAudit, {after, int64_t{10000}});
      if (!rows.ok()) return rows.status();
      more = false;
      for (int i = 0; i < rows->size(); ++i) {
        AuditRecord r{rows->Int(i, "seq"),          absl::FromUnixMicros(rows->Int(i, "at_us")),
                      rows->Text(i, "actor"),       rows->Text(i, "action"),
                      rows->Text(i, "subject"),     rows->Text(i, "detail"),
                      rows->Text(i, "prev_hash"),   rows->Text(i, "hash")};
        after = r.seq;
        more = true;
        if (!verifier.Feed(r)) break;
      }
      QUEUE_RETURN_IF_ERROR(rows->status());
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return AuditVerdict{verifier.checked(), verifier.first_broken(), verifier.why()};
}

int64_t PgStore::commit_count() const { return engine_->commit_count(); }
int64_t PgStore::write_count() const { return engine_->write_count(); }
int64_t PgStore::queued_count() const { return engine_->queued_count(); }

}  // namespace shop::queue
