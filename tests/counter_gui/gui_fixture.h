// What the desktop counter's tests share: a real queue server on loopback
// (the case test branch "test": services with a SIM-replacement service "R",
// the register holding one subscriber, blank cards in stock), staff accounts
// with passwords, a kiosk to take tickets, and helpers to wait for the UI.
// For tests only; not thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QTest>
#include <QWidget>

#include <gtest/gtest.h>

#include "common/client/rpc.h"
#include "counter/gui/backend.h"
#include "server/domain/cases/sim_case.h"
#include "server/domain/store.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/service/test_server.h"
#include "tests/support/test_config.h"

namespace shop::queue::testing {

inline constexpr const char* kGuiPhone = "+79161234567";
inline constexpr const char* kGuiDocument = "4509000111";
inline constexpr int kGuiTopUp = 350;
inline constexpr const char* kGuiRecentCall = "+79031112233";
inline constexpr const char* kGuiPassword = "test-password";  // every account's

// Waits, running the event loop, until `done()` or `timeout`; returns done().
inline bool WaitUntil(const std::function<bool()>& done,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  QElapsedTimer timer;
  timer.start();
  while (!done()) {
    if (timer.elapsed() > timeout.count()) return done();
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QTest::qWait(10);
  }
  return true;
}

// Saves `widget` as build/screenshots/NAME.png and checks that it is not
// blank (one colour): returns the picture.
inline QImage SaveScreenshot(QWidget* widget, const std::string& name) {
  QDir().mkpath(COUNTER_GUI_SCREENSHOT_DIR);
  QImage image = widget->grab().toImage();
  const std::string path = std::string(COUNTER_GUI_SCREENSHOT_DIR) + "/" + name + ".png";
  EXPECT_TRUE(image.save(QString::fromStdString(path), "PNG")) << path;
  int distinct = 0;
  const QRgb first = image.isNull() ? 0 : image.pixel(0, 0);
  for (int y = 0; y < image.height() && distinct == 0; y += 4)
    for (int x = 0; x < image.width(); x += 4)
      if (image.pixel(x, y) != first) {
        distinct = 1;
        break;
      }
  EXPECT_EQ(distinct, 1) << name << " is blank";
  return image;
}

class CounterGuiServer {
 public:
  CounterGuiServer() : server_(CaseTestConfig(), nullptr) {
    Status seeded = server_.store().Write([&](WriteTx& tx) -> Status {
      QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(TestSubscriber(server_.hasher(), kGuiPhone,
                                                             kGuiDocument, kGuiTopUp,
                                                             kGuiRecentCall)));
      for (int i = 100; i < 110; ++i)
        QUEUE_RETURN_IF_ERROR(tx.cases().AddStockCard({TestIccid(i), "test", "megafon"}));
      return Status::Ok();
    });
    if (!seeded.ok()) throw std::runtime_error(seeded.ToString());
    kiosk_ = v1::KioskService::NewStub(server_.ChannelWith(server_.Token(Role::kKiosk)));
  }

  TestServer& server() { return server_; }
  std::string address() const { return server_.address(); }

  // A staff account `login` with `role` (password kGuiPassword), logged in:
  // its session token.
  std::string Staff(Role role, const std::string& login) { return server_.StaffToken(role, login); }

  // A ticket of `service` from the kiosk; its printed number.
  std::string TakeTicket(const std::string& service) {
    v1::CreateTicketRequest req;
    req.set_branch_id("test");
    req.set_service_prefix(service);
    req.set_request_id(client::NewRequestId());
    v1::CreateTicketResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status st = kiosk_->CreateTicket(&ctx, req, &resp);
    if (!st.ok()) throw std::runtime_error(st.error_message());
    return resp.ticket().display_number();
  }

  // The kiosk reports its printer (a device fault when not OK).
  void ReportPrinter(v1::PrinterState state, const std::string& detail = "") {
    v1::ReportDeviceStatusRequest req;
    req.set_branch_id("test");
    req.set_printer_state(state);
    req.set_detail(detail);
    v1::ReportDeviceStatusResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status st = kiosk_->ReportDeviceStatus(&ctx, req, &resp);
    if (!st.ok()) throw std::runtime_error(st.error_message());
  }

  // A Backend for counter `counter_id` with `token` ("" : not logged in).
  std::unique_ptr<counter::gui::Backend> NewBackend(const std::string& counter_id,
                                                    const std::string& token,
                                                    const std::string& session_file = "") {
    client::CallOptions options;
    options.token = token;
    options.deadline = std::chrono::seconds(5);
    options.first_backoff = std::chrono::milliseconds(50);
    return std::make_unique<counter::gui::Backend>(client::MakeChannel(address()), address(),
                                                   "test", counter_id, options, session_file);
  }

 private:
  TestServer server_;
  std::unique_ptr<v1::KioskService::Stub> kiosk_;
};

}  // namespace shop::queue::testing
