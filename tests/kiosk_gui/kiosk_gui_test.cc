// kiosk-gui against a real queue server on loopback, driven by taps on its
// Qt Quick screens (QTest mouse clicks on the QML items): one tap, one
// ticket (double taps and retries too); check-in by code with the server's
// answers in words; the result screen and the printed slip (file: and a
// fake network printer without paper); server down and back; idle return;
// screenshots of every screen in ru, en and zh (written to the build
// directory, checked for content and, in Chinese, for real glyphs); the
// "text me when my turn is near" opt-in (a number typed on the keypad, sent
// with the next ticket, kept in the server for the SMS, forgotten by the
// kiosk after the ticket and at home).
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QQuickItem>
#include <QRawFont>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include "kiosk/gui/gui_settings.h"
#include "kiosk/gui/gui_text.h"
#include "kiosk/gui/kiosk_app.h"
#include "kiosk/gui/workers.h"
#include "kiosk/kiosk_client.h"
#include "kiosk/printer/escpos.h"
#include "shop/queue/v1/booking_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "tests/kiosk_gui/fake_printer.h"
#include "tests/kiosk_gui/image_checks.h"
#include "tests/kiosk_gui/tcp_relay.h"
#include "tests/service/test_server.h"

namespace shop::queue::kiosk::gui {
namespace {

constexpr const char* kZone = "Europe/Moscow";

absl::Time Local(int h, int m) { return testing::At(kZone, 2026, 3, 10, h, m); }  // a Tuesday

ServerConfig KioskConfig() {
  ServerConfig c = testing::TestConfig(kZone);  // 09:00-21:00 Mon-Sat
  BranchConfig& b = c.branches[0];
  b.display_name = "Тверская 1 · Tverskaya 1";
  b.services[0].slot_length = absl::Minutes(30);  // R
  b.booking.seats_per_slot = 10;
  b.booking.min_lead = absl::Hours(1);
  b.booking.horizon_days = 14;
  b.booking.checkin_early = absl::Minutes(30);
  b.booking.checkin_late = absl::Minutes(15);
  // SMS sending on, so the opt-in is kept (nothing listens at the gateway;
  // the sender looks once an hour and finds nothing due by then).
  c.notify.enabled = true;
  c.notify.sms.url = "http://127.0.0.1:9/send";
  c.notify.poll_interval = absl::Hours(1);
  return c;
}

using testing::DarkPixels;
using testing::ReadFile;

// Pixels that differ from the most common colour (the background).
int ContentPixels(const QImage& image) {
  const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
  std::map<QRgb, int> counts;
  for (int y = 0; y < rgb.height(); y += 2)
    for (int x = 0; x < rgb.width(); x += 2) ++counts[rgb.pixel(x, y)];
  int most = 0;
  for (const auto& entry : counts) most = std::max(most, entry.second);
  return (rgb.width() / 2) * (rgb.height() / 2) - most;
}

// Claims only the write that created a ticket (not the kiosk's device
// status reports, which write too): the branch has an unfinished ticket
// after it. For the first ticket of a test.
bool TicketWrite(ReadTx& tx) {
  auto tickets = tx.tickets().ListUnfinished("test");
  return tickets.ok() && !tickets->empty();
}

class KioskGuiTest : public ::testing::Test {
 protected:
  KioskGuiTest() : KioskGuiTest(KioskConfig()) {}
  explicit KioskGuiTest(ServerConfig config)
      : clock_(std::make_shared<ManualClock>(Local(10, 0))),
        server_(std::move(config), clock_),
        token_(server_.Token(Role::kKiosk)) {}

  GuiSettings Settings(const std::string& printer) {
    GuiSettings s;
    s.conn.server = server_.address();
    s.conn.branch = "test";
    s.conn.token = token_;
    s.printer = printer;
    s.status_url = "https://queue.example.shop/t";
    s.fullscreen = false;
    return s;
  }

