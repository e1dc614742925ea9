// The photos of an online application on screen: decoding the uploaded
// bytes with a bounded size (DecodePhoto), a widget that shows one scaled
// to fit and opens it full size on a click (PhotoView), and that full-size
// window (PhotoDialog).
//
// Safety: the photos come from the internet. The server checks that each is
// a JPEG or PNG of at most 5 MiB, but not what it decodes to: a small file
// can claim 12000x12000 pixels (576 MB decoded). DecodePhoto reads the size
// first and decodes at most kMaxPhotoSide pixels a side (QImageReader's
// scaled size: a JPEG is decoded at the reduced scale). A PNG is decoded
// whole and then scaled, within Qt's allocation limit (128 MB): a larger one
// is refused ("too large to decode here"), as is any format whose reader
// cannot scale, above kMaxFullDecodePixels.
// A photo that does not decode shows "cannot show this photo" and why; it
// never stops the review (the reviewer rejects it as unreadable).
//
// Thread-safety: DecodePhoto is reentrant and may run on a worker thread
// (QImage is not tied to the UI thread); the widgets are UI thread only.
#pragma once

#include <string>

#include <QDialog>
#include <QImage>
#include <QLabel>
#include <QSize>
#include <QString>

namespace shop::queue::counter::gui {

// The largest side a photo is decoded to, in pixels: sharp on any screen,
// at most ~24 MB decoded.
inline constexpr int kMaxPhotoSide = 2560;
// Without scaled decoding, the largest picture decoded at all (then scaled).
inline constexpr qint64 kMaxFullDecodePixels = 40LL * 1000 * 1000;

struct DecodedPhoto {
  QImage image;    // null when it cannot be shown
  QSize original;  // the size the file claims (invalid if unreadable)
  QString error;   // why it cannot be shown ("" when it can)
};

// Decodes `bytes` (JPEG or PNG, told by content) to at most `max_side`
// pixels a side, keeping the aspect ratio and applying the file's
// orientation.
DecodedPhoto DecodePhoto(const std::string& bytes, int max_side = kMaxPhotoSide);

// One photo, scaled to fit its area; a click opens it full size. Without a
// picture it shows its message ("cannot show this photo: ...").
class PhotoView : public QLabel {
  Q_OBJECT
 public:
  explicit PhotoView(const QString& caption, QWidget* parent = nullptr);

  // Shows `photo` (or its error).
  void setPhoto(const DecodedPhoto& photo);
  // Shows `text` instead of a picture ("Loading...", "No photo").
  void setMessage(const QString& text);
  const QImage& image() const { return image_; }
  bool hasImage() const { return !image_.isNull(); }

 Q_SIGNALS:
  void clicked();

 protected:
  void resizeEvent(QResizeEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  void Rescale();

  QString caption_;
  QImage image_;
};

// The photo at its decoded size, scrollable, in a window of its own.
class PhotoDialog : public QDialog {
  Q_OBJECT
 public:
  PhotoDialog(const QImage& image, const QString& title, QWidget* parent = nullptr);
};

}  // namespace shop::queue::counter::gui
