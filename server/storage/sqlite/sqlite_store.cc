#include "server/storage/sqlite/sqlite_store.h"

#include <filesystem>

#include "server/crypto/sha256.h"
#include "server/storage/sqlite/audit_repo.h"
#include "server/storage/sqlite/booking_repo.h"
#include "server/storage/sqlite/case_repo.h"
#include "server/storage/sqlite/migrations.h"
#include "server/storage/sqlite/outbox_repo.h"
#include "server/storage/sqlite/report_repo.h"
#include "server/storage/sqlite/sql.h"
#include "server/storage/sqlite/sqlite_db.h"
#include "server/storage/sqlite/staff_repo.h"
#include "server/storage/sqlite/ticket_repo.h"
#include "server/storage/sqlite/write_engine.h"

namespace shop::queue {

using sqlite::Db;
using sqlite::Stmt;

namespace {

constexpr const char* kUpsertBranch =
    "INSERT INTO branches (branch_id, display_name, time_zone) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (branch_id) DO UPDATE SET display_name = ?2, time_zone = ?3";
constexpr const char* kUpsertService =
    "INSERT INTO services (branch_id, prefix, name_ru, name_en, name_zh) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (branch_id, prefix) DO UPDATE SET "
    "name_ru = ?3, name_en = ?4, name_zh = ?5";
constexpr const char* kUpsertCounterConfig =
    "INSERT INTO counters (branch_id, counter_id, display_name) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (branch_id, counter_id) DO UPDATE SET display_name = ?3";
constexpr const char* kReadAudit =
    "SELECT seq, at_us, actor, action, subject, detail, prev_hash, hash FROM audit_log "
    "WHERE seq > ?1 ORDER BY seq LIMIT ?2";

// The repositories of one transaction over the connection that runs it. A
// read hands it out as a ReadTx: only the reading halves.
class SqliteTx final : public WriteTx {
 public:
  explicit SqliteTx(Db& db)
      : tickets_(db),
        cases_(db),
        bookings_(db),
        staff_(db),
        outbox_(db),
        audit_(db),
        reports_(db) {}
  TicketRepo& tickets() override { return tickets_; }
  CaseRepo& cases() override { return cases_; }
  BookingRepo& bookings() override { return bookings_; }
  StaffRepo& staff() override { return staff_; }
  OutboxRepo& outbox() override { return outbox_; }
  AuditRepo& audit() override { return audit_; }
  ReportReader& reports() override { return reports_; }

 private:
  sqlite::SqliteTicketRepo tickets_;
  sqlite::SqliteCaseRepo cases_;
  sqlite::SqliteBookingRepo bookings_;
  sqlite::SqliteStaffRepo staff_;
  sqlite::SqliteOutboxRepo outbox_;
  sqlite::SqliteAuditRepo audit_;
  sqlite::SqliteReportRepo reports_;
};

}  // namespace

int SqliteStore::LatestSchemaVersion() { return sqlite::LatestSchemaVersion(); }

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       SqliteStoreOptions options) {
  const bool existing = options.mode == SqliteStoreOptions::OpenMode::kExisting;
  if (existing) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      return Status::NotFound("database " + path + " does not exist");
  }
  // Without the CREATE flag as well, so a file removed meanwhile is not
  // created either.
  auto writer = Db::Open(path, existing ? Db::Mode::kReadWriteExisting : Db::Mode::kReadWrite);
  if (!writer.ok()) return writer.status();
  QUEUE_RETURN_IF_ERROR(existing ? sqlite::CheckVersion(**writer) : sqlite::Migrate(**writer));
  if (options.max_page_count > 0)
    QUEUE_RETURN_IF_ERROR(
        (*writer)->Exec("PRAGMA max_page_count=" + std::to_string(options.max_page_count)));
  sqlite::WriteEngineOptions engine{options.reader_connections, options.checkpoint_interval,
                                    options.fault_hook, options.on_batch};
  return std::unique_ptr<SqliteStore>(new SqliteStore(
      path, std::make_unique<sqlite::WriteEngine>(path, engine, std::move(writer).value())));
}