  void Start(GuiSettings settings, AppTiming timing = {}) {
    app_ = std::make_unique<KioskApp>(settings, timing);
    app_->Show(false);
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&app_->view()));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !model().services().isEmpty(); }, 10000))
        << "the services never came";
  }
  void Start(const std::string& printer = "") { Start(Settings(printer)); }

  KioskModel& model() { return app_->model(); }

  static QQuickItem* FindIn(QQuickItem* item, const QString& name) {
    if (item->objectName() == name && item->isVisible()) return item;
    for (QQuickItem* child : item->childItems())
      if (QQuickItem* found = FindIn(child, name)) return found;
    return nullptr;
  }
  QQuickItem* Find(const QString& name) { return FindIn(app_->view().rootObject(), name); }

  // Lets the scene lay out what changed (positioners place their items when
  // polished, just before a frame): waits for the next frame.
  void Settle() {
    QSignalSpy swapped(&app_->view(), &QQuickWindow::frameSwapped);
    app_->view().update();
    swapped.wait(1000);
  }

  // A finger on the item's centre, `times` times in a row at the same spot
  // (whatever the screen shows by the second tap).
  void Tap(const QString& name, int times = 1) {
    Settle();
    QQuickItem* item = Find(name);
    ASSERT_NE(item, nullptr) << name.toStdString() << " is not on screen";
    const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    for (int i = 0; i < times; ++i)
      QTest::mouseClick(&app_->view(), Qt::LeftButton, Qt::NoModifier, centre.toPoint());
  }

  // From the start screen: a language, then a service; waits for the result.
  void TakeTicket(const char* lang, const char* prefix) {
    Tap(QString("lang_") + lang);
    ASSERT_TRUE(WaitScreen("services"));
    Tap(QString("service_") + prefix);
    ASSERT_TRUE(WaitScreen("result"));
  }

  bool WaitScreen(const QString& screen, int ms = 10000) {
    return QTest::qWaitFor([&] { return model().screen() == screen; }, ms);
  }

  QString Text(const QString& name) {
    QQuickItem* item = Find(name);
    return item ? item->property("text").toString() : QString();
  }

  // Waiting tickets of service `prefix`, as the server counts them.
  int Waiting(const std::string& prefix) {
    KioskClient kiosk(server_.Channel(), "test");
    std::vector<v1::Service> services;
    EXPECT_TRUE(kiosk.ListServices(&services).ok());
    for (const v1::Service& s : services)
      if (s.prefix() == prefix) return s.waiting_count();
    return -1;
  }

  std::string Book(absl::Time slot, const std::string& phone) {
    auto booking = v1::BookingService::NewStub(server_.AnonymousChannel());
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::CreateBookingRequest req;
    req.set_branch_id("test");
    req.set_service_prefix("R");
    req.mutable_start_time()->set_seconds(absl::ToUnixSeconds(slot));
    req.set_name("Anna Petrova");
    req.set_phone(phone);
    req.set_request_id("book-" + phone);
    req.set_language(v1::LANGUAGE_EN);
    v1::CreateBookingResponse resp;
    const grpc::Status status = booking->CreateBooking(&ctx, req, &resp);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return resp.booking().code();
  }

  void TypeCode(const std::string& code) {
    for (char c : code) {
      if (c == '-') continue;
      Tap(QString("key_") + QChar(c).toUpper());
    }
  }

  std::string ScreenshotPath(const std::string& name) {
    std::filesystem::create_directories(KIOSK_SCREENSHOT_DIR);
    return std::string(KIOSK_SCREENSHOT_DIR) + "/kiosk-" + name + ".png";
  }

  // Saves the screen and checks it is not blank; returns the image.
  QImage Shot(const std::string& name) {
    const QImage image = app_->Grab();
    EXPECT_FALSE(image.isNull());
    EXPECT_TRUE(image.save(QString::fromStdString(ScreenshotPath(name))));
    EXPECT_GT(ContentPixels(image), image.width() * image.height() / 4 / 50)
        << name << " looks blank";
    return image;
  }

  // Types a number on the phone screen's keypad, one tap per digit.
  void TypePhone(const std::string& digits) {
    for (char c : digits) Tap(QString("digit_") + QChar(c));
  }

  // Takes `n` tickets of `prefix` as another kiosk would (they wait ahead).
  void TakeOthers(const std::string& prefix, int n) {
    KioskClient kiosk(server_.Channel(), "test");
    for (int i = 0; i < n; ++i) {
      v1::CreateTicketResponse issued;
      ASSERT_TRUE(kiosk.TakeTicket(prefix, v1::LANGUAGE_RU, v1::PRIORITY_CLASS_UNSPECIFIED, &issued)
                      .ok());
    }
  }

  // The numbers the server keeps for "your turn is near" notices of service
  // `prefix` (the ticket_notices rows not yet sent).
  std::vector<NoticeCandidate> PendingNotices(const std::string& prefix) {
    std::vector<NoticeCandidate> out;
    EXPECT_TRUE(server_.store()
                    .Read([&](ReadTx& tx) -> Status {
                      auto pending = tx.tickets().PendingNotices("test", prefix);
                      if (pending.ok()) out = *pending;
                      return pending.status();
                    })
                    .ok());
    return out;
  }

  // The outbox messages of ticket `id` (its SMS).
  std::vector<OutboxMessage> Outbox(int64_t id) {
    std::vector<OutboxMessage> out;
    EXPECT_TRUE(server_.store()
                    .Read([&](ReadTx& tx) -> Status {
                      auto m = tx.outbox().OutboxFor("ticket:" + std::to_string(id));
                      if (m.ok()) out = *m;
                      return m.status();
                    })
                    .ok());
    return out;
  }

  bool Enabled(const QString& name) {
    QQuickItem* item = Find(name);
    return item != nullptr && item->isEnabled();
  }

  std::shared_ptr<ManualClock> clock_;
  testing::TestServer server_;
  std::string token_;
  testing::TempDir dir_;
  std::unique_ptr<KioskApp> app_;
};

TEST_F(KioskGuiTest, ADoubleTapIssuesExactlyOneTicketAndItsSlipPrints) {
  const std::string slip = dir_.File("slip.bin");
  Start("file:" + slip);
  EXPECT_EQ(model().screen(), "start");
  Tap("lang_en");
  ASSERT_TRUE(WaitScreen("services"));
  // A double tap while the first request is still in flight (held in the
  // server until both taps are in).
  server_.pausing().HoldNext(testing::PausingStore::Op::kWrite, TicketWrite);
  Tap("service_R", 2);
  ASSERT_TRUE(server_.pausing().WaitUntilHeld(absl::Seconds(5)));
  EXPECT_TRUE(model().busy());
  server_.pausing().Resume();
  ASSERT_TRUE(WaitScreen("result"));
  EXPECT_EQ(Text("numberText"), "R001");
  EXPECT_EQ(model().position(), 0);
  // Taps that came late are not sent either: nothing more arrives.
  QTest::qWait(500);
  EXPECT_EQ(Waiting("R"), 1);

  const QString take_slip = ScreenTexts(v1::LANGUAGE_EN).value("takeSlip").toString();
  ASSERT_TRUE(QTest::qWaitFor([&] { return Text("slipText") == take_slip; }, 10000))
      << Text("slipText").toStdString();
  EXPECT_FALSE(model().printerFailed());
  const std::optional<printer::DecodedJob> job = printer::DecodeRasterJob(ReadFile(slip));
  ASSERT_TRUE(job.has_value());
  EXPECT_TRUE(job->starts_with_init);
  EXPECT_TRUE(job->ends_with_cut);
  EXPECT_EQ(job->image.width(), 576);
  EXPECT_GT(DarkPixels(job->image, QRect(0, 0, job->image.width(), job->image.height() / 3)), 2000)
      << "the slip's text region is empty";

  // The next tap is the next ticket.
  Tap("homeButton");
  ASSERT_TRUE(WaitScreen("start"));
  ASSERT_NO_FATAL_FAILURE(TakeTicket("ru", "R"));
  EXPECT_EQ(Text("numberText"), "R002");
  EXPECT_EQ(Waiting("R"), 2);
}

