// counter-gui: the clerk's desktop counter (and the reviewer's review of
// online applications). Parses the same connection flags as the terminal
// `counter`, builds the Backend (calls off the UI thread) and the main
// window, and runs the Qt event loop. Without a session (no
// --token, no $SHOP_QUEUE_TOKEN, no session file from `counter login`) it
// asks for the login first. With --screenshot PATH it renders the window
// once the first answers had a moment to arrive, saves it as PNG and exits
// (0, or 1 if it could not be saved).
#include <cstdio>
#include <cstdlib>

#include <QApplication>
#include <QTimer>

#include "common/client/cli.h"
#include "common/client/login.h"
#include "counter/gui/backend.h"
#include "counter/gui/gui_settings.h"
#include "counter/gui/main_window.h"

int main(int argc, char** argv) {
  using namespace shop::queue;
  counter::gui::GuiSettings settings;
  if (std::optional<int> exit_code = counter::gui::ParseGuiSettings(argc, argv, &settings))
    return *exit_code;
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("counter-gui"));
  auto channel = client::Connect(settings.conn);
  counter::gui::Backend backend(channel, settings.conn.server, settings.conn.branch,
                                settings.counter,
                                client::ToCallOptions(settings.conn, settings.session_file),
                                settings.session_file);
  // The review's photos arrive on a channel of their own that takes large
  // answers; the counter's calls keep the default limits.
  backend.setReviewChannel(client::Connect(settings.conn, counter::RemoteClient::kChannelLimits));
  // A session saved by a login (here or `counter login`) names its clerk.
  if (settings.conn.token.empty() && std::getenv("SHOP_QUEUE_TOKEN") == nullptr)
    backend.setLogin(QString::fromStdString(client::SavedLogin(settings.session_file)));
  counter::gui::WindowOptions options;
  options.services = settings.services;
  options.login = QString::fromStdString(settings.login);
  counter::gui::MainWindow window(&backend, options);
  if (settings.maximized)
    window.showMaximized();
  else
    window.show();
  window.begin();
  if (!settings.screenshot.empty()) {
    QTimer::singleShot(1500, &app, [&] {
      const bool saved =
          window.grab().toImage().save(QString::fromStdString(settings.screenshot), "PNG");
      if (!saved) std::fprintf(stderr, "error: cannot write %s\n", settings.screenshot.c_str());
      QApplication::exit(saved ? 0 : 1);
    });
  }
  return QApplication::exec();
}
