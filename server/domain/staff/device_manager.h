// DeviceManager: the use cases of hall devices' status: a kiosk reports its
// printer's state, staff list the branch's devices. The status is stored
// (a fault survives a server restart) and a change is pushed to the boards
// watching the branch, after commit.
//
// Knows nothing of gRPC or SQL. Thread-safe; does not own the Store, Clock
// or QueueManager (which feeds the boards), which must outlive it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/domain/staff/auth.h"
#include "server/domain/common/clock.h"
#include "server/domain/staff/device.h"
#include "server/domain/queue/queue_manager.h"
#include "server/domain/store.h"

namespace shop::queue {

// What a report did.
struct DeviceReportResult {
  DeviceStatus status;                 // as stored
  std::optional<PrinterState> before;  // the state before, if it had reported
  // The printer state is new (or the device's first report).
  bool changed() const { return !before || *before != status.printer_state; }
};

class DeviceManager {
 public:
  DeviceManager(const ServerConfig& config, Store& store, const Clock& clock,
                QueueManager& boards)
      : config_(config), store_(store), clock_(clock), boards_(boards) {}

  // The calling kiosk `who` reports its printer: the device is `who`'s own
  // (never one named in a request), in `branch_id`, which must be its
  // branch (PERMISSION_DENIED otherwise, and for a caller that is no kiosk).
  // INVALID_ARGUMENT naming "detail" for a bad detail (ValidateDeviceDetail).
  Result<DeviceReportResult> Report(const Principal& who, const std::string& branch_id,
                                    PrinterState state, const std::string& detail);

  // The branch's devices that have reported, in staff order (SortForStaff).
  Result<std::vector<DeviceStatus>> List(const std::string& branch_id);

 private:
  Result<const BranchConfig*> Branch(const std::string& branch_id) const;

  const ServerConfig& config_;
  Store& store_;
  const Clock& clock_;
  QueueManager& boards_;
};

}  // namespace shop::queue
