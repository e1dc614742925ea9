// The desktop counter's command line: the same connection flags as the
// terminal `counter` (--server, --branch, --token, --tls-*, --deadline-ms),
// --counter N, and the session `counter login` saved (then no login screen).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/client/cli.h"

namespace shop::queue::counter::gui {

struct GuiSettings {
  client::ConnectionFlags conn;
  std::string counter;                // --counter; "" : asked on the start screen
  std::vector<std::string> services;  // --services: open with these (else all allowed)
  std::string login;                  // --user: the login field filled in
  std::string session_file;           // where a login here is kept
  std::string screenshot;             // --screenshot PATH: render, save, exit
  bool maximized = false;             // --maximized
};

// Parses argv; returns an exit code (0 after --help, 2 on bad usage) when
// the program should stop, nullopt when it should go on.
std::optional<int> ParseGuiSettings(int argc, char** argv, GuiSettings* out);

}  // namespace shop::queue::counter::gui
