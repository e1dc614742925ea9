// ActivationCodeDialog: the one-time activation code of a posted card, shown
// once, right after DispatchCard returned it. The server keeps only its hash,
// so this dialog is the only place the code ever appears: it is large,
// spaced out, with the tracking number, a Print button (the envelope's
// label, through the system's print dialog as the case summary is printed)
// and a box the reviewer ticks once the code is on the label; until then
// the dialog does not close (neither Close nor Escape).
//
// PrintActivationLabel draws that label on any QPrinter (a label printer, an
// office printer, a PDF).
//
// Thread-safety: UI thread only.
#pragma once

#include <cstdint>

#include <QDialog>
#include <QString>

class QCheckBox;
class QLabel;
class QPrinter;
class QPushButton;

namespace shop::queue::counter::gui {

// Draws the envelope's label: the case, the code large, the tracking number.
// Returns false if the page could not be started.
bool PrintActivationLabel(int64_t case_id, const QString& code, const QString& tracking,
                          QPrinter* printer);

class ActivationCodeDialog : public QDialog {
  Q_OBJECT
 public:
  // `question`: what the customer will be asked at activation ("" if none).
  ActivationCodeDialog(int64_t case_id, const QString& code, const QString& tracking,
                       const QString& question, QWidget* parent = nullptr);

  QString code() const { return code_; }

  // objectNames: "activationCode" (the code), "activationPrint",
  // "activationWritten" (the tick box), "activationClose", "activationMessage".
 public Q_SLOTS:
  void reject() override;  // only once the box is ticked

 private:
  void Print();

  int64_t case_id_;
  QString code_;
  QString tracking_;
  QCheckBox* written_;
  QPushButton* close_;
  QLabel* message_;
};

}  // namespace shop::queue::counter::gui
