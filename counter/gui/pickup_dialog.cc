#include "counter/gui/pickup_dialog.h"

#include <string>

#include <QCheckBox>
#include <QComboBox>
#include <QFont>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include "common/client/errors.h"
#include "counter/gui/ticket_text.h"
#include "counter/review_format.h"

namespace shop::queue::counter::gui {
namespace {

QString Q(const std::string& text) { return QString::fromStdString(text); }

QString DocumentWords(v1::DocumentType type) {
  switch (type) {
    case v1::DOCUMENT_TYPE_RU_PASSPORT: return QStringLiteral("Russian passport");
    case v1::DOCUMENT_TYPE_FOREIGN_PASSPORT: return QStringLiteral("International passport");
    case v1::DOCUMENT_TYPE_RESIDENCE_PERMIT: return QStringLiteral("Residence permit");
    default: return QStringLiteral("a document");
  }
}

}  // namespace

PickupDialog::PickupDialog(Backend* backend, QWidget* parent)
    : QDialog(parent), backend_(backend) {
  setWindowTitle(QStringLiteral("Pickup of a card ordered online"));
  auto* layout = new QVBoxLayout(this);

  auto* search = new QHBoxLayout();
  search->addWidget(new QLabel(QStringLiteral("Customer's phone"), this));
  phone_ = new QLineEdit(this);
  phone_->setObjectName(QStringLiteral("pickupPhone"));
  phone_->setPlaceholderText(QStringLiteral("empty: every card waiting at this shop"));
  search->addWidget(phone_, 1);
  find_ = new QPushButton(QStringLiteral("Find"), this);
  find_->setObjectName(QStringLiteral("pickupFind"));
  search->addWidget(find_);
  layout->addLayout(search);

  list_ = new QListWidget(this);
  list_->setObjectName(QStringLiteral("pickupList"));
  list_->setWordWrap(true);
  list_->setAlternatingRowColors(true);
  list_->setMinimumHeight(120);
  layout->addWidget(list_, 1);
  zone_ = new QLabel(this);
  zone_->setObjectName(QStringLiteral("pickupZone"));
  zone_->setStyleSheet(QStringLiteral("color: #555;"));
  layout->addWidget(zone_);

  auto* check = new QGroupBox(QStringLiteral("Identity check"), this);
  auto* form = new QFormLayout(check);
  question_ = new QLabel(QStringLiteral("Choose a card above."), check);
  question_->setObjectName(QStringLiteral("pickupQuestion"));
  question_->setWordWrap(true);
  QFont bold = question_->font();
  bold.setBold(true);
  question_->setFont(bold);
  form->addRow(QStringLiteral("Ask"), question_);
  document_type_ = new QComboBox(check);
  document_type_->setObjectName(QStringLiteral("pickupDocumentType"));
  document_type_->addItem(QStringLiteral("— choose —"), static_cast<int>(v1::DOCUMENT_TYPE_UNSPECIFIED));
  for (v1::DocumentType t : {v1::DOCUMENT_TYPE_RU_PASSPORT, v1::DOCUMENT_TYPE_FOREIGN_PASSPORT,
                             v1::DOCUMENT_TYPE_RESIDENCE_PERMIT})
    document_type_->addItem(DocumentWords(t), static_cast<int>(t));
  form->addRow(QStringLiteral("Document shown"), document_type_);
  document_number_ = new QLineEdit(check);
  document_number_->setObjectName(QStringLiteral("pickupDocumentNumber"));
  form->addRow(QStringLiteral("Document number"), document_number_);
  face_ = new QCheckBox(QStringLiteral("The face matches the document's photo"), check);
  face_->setObjectName(QStringLiteral("pickupFace"));
  form->addRow(QString(), face_);
  answer_ = new QLineEdit(check);
  answer_->setObjectName(QStringLiteral("pickupAnswer"));
  form->addRow(QStringLiteral("Customer's answer"), answer_);
  layout->addWidget(check);

  message_ = new QLabel(this);
  message_->setObjectName(QStringLiteral("pickupMessage"));
  message_->setWordWrap(true);
  message_->setMinimumHeight(40);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(message_);

  auto* buttons = new QHBoxLayout();
  buttons->addStretch(1);
  hand_over_ = new QPushButton(QStringLiteral("Hand over"), this);
  hand_over_->setObjectName(QStringLiteral("pickupHandOver"));
  hand_over_->setMinimumHeight(36);
  auto* close = new QPushButton(QStringLiteral("Close"), this);
  close->setObjectName(QStringLiteral("pickupClose"));
  buttons->addWidget(hand_over_);
  buttons->addWidget(close);
  layout->addLayout(buttons);

  connect(find_, &QPushButton::clicked, this, &PickupDialog::find);
  connect(phone_, &QLineEdit::returnPressed, this, &PickupDialog::find);
  connect(list_, &QListWidget::currentRowChanged, this, &PickupDialog::Chosen);
  connect(document_type_, &QComboBox::currentIndexChanged, this, &PickupDialog::UpdateButtons);
  connect(document_number_, &QLineEdit::textChanged, this, &PickupDialog::UpdateButtons);
  connect(answer_, &QLineEdit::textChanged, this, &PickupDialog::UpdateButtons);
  connect(hand_over_, &QPushButton::clicked, this, &PickupDialog::HandOver);
  connect(close, &QPushButton::clicked, this, &QDialog::close);
  resize(640, 620);
  UpdateButtons();
}

void PickupDialog::Say(const QString& text, bool error) {
  message_->setText(text);
  message_->setStyleSheet(error ? QStringLiteral("color: #b00020; font-weight: bold;")
                                : QStringLiteral("color: #1b5e20; font-weight: bold;"));
}

void PickupDialog::UpdateButtons() {
  const int row = list_->currentRow();
  const bool chosen = row >= 0 && row < pickups_.pickups_size();
  find_->setEnabled(!busy_);
  hand_over_->setEnabled(!busy_ && chosen && document_type_->currentData().toInt() != 0 &&
                         !document_number_->text().trimmed().isEmpty() &&
                         !answer_->text().trimmed().isEmpty());
}

void PickupDialog::Read(bool keep_message) {
  const std::string phone = phone_->text().trimmed().toStdString();
  busy_ = true;
  if (!keep_message) message_->clear();
  UpdateButtons();
  backend_->run<v1::ListPickupsResponse>(
      this,
      [phone](const Clients& c, v1::ListPickupsResponse* out) {
        return c.remote->Pickups(c.branch_id, phone, out);
      },
      [this](const grpc::Status& status, const v1::ListPickupsResponse& found) {
        busy_ = false;
        if (!status.ok()) {
          pickups_.Clear();
          ShowPickups();
          Say(QStringLiteral("Cannot list the cards: %1").arg(RefusalText(status)), true);
          return;
        }
        pickups_ = found;
        ShowPickups();
        if (pickups_.pickups_size() == 1 && list_->currentRow() != 0) list_->setCurrentRow(0);
      });
}

void PickupDialog::ShowPickups() {
  const QSignalBlocker quiet(list_);
  list_->clear();
  const std::string& zone = pickups_.time_zone();
  int chosen_row = -1;
  for (const v1::Pickup& p : pickups_.pickups()) {
    if (p.case_id() == chosen_id_) chosen_row = list_->count();
    auto* item = new QListWidgetItem(
        QStringLiteral("Case %1   %2   %3   card …%4\nShow: %5   Expires %6")
            .arg(p.case_id())
            .arg(Q(p.phone_masked()), Q(p.operator_id()), Q(p.new_iccid_last4()),
                 DocumentWords(p.document_type()), Q(FormatDateTime(p.expire_time(), zone))),
        list_);
    item->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(p.case_id()));
  }
  if (pickups_.pickups().empty()) {
    auto* item = new QListWidgetItem(phone_->text().trimmed().isEmpty()
                                         ? QStringLiteral("No card waits at this shop.")
                                         : QStringLiteral("No card waits here for this number."),
                                     list_);
    item->setFlags(Qt::NoItemFlags);
  }
  zone_->setText(zone.empty() ? QString()
                              : QStringLiteral("Times in %1, the branch's zone.").arg(Q(zone)));
  if (chosen_row >= 0) list_->setCurrentRow(chosen_row);
  Chosen();
}

