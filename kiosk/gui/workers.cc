#include "kiosk/gui/workers.h"

#include <mutex>

#include "common/client/customer_text.h"
#include "common/client/errors.h"
#include "common/client/log.h"
#include "kiosk/printer/escpos.h"
#include "kiosk/printer/slip_image.h"

namespace shop::queue::kiosk::gui {

void RegisterWorkerTypes() {
  static std::once_flag once;
  std::call_once(once, [] {
    qRegisterMetaType<v1::Branch>();
    qRegisterMetaType<v1::Service>();
    qRegisterMetaType<QList<v1::Service>>();
    qRegisterMetaType<v1::CreateTicketResponse>();
    qRegisterMetaType<google::protobuf::Timestamp>();
    qRegisterMetaType<SlipParts>();
  });
}

void RpcWorker::loadBranch() {
  v1::Branch branch;
  grpc::Status status = kiosk_->GetBranch(&branch);
  std::vector<v1::Service> services;
  if (status.ok()) status = kiosk_->ListServices(&services);
  if (!status.ok()) {
    Q_EMIT branchFailed(QString::fromStdString(client::TellCustomer(
        status, client::CustomerAction::kShowServices, v1::LANGUAGE_RU)));
    return;
  }
  Q_EMIT branchLoaded(branch, QList<v1::Service>(services.begin(), services.end()));
}

namespace {

// INVALID_ARGUMENT about the SMS number (by the field violations, or by the
// message, which starts with the field's name).
bool RefusesPhone(const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::INVALID_ARGUMENT) return false;
  const auto violations = client::FieldViolations(status);
  if (violations.empty()) return status.error_message().rfind("notify_phone", 0) == 0;
  for (const auto& [field, description] : violations)
    if (field == "notify_phone") return true;
  return false;
}

}  // namespace

void RpcWorker::takeTicket(int attempt, const QString& prefix, int language, int priority,
                           const QString& notify_phone) {
  v1::CreateTicketResponse issued;
  const grpc::Status status = kiosk_->TakeTicket(
      prefix.toStdString(), static_cast<v1::Language>(language),
      static_cast<v1::PriorityClass>(priority), &issued, notify_phone.toStdString());
  if (!notify_phone.isEmpty() && RefusesPhone(status)) {
    // Logged by code and the server's message (which names the field, not
    // the number).
    client::LogFailure(client::CustomerActionName(client::CustomerAction::kTakeTicket), status);
    Q_EMIT phoneRefused(attempt);
    return;
  }
  if (!status.ok()) {
    Q_EMIT requestFailed(attempt, QString::fromStdString(client::TellCustomer(
                                    status, client::CustomerAction::kTakeTicket,
                                    static_cast<v1::Language>(language))));
    return;
  }
  Q_EMIT ticketIssued(attempt, issued);
}

void RpcWorker::checkIn(int attempt, const QString& code, int language) {
  CheckIn result;
  const grpc::Status status = kiosk_->CheckInBooking(code.toStdString(), &result);
  if (!status.ok()) {
    Q_EMIT requestFailed(attempt, QString::fromStdString(client::TellCustomer(
                                    status, client::CustomerAction::kCheckIn,
                                    static_cast<v1::Language>(language))));
    return;
  }
  Q_EMIT checkedIn(attempt, result.issued, result.late, result.slot_start);
}

void StatusWorker::start() {
  if (timer_ == nullptr) {
    timer_ = new QTimer(this);
    timer_->setInterval(static_cast<int>(interval_.count()));
    connect(timer_, &QTimer::timeout, this, &StatusWorker::probe);
  }
  timer_->start();
  probe();
}

void StatusWorker::stop() {
  if (timer_ != nullptr) timer_->stop();
}

void StatusWorker::probe() {
  v1::Branch branch;
  if (probe_->GetBranch(&branch).ok()) {
    failures_ = 0;
    up_ = true;
  } else if (++failures_ >= failures_to_down_) {
    up_ = false;
  }
  Q_EMIT reachable(up_);
}

void StatusWorker::reportPrinter(int state, const QString& detail) {
  v1::Device device;
  const grpc::Status status = probe_->ReportDeviceStatus(static_cast<v1::PrinterState>(state),
                                                         detail.toStdString(), &device);
  Q_EMIT printerReported(status.ok(), QString::fromStdString(
                                        std::string(client::StatusCodeName(status.error_code()))));
}

void PrintWorker::print(int attempt, const SlipParts& parts, const QString& qr, int width_dots) {
  const QImage slip = printer::DrawSlip(parts, qr, width_dots);
  const printer::PrinterStatus status = printer_.Print(printer::EncodeRasterJob(slip));
  Q_EMIT printed(attempt, status.state, QString::fromStdString(status.detail));
}

void PrintWorker::check() {
  const printer::PrinterStatus status = printer_.Check();
  Q_EMIT checked(status.state, QString::fromStdString(status.detail));
}

}  // namespace shop::queue::kiosk::gui