TEST_F(KioskGuiTest, ARetryAfterALostAnswerIsStillOneTicket) {
  GuiSettings settings = Settings("");
  settings.conn.deadline_ms = 400;
  Start(settings);
  Tap("lang_en");
  ASSERT_TRUE(WaitScreen("services"));
  // The ticket is committed, but its answer is held past the deadline, so
  // the client sends the request again (with the same request_id).
  server_.pausing().HoldNext(testing::PausingStore::Op::kWrite, TicketWrite);
  Tap("service_R");
  ASSERT_TRUE(server_.pausing().WaitUntilHeld(absl::Seconds(5)));
  QTest::qWait(700);  // the first attempt's deadline passes
  server_.pausing().Resume();
  ASSERT_TRUE(WaitScreen("result"));
  EXPECT_EQ(Text("numberText"), "R001");
  EXPECT_EQ(Waiting("R"), 1);
}

TEST_F(KioskGuiTest, PriorityServiceIsAskedForAndGiven) {
  Start();
  Tap("lang_en");
  ASSERT_TRUE(WaitScreen("services"));
  Tap("priorityButton");
  ASSERT_TRUE(WaitScreen("priority"));
  Tap(QString("priority_%1").arg(static_cast<int>(v1::PRIORITY_CLASS_PREGNANT)));
  ASSERT_TRUE(WaitScreen("services"));
  EXPECT_FALSE(model().priorityText().isEmpty());
  // Taken back, and chosen again.
  Tap("priorityButton");
  ASSERT_TRUE(WaitScreen("priority"));
  Tap("priority_0");
  ASSERT_TRUE(WaitScreen("services"));
  EXPECT_TRUE(model().priorityText().isEmpty());
  Tap("priorityButton");
  ASSERT_TRUE(WaitScreen("priority"));
  Tap(QString("priority_%1").arg(static_cast<int>(v1::PRIORITY_CLASS_PREGNANT)));
  ASSERT_TRUE(WaitScreen("services"));
  Tap("service_N");
  ASSERT_TRUE(WaitScreen("result"));
  EXPECT_EQ(model().issued().ticket().priority_class(), v1::PRIORITY_CLASS_PREGNANT);
  EXPECT_EQ(Text("numberText"), "N001");
}

TEST_F(KioskGuiTest, CheckInByCodeWithTheServersAnswersInWords) {
  const std::string code = Book(Local(11, 30), "+79161234567");
  ASSERT_FALSE(code.empty());
  Start();
  Tap("lang_en");
  ASSERT_TRUE(WaitScreen("services"));
  Tap("checkInButton");
  ASSERT_TRUE(WaitScreen("checkin"));

  // A code that does not exist: said in words, no code numbers.
  TypeCode("ZZZZ-ZZZZ");
  Tap("submitCode");
  ASSERT_TRUE(QTest::qWaitFor([&] { return !model().errorText().isEmpty(); }, 10000));
  EXPECT_EQ(model().screen(), "checkin");
  EXPECT_FALSE(model().errorText().contains("NOT_FOUND"));
  for (int i = 0; i < 8; ++i) Tap("eraseKey");
  EXPECT_TRUE(model().code().isEmpty());

  // Too early (10:00 for 11:30; check-in opens 30 minutes before): from when.
  TypeCode(code);
  EXPECT_EQ(Text("codeText").remove('-'), QString::fromStdString(code).remove('-').toUpper());
  Tap("submitCode");
  ASSERT_TRUE(QTest::qWaitFor([&] { return !model().errorText().isEmpty(); }, 10000));
  EXPECT_TRUE(model().errorText().contains("11:00")) << model().errorText().toStdString();

  // In time: the ticket, with the appointment time.
  clock_->Set(Local(11, 10));
  Tap("submitCode");
  ASSERT_TRUE(WaitScreen("result"));
  EXPECT_EQ(Text("numberText"), "R001");
  EXPECT_TRUE(model().resultNote().contains("11:30")) << model().resultNote().toStdString();
}

TEST_F(KioskGuiTest, APrinterWithoutPaperLeavesTheNumberLargeAndTellsStaff) {
  testing::FakeTcpPrinter device(0x72);  // paper end
  Start(device.spec());
  ASSERT_NO_FATAL_FAILURE(TakeTicket("zh", "R"));
  ASSERT_TRUE(QTest::qWaitFor([&] { return model().printerFailed(); }, 10000));
  EXPECT_EQ(Text("numberText"), "R001");
  EXPECT_EQ(Text("slipText"), ScreenTexts(v1::LANGUAGE_ZH).value("printerOut").toString());
  EXPECT_NE(Find("qrImage"), nullptr);
  EXPECT_EQ(model().printerState(), v1::PRINTER_STATE_OUT_OF_PAPER);
  Shot("result-printer-out-zh");

  // Staff see the fault.
  auto counter = v1::CounterService::NewStub(server_.Channel());
  bool listed = QTest::qWaitFor(
      [&] {
        grpc::ClientContext ctx;
        v1::ListDevicesRequest req;
        req.set_branch_id("test");
        v1::ListDevicesResponse resp;
        if (!counter->ListDevices(&ctx, req, &resp).ok()) return false;
        for (const v1::Device& d : resp.devices())
          if (d.printer_state() == v1::PRINTER_STATE_OUT_OF_PAPER) return true;
        return false;
      },
      10000);
  EXPECT_TRUE(listed) << "ListDevices does not show the kiosk's printer out of paper";

  // The kiosk keeps working without paper.
  Tap("homeButton");
  ASSERT_TRUE(WaitScreen("start"));
  Tap("lang_ru");
  Tap("service_R");
  ASSERT_TRUE(WaitScreen("result"));
  EXPECT_EQ(Text("numberText"), "R002");
}