void PickupDialog::Chosen() {
  const int row = list_->currentRow();
  const bool has = row >= 0 && row < pickups_.pickups_size();
  const int64_t id = has ? pickups_.pickups(row).case_id() : 0;
  if (has)
    question_->setText(Q(pickups_.pickups(row).question()));
  else
    question_->setText(QStringLiteral("Choose a card above."));
  if (id != chosen_id_) {  // another customer: nothing typed for the last one stays
    chosen_id_ = id;
    document_number_->clear();
    answer_->clear();
    face_->setChecked(false);
    if (has) {
      const int index =
          document_type_->findData(static_cast<int>(pickups_.pickups(row).document_type()));
      if (index >= 0) document_type_->setCurrentIndex(index);
    }
  }
  UpdateButtons();
}

void PickupDialog::HandOver() {
  const int row = list_->currentRow();
  if (row < 0 || row >= pickups_.pickups_size()) return;
  const int64_t id = pickups_.pickups(row).case_id();
  IdentityCheck check;
  check.document_type = static_cast<v1::DocumentType>(document_type_->currentData().toInt());
  check.document_number = document_number_->text().trimmed().toStdString();
  check.face_matches = face_->isChecked();
  check.answer = answer_->text().trimmed().toStdString();
  busy_ = true;
  Say(QStringLiteral("Checking..."), false);
  UpdateButtons();
  backend_->run<v1::HandOverCardResponse>(
      this,
      [id, check](const Clients& c, v1::HandOverCardResponse* out) {
        return c.remote->HandOver(id, check, out);
      },
      [this](const grpc::Status& status, const v1::HandOverCardResponse& r) {
        busy_ = false;
        if (!status.ok()) {
          QStringList words;
          for (const auto& [field, description] : client::FieldViolations(status))
            words << Q(description);
          if (words.isEmpty()) words << RefusalText(status);
          Say(QStringLiteral("Not handed over: %1").arg(words.join(QStringLiteral("; "))), true);
          UpdateButtons();
          return;
        }
        if (r.activated()) {
          Say(QStringLiteral("Handed over: the new card is active, the old one is blocked. Give "
                             "the customer the envelope."),
              false);
          Read(/*keep_message=*/true);
          return;
        }
        answer_->clear();
        face_->setChecked(false);
        if (r.locked())
          Say(QStringLiteral("Check failed: the number is now locked for SIM change. Do not hand "
                             "over the card."),
              true);
        else
          Say(QStringLiteral("Check failed: do not hand over the card. Attempts left: %1. Ask the "
                             "new question shown.")
                  .arg(r.attempts_left()),
              true);
        // The server asks another question after a failure: read it (a
        // locked number's card may be gone).
        Read(/*keep_message=*/true);
      });
}

}  // namespace shop::queue::counter::gui
