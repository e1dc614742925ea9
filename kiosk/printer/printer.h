// Where the kiosk's receipt printer is and how a job reaches it, from the
// --printer setting:
//   /dev/usb/lp0 (any path)   a device file, written directly
//   tcp://HOST:9100           a network printer's raw port
//   cups:QUEUE                a CUPS queue, printed raw (`lp -d QUEUE -o raw`;
//                             an error if `lp` is not installed)
//   file:PATH                 a file (for tests: each job replaces it)
//   "" or none                no printer (the kiosk shows the number only)
// Where the printer can answer (device file, tcp) the paper status is asked
// with DLE EOT 4 and a short timeout before printing; no answer in time
// counts as OK (many USB printers never answer through the lp driver).
//
// Thread-safety: a Printer is not thread-safe; kiosk-gui uses it from one
// worker thread. Every call blocks for at most about twice `timeout`
// (the `lp` command excepted, which is waited for).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "shop/queue/v1/resources.pb.h"

namespace shop::queue::kiosk::printer {

namespace v1 = ::shop::queue::v1;

struct PrinterTarget {
  enum class Kind { kNone, kDevice, kTcp, kCups, kFile };
  Kind kind = Kind::kNone;
  std::string path;   // kDevice, kFile
  std::string host;   // kTcp
  int port = 9100;    // kTcp
  std::string queue;  // kCups
};

// Parses a --printer value; std::nullopt (and `error` set) if malformed.
std::optional<PrinterTarget> ParsePrinterTarget(std::string_view spec, std::string* error);

// A printer's state with a short detail for staff (no personal data).
struct PrinterStatus {
  v1::PrinterState state = v1::PRINTER_STATE_UNSPECIFIED;
  std::string detail;
  int error = 0;  // the errno behind the state, if any (0: none)
  bool operator==(const PrinterStatus&) const = default;
};

class Printer {
 public:
  explicit Printer(PrinterTarget target,
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(1500));

  const PrinterTarget& target() const { return target_; }

  // Sends `job` (ESC/POS bytes). OK when it was handed over; OUT_OF_PAPER when
  // the printer said so before printing (nothing is sent then); OFFLINE when
  // it cannot be reached (no device, connection refused, missing directory);
  // ERROR for a write error or a failed `lp` (or one still running after
  // 10 x `timeout`: killed); NONE with no printer.
  PrinterStatus Print(std::string_view job);

  // The printer's state now, without printing (for the periodic report).
  PrinterStatus Check();

 private:
  PrinterTarget target_;
  std::chrono::milliseconds timeout_;
};

// Short English words for staff: "out of paper", "offline", ...
std::string_view PrinterStateWords(v1::PrinterState state);

}  // namespace shop::queue::kiosk::printer
