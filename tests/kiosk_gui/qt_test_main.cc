// main() for GoogleTest programs that need a QGuiApplication (fonts, Qt
// Quick): headless by default (offscreen platform, software Qt Quick), so
// test discovery and ctest runs need no display.
#include <gtest/gtest.h>

#include <QFont>
#include <QGuiApplication>

#include "kiosk/printer/slip_image.h"

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  if (qEnvironmentVariableIsEmpty("QT_QUICK_BACKEND")) qputenv("QT_QUICK_BACKEND", "software");
  QGuiApplication app(argc, argv);
  QGuiApplication::setFont(QFont(shop::queue::kiosk::printer::kCustomerFontFamily));
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
