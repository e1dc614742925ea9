// ReviewWidget: the review of online SIM-replacement applications in the
// desktop counter, for reviewers (their only screen) and, through the
// window's menu, supervisors and admins.
//
// Left: the queue, oldest first (waiting for review, or approved and
// waiting for a card), each line with its risk in words and whether it waits
// for a second reviewer; read again every 30 s while shown and after each
// step. Right: the chosen application: the two photos side by side (scaled
// to fit, a click opens one full size; one that does not decode says so),
// the operator register's holder beside the application as typed (shown
// only here: the register's data never leaves this screen), the risk
// factors in words, and the decisions: Approve, Reject with a reason from
// the list, Dispatch with the card's ICCID and the tracking number, Cancel
// (any unfinished application) with a reason after a confirmation. A
// posted card's activation code is shown once, in ActivationCodeDialog.
//
// Every call goes through the Backend (off the UI thread), the photos are
// decoded on the worker too (DecodePhoto, bounded in size). Steps are sent
// exactly once; refusals are shown in words: each bad field next to its
// field, the rest in the message line (the four-eyes refusal of a reviewer's
// own second look included).
//
// Thread-safety: UI thread only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <QMessageBox>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include "counter/gui/activation_dialog.h"
#include "counter/gui/backend.h"
#include "counter/gui/photo_view.h"
#include "shop/queue/v1/remote_service.pb.h"

class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;

class QPushButton;

namespace shop::queue::counter::gui {

class ReviewWidget : public QWidget {
  Q_OBJECT
 public:
  explicit ReviewWidget(Backend* backend, QWidget* parent = nullptr);

  // Reads the queue again (the chosen application stays on the right).
  void refresh();
  // Forgets everything shown (after a logout).
  void clear();
  // Shows the "Back to the counter" button (supervisors and admins).
  void setCounterReachable(bool reachable);

  // Whether a read or a step is on its way.
  bool busy() const { return reads_ > 0 || acting_; }
  // The application on the right (case_id 0 when none).
  const v1::GetApplicationResponse& current() const { return current_; }
  // The open activation code dialog, null when none.
  ActivationCodeDialog* codeDialog() const { return code_dialog_; }
  // The open "cancel this application?" confirmation, null when none.
  QMessageBox* cancelConfirmation() const { return cancel_confirm_; }

  // objectNames: "reviewQueueState", "reviewQueue", "reviewRefresh",
  // "reviewTitle", "reviewSummary", "reviewRisk", "reviewDocumentPhoto",
  // "reviewSelfiePhoto", "reviewHolder" (the group) with "holderName",
  // "holderDocument", "holderMatches", "holderAddress", "holderContact",
  // "holderSimChange", "applicationName", "applicationDocument";
  // "reviewRecords", "reviewApprove", "reviewRejectReason", "reviewReject",
  // "reviewIccid", "reviewIccidError", "reviewTracking",
  // "reviewTrackingError", "reviewDispatch", "reviewMessage",
  // "reviewCancelReason", "reviewCancel" (asks in "reviewCancelConfirm"),
  // "reviewCounter", "reviewLogout".

 Q_SIGNALS:
  void logoutRequested();
  void counterRequested();

 protected:
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  QWidget* BuildQueue();
  QWidget* BuildApplication();
  QWidget* BuildDecisions();

  void Load(int64_t case_id);
  void ShowQueue(const std::vector<v1::ApplicationSummary>& queue);
  void ShowApplication();
  void UpdateButtons();
  void Say(const QString& text, bool error);
  void ClearFieldErrors();
  // Shows a refused step: bad fields beside their fields, the rest in words.
  void ShowRefusal(const QString& what, const grpc::Status& status);
  // After a step: the application as it is now, and the queue again.
  void AfterStep(const v1::Application& application);

  // Sends one decision on application `id` (approve, reject, cancel):
  // `doing` while it goes, the refusal under `refused` (a step out of order
  // reads the application again), and on success the words `done` gives
  // for the answer.
  void Decide(int64_t id, const QString& doing, const QString& refused,
              std::function<grpc::Status(const Clients&, v1::Application*)> call,
              std::function<QString(const v1::Application&)> done);
  void Approve();
  void Reject();
  void Dispatch();
  // Asks to confirm, then cancels the application with the chosen reason.
  void AskCancel();
  void Cancel(int64_t case_id, v1::CancelReason reason);
  void OpenPhoto(PhotoView* view, const QString& title);

  Backend* backend_;
  QTimer poll_;
  int reads_ = 0;
  bool acting_ = false;
  int64_t loading_id_ = 0;  // the application being read (0: none)
  std::vector<v1::ApplicationSummary> queue_;
  v1::GetApplicationResponse current_;
  std::map<std::string, std::string> zones_;  // branch -> IANA zone
  QPointer<ActivationCodeDialog> code_dialog_;
  QPointer<QMessageBox> cancel_confirm_;

  // left
  QComboBox* state_;
  QListWidget* queue_list_;
  QLabel* queue_zone_;
  QLabel* queue_message_;
  // right
  QWidget* details_;
  QLabel* placeholder_;
  QLabel* title_;
  QLabel* summary_;
  QLabel* risk_;
  PhotoView* document_;
  PhotoView* selfie_;
  QGroupBox* holder_box_;
  QLabel* application_name_;
  QLabel* application_document_;
  QLabel* holder_name_;
  QLabel* holder_document_;
  QLabel* holder_matches_;
  QLabel* holder_address_;
  QLabel* holder_contact_;
  QLabel* holder_sim_change_;
  QLabel* records_;
  QGroupBox* decisions_;
  QPushButton* approve_;
  QComboBox* reason_;
  QPushButton* reject_;
  QLineEdit* iccid_;
  QLabel* iccid_error_;
  QLineEdit* tracking_;
  QLabel* tracking_error_;
  QPushButton* dispatch_;
  QComboBox* cancel_reason_;
  QPushButton* cancel_;
  QLabel* message_;
  QPushButton* counter_;
  QPushButton* logout_;
};

}  // namespace shop::queue::counter::gui