TEST_F(KioskGuiTest, AMissingPrinterDirectoryIsAPrinterOutOfOrder) {
  Start("file:" + dir_.File("unplugged/slip.bin"));
  ASSERT_NO_FATAL_FAILURE(TakeTicket("ru", "P"));
  ASSERT_TRUE(QTest::qWaitFor([&] { return model().printerFailed(); }, 10000));
  EXPECT_EQ(Text("numberText"), "P001");
  EXPECT_EQ(model().printerState(), v1::PRINTER_STATE_OFFLINE);
  Shot("result-printer-out-ru");
}

TEST_F(KioskGuiTest, ServerDownShowsOutOfServiceWithinThreeSecondsAndComesBack) {
  testing::TcpRelay relay(server_.server().port());
  GuiSettings settings = Settings("");
  settings.conn.server = relay.address();
  Start(settings);
  Tap("lang_en");
  ASSERT_TRUE(WaitScreen("services"));

  relay.Stop();
  QElapsedTimer down;
  down.start();
  ASSERT_TRUE(WaitScreen("out-of-service", 3000)) << "still " << model().screen().toStdString();
  EXPECT_LE(down.elapsed(), 3000);
  // The screen answers while the server is away (never frozen): a frame renders.
  EXPECT_FALSE(app_->Grab().isNull());
  Shot("out-of-service");

  relay.Start();
  ASSERT_TRUE(WaitScreen("start", 20000)) << "no recovery";
  ASSERT_NO_FATAL_FAILURE(TakeTicket("en", "R"));
  EXPECT_EQ(Text("numberText"), "R001");
}

TEST_F(KioskGuiTest, UntouchedItReturnsToTheStartScreen) {
  GuiSettings settings = Settings("");
  settings.idle_seconds = 1;  // 20 by default
  Start(settings);
  Tap("lang_en");
  ASSERT_TRUE(WaitScreen("services"));
  Tap("priorityButton");
  ASSERT_TRUE(WaitScreen("priority"));
  QElapsedTimer idle;
  idle.start();
  ASSERT_TRUE(WaitScreen("start", 10000));  // a 1 s timer, on a loaded machine
  EXPECT_GE(idle.elapsed(), 900);
}

TEST_F(KioskGuiTest, ScreenshotsOfEveryScreenInThreeLanguages) {
  Start("file:" + dir_.File("slip.bin"));
  const QRawFont font = QRawFont::fromFont(QGuiApplication::font());
  ASSERT_TRUE(font.isValid());
  for (const char* lang : {"ru", "en", "zh"}) {
    const std::string l = lang;
    model().home();
    ASSERT_TRUE(WaitScreen("start"));
    Shot("start-" + l);
    Tap(QString("lang_") + lang);
    ASSERT_TRUE(WaitScreen("services"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !model().services().isEmpty(); }, 10000));
    const QImage services = Shot("services-" + l);
    Tap("priorityButton");
    ASSERT_TRUE(WaitScreen("priority"));
    Shot("priority-" + l);
    Tap("priorityBack");
    ASSERT_TRUE(WaitScreen("services"));
    Tap("checkInButton");
    ASSERT_TRUE(WaitScreen("checkin"));
    TypeCode("K7M2Q");
    Shot("checkin-" + l);
    Tap("checkinBack");
    ASSERT_TRUE(WaitScreen("services"));
    Tap("service_R");
    ASSERT_TRUE(WaitScreen("result"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !model().slipText().isEmpty() &&
                                             model().slipText() != model().texts().value("pleaseWait"); },
                                10000));
    Shot("result-" + l);

    if (l == "zh") {
      // Every Chinese word on the screens has a glyph in the font drawn with.
      const QVariantMap texts = model().texts();
      for (auto it = texts.begin(); it != texts.end(); ++it) {
        for (QChar c : it.value().toString()) {
          if (c.script() == QChar::Script_Han) {
            EXPECT_TRUE(font.supportsCharacter(c)) << it.key().toStdString();
          }
        }
      }
      EXPECT_TRUE(model().texts().value("chooseService").toString().contains(QString::fromUtf8("选择")));
    }
  }
  // A closed branch says when it opens.
  clock_->Set(Local(22, 0));
  model().home();
  Tap("lang_en");
  ASSERT_TRUE(QTest::qWaitFor([&] { return !model().branchOpen(); }, 10000));
  QTest::qWait(200);
  Shot("services-closed-en");
}

// --- "text me when my turn is near" -----------------------------------------

