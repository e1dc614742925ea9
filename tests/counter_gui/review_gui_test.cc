// The review of online applications in the desktop counter, driven through
// its widgets against a real server on loopback: a reviewer logging in gets
// the review and not the counter; the queue, oldest first, with its risk;
// an application with two photos that decode (drawn here and saved as JPEG
// and PNG) beside the register's holder with Russian names; approval,
// dispatch and the activation code shown once; photos that do not decode
// (tests/support/test_images.h) shown as such; the four-eyes refusal and a
// rejection in words; a saved reviewer session; a supervisor's way in
// through the menu and a clerk's without it. And DecodePhoto on its own (a
// 12000x12000 picture decodes small) and the label's printing.
// Screenshots go to build/screenshots (counter-review-queue.png,
// counter-review-application.png, counter-review-dispatched.png,
// counter-review-cancel.png, counter-pickup.png). Also a reviewer's
// cancellation with a reason, and a clerk's hand-over of a card sent to the
// shop (Pickup menu): a wrong answer, then the right one.
#include <QBuffer>
#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QLinearGradient>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QPrinter>
#include <QPushButton>
#include <QRadialGradient>
#include <QStackedWidget>
#include <QTest>

#include <gtest/gtest.h>

#include <regex>

#include "counter/gui/activation_dialog.h"
#include "counter/gui/main_window.h"
#include "counter/gui/photo_view.h"
#include "counter/gui/pickup_dialog.h"
#include "counter/gui/review_widget.h"
#include "counter/remote_client.h"
#include "server/domain/common/personal_data.h"
#include "shop/queue/v1/remote_service.grpc.pb.h"
#include "tests/counter_gui/gui_fixture.h"
#include "tests/support/test_images.h"

namespace shop::queue::testing {
namespace {

using counter::gui::ActivationCodeDialog;
using counter::gui::MainWindow;
using counter::gui::PhotoView;

constexpr const char* kCalm = "+79162223344";  // one reviewer approves
constexpr const char* kCalmDoc = "4509 000222";
constexpr const char* kRisky = "+79161112233";  // contact changed: two reviewers
constexpr const char* kRiskyDoc = "4509 000111";
constexpr const char* kHolderName = "Иванова Мария Петровна";
constexpr const char* kAddress = "г. Москва, ул. Тверская, д. 1, кв. 2, 125009";

std::string Digits(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

// A picture that decodes, as a file of `format` ("JPEG", "PNG").
std::string Encode(const QImage& image, const char* format) {
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  EXPECT_TRUE(image.save(&buffer, format)) << format;
  return bytes.toStdString();
}

// A passport page, drawn: what a reviewer compares with the register.
std::string DocumentJpeg() {
  QImage page(900, 640, QImage::Format_RGB32);
  QPainter p(&page);
  QLinearGradient paper(0, 0, 900, 640);
  paper.setColorAt(0, QColor(0xf3, 0xe6, 0xd0));
  paper.setColorAt(1, QColor(0xe2, 0xcf, 0xb4));
  p.fillRect(page.rect(), paper);
  p.setPen(QPen(QColor(0x80, 0x30, 0x30), 3));
  p.drawRect(20, 20, 860, 600);
  p.fillRect(50, 120, 220, 280, QColor(0xb0, 0xb8, 0xc8));  // the photo
  p.setBrush(QColor(0xe8, 0xc8, 0xa8));
  p.drawEllipse(100, 160, 120, 150);
  QFont f = p.font();
  f.setPixelSize(34);
  f.setBold(true);
  p.setFont(f);
  p.drawText(300, 80, QString::fromUtf8("ПАСПОРТ"));
  f.setPixelSize(26);
  f.setBold(false);
  p.setFont(f);
  p.setPen(Qt::black);
  p.drawText(300, 170, QString::fromUtf8("Иванова"));
  p.drawText(300, 215, QString::fromUtf8("Мария Петровна"));
  p.drawText(300, 290, QStringLiteral("4509 000222"));
  p.end();
  return Encode(page, "JPEG");
}

// A selfie holding the document, drawn.
std::string SelfiePng() {
  QImage photo(640, 800, QImage::Format_RGB32);
  QPainter p(&photo);
  QRadialGradient wall(320, 300, 500);
  wall.setColorAt(0, QColor(0xc8, 0xdc, 0xf0));
  wall.setColorAt(1, QColor(0x60, 0x80, 0xa0));
  p.fillRect(photo.rect(), wall);
  p.setBrush(QColor(0xe8, 0xc8, 0xa8));
  p.setPen(Qt::NoPen);
  p.drawEllipse(220, 140, 200, 260);                   // the face
  p.setBrush(QColor(0x30, 0x40, 0x70));
  p.drawRect(170, 420, 300, 380);                      // the shoulders
  p.setBrush(QColor(0x80, 0x30, 0x30));
  p.drawRect(360, 500, 200, 140);                      // the document held
  p.end();
  return Encode(photo, "PNG");
}

class ReviewGuiTest : public ::testing::Test {
 protected:
  // The branch takes appointments: the public branch list names its zone,
  // which the queue's times are shown in.
  static ServerConfig Config() {
    ServerConfig c = CaseTestConfig();
    c.branches[0].services[0].slot_length = absl::Minutes(30);
    return c;
  }

  ReviewGuiTest() : server_(Config(), nullptr) {
    const absl::Time now = absl::Now();
    Status seeded = server_.store().Write([&](WriteTx& tx) -> Status {
      Subscriber calm = TestSubscriber(server_.hasher(), kCalm, Digits(kCalmDoc), 700,
                                       "+79031112233");
      calm.holder_name = kHolderName;
      calm.active_iccid = TestIccid(2);
      calm.contact = "maria.ivanova@example.com";
      calm.address = kAddress;
      QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(calm));
      Subscriber risky = TestSubscriber(server_.hasher(), kRisky, Digits(kRiskyDoc), 700,
                                        "+79031112233");
      risky.holder_name = "Петров Пётр Сергеевич";
      risky.active_iccid = TestIccid(1);
      risky.contact = "+79037654321";
      risky.address = "г. Москва, ул. Арбат, д. 5";
      risky.contact_changed = now - absl::Hours(24 * 5);
      QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(risky));
      for (int i = 100; i < 110; ++i)
        QUEUE_RETURN_IF_ERROR(tx.cases().AddStockCard({TestIccid(i), "test", "megafon"}));
      return Status::Ok();
    });
    if (!seeded.ok()) throw std::runtime_error(seeded.ToString());
    public_ = v1::RemoteService::NewStub(server_.AnonymousChannel());
  }

