#include "kiosk/gui/gui_settings.h"

#include <cstdio>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace shop::queue::kiosk::gui {
namespace {

// The --config value in argv, if any.
std::string FindConfigPath(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) return argv[i + 1];
    if (arg.starts_with("--config=")) return std::string(arg.substr(9));
  }
  return {};
}

// The file's keys as flags ("--key", "value"), or nullopt after printing why.
std::optional<std::vector<std::string>> ConfigArgs(const std::string& path) {
  std::vector<std::string> args;
  try {
    const toml::table table = toml::parse_file(path);
    for (const auto& [key, node] : table) {
      const std::string flag = "--" + std::string(key.str());
      if (const auto* b = node.as_boolean()) {
        // A flag pair says false with its other name: `fullscreen = false`
        // is --windowed, `windowed = false` is --fullscreen.
        if (b->get()) {
          args.push_back(flag);
        } else if (flag == "--fullscreen") {
          args.push_back("--windowed");
        } else if (flag == "--windowed") {
          args.push_back("--fullscreen");
        }
      } else if (const auto* s = node.as_string()) {
        args.push_back(flag);
        args.push_back(s->get());
      } else if (const auto* n = node.as_integer()) {
        args.push_back(flag);
        args.push_back(std::to_string(n->get()));
      } else {
        std::fprintf(stderr, "error: %s: %s must be a string, number or true/false\n",
                     path.c_str(), flag.c_str() + 2);
        return std::nullopt;
      }
    }
  } catch (const toml::parse_error& e) {
    std::fprintf(stderr, "error: %s: %s\n", path.c_str(), e.what());
    return std::nullopt;
  }
  return args;
}

}  // namespace

std::optional<int> ParseGuiSettings(int argc, char** argv, GuiSettings* out) {
  CLI::App app{"kiosk-gui: the touch kiosk of a shop hall (tickets, check-in, printed slips)"};
  // The file's values come first, so a flag given again wins.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  client::AddConnectionOptions(app, out->conn,
                               "kiosk device token (default: $SHOP_QUEUE_TOKEN, then "
                               "~/.config/shop-queue/kiosk-token)");
  std::string config;
  app.add_option("--config", config, "TOML file with these settings (flags override it)");
  app.add_option("--printer", out->printer,
                 "Receipt printer: /dev/usb/lp0, tcp://HOST:9100, cups:QUEUE, file:PATH or none");
  app.add_option("--paper-mm", out->paper_mm, "Paper width in mm")
      ->check(CLI::IsMember({58, 80}))
      ->capture_default_str();
  app.add_option("--status-url", out->status_url,
                 "Address of the server's web pages for the QR code (BASE/t/TOKEN) when the "
                 "phones reach them by another address than the server's [http] public_url");
  app.add_flag("--fullscreen{true},--windowed{false}", out->fullscreen,
               "Full screen (default) or a window");
  app.add_option("--screenshot", out->screenshot,
                 "Render the first screen to this PNG file and exit");
  app.add_option("--screen", out->screen, "First screen")
      ->check(CLI::IsMember({"start", "services", "priority", "checkin", "out-of-service"}));
  app.add_option("--lang", out->lang, "Language of the first screen: ru, en or zh")
      ->check(CLI::IsMember({"ru", "en", "zh"}))
      ->capture_default_str();
  app.add_option("--idle-seconds", out->idle_seconds,
                 "Back to the start screen after this many seconds untouched")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  std::vector<std::string> args = {argc > 0 ? argv[0] : "kiosk-gui"};
  if (const std::string path = FindConfigPath(argc, argv); !path.empty()) {
    std::optional<std::vector<std::string>> from_file = ConfigArgs(path);
    if (!from_file) return client::kExitUsage;
    args.insert(args.end(), from_file->begin(), from_file->end());
  }
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  std::vector<char*> pointers;
  for (std::string& a : args) pointers.push_back(a.data());
  return client::Parse(app, static_cast<int>(pointers.size()), pointers.data());
}

}  // namespace shop::queue::kiosk::gui
