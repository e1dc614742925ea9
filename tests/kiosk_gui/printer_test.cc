// The printed slip: drawn with Qt in any script, encoded as ESC/POS (init,
// raster bands, cut) and decoded back; the printer targets (file:, tcp://,
// cups:) and the paper status (DLE EOT 4) against a fake network printer.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <QFontMetrics>
#include <QPainter>
#include <QRawFont>

#include "kiosk/printer/escpos.h"
#include "kiosk/printer/printer.h"
#include "kiosk/printer/qr_code.h"
#include "kiosk/printer/slip_image.h"
#include "kiosk/slip.h"
#include "tests/kiosk_gui/fake_printer.h"
#include "tests/kiosk_gui/image_checks.h"
#include "tests/support/test_config.h"

namespace shop::queue::kiosk::printer {
namespace {

v1::CreateTicketResponse Issued() {
  v1::CreateTicketResponse issued;
  issued.mutable_branch()->set_display_name("Тверская 1");
  issued.mutable_branch()->set_time_zone("Europe/Moscow");
  v1::Service* service = issued.mutable_service();
  service->set_prefix("R");
  service->set_name_ru("Замена SIM-карты");
  service->set_name_en("SIM card replacement");
  service->set_name_zh("补办SIM卡");
  v1::Ticket* ticket = issued.mutable_ticket();
  ticket->set_ticket_id(42);
  ticket->set_display_number("R017");
  ticket->set_business_day("2024-05-01");
  ticket->set_state(v1::TICKET_STATE_WAITING);
  ticket->mutable_issue_time()->set_seconds(1714561500);  // 14:05 in Moscow
  ticket->set_position(3);
  ticket->mutable_estimated_wait()->set_seconds(720);
  return issued;
}

using testing::DarkPixels;
using testing::ReadFile;

TEST(SlipImageTest, EveryLanguageDrawsTextAtThePaperWidth) {
  for (v1::Language language : {v1::LANGUAGE_RU, v1::LANGUAGE_EN, v1::LANGUAGE_ZH}) {
    for (int width : {kDots58mm, kDots80mm}) {
      const QImage slip = DrawSlip(MakeSlipParts(Issued(), language), "https://x.test/t/test/42", width);
      EXPECT_EQ(slip.width(), width);
      EXPECT_GT(slip.height(), 300);
      EXPECT_GT(DarkPixels(slip, slip.rect()), slip.width() * 20) << language;
    }
  }
}

TEST(SlipImageTest, TheCustomerFontHasCyrillicAndChineseGlyphs) {
  const QRawFont raw = QRawFont::fromFont(QFont(kCustomerFontFamily));
  ASSERT_TRUE(raw.isValid());
  for (QChar c : QString::fromUtf8("补办SIM卡请取走您的号票Замена")) {
    EXPECT_TRUE(raw.supportsCharacter(c)) << QString(c).toStdString();
  }
  // Drawn, a Chinese word does not look like a character the font lacks (a box).
  auto draw = [](const QString& text) {
    QImage image(200, 60, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    QFont font(kCustomerFontFamily);
    font.setPixelSize(40);
    p.setFont(font);
    p.drawText(image.rect(), Qt::AlignCenter, text);
    return image;
  };
  EXPECT_NE(draw(QString::fromUtf8("号")), draw(QString(QChar(0xE000))));
  EXPECT_NE(draw(QString::fromUtf8("号")), draw(QString::fromUtf8("票")));
}

TEST(SlipImageTest, LateAndAppointmentLinesAppear) {
  google::protobuf::Timestamp slot;
  slot.set_seconds(1714561500 + 25 * 60);
  const SlipParts late = MakeSlipParts(Issued(), v1::LANGUAGE_EN, &slot, true);
  ASSERT_EQ(late.late_lines.size(), 2u);
  const SlipParts on_time = MakeSlipParts(Issued(), v1::LANGUAGE_EN, &slot, false);
  EXPECT_TRUE(on_time.late_lines.empty());
  bool has_appointment = false;
  for (const std::string& line : on_time.details)
    has_appointment |= line == "Appointment at: 14:30";
  EXPECT_TRUE(has_appointment);
  // The late slip is taller: it has two more lines.
  EXPECT_GT(DrawSlip(late, {}, kDots80mm).height(), DrawSlip(on_time, {}, kDots80mm).height());
}

TEST(EscPosTest, AJobStartsWithInitHoldsRasterBandsAndEndsWithACut) {
  const QImage slip = DrawSlip(MakeSlipParts(Issued(), v1::LANGUAGE_ZH), "https://x.test/t/test/42",
                               kDots80mm);
  const std::string job = EncodeRasterJob(slip);
  ASSERT_GE(job.size(), 10u);
  EXPECT_EQ(job.substr(0, 2), std::string("\x1b@", 2));
  EXPECT_NE(job.find(std::string("\x1dv0\x00", 4)), std::string::npos);

  const std::optional<DecodedJob> decoded = DecodeRasterJob(job);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->starts_with_init);
  EXPECT_TRUE(decoded->ends_with_cut);
  // One feed, the cut's own (GS V 66 n): no ESC d before it to waste paper.
  ASSERT_GE(job.size(), 4u);
  EXPECT_EQ(job.substr(job.size() - 4, 3), std::string("\x1d\x56\x42"));
  EXPECT_GT(static_cast<unsigned char>(job.back()), 0) << "the text must clear the cutter";
  EXPECT_NE(job.substr(job.size() - 7, 2), std::string("\x1b\x64")) << "ESC d before the cut";
  EXPECT_EQ(decoded->bands, (slip.height() + kBandRows - 1) / kBandRows);
  ASSERT_EQ(decoded->image.size(), slip.size());
  // The decoded picture is the slip: same dark pixels, text in its top part.
  const QImage mono = ToMonochrome(slip);
  EXPECT_EQ(decoded->image.convertToFormat(QImage::Format_RGB32),
            mono.convertToFormat(QImage::Format_RGB32));
  EXPECT_GT(DarkPixels(decoded->image, QRect(0, 0, slip.width(), slip.height() / 3)), 2000);
  // What the printer would print, for people to look at.
  std::filesystem::create_directories(KIOSK_SCREENSHOT_DIR);
  EXPECT_TRUE(decoded->image.save(KIOSK_SCREENSHOT_DIR "/kiosk-slip-zh.png"));
}

TEST(EscPosTest, DecodeRefusesGarbageAndTruncation) {
  const std::string job = EncodeRasterJob(QImage(64, 10, QImage::Format_RGB32));
  EXPECT_FALSE(DecodeRasterJob(job.substr(0, job.size() / 2)).has_value());
  EXPECT_FALSE(DecodeRasterJob("hello").has_value());
}

TEST(EscPosTest, PaperStatusBits) {
  EXPECT_EQ(StateFromPaperStatus(0x12), v1::PRINTER_STATE_OK);
  EXPECT_EQ(StateFromPaperStatus(0x1E), v1::PRINTER_STATE_OK);  // near end: still prints
  EXPECT_EQ(StateFromPaperStatus(0x72), v1::PRINTER_STATE_OUT_OF_PAPER);
  EXPECT_EQ(StateFromPaperStatus(0x00), v1::PRINTER_STATE_ERROR);
}

TEST(PrinterTargetTest, ParsesEveryKind) {
  std::string error;
  EXPECT_EQ(ParsePrinterTarget("/dev/usb/lp0", &error)->kind, PrinterTarget::Kind::kDevice);
  auto tcp = ParsePrinterTarget("tcp://10.0.0.9:9100", &error);
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->host, "10.0.0.9");
  EXPECT_EQ(tcp->port, 9100);
  EXPECT_EQ(ParsePrinterTarget("cups:SLIPS", &error)->queue, "SLIPS");
  EXPECT_EQ(ParsePrinterTarget("file:/tmp/x", &error)->path, "/tmp/x");
  EXPECT_EQ(ParsePrinterTarget("", &error)->kind, PrinterTarget::Kind::kNone);
  EXPECT_FALSE(ParsePrinterTarget("tcp://host:notaport", &error));
  EXPECT_FALSE(ParsePrinterTarget("lp0", &error));
  EXPECT_FALSE(error.empty());
}

TEST(PrinterTest, FileTargetGetsTheJobAndAMissingDirectoryIsOffline) {
  testing::TempDir dir;
  Printer ok(*ParsePrinterTarget("file:" + dir.File("slip.bin"), nullptr));
  EXPECT_EQ(ok.Check().state, v1::PRINTER_STATE_OK);
  const std::string job = EncodeRasterJob(DrawSlip(MakeSlipParts(Issued(), v1::LANGUAGE_RU), {}, kDots58mm));
  EXPECT_EQ(ok.Print(job).state, v1::PRINTER_STATE_OK);
  EXPECT_EQ(ReadFile(dir.File("slip.bin")), job);

  Printer missing(*ParsePrinterTarget("file:" + dir.File("no-such-dir/slip.bin"), nullptr));
  const PrinterStatus status = missing.Print(job);
  EXPECT_EQ(status.state, v1::PRINTER_STATE_OFFLINE);
  EXPECT_EQ(status.error, ENOENT) << status.detail;  // the errno, not its words (locale)
  EXPECT_EQ(missing.Check().state, v1::PRINTER_STATE_OFFLINE);
}

TEST(PrinterTest, TcpPrinterWithPaperPrintsAndWithoutPaperSaysSo) {
  testing::FakeTcpPrinter device(0x12);
  Printer printer(*ParsePrinterTarget(device.spec(), nullptr), std::chrono::milliseconds(1000));
  const std::string job = EncodeRasterJob(DrawSlip(MakeSlipParts(Issued(), v1::LANGUAGE_EN), {}, kDots80mm));
  EXPECT_EQ(printer.Print(job).state, v1::PRINTER_STATE_OK);
  for (int i = 0; i < 500 && device.received().size() < job.size(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(device.received(), job);
  EXPECT_EQ(device.status_queries(), 1);

  device.set_status(0x72);  // paper end
  EXPECT_EQ(printer.Print(job).state, v1::PRINTER_STATE_OUT_OF_PAPER);
  EXPECT_EQ(printer.Check().state, v1::PRINTER_STATE_OUT_OF_PAPER);
  EXPECT_EQ(device.received(), job) << "nothing is sent to a printer without paper";
}

TEST(PrinterTest, StatusQueryBytesInsideTheRasterAreTheJobs) {
  testing::FakeTcpPrinter device(0x12);
  Printer printer(*ParsePrinterTarget(device.spec(), nullptr), std::chrono::milliseconds(1000));
  // One band of one row whose pixels happen to read DLE EOT 4.
  const std::string job = std::string("\x1b@\x1dv0\x00\x04\x00\x01\x00\x10\x04\x04\x10", 14) +
                          std::string("\x1dV\x42\x18", 4);
  EXPECT_EQ(printer.Print(job).state, v1::PRINTER_STATE_OK);
  for (int i = 0; i < 500 && device.received().size() < job.size(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(device.received(), job);
  EXPECT_EQ(device.status_queries(), 1);
}

TEST(PrinterTest, RefusedConnectionIsOffline) {
  // A port bound but not listening, held while the test runs: certainly
  // closed (a just-freed port could be taken by another test).
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  Printer printer(*ParsePrinterTarget("tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)),
                                      nullptr));
  const PrinterStatus status = printer.Print("x");
  ::close(fd);
  EXPECT_EQ(status.state, v1::PRINTER_STATE_OFFLINE);
  EXPECT_EQ(status.error, ECONNREFUSED) << status.detail;
}

// PATH set to a directory with a fake `lp` (a shell script) while alive.
class FakeLp {
 public:
  explicit FakeLp(const std::string& script) {
    const std::string lp = dir_.File("lp");
    std::ofstream(lp) << "#!/bin/sh\n" << script << "\n";
    ::chmod(lp.c_str(), 0755);
    saved_ = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", (dir_.path().string() + ":" + saved_).c_str(), 1);
  }
  ~FakeLp() { ::setenv("PATH", saved_.c_str(), 1); }
  std::string File(const std::string& name) { return dir_.File(name); }

 private:
  testing::TempDir dir_;
  std::string saved_;
};

TEST(PrinterTest, CupsHandsTheJobToLpAsARawFile) {
  testing::TempDir out;
  const std::string copy = out.File("job.bin");
  FakeLp lp("for a; do last=$a; done; echo \"$1 $2 $3 $4\" > " + copy + ".args; cp \"$last\" " + copy);
  Printer printer(*ParsePrinterTarget("cups:SLIPS", nullptr));
  const std::string job(200000, '\x55');
  EXPECT_EQ(printer.Print(job).state, v1::PRINTER_STATE_OK);
  EXPECT_EQ(ReadFile(copy), job);
  EXPECT_EQ(ReadFile(copy + ".args"), "-d SLIPS -o raw\n");
}

TEST(PrinterTest, AnLpThatExitsWithoutReadingDoesNotKillTheKiosk) {
  FakeLp lp("exit 1");
  Printer printer(*ParsePrinterTarget("cups:SLIPS", nullptr));
  const PrinterStatus status = printer.Print(std::string(1 << 20, 'x'));  // more than a pipe holds
  EXPECT_EQ(status.state, v1::PRINTER_STATE_ERROR);
}

TEST(PrinterTest, AHungLpIsKilledAfterItsTimeLimit) {
  FakeLp lp("exec sleep 60");
  Printer printer(*ParsePrinterTarget("cups:SLIPS", nullptr), std::chrono::milliseconds(100));
  const auto start = std::chrono::steady_clock::now();
  const PrinterStatus status = printer.Print("x");
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status.state, v1::PRINTER_STATE_ERROR);
  EXPECT_LT(took, std::chrono::seconds(10)) << "waited for lp without a limit";
  EXPECT_LE(status.detail.size(), 200u);
}

TEST(PrinterTest, CupsWithoutLpIsAnError) {
  const std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
  testing::TempDir empty;
  ::setenv("PATH", empty.path().c_str(), 1);
  Printer printer(*ParsePrinterTarget("cups:SLIPS", nullptr));
  const PrinterStatus status = printer.Print("x");
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_EQ(status.state, v1::PRINTER_STATE_ERROR);
  EXPECT_NE(status.detail.find("lp is not installed"), std::string::npos);
}

TEST(QrCodeTest, StatusLinkAndImage) {
  EXPECT_EQ(TicketStatusUrl("https://q.example/", "http://srv/t/abc", "abc"),
            "https://q.example/t/abc");
  EXPECT_EQ(TicketStatusUrl("", "http://srv/t/abc", "abc"), "http://srv/t/abc");
  EXPECT_TRUE(TicketStatusUrl("", "", "abc").isEmpty());
  const QImage qr = QrCodeImage("https://q.example/t/demo/42", 4);
  ASSERT_FALSE(qr.isNull());
  EXPECT_EQ(qr.width(), qr.height());
  const int dark = DarkPixels(qr, qr.rect());
  EXPECT_GT(dark, qr.width() * qr.height() / 5);
  EXPECT_LT(dark, qr.width() * qr.height() * 7 / 10);
}

}  // namespace
}  // namespace shop::queue::kiosk::printer