  // Applies through the public API.
  void Apply(const std::string& phone, const std::string& doc, const std::string& name,
             std::string document_photo, std::string selfie_photo, bool pickup = false) {
    v1::ApplyForReplacementRequest req;
    req.set_phone(phone);
    req.set_operator_id("megafon");
    req.set_reason(v1::REPLACEMENT_REASON_LOST);
    req.set_full_name(name);
    req.set_document_type(v1::DOCUMENT_TYPE_RU_PASSPORT);
    req.set_document_number(doc);
    req.set_document_photo(std::move(document_photo));
    req.set_selfie_photo(std::move(selfie_photo));
    req.set_delivery(pickup ? v1::DELIVERY_PICKUP : v1::DELIVERY_POST);
    if (pickup) req.set_pickup_branch_id("test");
    req.set_language(v1::LANGUAGE_RU);
    req.set_consent(true);
    req.set_request_id("gui-apply-" + Digits(phone) + "-" + client::NewRequestId());
    v1::ApplyForReplacementResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status st = public_->ApplyForReplacement(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  void ApplyCalm() { Apply(kCalm, kCalmDoc, kHolderName, DocumentJpeg(), SelfiePng()); }
  // Photos that are well-formed files but do not decode.
  void ApplyRisky() {
    Apply(kRisky, kRiskyDoc, "Петров Пётр Сергеевич", MakePng(1600, 1200), MakeJpeg(1280, 960));
  }

  // A window with `token` ("" : it asks to log in; `role` unknown then).
  std::unique_ptr<MainWindow> NewWindow(const std::string& token, const QString& login = {}) {
    client::CallOptions options;
    options.token = token;
    options.deadline = std::chrono::seconds(5);
    options.first_backoff = std::chrono::milliseconds(50);
    backend_ = std::make_unique<counter::gui::Backend>(client::MakeChannel(server_.address()),
                                                       server_.address(), "test", "", options, "");
    backend_->setReviewChannel(
        client::MakeChannel(server_.address(), {}, counter::RemoteClient::kChannelLimits));
    backend_->setLogin(login);
    auto window = std::make_unique<MainWindow>(backend_.get(), counter::gui::WindowOptions{});
    window->resize(1280, 800);
    window->show();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(window.get()));
    window->begin();
    return window;
  }

  // Logs in through the window's login dialog.
  static void LogIn(MainWindow* w, const std::string& login) {
    ASSERT_TRUE(WaitUntil([&] { return w->loginDialog() != nullptr; }));
    QDialog* dialog = w->loginDialog();
    Find<QLineEdit>(dialog, "loginUser")->setText(QString::fromStdString(login));
    Find<QLineEdit>(dialog, "loginPassword")->setText(kGuiPassword);
    Find<QPushButton>(dialog, "loginOk")->click();
    ASSERT_TRUE(WaitUntil([&] { return w->loginDialog() == nullptr; }));
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
  static QString Page(MainWindow* w) {
    auto* stack = w->findChild<QStackedWidget*>(QStringLiteral("mainStack"));
    return stack && stack->currentWidget() ? stack->currentWidget()->objectName() : QString();
  }
  static void Press(QWidget* root, const char* name) {
    QPushButton* b = Find<QPushButton>(root, name);
    ASSERT_NE(b, nullptr);
    ASSERT_TRUE(WaitUntil([b] { return b->isEnabled(); })) << name << " stays disabled";
    b->click();
  }
  // The queue's lines.
  static QStringList Queue(MainWindow* w) {
    QStringList lines;
    auto* list = w->findChild<QListWidget*>(QStringLiteral("reviewQueue"));
    for (int i = 0; list && i < list->count(); ++i) lines << list->item(i)->text();
    return lines;
  }
  // Chooses the queue's line that contains `needle`; waits for the
  // application to be shown.
  static void Choose(MainWindow* w, const QString& needle) {
    auto* list = w->findChild<QListWidget*>(QStringLiteral("reviewQueue"));
    ASSERT_TRUE(WaitUntil([&] {
      for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->text().contains(needle)) return true;
      return false;
    })) << Queue(w).join(" | ").toStdString();
    for (int i = 0; i < list->count(); ++i)
      if (list->item(i)->text().contains(needle)) list->setCurrentRow(i);
    ASSERT_TRUE(WaitUntil([&] {
      return w->reviewWidget()->current().application().case_id() != 0 &&
             !w->reviewWidget()->busy();
    }));
  }

  TestServer server_;
  std::unique_ptr<v1::RemoteService::Stub> public_;
  std::unique_ptr<counter::gui::Backend> backend_;
};

TEST_F(ReviewGuiTest, AReviewerApprovesAndDispatchesAndSeesTheCodeOnce) {
  server_.StaffToken(Role::kReviewer, "rev-olga");
  ApplyCalm();
  ApplyRisky();
  auto w = NewWindow("");
  LogIn(w.get(), "rev-olga");

  // The review, not the counter (whose calls a reviewer may not make).
  ASSERT_TRUE(WaitUntil([&] { return Page(w.get()) == "reviewPage"; })) << Page(w.get()).toStdString();
  EXPECT_TRUE(w->reviewing());
  EXPECT_FALSE(w->menuBar()->findChild<QMenu*>(QStringLiteral("reviewMenu"))->menuAction()->isVisible());
  EXPECT_FALSE(Find<QPushButton>(w.get(), "reviewCounter")->isVisible());
  EXPECT_TRUE(Text(w.get(), "statusClerk").contains("rev-olga"));
  ASSERT_TRUE(WaitUntil([&] { return Queue(w.get()).size() == 2; }))
      << Queue(w.get()).join(" | ").toStdString();
  // Oldest first, with the risk in words and the time in the branch's zone.
  const QStringList queue = Queue(w.get());
  EXPECT_TRUE(queue[0].contains(QString::fromStdString(MaskPhone(kCalm)))) << queue[0].toStdString();
  EXPECT_TRUE(queue[0].contains("No risk found"));
  EXPECT_TRUE(queue[1].contains(QString::fromStdString(MaskPhone(kRisky))));
  EXPECT_TRUE(queue[1].contains("Risk 1: the contact on record changed lately"))
      << queue[1].toStdString();
  EXPECT_FALSE(Text(w.get(), "reviewPlaceholder").isEmpty());
  EXPECT_EQ(Text(w.get(), "reviewQueueZone"),
            QStringLiteral("Times in Europe/Moscow, the branch's zone."));
  EXPECT_FALSE(queue[0].contains("UTC")) << queue[0].toStdString();
  SaveScreenshot(w.get(), "counter-review-queue");

  // The application: the two photos shown, the register beside it.
  Choose(w.get(), QString::fromStdString(MaskPhone(kCalm)));
  auto* document = Find<PhotoView>(w.get(), "reviewDocumentPhoto");
  auto* selfie = Find<PhotoView>(w.get(), "reviewSelfiePhoto");
  ASSERT_TRUE(WaitUntil([&] { return document->hasImage() && selfie->hasImage(); }))
      << document->text().toStdString() << " / " << selfie->text().toStdString();
  EXPECT_EQ(document->image().size(), QSize(900, 640));
  EXPECT_EQ(selfie->image().size(), QSize(640, 800));
  EXPECT_EQ(Text(w.get(), "holderName"), QString::fromUtf8(kHolderName));
  EXPECT_EQ(Text(w.get(), "applicationName"), QString::fromUtf8(kHolderName));
  EXPECT_EQ(Text(w.get(), "holderMatches"), QStringLiteral("yes"));
  EXPECT_EQ(Text(w.get(), "holderAddress"), QString::fromUtf8(kAddress));
  EXPECT_TRUE(Text(w.get(), "holderDocument").contains("0222"));
  EXPECT_TRUE(Text(w.get(), "reviewRisk").contains("No risk found"));
  EXPECT_TRUE(Text(w.get(), "reviewTitle").contains("awaiting review"));
  EXPECT_TRUE(Text(w.get(), "reviewSummary").contains("Europe/Moscow"));
  EXPECT_FALSE(Find<QPushButton>(w.get(), "reviewDispatch")->isEnabled());
  EXPECT_FALSE(Find<QPushButton>(w.get(), "reviewReject")->isEnabled()) << "no reason chosen";
  QTest::qWait(100);
  SaveScreenshot(w.get(), "counter-review-application");

  // A click opens the photo full size.
  QTest::mouseClick(document, Qt::LeftButton);
  QDialog* full = nullptr;
  ASSERT_TRUE(WaitUntil([&] {
    full = w->findChild<QDialog*>(QStringLiteral("photoDialog"));
    return full != nullptr && full->isVisible();
  }));
  QLabel* picture = full->findChild<QLabel*>(QStringLiteral("photoFull"));
  ASSERT_NE(picture, nullptr);
  EXPECT_EQ(picture->pixmap().size(), QSize(900, 640));
  full->close();

  // Approve: one reviewer is enough here.
  Press(w.get(), "reviewApprove");
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "reviewTitle").contains("awaiting dispatch"); }))
      << Text(w.get(), "reviewMessage").toStdString();
  EXPECT_TRUE(Text(w.get(), "reviewMessage").contains("Approved")) << Text(w.get(), "reviewMessage").toStdString();
  ASSERT_TRUE(WaitUntil([&] { return Queue(w.get()).size() == 1; }));

  // Dispatch: a bad card first (said beside the field), then a good one.
  Find<QLineEdit>(w.get(), "reviewIccid")->setText("1234");
  Find<QLineEdit>(w.get(), "reviewTracking")->setText("RA123456789RU");
  Press(w.get(), "reviewDispatch");
  ASSERT_TRUE(WaitUntil([&] { return !Text(w.get(), "reviewIccidError").isEmpty(); }))
      << Text(w.get(), "reviewMessage").toStdString();
  EXPECT_TRUE(Text(w.get(), "reviewTrackingError").isEmpty());
  Find<QLineEdit>(w.get(), "reviewIccid")->setText(QString::fromStdString(TestIccid(100)));
  Press(w.get(), "reviewDispatch");
  ASSERT_TRUE(WaitUntil([&] { return w->reviewWidget()->codeDialog() != nullptr; }))
      << Text(w.get(), "reviewMessage").toStdString();
  ActivationCodeDialog* code = w->reviewWidget()->codeDialog();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(code));
  EXPECT_TRUE(std::regex_match(code->code().toStdString(),
                               std::regex("[2-9A-Z]{4}-[2-9A-Z]{4}")))
      << code->code().toStdString();
  EXPECT_EQ(Text(code, "activationCode").remove(' '), code->code());
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "reviewTitle").contains("awaiting activation"); }));

  // The window with the code's dialog over it.
  QImage shot = w->grab().toImage();
  {
    QPainter p(&shot);
    const QPixmap dialog = code->grab();
    const QPoint at((shot.width() - dialog.width()) / 2, (shot.height() - dialog.height()) / 2);
    p.fillRect(shot.rect(), QColor(0, 0, 0, 60));
    p.drawPixmap(at, dialog);
    p.setPen(QColor(0x33, 0x33, 0x33));
    p.drawRect(QRect(at, dialog.size()).adjusted(-1, -1, 0, 0));
  }
  QWidget holder;
  holder.resize(shot.size());
  QLabel frame(&holder);
  frame.setPixmap(QPixmap::fromImage(shot));
  frame.resize(shot.size());
  SaveScreenshot(&holder, "counter-review-dispatched");

  // Shown once: the dialog does not close until the code is on the label.
  code->reject();
  EXPECT_TRUE(code->isVisible());
  EXPECT_TRUE(Text(code, "activationMessage").contains("Tick the box"));
  EXPECT_FALSE(Find<QPushButton>(code, "activationClose")->isEnabled());
  Find<QCheckBox>(code, "activationWritten")->setChecked(true);
  Find<QPushButton>(code, "activationClose")->click();
  ASSERT_TRUE(WaitUntil([&] { return w->reviewWidget()->codeDialog() == nullptr; }));
  EXPECT_FALSE(Text(w.get(), "reviewSummary").contains(code->code())) << "nowhere else";

  // The server agrees.
  counter::RemoteClient remote(
      client::MakeChannel(server_.address(), {}, counter::RemoteClient::kChannelLimits),
      [&] {
        client::CallOptions o;
        o.token = server_.StaffToken(Role::kReviewer, "rev-check");
        return o;
      }());
  v1::GetApplicationResponse view;
  ASSERT_TRUE(remote.Get(w->reviewWidget()->current().application().case_id(), &view).ok());
  EXPECT_EQ(view.application().state(), v1::APPLICATION_STATE_AWAITING_ACTIVATION);
  EXPECT_EQ(view.application().tracking_number(), "RA123456789RU");
}

