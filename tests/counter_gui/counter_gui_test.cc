// The desktop counter driven through its widgets against a real server on
// loopback: login, open, the ticket actions and their keys, the live queue
// (board stream), transfers and parking, device faults, the branch's time
// zone, the SIM case from the main window, session expiry and a server
// restart mid-case. Screenshots go to build/screenshots.
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTest>

#include "counter/case_client.h"

#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "counter/gui/main_window.h"
#include "tests/counter_gui/gui_fixture.h"

namespace shop::queue::testing {
namespace {

using counter::gui::MainWindow;
using namespace std::chrono_literals;

class CounterGuiTest : public ::testing::Test {
 protected:
  // A window for counter `counter_id` with `token` ("" : it asks to log in).
  // `login`: the clerk the session is known to be (as a saved session names
  // it); empty as with --token.
  std::unique_ptr<MainWindow> NewWindow(const std::string& counter_id, const std::string& token,
                                        const QString& login = {}) {
    backend_ = server_.NewBackend(counter_id, token);
    backend_->setLogin(login);
    auto window = std::make_unique<MainWindow>(backend_.get(), counter::gui::WindowOptions{});
    window->resize(1280, 800);
    window->show();
    window->activateWindow();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(window.get()));
    window->begin();
    return window;
  }

  template <typename W>
  static W* Find(QWidget* root, const char* name) {
    W* w = root->findChild<W*>(QString::fromLatin1(name));
    EXPECT_NE(w, nullptr) << name;
    return w;
  }
  static QString Text(QWidget* root, const char* name) {
    QLabel* l = Find<QLabel>(root, name);
    return l ? l->text() : QString();
  }
  static bool OnWorkPage(MainWindow* w) {
    auto* stack = w->findChild<QStackedWidget*>(QStringLiteral("mainStack"));
    return stack && stack->currentWidget()->objectName() == QStringLiteral("workPage");
  }
  // Presses the action button `name` once it is enabled.
  static void Press(QWidget* root, const char* name) {
    QPushButton* b = Find<QPushButton>(root, name);
    ASSERT_NE(b, nullptr);
    ASSERT_TRUE(WaitUntil([b] { return b->isEnabled(); })) << name << " stays disabled";
    b->click();
  }
  static bool ListHas(QWidget* root, const char* list, const QString& needle) {
    QListWidget* l = root->findChild<QListWidget*>(QString::fromLatin1(list));
    if (!l) return false;
    for (int i = 0; i < l->count(); ++i)
      if (l->item(i)->text().contains(needle)) return true;
    return false;
  }
  // The counter's ticket as the server has it.
  v1::GetCounterResponse ServerCounter(const std::string& token, const std::string& counter_id) {
    counter::CounterClient c(client::MakeChannel(server_.address()), "test", counter_id,
                             OptionsWith(token));
    v1::GetCounterResponse out;
    grpc::Status st = c.Get(&out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }
  std::vector<v1::Ticket> ServerTickets(const std::string& token, v1::TicketState state) {
    counter::CounterClient c(client::MakeChannel(server_.address()), "test", "1",
                             OptionsWith(token));
    std::vector<v1::Ticket> out;
    EXPECT_TRUE(c.ListTickets(state, &out).ok());
    return out;
  }
  static client::CallOptions OptionsWith(const std::string& token) {
    client::CallOptions o;
    o.token = token;
    return o;
  }
  // Opens the counter from the start page and waits for the work page.
  void OpenFromStartPage(MainWindow* w, const QString& counter_id) {
    auto* stack = w->findChild<QStackedWidget*>(QStringLiteral("mainStack"));
    ASSERT_TRUE(WaitUntil([stack] {
      return stack->currentWidget()->objectName() == QStringLiteral("startPage");
    }));
    QLineEdit* id = Find<QLineEdit>(w, "startCounter");
    id->setText(counter_id);
    Press(w, "startOpen");
    ASSERT_TRUE(WaitUntil([w] { return OnWorkPage(w); })) << Text(w, "startMessage").toStdString();
  }

  // The page the case widget shows ("caseFormPage", "caseIdentityPage", ...).
  static QString CasePage(MainWindow* w) {
    for (QStackedWidget* stack : w->caseWidget()->findChildren<QStackedWidget*>()) {
      QWidget* page = stack->currentWidget();
      if (page && page->objectName().startsWith("case") && page->objectName().endsWith("Page"))
        return page->objectName();
    }
    return {};
  }
  static bool CaseOn(MainWindow* w, const char* page) {
    return w->caseWidget()->isVisible() && CasePage(w) == QString::fromLatin1(page);
  }
  // Fills the case form with the register's subscriber.
  static void FillForm(MainWindow* w) {
    Find<QLineEdit>(w, "formPhone")->setText(QString::fromLatin1(kGuiPhone));
    QComboBox* op = Find<QComboBox>(w, "formOperator");
    op->setCurrentIndex(op->findData(QStringLiteral("megafon")));
    QComboBox* reason = Find<QComboBox>(w, "formReason");
    reason->setCurrentIndex(reason->findData(static_cast<int>(v1::REPLACEMENT_REASON_LOST)));
    Find<QLineEdit>(w, "formFullName")->setText(QStringLiteral("Ivanova Maria"));
    QComboBox* doc = Find<QComboBox>(w, "formDocumentType");
    doc->setCurrentIndex(doc->findData(static_cast<int>(v1::DOCUMENT_TYPE_RU_PASSPORT)));
    Find<QLineEdit>(w, "formDocumentNumber")->setText(QString::fromLatin1(kGuiDocument));
    Find<QLineEdit>(w, "formContact")->setText(QStringLiteral("maria@example.org"));
    Find<QCheckBox>(w, "formConsent")->setChecked(true);
  }
  // Answers the identity check right.
  static void PassIdentity(MainWindow* w) {
    QComboBox* doc = Find<QComboBox>(w, "idDocumentType");
    doc->setCurrentIndex(doc->findData(static_cast<int>(v1::DOCUMENT_TYPE_RU_PASSPORT)));
    Find<QLineEdit>(w, "idDocumentNumber")->setText(QString::fromLatin1(kGuiDocument));
    Find<QCheckBox>(w, "idFaceMatches")->setChecked(true);
    const QString question = Text(w, "idQuestion");
    Find<QLineEdit>(w, "idAnswer")->setText(question.contains("top-up")
                                                ? QString::number(kGuiTopUp)
                                                : QString::fromLatin1(kGuiRecentCall));
    Press(w, "idCheck");
  }
  // The case of the counter's ticket as the server has it.
  v1::Case ServerCase(const std::string& token, int64_t ticket_id) {
    counter::CaseClient c(client::MakeChannel(server_.address()), "test", "1", OptionsWith(token));
    v1::Case out;
    grpc::Status st = c.GetByTicket(ticket_id, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }
  static int Records(const v1::Case& c, const std::string& step) {
    int n = 0;
    for (const auto& r : c.records()) n += r.step() == step;
    return n;
  }
  // Opens counter 1, calls and starts a new R ticket: its id.
  int64_t ServeR(MainWindow* w, const std::string& token) {
    OpenFromStartPage(w, "1");
    const std::string number = server_.TakeTicket("R");
    Press(w, "actionNext");
    EXPECT_TRUE(WaitUntil([&] { return Text(w, "ticketNumber") == QString::fromStdString(number); }));
    Press(w, "actionStart");
    EXPECT_TRUE(WaitUntil([&] { return CaseOn(w, "caseFormPage"); })) << CasePage(w).toStdString();
    return ServerCounter(token, "1").current_ticket().ticket_id();
  }

  CounterGuiServer server_;
  std::unique_ptr<counter::gui::Backend> backend_;
};

// Calls counter 1's next N ticket in `w`: its printed number.
std::string CallAnN(CounterGuiServer& server, MainWindow* w) {
  const std::string number = server.TakeTicket("N");
  QListWidget* queue = w->findChild<QListWidget*>(QStringLiteral("waitingList"));
  EXPECT_TRUE(WaitUntil([&] {
    for (int i = 0; i < queue->count(); ++i)
      if (queue->item(i)->text().contains(QString::fromStdString(number))) return true;
    return false;
  }));
  QPushButton* next = w->findChild<QPushButton*>(QStringLiteral("actionNext"));
  EXPECT_TRUE(WaitUntil([&] { return next->isEnabled(); }));
  next->click();
  QLabel* shown = w->findChild<QLabel*>(QStringLiteral("ticketNumber"));
  EXPECT_TRUE(WaitUntil([&] { return shown->text() == QString::fromStdString(number); }));
  return number;
}

TEST_F(CounterGuiTest, LoginOpenCallStartDoneByKeys) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-a");
  auto w = NewWindow("", "");
  // No session: the login dialog first; a wrong password is said so.
  ASSERT_TRUE(WaitUntil([&] { return w->loginDialog() != nullptr; }));
  QDialog* login = w->loginDialog();
  Find<QLineEdit>(login, "loginUser")->setText("clerk-a");
  Find<QLineEdit>(login, "loginPassword")->setText("wrong-password");
  Find<QPushButton>(login, "loginOk")->click();
  QLabel* error = Find<QLabel>(login, "loginError");
  ASSERT_TRUE(WaitUntil([&] { return error->text().contains("Wrong login or password"); }))
      << error->text().toStdString();
  Find<QLineEdit>(login, "loginPassword")->setText(kGuiPassword);
  Find<QPushButton>(login, "loginOk")->click();
  ASSERT_TRUE(WaitUntil([&] { return w->loginDialog() == nullptr; }));
  OpenFromStartPage(w.get(), "1");
  EXPECT_TRUE(Text(w.get(), "statusClerk").contains("clerk-a"));
  EXPECT_TRUE(Text(w.get(), "statusCounter").contains("open"));

  const std::string number = server_.TakeTicket("P");
  ASSERT_TRUE(WaitUntil([&] { return ListHas(w.get(), "waitingList", QString::fromStdString(number)); }));
  SaveScreenshot(w.get(), "counter-queue");

  // One key per action (shortcuts go to the active window).
  QApplication::setActiveWindow(w.get());
  ASSERT_TRUE(QTest::qWaitForWindowActive(w.get()));
  QTest::keyClick(w.get(), Qt::Key_F2);  // next
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "ticketNumber") == QString::fromStdString(number); }));
  EXPECT_TRUE(Text(w.get(), "ticketDetails").contains("called"));
  ASSERT_TRUE(WaitUntil([&] { return Find<QPushButton>(w.get(), "actionStart")->isEnabled(); }));
  QTest::keyClick(w.get(), Qt::Key_F4);  // start
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "ticketDetails").contains("serving"); }));
  QTest::qWait(300);  // the case lookup's answer
  EXPECT_FALSE(w->caseWidget()->isVisible()) << "a P ticket has no case";
  SaveScreenshot(w.get(), "counter-main");
  ASSERT_TRUE(WaitUntil([&] { return Find<QPushButton>(w.get(), "actionDone")->isEnabled(); }));
  QTest::keyClick(w.get(), Qt::Key_F5);  // done
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "ticketNumber") == QStringLiteral("—"); }));

  // The server's records match the presses.
  auto done = ServerTickets(token, v1::TICKET_STATE_DONE);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].display_number(), number);
  EXPECT_EQ(done[0].counter_id(), "1");
  EXPECT_EQ(ServerCounter(token, "1").counter().clerk_login(), "clerk-a");

  // Close the counter from the window.
  Press(w.get(), "closeCounter");
  ASSERT_TRUE(WaitUntil([&] { return !OnWorkPage(w.get()); }));
  EXPECT_FALSE(ServerCounter(token, "1").counter().open());
}

