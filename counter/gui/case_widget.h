// CaseWidget: the SIM-replacement case as a guided form, one page per step
// (form, identity check, payment, card issue, block, close), the page shown
// following the case's state from the server. Every step is sent through
// the Backend (off the UI thread, exactly once); a refusal is shown where the
// clerk looks: each google.rpc.BadRequest violation next to its own field,
// other refusals in the page's message line; what was typed stays.
//
// Nothing of the register is shown before the identity check passed; after a
// failed check the attempts left and the new question; after the lock, who
// may unlock it (a supervisor, through SupervisorDialog). Fee waiver and the
// cancel of a paid case go through SupervisorDialog too.
//
// Thread-safety: UI thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <QPointer>
#include <QString>
#include <QWidget>

#include "counter/gui/backend.h"
#include "shop/queue/v1/case_service.pb.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;

namespace shop::queue::counter::gui {

class SupervisorDialog;

class CaseWidget : public QWidget {
  Q_OBJECT
 public:
  explicit CaseWidget(Backend* backend, QWidget* parent = nullptr);

  // Shows `sim_case` at the page of its state.
  void showCase(const v1::Case& sim_case);
  // Finds the case of `ticket_id` (GetCase by ticket) and shows it; emits
  // noCase() when the ticket has none.
  void loadForTicket(int64_t ticket_id);
  // Reads the shown case again (after a reconnect or a refused step).
  void reload();
  // Forgets the case (the ticket ended elsewhere).
  void clear();
  bool hasCase() const;
  // Whether a step or a read of the case is on its way.
  bool busy() const { return busy_ > 0; }
  const v1::Case& currentCase() const;

 Q_SIGNALS:
  // The case changed (any step, a reload).
  void caseChanged(const shop::queue::v1::Case& sim_case);
  // CloseCase succeeded: the server completed the ticket too.
  void caseClosed(const shop::queue::v1::Case& sim_case, const QString& summary);
  void caseCancelled(const shop::queue::v1::Case& sim_case);
  void noCase();
  // A line for the window's message area (also shown on the page).
  void message(const QString& text, bool error);

 private:
  // The pages, built once.
  QWidget* BuildFormPage();
  QWidget* BuildIdentityPage();
  QWidget* BuildPaymentPage();
  QWidget* BuildCardPage();
  QWidget* BuildBlockPage();
  QWidget* BuildClosePage();
  QWidget* BuildSummaryPage();
  QWidget* BuildFinishedPage();

  // Sends one call for the shown case (buttons disabled meanwhile); `done`
  // runs only if the same case is still shown.
  template <typename T>
  void Send(std::function<grpc::Status(const Clients&, T*)> call,
            std::function<void(const grpc::Status&, const T&)> done);
  // The common end of a step: shows the new case, or the refusal (a lost
  // answer or a step out of order reads the case again).
  void StepDone(const grpc::Status& status, const v1::Case& updated, const QString& done_text);
  // Refusals other than field errors; true when handled by reading again.
  void ShowRefusal(const grpc::Status& status);
  // A supervisor's confirmation: the dialog, then `send` with it; the
  // dialog comes back with the refusal while the server refuses the
  // supervisor (PERMISSION_DENIED or bad fields).
  void AskSupervisor(const QString& action, bool needs_reason,
                     std::function<void(SupervisorDialog*)> send);
  // `done` for a call sent from AskSupervisor: true when the dialog went
  // back to the supervisor (the caller stops there).
  bool BackToSupervisor(SupervisorDialog* dialog, const grpc::Status& status);

  void Say(const QString& text, bool error);
  void ClearFormErrors();
  void ResetInputs();
  void UpdateHeader();
  void UpdatePages();
  void UpdateRecords();
  void UpdateButtons();
  void UpdateLuhn();
  bool IdentityLocked() const;

  // Step actions.
  void SubmitForm();
  void CheckIdentity();
  void Unlock();
  void Pay(v1::PaymentMethod method);
  void Waive();
  void IssueCard();
  void BlockOldCard();
  void CloseCase();
  void StartCancel();
  void ConfirmCancel();
  void PrintSummaryPage();
  void SavePdf();

  Backend* backend_;
  v1::Case case_;
  bool has_case_ = false;
  int busy_ = 0;  // calls of this case on their way
  QString summary_;
  // The number as typed on the form in this session (the case holds it
  // masked only), for an unlock.
  QString typed_phone_;
  // Lock records of the case already unlocked in this session.
  int unlocked_locks_ = 0;
  // The server refused a step because the number is locked (the lock may
  // come from another case of the same number).
  bool lock_refused_ = false;
  // The message line holds why the typed ICCID was not sent.
  bool iccid_refused_ = false;

  QLabel* header_;
  QLabel* hint_;
  QLabel* message_;
  QStackedWidget* pages_;
  QListWidget* records_;
  QWidget* empty_page_;

  QWidget* form_page_;
  QLineEdit* form_phone_;
  QComboBox* form_operator_;
  QComboBox* form_reason_;
  QLineEdit* form_full_name_;
  QComboBox* form_document_type_;
  QLineEdit* form_document_number_;
  QLineEdit* form_contact_;
  QCheckBox* form_consent_;
  QPushButton* form_submit_;
  std::map<std::string, QLabel*> form_errors_;  // by the server's field name

  QWidget* identity_page_;
  QComboBox* id_document_type_;
  QLineEdit* id_document_number_;
  QCheckBox* id_face_;
  QLabel* id_question_;
  QLineEdit* id_answer_;
  QLabel* id_attempts_;
  QPushButton* id_check_;
  QWidget* lock_panel_;
  QLabel* id_lock_;
  QLineEdit* id_unlock_phone_;
  QPushButton* id_unlock_;

  QWidget* payment_page_;
  QLabel* pay_account_;
  QLabel* pay_fee_;
  QPushButton* pay_cash_;
  QPushButton* pay_card_;
  QPushButton* pay_waive_;

  QWidget* card_page_;
  QLabel* pay_receipt_;
  QLineEdit* card_iccid_;
  QLabel* card_luhn_;
  QPushButton* card_issue_;

  QWidget* block_page_;
  QPushButton* block_old_card_;
  QWidget* close_page_;
  QPushButton* close_;
  QWidget* summary_page_;
  QPlainTextEdit* summary_text_;
  QPushButton* summary_print_;
  QPushButton* summary_pdf_;
  QWidget* finished_page_;
  QLabel* finished_text_;

  QPushButton* cancel_;
  QWidget* cancel_panel_;
  QLineEdit* cancel_reason_;
  QPushButton* cancel_confirm_;
  QPushButton* cancel_back_;
};

}  // namespace shop::queue::counter::gui
