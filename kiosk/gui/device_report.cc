#include "kiosk/gui/device_report.h"

namespace shop::queue::kiosk::gui {
namespace {

// KioskClient::ReportDeviceStatus comes with the server side of issue 12
// (branch issue12-srv); until a build has it, the report is refused here as
// the server without it would refuse it (UNIMPLEMENTED).
template <typename Client>
grpc::Status Report(const Client& kiosk, v1::PrinterState state, std::string_view detail,
                    v1::Device* out) {
  if constexpr (requires { kiosk.ReportDeviceStatus(state, detail, out); }) {
    return kiosk.ReportDeviceStatus(state, detail, out);
  } else {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                        "this build's KioskClient has no ReportDeviceStatus");
  }
}

}  // namespace

grpc::Status ReportPrinterState(const KioskClient& kiosk, v1::PrinterState state,
                                std::string_view detail, v1::Device* out) {
  return Report(kiosk, state, detail, out);
}

}  // namespace shop::queue::kiosk::gui