TEST_F(ReviewGuiTest, UndecodablePhotosFourEyesAndARejectionInWords) {
  server_.StaffToken(Role::kReviewer, "rev-ivan");
  ApplyRisky();
  auto w = NewWindow("");
  LogIn(w.get(), "rev-ivan");
  Choose(w.get(), QString::fromStdString(MaskPhone(kRisky)));

  // Well-formed files that do not decode: said so, nothing crashes.
  auto* document = Find<PhotoView>(w.get(), "reviewDocumentPhoto");
  auto* selfie = Find<PhotoView>(w.get(), "reviewSelfiePhoto");
  EXPECT_FALSE(document->hasImage());
  EXPECT_TRUE(document->text().contains("cannot show this photo")) << document->text().toStdString();
  EXPECT_TRUE(selfie->text().contains("cannot show this photo")) << selfie->text().toStdString();
  QTest::mouseClick(document, Qt::LeftButton);
  QTest::qWait(100);
  EXPECT_EQ(w->findChild<QDialog*>(QStringLiteral("photoDialog")), nullptr);
  EXPECT_EQ(Text(w.get(), "holderName"), QString::fromUtf8("Петров Пётр Сергеевич"));
  EXPECT_TRUE(Text(w.get(), "reviewRisk").contains("two different reviewers"));
  EXPECT_TRUE(Text(w.get(), "reviewRisk").contains("the contact on record changed lately"));

  // First approval; the same reviewer again: four eyes, in words.
  Press(w.get(), "reviewApprove");
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "reviewMessage").contains("First approval"); }))
      << Text(w.get(), "reviewMessage").toStdString();
  EXPECT_TRUE(Text(w.get(), "reviewRisk").contains("First approval by rev-ivan"));
  ASSERT_TRUE(WaitUntil([&] {
    return !Queue(w.get()).isEmpty() &&
           Queue(w.get())[0].contains("Waits for a second reviewer (first: rev-ivan)");
  })) << Queue(w.get()).join(" | ").toStdString();
  Press(w.get(), "reviewApprove");
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "reviewMessage").contains("Four eyes"); }))
      << Text(w.get(), "reviewMessage").toStdString();
  EXPECT_TRUE(Text(w.get(), "reviewMessage").contains("another reviewer must give the second"));
  EXPECT_TRUE(Text(w.get(), "reviewTitle").contains("awaiting review"));
  SaveScreenshot(w.get(), "counter-review-four-eyes");

  // Reject with a reason from the list.
  QComboBox* reason = Find<QComboBox>(w.get(), "reviewRejectReason");
  reason->setCurrentIndex(reason->findData(static_cast<int>(v1::REJECT_REASON_PHOTO_UNREADABLE)));
  Press(w.get(), "reviewReject");
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "reviewTitle").contains("cancelled"); }))
      << Text(w.get(), "reviewMessage").toStdString();
  EXPECT_TRUE(Text(w.get(), "reviewMessage").contains("Rejected: the photos cannot be read"))
      << Text(w.get(), "reviewMessage").toStdString();
  EXPECT_TRUE(Text(w.get(), "reviewSummary").contains("photo_unreadable"));
  EXPECT_FALSE(Find<QPushButton>(w.get(), "reviewApprove")->isEnabled());
  ASSERT_TRUE(WaitUntil([&] {
    return Queue(w.get()).size() == 1 && Queue(w.get())[0].contains("No application waits");
  }));
}

