#include "counter/gui/case_widget.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "common/client/errors.h"
#include "common/luhn.h"
#include "counter/case_format.h"
#include "counter/gui/case_print.h"
#include "counter/gui/supervisor_dialog.h"
#include "counter/gui/ticket_text.h"

namespace shop::queue::counter::gui {
namespace {

constexpr const char* kErrorStyle = "color: #b00020;";
constexpr const char* kOkStyle = "color: #1b5e20;";
constexpr const char* kNoAnswer =
    "The server did not answer; the step may not have been applied. Reading the case again...";
constexpr const char* kLockedWords = "is locked for SIM change";

QString Q(const std::string& text) { return QString::fromStdString(text); }
QString Q(std::string_view text) { return QString::fromUtf8(text.data(), text.size()); }

bool IsSet(const google::protobuf::Timestamp& t) { return t.seconds() != 0 || t.nanos() != 0; }

// The server's field name without the request's message prefix.
std::string FieldName(const std::string& field) {
  constexpr std::string_view kForm = "form.";
  if (field.compare(0, kForm.size(), kForm) == 0) return field.substr(kForm.size());
  return field;
}

QString FieldLabel(const std::string& field) {
  static const std::map<std::string, QString> kLabels = {
      {"phone", "Phone number"},
      {"operator_id", "Operator"},
      {"reason", "Reason"},
      {"full_name", "Full name"},
      {"document_type", "Document type"},
      {"document_number", "Document number"},
      {"contact", "Contact"},
      {"consent", "Consent"},
      {"answer", "Answer"},
      {"iccid", "ICCID"},
      {"method", "Payment method"},
      {"supervisor.login", "Supervisor's login"},
      {"supervisor.password", "Supervisor's password"},
  };
  auto it = kLabels.find(field);
  return it != kLabels.end() ? it->second : Q(field);
}

// "Phone number is required"; a description that is a sentence of its own
// ("the customer must consent ...") is only capitalised.
QString FieldText(const std::string& field, const std::string& description) {
  QString text = Q(description);
  if (text.startsWith("is ") || text.startsWith("must ") || text.startsWith("does ") ||
      text.startsWith("has ") || text.startsWith("expected ")) {
    return FieldLabel(field) + " " + text;
  }
  if (!text.isEmpty()) text[0] = text[0].toUpper();
  return text;
}

// Every field violation as lines, or the status message.
QString RefusalLines(const grpc::Status& status) {
  const auto violations = client::FieldViolations(status);
  if (violations.empty()) return Q(status.error_message());
  QStringList lines;
  for (const auto& [field, description] : violations)
    lines << FieldText(FieldName(field), description);
  return lines.join('\n');
}

bool NoAnswer(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

bool IsLockRefusal(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
         status.error_message().find(kLockedWords) != std::string::npos;
}

// An ICCID as typed or scanned, checked before it is sent.
struct IccidCheck {
  std::string digits;  // without spaces and dashes
  bool valid = false;
  QString text;  // what the clerk reads; "" for an empty field
};

IccidCheck CheckIccid(const QString& typed) {
  IccidCheck check;
  bool digits_only = true;
  for (QChar c : typed) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9') digits_only = false;
    check.digits += c.toLatin1();
  }
  if (check.digits.empty()) return check;
  const int n = static_cast<int>(check.digits.size());
  if (!digits_only) {
    check.text = "digits only";
  } else if (n < 19 || n > 20) {
    check.text = QString("19-20 digits (%1 typed)").arg(n);
  } else if (check.digits.compare(0, 2, "89") != 0) {
    check.text = "an ICCID starts with 89";
  } else if (!LuhnValid(check.digits)) {
    check.text = "check digit wrong";
  } else {
    check.valid = true;
    check.text = "check digit OK";
  }
  return check;
}

QLabel* ErrorLabel(const QString& name, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(name);
  label->setStyleSheet(kErrorStyle);
  label->setWordWrap(true);
  label->hide();
  return label;
}

// A field with its error line under it.
QWidget* WithError(QWidget* field, QLabel* error, QWidget* parent) {
  auto* box = new QWidget(parent);
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addWidget(field);
  layout->addWidget(error);
  return box;
}

QLabel* PageTitle(const QString& text, QWidget* parent) {
  auto* title = new QLabel(text, parent);
  QFont font = title->font();
  font.setBold(true);
  font.setPointSizeF(font.pointSizeF() * 1.25);
  title->setFont(font);
  return title;
}

QPushButton* Button(const QString& text, const QString& name, QWidget* parent) {
  auto* button = new QPushButton(text, parent);
  button->setObjectName(name);
  return button;
}

void FillDocumentTypes(QComboBox* box) {
  box->addItem("— choose —", static_cast<int>(v1::DOCUMENT_TYPE_UNSPECIFIED));
  box->addItem("Russian passport", static_cast<int>(v1::DOCUMENT_TYPE_RU_PASSPORT));
  box->addItem("International passport", static_cast<int>(v1::DOCUMENT_TYPE_FOREIGN_PASSPORT));
  box->addItem("Residence permit", static_cast<int>(v1::DOCUMENT_TYPE_RESIDENCE_PERMIT));
}

QString PaymentText(const v1::Case& c) {
  const QString fee = QString("%1 RUB").arg(c.fee_roubles());
  switch (c.payment_method()) {
    case v1::PAYMENT_METHOD_CASH:
      return QString("Paid %1 in cash, receipt %2").arg(fee, Q(c.receipt_number()));
    case v1::PAYMENT_METHOD_CARD:
      return QString("Paid %1 by card, receipt %2").arg(fee, Q(c.receipt_number()));
    case v1::PAYMENT_METHOD_WAIVED:
      return QString("The fee of %1 was waived by a supervisor").arg(fee);
    case v1::PAYMENT_METHOD_NO_FEE:
      return "No fee for this replacement";
    default:
      return QString("Fee %1, not paid").arg(fee);
  }
}

}  // namespace

CaseWidget::CaseWidget(Backend* backend, QWidget* parent) : QWidget(parent), backend_(backend) {
  auto* layout = new QVBoxLayout(this);

  header_ = new QLabel(this);
  header_->setObjectName("caseHeader");
  QFont bold = header_->font();
  bold.setBold(true);
  header_->setFont(bold);
  layout->addWidget(header_);
  hint_ = new QLabel(this);
  hint_->setObjectName("caseHint");
  hint_->setWordWrap(true);
  layout->addWidget(hint_);
  message_ = new QLabel(this);
  message_->setObjectName("caseMessage");
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  message_->hide();
  layout->addWidget(message_);

  // The identity lock: shown on the form and identity pages while the
  // number is locked.
  lock_panel_ = new QWidget(this);
  lock_panel_->setObjectName("idLockPanel");
  {
    auto* l = new QHBoxLayout(lock_panel_);
    l->setContentsMargins(0, 0, 0, 0);
    id_lock_ = new QLabel(lock_panel_);
    id_lock_->setObjectName("idLock");
    id_lock_->setWordWrap(true);
    id_lock_->setStyleSheet(kErrorStyle);
    id_lock_->setText(
        "The number is locked for SIM change after failed identity checks. A supervisor "
        "must unlock this number.");
    l->addWidget(id_lock_, 1);
    id_unlock_phone_ = new QLineEdit(lock_panel_);
    id_unlock_phone_->setObjectName("idUnlockPhone");
    id_unlock_phone_->setPlaceholderText("The locked number");
    l->addWidget(id_unlock_phone_);
    id_unlock_ = Button("Supervisor: unlock the number...", "idUnlock", lock_panel_);
    l->addWidget(id_unlock_);
    connect(id_unlock_, &QPushButton::clicked, this, [this] { Unlock(); });
  }
  lock_panel_->hide();
  layout->addWidget(lock_panel_);

  pages_ = new QStackedWidget(this);
  pages_->setObjectName("casePages");
  empty_page_ = new QWidget(pages_);
  empty_page_->setObjectName("caseEmptyPage");
  {
    auto* l = new QVBoxLayout(empty_page_);
    l->addWidget(new QLabel("No SIM-replacement case is shown.", empty_page_));
    l->addStretch();
  }
  pages_->addWidget(empty_page_);
  pages_->addWidget(form_page_ = BuildFormPage());
  pages_->addWidget(identity_page_ = BuildIdentityPage());
  pages_->addWidget(payment_page_ = BuildPaymentPage());
  pages_->addWidget(card_page_ = BuildCardPage());
  pages_->addWidget(block_page_ = BuildBlockPage());
  pages_->addWidget(close_page_ = BuildClosePage());
  pages_->addWidget(summary_page_ = BuildSummaryPage());
  pages_->addWidget(finished_page_ = BuildFinishedPage());
  layout->addWidget(pages_, 3);


  // Cancelling: before card issue, with a reason.
  auto* cancel_row = new QHBoxLayout();
  cancel_ = Button("Cancel the case...", "caseCancel", this);
  cancel_row->addWidget(cancel_);
  cancel_panel_ = new QWidget(this);
  cancel_panel_->setObjectName("cancelPanel");
  {
    auto* l = new QHBoxLayout(cancel_panel_);
    l->setContentsMargins(0, 0, 0, 0);
    cancel_reason_ = new QLineEdit(cancel_panel_);
    cancel_reason_->setObjectName("cancelReason");
    cancel_reason_->setPlaceholderText("Why is the case cancelled?");
    l->addWidget(cancel_reason_, 1);
    cancel_confirm_ = Button("Cancel the case", "cancelConfirm", cancel_panel_);
    l->addWidget(cancel_confirm_);
    cancel_back_ = Button("Keep it", "cancelBack", cancel_panel_);
    l->addWidget(cancel_back_);
  }
  cancel_panel_->hide();
  cancel_row->addWidget(cancel_panel_, 1);
  cancel_row->addStretch();
  layout->addLayout(cancel_row);
  connect(cancel_, &QPushButton::clicked, this, [this] { StartCancel(); });
  connect(cancel_confirm_, &QPushButton::clicked, this, [this] { ConfirmCancel(); });
  connect(cancel_reason_, &QLineEdit::returnPressed, this, [this] { ConfirmCancel(); });
  connect(cancel_back_, &QPushButton::clicked, this, [this] {
    cancel_panel_->hide();
    cancel_->show();
  });

  auto* records_title = new QLabel("Records", this);
  records_title->setFont(bold);
  layout->addWidget(records_title);
  records_ = new QListWidget(this);
  records_->setObjectName("caseRecords");
  layout->addWidget(records_, 1);

  clear();
}

// --- pages -----------------------------------------------------------------

QWidget* CaseWidget::BuildFormPage() {
  auto* page = new QWidget(this);
  page->setObjectName("caseFormPage");
  auto* outer = new QVBoxLayout(page);
  outer->addWidget(PageTitle("1. The form", page));
  auto* form = new QFormLayout();

  auto add = [&](const QString& label, QWidget* field, const std::string& server_field,
                 const QString& error_name) {
    QLabel* error = ErrorLabel(error_name, page);
    form_errors_[server_field] = error;
    form->addRow(label, WithError(field, error, page));
  };

  form_phone_ = new QLineEdit(page);
  form_phone_->setObjectName("formPhone");
  form_phone_->setPlaceholderText("+7 916 123-45-67");
  add("Phone number", form_phone_, "phone", "formPhoneError");

  form_operator_ = new QComboBox(page);
  form_operator_->setObjectName("formOperator");
  form_operator_->addItem("— choose —", QString());
  form_operator_->addItem("MegaFon", QString("megafon"));
  form_operator_->addItem("Beeline", QString("beeline"));
  form_operator_->addItem("Tele2", QString("tele2"));
  add("Operator", form_operator_, "operator_id", "formOperatorError");

  form_reason_ = new QComboBox(page);
  form_reason_->setObjectName("formReason");
  form_reason_->addItem("— choose —", static_cast<int>(v1::REPLACEMENT_REASON_UNSPECIFIED));
  form_reason_->addItem("Lost", static_cast<int>(v1::REPLACEMENT_REASON_LOST));
  form_reason_->addItem("Stolen", static_cast<int>(v1::REPLACEMENT_REASON_STOLEN));
  form_reason_->addItem("Damaged", static_cast<int>(v1::REPLACEMENT_REASON_DAMAGED));
  form_reason_->addItem("Format change", static_cast<int>(v1::REPLACEMENT_REASON_FORMAT_CHANGE));
  add("Reason", form_reason_, "reason", "formReasonError");

  form_full_name_ = new QLineEdit(page);
  form_full_name_->setObjectName("formFullName");
  form_full_name_->setPlaceholderText("As in the document");
  add("Full name", form_full_name_, "full_name", "formFullNameError");

  form_document_type_ = new QComboBox(page);
  form_document_type_->setObjectName("formDocumentType");
  FillDocumentTypes(form_document_type_);
  add("Document", form_document_type_, "document_type", "formDocumentTypeError");

  form_document_number_ = new QLineEdit(page);
  form_document_number_->setObjectName("formDocumentNumber");
  form_document_number_->setPlaceholderText("Passport: NNNN NNNNNN");
  add("Document number", form_document_number_, "document_number", "formDocumentNumberError");

  form_contact_ = new QLineEdit(page);
  form_contact_->setObjectName("formContact");
  form_contact_->setPlaceholderText("A mobile number or an e-mail for the notice");
  add("Contact", form_contact_, "contact", "formContactError");

  form_consent_ = new QCheckBox("The customer consents to processing of personal data", page);
  form_consent_->setObjectName("formConsent");
  add("Consent", form_consent_, "consent", "formConsentError");

  outer->addLayout(form);
  form_submit_ = Button("Submit the form", "formSubmit", page);
  auto* row = new QHBoxLayout();
  row->addStretch();
  row->addWidget(form_submit_);
  outer->addLayout(row);
  outer->addStretch();
  connect(form_submit_, &QPushButton::clicked, this, [this] { SubmitForm(); });
  return page;
}

QWidget* CaseWidget::BuildIdentityPage() {
  auto* page = new QWidget(this);
  page->setObjectName("caseIdentityPage");
  auto* outer = new QVBoxLayout(page);
  outer->addWidget(PageTitle("2. Identity check", page));
  auto* note = new QLabel(
      "Check the document the customer presents now and ask the question below. Nothing of "
      "the subscriber's account is shown before the check passes.",
      page);
  note->setWordWrap(true);
  outer->addWidget(note);

  auto* form = new QFormLayout();
  id_document_type_ = new QComboBox(page);
  id_document_type_->setObjectName("idDocumentType");
  FillDocumentTypes(id_document_type_);
  form->addRow("Document presented", id_document_type_);
  id_document_number_ = new QLineEdit(page);
  id_document_number_->setObjectName("idDocumentNumber");
  id_document_number_->setPlaceholderText("Passport: NNNN NNNNNN");
  form->addRow("Document number", id_document_number_);
  id_face_ = new QCheckBox("Face matches the photo", page);
  id_face_->setObjectName("idFaceMatches");
  form->addRow("", id_face_);
  id_question_ = new QLabel(page);
  id_question_->setObjectName("idQuestion");
  id_question_->setWordWrap(true);
  QFont bold = id_question_->font();
  bold.setBold(true);
  id_question_->setFont(bold);
  form->addRow("Ask the customer", id_question_);
  id_answer_ = new QLineEdit(page);
  id_answer_->setObjectName("idAnswer");
  form->addRow("The customer's answer", id_answer_);
  outer->addLayout(form);

  id_attempts_ = new QLabel(page);
  id_attempts_->setObjectName("idAttempts");
  id_attempts_->setStyleSheet(kErrorStyle);
  id_attempts_->hide();
  outer->addWidget(id_attempts_);

  id_check_ = Button("Check identity", "idCheck", page);
  auto* row = new QHBoxLayout();
  row->addStretch();
  row->addWidget(id_check_);
  outer->addLayout(row);
  outer->addStretch();
  connect(id_check_, &QPushButton::clicked, this, [this] { CheckIdentity(); });
  connect(id_answer_, &QLineEdit::returnPressed, this, [this] { CheckIdentity(); });
  return page;
}

QWidget* CaseWidget::BuildPaymentPage() {
  auto* page = new QWidget(this);
  page->setObjectName("casePaymentPage");
  auto* outer = new QVBoxLayout(page);
  outer->addWidget(PageTitle("3. Payment", page));
  pay_account_ = new QLabel(page);
  pay_account_->setObjectName("payAccount");
  pay_account_->setWordWrap(true);
  outer->addWidget(pay_account_);
  pay_fee_ = new QLabel(page);
  pay_fee_->setObjectName("payFee");
  QFont big = pay_fee_->font();
  big.setBold(true);
  big.setPointSizeF(big.pointSizeF() * 1.5);
  pay_fee_->setFont(big);
  outer->addWidget(pay_fee_);
  auto* row = new QHBoxLayout();
  pay_cash_ = Button("Paid in cash", "payCash", page);
  pay_card_ = Button("Paid by card", "payCard", page);
  pay_waive_ = Button("Supervisor: waive the fee...", "payWaive", page);
  row->addWidget(pay_cash_);
  row->addWidget(pay_card_);
  row->addStretch();
  row->addWidget(pay_waive_);
  outer->addLayout(row);
  outer->addStretch();
  connect(pay_cash_, &QPushButton::clicked, this, [this] { Pay(v1::PAYMENT_METHOD_CASH); });
  connect(pay_card_, &QPushButton::clicked, this, [this] { Pay(v1::PAYMENT_METHOD_CARD); });
  connect(pay_waive_, &QPushButton::clicked, this, [this] { Waive(); });
  return page;
}

QWidget* CaseWidget::BuildCardPage() {
  auto* page = new QWidget(this);
  page->setObjectName("caseCardPage");
  auto* outer = new QVBoxLayout(page);
  outer->addWidget(PageTitle("4. The new card", page));
  pay_receipt_ = new QLabel(page);
  pay_receipt_->setObjectName("payReceipt");
  outer->addWidget(pay_receipt_);
  auto* note = new QLabel(
      "Scan the barcode of a blank card from this branch's stock (or type its ICCID and "
      "press Enter).",
      page);
  note->setWordWrap(true);
  outer->addWidget(note);
  auto* row = new QHBoxLayout();
  card_iccid_ = new QLineEdit(page);
  card_iccid_->setObjectName("cardIccid");
  card_iccid_->setPlaceholderText("8970 1020 0050 0000 016");
  row->addWidget(card_iccid_, 1);
  card_luhn_ = new QLabel(page);
  card_luhn_->setObjectName("cardLuhn");
  card_luhn_->setMinimumWidth(160);
  row->addWidget(card_luhn_);
  card_issue_ = Button("Issue the card", "cardIssue", page);
  row->addWidget(card_issue_);
  outer->addLayout(row);
  outer->addStretch();
  connect(card_iccid_, &QLineEdit::textChanged, this, [this] {
    // A new number: the refusal of the last one no longer applies.
    if (iccid_refused_) {
      iccid_refused_ = false;
      Say("", false);
    }
    UpdateLuhn();
    UpdateButtons();
  });
  // A scanner types the digits and Enter.
  connect(card_iccid_, &QLineEdit::returnPressed, this, [this] { IssueCard(); });
  connect(card_issue_, &QPushButton::clicked, this, [this] { IssueCard(); });
  return page;
}

QWidget* CaseWidget::BuildBlockPage() {
  auto* page = new QWidget(this);
  page->setObjectName("caseBlockPage");
  auto* outer = new QVBoxLayout(page);
  outer->addWidget(PageTitle("5. Activate the new card, block the old one", page));
  auto* note = new QLabel(
      "The new card becomes active for the number and the old card is blocked, both at once. "
      "The subscriber gets a notice. Give the new card to the customer first.",
      page);
  note->setWordWrap(true);
  outer->addWidget(note);
  block_old_card_ = Button("Activate the new card and block the old one", "blockOldCard", page);
  auto* row = new QHBoxLayout();
  row->addStretch();
  row->addWidget(block_old_card_);
  outer->addLayout(row);
  outer->addStretch();
  connect(block_old_card_, &QPushButton::clicked, this, [this] { BlockOldCard(); });
  return page;
}

QWidget* CaseWidget::BuildClosePage() {
  auto* page = new QWidget(this);
  page->setObjectName("caseClosePage");
  auto* outer = new QVBoxLayout(page);
  outer->addWidget(PageTitle("6. Close the case", page));
  auto* note = new QLabel(
      "The number works on the new card. Closing the case completes the ticket and gives the "
      "summary for the customer to print.",
      page);
  note->setWordWrap(true);
  outer->addWidget(note);
  close_ = Button("Close the case", "caseClose", page);
  auto* row = new QHBoxLayout();
  row->addStretch();
  row->addWidget(close_);
  outer->addLayout(row);
  outer->addStretch();
  connect(close_, &QPushButton::clicked, this, [this] { CloseCase(); });
  return page;
}

QWidget* CaseWidget::BuildSummaryPage() {
  auto* page = new QWidget(this);
  page->setObjectName("caseSummaryPage");
  auto* outer = new QVBoxLayout(page);
  outer->addWidget(PageTitle("Closed: the summary for the customer", page));
  summary_text_ = new QPlainTextEdit(page);
  summary_text_->setObjectName("caseSummary");
  summary_text_->setReadOnly(true);
  outer->addWidget(summary_text_, 1);
  auto* row = new QHBoxLayout();
  row->addStretch();
  summary_print_ = Button("Print...", "summaryPrint", page);
  summary_pdf_ = Button("Save as PDF...", "summaryPdf", page);
  row->addWidget(summary_print_);
  row->addWidget(summary_pdf_);
  outer->addLayout(row);
  connect(summary_print_, &QPushButton::clicked, this, [this] { PrintSummaryPage(); });
  connect(summary_pdf_, &QPushButton::clicked, this, [this] { SavePdf(); });
  return page;
}

QWidget* CaseWidget::BuildFinishedPage() {
  auto* page = new QWidget(this);
  page->setObjectName("caseFinishedPage");
  auto* outer = new QVBoxLayout(page);
  outer->addWidget(PageTitle("A finished case", page));
  finished_text_ = new QLabel(page);
  finished_text_->setObjectName("caseFinishedText");
  finished_text_->setWordWrap(true);
  outer->addWidget(finished_text_);
  outer->addStretch();
  return page;
}

// --- the case --------------------------------------------------------------

void CaseWidget::showCase(const v1::Case& sim_case) {
  if (!has_case_ || case_.case_id() != sim_case.case_id()) ResetInputs();
  case_ = sim_case;
  has_case_ = true;
  // A finished case carries its summary: it can be printed again later.
  if (!sim_case.summary().empty()) {
    summary_ = Q(sim_case.summary());
    summary_text_->setPlainText(summary_);
  }
  UpdateHeader();
  UpdatePages();
  UpdateRecords();
  UpdateButtons();
  Q_EMIT caseChanged(case_);
}

void CaseWidget::loadForTicket(int64_t ticket_id) {
  ++busy_;
  UpdateButtons();
  backend_->run<v1::Case>(
      this,
      [ticket_id](const Clients& c, v1::Case* out) { return c.cases->GetByTicket(ticket_id, out); },
      [this, ticket_id](const grpc::Status& status, const v1::Case& found) {
        --busy_;
        UpdateButtons();
        if (status.ok()) return showCase(found);
        if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
          clear();
          Q_EMIT noCase();
          return;
        }
        Say(QString("Could not read the case of ticket id %1: %2")
                .arg(ticket_id)
                .arg(Q(status.error_message())),
            true);
        UpdateButtons();
      });
}