SqliteStore::SqliteStore(std::string path, std::unique_ptr<sqlite::WriteEngine> engine)
    : path_(std::move(path)), engine_(std::move(engine)) {}

SqliteStore::~SqliteStore() = default;

Status SqliteStore::Write(const std::function<Status(WriteTx&)>& fn) {
  return engine_->Write([&](Db& db) {
    SqliteTx tx(db);
    return fn(tx);
  });
}

Status SqliteStore::Read(const std::function<Status(ReadTx&)>& fn) {
  return engine_->Read([&](Db& db) {
    SqliteTx tx(db);
    return fn(static_cast<ReadTx&>(tx));
  });
}

Status SqliteStore::SyncConfig(const ServerConfig& config) {
  // Runs on the writer thread, which owns the writer connection.
  return engine_->Write([&](Db& db) -> Status {
    for (const auto& b : config.branches) {
      auto st = db.Prepare(kUpsertBranch);
      if (!st.ok()) return st.status();
      (*st)->Bind(1, b.branch_id).Bind(2, b.display_name).Bind(3, b.time_zone_name);
      QUEUE_RETURN_IF_ERROR((*st)->Run());
      for (const auto& s : b.services) {
        auto sv = db.Prepare(kUpsertService);
        if (!sv.ok()) return sv.status();
        (*sv)->Bind(1, b.branch_id).Bind(2, s.prefix).Bind(3, s.names[0]);
        (*sv)->Bind(4, s.names[1]).Bind(5, s.names[2]);
        QUEUE_RETURN_IF_ERROR((*sv)->Run());
      }
      for (const auto& c : b.counters) {
        auto cs = db.Prepare(kUpsertCounterConfig);
        if (!cs.ok()) return cs.status();
        (*cs)->Bind(1, b.branch_id).Bind(2, c.counter_id).Bind(3, c.display_name);
        QUEUE_RETURN_IF_ERROR((*cs)->Run());
      }
    }
    return Status::Ok();
  });
}

Result<std::string> SqliteStore::IntegrityCheck() {
  auto db = Db::Open(path_, Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare("PRAGMA integrity_check");
  if (!st.ok()) return st.status();
  std::string out;
  while ((*st)->Step()) {
    if (!out.empty()) out += "\n";
    out += (*st)->Text(0);
  }
  QUEUE_RETURN_IF_ERROR((*st)->status());
  return out;
}

Result<AuditVerdict> SqliteStore::VerifyAudit() {
  auto db = Db::Open(path_, Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  QUEUE_RETURN_IF_ERROR((*db)->Run(sql::kBegin));  // one snapshot for the whole walk
  AuditChainVerifier verifier(crypto::Sha256Hex);
  int64_t after = 0;
  bool more = true;
  while (more && !verifier.first_broken()) {
    auto st = (*db)->Prepare(kReadAudit);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, after).Bind(2, int64_t{10000});
    more = false;
    while (s.Step()) {
      AuditRecord r{s.Int(0), absl::FromUnixMicros(s.Int(1)), s.Text(2), s.Text(3),
                    s.Text(4), s.Text(5), s.Text(6), s.Text(7)};
      after = r.seq;
      more = true;
      if (!verifier.Feed(r)) break;
    }
    QUEUE_RETURN_IF_ERROR(s.status());
  }
  (*db)->ResetAll();
  (void)(*db)->Run(sql::kCommit);
  return AuditVerdict{verifier.checked(), verifier.first_broken(), verifier.why()};
}

int64_t SqliteStore::write_count() const { return engine_->write_count(); }
int64_t SqliteStore::queued_count() const { return engine_->queued_count(); }
int64_t SqliteStore::commit_count() const { return engine_->commit_count(); }

}  // namespace shop::queue