TEST_F(CounterGuiTest, QueuePanelShowsAKioskTicketWithinOneSecond) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-b");
  auto w = NewWindow("2", token);
  OpenFromStartPage(w.get(), "2");
  QLabel* counts = Find<QLabel>(w.get(), "waitingCounts");
  ASSERT_TRUE(WaitUntil([&] { return !counts->text().isEmpty(); }));  // the stream is up
  for (int i = 0; i < 3; ++i) {
    QElapsedTimer timer;
    timer.start();
    const std::string number = server_.TakeTicket(i % 2 ? "N" : "R");
    ASSERT_TRUE(WaitUntil(
        [&] { return ListHas(w.get(), "waitingList", QString::fromStdString(number)); }, 5s));
    EXPECT_LT(timer.elapsed(), 1000) << number << " took " << timer.elapsed() << " ms";
  }
  // A ticket of a service this counter does not serve is not listed.
  const std::string other = server_.TakeTicket("P");
  QTest::qWait(500);
  EXPECT_FALSE(ListHas(w.get(), "waitingList", QString::fromStdString(other)));
  EXPECT_TRUE(counts->text().contains("R: 2")) << counts->text().toStdString();
}

TEST_F(CounterGuiTest, TransferParkReturnAndCallChosen) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-c");
  auto w = NewWindow("1", token);
  OpenFromStartPage(w.get(), "1");
  const std::string first = server_.TakeTicket("N");
  const std::string second = server_.TakeTicket("N");
  ASSERT_TRUE(WaitUntil([&] { return ListHas(w.get(), "waitingList", QString::fromStdString(second)); }));

  // Call the second one out of order: choose it in the queue.
  QListWidget* queue = Find<QListWidget>(w.get(), "waitingList");
  for (int i = 0; i < queue->count(); ++i)
    if (queue->item(i)->text().contains(QString::fromStdString(second))) queue->setCurrentRow(i);
  Press(w.get(), "actionCallChosen");
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "ticketNumber") == QString::fromStdString(second); }));

  // Transfer it to P.
  QComboBox* target = Find<QComboBox>(w.get(), "transferTarget");
  ASSERT_TRUE(WaitUntil([&] { return target->findData(QStringLiteral("P")) >= 0; }));
  target->setCurrentIndex(target->findData(QStringLiteral("P")));
  Press(w.get(), "actionTransfer");
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "ticketNumber") == QStringLiteral("—"); }));
  // Called again (from P's queue), it shows where it came from.
  ASSERT_TRUE(WaitUntil([&] { return ListHas(w.get(), "waitingList", QString::fromStdString(second)); }));
  for (int i = 0; i < queue->count(); ++i)
    if (queue->item(i)->text().contains(QString::fromStdString(second))) queue->setCurrentRow(i);
  Press(w.get(), "actionCallChosen");
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "ticketNumber") == QString::fromStdString(second); }));
  EXPECT_TRUE(Text(w.get(), "ticketTransfers").contains("N → P")) << Text(w.get(), "ticketTransfers").toStdString();
  EXPECT_EQ(ServerCounter(token, "1").current_ticket_transfers_size(), 1);

  // Park it, return it.
  Press(w.get(), "actionStart");
  Press(w.get(), "actionPark");
  ASSERT_TRUE(WaitUntil([&] { return ListHas(w.get(), "parkedList", QString::fromStdString(second)); }));
  EXPECT_EQ(Text(w.get(), "ticketNumber"), QStringLiteral("—")) << "parked: nobody at the counter";
  Press(w.get(), "actionReturn");
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "ticketNumber") == QString::fromStdString(second); }));
  const v1::Ticket back = ServerCounter(token, "1").current_ticket();
  EXPECT_EQ(back.display_number(), second);
  // Returned means called back to this counter: start or recall, not done.
  EXPECT_EQ(back.state(), v1::TICKET_STATE_CALLED);
  ASSERT_TRUE(WaitUntil([&] { return Find<QPushButton>(w.get(), "actionStart")->isEnabled(); }));
  EXPECT_FALSE(Find<QPushButton>(w.get(), "actionDone")->isEnabled());
  EXPECT_FALSE(Find<QPushButton>(w.get(), "actionNext")->isEnabled());
}