TEST_F(KioskGuiTest, AnSmsNumberTypedOnTheKeypadGoesWithTheNextTicketOnly) {
  TakeOthers("R", 4);  // 4 ahead: more than the service's notify_ahead (3)
  Start();
  Tap("lang_en");
  ASSERT_TRUE(WaitScreen("services"));
  EXPECT_EQ(Find("phoneNote"), nullptr);
  Tap("smsButton");
  ASSERT_TRUE(WaitScreen("phone"));
  EXPECT_EQ(Text("phoneText"), "+7 ");
  EXPECT_FALSE(Enabled("phoneSave"));
  EXPECT_EQ(Find("phoneRemove"), nullptr) << "nothing saved to remove yet";

  // The habit of "8 9..": the screen says at once that it cannot be a mobile.
  TypePhone("8");
  EXPECT_EQ(Text("phoneText"), "+7 8");
  EXPECT_EQ(Text("phoneHint"), ScreenTexts(v1::LANGUAGE_EN).value("phoneNotMobile").toString());
  Tap("phoneErase");
  EXPECT_EQ(Find("phoneHint"), nullptr);

  // Nine digits: not yet; the tenth: Save; an eleventh is not taken.
  TypePhone("912345678");
  EXPECT_EQ(Text("phoneText"), "+7 912 345-67-8");
  EXPECT_FALSE(Enabled("phoneSave"));
  Tap("phoneSave");  // disabled: nothing happens
  EXPECT_EQ(model().screen(), "phone");
  TypePhone("9");
  EXPECT_EQ(Text("phoneText"), "+7 912 345-67-89");
  EXPECT_TRUE(Enabled("phoneSave"));
  TypePhone("1");
  EXPECT_EQ(Text("phoneText"), "+7 912 345-67-89");
  Tap("phoneSave");
  ASSERT_TRUE(WaitScreen("services"));
  // The top bar shows it masked; the button now changes or removes it.
  Settle();
  EXPECT_TRUE(model().phoneSaved());
  EXPECT_TRUE(Text("phoneNote").endsWith("SMS: +7 *** ***-67-89")) << Text("phoneNote").toStdString();
  EXPECT_FALSE(Text("phoneNote").contains("345")) << "the number is masked";

  Tap("service_R");
  ASSERT_TRUE(WaitScreen("result"));
  const int64_t mine = model().issued().ticket().ticket_id();
  EXPECT_EQ(Text("numberText"), "R005");
  EXPECT_EQ(model().position(), 4);
  EXPECT_EQ(model().resultNote(), "We will text +7 *** ***-67-89 when your turn is near");
  // Issued: the kiosk keeps nothing of it.
  EXPECT_FALSE(model().phoneSaved());
  EXPECT_TRUE(model().phoneNote().isEmpty());

  // The server keeps it for the notice of this ticket...
  const std::vector<NoticeCandidate> pending = PendingNotices("R");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].ticket.id, mine);
  EXPECT_EQ(pending[0].phone, "+79123456789");
  EXPECT_EQ(pending[0].language, shop::queue::Language::kEn);
  // ...and one call later (3 ahead) the SMS is in the outbox.
  auto counter = v1::CounterService::NewStub(server_.Channel());
  ASSERT_TRUE(testing::OpenCounter(*counter, "1").ok());
  ASSERT_TRUE(testing::CallNext(*counter, "1", "call-1").ok());
  const std::vector<OutboxMessage> sms = Outbox(mine);
  ASSERT_EQ(sms.size(), 1u);
  EXPECT_EQ(sms[0].recipient, "+79123456789");
  EXPECT_EQ(sms[0].channel, "sms");

  // The next customer starts without a number: a ticket with no SMS.
  Tap("homeButton");
  ASSERT_TRUE(WaitScreen("start"));
  Tap("lang_ru");
  ASSERT_TRUE(WaitScreen("services"));
  EXPECT_EQ(Find("phoneNote"), nullptr);
  Tap("smsButton");
  ASSERT_TRUE(WaitScreen("phone"));
  EXPECT_EQ(Text("phoneText"), "+7 ") << "the last customer's digits are gone";
  Tap("phoneBack");
  ASSERT_TRUE(WaitScreen("services"));
  Tap("service_R");
  ASSERT_TRUE(WaitScreen("result"));
  EXPECT_TRUE(model().resultNote().isEmpty());
  EXPECT_TRUE(PendingNotices("R").empty());
}

// A server that sends no SMS: the kiosk offers none (and keeps its other
// buttons full width).
class KioskGuiWithoutSmsTest : public KioskGuiTest {
 protected:
  KioskGuiWithoutSmsTest() : KioskGuiTest(WithoutSms()) {}
  static ServerConfig WithoutSms() {
    ServerConfig c = KioskConfig();
    c.notify = NotifyConfig{};
    return c;
  }
};

TEST_F(KioskGuiWithoutSmsTest, TheKioskOffersNoSmsWhenTheServerSendsNone) {
  Start();
  Tap("lang_en");
  ASSERT_TRUE(WaitScreen("services"));
  Settle();
  EXPECT_FALSE(model().smsAvailable());
  EXPECT_EQ(Find("smsButton"), nullptr);
  ASSERT_NE(Find("checkInButton"), nullptr);
  ASSERT_NE(Find("backButton"), nullptr);
  // The two remaining tiles share the row up to the back button.
  EXPECT_GT(Find("checkInButton")->width(), Find("backButton")->width() * 2);
}

TEST_F(KioskGuiTest, TheKioskOffersTheSmsWhenTheServerSendsIt) {
  Start();
  Tap("lang_en");
  ASSERT_TRUE(WaitScreen("services"));
  Settle();
  EXPECT_TRUE(model().smsAvailable());
  EXPECT_NE(Find("smsButton"), nullptr);
}

TEST_F(KioskGuiTest, ASavedSmsNumberIsRemovedOrForgottenAtHomeAndWhenLeftAlone) {
  GuiSettings settings = Settings("");
  settings.idle_seconds = 3;
  Start(settings);
  auto save = [&](const std::string& digits) {
    Tap("smsButton");
    ASSERT_TRUE(WaitScreen("phone"));
    TypePhone(digits);
    Tap("phoneSave");
    ASSERT_TRUE(WaitScreen("services"));
    ASSERT_TRUE(model().phoneSaved());
  };
  Tap("lang_zh");
  ASSERT_TRUE(WaitScreen("services"));
  ASSERT_NO_FATAL_FAILURE(save("9161234567"));

  // Opened again: empty, the saved number masked, to replace or remove.
  Tap("smsButton");
  ASSERT_TRUE(WaitScreen("phone"));
  EXPECT_EQ(Text("phoneText"), "+7 ");
  EXPECT_TRUE(Text("phoneSavedText").contains("+7 *** ***-45-67"))
      << Text("phoneSavedText").toStdString();
  TypePhone("9031112233");
  Tap("phoneSave");
  ASSERT_TRUE(WaitScreen("services"));
  Settle();
  EXPECT_TRUE(Text("phoneNote").endsWith("+7 *** ***-22-33")) << Text("phoneNote").toStdString();
  Tap("smsButton");
  ASSERT_TRUE(WaitScreen("phone"));
  Tap("phoneRemove");
  ASSERT_TRUE(WaitScreen("services"));
  EXPECT_FALSE(model().phoneSaved());
  Settle();
  EXPECT_EQ(Find("phoneNote"), nullptr);

  // home(): forgotten.
  ASSERT_NO_FATAL_FAILURE(save("9161234567"));
  model().home();
  EXPECT_FALSE(model().phoneSaved());

  // "Back" to the start screen: forgotten.
  Tap("lang_ru");
  ASSERT_TRUE(WaitScreen("services"));
  ASSERT_NO_FATAL_FAILURE(save("9161234567"));
  Tap("backButton");
  ASSERT_TRUE(WaitScreen("start"));
  EXPECT_FALSE(model().phoneSaved());

  // Left alone on the phone screen: the idle timer takes it home, forgotten.
  Tap("lang_ru");
  ASSERT_TRUE(WaitScreen("services"));
  ASSERT_NO_FATAL_FAILURE(save("9161234567"));
  Tap("smsButton");
  ASSERT_TRUE(WaitScreen("phone"));
  ASSERT_TRUE(WaitScreen("start", 10000));
  EXPECT_FALSE(model().phoneSaved());
  EXPECT_EQ(model().phoneText(), "+7 ");
}

