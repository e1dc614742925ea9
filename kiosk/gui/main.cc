// kiosk-gui: the touch kiosk of a shop hall. Parses the settings (flags and
// --config FILE), builds KioskApp and runs the Qt event loop. With
// --screenshot PATH it renders the first screen once the branch has been
// asked for, saves it as PNG and exits (0, or 1 if it could not be saved).
#include <csignal>
#include <cstdio>

#include <QFont>
#include <QGuiApplication>
#include <QTimer>

#include "kiosk/gui/gui_settings.h"
#include "kiosk/gui/kiosk_app.h"
#include "kiosk/printer/printer.h"
#include "kiosk/printer/slip_image.h"

int main(int argc, char** argv) {
  using namespace shop::queue::kiosk;
  // A printer or helper that goes away mid-write must give EPIPE, not end
  // the kiosk.
  std::signal(SIGPIPE, SIG_IGN);
  gui::GuiSettings settings;
  if (std::optional<int> exit_code = gui::ParseGuiSettings(argc, argv, &settings)) return *exit_code;
  std::string error;
  if (!printer::ParsePrinterTarget(settings.printer, &error)) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 2;
  }
  QGuiApplication app(argc, argv);
  QGuiApplication::setFont(QFont(printer::kCustomerFontFamily));
  gui::KioskApp kiosk(settings);
  if (!settings.screen.empty()) kiosk.model().showScreen(QString::fromStdString(settings.screen));
  kiosk.Show(settings.fullscreen && settings.screenshot.empty());
  if (!settings.screenshot.empty()) {
    // After the first answers (branch, probe) had a moment to arrive.
    QTimer::singleShot(1500, &app, [&] {
      const bool saved = kiosk.Grab().save(QString::fromStdString(settings.screenshot), "PNG");
      if (!saved) std::fprintf(stderr, "error: cannot write %s\n", settings.screenshot.c_str());
      QGuiApplication::exit(saved ? 0 : 1);
    });
  }
  return QGuiApplication::exec();
}