TEST_F(CounterGuiTest, DeviceFaultInTheStatusBarAndTimesInTheBranchZone) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-d");
  auto w = NewWindow("1", token);
  OpenFromStartPage(w.get(), "1");
  server_.ReportPrinter(v1::PRINTER_STATE_OUT_OF_PAPER, "paper end");
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "statusDevices").contains("out of paper"); }))
      << Text(w.get(), "statusDevices").toStdString();

  const std::string number = server_.TakeTicket("R");
  Press(w.get(), "actionNext");
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "ticketNumber") == QString::fromStdString(number); }));
  // "Waiting since HH:MM" in Moscow time (the branch's), not this machine's.
  const v1::Ticket t = ServerCounter(token, "1").current_ticket();
  absl::TimeZone moscow;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Moscow", &moscow));
  const absl::Time issued = absl::FromUnixSeconds(t.issue_time().seconds());
  const std::string local = absl::FormatTime("%H:%M", issued, moscow);
  const std::string utc = absl::FormatTime("%H:%M", issued, absl::UTCTimeZone());
  ASSERT_NE(local, utc);
  EXPECT_TRUE(Text(w.get(), "ticketDetails").contains(QString::fromStdString("since " + local)))
      << Text(w.get(), "ticketDetails").toStdString();
  server_.ReportPrinter(v1::PRINTER_STATE_OK);
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "statusDevices").isEmpty(); }));
}