void CaseWidget::reload() {
  if (!has_case_) return;
  const int64_t case_id = case_.case_id();
  Send<v1::Case>(
      [case_id](const Clients& c, v1::Case* out) { return c.cases->Get(case_id, out); },
      [this](const grpc::Status& status, const v1::Case& fresh) {
        if (status.ok()) {
          showCase(fresh);
          // After a lost answer: say where the case is now.
          if (message_->text().startsWith(kNoAnswer))
            Say(QString(kNoAnswer) + "\nRead again: the case is " +
                    Q(counter::CaseStateName(case_.state())) + ".",
                true);
          return;
        }
        Say(message_->text() + (message_->text().isEmpty() ? "" : "\n") +
                "Could not read the case again: " + Q(status.error_message()),
            true);
      });
}

void CaseWidget::clear() {
  has_case_ = false;
  case_.Clear();
  ResetInputs();
  UpdateHeader();
  UpdatePages();
  UpdateRecords();
  UpdateButtons();
}

bool CaseWidget::hasCase() const { return has_case_; }

const v1::Case& CaseWidget::currentCase() const { return case_; }

template <typename T>
void CaseWidget::Send(std::function<grpc::Status(const Clients&, T*)> call,
                      std::function<void(const grpc::Status&, const T&)> done) {
  const int64_t case_id = case_.case_id();
  ++busy_;
  UpdateButtons();
  backend_->run<T>(this, std::move(call),
                   [this, case_id, done = std::move(done)](const grpc::Status& status,
                                                           const T& out) {
                     --busy_;
                     UpdateButtons();
                     // The ticket ended or another case came meanwhile.
                     if (!has_case_ || case_.case_id() != case_id) return;
                     done(status, out);
                   });
}

