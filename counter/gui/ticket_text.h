// Words and times of the desktop counter: times in the branch's zone (never
// the PC's), ticket and service names, device faults. Pure functions over
// the proto messages; no widgets.
//
// Thread-safety: pure; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include <QString>

#include <grpcpp/support/status.h>

#include "google/protobuf/timestamp.pb.h"
#include "shop/queue/v1/case_service.pb.h"
#include "shop/queue/v1/counter_service.pb.h"
#include "shop/queue/v1/kiosk_service.pb.h"

namespace shop::queue::counter::gui {

// `t` formatted by absl::FormatTime's `format` in the IANA zone `zone` (""
// or unknown: UTC, marked " UTC"); "" for an unset time.
QString FormatIn(const google::protobuf::Timestamp& t, const std::string& zone,
                 const char* format);
// "14:05" of `t` in the IANA zone `zone` ("" or unknown: UTC, marked
// " UTC"); "" for an unset time.
QString LocalTime(const google::protobuf::Timestamp& t, const std::string& zone);
// "2026-12-02 14:05" likewise.
QString LocalDateTime(const google::protobuf::Timestamp& t, const std::string& zone);
// Minutes from `t` to `now` as "12 min" (0 for the future), "" when unset.
QString MinutesSince(const google::protobuf::Timestamp& t,
                     const google::protobuf::Timestamp& now);
google::protobuf::Timestamp Now();

// "SIM replacement (R)" from the services known, else the prefix alone.
QString ServiceName(const std::string& prefix, const std::vector<v1::Service>& services);
QString TicketStateName(v1::TicketState state);
QString PriorityName(v1::PriorityClass priority);
QString CaseStateName(v1::CaseState state);

// The server's refusal for the clerk: its message, with the code's name
// for codes that are not plain refusals (UNAVAILABLE, ...).
QString RefusalText(const grpc::Status& status);

}  // namespace shop::queue::counter::gui
