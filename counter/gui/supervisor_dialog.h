// SupervisorDialog: four eyes at the counter. A supervisor types his own
// login and password here for one action (waive the fee, cancel a paid case,
// unlock a number) and, where the action needs one, a written reason. The
// credentials go into that one request and are kept nowhere. The server
// checks them: a clerk's own password is refused there, and the refusal is
// shown in the dialog (showRefusal) so the supervisor can try again.
#pragma once

#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QString>

#include "counter/case_client.h"

namespace shop::queue::counter::gui {

class SupervisorDialog : public QDialog {
  Q_OBJECT
 public:
  // `action`: what is confirmed, e.g. "Waive the fee of 300 RUB";
  // `needs_reason`: show the reason field (required then).
  SupervisorDialog(const QString& action, bool needs_reason, QWidget* parent = nullptr);

  SupervisorCredentials credentials() const;
  QString reason() const;
  // Shows the server's refusal under the fields, clears the password.
  void showRefusal(const QString& text);

  // objectNames: "supervisorLogin", "supervisorPassword", "supervisorReason",
  // "supervisorError", the OK button "supervisorOk".
 private:
  QLineEdit* login_;
  QLineEdit* password_;
  QLineEdit* reason_ = nullptr;
  QLabel* error_;
};

}  // namespace shop::queue::counter::gui