void CaseWidget::StepDone(const grpc::Status& status, const v1::Case& updated,
                          const QString& done_text) {
  if (!status.ok()) return ShowRefusal(status);
  showCase(updated);
  Say(done_text, false);
}

void CaseWidget::ShowRefusal(const grpc::Status& status) {
  if (NoAnswer(status)) {
    Say(kNoAnswer, true);
    return reload();
  }
  if (IsLockRefusal(status)) lock_refused_ = true;
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
      status.error_code() == grpc::StatusCode::ABORTED) {
    // The case may have moved on elsewhere: show where it is now.
    Say("Refused: " + RefusalLines(status), true);
    return reload();
  }
  Say("Refused: " + RefusalLines(status), true);
  UpdatePages();
}

void CaseWidget::AskSupervisor(const QString& action, bool needs_reason,
                               std::function<void(SupervisorDialog*)> send) {
  auto* dialog = new SupervisorDialog(action, needs_reason, this);
  dialog->setObjectName("supervisorDialog");
  QPointer<SupervisorDialog> guard(dialog);
  connect(dialog, &QDialog::accepted, this, [guard, send = std::move(send)] {
    if (guard) send(guard);
  });
  connect(dialog, &QDialog::rejected, dialog, &QObject::deleteLater);
  dialog->open();
}