TEST_F(ReviewGuiTest, ASavedReviewerSessionOpensTheReviewNotTheCounter) {
  const std::string token = server_.StaffToken(Role::kReviewer, "rev-saved");
  ApplyCalm();
  // As counter-gui starts with a session file: the role is not known.
  auto w = NewWindow(token, "rev-saved");
  ASSERT_TRUE(WaitUntil([&] { return Page(w.get()) == "reviewPage"; })) << Page(w.get()).toStdString();
  ASSERT_TRUE(WaitUntil([&] { return Queue(w.get()).size() == 1; }));
  EXPECT_TRUE(Text(w.get(), "statusCounter").contains("Review"));
  EXPECT_FALSE(Text(w.get(), "startMessage").contains("PERMISSION_DENIED"));
  EXPECT_FALSE(Text(w.get(), "actionMessage").contains("may not"));
  // Logging out leaves nothing of the application on screen.
  Choose(w.get(), QString::fromStdString(MaskPhone(kCalm)));
  Press(w.get(), "reviewLogout");
  ASSERT_TRUE(WaitUntil([&] { return w->loginDialog() != nullptr; }));
  EXPECT_EQ(w->reviewWidget()->current().application().case_id(), 0);
  EXPECT_TRUE(Queue(w.get()).isEmpty());
}

