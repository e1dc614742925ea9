#include "counter/gui/gui_settings.h"

#include <CLI/CLI.hpp>

#include "common/client/rpc.h"

namespace shop::queue::counter::gui {

std::optional<int> ParseGuiSettings(int argc, char** argv, GuiSettings* out) {
  CLI::App app{
      "counter-gui: the clerk's desktop counter (current ticket, queue, SIM-replacement case)"};
  out->session_file = client::DefaultTokenFile();
  client::AddConnectionOptions(app, out->conn,
                               "Session token (default: $SHOP_QUEUE_TOKEN, else the session "
                               "`counter login` or this program's login saved)");
  app.add_option("--counter", out->counter, "Counter id, e.g. 1 (else chosen on the start screen)");
  app.add_option("--services", out->services, "Services to open the counter for, e.g. R,N")
      ->delimiter(',');
  app.add_option("--user", out->login, "Staff login to fill in on the login screen");
  app.add_option("--session-file", out->session_file, "Where the session is kept")
      ->capture_default_str();
  app.add_option("--screenshot", out->screenshot,
                 "Render the first screen to this PNG file and exit");
  app.add_flag("--maximized", out->maximized, "Start maximized");
  return client::Parse(app, argc, argv);
}

}  // namespace shop::queue::counter::gui