TEST_F(CounterGuiTest, AnotherClerksCounterIsNotShownAndItsRefusalIsInWords) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-e");
  const std::string other = server_.Staff(Role::kClerk, "clerk-f");
  {
    counter::CounterClient c(client::MakeChannel(server_.address()), "test", "2", OptionsWith(other));
    v1::Counter opened;
    ASSERT_TRUE(c.Open({}, &opened).ok());
  }
  auto w = NewWindow("2", token, QStringLiteral("clerk-e"));
  QLabel* message = Find<QLabel>(w.get(), "startMessage");
  ASSERT_TRUE(WaitUntil([&] { return message->text().contains("open by clerk-f"); }))
      << message->text().toStdString();
  EXPECT_FALSE(OnWorkPage(w.get()));
  EXPECT_TRUE(Text(w.get(), "statusClerk").contains("clerk-e"));
  // Opening it anyway: the server's refusal, in its words.
  Find<QPushButton>(w.get(), "startOpen")->click();
  ASSERT_TRUE(WaitUntil([&] { return !message->text().contains("open by"); }));
  ASSERT_TRUE(WaitUntil([&] { return !message->text().startsWith("Opening"); }));
  EXPECT_TRUE(message->text().contains("clerk-f")) << message->text().toStdString();
  EXPECT_FALSE(OnWorkPage(w.get()));
  EXPECT_EQ(ServerCounter(other, "2").counter().clerk_login(), "clerk-f") << "still hers";
}