bool CaseWidget::BackToSupervisor(SupervisorDialog* dialog, const grpc::Status& status) {
  if (dialog == nullptr) return false;
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    dialog->showRefusal("Refused: " + RefusalLines(status));
    dialog->open();
    return true;
  }
  dialog->deleteLater();
  return false;
}

// --- steps -----------------------------------------------------------------

void CaseWidget::SubmitForm() {
  if (busy_ || !has_case_) return;
  ClearFormErrors();
  Say("", false);
  v1::CaseForm form;
  form.set_phone(form_phone_->text().trimmed().toStdString());
  form.set_operator_id(form_operator_->currentData().toString().toStdString());
  form.set_reason(static_cast<v1::ReplacementReason>(form_reason_->currentData().toInt()));
  form.set_full_name(form_full_name_->text().trimmed().toStdString());
  form.set_document_type(static_cast<v1::DocumentType>(form_document_type_->currentData().toInt()));
  form.set_document_number(form_document_number_->text().trimmed().toStdString());
  form.set_contact(form_contact_->text().trimmed().toStdString());
  form.set_consent(form_consent_->isChecked());
  typed_phone_ = form_phone_->text().trimmed();
  const int64_t case_id = case_.case_id();
  Send<v1::Case>(
      [case_id, form](const Clients& c, v1::Case* out) {
        return c.cases->SubmitForm(case_id, form, out);
      },
      [this](const grpc::Status& status, const v1::Case& updated) {
        if (status.error_code() != grpc::StatusCode::INVALID_ARGUMENT)
          return StepDone(status, updated, "The form is in: check the customer's identity.");
        QStringList other;
        for (const auto& [field, description] : client::FieldViolations(status)) {
          const std::string name = FieldName(field);
          auto it = form_errors_.find(name);
          if (it == form_errors_.end()) {
            other << FieldText(name, description);
            continue;
          }
          QLabel* label = it->second;
          const QString line = FieldText(name, description);
          label->setText(label->text().isEmpty() ? line : label->text() + "\n" + line);
          label->show();
        }
        if (client::FieldViolations(status).empty()) other << Q(status.error_message());
        Say(other.isEmpty() ? "The form was refused: correct the fields marked in red."
                            : "The form was refused: " + other.join("\n"),
            true);
      });
}

