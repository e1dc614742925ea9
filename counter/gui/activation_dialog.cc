#include "counter/gui/activation_dialog.h"

#include <QCheckBox>
#include <QFont>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QVBoxLayout>

namespace shop::queue::counter::gui {
namespace {

// "K7M2-QX9D" as "K 7 M 2 - Q X 9 D": each character stands apart.
QString Spaced(const QString& code) {
  QStringList chars;
  for (const QChar c : code) chars << QString(c);
  return chars.join(QLatin1Char(' '));
}

QFont CodeFont(int point_size) {
  QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  font.setPointSize(point_size);
  font.setBold(true);
  return font;
}

}  // namespace

bool PrintActivationLabel(int64_t case_id, const QString& code, const QString& tracking,
                          QPrinter* printer) {
  QPainter painter;
  if (printer == nullptr || !painter.begin(printer)) return false;
  const QRectF page = printer->pageRect(QPrinter::DevicePixel);
  const double dpi = printer->resolution();
  double y = page.top();
  auto line = [&](const QString& text, const QFont& font) {
    painter.setFont(font);
    const QRectF box(page.left(), y, page.width(), painter.fontMetrics().height() * 1.4);
    painter.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, text);
    y += box.height();
  };
  QFont small;
  small.setPointSize(11);
  line(QStringLiteral("SIM card — activation code (case %1)").arg(case_id), small);
  y += dpi * 0.1;
  line(Spaced(code), CodeFont(28));
  y += dpi * 0.1;
  if (!tracking.isEmpty()) line(QStringLiteral("Tracking: %1").arg(tracking), small);
  line(QStringLiteral("Enter the code with the application's reference on the status page."),
       small);
  return painter.end();
}

ActivationCodeDialog::ActivationCodeDialog(int64_t case_id, const QString& code,
                                           const QString& tracking, const QString& question,
                                           QWidget* parent)
    : QDialog(parent), case_id_(case_id), code_(code), tracking_(tracking) {
  setWindowTitle(QStringLiteral("Activation code — case %1").arg(case_id));
  setModal(true);
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(
      QStringLiteral("The card of case %1 is posted%2. Its activation code for the "
                     "envelope's label:")
          .arg(case_id)
          .arg(tracking.isEmpty() ? QString() : QStringLiteral(" (tracking %1)").arg(tracking)),
      this);
  intro->setWordWrap(true);
  layout->addWidget(intro);
  auto* shown = new QLabel(Spaced(code), this);
  shown->setObjectName(QStringLiteral("activationCode"));
  shown->setFont(CodeFont(34));
  shown->setAlignment(Qt::AlignCenter);
  shown->setTextInteractionFlags(Qt::TextSelectableByMouse);
  shown->setStyleSheet(QStringLiteral(
      "background: #ffffff; color: #000000; border: 2px solid #333; padding: 16px;"));
  layout->addWidget(shown);
  auto* warning = new QLabel(
      QStringLiteral("Write it on the envelope's label now (or print the label): it is not "
                     "shown again. The server keeps only a fingerprint of it."),
      this);
  warning->setWordWrap(true);
  warning->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold;"));
  layout->addWidget(warning);
  if (!question.isEmpty()) {
    auto* asked = new QLabel(
        QStringLiteral("At activation the customer will be asked: %1").arg(question), this);
    asked->setWordWrap(true);
    layout->addWidget(asked);
  }
  message_ = new QLabel(this);
  message_->setObjectName(QStringLiteral("activationMessage"));
  message_->setWordWrap(true);
  layout->addWidget(message_);
  written_ = new QCheckBox(QStringLiteral("The code is on the envelope's label"), this);
  written_->setObjectName(QStringLiteral("activationWritten"));
  layout->addWidget(written_);
  auto* row = new QHBoxLayout();
  auto* print = new QPushButton(QStringLiteral("Print the label..."), this);
  print->setObjectName(QStringLiteral("activationPrint"));
  close_ = new QPushButton(QStringLiteral("Close"), this);
  close_->setObjectName(QStringLiteral("activationClose"));
  close_->setEnabled(false);
  row->addWidget(print);
  row->addStretch(1);
  row->addWidget(close_);
  layout->addLayout(row);
  connect(print, &QPushButton::clicked, this, &ActivationCodeDialog::Print);
  connect(written_, &QCheckBox::toggled, close_, &QPushButton::setEnabled);
  connect(close_, &QPushButton::clicked, this, &QDialog::accept);
  resize(560, sizeHint().height());
}

void ActivationCodeDialog::reject() {
  if (!written_->isChecked()) {
    message_->setText(
        QStringLiteral("Tick the box once the code is on the label: it cannot be shown again."));
    return;
  }
  QDialog::reject();
}

void ActivationCodeDialog::Print() {
  QPrinter printer;
  QPrintDialog dialog(&printer, this);
  dialog.setWindowTitle(QStringLiteral("Print the envelope's label"));
  if (dialog.exec() != QDialog::Accepted) return;
  if (!PrintActivationLabel(case_id_, code_, tracking_, &printer)) {
    message_->setText(QStringLiteral("The label could not be printed: the printer did not start "
                                     "a page. Write the code by hand."));
    return;
  }
  message_->setText(QStringLiteral("The label was sent to the printer."));
}

}  // namespace shop::queue::counter::gui