TEST_F(CounterGuiTest, AnExpiredSessionAsksThePasswordAndSendsThePressOnce) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-g");
  auto w = NewWindow("1", token, QStringLiteral("clerk-g"));
  OpenFromStartPage(w.get(), "1");
  const std::string number = CallAnN(server_, w.get());
  // The session ends (expiry, or a logout elsewhere) while the window is open.
  ASSERT_TRUE(server_.server().server().auth().Logout(token).ok());
  Press(w.get(), "actionRecall");
  ASSERT_TRUE(WaitUntil([&] { return w->loginDialog() != nullptr; }));
  EXPECT_TRUE(OnWorkPage(w.get())) << "the screen stays";
  QDialog* login = w->loginDialog();
  EXPECT_EQ(Find<QLineEdit>(login, "loginUser")->text(), QStringLiteral("clerk-g"));
  Find<QLineEdit>(login, "loginPassword")->setText(kGuiPassword);
  Find<QPushButton>(login, "loginOk")->click();
  // The held press goes out once, with the new session: recalled once.
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "ticketDetails").contains("Recalled 1"); }))
      << Text(w.get(), "ticketDetails").toStdString();
  QTest::qWait(300);
  const std::string fresh = server_.Staff(Role::kSupervisor, "super-g");
  EXPECT_EQ(ServerCounter(fresh, "1").current_ticket().recall_count(), 1);
  EXPECT_EQ(ServerCounter(fresh, "1").current_ticket().display_number(), number);
}

TEST_F(CounterGuiTest, AnotherClerkLoggingInDoesNotSendTheHeldPress) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-n");
  server_.Staff(Role::kClerk, "clerk-o");
  auto w = NewWindow("1", token, QStringLiteral("clerk-n"));
  OpenFromStartPage(w.get(), "1");
  CallAnN(server_, w.get());
  ASSERT_TRUE(server_.server().server().auth().Logout(token).ok());
  Press(w.get(), "actionRecall");
  ASSERT_TRUE(WaitUntil([&] { return w->loginDialog() != nullptr; }));
  QDialog* login = w->loginDialog();
  Find<QLineEdit>(login, "loginUser")->setText("clerk-o");
  Find<QLineEdit>(login, "loginPassword")->setText(kGuiPassword);
  Find<QPushButton>(login, "loginOk")->click();
  ASSERT_TRUE(WaitUntil([&] { return w->loginDialog() == nullptr; }));
  // clerk-n's press was dropped (its refusal shown), not sent as clerk-o's.
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "actionMessage").contains("Recalled"); }));
  QTest::qWait(300);
  const std::string fresh = server_.Staff(Role::kSupervisor, "super-n");
  EXPECT_EQ(ServerCounter(fresh, "1").current_ticket().recall_count(), 0);
  // And clerk-o is not shown clerk-n's counter as his.
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "startMessage").contains("open by clerk-n"); }));
}

