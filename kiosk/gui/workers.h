// The kiosk's work off the UI thread. Each worker is a QObject moved to its
// own QThread by KioskApp; the model talks to it only through queued
// signals and slots, so no gRPC call and no printer I/O ever runs on the UI
// thread:
//   RpcWorker     the customer's requests (branch and services, a ticket, a
//                 check-in), each answered with one signal;
//   StatusWorker  the health probe (GetBranch with a short deadline, every
//                 second) and the printer reports (ReportDeviceStatus), so a
//                 slow customer request never delays "out of service";
//   PrintWorker   draws the slip, sends the job, asks the printer's state.
//
// Thread-safety: each worker's slots run on its own thread; construct, then
// moveToThread, then only signal it.
#pragma once

#include <chrono>
#include <memory>

#include <QImage>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include "kiosk/gui/kiosk_model.h"
#include "kiosk/gui/meta_types.h"
#include "kiosk/kiosk_client.h"
#include "kiosk/printer/printer.h"


namespace shop::queue::kiosk::gui {

// Registers the proto types above for queued signals (once, any thread).
void RegisterWorkerTypes();

class RpcWorker : public QObject {
  Q_OBJECT
 public:
  explicit RpcWorker(std::shared_ptr<const KioskClient> kiosk) : kiosk_(std::move(kiosk)) {}

 public Q_SLOTS:
  void loadBranch();
  // `attempt` numbers the customer's tap; answers carry it back.
  // `notify_phone`: for one SMS when the turn is near (empty: none); personal
  // data, never logged.
  void takeTicket(int attempt, const QString& prefix, int language, int priority,
                  const QString& notify_phone);
  void checkIn(int attempt, const QString& code, int language);

 Q_SIGNALS:
  void branchLoaded(const shop::queue::v1::Branch& branch,
                    const QList<shop::queue::v1::Service>& services);
  void branchFailed(const QString& customer_text_ru);
  void ticketIssued(int attempt, const shop::queue::v1::CreateTicketResponse& issued);
  void checkedIn(int attempt, const shop::queue::v1::CreateTicketResponse& issued, bool late,
                 const google::protobuf::Timestamp& slot_start);
  // `customer_text`: what the customer reads, in the request's language.
  void requestFailed(int attempt, const QString& customer_text);
  // The server refused the ticket's notify_phone (INVALID_ARGUMENT naming
  // it): no ticket was issued.
  void phoneRefused(int attempt);

 private:
  std::shared_ptr<const KioskClient> kiosk_;
};

class StatusWorker : public QObject {
  Q_OBJECT
 public:
  // `probe`: a client whose calls have a short deadline and no retry.
  // `failures_to_down`: consecutive failed probes before reachable(false)
  // (one lost probe is not an outage).
  StatusWorker(std::shared_ptr<const KioskClient> probe, std::chrono::milliseconds interval,
               int failures_to_down = 2)
      : probe_(std::move(probe)), interval_(interval), failures_to_down_(failures_to_down) {}

 public Q_SLOTS:
  // Starts probing (call on the worker's thread, e.g. from QThread::started).
  void start();
  void stop();
  void reportPrinter(int state, const QString& detail);

 Q_SIGNALS:
  // The server answered a probe (up), or the last `failures_to_down`
  // probes in a row failed (down); sent on every probe.
  void reachable(bool up);
  // The server stored the report (ok) or not (the status code's name).
  void printerReported(bool ok, const QString& code);

 private:
  void probe();

  std::shared_ptr<const KioskClient> probe_;
  std::chrono::milliseconds interval_;
  int failures_to_down_;
  int failures_ = 0;
  bool up_ = true;
  QTimer* timer_ = nullptr;  // owned by this (parented), lives on the worker thread
};

class PrintWorker : public QObject {
  Q_OBJECT
 public:
  explicit PrintWorker(printer::PrinterTarget target) : printer_(std::move(target)) {}

 public Q_SLOTS:
  // Draws the slip (`qr`: the status link, may be empty), sends it.
  void print(int attempt, const shop::queue::kiosk::SlipParts& parts, const QString& qr,
             int width_dots);
  void check();

 Q_SIGNALS:
  void printed(int attempt, int state, const QString& detail);
  void checked(int state, const QString& detail);

 private:
  printer::Printer printer_;
};

}  // namespace shop::queue::kiosk::gui
