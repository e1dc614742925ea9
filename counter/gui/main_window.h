// MainWindow: the clerk's desktop counter. Two pages: the start page (log
// in, choose the counter and its services, open it) and the work page: the
// current ticket large with one key per action, the SIM-replacement case as
// a guided form (CaseWidget) when the ticket has one, the live queue of the
// counter's services with the appointments due and the parked tickets, and
// a status bar with the counter, the clerk, the server and device faults.
//
// Everything the server says arrives through the Backend (calls off the UI
// thread) and the BoardFeed (the branch's live board stream: the queue panel
// is redrawn on its events, not by polling). Refusals are shown in words in
// the message line; an unreachable server puts up a banner until the board
// stream is back, and then the counter and the case are read again.
//
// Keys: F2 next, F3 recall, F4 start, F5 done, F6 no-show, F7 transfer (to
// the service chosen beside it), F8 park, F9 return (the chosen parked
// ticket), F10 call the ticket chosen in the queue.
//
// Reviewers of online applications (role reviewer) work no counter: after
// their login the window shows the review (ReviewWidget) and nothing of the
// counter, whose calls the server would refuse. Supervisors and admins reach
// the review through the Review menu and come back with "Back to the
// counter"; clerks do not see the menu. The role comes from the login's
// answer; for a session found in a file (or --token) the window asks the
// server once what the session may do (a reviewer may not list services).
// Everyone but a reviewer has the Pickup menu: the hand-over of a card
// ordered online and sent to this branch (PickupDialog).
//
// Thread-safety: UI thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <QComboBox>
#include <QLabel>
#include <QAction>
#include <QLineEdit>
#include <QMenu>
#include <QListWidget>
#include <QMainWindow>
#include <QPointer>
#include <QPushButton>
#include <QStackedWidget>
#include <QTimer>

#include "counter/gui/backend.h"
#include "counter/gui/board_feed.h"
#include "counter/gui/case_widget.h"
#include "counter/gui/pickup_dialog.h"
#include "counter/gui/review_widget.h"
#include "shop/queue/v1/counter_service.pb.h"
#include "shop/queue/v1/kiosk_service.pb.h"

namespace shop::queue::counter::gui {

struct WindowOptions {
  std::vector<std::string> services;  // open with these (empty: all allowed)
  QString login;                      // the login field filled in
};

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  MainWindow(Backend* backend, WindowOptions options, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Logs in first when there is no session, then reads the counter.
  void begin();

  CaseWidget* caseWidget() const { return case_; }
  ReviewWidget* reviewWidget() const { return review_; }
  // The pickup dialog (Pickup menu), null when not open.
  PickupDialog* pickupDialog() const { return pickup_dialog_; }
  // Opens the pickup of a card ordered online (clerks and supervisors).
  void openPickup();
  // Whether the review is on screen.
  bool reviewing() const { return reviewing_; }
  // The counter as last read.
  const v1::GetCounterResponse& counterState() const { return counter_; }
  // Whether the server link is down (the banner shows).
  bool offline() const { return offline_; }
  // The login dialog the session expiry opened (null when none is open).
  QDialog* loginDialog() const { return login_dialog_; }

 private:
  void BuildStartPage();
  void BuildWorkPage();
  void BuildStatusBar();
  QPushButton* ActionButton(const QString& name, const QString& text, Qt::Key key,
                            void (MainWindow::*slot)());

  void AskLogin(const QString& why);
  void OnSessionExpired();
  void OnLoggedIn(const QString& login, const std::string& token, v1::Role role);
  // A session whose role is unknown: a reviewer may not list services.
  void ProbeRole();
  // The menu, the title and the review's buttons for the session's role.
  void UpdateRoleUi();
  bool IsReviewer() const;
  // The review on screen (the counter's own page is kept for coming back).
  void ShowReview();
  void ShowCounterScreen();
  // The counter's page to show: now, or when the review is left.
  void ShowCounterPage(QWidget* page);

  void RefreshCounter();
  void ShowCounter(const v1::GetCounterResponse& state);
  void ShowTicket();
  void RefreshLists();
  void ShowBoard(const v1::WatchBoardResponse& board);
  void SetOffline(bool offline);
  void SetMessage(const QString& text, bool error);
  void UpdateButtons();
  void BeginAction();
  void UpdateStatus();
  void LoadServices();

  // Sends a ticket transition; on success shows the ticket and reads the
  // counter again.
  using Transition = grpc::Status (CounterClient::*)(const client::TicketRef&,
                                                     v1::Ticket*) const;
  void Act(const QString& what, Transition transition, client::TicketRef ticket = {});
  void AfterTicketCall(const QString& what, const grpc::Status& status, const v1::Ticket& t);

  void OpenCounter();
  void CloseCounter();
  void Logout();
  void Next();
  void Recall();
  void Start();
  void Done();
  void NoShow();
  void Transfer();
  void Park();
  void Return();
  void CallChosen();

  Backend* backend_;
  WindowOptions options_;
  BoardFeed feed_;
  v1::GetCounterResponse counter_;
  std::vector<v1::Service> services_;
  std::vector<v1::Ticket> waiting_;
  std::vector<v1::Ticket> parked_;
  std::string time_zone_;
  bool offline_ = false;
  bool was_offline_ = false;
  bool feed_started_ = false;
  bool acting_ = false;  // an action's request is on its way
  bool reviewing_ = false;  // the review is on screen
  QWidget* counter_page_ = nullptr;  // the counter's page (start or work)
  int64_t no_case_ticket_ = 0;  // the serving ticket the server said has no case
  QDialog* login_dialog_ = nullptr;
  QTimer lists_timer_;  // coalesces board events into one list read
  QTimer retry_timer_;  // reads the counter again while the server is away

  QLabel* banner_;
  QStackedWidget* stack_;
  // start page
  QWidget* start_page_;
  QLineEdit* start_counter_;
  QListWidget* start_services_;
  QPushButton* start_open_;
  QLabel* start_message_;
  // work page
  QWidget* work_page_;
  QLabel* number_;
  QLabel* service_;
  QLabel* details_;
  QLabel* transfers_;
  QLabel* message_;
  QComboBox* transfer_target_;
  std::vector<QPushButton*> action_buttons_;
  QPushButton* next_;
  QPushButton* recall_;
  QPushButton* start_;
  QPushButton* done_;
  QPushButton* no_show_;
  QPushButton* transfer_;
  QPushButton* park_;
  QPushButton* return_;
  QPushButton* call_chosen_;
  QPushButton* close_counter_;
  QPushButton* logout_;
  QLabel* counts_;
  QListWidget* waiting_list_;
  QListWidget* due_list_;
  QListWidget* parked_list_;
  CaseWidget* case_;
  ReviewWidget* review_;
  QMenu* review_menu_;
  QAction* open_review_;
  QAction* open_counter_;
  QMenu* pickup_menu_;
  QAction* open_pickup_;
  QPointer<PickupDialog> pickup_dialog_;
  // status bar
  QLabel* status_counter_;
  QLabel* status_clerk_;
  QLabel* status_server_;
  QLabel* status_devices_;
};

}  // namespace shop::queue::counter::gui
