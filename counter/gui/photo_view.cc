#include "counter/gui/photo_view.h"

#include <QBuffer>
#include <QByteArray>
#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QImageReader>
#include <QMouseEvent>
#include <QPixmap>
#include <QResizeEvent>
#include <QScreen>
#include <QScrollArea>
#include <QVBoxLayout>

namespace shop::queue::counter::gui {

DecodedPhoto DecodePhoto(const std::string& bytes, int max_side) {
  DecodedPhoto out;
  // No copy: the reader is done with the bytes before this returns.
  QByteArray data = QByteArray::fromRawData(bytes.data(), static_cast<qsizetype>(bytes.size()));
  QBuffer buffer(&data);
  buffer.open(QIODevice::ReadOnly);
  QImageReader reader(&buffer);  // the format from the content, not a name
  reader.setAutoTransform(true);
  out.original = reader.size();
  if (!out.original.isValid() || out.original.isEmpty()) {
    out.error = QStringLiteral("cannot show this photo: it does not read as an image (%1)")
                    .arg(reader.errorString());
    return out;
  }
  const bool too_big = out.original.width() > max_side || out.original.height() > max_side;
  if (too_big) {
    if (!reader.supportsOption(QImageIOHandler::ScaledSize) &&
        static_cast<qint64>(out.original.width()) * out.original.height() > kMaxFullDecodePixels) {
      out.error = QStringLiteral("cannot show this photo: %1x%2 pixels is too large to decode here")
                      .arg(out.original.width())
                      .arg(out.original.height());
      return out;
    }
    reader.setScaledSize(out.original.scaled(max_side, max_side, Qt::KeepAspectRatio));
  }
  QImage image;
  if (!reader.read(&image) || image.isNull()) {
    // A PNG reader decodes the whole picture before scaling it; Qt refuses
    // one above its allocation limit (128 MB).
    if (static_cast<qint64>(out.original.width()) * out.original.height() > kMaxFullDecodePixels)
      out.error = QStringLiteral("cannot show this photo: %1x%2 pixels is too large to decode here")
                      .arg(out.original.width())
                      .arg(out.original.height());
    else
      out.error = QStringLiteral("cannot show this photo: %1").arg(reader.errorString());
    return out;
  }
  // A reader that ignored the scaled size: scale here.
  if (image.width() > max_side || image.height() > max_side)
    image = image.scaled(max_side, max_side, Qt::KeepAspectRatio, Qt::SmoothTransformation);
  out.image = std::move(image);
  return out;
}

// --- PhotoView --------------------------------------------------------------

PhotoView::PhotoView(const QString& caption, QWidget* parent) : QLabel(parent), caption_(caption) {
  setAlignment(Qt::AlignCenter);
  setMinimumSize(240, 180);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setFrameShape(QFrame::StyledPanel);
  setWordWrap(true);
  setStyleSheet(QStringLiteral("background: #f4f4f4;"));
  setMessage(QStringLiteral("No photo"));
}

void PhotoView::setPhoto(const DecodedPhoto& photo) {
  image_ = photo.image;
  if (image_.isNull()) {
    setMessage(photo.error.isEmpty() ? QStringLiteral("cannot show this photo") : photo.error);
    return;
  }
  setCursor(Qt::PointingHandCursor);
  setToolTip(QStringLiteral("%1: %2x%3 pixels. Click to open it full size.")
                 .arg(caption_)
                 .arg(photo.original.width())
                 .arg(photo.original.height()));
  Rescale();
}

void PhotoView::setMessage(const QString& text) {
  image_ = QImage();
  unsetCursor();
  setToolTip(QString());
  setPixmap(QPixmap());
  setText(QStringLiteral("%1\n\n%2").arg(caption_, text));
}

void PhotoView::Rescale() {
  if (image_.isNull()) return;
  const QSize area = contentsRect().size();
  if (area.width() < 2 || area.height() < 2) return;
  setPixmap(QPixmap::fromImage(
      image_.scaled(area, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

void PhotoView::resizeEvent(QResizeEvent* event) {
  QLabel::resizeEvent(event);
  Rescale();
}

void PhotoView::mouseReleaseEvent(QMouseEvent* event) {
  QLabel::mouseReleaseEvent(event);
  if (event->button() == Qt::LeftButton && hasImage()) Q_EMIT clicked();
}

// --- PhotoDialog ------------------------------------------------------------

PhotoDialog::PhotoDialog(const QImage& image, const QString& title, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(title);
  auto* layout = new QVBoxLayout(this);
  auto* scroll = new QScrollArea(this);
  scroll->setObjectName(QStringLiteral("photoScroll"));
  auto* picture = new QLabel(scroll);
  picture->setObjectName(QStringLiteral("photoFull"));
  picture->setPixmap(QPixmap::fromImage(image));
  picture->resize(image.size());
  scroll->setWidget(picture);
  scroll->setAlignment(Qt::AlignCenter);
  layout->addWidget(scroll, 1);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  // As large as the picture, within most of the screen.
  QSize room(1200, 900);
  if (QScreen* screen = QGuiApplication::primaryScreen())
    room = screen->availableSize() * 0.9;
  resize(image.size().boundedTo(room).expandedTo(QSize(400, 300)) + QSize(40, 80));
}

}  // namespace shop::queue::counter::gui
