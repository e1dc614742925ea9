#include "server/domain/staff/device.h"

#include <algorithm>

#include "server/domain/common/personal_data.h"

namespace shop::queue {

const char* PrinterStateName(PrinterState s) {
  switch (s) {
    case PrinterState::kOk: return "ok";
    case PrinterState::kOutOfPaper: return "out of paper";
    case PrinterState::kOffline: return "offline";
    case PrinterState::kError: return "error";
    case PrinterState::kNone: return "none";
  }
  return "unknown";
}

bool NeedsStaff(PrinterState s) { return s != PrinterState::kOk && s != PrinterState::kNone; }

Status ValidateDeviceDetail(std::string_view detail) {
  const auto chars = DecodeUtf8(detail);
  if (!chars) return Status::InvalidArgument("detail", "detail is not valid UTF-8 text");
  if (chars->size() > kMaxDeviceDetailChars)
    return Status::InvalidArgument("detail", "detail must be at most " +
                                                 std::to_string(kMaxDeviceDetailChars) +
                                                 " characters");
  for (char32_t c : *chars)
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
      return Status::InvalidArgument("detail", "detail must be one line without control characters");
  return Status::Ok();
}

DeviceStatus ApplyDeviceReport(const std::optional<DeviceStatus>& prior, std::string branch_id,
                               std::string device_id, PrinterState state, std::string detail,
                               absl::Time now) {
  DeviceStatus d;
  d.branch_id = std::move(branch_id);
  d.device_id = std::move(device_id);
  d.printer_state = state;
  d.detail = std::move(detail);
  d.report_time = now;
  d.change_time = prior && prior->printer_state == state ? prior->change_time : now;
  return d;
}

void SortForStaff(std::vector<DeviceStatus>& devices) {
  std::sort(devices.begin(), devices.end(), [](const DeviceStatus& a, const DeviceStatus& b) {
    if (a.NeedsStaff() != b.NeedsStaff()) return a.NeedsStaff();
    return a.device_id < b.device_id;
  });
}

std::vector<DeviceStatus> Faults(std::vector<DeviceStatus> all) {
  all.erase(std::remove_if(all.begin(), all.end(),
                           [](const DeviceStatus& d) { return !d.NeedsStaff(); }),
            all.end());
  SortForStaff(all);
  return all;
}

}  // namespace shop::queue
