// CaseWidget against a real server: the guided SIM-replacement case from the
// form to the summary, the identity lock and its unlock by a supervisor, the
// fee waiver, and the summary as PDF.
#include "counter/gui/case_widget.h"

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QVariant>

#include <gtest/gtest.h>

#include "counter/gui/case_print.h"
#include "counter/gui/supervisor_dialog.h"
#include "tests/counter_gui/gui_fixture.h"

namespace shop::queue::testing {
namespace {

using counter::gui::CaseWidget;
using counter::gui::SupervisorDialog;

class CaseWidgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = server_.NewBackend("1", server_.Staff(Role::kClerk, "clerk-a"));
    server_.Staff(Role::kSupervisor, "super-a");
    const auto clients = backend_->clients();
    v1::Counter counter;
    grpc::Status status = clients->counter->Open({"R"}, &counter);
    ASSERT_TRUE(status.ok()) << status.error_message();
    server_.TakeTicket("R");
    v1::Ticket ticket;
    status = clients->counter->CallNext(&ticket);
    ASSERT_TRUE(status.ok()) << status.error_message();
    status = clients->counter->StartServing(ticket.ticket_id(), &ticket, &case_id_);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_NE(case_id_, 0);

    widget_ = std::make_unique<CaseWidget>(backend_.get());
    widget_->resize(900, 700);
    widget_->show();
    widget_->loadForTicket(ticket.ticket_id());
    ASSERT_TRUE(WaitUntil([&] { return widget_->hasCase(); }));
    ASSERT_EQ(widget_->currentCase().case_id(), case_id_);
    ASSERT_EQ(Page(), "caseFormPage");
  }

  void TearDown() override {
    widget_.reset();
    backend_.reset();
  }

  template <typename T>
  T* Find(const char* name) {
    T* found = widget_->findChild<T*>(name);
    if (found == nullptr) throw std::runtime_error(std::string("no widget ") + name);
    return found;
  }
  QString Text(const char* name) { return Find<QLabel>(name)->text(); }
  QString Message() { return Text("caseMessage"); }
  QString Page() {
    QWidget* page = Find<QStackedWidget>("casePages")->currentWidget();
    return page != nullptr ? page->objectName() : QString();
  }
  // Waits until the widget's calls ended.
  bool Idle() {
    return WaitUntil([&] { return !backend_->busy(); });
  }
  void Click(const char* name) {
    QPushButton* button = Find<QPushButton>(name);
    ASSERT_TRUE(button->isVisible()) << name;
    ASSERT_TRUE(button->isEnabled()) << name;
    QTest::mouseClick(button, Qt::LeftButton);
    ASSERT_TRUE(Idle());
  }
  void Type(const char* name, const QString& text) {
    QLineEdit* edit = Find<QLineEdit>(name);
    edit->clear();
    QTest::keyClicks(edit, text);
  }
  void Choose(const char* name, const QVariant& data) {
    QComboBox* box = Find<QComboBox>(name);
    const int index = box->findData(data);
    ASSERT_GE(index, 0) << name;
    box->setCurrentIndex(index);
  }
  v1::Case ServerCase() {
    v1::Case c;
    grpc::Status status = backend_->clients()->cases->Get(case_id_, &c);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return c;
  }
  // The form as the customer gives it, right.
  void FillForm() {
    Type("formPhone", "+7 916 123-45-67");
    Choose("formOperator", QString("megafon"));
    Choose("formReason", static_cast<int>(v1::REPLACEMENT_REASON_LOST));
    Type("formFullName", "Ivanova Maria");
    Choose("formDocumentType", static_cast<int>(v1::DOCUMENT_TYPE_RU_PASSPORT));
    Type("formDocumentNumber", "4509 000111");
    Type("formContact", "maria@example.com");
    Find<QCheckBox>("formConsent")->setChecked(true);
  }
  QString RightAnswer() {
    return Text("idQuestion").contains("top-up") ? QString::number(kGuiTopUp)
                                                 : QString(kGuiRecentCall);
  }
  void AnswerIdentity(const QString& answer) {
    Choose("idDocumentType", static_cast<int>(v1::DOCUMENT_TYPE_RU_PASSPORT));
    Type("idDocumentNumber", kGuiDocument);
    Find<QCheckBox>("idFaceMatches")->setChecked(true);
    Type("idAnswer", answer);
    Click("idCheck");
  }
  void ToPayment() {
    FillForm();
    Click("formSubmit");
    ASSERT_EQ(Page(), "caseIdentityPage") << Message().toStdString();
    AnswerIdentity(RightAnswer());
    ASSERT_EQ(Page(), "casePaymentPage") << Message().toStdString();
  }
  // The supervisor dialog the widget has open now, or null.
  SupervisorDialog* OpenDialog() {
    for (SupervisorDialog* d : widget_->findChildren<SupervisorDialog*>())
      if (d->isVisible()) return d;
    return nullptr;
  }
  // Fills the open supervisor dialog and confirms it.
  void Confirm(const QString& login, const QString& reason) {
    SupervisorDialog* dialog = nullptr;
    ASSERT_TRUE(WaitUntil([&] { return (dialog = OpenDialog()) != nullptr; }));
    QLineEdit* login_edit = dialog->findChild<QLineEdit*>("supervisorLogin");
    QLineEdit* password = dialog->findChild<QLineEdit*>("supervisorPassword");
    QLineEdit* reason_edit = dialog->findChild<QLineEdit*>("supervisorReason");
    ASSERT_NE(login_edit, nullptr);
    ASSERT_NE(password, nullptr);
    EXPECT_EQ(password->echoMode(), QLineEdit::Password);
    login_edit->clear();
    QTest::keyClicks(login_edit, login);
    password->clear();
    QTest::keyClicks(password, kGuiPassword);
    if (!reason.isEmpty()) {
      ASSERT_NE(reason_edit, nullptr);
      reason_edit->clear();
      QTest::keyClicks(reason_edit, reason);
    }
    QPushButton* ok = dialog->findChild<QPushButton*>("supervisorOk");
    ASSERT_NE(ok, nullptr);
    QTest::mouseClick(ok, Qt::LeftButton);
    ASSERT_TRUE(Idle());
  }

