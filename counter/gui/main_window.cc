#include "counter/gui/main_window.h"

#include <algorithm>
#include <set>

#include <QFont>
#include <QFrame>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QMenuBar>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>

#include "common/client/device_text.h"
#include "common/client/ticket_ref.h"
#include "counter/gui/dialogs.h"
#include "counter/gui/ticket_text.h"
#include "kiosk/kiosk_client.h"

namespace shop::queue::counter::gui {
namespace {

QString Q(const std::string& s) { return QString::fromStdString(s); }

QLabel* Label(const QString& name, QWidget* parent, int point_size = 0, bool bold = false) {
  auto* label = new QLabel(parent);
  label->setObjectName(name);
  label->setWordWrap(true);
  if (point_size > 0 || bold) {
    QFont f = label->font();
    if (point_size > 0) f.setPointSize(point_size);
    f.setBold(bold);
    label->setFont(f);
  }
  return label;
}

bool Serves(const v1::Counter& c, const std::string& prefix) {
  return std::find(c.service_prefixes().begin(), c.service_prefixes().end(), prefix) !=
         c.service_prefixes().end();
}

}  // namespace

MainWindow::MainWindow(Backend* backend, WindowOptions options, QWidget* parent)
    : QMainWindow(parent), backend_(backend), options_(std::move(options)) {
  setWindowTitle(QStringLiteral("Counter — shop queue"));
  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  banner_ = Label(QStringLiteral("connectionBanner"), central, 0, true);
  banner_->setStyleSheet(
      QStringLiteral("background: #ffd54f; color: #000; padding: 8px; border-radius: 4px;"));
  banner_->hide();
  layout->addWidget(banner_);
  stack_ = new QStackedWidget(central);
  stack_->setObjectName(QStringLiteral("mainStack"));
  layout->addWidget(stack_, 1);
  setCentralWidget(central);
  BuildStartPage();
  BuildWorkPage();
  BuildStatusBar();
  review_ = new ReviewWidget(backend_, stack_);
  review_->setObjectName(QStringLiteral("reviewPage"));
  stack_->addWidget(review_);
  connect(review_, &ReviewWidget::logoutRequested, this, &MainWindow::Logout);
  connect(review_, &ReviewWidget::counterRequested, this, &MainWindow::ShowCounterScreen);
  review_menu_ = menuBar()->addMenu(QStringLiteral("&Review"));
  review_menu_->setObjectName(QStringLiteral("reviewMenu"));
  open_review_ = review_menu_->addAction(QStringLiteral("Online applications..."));
  open_review_->setObjectName(QStringLiteral("actionOpenReview"));
  open_counter_ = review_menu_->addAction(QStringLiteral("Back to the counter"));
  open_counter_->setObjectName(QStringLiteral("actionOpenCounter"));
  connect(open_review_, &QAction::triggered, this, &MainWindow::ShowReview);
  connect(open_counter_, &QAction::triggered, this, &MainWindow::ShowCounterScreen);
  pickup_menu_ = menuBar()->addMenu(QStringLiteral("&Pickup"));
  pickup_menu_->setObjectName(QStringLiteral("pickupMenu"));
  open_pickup_ = pickup_menu_->addAction(QStringLiteral("Pickup of a card ordered online..."));
  open_pickup_->setObjectName(QStringLiteral("actionOpenPickup"));
  connect(open_pickup_, &QAction::triggered, this, &MainWindow::openPickup);
  counter_page_ = start_page_;
  stack_->setCurrentWidget(start_page_);
  UpdateRoleUi();

  retry_timer_.setSingleShot(true);
  retry_timer_.setInterval(3000);
  connect(&retry_timer_, &QTimer::timeout, this, [this] {
    if (reviewing_) review_->refresh();
    RefreshCounter();  // nothing for a reviewer
  });
  lists_timer_.setSingleShot(true);
  lists_timer_.setInterval(100);
  connect(&lists_timer_, &QTimer::timeout, this, &MainWindow::RefreshLists);
  connect(&feed_, &BoardFeed::message, this, &MainWindow::ShowBoard);
  connect(&feed_, &BoardFeed::linkChanged, this, [this](bool up) { SetOffline(!up); });
  connect(&feed_, &BoardFeed::ended, this, [this](int code, const QString& text) {
    feed_started_ = false;
    // A refused session comes back through the next call; others are shown.
    if (code != static_cast<int>(grpc::StatusCode::UNAUTHENTICATED))
      SetMessage(QStringLiteral("The live queue stopped: %1").arg(text), true);
    else
      RefreshCounter();
  });
  connect(backend_, &Backend::sessionExpired, this, &MainWindow::OnSessionExpired);
  connect(backend_, &Backend::callEnded, this, [this](grpc::StatusCode code) {
    if (code == grpc::StatusCode::UNAVAILABLE) {
      SetOffline(true);
      retry_timer_.start();  // a read that succeeds takes the banner down
    } else if (code == grpc::StatusCode::OK && reviewing_) {
      // The review has no board stream to say the server is back: any
      // answer does.
      SetOffline(false);
    }
  });
  connect(case_, &CaseWidget::message, this, &MainWindow::SetMessage);
  connect(case_, &CaseWidget::caseClosed, this, [this](const v1::Case&, const QString&) {
    SetMessage(QStringLiteral("Case closed; the ticket is done. Print the summary, then call "
                              "the next customer (F2)."),
               false);
    RefreshCounter();
  });
  connect(case_, &CaseWidget::caseCancelled, this, [this](const v1::Case&) {
    SetMessage(QStringLiteral("Case cancelled. Finish the ticket with Done (F5)."), false);
    RefreshCounter();
  });
  connect(case_, &CaseWidget::noCase, this, [this] {
    no_case_ticket_ = counter_.current_ticket().ticket_id();
    case_->hide();
  });
  // The case area shows once a case is there (a ticket without one never
  // shows it).
  connect(case_, &CaseWidget::caseChanged, this, [this](const v1::Case&) {
    case_->show();
    UpdateButtons();
  });
  resize(1280, 800);
}

MainWindow::~MainWindow() { feed_.stop(); }

// --- pages ---------------------------------------------------------------

void MainWindow::BuildStartPage() {
  start_page_ = new QWidget(stack_);
  start_page_->setObjectName(QStringLiteral("startPage"));
  auto* outer = new QVBoxLayout(start_page_);
  auto* box = new QGroupBox(QStringLiteral("Open a counter"), start_page_);
  box->setMaximumWidth(520);
  auto* layout = new QVBoxLayout(box);
  layout->addWidget(new QLabel(QStringLiteral("Counter"), box));
  start_counter_ = new QLineEdit(Q(backend_->counter_id()), box);
  start_counter_->setObjectName(QStringLiteral("startCounter"));
  start_counter_->setPlaceholderText(QStringLiteral("e.g. 1"));
  layout->addWidget(start_counter_);
  layout->addWidget(new QLabel(QStringLiteral("Services to serve (none ticked: all allowed here)"),
                               box));
  start_services_ = new QListWidget(box);
  start_services_->setObjectName(QStringLiteral("startServices"));
  layout->addWidget(start_services_);
  start_open_ = new QPushButton(QStringLiteral("Open counter"), box);
  start_open_->setObjectName(QStringLiteral("startOpen"));
  start_open_->setDefault(true);
  layout->addWidget(start_open_);
  start_message_ = Label(QStringLiteral("startMessage"), box);
  layout->addWidget(start_message_);
  outer->addStretch(1);
  outer->addWidget(box, 0, Qt::AlignHCenter);
  outer->addStretch(2);
  stack_->addWidget(start_page_);
  connect(start_open_, &QPushButton::clicked, this, &MainWindow::OpenCounter);
  connect(start_counter_, &QLineEdit::returnPressed, this, &MainWindow::OpenCounter);
}

QPushButton* MainWindow::ActionButton(const QString& name, const QString& text, Qt::Key key,
                                      void (MainWindow::*slot)()) {
  auto* button = new QPushButton(
      QStringLiteral("%1\n%2").arg(text, QKeySequence(key).toString()), work_page_);
  button->setObjectName(name);
  button->setMinimumHeight(52);
  connect(button, &QPushButton::clicked, this, slot);
  // One key per action, wherever the focus is in the window.
  auto* shortcut = new QShortcut(QKeySequence(key), this);
  shortcut->setContext(Qt::WindowShortcut);
  connect(shortcut, &QShortcut::activated, this, [button] {
    if (button->isEnabled() && button->isVisible()) button->click();
  });
  action_buttons_.push_back(button);
  return button;
}

void MainWindow::BuildWorkPage() {
  work_page_ = new QWidget(stack_);
  work_page_->setObjectName(QStringLiteral("workPage"));
  auto* split = new QHBoxLayout(work_page_);

  // Left: the current ticket, the actions, the case.
  auto* left = new QVBoxLayout();
  auto* ticket = new QFrame(work_page_);
  ticket->setFrameShape(QFrame::StyledPanel);
  auto* ticket_layout = new QGridLayout(ticket);
  number_ = Label(QStringLiteral("ticketNumber"), ticket, 54, true);
  number_->setMinimumWidth(260);
  service_ = Label(QStringLiteral("ticketService"), ticket, 16, true);
  details_ = Label(QStringLiteral("ticketDetails"), ticket, 12);
  transfers_ = Label(QStringLiteral("ticketTransfers"), ticket, 11);
  ticket_layout->addWidget(number_, 0, 0, 3, 1);
  ticket_layout->addWidget(service_, 0, 1);
  ticket_layout->addWidget(details_, 1, 1);
  ticket_layout->addWidget(transfers_, 2, 1);
  ticket_layout->setColumnStretch(1, 1);
  left->addWidget(ticket);

  auto* actions = new QGridLayout();
  next_ = ActionButton(QStringLiteral("actionNext"), QStringLiteral("Next"), Qt::Key_F2,
                       &MainWindow::Next);
  recall_ = ActionButton(QStringLiteral("actionRecall"), QStringLiteral("Recall"), Qt::Key_F3,
                         &MainWindow::Recall);
  start_ = ActionButton(QStringLiteral("actionStart"), QStringLiteral("Start"), Qt::Key_F4,
                        &MainWindow::Start);
  done_ = ActionButton(QStringLiteral("actionDone"), QStringLiteral("Done"), Qt::Key_F5,
                       &MainWindow::Done);
  no_show_ = ActionButton(QStringLiteral("actionNoShow"), QStringLiteral("No-show"), Qt::Key_F6,
                          &MainWindow::NoShow);
  transfer_ = ActionButton(QStringLiteral("actionTransfer"), QStringLiteral("Transfer"),
                           Qt::Key_F7, &MainWindow::Transfer);
  park_ = ActionButton(QStringLiteral("actionPark"), QStringLiteral("Park"), Qt::Key_F8,
                       &MainWindow::Park);
  return_ = ActionButton(QStringLiteral("actionReturn"), QStringLiteral("Return parked"),
                         Qt::Key_F9, &MainWindow::Return);
  actions->addWidget(next_, 0, 0);
  actions->addWidget(recall_, 0, 1);
  actions->addWidget(start_, 0, 2);
  actions->addWidget(done_, 0, 3);
  actions->addWidget(no_show_, 1, 0);
  actions->addWidget(park_, 1, 1);
  actions->addWidget(return_, 1, 2);
  auto* transfer_box = new QVBoxLayout();
  transfer_target_ = new QComboBox(work_page_);
  transfer_target_->setObjectName(QStringLiteral("transferTarget"));
  transfer_target_->setToolTip(QStringLiteral("The service Transfer (F7) sends the ticket to"));
  transfer_box->addWidget(transfer_);
  transfer_box->addWidget(transfer_target_);
  actions->addLayout(transfer_box, 1, 3);
  left->addLayout(actions);

  message_ = Label(QStringLiteral("actionMessage"), work_page_, 11);
  message_->setMinimumHeight(36);
  left->addWidget(message_);

  case_ = new CaseWidget(backend_, work_page_);
  case_->setObjectName(QStringLiteral("caseWidget"));
  case_->hide();
  left->addWidget(case_, 1);
  left->addStretch(0);
  split->addLayout(left, 3);

  // Right: the queue, appointments due, parked tickets.
  auto* right = new QVBoxLayout();
  auto* queue_box = new QGroupBox(QStringLiteral("Waiting for this counter"), work_page_);
  auto* queue_layout = new QVBoxLayout(queue_box);
  counts_ = Label(QStringLiteral("waitingCounts"), queue_box, 11, true);
  queue_layout->addWidget(counts_);
  waiting_list_ = new QListWidget(queue_box);
  waiting_list_->setObjectName(QStringLiteral("waitingList"));
  queue_layout->addWidget(waiting_list_);
  call_chosen_ = ActionButton(QStringLiteral("actionCallChosen"),
                              QStringLiteral("Call the chosen ticket"), Qt::Key_F10,
                              &MainWindow::CallChosen);
  call_chosen_->setParent(queue_box);
  queue_layout->addWidget(call_chosen_);
  // A double click is the button's press: the same checks (nothing in
  // flight, the counter free).
  connect(waiting_list_, &QListWidget::itemDoubleClicked, this, [this] {
    if (call_chosen_->isEnabled()) call_chosen_->click();
  });
  connect(waiting_list_, &QListWidget::itemSelectionChanged, this, &MainWindow::UpdateButtons);
  right->addWidget(queue_box, 3);

  auto* due_box = new QGroupBox(QStringLiteral("Appointments due"), work_page_);
  auto* due_layout = new QVBoxLayout(due_box);
  due_list_ = new QListWidget(due_box);
  due_list_->setObjectName(QStringLiteral("dueList"));
  due_layout->addWidget(due_list_);
  right->addWidget(due_box, 1);

  auto* parked_box = new QGroupBox(QStringLiteral("Parked here"), work_page_);
  auto* parked_layout = new QVBoxLayout(parked_box);
  parked_list_ = new QListWidget(parked_box);
  parked_list_->setObjectName(QStringLiteral("parkedList"));
  parked_layout->addWidget(parked_list_);
  connect(parked_list_, &QListWidget::itemSelectionChanged, this, &MainWindow::UpdateButtons);
  right->addWidget(parked_box, 1);

  close_counter_ = new QPushButton(QStringLiteral("Close counter"), work_page_);
  close_counter_->setObjectName(QStringLiteral("closeCounter"));
  connect(close_counter_, &QPushButton::clicked, this, &MainWindow::CloseCounter);
  auto* logout = new QPushButton(QStringLiteral("Log out"), work_page_);
  logout->setObjectName(QStringLiteral("logout"));
  logout_ = logout;
  connect(logout, &QPushButton::clicked, this, &MainWindow::Logout);
  auto* bottom = new QHBoxLayout();
  bottom->addWidget(close_counter_);
  bottom->addWidget(logout);
  right->addLayout(bottom);
  split->addLayout(right, 2);
  stack_->addWidget(work_page_);
  ShowTicket();
}

void MainWindow::BuildStatusBar() {
  status_counter_ = Label(QStringLiteral("statusCounter"), this);
  status_clerk_ = Label(QStringLiteral("statusClerk"), this);
  status_server_ = Label(QStringLiteral("statusServer"), this);
  status_devices_ = Label(QStringLiteral("statusDevices"), this);
  status_devices_->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold;"));
  for (QLabel* l : {status_counter_, status_clerk_, status_server_, status_devices_}) {
    l->setWordWrap(false);
    l->setContentsMargins(6, 0, 12, 0);
  }
  statusBar()->addWidget(status_counter_);
  statusBar()->addWidget(status_clerk_);
  statusBar()->addWidget(status_server_);
  statusBar()->addWidget(status_devices_, 1);
  UpdateStatus();
}

// --- session -------------------------------------------------------------

void MainWindow::begin() {
  if (!backend_->hasToken()) {
    AskLogin(QStringLiteral("Log in with your staff login to work at the counter."));
    return;
  }
  if (backend_->role() == v1::ROLE_UNSPECIFIED) {
    ProbeRole();
    return;
  }
  UpdateRoleUi();
  if (IsReviewer())
    ShowReview();
  else
    RefreshCounter();
}

bool MainWindow::IsReviewer() const { return backend_->role() == v1::ROLE_REVIEWER; }

void MainWindow::ProbeRole() {
  // What the session may do: counter staff list the services, reviewers may
  // not; of those who may, clerks may not list applications.
  struct Probe {
    grpc::Status services;
    grpc::Status review;
  };
  backend_->run<Probe>(
      this,
      [](const Clients& c, Probe* out) {
        std::vector<v1::Service> services;
        out->services =
            kiosk::KioskClient(c.channel, c.branch_id, c.options).ListServices(&services);
        if (out->services.error_code() == grpc::StatusCode::UNAUTHENTICATED) return out->services;
        if (out->services.ok()) {
          std::vector<v1::ApplicationSummary> first;
          out->review = c.remote->List(v1::APPLICATION_STATE_AWAITING_REVIEW, 1, &first);
        }
        return grpc::Status::OK;
      },
      [this](const grpc::Status& status, const Probe& probe) {
        // A login meanwhile (the session had ended) told the role already.
        if (backend_->role() != v1::ROLE_UNSPECIFIED) return;
        if (!status.ok()) {  // the session was refused and not renewed
          UpdateRoleUi();
          RefreshCounter();
          return;
        }
        if (probe.services.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
          // Not counter staff: the review is this account's screen (the
          // review itself says so if it may not review either).
          backend_->setRole(v1::ROLE_REVIEWER);
          UpdateRoleUi();
          ShowReview();
          return;
        }
        if (probe.review.error_code() == grpc::StatusCode::PERMISSION_DENIED)
          backend_->setRole(v1::ROLE_CLERK);  // counter staff who may not review
        UpdateRoleUi();
        RefreshCounter();
      });
}

void MainWindow::UpdateRoleUi() {
  const v1::Role role = backend_->role();
  const bool reviewer = role == v1::ROLE_REVIEWER;
  // Reviewers, supervisors and admins review; a clerk's session does not
  // (one of unknown role sees the entry: the server decides).
  review_menu_->menuAction()->setVisible(!reviewer && role != v1::ROLE_CLERK);
  open_counter_->setEnabled(reviewing_);
  open_review_->setEnabled(!reviewing_);
  // Clerks and supervisors hand over the cards sent to this shop.
  pickup_menu_->menuAction()->setVisible(!reviewer);
  if (reviewer && pickup_dialog_) pickup_dialog_->close();
  review_->setCounterReachable(!reviewer);
  setWindowTitle(reviewer ? QStringLiteral("Review of online applications — shop queue")
                          : QStringLiteral("Counter — shop queue"));
  UpdateStatus();
}

void MainWindow::openPickup() {
  if (!pickup_dialog_) {
    pickup_dialog_ = new PickupDialog(backend_, this);
    pickup_dialog_->setObjectName(QStringLiteral("pickupDialog"));
    pickup_dialog_->setAttribute(Qt::WA_DeleteOnClose);
  }
  pickup_dialog_->show();
  pickup_dialog_->raise();
  pickup_dialog_->activateWindow();
}

void MainWindow::ShowReview() {
  reviewing_ = true;
  stack_->setCurrentWidget(review_);
  UpdateRoleUi();
  review_->refresh();
}

void MainWindow::ShowCounterScreen() {
  if (IsReviewer()) return;
  reviewing_ = false;
  stack_->setCurrentWidget(counter_page_ ? counter_page_ : start_page_);
  UpdateRoleUi();
  RefreshCounter();
}

void MainWindow::ShowCounterPage(QWidget* page) {
  counter_page_ = page;
  if (!reviewing_) stack_->setCurrentWidget(page);
}

void MainWindow::AskLogin(const QString& why) {
  if (login_dialog_) return;
  QString login = backend_->login().isEmpty() ? options_.login : backend_->login();
  auto* dialog = new LoginDialog(backend_, login, why, this);
  dialog->setObjectName(QStringLiteral("loginDialog"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  login_dialog_ = dialog;
  connect(dialog, &QDialog::accepted, this, [this, dialog] {
    login_dialog_ = nullptr;
    OnLoggedIn(dialog->login(), dialog->session().token(), dialog->session().role());
  });
  connect(dialog, &QDialog::rejected, this, [this] {
    login_dialog_ = nullptr;
    backend_->abandonSession();
    SetMessage(QStringLiteral("Not logged in: nothing can be sent to the server."), true);
    start_message_->setText(QStringLiteral("Not logged in."));
  });
  dialog->setModal(true);
  dialog->show();
}

void MainWindow::OnSessionExpired() {
  AskLogin(QStringLiteral("Your session ended. Log in again to carry on: what is on the screen "
                          "stays, and the last action is sent once you are back."));
}

void MainWindow::OnLoggedIn(const QString& login, const std::string& token, v1::Role role) {
  // Presses held while the session was away are the previous clerk's:
  // another login does not send them under its name.
  const QString previous = backend_->login();
  if (!previous.isEmpty() && previous != login) {
    backend_->abandonSession();
    review_->clear();
  }
  backend_->setLogin(login);
  backend_->setRole(role);
  backend_->setToken(token);
  UpdateRoleUi();
  if (role == v1::ROLE_REVIEWER) {
    // No counter for a reviewer: its calls would be refused.
    feed_.stop();
    feed_started_ = false;
    ShowReview();
    return;
  }
  if (reviewing_ && role != v1::ROLE_CLERK) {
    review_->refresh();
    return;
  }
  if (reviewing_) {  // a clerk now: the counter
    ShowCounterScreen();
    return;
  }
  // The board stream of an ended session ended too.
  if (!feed_started_ && counter_.counter().open()) {
    feed_.start(backend_->clients()->counter);
    feed_started_ = true;
  }
  RefreshCounter();
}

void MainWindow::Logout() {
  feed_.stop();
  feed_started_ = false;
  backend_->logout(this, [this](const grpc::Status&) {
    counter_.Clear();
    case_->clear();
    case_->hide();
    review_->clear();
    if (pickup_dialog_) pickup_dialog_->close();  // a customer's card is not left open
    reviewing_ = false;
    ShowCounterPage(start_page_);
    UpdateRoleUi();
    UpdateStatus();
    AskLogin(QStringLiteral("Logged out. Log in to work at the counter."));
  });
}

// --- the counter ---------------------------------------------------------

void MainWindow::RefreshCounter() {
  if (IsReviewer()) return;  // a reviewer works no counter
  if (backend_->counter_id().empty()) {
    ShowCounterPage(start_page_);
    LoadServices();
    return;
  }
  backend_->run<v1::GetCounterResponse>(
      this,
      [](const Clients& c, v1::GetCounterResponse* out) { return c.counter->Get(out); },
      [this](const grpc::Status& status, const v1::GetCounterResponse& state) {
        if (!status.ok()) {
          const QString text = RefusalText(status);
          SetMessage(text, true);
          start_message_->setText(text);
          // Not reached: try again by itself (the board stream does this
          // once the counter is open).
          if (client::IsRetryable(status.error_code())) retry_timer_.start();
          if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
              status.error_code() == grpc::StatusCode::INVALID_ARGUMENT)
            ShowCounterPage(start_page_);
          LoadServices();
          return;
        }
        SetOffline(false);
        ShowCounter(state);
      });
  if (services_.empty()) LoadServices();
}

void MainWindow::LoadServices() {
  if (IsReviewer()) return;
  backend_->run<std::vector<v1::Service>>(
      this,
      [](const Clients& c, std::vector<v1::Service>* out) {
        return kiosk::KioskClient(c.channel, c.branch_id, c.options).ListServices(out);
      },
      [this](const grpc::Status& status, const std::vector<v1::Service>& services) {
        if (!status.ok()) return;
        services_ = services;
        std::set<std::string> ticked;
        for (const auto& p : options_.services) ticked.insert(p);
        start_services_->clear();
        for (const v1::Service& s : services_) {
          auto* item = new QListWidgetItem(ServiceName(s.prefix(), services_), start_services_);
          item->setData(Qt::UserRole, Q(s.prefix()));
          item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
          item->setCheckState(ticked.count(s.prefix()) ? Qt::Checked : Qt::Unchecked);
        }
        ShowTicket();
      });
}

void MainWindow::ShowCounter(const v1::GetCounterResponse& state) {
  counter_ = state;
  if (!state.time_zone().empty()) time_zone_ = state.time_zone();
  if (!state.counter().open()) {
    ShowCounterPage(start_page_);
    feed_.stop();
    feed_started_ = false;
    UpdateStatus();
    return;
  }
  const QString holder = Q(state.counter().clerk_login());
  if (!holder.isEmpty() && !backend_->login().isEmpty() && holder != backend_->login()) {
    // Another clerk's counter: nothing of it (not his customer's case) here.
    ShowCounterPage(start_page_);
    start_message_->setText(
        QStringLiteral("Counter %1 is open by %2: choose another counter, or %2 closes it first.")
            .arg(Q(backend_->counter_id()), holder));
    feed_.stop();
    feed_started_ = false;
    counter_.Clear();
    UpdateStatus();
    LoadServices();
    return;
  }
  ShowCounterPage(work_page_);
  if (!feed_started_) {
    feed_.start(backend_->clients()->counter);
    feed_started_ = true;
  }
  ShowTicket();
  // A case left open (the app closed, the PC restarted) is found again.
  const v1::Ticket& t = state.current_ticket();
  if (t.ticket_id() != 0 && t.state() == v1::TICKET_STATE_SERVING) {
    // Asked until the server says the ticket has none (again after a
    // reconnect): after a logout, a refused call or a failed read the case
    // comes back with the next read of the counter.
    if ((!case_->hasCase() || case_->currentCase().ticket_id() != t.ticket_id()) &&
        no_case_ticket_ != t.ticket_id() && !case_->busy())
      case_->loadForTicket(t.ticket_id());
  } else if (case_->hasCase() && case_->currentCase().state() != v1::CASE_STATE_CLOSED &&
             case_->currentCase().state() != v1::CASE_STATE_CANCELLED) {
    // Parked, transferred or ended: the case waits on the server (it comes
    // back when its ticket is served here again).
    case_->clear();
    case_->hide();
  }
  RefreshLists();
  UpdateStatus();
}

void MainWindow::ShowTicket() {
  const v1::Ticket& t = counter_.current_ticket();
  // Transfer targets: every service but the ticket's own.
  const QString chosen = transfer_target_->currentData().toString();
  transfer_target_->clear();
  for (const v1::Service& s : services_) {
    if (t.ticket_id() != 0 && s.prefix() == t.service_prefix()) continue;
    transfer_target_->addItem(ServiceName(s.prefix(), services_), Q(s.prefix()));
  }
  const int keep = transfer_target_->findData(chosen);
  if (keep >= 0) transfer_target_->setCurrentIndex(keep);
  if (t.ticket_id() == 0 || t.state() == v1::TICKET_STATE_PARKED) {
    // A parked ticket waits in "Parked here", not at the counter.
    number_->setText(QStringLiteral("—"));
    service_->setText(QStringLiteral("No customer at the counter"));
    details_->setText(QStringLiteral("Press Next (F2) to call the next customer."));
    transfers_->clear();
    UpdateButtons();
    return;
  }
  const std::string& zone = t.time_zone().empty() ? time_zone_ : t.time_zone();
  number_->setText(Q(t.display_number()));
  service_->setText(ServiceName(t.service_prefix(), services_));
  QStringList lines;
  lines << QStringLiteral("State: %1").arg(TicketStateName(t.state()));
  if (t.priority_class() != v1::PRIORITY_CLASS_UNSPECIFIED)
    lines << QStringLiteral("Priority: %1").arg(PriorityName(t.priority_class()));
  if (t.origin() == v1::TICKET_ORIGIN_APPOINTMENT)
    lines << QStringLiteral("Appointment due %1").arg(LocalTime(t.due_time(), zone));
  lines << QStringLiteral("Waiting since %1 (%2)")
               .arg(LocalTime(t.issue_time(), zone), MinutesSince(t.issue_time(), Now()));
  if (t.recall_count() > 0) lines << QStringLiteral("Recalled %1 time(s)").arg(t.recall_count());
  details_->setText(lines.join(QLatin1Char('\n')));
  QStringList moves;
  for (const v1::TicketTransfer& m : counter_.current_ticket_transfers())
    moves << QStringLiteral("%1 → %2 at counter %3, %4")
                 .arg(Q(m.from_service_prefix()), Q(m.to_service_prefix()), Q(m.counter_id()),
                      LocalTime(m.time(), zone));
  transfers_->setText(moves.isEmpty() ? QString()
                                      : QStringLiteral("Transferred: ") + moves.join("; "));
  UpdateButtons();
}

void MainWindow::RefreshLists() {
  if (!counter_.counter().open()) return;
  struct Lists {
    std::vector<v1::Ticket> waiting;
    std::vector<v1::Ticket> parked;
  };
  backend_->run<Lists>(
      this,
      [](const Clients& c, Lists* out) {
        grpc::Status st = c.counter->ListTickets(v1::TICKET_STATE_WAITING, &out->waiting);
        if (!st.ok()) return st;
        return c.counter->ListTickets(v1::TICKET_STATE_PARKED, &out->parked);
      },
      [this](const grpc::Status& status, const Lists& lists) {
        if (!status.ok()) return;  // the board's next event reads again
        const v1::Counter& c = counter_.counter();
        waiting_.clear();
        for (const v1::Ticket& t : lists.waiting)
          if (Serves(c, t.service_prefix())) waiting_.push_back(t);
        // Call order as the server has it: due appointments, priority, then
        // by issue time; shown by issue time with appointments marked.
        std::stable_sort(waiting_.begin(), waiting_.end(), [](const auto& a, const auto& b) {
          return a.issue_time().seconds() < b.issue_time().seconds();
        });
        parked_.clear();
        for (const v1::Ticket& t : lists.parked)
          if (t.counter_id() == c.counter_id()) parked_.push_back(t);
        const QString chosen = waiting_list_->currentItem()
                                   ? waiting_list_->currentItem()->data(Qt::UserRole).toString()
                                   : QString();
        waiting_list_->clear();
        const auto now = Now();
        for (const v1::Ticket& t : waiting_) {
          QString line = QStringLiteral("%1   %2   waiting %3")
                             .arg(Q(t.display_number()), ServiceName(t.service_prefix(), services_),
                                  MinutesSince(t.issue_time(), now));
          if (t.origin() == v1::TICKET_ORIGIN_APPOINTMENT)
            line += QStringLiteral("   appointment %1").arg(LocalTime(t.due_time(), time_zone_));
          if (t.priority_class() != v1::PRIORITY_CLASS_UNSPECIFIED)
            line += QStringLiteral("   priority: %1").arg(PriorityName(t.priority_class()));
          auto* item = new QListWidgetItem(line, waiting_list_);
          item->setData(Qt::UserRole, Q(t.display_number()));
          if (Q(t.display_number()) == chosen) waiting_list_->setCurrentItem(item);
        }
        if (waiting_.empty()) {
          auto* item = new QListWidgetItem(QStringLiteral("Nobody is waiting."), waiting_list_);
          item->setFlags(Qt::NoItemFlags);
        }
        parked_list_->clear();
        for (const v1::Ticket& t : parked_) {
          auto* item = new QListWidgetItem(
              QStringLiteral("%1   %2   parked").arg(Q(t.display_number()),
                                                     ServiceName(t.service_prefix(), services_)),
              parked_list_);
          item->setData(Qt::UserRole, Q(t.display_number()));
        }
        if (parked_list_->count() == 1) parked_list_->setCurrentRow(0);
        UpdateButtons();
      });
}

void MainWindow::ShowBoard(const v1::WatchBoardResponse& board) {
  SetOffline(false);
  if (!board.time_zone().empty()) time_zone_ = board.time_zone();
  const v1::Counter& c = counter_.counter();
  QStringList counts;
  for (const v1::WaitingCount& w : board.waiting_counts())
    if (Serves(c, w.service_prefix()))
      counts << QStringLiteral("%1: %2").arg(Q(w.service_prefix())).arg(w.waiting_count());
  counts_->setText(counts.isEmpty() ? QStringLiteral("Waiting: none")
                                    : QStringLiteral("Waiting — ") + counts.join("   "));
  due_list_->clear();
  for (const v1::DueAppointment& d : board.due_appointments()) {
    if (!Serves(c, d.service_prefix())) continue;
    new QListWidgetItem(QStringLiteral("%1   due %2   %3")
                            .arg(Q(d.display_number()), LocalTime(d.due_time(), time_zone_),
                                 ServiceName(d.service_prefix(), services_)),
                        due_list_);
  }
  QStringList faults;
  for (const v1::Device& d : board.device_faults()) faults << Q(client::DeviceStateLine(d));
  status_devices_->setText(faults.join(QStringLiteral("; ")));
  lists_timer_.start();
}

void MainWindow::SetOffline(bool offline) {
  if (offline == offline_) return;
  offline_ = offline;
  if (offline) {
    was_offline_ = true;
    banner_->setText(QStringLiteral("The server cannot be reached — reconnecting by itself. "
                                    "Actions sent now may fail; nothing is sent twice."));
    banner_->show();
  } else {
    banner_->hide();
    if (was_offline_) {
      was_offline_ = false;
      // Back: what changed meanwhile is read again.
      no_case_ticket_ = 0;
      RefreshCounter();
      if (case_->hasCase()) case_->reload();
    }
  }
  UpdateStatus();
}

void MainWindow::BeginAction() {
  // Until the answer: no second press (a double click sends one request).
  acting_ = true;
  UpdateButtons();
}

void MainWindow::SetMessage(const QString& text, bool error) {
  message_->setText(text);
  message_->setStyleSheet(error ? QStringLiteral("color: #b00020; font-weight: bold;")
                                : QStringLiteral("color: #1b5e20;"));
}

void MainWindow::UpdateButtons() {
  const v1::Ticket& t = counter_.current_ticket();
  const bool busy = acting_;  // an action is on its way (reads do not count)
  const bool open = counter_.counter().open();
  const bool has = t.ticket_id() != 0;
  const bool called = has && t.state() == v1::TICKET_STATE_CALLED;
  const bool serving = has && t.state() == v1::TICKET_STATE_SERVING;
  const bool free = !called && !serving;  // nothing called or served here
  // While the ticket's case is open the server refuses done and transfer:
  // the case closes (or is cancelled) first.
  const v1::CaseState case_state =
      case_->hasCase() && case_->currentCase().ticket_id() == t.ticket_id()
          ? case_->currentCase().state()
          : v1::CASE_STATE_UNSPECIFIED;
  const bool case_open = case_state != v1::CASE_STATE_UNSPECIFIED &&
                         case_state != v1::CASE_STATE_CLOSED &&
                         case_state != v1::CASE_STATE_CANCELLED;
  next_->setEnabled(!busy && open && free);
  recall_->setEnabled(!busy && called);
  start_->setEnabled(!busy && called);
  done_->setEnabled(!busy && serving && !case_open);
  no_show_->setEnabled(!busy && called);
  transfer_->setEnabled(!busy && (called || serving) && !case_open &&
                       transfer_target_->count() > 0);
  park_->setEnabled(!busy && serving && !case_->busy());
  return_->setEnabled(!busy && free && !parked_.empty());
  call_chosen_->setEnabled(!busy && open && free && waiting_list_->currentItem() &&
                           !waiting_list_->currentItem()->data(Qt::UserRole).isNull());
  close_counter_->setEnabled(!busy && open && free);
  logout_->setEnabled(!busy);
  start_open_->setEnabled(!busy);
}

void MainWindow::UpdateStatus() {
  if (IsReviewer()) {
    status_counter_->setText(QStringLiteral("Review of online applications"));
    status_clerk_->setText(backend_->login().isEmpty()
                               ? QStringLiteral("reviewer: (session from --token)")
                               : QStringLiteral("reviewer: %1").arg(backend_->login()));
    status_server_->setText(QStringLiteral("server %1 — %2")
                                .arg(Q(backend_->server_address()),
                                     offline_ ? QStringLiteral("unreachable")
                                              : QStringLiteral("connected")));
    return;
  }
  const v1::Counter& c = counter_.counter();
  QStringList prefixes;
  for (const auto& p : c.service_prefixes()) prefixes << Q(p);
  const QString name = c.display_name().empty() ? QStringLiteral("Counter %1").arg(Q(backend_->counter_id()))
                                                : Q(c.display_name());
  status_counter_->setText(c.open() ? QStringLiteral("%1 — open: %2").arg(name, prefixes.join(", "))
                                    : QStringLiteral("%1 — closed").arg(name));
  const QString clerk = backend_->login();
  status_clerk_->setText(clerk.isEmpty() ? QStringLiteral("clerk: (session from --token)")
                                         : QStringLiteral("clerk: %1").arg(clerk));
  status_server_->setText(QStringLiteral("server %1 — %2")
                              .arg(Q(backend_->server_address()),
                                   offline_ ? QStringLiteral("unreachable")
                                            : QStringLiteral("connected")));
}

// --- actions -------------------------------------------------------------

void MainWindow::OpenCounter() {
  const std::string id = start_counter_->text().trimmed().toStdString();
  if (id.empty()) {
    start_message_->setText(QStringLiteral("Type the counter's number."));
    return;
  }
  if (id != backend_->counter_id()) {
    backend_->setCounterId(id);
    feed_.stop();
    feed_started_ = false;
  }
  std::vector<std::string> chosen;
  for (int i = 0; i < start_services_->count(); ++i) {
    QListWidgetItem* item = start_services_->item(i);
    if (item->checkState() == Qt::Checked)
      chosen.push_back(item->data(Qt::UserRole).toString().toStdString());
  }
  if (chosen.empty()) chosen = options_.services;
  start_message_->setText(QStringLiteral("Opening..."));
  BeginAction();
  backend_->run<v1::Counter>(
      this,
      [chosen](const Clients& c, v1::Counter* out) { return c.counter->Open(chosen, out); },
      [this](const grpc::Status& status, const v1::Counter&) {
        acting_ = false;
        UpdateButtons();
        if (!status.ok()) {
          start_message_->setText(RefusalText(status));
          return;
        }
        start_message_->clear();
        SetMessage(QStringLiteral("Counter open."), false);
        RefreshCounter();
      });
}

void MainWindow::CloseCounter() {
  BeginAction();
  backend_->run<v1::Counter>(
      this, [](const Clients& c, v1::Counter* out) { return c.counter->Close(out); },
      [this](const grpc::Status& status, const v1::Counter&) {
        acting_ = false;
        UpdateButtons();
        if (!status.ok()) {
          SetMessage(RefusalText(status), true);
          return;
        }
        start_message_->setText(QStringLiteral("Counter closed."));
        case_->clear();
        case_->hide();
        RefreshCounter();
      });
}

void MainWindow::AfterTicketCall(const QString& what, const grpc::Status& status,
                                 const v1::Ticket& t) {
  acting_ = false;
  UpdateButtons();
  if (!status.ok()) {
    SetMessage(QStringLiteral("%1: %2").arg(what, RefusalText(status)), true);
    // A lost answer (the line dropped after the server took the press) or
    // a state that moved on: show what really happened, never send again.
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
        status.error_code() == grpc::StatusCode::UNAVAILABLE ||
        status.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
      RefreshCounter();
    return;
  }
  SetMessage(QStringLiteral("%1: %2 %3").arg(what, Q(t.display_number()), TicketStateName(t.state())),
             false);
  RefreshCounter();
}

void MainWindow::Act(const QString& what, Transition transition, client::TicketRef ticket) {
  if (ticket.number.empty() && ticket.id == 0) ticket.id = counter_.current_ticket().ticket_id();
  BeginAction();
  backend_->run<v1::Ticket>(
      this,
      [transition, ticket](const Clients& c, v1::Ticket* out) {
        return (c.counter.get()->*transition)(ticket, out);
      },
      [this, what](const grpc::Status& status, const v1::Ticket& t) {
        AfterTicketCall(what, status, t);
      });
}

void MainWindow::Next() {
  case_->clear();
  case_->hide();
  BeginAction();
  backend_->run<v1::Ticket>(
      this, [](const Clients& c, v1::Ticket* out) { return c.counter->CallNext(out); },
      [this](const grpc::Status& status, const v1::Ticket& t) {
        if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
          acting_ = false;
          UpdateButtons();
          SetMessage(QStringLiteral("Nobody is waiting for this counter."), false);
          return;
        }
        AfterTicketCall(QStringLiteral("Called"), status, t);
      });
}

void MainWindow::Recall() { Act(QStringLiteral("Recalled"), &CounterClient::Recall); }

void MainWindow::Start() {
  struct Started {
    v1::Ticket ticket;
    int64_t case_id = 0;
  };
  client::TicketRef ref;
  ref.id = counter_.current_ticket().ticket_id();
  BeginAction();
  backend_->run<Started>(
      this,
      [ref](const Clients& c, Started* out) {
        return c.counter->StartServing(ref, &out->ticket, &out->case_id);
      },
      [this](const grpc::Status& status, const Started& started) {
        AfterTicketCall(QStringLiteral("Serving"), status, started.ticket);
        if (status.ok() && started.case_id != 0) case_->loadForTicket(started.ticket.ticket_id());
      });
}

void MainWindow::Done() { Act(QStringLiteral("Done"), &CounterClient::Complete); }
void MainWindow::NoShow() { Act(QStringLiteral("No-show"), &CounterClient::NoShow); }
void MainWindow::Park() { Act(QStringLiteral("Parked"), &CounterClient::Park); }

void MainWindow::Transfer() {
  const std::string target = transfer_target_->currentData().toString().toStdString();
  client::TicketRef ref;
  ref.id = counter_.current_ticket().ticket_id();
  BeginAction();
  backend_->run<v1::Ticket>(
      this,
      [ref, target](const Clients& c, v1::Ticket* out) {
        return c.counter->Transfer(ref, target, out);
      },
      [this, target](const grpc::Status& status, const v1::Ticket& t) {
        AfterTicketCall(QStringLiteral("Transferred to %1").arg(Q(target)), status, t);
      });
}

void MainWindow::Return() {
  QListWidgetItem* item = parked_list_->currentItem();
  if (!item) {
    SetMessage(QStringLiteral("Choose the parked ticket to return."), true);
    return;
  }
  client::TicketRef ref;
  ref.number = item->data(Qt::UserRole).toString().toStdString();
  Act(QStringLiteral("Returned"), &CounterClient::Return, ref);
}

void MainWindow::CallChosen() {
  QListWidgetItem* item = waiting_list_->currentItem();
  if (!item || item->data(Qt::UserRole).isNull()) {
    SetMessage(QStringLiteral("Choose a ticket in the queue first."), true);
    return;
  }
  case_->clear();
  case_->hide();
  client::TicketRef ref;
  ref.number = item->data(Qt::UserRole).toString().toStdString();
  Act(QStringLiteral("Called"), &CounterClient::Call, ref);
}

}  // namespace shop::queue::counter::gui
