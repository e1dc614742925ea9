// Reports the kiosk's printer state to the server (KioskService's
// ReportDeviceStatus). A thin adapter so the GUI does not depend on how the
// client class exposes the call.
//
// Thread-safety: as KioskClient (thread-safe).
#pragma once

#include <string_view>

#include <grpcpp/support/status.h>

#include "kiosk/kiosk_client.h"

namespace shop::queue::kiosk::gui {

grpc::Status ReportPrinterState(const KioskClient& kiosk, v1::PrinterState state,
                                std::string_view detail, v1::Device* out);

}  // namespace shop::queue::kiosk::gui
