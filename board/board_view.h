// BoardView: the board's Qt Quick window (Main.qml, bound to a BoardModel as
// `board`) and its screenshots. UI thread only.
#pragma once

#include <memory>

#include <QImage>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QString>

#include "board/board_model.h"

namespace shop::queue::board {

class BoardView {
 public:
  // Loads the QML; window() is null if that failed (the errors are logged).
  explicit BoardView(BoardModel* model);

  QQuickWindow* window() const { return window_; }
  // Full screen, or a window of `width` x `height`.
  void Show(bool fullscreen, int width = 1280, int height = 720);
  // Renders the window now (after letting pending frames and bindings run).
  QImage Grab();
  // Grab() to a PNG; false (logged) if it cannot be written.
  bool SaveScreenshot(const QString& path);

 private:
  QQmlApplicationEngine engine_;
  QQuickWindow* window_ = nullptr;
};

// Whether `image` has content: not one flat colour (at least `min_colours`
// distinct colours among a grid of samples, and some pixels far from the
// background).
bool LooksDrawn(const QImage& image, int min_colours = 3);

}  // namespace shop::queue::board
