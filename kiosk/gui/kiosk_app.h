// KioskApp: kiosk-gui put together: the client classes, the three worker
// threads (workers.h), the model (kiosk_model.h) and the Qt Quick window
// with the QML screens; main() and the tests build one. Needs a
// QGuiApplication; UI thread only. The destructor stops the workers.
#pragma once

#include <memory>

#include <QImage>
#include <QQuickView>
#include <QThread>

#include "common/client/rpc.h"
#include "kiosk/gui/gui_settings.h"
#include "kiosk/gui/kiosk_model.h"
#include "kiosk/gui/workers.h"

namespace shop::queue::kiosk::gui {

// Tuning for tests; main() uses the defaults.
struct AppTiming {
  int probe_interval_ms = 1000;   // health probe period
  // Each probe's deadline; two failed probes in a row are "out of service"
  // (the server gone for ~2 s), which shows within 3 s.
  int probe_deadline_ms = 800;
  int probe_failures_to_down = 2;
  int printer_report_seconds = 60;
};

class KioskApp {
 public:
  explicit KioskApp(const GuiSettings& settings, AppTiming timing = {});
  ~KioskApp();
  KioskApp(const KioskApp&) = delete;
  KioskApp& operator=(const KioskApp&) = delete;

  KioskModel& model() { return *model_; }
  QQuickView& view() { return *view_; }
  // Shows the window (full screen or 1280x800) and starts the workers.
  void Show(bool fullscreen);
  // Renders the window as it is now (waits for a frame first).
  QImage Grab();

 private:
  std::unique_ptr<KioskModel> model_;
  std::unique_ptr<QQuickView> view_;
  // Cancel the workers' gRPC calls on exit (the destructor).
  std::shared_ptr<client::StreamCanceller> rpc_cancel_ = std::make_shared<client::StreamCanceller>();
  std::shared_ptr<client::StreamCanceller> status_cancel_ =
      std::make_shared<client::StreamCanceller>();
  QThread rpc_thread_, status_thread_, print_thread_;
  RpcWorker* rpc_ = nullptr;        // deleted on its thread's finish
  StatusWorker* status_ = nullptr;  // "
  PrintWorker* print_ = nullptr;    // "
};

}  // namespace shop::queue::kiosk::gui
