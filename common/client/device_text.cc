#include "common/client/device_text.h"

namespace shop::queue::client {

namespace v1 = ::shop::queue::v1;

std::string DeviceStateLine(const v1::Device& device) {
  std::string text = "kiosk " + device.device_id() + ": ";
  switch (device.printer_state()) {
    case v1::PRINTER_STATE_OK: return text + "printer ok";
    case v1::PRINTER_STATE_OUT_OF_PAPER: return text + "printer out of paper";
    case v1::PRINTER_STATE_OFFLINE: return text + "printer offline";
    case v1::PRINTER_STATE_ERROR: return text + "printer error";
    case v1::PRINTER_STATE_NONE: return text + "no printer";
    default: return text + "printer state unknown";
  }
}

bool DeviceNeedsStaff(const v1::Device& device) {
  return device.printer_state() != v1::PRINTER_STATE_OK &&
         device.printer_state() != v1::PRINTER_STATE_NONE;
}

}  // namespace shop::queue::client