void CaseWidget::CheckIdentity() {
  if (busy_ || !has_case_ || case_.state() != v1::CASE_STATE_AWAITING_IDENTITY) return;
  Say("", false);
  IdentityCheck check;
  check.document_type = static_cast<v1::DocumentType>(id_document_type_->currentData().toInt());
  check.document_number = id_document_number_->text().trimmed().toStdString();
  check.face_matches = id_face_->isChecked();
  check.answer = id_answer_->text().trimmed().toStdString();
  const int64_t case_id = case_.case_id();
  Send<v1::CheckIdentityResponse>(
      [case_id, check](const Clients& c, v1::CheckIdentityResponse* out) {
        return c.cases->CheckIdentity(case_id, check, out);
      },
      [this](const grpc::Status& status, const v1::CheckIdentityResponse& response) {
        if (!status.ok()) return ShowRefusal(status);
        if (response.passed()) {
          id_document_number_->clear();
          id_answer_->clear();
          id_face_->setChecked(false);
          id_attempts_->hide();
          showCase(response.sim_case());
          Say(response.sim_case().state() == v1::CASE_STATE_AWAITING_CARD
                  ? "Identity check passed. No fee for this replacement: issue the card."
                  : "Identity check passed.",
              false);
          return;
        }
        id_answer_->clear();
        if (response.locked()) {
          id_attempts_->setText("No attempts left: the number is locked.");
          id_attempts_->show();
          showCase(response.sim_case());
          Say("Identity check failed: the number is now LOCKED for SIM change. A supervisor "
              "must unlock this number.",
              true);
          return;
        }
        const int left = response.attempts_left();
        id_attempts_->setText(
            QString("%1 %2 left").arg(left).arg(left == 1 ? "attempt" : "attempts"));
        id_attempts_->show();
        showCase(response.sim_case());
        Say(QString("Identity check failed: %1 %2 left. Ask the new question.")
                .arg(left)
                .arg(left == 1 ? "attempt" : "attempts"),
            true);
      });
}

