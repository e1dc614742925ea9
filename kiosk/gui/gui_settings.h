// kiosk-gui's settings: the terminal kiosk's connection flags (server,
// branch, device token, TLS, deadline) plus the printer, the status link,
// full screen or windowed, and screenshots. The same settings can sit in a
// TOML file (--config FILE), one key per flag without its dashes:
//
//   server = "queue.shop.local:50051"
//   branch = "tverskaya"
//   token = "..."                 # or the token file, as the terminal kiosk
//   tls-ca = "/etc/shop-queue/ca.pem"
//   printer = "/dev/usb/lp0"      # or "tcp://10.0.0.9:9100", "cups:SLIPS", "file:/tmp/slip.bin"
//   paper-mm = 80                 # 58 or 80
//   status-url = "https://queue.example.shop/t"
//   windowed = true               # default: full screen
//
// Flags on the command line override the file.
//
// Thread-safety: for main() (and tests) only.
#pragma once

#include <optional>
#include <string>

#include "common/client/cli.h"

namespace shop::queue::kiosk::gui {

struct GuiSettings {
  client::ConnectionFlags conn;
  std::string printer;      // see kiosk/printer/printer.h; "" = none
  int paper_mm = 80;        // 58 or 80
  std::string status_url;   // pages address for the QR link; "" = the server's own
  bool fullscreen = true;
  std::string screenshot;   // PNG path: render, save and exit
  std::string screen;       // first screen (for screenshots): start, services, ...
  std::string lang = "ru";  // language of the first screen
  int idle_seconds = 20;    // back to the start screen after this long untouched
};

// Parses the command line (and the --config file it names). Returns an exit
// code when the program should stop (--help: 0, bad usage or a bad file: 2).
std::optional<int> ParseGuiSettings(int argc, char** argv, GuiSettings* out);

}  // namespace shop::queue::kiosk::gui
