#include "server/domain/staff/device_manager.h"

namespace shop::queue {

Result<const BranchConfig*> DeviceManager::Branch(const std::string& branch_id) const {
  if (branch_id.empty()) return Status::InvalidArgument("branch_id", "branch_id is required");
  const BranchConfig* b = config_.FindBranch(branch_id);
  if (!b) return Status::NotFound("branch " + Quoted(branch_id) + " does not exist");
  return b;
}

Result<DeviceReportResult> DeviceManager::Report(const Principal& who,
                                                 const std::string& branch_id,
                                                 PrinterState state, const std::string& detail) {
  auto b = Branch(branch_id);
  if (!b.ok()) return b.status();
  if (who.role != Role::kKiosk)
    return Status::PermissionDenied("only a kiosk reports its device status");
  if (who.branch_id != branch_id)
    return Status::PermissionDenied("this kiosk belongs to branch " + who.branch_id);
  QUEUE_RETURN_IF_ERROR(ValidateDeviceDetail(detail));
  const absl::Time now = clock_.Now();
  DeviceReportResult out;
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    auto prior = tx.staff().GetDeviceStatus(branch_id, who.id);
    if (!prior.ok()) return prior.status();
    out.before.reset();
    if (*prior) out.before = (*prior)->printer_state;
    out.status = ApplyDeviceReport(*prior, branch_id, who.id, state, detail, now);
    return tx.staff().SaveDeviceStatus(out.status);
  });
  if (!st.ok()) return st;
  if (out.changed()) boards_.PublishBoardState(branch_id);
  return out;
}

Result<std::vector<DeviceStatus>> DeviceManager::List(const std::string& branch_id) {
  auto b = Branch(branch_id);
  if (!b.ok()) return b.status();
  std::vector<DeviceStatus> out;
  Status st = store_.Read([&](ReadTx& tx) -> Status {
    auto all = tx.staff().ListDeviceStatus(branch_id);
    if (!all.ok()) return all.status();
    out = std::move(*all);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  SortForStaff(out);
  return out;
}

}  // namespace shop::queue