// A number the server refuses (here a landline put in the request in place
// of the customer's, as an older or stricter server would refuse one): the
// refusal in words on the services screen, no ticket.
TEST_F(KioskGuiTest, ARefusedSmsNumberIsSaidInWordsAndNoTicketIsShown) {
  Start();
  // The model's ticket requests go to a worker of this test that swaps in
  // the landline.
  auto kiosk = std::make_shared<const KioskClient>(server_.ChannelWith(token_), "test");
  struct Thread : QThread {
    ~Thread() override {
      quit();
      wait();
    }
  } thread;
  auto* worker = new RpcWorker(kiosk);
  worker->moveToThread(&thread);
  QObject::connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
  ASSERT_TRUE(QObject::disconnect(&model(), &KioskModel::requestTicket, nullptr, nullptr));
  QObject::connect(&model(), &KioskModel::requestTicket, worker,
                   [worker](int attempt, const QString& prefix, int language, int priority,
                            const QString& phone) {
                     worker->takeTicket(attempt, prefix, language, priority,
                                        phone.isEmpty() ? phone : "+7 495 123-45-67");
                   });
  QObject::connect(worker, &RpcWorker::phoneRefused, &model(), &KioskModel::onPhoneRefused);
  QObject::connect(worker, &RpcWorker::requestFailed, &model(), &KioskModel::onRequestFailed);
  QObject::connect(worker, &RpcWorker::ticketIssued, &model(), &KioskModel::onTicketIssued);
  thread.start();

  Tap("lang_ru");
  ASSERT_TRUE(WaitScreen("services"));
  Tap("smsButton");
  ASSERT_TRUE(WaitScreen("phone"));
  TypePhone("9123456789");
  Tap("phoneSave");
  ASSERT_TRUE(WaitScreen("services"));
  Tap("service_R");
  ASSERT_TRUE(QTest::qWaitFor([&] { return !model().errorText().isEmpty(); }, 10000));
  EXPECT_EQ(model().screen(), "services");
  EXPECT_FALSE(model().busy());
  EXPECT_EQ(model().errorText(), ScreenTexts(v1::LANGUAGE_RU).value("phoneRefused").toString());
  EXPECT_FALSE(model().errorText().contains("notify_phone"));
  EXPECT_EQ(model().issued().ticket().ticket_id(), 0) << "no ticket shown";
  EXPECT_EQ(Waiting("R"), 0) << "no ticket issued";
  EXPECT_FALSE(model().phoneSaved());
  Shot("services-sms-refused-ru");

  // Without a number, the next tap is a ticket.
  Tap("service_R");
  ASSERT_TRUE(WaitScreen("result"));
  EXPECT_EQ(Text("numberText"), "R001");
}

TEST_F(KioskGuiTest, ScreenshotsOfTheSmsOptInInThreeLanguages) {
  TakeOthers("R", 4);
  Start("file:" + dir_.File("slip.bin"));  // the slip's line shows under the note
  const QRawFont font = QRawFont::fromFont(QGuiApplication::font());
  for (const char* lang : {"ru", "en", "zh"}) {
    const std::string l = lang;
    model().home();
    ASSERT_TRUE(WaitScreen("start"));
    Tap(QString("lang_") + lang);
    ASSERT_TRUE(WaitScreen("services"));
    Tap("smsButton");
    ASSERT_TRUE(WaitScreen("phone"));
    TypePhone("4");
    Shot("phone-not-mobile-" + l);
    Tap("phoneErase");
    TypePhone("912345");
    Shot("phone-" + l);
    TypePhone("6789");
    Tap("phoneSave");
    ASSERT_TRUE(WaitScreen("services"));
    Shot("services-sms-" + l);
    Tap("smsButton");
    ASSERT_TRUE(WaitScreen("phone"));
    Shot("phone-saved-" + l);
    Tap("phoneBack");
    ASSERT_TRUE(WaitScreen("services"));
    Tap("service_R");
    ASSERT_TRUE(WaitScreen("result"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !model().slipText().isEmpty() &&
                                             model().slipText() != model().texts().value("pleaseWait"); },
                                10000));
    // The note stays clear of the slip's line below it.
    Settle();
    QQuickItem* note = Find("resultNote");
    QQuickItem* slip = Find("slipText");
    ASSERT_NE(note, nullptr);
    ASSERT_NE(slip, nullptr);
    EXPECT_LT(note->mapToScene(QPointF(0, note->height())).y(),
              slip->parentItem()->mapToScene(QPointF(0, 0)).y())
        << l << ": the SMS note runs into the slip's line";
    Shot("result-sms-" + l);
  }
  // Every Chinese word of the opt-in has a glyph.
  const QVariantMap zh = ScreenTexts(v1::LANGUAGE_ZH);
  for (const char* key : {"smsButton", "smsButtonSaved", "phoneTitle", "phoneExplain",
                          "phoneNotMobile", "phoneSave", "phoneRemove", "smsNote", "smsWillCome",
                          "smsNotNeeded", "phoneRefused"}) {
    ASSERT_TRUE(zh.contains(key)) << key;
    for (QChar c : zh.value(key).toString()) {
      if (c.script() == QChar::Script_Han) {
        EXPECT_TRUE(font.supportsCharacter(c)) << key;
      }
    }
  }
}

