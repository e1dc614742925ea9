#include "counter/gui/supervisor_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QPushButton>
#include <QStringList>
#include <QVBoxLayout>

namespace shop::queue::counter::gui {

SupervisorDialog::SupervisorDialog(const QString& action, bool needs_reason, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(tr("Supervisor confirmation"));
  auto* layout = new QVBoxLayout(this);

  auto* what = new QLabel(action, this);
  what->setObjectName("supervisorAction");
  what->setWordWrap(true);
  QFont bold = what->font();
  bold.setBold(true);
  what->setFont(bold);
  layout->addWidget(what);

  auto* note = new QLabel(
      tr("A supervisor types his own login and password. They are used for this action "
         "only and kept nowhere."),
      this);
  note->setWordWrap(true);
  layout->addWidget(note);

  auto* form = new QFormLayout();
  login_ = new QLineEdit(this);
  login_->setObjectName("supervisorLogin");
  form->addRow(tr("Supervisor's login"), login_);
  password_ = new QLineEdit(this);
  password_->setObjectName("supervisorPassword");
  password_->setEchoMode(QLineEdit::Password);
  form->addRow(tr("Password"), password_);
  if (needs_reason) {
    reason_ = new QLineEdit(this);
    reason_->setObjectName("supervisorReason");
    reason_->setPlaceholderText(tr("Why, in a few words"));
    form->addRow(tr("Reason"), reason_);
  }
  layout->addLayout(form);

  error_ = new QLabel(this);
  error_->setObjectName("supervisorError");
  error_->setWordWrap(true);
  error_->setStyleSheet("color: #b00020;");
  error_->hide();
  layout->addWidget(error_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  QPushButton* ok = buttons->button(QDialogButtonBox::Ok);
  ok->setObjectName("supervisorOk");
  ok->setText(tr("Confirm"));
  buttons->button(QDialogButtonBox::Cancel)->setObjectName("supervisorCancel");
  layout->addWidget(buttons);

  // OK only with everything the server needs; what is missing is said here.
  connect(buttons, &QDialogButtonBox::accepted, this, [this] {
    QStringList missing;
    if (login_->text().trimmed().isEmpty()) missing << tr("the login");
    if (password_->text().isEmpty()) missing << tr("the password");
    if (reason_ != nullptr && reason_->text().trimmed().isEmpty()) missing << tr("the reason");
    if (!missing.isEmpty()) {
      error_->setText(tr("Please type %1.").arg(missing.join(tr(" and "))));
      error_->show();
      return;
    }
    accept();
  });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  setMinimumWidth(420);
}

SupervisorCredentials SupervisorDialog::credentials() const {
  return SupervisorCredentials{login_->text().trimmed().toStdString(),
                               password_->text().toStdString()};
}

QString SupervisorDialog::reason() const {
  return reason_ != nullptr ? reason_->text().trimmed() : QString();
}

void SupervisorDialog::showRefusal(const QString& text) {
  error_->setText(text);
  error_->setVisible(!text.isEmpty());
  password_->clear();
  password_->setFocus();
}

}  // namespace shop::queue::counter::gui