TEST_F(ReviewGuiTest, SupervisorsReachTheReviewThroughTheMenuClerksDoNot) {
  server_.StaffToken(Role::kSupervisor, "super-a");
  server_.StaffToken(Role::kClerk, "clerk-a");
  ApplyCalm();
  auto w = NewWindow("");
  LogIn(w.get(), "super-a");
  ASSERT_TRUE(WaitUntil([&] { return Page(w.get()) == "startPage"; }));
  QMenu* menu = w->menuBar()->findChild<QMenu*>(QStringLiteral("reviewMenu"));
  ASSERT_NE(menu, nullptr);
  EXPECT_TRUE(menu->menuAction()->isVisible());
  menu->findChild<QAction*>(QStringLiteral("actionOpenReview"))->trigger();
  ASSERT_TRUE(WaitUntil([&] { return Page(w.get()) == "reviewPage"; }));
  ASSERT_TRUE(WaitUntil([&] { return Queue(w.get()).size() == 1; }));
  EXPECT_TRUE(Find<QPushButton>(w.get(), "reviewCounter")->isVisible());
  Press(w.get(), "reviewCounter");
  ASSERT_TRUE(WaitUntil([&] { return Page(w.get()) == "startPage"; }));
  EXPECT_FALSE(w->reviewing());

  // A clerk: no review menu.
  Find<QPushButton>(w.get(), "logout")->click();
  LogIn(w.get(), "clerk-a");
  ASSERT_TRUE(WaitUntil([&] { return !menu->menuAction()->isVisible(); }));
  EXPECT_EQ(Page(w.get()), QStringLiteral("startPage"));
}