// The model alone (no server, no window): answers and probes in any order.
class KioskModelTest : public ::testing::Test {
 protected:
  KioskModelTest() : model_(Options()) {
    QObject::connect(&model_, &KioskModel::requestTicket, &model_,
                     [this](int attempt, const QString&, int, int, const QString& phone) {
                       attempt_ = attempt;
                       sent_phone_ = phone;
                     });
  }
  static ModelOptions Options() {
    ModelOptions o;
    o.branch_id = "test";
    o.has_printer = false;
    return o;
  }
  static v1::CreateTicketResponse Ticket(const std::string& number) {
    v1::CreateTicketResponse r;
    r.mutable_ticket()->set_ticket_id(7);
    r.mutable_ticket()->set_display_number(number);
    return r;
  }
  // On the services screen with a tap's request in flight.
  void TapService() {
    model_.chooseLanguage("en");
    ASSERT_EQ(model_.screen(), "services");
    model_.takeTicket("R");
    ASSERT_TRUE(model_.busy());
    ASSERT_GT(attempt_, 0);
  }
  KioskModel model_;
  int attempt_ = 0;
  QString sent_phone_;
};

TEST_F(KioskModelTest, ATicketAnsweredWhileOutOfServiceIsShownWhenTheServerIsBack) {
  ASSERT_NO_FATAL_FAILURE(TapService());
  model_.onReachable(false);
  EXPECT_EQ(model_.screen(), "out-of-service");
  // Still awaited: a tap cannot ask for a second ticket.
  EXPECT_TRUE(model_.busy());
  model_.onTicketIssued(attempt_, Ticket("R001"));
  EXPECT_EQ(model_.screen(), "out-of-service");
  model_.onReachable(true);
  EXPECT_EQ(model_.screen(), "result");
  EXPECT_EQ(model_.number(), "R001");
  EXPECT_FALSE(model_.busy());
}

TEST_F(KioskModelTest, AProbeFailureDoesNotClearANumberOnScreen) {
  ASSERT_NO_FATAL_FAILURE(TapService());
  model_.onTicketIssued(attempt_, Ticket("R001"));
  ASSERT_EQ(model_.screen(), "result");
  model_.onReachable(false);
  EXPECT_EQ(model_.screen(), "result");
  EXPECT_EQ(model_.number(), "R001");
  // Leaving it while the server is away: out of service.
  model_.home();
  EXPECT_EQ(model_.screen(), "out-of-service");
  model_.onReachable(true);
  EXPECT_EQ(model_.screen(), "start");
}

TEST_F(KioskModelTest, AnAnswerArrivingAfterTheServerIsBackIsStillShown) {
  ASSERT_NO_FATAL_FAILURE(TapService());
  model_.onReachable(false);
  model_.onReachable(true);
  model_.onTicketIssued(attempt_, Ticket("R001"));
  EXPECT_EQ(model_.screen(), "result");
  EXPECT_EQ(model_.number(), "R001");
}

TEST_F(KioskModelTest, TheSmsNumberIsTypedFormattedMaskedAndSentOnce) {
  model_.chooseLanguage("en");
  model_.showPhone();
  ASSERT_EQ(model_.screen(), "phone");
  EXPECT_EQ(model_.phoneText(), "+7 ");
  EXPECT_EQ(model_.phoneRest(), "___ ___-__-__");
  model_.typeDigit("9");
  model_.typeDigit("x");  // not a digit
  model_.typeDigit("12");
  EXPECT_EQ(model_.phoneText(), "+7 912");
  EXPECT_EQ(model_.phoneRest(), " ___-__-__");
  model_.typeDigit("3");
  EXPECT_EQ(model_.phoneText(), "+7 912 3");
  EXPECT_EQ(model_.phoneRest(), "__-__-__");
  model_.savePhone();  // not yet ten digits
  EXPECT_EQ(model_.screen(), "phone");
  model_.typeDigit("456789");
  EXPECT_TRUE(model_.phoneValid());
  EXPECT_TRUE(model_.phoneRest().isEmpty());
  model_.savePhone();
  EXPECT_EQ(model_.screen(), "services");
  EXPECT_EQ(model_.phoneNote(), "SMS: +7 *** ***-67-89");

  model_.takeTicket("R");
  EXPECT_EQ(sent_phone_, "+79123456789");
  v1::CreateTicketResponse issued = Ticket("R005");
  issued.mutable_ticket()->set_position(4);
  issued.set_turn_near_sms(true);  // the server kept the number
  model_.onTicketIssued(attempt_, issued);
  EXPECT_EQ(model_.resultNote(), "We will text +7 *** ***-67-89 when your turn is near");
  EXPECT_FALSE(model_.phoneSaved());

  // The next ticket carries none.
  model_.home();
  model_.chooseLanguage("en");
  model_.takeTicket("R");
  EXPECT_TRUE(sent_phone_.isEmpty());
  model_.onTicketIssued(attempt_, Ticket("R006"));
  EXPECT_TRUE(model_.resultNote().isEmpty());
}

// The server keeps no number for a ticket near already (1 ahead, with
// notify_ahead 3): the result says so instead of promising an SMS.
TEST_F(KioskModelTest, ATicketNearAlreadySaysNoSmsIsNeeded) {
  model_.chooseLanguage("ru");
  model_.showPhone();
  model_.typeDigit("9001112233");
  model_.savePhone();
  model_.takeTicket("R");
  v1::CreateTicketResponse issued = Ticket("R002");
  issued.mutable_ticket()->set_position(1);  // turn_near_sms unset
  model_.onTicketIssued(attempt_, issued);
  EXPECT_EQ(model_.resultNote(), ScreenTexts(v1::LANGUAGE_RU).value("smsNotNeeded").toString());
}

