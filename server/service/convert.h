// Conversions between domain values and shop.queue.v1 messages. Proto
// messages never serve as the domain model; they are built here at the edge.
// Pure functions; thread-safe.
#pragma once

#include <optional>

#include "server/domain/queue/queue_manager.h"
#include "shop/queue/v1/board_service.pb.h"
#include "shop/queue/v1/resources.pb.h"

namespace shop::queue::service {

namespace pb = ::shop::queue::v1;

void ToProto(absl::Time t, google::protobuf::Timestamp* out);
void ToProto(absl::Duration d, google::protobuf::Duration* out);
// next_open_time only while the branch is closed (and opens within 14 days).
void ToProto(const BranchConfig& b, absl::Time now, pb::Branch* out);
void ToProto(const ServiceView& s, const std::string& branch_id, pb::Service* out);
// Tickets carry their branch's time zone (from `config`).
void ToProto(const TicketView& v, const ServerConfig& config, pb::Ticket* out);
void ToProto(const Ticket& t, const ServerConfig& config, pb::Ticket* out);
void ToProto(const CounterView& c, pb::Counter* out);
// A "transfer" ticket event as the counter shows it.
void ToProto(const TicketEvent& transfer, pb::TicketTransfer* out);
void ToProto(const BoardUpdate& u, pb::WatchBoardResponse* out);
void ToProto(const DeviceStatus& d, pb::Device* out);
pb::PrinterState ToProto(PrinterState s);
// A reported printer state: a known value other than UNSPECIFIED, or
// INVALID_ARGUMENT naming printer_state.
Result<PrinterState> FromProto(pb::PrinterState s);

pb::TicketState ToProto(TicketState s);
pb::Language ToProto(Language l);
// Field-checked conversions from requests.
Result<Language> FromProto(pb::Language l);
Result<Priority> FromProto(pb::PriorityClass p);
// A page token this server issued (a decimal number; empty means 0), or
// INVALID_ARGUMENT naming page_token.
Result<int64_t> ParsePageToken(const std::string& token);
// UNSPECIFIED -> nullopt (no filter).
Result<std::optional<TicketState>> FromProto(pb::TicketState s);

}  // namespace shop::queue::service
