// Small helpers for the kiosk tests: a file's bytes, and how much of a
// picture is ink. For tests only.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <QImage>
#include <QRect>

namespace shop::queue::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Dark pixels (grey < 128) of `image` inside `rect`.
inline int DarkPixels(const QImage& image, QRect rect) {
  rect = rect.intersected(image.rect());
  int dark = 0;
  for (int y = rect.top(); y <= rect.bottom(); ++y)
    for (int x = rect.left(); x <= rect.right(); ++x)
      if (qGray(image.pixel(x, y)) < 128) ++dark;
  return dark;
}

}  // namespace shop::queue::testing
