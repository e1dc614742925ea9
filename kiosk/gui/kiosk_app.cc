#include "kiosk/gui/kiosk_app.h"

#include <QEvent>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickImageProvider>
#include <QEventLoop>
#include <QTimer>

#include "common/client/cli.h"
#include "kiosk/printer/qr_code.h"

// The QML files compiled in (qt_add_resources); Q_INIT_RESOURCE must be
// called outside any namespace.
static void InitKioskQml() { Q_INIT_RESOURCE(kiosk_qml); }

namespace shop::queue::kiosk::gui {
namespace {

// "image://qr/<hex of the text>": the text as a QR code.
class QrProvider : public QQuickImageProvider {
 public:
  QrProvider() : QQuickImageProvider(QQuickImageProvider::Image) {}
  QImage requestImage(const QString& id, QSize* size, const QSize&) override {
    const QImage image = printer::QrCodeImage(QString::fromUtf8(QByteArray::fromHex(id.toLatin1())), 8);
    if (size) *size = image.size();
    return image;
  }
};

// Any press restarts the model's idle timer.
class TouchFilter : public QObject {
 public:
  explicit TouchFilter(KioskModel* model, QObject* parent) : QObject(parent), model_(model) {}
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::MouseButtonPress || event->type() == QEvent::TouchBegin)
      model_->touched();
    return QObject::eventFilter(watched, event);
  }

 private:
  KioskModel* model_;
};

}  // namespace

KioskApp::KioskApp(const GuiSettings& settings, AppTiming timing) {
  InitKioskQml();
  RegisterWorkerTypes();
  const std::shared_ptr<grpc::Channel> channel = client::Connect(settings.conn);
  client::CallOptions options =
      client::ToCallOptions(settings.conn, client::DefaultKioskTokenFile());
  client::CallOptions probe_options = options;
  probe_options.deadline = std::chrono::milliseconds(timing.probe_deadline_ms);
  probe_options.max_attempts = 1;
  // On exit, calls in flight (with their retries) end at once.
  options.canceller = rpc_cancel_;
  probe_options.canceller = status_cancel_;
  auto kiosk = std::make_shared<const KioskClient>(channel, settings.conn.branch, options);
  auto probe = std::make_shared<const KioskClient>(channel, settings.conn.branch, probe_options);

  std::string error;
  std::optional<printer::PrinterTarget> target = printer::ParsePrinterTarget(settings.printer, &error);
  if (!target) target = printer::PrinterTarget{};  // main() checks the flag before

  ModelOptions model_options;
  model_options.branch_id = QString::fromStdString(settings.conn.branch);
  model_options.status_url = QString::fromStdString(settings.status_url);
  model_options.paper_dots = settings.paper_mm == 58 ? 384 : 576;
  model_options.idle_seconds = settings.idle_seconds;
  model_options.has_printer = target->kind != printer::PrinterTarget::Kind::kNone;
  model_options.printer_report_seconds = timing.printer_report_seconds;
  model_ = std::make_unique<KioskModel>(model_options);
  model_->chooseLanguage(QString::fromStdString(settings.lang));
  model_->showScreen("start");

  rpc_ = new RpcWorker(kiosk);
  status_ = new StatusWorker(probe, std::chrono::milliseconds(timing.probe_interval_ms),
                             timing.probe_failures_to_down);
  print_ = new PrintWorker(*target);
  rpc_->moveToThread(&rpc_thread_);
  status_->moveToThread(&status_thread_);
  print_->moveToThread(&print_thread_);
  for (auto [thread, worker] : {std::pair<QThread*, QObject*>{&rpc_thread_, rpc_},
                                {&status_thread_, status_}, {&print_thread_, print_}}) {
    QObject::connect(thread, &QThread::finished, worker, &QObject::deleteLater);
  }
  QObject::connect(&status_thread_, &QThread::started, status_, &StatusWorker::start);

  KioskModel* m = model_.get();
  QObject::connect(m, &KioskModel::requestBranch, rpc_, &RpcWorker::loadBranch);
  QObject::connect(m, &KioskModel::requestTicket, rpc_, &RpcWorker::takeTicket);
  QObject::connect(m, &KioskModel::requestCheckIn, rpc_, &RpcWorker::checkIn);
  QObject::connect(rpc_, &RpcWorker::branchLoaded, m, &KioskModel::onBranchLoaded);
  QObject::connect(rpc_, &RpcWorker::branchFailed, m, &KioskModel::onBranchFailed);
  QObject::connect(rpc_, &RpcWorker::ticketIssued, m, &KioskModel::onTicketIssued);
  QObject::connect(rpc_, &RpcWorker::checkedIn, m, &KioskModel::onCheckedIn);
  QObject::connect(rpc_, &RpcWorker::requestFailed, m, &KioskModel::onRequestFailed);
  QObject::connect(rpc_, &RpcWorker::phoneRefused, m, &KioskModel::onPhoneRefused);
  QObject::connect(status_, &StatusWorker::reachable, m, &KioskModel::onReachable);
  QObject::connect(m, &KioskModel::reportPrinter, status_, &StatusWorker::reportPrinter);
  QObject::connect(status_, &StatusWorker::printerReported, m, &KioskModel::onPrinterReported);
  QObject::connect(m, &KioskModel::requestPrint, print_, &PrintWorker::print);
  QObject::connect(m, &KioskModel::requestPrinterCheck, print_, &PrintWorker::check);
  QObject::connect(print_, &PrintWorker::printed, m, &KioskModel::onPrinted);
  QObject::connect(print_, &PrintWorker::checked, m, &KioskModel::onPrinterChecked);

  view_ = std::make_unique<QQuickView>();
  view_->setColor(Qt::white);
  view_->engine()->addImageProvider("qr", new QrProvider);
  view_->rootContext()->setContextProperty("kiosk", m);
  view_->setResizeMode(QQuickView::SizeRootObjectToView);
  view_->setTitle("kiosk-gui");
  view_->installEventFilter(new TouchFilter(m, view_.get()));
  view_->setSource(QUrl("qrc:/kiosk/qml/Main.qml"));
}

KioskApp::~KioskApp() {
  // A worker may be inside a call that retries for many seconds: end it.
  rpc_cancel_->Cancel();
  status_cancel_->Cancel();
  if (status_thread_.isRunning())
    QMetaObject::invokeMethod(status_, &StatusWorker::stop, Qt::BlockingQueuedConnection);
  for (QThread* t : {&rpc_thread_, &status_thread_, &print_thread_}) {
    t->quit();
    t->wait();
  }
  view_.reset();
}

void KioskApp::Show(bool fullscreen) {
  view_->resize(1280, 800);
  if (fullscreen) {
    view_->showFullScreen();
  } else {
    view_->show();
  }
  rpc_thread_.start();
  status_thread_.start();
  print_thread_.start();
  model_->start();
}

QImage KioskApp::Grab() {
  // Let pending property changes reach the scene, then render a fresh frame.
  QEventLoop loop;
  QObject::connect(view_.get(), &QQuickWindow::frameSwapped, &loop, &QEventLoop::quit);
  QTimer::singleShot(2000, &loop, &QEventLoop::quit);
  view_->update();
  loop.exec();
  return view_->grabWindow();
}

}  // namespace shop::queue::kiosk::gui