TEST_F(ReviewGuiTest, SavedSessionsOfAClerkAndASupervisorFindTheirMenu) {
  // A clerk's saved session: the counter, no review menu.
  auto w = NewWindow(server_.StaffToken(Role::kClerk, "clerk-s"), "clerk-s");
  QMenu* menu = w->menuBar()->findChild<QMenu*>(QStringLiteral("reviewMenu"));
  ASSERT_TRUE(WaitUntil([&] { return backend_->role() == v1::ROLE_CLERK; }));
  EXPECT_FALSE(menu->menuAction()->isVisible());
  EXPECT_EQ(Page(w.get()), QStringLiteral("startPage"));
  // A supervisor's: the counter, with the menu.
  w = NewWindow(server_.StaffToken(Role::kSupervisor, "super-s"), "super-s");
  menu = w->menuBar()->findChild<QMenu*>(QStringLiteral("reviewMenu"));
  ASSERT_TRUE(WaitUntil([&] { return Page(w.get()) == "startPage"; }));
  QTest::qWait(200);
  EXPECT_TRUE(menu->menuAction()->isVisible());
  EXPECT_FALSE(w->reviewing());
}

TEST_F(ReviewGuiTest, TheReviewSaysWhenTheServerIsAwayAndReadsAgainWhenItIsBack) {
  const std::string token = server_.StaffToken(Role::kReviewer, "rev-away");
  ApplyCalm();
  auto w = NewWindow(token, "rev-away");
  ASSERT_TRUE(WaitUntil([&] { return Queue(w.get()).size() == 1; }));
  QLabel* banner = Find<QLabel>(w.get(), "connectionBanner");
  server_.Shutdown(absl::Milliseconds(100));
  Press(w.get(), "reviewRefresh");
  ASSERT_TRUE(WaitUntil([&] { return banner->isVisible(); }, std::chrono::seconds(30)));
  server_.RestartOnSamePort();
  // Read again by itself; the banner goes once an answer comes.
  ASSERT_TRUE(WaitUntil([&] { return !banner->isVisible(); }, std::chrono::seconds(30)));
  EXPECT_EQ(Queue(w.get()).size(), 1);
  EXPECT_TRUE(Text(w.get(), "reviewQueueMessage").isEmpty())
      << Text(w.get(), "reviewQueueMessage").toStdString();
}

// --- DecodePhoto and the label ------------------------------------------------

TEST_F(ReviewGuiTest, AReviewerCancelsAnApplicationWithAReasonAfterConfirming) {
  server_.StaffToken(Role::kReviewer, "rev-nina");
  ApplyCalm();
  auto w = NewWindow("");
  LogIn(w.get(), "rev-nina");
  Choose(w.get(), QString::fromStdString(MaskPhone(kCalm)));
  QPushButton* cancel = Find<QPushButton>(w.get(), "reviewCancel");
  EXPECT_FALSE(cancel->isEnabled()) << "no reason chosen yet";
  QComboBox* reason = Find<QComboBox>(w.get(), "reviewCancelReason");
  reason->setCurrentIndex(reason->findData(static_cast<int>(v1::CANCEL_REASON_CUSTOMER_REQUEST)));
  counter::gui::ReviewWidget* review = w->reviewWidget();

  // "Keep it": nothing happens.
  Press(w.get(), "reviewCancel");
  ASSERT_TRUE(WaitUntil([&] { return review->cancelConfirmation() != nullptr; }));
  review->cancelConfirmation()->button(QMessageBox::No)->click();
  ASSERT_TRUE(WaitUntil([&] { return review->cancelConfirmation() == nullptr; }));
  QTest::qWait(100);
  EXPECT_TRUE(Text(w.get(), "reviewTitle").contains("awaiting review"));

  // Confirmed: cancelled, and the queue read again.
  Press(w.get(), "reviewCancel");
  ASSERT_TRUE(WaitUntil([&] { return review->cancelConfirmation() != nullptr; }));
  EXPECT_TRUE(review->cancelConfirmation()->text().contains("The customer asked to cancel"))
      << review->cancelConfirmation()->text().toStdString();
  review->cancelConfirmation()->button(QMessageBox::Yes)->click();
  ASSERT_TRUE(WaitUntil([&] { return Text(w.get(), "reviewTitle").contains("cancelled"); }))
      << Text(w.get(), "reviewMessage").toStdString();
  EXPECT_TRUE(Text(w.get(), "reviewMessage").contains("Cancelled."))
      << Text(w.get(), "reviewMessage").toStdString();
  EXPECT_FALSE(cancel->isEnabled());
  EXPECT_FALSE(Find<QPushButton>(w.get(), "reviewApprove")->isEnabled());
  ASSERT_TRUE(WaitUntil([&] {
    return Queue(w.get()).size() == 1 && Queue(w.get())[0].contains("No application waits");
  })) << Queue(w.get()).join(" | ").toStdString();
  SaveScreenshot(w.get(), "counter-review-cancel");
}

