#include "counter/gui/ticket_text.h"

#include <chrono>

#include "absl/time/time.h"
#include "common/client/rpc.h"

namespace shop::queue::counter::gui {
QString FormatIn(const google::protobuf::Timestamp& t, const std::string& zone,
                 const char* format) {
  if (t.seconds() == 0 && t.nanos() == 0) return {};
  absl::TimeZone tz = absl::UTCTimeZone();
  const bool known = !zone.empty() && absl::LoadTimeZone(zone, &tz);
  const absl::Time at = absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
  QString text = QString::fromStdString(absl::FormatTime(format, at, tz));
  if (!known) text += QStringLiteral(" UTC");
  return text;
}

QString LocalTime(const google::protobuf::Timestamp& t, const std::string& zone) {
  return FormatIn(t, zone, "%H:%M");
}

QString LocalDateTime(const google::protobuf::Timestamp& t, const std::string& zone) {
  return FormatIn(t, zone, "%Y-%m-%d %H:%M");
}

google::protobuf::Timestamp Now() {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  google::protobuf::Timestamp t;
  t.set_seconds(us / 1000000);
  t.set_nanos(static_cast<int32_t>(us % 1000000) * 1000);
  return t;
}

QString MinutesSince(const google::protobuf::Timestamp& t,
                     const google::protobuf::Timestamp& now) {
  if (t.seconds() == 0) return {};
  const int64_t minutes = std::max<int64_t>(0, (now.seconds() - t.seconds()) / 60);
  return QStringLiteral("%1 min").arg(minutes);
}

QString ServiceName(const std::string& prefix, const std::vector<v1::Service>& services) {
  for (const v1::Service& s : services)
    if (s.prefix() == prefix)
      return QStringLiteral("%1 (%2)").arg(QString::fromStdString(s.name_en()),
                                           QString::fromStdString(prefix));
  return QString::fromStdString(prefix);
}

QString TicketStateName(v1::TicketState state) {
  switch (state) {
    case v1::TICKET_STATE_WAITING: return QStringLiteral("waiting");
    case v1::TICKET_STATE_CALLED: return QStringLiteral("called");
    case v1::TICKET_STATE_SERVING: return QStringLiteral("serving");
    case v1::TICKET_STATE_DONE: return QStringLiteral("done");
    case v1::TICKET_STATE_NO_SHOW: return QStringLiteral("no-show");
    case v1::TICKET_STATE_PARKED: return QStringLiteral("parked");
    default: return QStringLiteral("ended");
  }
}

QString PriorityName(v1::PriorityClass priority) {
  switch (priority) {
    case v1::PRIORITY_CLASS_UNSPECIFIED: return {};
    default:
      return QString::fromStdString(v1::PriorityClass_Name(priority))
          .remove(QStringLiteral("PRIORITY_CLASS_"))
          .toLower()
          .replace(QLatin1Char('_'), QLatin1Char(' '));
  }
}

QString CaseStateName(v1::CaseState state) {
  switch (state) {
    case v1::CASE_STATE_AWAITING_FORM: return QStringLiteral("waiting for the form");
    case v1::CASE_STATE_AWAITING_IDENTITY: return QStringLiteral("waiting for the identity check");
    case v1::CASE_STATE_AWAITING_PAYMENT: return QStringLiteral("waiting for payment");
    case v1::CASE_STATE_AWAITING_CARD: return QStringLiteral("waiting for the new card");
    case v1::CASE_STATE_AWAITING_BLOCK: return QStringLiteral("waiting for the old card's block");
    case v1::CASE_STATE_AWAITING_CLOSE: return QStringLiteral("waiting to be closed");
    case v1::CASE_STATE_CLOSED: return QStringLiteral("closed");
    case v1::CASE_STATE_CANCELLED: return QStringLiteral("cancelled");
    default: return QStringLiteral("unknown");
  }
}

QString RefusalText(const grpc::Status& status) {
  const QString message = QString::fromStdString(status.error_message());
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return QStringLiteral("The server cannot be reached (%1). If it took the press before "
                            "the line dropped, the screen shows it once the server is back: "
                            "look before pressing again.")
          .arg(message);
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return QStringLiteral("The server did not answer in time: the action may or may not have "
                            "been applied. The screen is read again from the server.");
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
      return QStringLiteral("Server error: %1").arg(message);
    default:
      return message.isEmpty()
                 ? QString::fromStdString(std::string(client::StatusCodeName(status.error_code())))
                 : message;
  }
}

}  // namespace shop::queue::counter::gui
