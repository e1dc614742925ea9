// The storage interface the domain needs, split by area: each area's
// repository lives beside its domain code (queue/ticket_repo.h,
// cases/case_repo.h, booking/booking_repo.h, staff/staff_repo.h,
// audit/audit_repo.h, outbox/outbox_repo.h). The engines live in
// server/storage: SQLite (one shop) and PostgreSQL (a chain).
//
// A transaction hands out the repositories. A read transaction (ReadTx)
// hands out only their reading halves (TicketReader, ...), so a write inside
// a read does not compile; a write transaction (WriteTx) hands out the whole
// repositories (TicketRepo, ...) and can stand in for a ReadTx.
//
// Store::Write runs `fn` inside a write transaction and returns only after
// that transaction is durably committed (or failed). Implementations may
// commit several callers' functions in one transaction (group commit); each
// function still sees its own effects and the effects of those before it,
// and a function that returns non-OK has its own changes rolled back without
// failing its neighbours. `fn` may run on another thread, and may run again
// after a lost race the engine retries (a deadlock between replicas): it must
// not block on anything but the transaction it is given, and must have no
// effects outside it.
//
// Store::Read runs `fn` on a consistent snapshot. Reads do not wait for the
// writer.
//
// Implementations are thread-safe.
#pragma once

#include <functional>
#include <string>

#include "server/domain/audit/audit_repo.h"
#include "server/domain/booking/booking_repo.h"
#include "server/domain/cases/case_repo.h"
#include "server/domain/common/branch.h"
#include "server/domain/common/status.h"
#include "server/domain/outbox/outbox_repo.h"
#include "server/domain/queue/ticket_repo.h"
#include "server/domain/report/report_repo.h"
#include "server/domain/staff/staff_repo.h"

namespace shop::queue {

class ReadTx {
 public:
  virtual ~ReadTx() = default;
  virtual TicketReader& tickets() = 0;
  virtual CaseReader& cases() = 0;
  virtual BookingReader& bookings() = 0;
  virtual StaffReader& staff() = 0;
  virtual OutboxReader& outbox() = 0;
  // The rows reports read (server/domain/report/report_repo.h).
  virtual ReportReader& reports() = 0;
};

class WriteTx : public ReadTx {
 public:
  TicketRepo& tickets() override = 0;
  CaseRepo& cases() override = 0;
  BookingRepo& bookings() override = 0;
  StaffRepo& staff() override = 0;
  OutboxRepo& outbox() override = 0;
  virtual AuditRepo& audit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  [[nodiscard]] virtual Status Write(const std::function<Status(WriteTx&)>& fn) = 0;
  [[nodiscard]] virtual Status Read(const std::function<Status(ReadTx&)>& fn) = 0;
  // Makes the stored branches, services and counters match the configuration
  // (adds and updates; never deletes anything that tickets refer to).
  [[nodiscard]] virtual Status SyncConfig(const ServerConfig& config) = 0;

  // For a database several servers share: from now on calls
  // `on_change(branch_id)`, on a thread of the store's, after any server
  // (this one too) commits a change to what a branch's board shows; with ""
  // after a gap in which changes may have been missed (every branch).
  // nullptr stops it (and waits for a call under way). Returns false when no
  // other server writes this store (SQLite): nothing is ever called.
  virtual bool WatchChanges(std::function<void(const std::string& branch_id)> on_change) {
    (void)on_change;
    return false;
  }
  // Whether this server may run the background work now (expiry, no-shows,
  // reminders, retention): always, on a store it alone uses; on a shared
  // database one server at a time, and another takes over when it dies.
  virtual bool LeadsBackgroundWork() { return true; }
};

}  // namespace shop::queue