void CaseWidget::Unlock() {
  if (busy_ || !has_case_) return;
  const QString phone =
      typed_phone_.isEmpty() ? id_unlock_phone_->text().trimmed() : typed_phone_;
  if (phone.isEmpty()) {
    Say("Type the locked number (as the customer gives it) first.", true);
    id_unlock_phone_->setFocus();
    return;
  }
  AskSupervisor(
      QString("Unlock the number %1 for SIM change").arg(Q(case_.phone_masked())),
      /*needs_reason=*/true, [this, phone](SupervisorDialog* dialog) {
        const std::string number = phone.toStdString();
        const std::string reason = dialog->reason().toStdString();
        const SupervisorCredentials supervisor = dialog->credentials();
        QPointer<SupervisorDialog> guard(dialog);
        Send<bool>(
            [number, reason, supervisor](const Clients& c, bool* out) {
              grpc::Status status = c.cases->UnlockNumber(number, reason, supervisor);
              *out = status.ok();
              return status;
            },
            [this, guard](const grpc::Status& status, const bool&) {
              if (BackToSupervisor(guard, status)) return;
              if (!status.ok()) return ShowRefusal(status);
              int locks = 0;
              for (const v1::CaseRecord& r : case_.records())
                if (r.step() == "lock") ++locks;
              unlocked_locks_ = locks;
              lock_refused_ = false;
              id_attempts_->hide();
              UpdatePages();
              Say("The number is unlocked: check the identity again.", false);
            });
      });
}

void CaseWidget::Pay(v1::PaymentMethod method) {
  if (busy_ || !has_case_) return;
  Say("", false);
  const int64_t case_id = case_.case_id();
  Send<v1::Case>(
      [case_id, method](const Clients& c, v1::Case* out) {
        return c.cases->Pay(case_id, method, out);
      },
      [this](const grpc::Status& status, const v1::Case& updated) {
        StepDone(status, updated,
                 "Payment recorded, receipt " + Q(updated.receipt_number()) +
                     ". Issue the new card.");
      });
}

void CaseWidget::Waive() {
  if (busy_ || !has_case_) return;
  Say("", false);
  const int64_t case_id = case_.case_id();
  AskSupervisor(QString("Waive the fee of %1 RUB").arg(case_.fee_roubles()),
                /*needs_reason=*/true, [this, case_id](SupervisorDialog* dialog) {
                  const std::string reason = dialog->reason().toStdString();
                  const SupervisorCredentials supervisor = dialog->credentials();
                  QPointer<SupervisorDialog> guard(dialog);
                  Send<v1::Case>(
                      [case_id, reason, supervisor](const Clients& c, v1::Case* out) {
                        return c.cases->WaiveFee(case_id, reason, supervisor, out);
                      },
                      [this, guard](const grpc::Status& status, const v1::Case& updated) {
                        if (BackToSupervisor(guard, status)) return;
                        StepDone(status, updated, "The fee is waived. Issue the new card.");
                      });
                });
}

void CaseWidget::IssueCard() {
  if (busy_ || !has_case_ || case_.state() != v1::CASE_STATE_AWAITING_CARD) return;
  const IccidCheck check = CheckIccid(card_iccid_->text());
  if (!check.valid) {
    Say("Not sent: the ICCID is not valid (" +
            (check.text.isEmpty() ? QString("nothing typed") : check.text) + ").",
        true);
    card_iccid_->selectAll();  // the next scan replaces it
    iccid_refused_ = true;
    return;
  }
  Say("", false);
  const int64_t case_id = case_.case_id();
  const std::string iccid = check.digits;
  Send<v1::Case>(
      [case_id, iccid](const Clients& c, v1::Case* out) {
        return c.cases->IssueCard(case_id, iccid, out);
      },
      [this](const grpc::Status& status, const v1::Case& updated) {
        StepDone(status, updated,
                 "Card ..." + Q(updated.new_iccid()).right(4) +
                     " issued. Activate it and block the old card.");
        if (!status.ok()) {
          card_iccid_->selectAll();  // the next scan replaces it
          iccid_refused_ = true;
        }
      });
}

void CaseWidget::BlockOldCard() {
  if (busy_ || !has_case_) return;
  Say("", false);
  const int64_t case_id = case_.case_id();
  Send<v1::Case>(
      [case_id](const Clients& c, v1::Case* out) { return c.cases->BlockOldCard(case_id, out); },
      [this](const grpc::Status& status, const v1::Case& updated) {
        StepDone(status, updated, "The new card is active and the old one blocked.");
      });
}

