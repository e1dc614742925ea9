// Hall devices (kiosks) and the state of their receipt printers, as the
// devices report it: what a report must look like, how a report changes the
// stored status, and the order staff see devices in. Staff screens and the
// hall board show every device whose printer needs someone.
//
// Plain values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/common/status.h"

namespace shop::queue {

// The state of a device's receipt printer (values as stored).
enum class PrinterState : uint8_t {
  kOk = 1,          // printing works
  kOutOfPaper = 2,  // no paper
  kOffline = 3,     // unplugged, switched off, no such device
  kError = 4,       // any other failure
  kNone = 5,        // the device has no printer
};

// "ok", "out of paper", "offline", "error", "none": for logs and screens.
const char* PrinterStateName(PrinterState s);

// Whether a device in this state needs staff: its printer is there and not OK.
bool NeedsStaff(PrinterState s);

// The last state a device reported.
struct DeviceStatus {
  std::string branch_id;
  std::string device_id;  // the device's name from its token, e.g. "hall-1"
  PrinterState printer_state = PrinterState::kOk;
  std::string detail;      // short, from the device; never personal data
  absl::Time report_time;  // the last report
  absl::Time change_time;  // when printer_state last changed

  bool NeedsStaff() const { return queue::NeedsStaff(printer_state); }
};

// At most this many characters (code points, not bytes) of detail.
inline constexpr size_t kMaxDeviceDetailChars = 200;

// A report's detail: valid UTF-8, at most kMaxDeviceDetailChars characters,
// no control characters (C0, DEL, C1; so one line). INVALID_ARGUMENT naming
// "detail" otherwise.
Status ValidateDeviceDetail(std::string_view detail);

// The stored status after a report at `now`: the report time is always
// `now`; the change time only moves when the printer state differs from
// `prior`'s (or there was none).
DeviceStatus ApplyDeviceReport(const std::optional<DeviceStatus>& prior, std::string branch_id,
                               std::string device_id, PrinterState state, std::string detail,
                               absl::Time now);

// The order staff see devices in: those that need staff first, then by id.
void SortForStaff(std::vector<DeviceStatus>& devices);

// The devices of `all` that need staff, in staff order.
std::vector<DeviceStatus> Faults(std::vector<DeviceStatus> all);

}  // namespace shop::queue
