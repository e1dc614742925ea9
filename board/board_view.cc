#include "board/board_view.h"

#include <set>

#include <QEventLoop>
#include <QQmlContext>
#include <QTimer>

#include "common/client/log.h"

namespace shop::queue::board {
namespace {

// Lets the event loop run for `ms` (timers, bindings, frames).
void Spin(int ms) {
  QEventLoop loop;
  QTimer::singleShot(ms, &loop, &QEventLoop::quit);
  loop.exec();
}

}  // namespace

BoardView::BoardView(BoardModel* model) {
  engine_.rootContext()->setContextProperty(QStringLiteral("board"), model);
  QObject::connect(&engine_, &QQmlApplicationEngine::warnings, [](const QList<QQmlError>& list) {
    for (const QQmlError& e : list) client::ClientLog()->warn("qml: {}", e.toString().toStdString());
  });
  engine_.load(QUrl(QStringLiteral("qrc:/board/Main.qml")));
  if (!engine_.rootObjects().isEmpty()) {
    window_ = qobject_cast<QQuickWindow*>(engine_.rootObjects().first());
  }
  if (window_ == nullptr) client::ClientLog()->error("board: the screen (Main.qml) did not load");
}

void BoardView::Show(bool fullscreen, int width, int height) {
  if (window_ == nullptr) return;
  if (fullscreen) {
    window_->showFullScreen();
  } else {
    window_->resize(width, height);
    window_->show();
  }
}

QImage BoardView::Grab() {
  if (window_ == nullptr) return {};
  // The first frame after show can be blank: let one be swapped first.
  bool swapped = false;
  QMetaObject::Connection c =
      QObject::connect(window_, &QQuickWindow::frameSwapped, [&] { swapped = true; });
  window_->update();
  for (int i = 0; i < 50 && !swapped; ++i) Spin(20);
  QObject::disconnect(c);
  Spin(100);
  return window_->grabWindow();
}

bool BoardView::SaveScreenshot(const QString& path) {
  const QImage image = Grab();
  if (image.isNull() || !image.save(path, "PNG")) {
    client::ClientLog()->error("board: cannot write the screenshot {}", path.toStdString());
    return false;
  }
  return true;
}

bool LooksDrawn(const QImage& image, int min_colours) {
  if (image.isNull() || image.width() < 10 || image.height() < 10) return false;
  std::set<QRgb> colours;
  const QRgb background = image.pixel(image.width() / 2, image.height() - 2);
  int far = 0;
  for (int y = 0; y < image.height(); y += 4) {
    for (int x = 0; x < image.width(); x += 4) {
      const QRgb p = image.pixel(x, y);
      colours.insert(p);
      const int d = std::abs(qRed(p) - qRed(background)) + std::abs(qGreen(p) - qGreen(background)) +
                    std::abs(qBlue(p) - qBlue(background));
      if (d > 150) ++far;
    }
  }
  return static_cast<int>(colours.size()) >= min_colours && far > 50;
}

}  // namespace shop::queue::board