  CounterGuiServer server_;
  std::unique_ptr<counter::gui::Backend> backend_;
  std::unique_ptr<CaseWidget> widget_;
  int64_t case_id_ = 0;
};

TEST_F(CaseWidgetTest, WholeCaseFromFormErrorsToSummary) {
  // Three bad fields at once: each shown under its own field.
  FillForm();
  Type("formPhone", "12345");
  Type("formDocumentNumber", "12");
  Find<QCheckBox>("formConsent")->setChecked(false);
  Click("formSubmit");
  EXPECT_EQ(Page(), "caseFormPage");
  for (const char* name : {"formPhoneError", "formDocumentNumberError", "formConsentError"}) {
    QLabel* label = Find<QLabel>(name);
    EXPECT_FALSE(label->text().isEmpty()) << name;
    EXPECT_TRUE(label->isVisible()) << name;
  }
  for (const char* name : {"formOperatorError", "formReasonError", "formFullNameError",
                           "formDocumentTypeError", "formContactError"}) {
    EXPECT_FALSE(Find<QLabel>(name)->isVisible()) << name;
  }
  EXPECT_TRUE(Text("formPhoneError").contains("Russian mobile")) << Text("formPhoneError").toStdString();
  EXPECT_EQ(Find<QLineEdit>("formPhone")->text(), "12345");
  EXPECT_EQ(Find<QLineEdit>("formDocumentNumber")->text(), "12");
  EXPECT_EQ(Find<QLineEdit>("formFullName")->text(), "Ivanova Maria");
  EXPECT_EQ(Find<QLineEdit>("formContact")->text(), "maria@example.com");
  EXPECT_EQ(ServerCase().state(), v1::CASE_STATE_AWAITING_FORM);
  SaveScreenshot(widget_.get(), "counter-case-form-errors");

  // Corrected: the old errors go, the identity page comes.
  Type("formPhone", "+7 916 123-45-67");
  Type("formDocumentNumber", "4509 000111");
  Find<QCheckBox>("formConsent")->setChecked(true);
  Click("formSubmit");
  ASSERT_EQ(Page(), "caseIdentityPage") << Message().toStdString();
  EXPECT_FALSE(Find<QLabel>("formPhoneError")->isVisible());
  EXPECT_FALSE(Text("idQuestion").isEmpty());
  EXPECT_EQ(Text("idQuestion").toStdString(), ServerCase().question());
  // Nothing of the account before the check passed.
  EXPECT_TRUE(Text("payAccount").isEmpty());
  EXPECT_FALSE(Find<QWidget>("idLockPanel")->isVisible());
  SaveScreenshot(widget_.get(), "counter-case-identity");

  AnswerIdentity(RightAnswer());
  ASSERT_EQ(Page(), "casePaymentPage") << Message().toStdString();
  EXPECT_TRUE(Text("payFee").contains("300 RUB")) << Text("payFee").toStdString();
  EXPECT_TRUE(Text("payAccount").contains("megafon")) << Text("payAccount").toStdString();
  SaveScreenshot(widget_.get(), "counter-case-payment");

  // A double click sends once: the button is disabled while the call runs.
  QPushButton* cash = Find<QPushButton>("payCash");
  QTest::mouseClick(cash, Qt::LeftButton);
  EXPECT_FALSE(cash->isEnabled());
  QTest::mouseClick(cash, Qt::LeftButton);
  ASSERT_TRUE(Idle());
  ASSERT_EQ(Page(), "caseCardPage") << Message().toStdString();
  EXPECT_FALSE(Message().contains("Refused")) << Message().toStdString();
  EXPECT_TRUE(Text("payReceipt").contains("receipt")) << Text("payReceipt").toStdString();

  // A wrong check digit: said before sending, and Enter sends nothing.
  std::string bad = TestIccid(100);
  bad.back() = bad.back() == '9' ? '0' : static_cast<char>(bad.back() + 1);
  QLineEdit* iccid = Find<QLineEdit>("cardIccid");
  Type("cardIccid", "8970 12");
  EXPECT_TRUE(Text("cardLuhn").contains("19-20 digits")) << Text("cardLuhn").toStdString();
  Type("cardIccid", QString::fromStdString(bad));
  EXPECT_EQ(Text("cardLuhn"), "check digit wrong");
  EXPECT_FALSE(Find<QPushButton>("cardIssue")->isEnabled());
  QTest::keyClick(iccid, Qt::Key_Return);
  EXPECT_FALSE(backend_->busy());
  QTest::qWait(200);
  EXPECT_EQ(Page(), "caseCardPage");
  EXPECT_TRUE(Message().contains("Not sent")) << Message().toStdString();
  EXPECT_EQ(ServerCase().state(), v1::CASE_STATE_AWAITING_CARD);

  // The scanner's keyboard wedge: the digits, then Enter. The field is
  // selected after a refusal, so the scan replaces what was there.
  QTest::keyClicks(iccid, QString::fromStdString(TestIccid(100)));
  EXPECT_EQ(iccid->text().toStdString(), TestIccid(100));
  EXPECT_FALSE(Message().contains("Not sent")) << "a stale refusal stays";
  EXPECT_EQ(Text("cardLuhn"), "check digit OK");
  EXPECT_TRUE(Find<QPushButton>("cardIssue")->isEnabled());
  SaveScreenshot(widget_.get(), "counter-case-card");
  QTest::keyClick(iccid, Qt::Key_Return);
  ASSERT_TRUE(Idle());
  ASSERT_EQ(Page(), "caseBlockPage") << Message().toStdString();
  EXPECT_FALSE(Find<QPushButton>("caseCancel")->isVisible());  // after card issue: no cancel
  SaveScreenshot(widget_.get(), "counter-case-block");

  Click("blockOldCard");
  ASSERT_EQ(Page(), "caseClosePage") << Message().toStdString();
  SaveScreenshot(widget_.get(), "counter-case-close");

  QSignalSpy closed(widget_.get(), &CaseWidget::caseClosed);
  QPushButton* close = Find<QPushButton>("caseClose");
  QTest::mouseClick(close, Qt::LeftButton);
  QTest::mouseClick(close, Qt::LeftButton);
  ASSERT_TRUE(Idle());
  ASSERT_EQ(Page(), "caseSummaryPage") << Message().toStdString();
  ASSERT_EQ(closed.count(), 1);
  const QString summary = closed.at(0).at(1).toString();
  EXPECT_FALSE(summary.isEmpty());
  QPlainTextEdit* summary_text = Find<QPlainTextEdit>("caseSummary");
  EXPECT_TRUE(summary_text->isReadOnly());
  EXPECT_EQ(summary_text->toPlainText(), summary);
  EXPECT_TRUE(Find<QPushButton>("summaryPrint")->isVisible());
  EXPECT_TRUE(Find<QPushButton>("summaryPdf")->isVisible());
  EXPECT_FALSE(Message().contains("Refused")) << Message().toStdString();
  SaveScreenshot(widget_.get(), "counter-case-summary");

  const v1::Case done = ServerCase();
  EXPECT_EQ(done.state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(done.payment_method(), v1::PAYMENT_METHOD_CASH);
  EXPECT_EQ(done.new_iccid(), TestIccid(100));
  std::map<std::string, int> steps;
  for (const v1::CaseRecord& r : done.records()) ++steps[r.step()];
  for (const char* step : {"form", "identity", "payment", "card", "block", "close"})
    EXPECT_EQ(steps[step], 1) << step;
  EXPECT_EQ(Find<QListWidget>("caseRecords")->count(), done.records_size());
}

TEST_F(CaseWidgetTest, IdentityLockUnlockedBySupervisorOnly) {
  FillForm();
  Click("formSubmit");
  ASSERT_EQ(Page(), "caseIdentityPage") << Message().toStdString();

  AnswerIdentity("999");
  EXPECT_EQ(Page(), "caseIdentityPage");
  EXPECT_EQ(Text("idAttempts"), "2 attempts left");
  EXPECT_TRUE(Find<QLineEdit>("idAnswer")->text().isEmpty());
  EXPECT_EQ(Text("idQuestion").toStdString(), ServerCase().question());
  EXPECT_FALSE(Find<QWidget>("idLockPanel")->isVisible());
  AnswerIdentity("999");
  EXPECT_EQ(Text("idAttempts"), "1 attempt left");
  AnswerIdentity("999");
  EXPECT_EQ(Page(), "caseIdentityPage");
  EXPECT_TRUE(Message().contains("LOCKED")) << Message().toStdString();
  QPushButton* unlock = Find<QPushButton>("idUnlock");
  EXPECT_TRUE(unlock->isVisible());
  EXPECT_TRUE(Text("idLock").contains("A supervisor must unlock this number"));
  // The number was typed on the form here: no need to ask it again.
  EXPECT_FALSE(Find<QLineEdit>("idUnlockPhone")->isVisible());
  EXPECT_TRUE(Text("payAccount").isEmpty());
  SaveScreenshot(widget_.get(), "counter-case-locked");

  // Locked: even the right answer is refused.
  AnswerIdentity(RightAnswer());
  EXPECT_EQ(Page(), "caseIdentityPage");
  EXPECT_TRUE(Message().contains("locked")) << Message().toStdString();
  EXPECT_TRUE(unlock->isVisible());

  // The clerk's own password does not unlock: the dialog says why and stays.
  Click("idUnlock");
  Confirm("clerk-a", "customer found the receipt");
  SupervisorDialog* dialog = OpenDialog();
  ASSERT_NE(dialog, nullptr) << "the dialog should come back after a refusal";
  QLabel* error = dialog->findChild<QLabel*>("supervisorError");
  ASSERT_NE(error, nullptr);
  EXPECT_TRUE(error->isVisible());
  EXPECT_TRUE(error->text().contains("Refused")) << error->text().toStdString();
  EXPECT_TRUE(dialog->findChild<QLineEdit*>("supervisorPassword")->text().isEmpty());
  EXPECT_TRUE(unlock->isVisible());

  // A supervisor's does.
  Confirm("super-a", "customer found the receipt");
  EXPECT_EQ(OpenDialog(), nullptr);
  EXPECT_FALSE(unlock->isVisible());
  EXPECT_TRUE(Message().contains("unlocked")) << Message().toStdString();

  AnswerIdentity(RightAnswer());
  ASSERT_EQ(Page(), "casePaymentPage") << Message().toStdString();
  EXPECT_TRUE(ServerCase().identity_passed());
}

TEST_F(CaseWidgetTest, LockFromAnEarlierCaseShownOnTheNextForm) {
  FillForm();
  Click("formSubmit");
  ASSERT_EQ(Page(), "caseIdentityPage") << Message().toStdString();
  for (int i = 0; i < 3; ++i) AnswerIdentity("999");
  ASSERT_TRUE(Find<QPushButton>("idUnlock")->isVisible());
  Click("caseCancel");
  QTest::keyClicks(Find<QLineEdit>("cancelReason"), "customer will come back tomorrow");
  Click("cancelConfirm");
  ASSERT_EQ(ServerCase().state(), v1::CASE_STATE_CANCELLED);

  // The next customer's case for the same number, at the same counter.
  const auto clients = backend_->clients();
  v1::Ticket ticket;
  clients->counter->Complete({}, &ticket);  // if the cancel left it open
  server_.TakeTicket("R");
  grpc::Status status = clients->counter->CallNext(&ticket);
  ASSERT_TRUE(status.ok()) << status.error_message();
  status = clients->counter->StartServing(ticket.ticket_id(), &ticket, &case_id_);
  ASSERT_TRUE(status.ok()) << status.error_message();
  widget_->loadForTicket(ticket.ticket_id());
  ASSERT_TRUE(WaitUntil([&] { return widget_->currentCase().case_id() == case_id_; }));
  ASSERT_EQ(Page(), "caseFormPage");
  EXPECT_FALSE(Find<QWidget>("idLockPanel")->isVisible());
  EXPECT_TRUE(Find<QLineEdit>("formPhone")->text().isEmpty());  // a new case, a new form

  FillForm();
  Click("formSubmit");
  EXPECT_EQ(Page(), "caseFormPage");
  EXPECT_TRUE(Message().contains("locked")) << Message().toStdString();
  EXPECT_TRUE(Find<QPushButton>("idUnlock")->isVisible());
  EXPECT_FALSE(Find<QLineEdit>("idUnlockPhone")->isVisible());
  EXPECT_EQ(Find<QLineEdit>("formFullName")->text(), "Ivanova Maria");  // kept

  Click("idUnlock");
  Confirm("super-a", "identity confirmed by the operator hotline");
  EXPECT_EQ(OpenDialog(), nullptr);
  EXPECT_FALSE(Find<QWidget>("idLockPanel")->isVisible());
  Click("formSubmit");
  EXPECT_EQ(Page(), "caseIdentityPage") << Message().toStdString();
}

TEST_F(CaseWidgetTest, FeeWaivedBySupervisor) {
  ToPayment();
  Click("payWaive");
  Confirm("super-a", "compensation for a network outage");
  EXPECT_EQ(OpenDialog(), nullptr);
  ASSERT_EQ(Page(), "caseCardPage") << Message().toStdString();
  EXPECT_EQ(widget_->currentCase().payment_method(), v1::PAYMENT_METHOD_WAIVED);
  const v1::Case c = ServerCase();
  EXPECT_EQ(c.payment_method(), v1::PAYMENT_METHOD_WAIVED);
  EXPECT_TRUE(c.receipt_number().empty());
  EXPECT_TRUE(Text("payReceipt").contains("waived")) << Text("payReceipt").toStdString();
}

TEST_F(CaseWidgetTest, CancelBeforeCardIssueWithReason) {
  QSignalSpy cancelled(widget_.get(), &CaseWidget::caseCancelled);
  Click("caseCancel");
  QLineEdit* reason = Find<QLineEdit>("cancelReason");
  ASSERT_TRUE(reason->isVisible());
  QTest::keyClicks(reason, "customer found the old card");
  Click("cancelConfirm");
  ASSERT_EQ(cancelled.count(), 1);
  EXPECT_EQ(Page(), "caseFinishedPage");
  EXPECT_EQ(ServerCase().state(), v1::CASE_STATE_CANCELLED);
  EXPECT_FALSE(Find<QPushButton>("caseCancel")->isVisible());
}

TEST_F(CaseWidgetTest, PaidCaseCancelledWithSupervisorAndRefund) {
  ToPayment();
  Click("payCash");
  ASSERT_EQ(Page(), "caseCardPage") << Message().toStdString();
  QSignalSpy cancelled(widget_.get(), &CaseWidget::caseCancelled);
  Click("caseCancel");
  QTest::keyClicks(Find<QLineEdit>("cancelReason"), "no blank card of this format");
  Click("cancelConfirm");
  // Paid: a supervisor confirms the refund; the clerk's own login is refused.
  Confirm("clerk-a", "");
  SupervisorDialog* dialog = OpenDialog();
  ASSERT_NE(dialog, nullptr);
  EXPECT_TRUE(dialog->findChild<QLabel*>("supervisorError")->isVisible());
  EXPECT_EQ(cancelled.count(), 0);
  EXPECT_EQ(ServerCase().state(), v1::CASE_STATE_AWAITING_CARD);
  Confirm("super-a", "");
  EXPECT_EQ(OpenDialog(), nullptr);
  ASSERT_EQ(cancelled.count(), 1);
  EXPECT_EQ(Page(), "caseFinishedPage");
  const v1::Case c = ServerCase();
  EXPECT_EQ(c.state(), v1::CASE_STATE_CANCELLED);
  EXPECT_TRUE(c.refunded());
  EXPECT_TRUE(Message().contains("refunded")) << Message().toStdString();
}

TEST_F(CaseWidgetTest, LostAnswerReadsTheCaseAgainAndNeverResends) {
  ToPayment();
  // The payment commits, but its answer never reaches the counter in time.
  server_.server().pausing().HoldNext(PausingStore::Op::kWrite);
  QTest::mouseClick(Find<QPushButton>("payCash"), Qt::LeftButton);
  ASSERT_TRUE(server_.server().pausing().WaitUntilHeld(absl::Seconds(5)));
  ASSERT_TRUE(WaitUntil([&] { return Message().contains("did not answer"); },
                        std::chrono::seconds(20)))
      << Message().toStdString();
  // Read again, not sent again: the case is where the server has it.
  ASSERT_TRUE(WaitUntil([&] { return Page() == "caseCardPage"; }, std::chrono::seconds(20)))
      << Page().toStdString();
  server_.server().pausing().Resume();
  ASSERT_TRUE(Idle());
  EXPECT_TRUE(Message().contains("Read again: the case is awaiting card"))
      << Message().toStdString();
  EXPECT_FALSE(Message().contains("Refused")) << Message().toStdString();
  int payments = 0;
  const v1::Case now = ServerCase();
  for (const v1::CaseRecord& r : now.records()) payments += r.step() == "payment";
  EXPECT_EQ(payments, 1);
}

TEST_F(CaseWidgetTest, FinishedCaseLoadedLaterShowsItsRecords) {
  Click("caseCancel");
  QTest::keyClicks(Find<QLineEdit>("cancelReason"), "customer changed his mind");
  Click("cancelConfirm");
  const v1::Case cancelled = ServerCase();
  ASSERT_EQ(cancelled.state(), v1::CASE_STATE_CANCELLED);

  CaseWidget later(backend_.get());
  later.resize(900, 700);
  later.show();
  later.showCase(cancelled);
  auto* pages = later.findChild<QStackedWidget*>("casePages");
  ASSERT_NE(pages, nullptr);
  EXPECT_EQ(pages->currentWidget()->objectName(), "caseFinishedPage");
  EXPECT_TRUE(later.findChild<QLabel*>("caseFinishedText")->text().contains("Cancelled"));
  EXPECT_EQ(later.findChild<QListWidget*>("caseRecords")->count(), cancelled.records_size());
  for (QPushButton* button : later.findChildren<QPushButton*>()) {
    EXPECT_FALSE(button->isVisible()) << button->objectName().toStdString();
  }
}

TEST(CaseSummaryPdf, WritesAPdf) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  v1::Case c;
  c.set_case_id(42);
  c.set_time_zone("Europe/Moscow");
  c.mutable_finish_time()->set_seconds(1767000000);
  const QString summary = QString::fromUtf8(
      "SIM card replacement done.\nЗамена SIM-карты выполнена.\n已更换SIM卡。\n") +
      QString("A long line that must wrap on the page. ").repeated(20);
  const QString path = dir.filePath("summary.pdf");
  QString error;
  ASSERT_TRUE(counter::gui::SaveSummaryPdf(c, summary, path, &error)) << error.toStdString();
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  const QByteArray bytes = file.readAll();
  EXPECT_GT(bytes.size(), 1000);
  EXPECT_TRUE(bytes.startsWith("%PDF")) << bytes.left(16).toStdString();
  // Latin, Cyrillic and Chinese from one font that has them all.
  if (QFontDatabase::families().contains("Noto Sans CJK SC")) {
    EXPECT_TRUE(bytes.contains("NotoSansCJK")) << "the summary's font is not embedded";
  }

  EXPECT_FALSE(counter::gui::SaveSummaryPdf(c, summary, dir.filePath("no/such/dir/x.pdf"),
                                            &error));
  EXPECT_FALSE(error.isEmpty());
}

}  // namespace
}  // namespace shop::queue::testing
