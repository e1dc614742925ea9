#include "counter/gui/dialogs.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QVBoxLayout>

#include "common/client/login.h"
#include "counter/gui/ticket_text.h"

namespace shop::queue::counter::gui {

LoginDialog::LoginDialog(Backend* backend, const QString& login, const QString& why,
                         QWidget* parent)
    : QDialog(parent), backend_(backend) {
  setWindowTitle(QStringLiteral("Log in — counter"));
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(why, this);
  intro->setWordWrap(true);
  layout->addWidget(intro);
  auto* form = new QFormLayout();
  login_ = new QLineEdit(login, this);
  login_->setObjectName(QStringLiteral("loginUser"));
  password_ = new QLineEdit(this);
  password_->setObjectName(QStringLiteral("loginPassword"));
  password_->setEchoMode(QLineEdit::Password);
  form->addRow(QStringLiteral("Login"), login_);
  form->addRow(QStringLiteral("Password"), password_);
  layout->addLayout(form);
  error_ = new QLabel(this);
  error_->setObjectName(QStringLiteral("loginError"));
  error_->setStyleSheet(QStringLiteral("color: #b00020;"));
  error_->setWordWrap(true);
  error_->hide();
  layout->addWidget(error_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  ok_ = buttons->button(QDialogButtonBox::Ok);
  ok_->setObjectName(QStringLiteral("loginOk"));
  ok_->setText(QStringLiteral("Log in"));
  layout->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &LoginDialog::Submit);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  if (login.isEmpty())
    login_->setFocus();
  else
    password_->setFocus();
}

void LoginDialog::Submit() {
  const std::string login = login_->text().trimmed().toStdString();
  const std::string password = password_->text().toStdString();
  if (login.empty() || password.empty()) {
    error_->setText(login.empty() ? QStringLiteral("Type your login.")
                                  : QStringLiteral("Type your password."));
    error_->show();
    return;
  }
  ok_->setEnabled(false);
  error_->setText(QStringLiteral("Logging in..."));
  error_->show();
  // Login needs no session: straight on the channel, off the UI thread.
  backend_->run<v1::LoginResponse>(
      this,
      [login, password](const Clients& c, v1::LoginResponse* out) {
        return client::Login(c.channel, login, password, out);
      },
      [this](const grpc::Status& status, const v1::LoginResponse& session) {
        ok_->setEnabled(true);
        if (!status.ok()) {
          error_->setText(status.error_code() == grpc::StatusCode::UNAUTHENTICATED
                              ? QStringLiteral("Wrong login or password.")
                              : RefusalText(status));
          password_->clear();
          password_->setFocus();
          return;
        }
        session_ = session;
        accept();
      },
      /*session_call=*/false);
}

}  // namespace shop::queue::counter::gui