void CaseWidget::CloseCase() {
  if (busy_ || !has_case_) return;
  Say("", false);
  const int64_t case_id = case_.case_id();
  Send<v1::CloseCaseResponse>(
      [case_id](const Clients& c, v1::CloseCaseResponse* out) {
        return c.cases->Close(case_id, out);
      },
      [this](const grpc::Status& status, const v1::CloseCaseResponse& response) {
        if (!status.ok()) return ShowRefusal(status);
        summary_ = Q(response.summary());
        summary_text_->setPlainText(summary_);
        showCase(response.sim_case());
        Say("The case is closed and the ticket completed. Print the summary for the customer.",
            false);
        Q_EMIT caseClosed(case_, summary_);
      });
}

void CaseWidget::StartCancel() {
  if (busy_ || !has_case_) return;
  cancel_->hide();
  cancel_panel_->show();
  cancel_reason_->setFocus();
}

void CaseWidget::ConfirmCancel() {
  if (busy_ || !has_case_) return;
  const QString why = cancel_reason_->text().trimmed();
  if (why.isEmpty()) {
    Say("Type why the case is cancelled.", true);
    cancel_reason_->setFocus();
    return;
  }
  const int64_t case_id = case_.case_id();
  const std::string reason = why.toStdString();
  auto finish = [this](const grpc::Status& status, const v1::Case& updated) {
    if (!status.ok()) return ShowRefusal(status);
    cancel_reason_->clear();
    cancel_panel_->hide();
    showCase(updated);
    Say(updated.refunded() ? "The case is cancelled and the fee refunded."
                           : "The case is cancelled.",
        false);
    Q_EMIT caseCancelled(case_);
  };
  const bool paid = case_.payment_method() == v1::PAYMENT_METHOD_CASH ||
                    case_.payment_method() == v1::PAYMENT_METHOD_CARD;
  if (!paid) {
    Say("", false);
    Send<v1::Case>(
        [case_id, reason](const Clients& c, v1::Case* out) {
          return c.cases->Cancel(case_id, reason, std::nullopt, out);
        },
        finish);
    return;
  }
  AskSupervisor(
      QString("Cancel case %1 and refund the fee of %2 RUB")
          .arg(case_id)
          .arg(case_.fee_roubles()),
      /*needs_reason=*/false, [this, case_id, reason, finish](SupervisorDialog* dialog) {
        const std::optional<SupervisorCredentials> supervisor = dialog->credentials();
        QPointer<SupervisorDialog> guard(dialog);
        Send<v1::Case>(
            [case_id, reason, supervisor](const Clients& c, v1::Case* out) {
              return c.cases->Cancel(case_id, reason, supervisor, out);
            },
            [this, guard, finish](const grpc::Status& status, const v1::Case& updated) {
              // A bad reason is the clerk's field, not the supervisor's.
              const auto violations = client::FieldViolations(status);
              const bool reason_only =
                  !violations.empty() &&
                  std::all_of(violations.begin(), violations.end(),
                              [](const auto& v) { return FieldName(v.first) == "reason"; });
              if (!reason_only && BackToSupervisor(guard, status)) return;
              if (reason_only && guard) guard->deleteLater();
              finish(status, updated);
            });
      });
}

void CaseWidget::PrintSummaryPage() {
  QPrinter printer;
  QPrintDialog dialog(&printer, this);
  dialog.setWindowTitle("Print the summary");
  if (dialog.exec() != QDialog::Accepted) return;
  if (!PrintSummary(case_, summary_, &printer))
    Say("The summary could not be printed: the printer did not start a page.", true);
  else
    Say("The summary was sent to the printer.", false);
}

void CaseWidget::SavePdf() {
  const QString path = QFileDialog::getSaveFileName(
      this, "Save the summary as PDF", QString("case-%1.pdf").arg(case_.case_id()),
      "PDF (*.pdf)");
  if (path.isEmpty()) return;
  QString error;
  if (!SaveSummaryPdf(case_, summary_, path, &error))
    Say("The summary was not saved: " + error, true);
  else
    Say("The summary was saved to " + path + ".", false);
}

// --- showing ---------------------------------------------------------------

void CaseWidget::Say(const QString& text, bool error) {
  message_->setText(text);
  message_->setStyleSheet(error ? kErrorStyle : kOkStyle);
  message_->setVisible(!text.isEmpty());
  if (!text.isEmpty()) Q_EMIT message(text, error);
}

void CaseWidget::ClearFormErrors() {
  for (auto& [field, label] : form_errors_) {
    label->clear();
    label->hide();
  }
}

void CaseWidget::ResetInputs() {
  for (QLineEdit* edit : {form_phone_, form_full_name_, form_document_number_, form_contact_,
                          id_document_number_, id_answer_, id_unlock_phone_, card_iccid_,
                          cancel_reason_}) {
    edit->clear();
  }
  for (QComboBox* box : {form_operator_, form_reason_, form_document_type_, id_document_type_})
    box->setCurrentIndex(0);
  form_consent_->setChecked(false);
  id_face_->setChecked(false);
  id_attempts_->hide();
  ClearFormErrors();
  summary_.clear();
  summary_text_->clear();
  typed_phone_.clear();
  unlocked_locks_ = 0;
  lock_refused_ = false;
  cancel_panel_->hide();
  Say("", false);
}

void CaseWidget::UpdateHeader() {
  if (!has_case_) {
    header_->setText("No case");
    hint_->clear();
    hint_->hide();
    return;
  }
  QString header = QString("Case %1 — ticket id %2 — %3")
                       .arg(case_.case_id())
                       .arg(case_.ticket_id())
                       .arg(Q(counter::CaseStateName(case_.state())));
  if (!case_.phone_masked().empty()) header += " — " + Q(case_.phone_masked());
  if (!case_.operator_id().empty()) header += ", " + Q(case_.operator_id());
  header_->setText(header);
  hint_->setText(case_.hint().empty() ? QString() : "Next: " + Q(case_.hint()));
  hint_->setVisible(!case_.hint().empty());
}