TEST_F(KioskModelTest, ANumberNotStartingWithNineIsExplainedAndCannotBeSaved) {
  model_.chooseLanguage("zh");
  model_.showPhone();
  model_.typeDigit("8916123456");
  EXPECT_FALSE(model_.phoneValid());
  EXPECT_EQ(model_.phoneHint(), ScreenTexts(v1::LANGUAGE_ZH).value("phoneNotMobile").toString());
  model_.savePhone();
  EXPECT_EQ(model_.screen(), "phone");
  EXPECT_FALSE(model_.phoneSaved());
  model_.back();
  EXPECT_EQ(model_.screen(), "services");
  EXPECT_FALSE(model_.phoneSaved());
}

TEST_F(KioskModelTest, ARefusedNumberIsDroppedWithWordsAndNoTicket) {
  model_.chooseLanguage("en");
  model_.showPhone();
  model_.typeDigit("9123456789");
  model_.savePhone();
  model_.takeTicket("R");
  ASSERT_TRUE(model_.busy());
  model_.onPhoneRefused(attempt_ + 1);  // another tap's answer: ignored
  EXPECT_TRUE(model_.busy());
  model_.onPhoneRefused(attempt_);
  EXPECT_FALSE(model_.busy());
  EXPECT_EQ(model_.screen(), "services");
  EXPECT_EQ(model_.errorText(), ScreenTexts(v1::LANGUAGE_EN).value("phoneRefused").toString());
  EXPECT_FALSE(model_.phoneSaved());
  EXPECT_EQ(model_.issued().ticket().ticket_id(), 0);
}

// One lost probe is not an outage: "down" only after two failures in a row.
TEST(StatusWorkerTest, OneFailedProbeIsNotOutOfService) {
  // A port bound but not listening: every connection is refused.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string target = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  client::CallOptions options;
  options.deadline = std::chrono::milliseconds(500);
  options.max_attempts = 1;
  auto probe = std::make_shared<const KioskClient>(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()), "test", options);
  StatusWorker worker(probe, std::chrono::milliseconds(100), 2);
  QSignalSpy reachable(&worker, &StatusWorker::reachable);
  worker.start();  // probes at once, then every 100 ms on this thread
  ASSERT_TRUE(QTest::qWaitFor([&] { return reachable.count() >= 2; }, 10000));
  worker.stop();
  EXPECT_TRUE(reachable.at(0).at(0).toBool()) << "down after a single failed probe";
  EXPECT_FALSE(reachable.at(1).at(0).toBool()) << "not down after two failed probes";
  ::close(fd);
}

// A server that accepts connections and never answers: every call waits
// for its whole deadline, and is retried.
TEST(KioskAppTest, ExitDoesNotWaitForCallsInFlight) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 16), 0);  // connections complete in the backlog, unanswered
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  GuiSettings settings;
  settings.conn.server = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  settings.conn.branch = "test";
  settings.conn.token = "unused";
  settings.fullscreen = false;
  auto app = std::make_unique<KioskApp>(settings);
  app->Show(false);
  app->model().chooseLanguage("en");  // asks for the services: 4 attempts x 3 s
  QTest::qWait(500);
  QElapsedTimer exit;
  exit.start();
  app.reset();
  // Without cancelling: the rest of a 3 s attempt, and 3 more (~12 s).
  EXPECT_LT(exit.elapsed(), 5000) << "exit waited for the calls in flight";
  ::close(fd);
}

TEST(GuiSettingsTest, TheConfigFileSetsAndFlagsOverride) {
  testing::TempDir dir;
  const std::string path = dir.File("kiosk.toml");
  std::ofstream(path) << "server = \"10.0.0.5:50051\"\nbranch = \"tverskaya\"\n"
                         "printer = \"tcp://10.0.0.9:9100\"\npaper-mm = 58\nwindowed = true\n"
                         "status-url = \"https://q.example/t\"\n";
  std::vector<std::string> args = {"kiosk-gui", "--config", path, "--branch", "arbat"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  GuiSettings settings;
  EXPECT_FALSE(ParseGuiSettings(static_cast<int>(argv.size()), argv.data(), &settings).has_value());
  EXPECT_EQ(settings.conn.server, "10.0.0.5:50051");
  EXPECT_EQ(settings.conn.branch, "arbat");  // the flag wins
  EXPECT_EQ(settings.printer, "tcp://10.0.0.9:9100");
  EXPECT_EQ(settings.paper_mm, 58);
  EXPECT_FALSE(settings.fullscreen);
  EXPECT_EQ(settings.status_url, "https://q.example/t");

  // Either name of the pair, true or false, in the file.
  for (const auto& [line, fullscreen] :
       std::vector<std::pair<std::string, bool>>{{"fullscreen = false\n", false},
                                                 {"fullscreen = true\n", true},
                                                 {"windowed = false\n", true},
                                                 {"windowed = true\n", false}}) {
    std::ofstream(path) << line;
    std::vector<std::string> file_args = {"kiosk-gui", "--config", path};
    std::vector<char*> file_argv;
    for (std::string& a : file_args) file_argv.push_back(a.data());
    GuiSettings from_file;
    EXPECT_FALSE(ParseGuiSettings(static_cast<int>(file_argv.size()), file_argv.data(), &from_file)
                     .has_value());
    EXPECT_EQ(from_file.fullscreen, fullscreen) << line;
  }

  std::ofstream(path) << "no-such-setting = \"x\"\n";
  GuiSettings bad;
  EXPECT_EQ(ParseGuiSettings(static_cast<int>(argv.size()), argv.data(), &bad), 2);
}

}  // namespace
}  // namespace shop::queue::kiosk::gui