TEST_F(CounterGuiTest, AServerRestartShowsTheBannerAndRecovers) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-h");
  auto w = NewWindow("1", token);
  OpenFromStartPage(w.get(), "1");
  QLabel* banner = Find<QLabel>(w.get(), "connectionBanner");
  ASSERT_TRUE(WaitUntil([&] { return !Find<QLabel>(w.get(), "waitingCounts")->text().isEmpty(); }));
  EXPECT_FALSE(banner->isVisible());
  server_.server().Shutdown(absl::Seconds(1));
  ASSERT_TRUE(WaitUntil([&] { return banner->isVisible(); }, 10s));
  EXPECT_TRUE(Text(w.get(), "statusServer").contains("unreachable"));
  server_.server().RestartOnSamePort();
  // The session survives (kept in the database); the board stream comes back.
  ASSERT_TRUE(WaitUntil([&] { return !banner->isVisible(); }, 20s));
  const std::string number = server_.TakeTicket("P");
  ASSERT_TRUE(WaitUntil([&] { return ListHas(w.get(), "waitingList", QString::fromStdString(number)); }, 10s));
  Press(w.get(), "actionNext");
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "ticketNumber") == QString::fromStdString(number); }));
}

TEST_F(CounterGuiTest, AnUnreachableServerShowsTheBanner) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-i");
  client::CallOptions options;
  options.token = token;
  options.deadline = 500ms;
  options.max_attempts = 1;
  // Nothing listens on port 1.
  counter::gui::Backend backend(client::MakeChannel("127.0.0.1:1"), "127.0.0.1:1", "test", "1",
                                options, "");
  MainWindow w(&backend, {});
  w.show();
  w.begin();
  ASSERT_TRUE(WaitUntil([&] { return Find<QLabel>(&w, "connectionBanner")->isVisible(); }));
  EXPECT_TRUE(Text(&w, "statusServer").contains("unreachable"));
  EXPECT_TRUE(Text(&w, "startMessage").contains("cannot be reached"));
  SaveScreenshot(&w, "counter-offline");
}

TEST_F(CounterGuiTest, TheWholeSimCaseFromTheMainWindow) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-j");
  auto w = NewWindow("1", token);
  const int64_t ticket_id = ServeR(w.get(), token);
  ASSERT_GT(ticket_id, 0);
  FillForm(w.get());
  Press(w.get(), "formSubmit");
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "caseIdentityPage"); })) << CasePage(w.get()).toStdString();
  PassIdentity(w.get());
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "casePaymentPage"); })) << CasePage(w.get()).toStdString();
  // An open case: done and transfer wait for it (the server would refuse).
  EXPECT_FALSE(Find<QPushButton>(w.get(), "actionDone")->isEnabled());
  EXPECT_FALSE(Find<QPushButton>(w.get(), "actionTransfer")->isEnabled());
  SaveScreenshot(w.get(), "counter-case-in-window");
  Press(w.get(), "payCard");
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "caseCardPage"); }));
  QLineEdit* iccid = Find<QLineEdit>(w.get(), "cardIccid");
  iccid->setFocus();
  QTest::keyClicks(iccid, QString::fromStdString(TestIccid(101)));
  QTest::keyClick(iccid, Qt::Key_Return);  // the scanner's Enter
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "caseBlockPage"); }));
  Press(w.get(), "blockOldCard");
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "caseClosePage"); }));
  Press(w.get(), "caseClose");
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "caseSummaryPage"); }));
  // Closing the case completed the ticket; the counter is free.
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "ticketNumber") == QStringLiteral("—"); }));
  const v1::Case c = ServerCase(token, ticket_id);
  EXPECT_EQ(c.state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(c.payment_method(), v1::PAYMENT_METHOD_CARD);
  EXPECT_EQ(c.new_iccid(), TestIccid(101));
  for (const char* step : {"form", "payment", "card", "block", "close"})
    EXPECT_EQ(Records(c, step), 1) << step;
  auto done = ServerTickets(token, v1::TICKET_STATE_DONE);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].ticket_id(), ticket_id);
  // The summary, in the customer's language (the ticket was taken in
  // Russian), can be printed again later: a fresh widget reads it back.
  EXPECT_NE(c.summary().find("Замена SIM-карты"), std::string::npos) << c.summary();
  counter::gui::CaseWidget later(backend_.get());
  later.resize(900, 700);
  later.show();
  later.loadForTicket(ticket_id);
  auto* text = later.findChild<QPlainTextEdit*>(QStringLiteral("caseSummary"));
  ASSERT_NE(text, nullptr);
  ASSERT_TRUE(WaitUntil([&] { return text->toPlainText() == QString::fromStdString(c.summary()); }));
  EXPECT_TRUE(later.findChild<QPushButton*>(QStringLiteral("summaryPrint"))->isVisible());
}

