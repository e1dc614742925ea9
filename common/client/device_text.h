// Hall devices as staff read them: "kiosk hall-1: printer out of paper".
// Shared by the counter's device lines and the hall board's fault bar.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "shop/queue/v1/resources.pb.h"

namespace shop::queue::client {

// "kiosk hall-1: printer out of paper" ("printer ok", "printer offline",
// "printer error", "no printer", "printer state unknown").
std::string DeviceStateLine(const ::shop::queue::v1::Device& device);

// Whether the device needs someone: its printer is neither OK nor absent.
bool DeviceNeedsStaff(const ::shop::queue::v1::Device& device);

}  // namespace shop::queue::client