TEST_F(ReviewGuiTest, AClerkHandsOverACardSentToTheShop) {
  // Applied for pickup here, approved and the card sent to the shop.
  const std::string reviewer = server_.StaffToken(Role::kReviewer, "rev-pavel");
  Apply(kCalm, kCalmDoc, kHolderName, DocumentJpeg(), SelfiePng(), /*pickup=*/true);
  client::CallOptions options;
  options.token = reviewer;
  options.deadline = std::chrono::seconds(10);
  counter::RemoteClient remote(
      client::MakeChannel(server_.address(), {}, counter::RemoteClient::kChannelLimits), options);
  std::vector<v1::ApplicationSummary> queue;
  ASSERT_TRUE(remote.List(v1::APPLICATION_STATE_AWAITING_REVIEW, 0, &queue).ok());
  ASSERT_EQ(queue.size(), 1u);
  const int64_t id = queue[0].case_id();
  v1::Application approved;
  ASSERT_TRUE(remote.Approve(id, &approved).ok());
  v1::DispatchCardResponse sent;
  grpc::Status st = remote.Dispatch(id, TestIccid(101), "", &sent);
  ASSERT_TRUE(st.ok()) << st.error_message();

  // The clerk opens the pickup from the menu and finds the card by number.
  auto w = NewWindow(server_.StaffToken(Role::kClerk, "clerk-anna"), "clerk-anna");
  EXPECT_TRUE(w->menuBar()->findChild<QMenu*>(QStringLiteral("pickupMenu"))->menuAction()->isVisible());
  w->openPickup();
  counter::gui::PickupDialog* dialog = w->pickupDialog();
  ASSERT_NE(dialog, nullptr);
  ASSERT_TRUE(QTest::qWaitForWindowExposed(dialog));
  // No number: every card waiting at this shop.
  Press(dialog, "pickupFind");
  ASSERT_TRUE(WaitUntil([&] { return !dialog->busy() && dialog->pickups().pickups_size() == 1; }))
      << Text(dialog, "pickupMessage").toStdString();
  Find<QLineEdit>(dialog, "pickupPhone")->setText("+79161112233");  // waits for nothing here
  Press(dialog, "pickupFind");
  ASSERT_TRUE(WaitUntil([&] { return !dialog->busy() && dialog->pickups().pickups_size() == 0; }));
  Find<QLineEdit>(dialog, "pickupPhone")->setText("8 916 222-33-44");
  Press(dialog, "pickupFind");
  ASSERT_TRUE(WaitUntil([&] { return !dialog->busy() && dialog->pickups().pickups_size() == 1; }))
      << Text(dialog, "pickupMessage").toStdString();
  auto* list = Find<QListWidget>(dialog, "pickupList");
  ASSERT_EQ(list->count(), 1);
  const QString line = list->item(0)->text();
  EXPECT_TRUE(line.contains(QString::fromStdString(MaskPhone(kCalm)))) << line.toStdString();
  EXPECT_TRUE(line.contains(QString::fromStdString(TestIccid(101).substr(TestIccid(101).size() - 4))))
      << line.toStdString();
  EXPECT_TRUE(line.contains("Russian passport")) << line.toStdString();
  EXPECT_TRUE(line.contains("Expires")) << line.toStdString();
  EXPECT_EQ(Text(dialog, "pickupZone"), QStringLiteral("Times in Europe/Moscow, the branch's zone."));
  EXPECT_EQ(Text(dialog, "pickupQuestion").toStdString(), sent.question());
  auto* type = Find<QComboBox>(dialog, "pickupDocumentType");
  EXPECT_EQ(type->currentData().toInt(), static_cast<int>(v1::DOCUMENT_TYPE_RU_PASSPORT));

  // A wrong answer: not handed over, the attempts left said.
  Find<QLineEdit>(dialog, "pickupDocumentNumber")->setText(kCalmDoc);
  Find<QCheckBox>(dialog, "pickupFace")->setChecked(true);
  Find<QLineEdit>(dialog, "pickupAnswer")->setText("12345");
  Press(dialog, "pickupHandOver");
  ASSERT_TRUE(WaitUntil([&] { return Text(dialog, "pickupMessage").contains("Attempts left"); }))
      << Text(dialog, "pickupMessage").toStdString();
  EXPECT_TRUE(Text(dialog, "pickupMessage").contains("do not hand over"));
  // The server asks another question after a failure: the list is read
  // again, the card stays chosen, the face is ticked again.
  ASSERT_TRUE(WaitUntil([&] { return !dialog->busy(); }));
  EXPECT_EQ(list->currentRow(), 0);
  EXPECT_TRUE(Text(dialog, "pickupMessage").contains("Attempts left: 2"))
      << Text(dialog, "pickupMessage").toStdString();
  EXPECT_FALSE(Find<QCheckBox>(dialog, "pickupFace")->isChecked());
  EXPECT_EQ(Find<QLineEdit>(dialog, "pickupDocumentNumber")->text(), kCalmDoc);
  const QString question = Text(dialog, "pickupQuestion");
  const QString right =
      question.contains("top-up") ? QStringLiteral("700") : QStringLiteral("+79031112233");
  Find<QCheckBox>(dialog, "pickupFace")->setChecked(true);
  SaveScreenshot(dialog, "counter-pickup");

  // The right answer: the new card active, the old one blocked.
  Find<QLineEdit>(dialog, "pickupAnswer")->setText(right);
  Press(dialog, "pickupHandOver");
  ASSERT_TRUE(WaitUntil([&] { return Text(dialog, "pickupMessage").contains("Handed over"); }))
      << Text(dialog, "pickupMessage").toStdString();
  EXPECT_TRUE(Text(dialog, "pickupMessage").contains("the old one is blocked"));
  ASSERT_TRUE(WaitUntil([&] { return !dialog->busy() && dialog->pickups().pickups_size() == 0; }));
  EXPECT_TRUE(list->item(0)->text().contains("No card waits"));
  SaveScreenshot(dialog, "counter-pickup-done");
}