TEST_F(CounterGuiTest, SessionExpiryMidCaseKeepsTheFormAndSendsItOnce) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-k");
  auto w = NewWindow("1", token);
  const int64_t ticket_id = ServeR(w.get(), token);
  FillForm(w.get());
  ASSERT_TRUE(server_.server().server().auth().Logout(token).ok());
  Press(w.get(), "formSubmit");
  ASSERT_TRUE(WaitUntil([&] { return w->loginDialog() != nullptr; }));
  // What was typed stays on the screen behind the dialog.
  EXPECT_EQ(Find<QLineEdit>(w.get(), "formDocumentNumber")->text(), QString::fromLatin1(kGuiDocument));
  EXPECT_TRUE(CaseOn(w.get(), "caseFormPage"));
  QDialog* login = w->loginDialog();
  Find<QLineEdit>(login, "loginUser")->setText("clerk-k");
  Find<QLineEdit>(login, "loginPassword")->setText(kGuiPassword);
  Find<QPushButton>(login, "loginOk")->click();
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "caseIdentityPage"); })) << CasePage(w.get()).toStdString();
  const std::string fresh = server_.Staff(Role::kSupervisor, "super-k");
  EXPECT_EQ(Records(ServerCase(fresh, ticket_id), "form"), 1);
}

TEST_F(CounterGuiTest, AServerRestartMidCaseCarriesOnWhereItWas) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-l");
  auto w = NewWindow("1", token);
  const int64_t ticket_id = ServeR(w.get(), token);
  FillForm(w.get());
  Press(w.get(), "formSubmit");
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "caseIdentityPage"); }));
  QLabel* banner = Find<QLabel>(w.get(), "connectionBanner");
  server_.server().Shutdown(absl::Seconds(1));
  ASSERT_TRUE(WaitUntil([&] { return banner->isVisible(); }, 10s));
  server_.server().RestartOnSamePort();
  ASSERT_TRUE(WaitUntil([&] { return !banner->isVisible(); }, 20s));
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "caseIdentityPage"); }));
  PassIdentity(w.get());
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "casePaymentPage"); })) << CasePage(w.get()).toStdString();
  const v1::Case c = ServerCase(token, ticket_id);
  EXPECT_EQ(Records(c, "form"), 1);
  EXPECT_EQ(Records(c, "identity"), 1);
  EXPECT_TRUE(c.identity_passed());
}

TEST_F(CounterGuiTest, AfterLogoutAndLoginTheOpenCaseComesBack) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-p");
  auto w = NewWindow("1", token, QStringLiteral("clerk-p"));
  ServeR(w.get(), token);
  FillForm(w.get());
  Press(w.get(), "formSubmit");
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "caseIdentityPage"); }));
  Press(w.get(), "logout");
  ASSERT_TRUE(WaitUntil([&] { return w->loginDialog() != nullptr; }));
  QDialog* login = w->loginDialog();
  Find<QLineEdit>(login, "loginUser")->setText("clerk-p");
  Find<QLineEdit>(login, "loginPassword")->setText(kGuiPassword);
  Find<QPushButton>(login, "loginOk")->click();
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "caseIdentityPage"); })) << CasePage(w.get()).toStdString();
}

TEST_F(CounterGuiTest, ACaseLeftOpenIsFoundAgainAtThatCounter) {
  const std::string token = server_.Staff(Role::kClerk, "clerk-m");
  int64_t ticket_id = 0;
  {
    auto w = NewWindow("1", token);
    ticket_id = ServeR(w.get(), token);
    FillForm(w.get());
    Press(w.get(), "formSubmit");
    ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "caseIdentityPage"); }));
  }  // the app is closed
  backend_.reset();
  auto w = NewWindow("1", token);
  ASSERT_TRUE(WaitUntil([&] { return OnWorkPage(w.get()); }));
  ASSERT_TRUE(WaitUntil([&] { return CaseOn(w.get(), "caseIdentityPage"); })) << CasePage(w.get()).toStdString();
  EXPECT_EQ(w->caseWidget()->currentCase().ticket_id(), ticket_id);
  EXPECT_FALSE(Text(w.get(), "idQuestion").isEmpty());
}

}  // namespace
}  // namespace shop::queue::testing