bool CaseWidget::IdentityLocked() const {
  if (!has_case_) return false;
  if (case_.state() != v1::CASE_STATE_AWAITING_IDENTITY &&
      case_.state() != v1::CASE_STATE_AWAITING_FORM) {
    return false;
  }
  if (lock_refused_) return true;
  int locks = 0;
  for (const v1::CaseRecord& r : case_.records())
    if (r.step() == "lock") ++locks;
  return locks > unlocked_locks_;
}

void CaseWidget::UpdatePages() {
  QWidget* page = empty_page_;
  if (has_case_) {
    switch (case_.state()) {
      case v1::CASE_STATE_AWAITING_FORM: page = form_page_; break;
      case v1::CASE_STATE_AWAITING_IDENTITY: page = identity_page_; break;
      case v1::CASE_STATE_AWAITING_PAYMENT: page = payment_page_; break;
      case v1::CASE_STATE_AWAITING_CARD: page = card_page_; break;
      case v1::CASE_STATE_AWAITING_BLOCK: page = block_page_; break;
      case v1::CASE_STATE_AWAITING_CLOSE: page = close_page_; break;
      case v1::CASE_STATE_CLOSED: page = summary_.isEmpty() ? finished_page_ : summary_page_; break;
      default: page = finished_page_;
    }
  }
  const bool arrived = pages_->currentWidget() != page;
  pages_->setCurrentWidget(page);
  // A scanner types where the focus is: on the card page, into the ICCID.
  if (arrived && page == card_page_) card_iccid_->setFocus();

  // Identity: only the question; the register stays hidden.
  id_question_->setText(Q(case_.question()));
  if (page == identity_page_ && id_document_type_->currentIndex() == 0) {
    const int index = id_document_type_->findData(static_cast<int>(case_.document_type()));
    if (index > 0) id_document_type_->setCurrentIndex(index);
  }
  const bool locked = IdentityLocked();
  lock_panel_->setVisible(locked);
  id_unlock_phone_->setVisible(locked && typed_phone_.isEmpty());

  // Payment: the account, now that the identity check passed.
  if (case_.identity_passed() && case_.has_account()) {
    const v1::Account& a = case_.account();
    QString account = QString("Account: holder %1, %2, active card ...%3")
                          .arg(Q(a.holder_name_masked()), Q(a.operator_id()),
                               Q(a.active_iccid_last4()));
    account += IsSet(a.last_sim_change())
                   ? ", last SIM change " + FormatIn(a.last_sim_change(), case_.time_zone(),
                                                     "%Y-%m-%d")
                   : QString(", no SIM change before");
    pay_account_->setText(account);
  } else {
    pay_account_->clear();
  }
  pay_fee_->setText(QString("Fee: %1 RUB").arg(case_.fee_roubles()));
  pay_receipt_->setText(case_.payment_method() == v1::PAYMENT_METHOD_UNSPECIFIED
                            ? QString()
                            : PaymentText(case_));
  UpdateLuhn();

  // Finished.
  if (page == finished_page_) {
    QStringList lines;
    const QString finished = IsSet(case_.finish_time())
                                 ? FormatIn(case_.finish_time(), case_.time_zone(),
                                            "%Y-%m-%d %H:%M")
                                 : QString();
    if (case_.state() == v1::CASE_STATE_CANCELLED) {
      lines << QString("Cancelled %1%2.")
                   .arg(finished)
                   .arg(case_.refunded() ? ", the fee refunded" : "");
    } else {
      lines << QString("Closed %1: the number works on the new card ...%2.")
                   .arg(finished, Q(case_.new_iccid()).right(4));
      lines << "The summary was given to the customer when the case was closed.";
    }
    if (case_.payment_method() != v1::PAYMENT_METHOD_UNSPECIFIED) lines << PaymentText(case_);
    if (case_.erased()) lines << "Personal data were erased after the retention period.";
    lines << "The records below are the case's history.";
    finished_text_->setText(lines.join('\n'));
  }

  const bool cancellable = has_case_ && (case_.state() == v1::CASE_STATE_AWAITING_FORM ||
                                         case_.state() == v1::CASE_STATE_AWAITING_IDENTITY ||
                                         case_.state() == v1::CASE_STATE_AWAITING_PAYMENT ||
                                         case_.state() == v1::CASE_STATE_AWAITING_CARD);
  if (!cancellable) cancel_panel_->hide();
  cancel_->setVisible(cancellable && !cancel_panel_->isVisibleTo(this));
}

void CaseWidget::UpdateRecords() {
  records_->clear();
  for (const v1::CaseRecord& r : case_.records()) {
    QString line = QString("%1  %2  %3  %4")
                       .arg(FormatIn(r.time(), case_.time_zone(), "%H:%M:%S"), Q(r.step()),
                            Q(r.outcome()), Q(r.actor()));
    if (!r.supervisor().empty()) line += " (supervisor " + Q(r.supervisor()) + ")";
    if (!r.detail().empty()) line += "  " + Q(r.detail());
    records_->addItem(line);
  }
  if (records_->count() > 0) records_->scrollToBottom();
}

void CaseWidget::UpdateLuhn() {
  const IccidCheck check = CheckIccid(card_iccid_->text());
  card_luhn_->setText(check.text);
  card_luhn_->setStyleSheet(check.valid ? kOkStyle : kErrorStyle);
}

void CaseWidget::UpdateButtons() {
  const bool idle = !busy_ && has_case_;
  for (QPushButton* b : {form_submit_, id_check_, id_unlock_, pay_cash_, pay_card_, pay_waive_,
                         block_old_card_, close_, cancel_, cancel_confirm_}) {
    b->setEnabled(idle);
  }
  card_issue_->setEnabled(idle && CheckIccid(card_iccid_->text()).valid);
}

}  // namespace shop::queue::counter::gui