TEST(PhotoDecodeTest, AHugePictureDecodesSmallAndGarbageSaysSo) {
  // 12000x12000 pixels claimed by a small file: decoded at most
  // kMaxPhotoSide a side (a JPEG at the reduced scale, a PNG within bounds).
  std::string jpeg;
  std::string png;
  {
    QImage huge(12000, 12000, QImage::Format_Grayscale8);
    huge.fill(200);
    jpeg = Encode(huge, "JPEG");
  }
  {
    QImage huge(12000, 12000, QImage::Format_Mono);
    huge.fill(1);
    png = Encode(huge, "PNG");
  }
  // The JPEG scales while decoding.
  counter::gui::DecodedPhoto d = counter::gui::DecodePhoto(jpeg);
  EXPECT_EQ(d.original, QSize(12000, 12000));
  EXPECT_EQ(d.image.size(), QSize(counter::gui::kMaxPhotoSide, counter::gui::kMaxPhotoSide));
  EXPECT_TRUE(d.error.isEmpty()) << d.error.toStdString();
  // The PNG would be decoded whole first: refused, in words.
  d = counter::gui::DecodePhoto(png);
  EXPECT_EQ(d.original, QSize(12000, 12000));
  EXPECT_TRUE(d.image.isNull());
  EXPECT_EQ(d.error, QStringLiteral("cannot show this photo: 12000x12000 pixels is too large to "
                                    "decode here"));
  // A large PNG within bounds is scaled down after decoding.
  {
    QImage wide(4000, 3000, QImage::Format_RGB32);
    wide.fill(Qt::darkCyan);
    d = counter::gui::DecodePhoto(Encode(wide, "PNG"));
    EXPECT_EQ(d.image.size(), QSize(2560, 1920)) << d.error.toStdString();
  }

  // A small photo keeps its size; the test files and plain text do not decode.
  counter::gui::DecodedPhoto small = counter::gui::DecodePhoto(SelfiePng());
  EXPECT_EQ(small.image.size(), QSize(640, 800));
  EXPECT_TRUE(small.error.isEmpty());
  for (const std::string& bad : {MakePng(1600, 1200), MakeJpeg(1280, 960),
                                 std::string("This is passport.jpg, honestly."), std::string()}) {
    counter::gui::DecodedPhoto d = counter::gui::DecodePhoto(bad);
    EXPECT_TRUE(d.image.isNull());
    EXPECT_TRUE(d.error.startsWith("cannot show this photo")) << d.error.toStdString();
  }
}

TEST(ActivationLabelTest, PrintsToAPdf) {
  TempDir dir;
  const QString path = QString::fromStdString(dir.File("label.pdf"));
  QPrinter printer(QPrinter::HighResolution);
  printer.setOutputFormat(QPrinter::PdfFormat);
  printer.setOutputFileName(path);
  ASSERT_TRUE(counter::gui::PrintActivationLabel(12, "K7M2-QX9D", "RA123456789RU", &printer));
  EXPECT_GT(QFileInfo(path).size(), 500);
}

}  // namespace
}  // namespace shop::queue::testing
