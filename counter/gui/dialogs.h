// The desktop counter's login dialog: staff login and password, sent with
// AuthService.Login through the Backend (off the UI thread); a refusal is
// shown in the dialog, which stays open. Used at start (no saved session)
// and when the session expires mid-work (then modal over the screen, which
// keeps everything typed).
#pragma once

#include <string>

#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

#include "counter/gui/backend.h"
#include "shop/queue/v1/auth_service.pb.h"

namespace shop::queue::counter::gui {

class LoginDialog : public QDialog {
  Q_OBJECT
 public:
  // `why`: the line above the fields ("Your session ended: ...").
  LoginDialog(Backend* backend, const QString& login, const QString& why,
              QWidget* parent = nullptr);

  // After accept(): the session.
  const v1::LoginResponse& session() const { return session_; }
  QString login() const { return login_->text().trimmed(); }

  // objectNames: "loginUser", "loginPassword", "loginError", "loginOk".
 private:
  void Submit();

  Backend* backend_;
  QLineEdit* login_;
  QLineEdit* password_;
  QLabel* error_;
  QPushButton* ok_;
  v1::LoginResponse session_;
};

}  // namespace shop::queue::counter::gui
