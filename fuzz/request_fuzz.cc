// Fuzzes request validation: the bytes are a serialized request message of
// the kiosk or counter API (the first byte picks which); whatever they hold,
// conversion and validation must answer OK or a clear INVALID_ARGUMENT /
// NOT_FOUND naming the field, never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "server/config/config_loader.h"
#include "server/domain/queue/queue_manager.h"
#include "server/service/convert.h"
#include "shop/queue/v1/counter_service.pb.h"
#include "shop/queue/v1/kiosk_service.pb.h"

namespace {

using shop::queue::Status;
namespace pb = ::shop::queue::v1;
namespace svc = ::shop::queue::service;

const shop::queue::ServerConfig& Config() {
  static const auto config =
      shop::queue::ParseConfig(shop::queue::DemoConfigText(), "demo").value();
  return config;
}

void CheckRefusal(const Status& st) {
  using C = Status::Code;
  if (st.ok()) return;
  if (st.code() == C::kInvalidArgument && !st.field().empty()) return;
  if (st.code() == C::kNotFound) return;
  std::abort();
}

void CreateTicket(const uint8_t* data, size_t size) {
  pb::CreateTicketRequest req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) return;
  shop::queue::CreateTicketInput in;
  in.branch_id = req.branch_id();
  in.service_prefix = req.service_prefix();
  in.request_id = req.request_id();
  auto lang = svc::FromProto(req.language());
  CheckRefusal(lang.status());
  auto prio = svc::FromProto(req.priority_class());
  CheckRefusal(prio.status());
  CheckRefusal(shop::queue::ValidateCreateTicket(Config(), in).status());
}

void ListTickets(const uint8_t* data, size_t size) {
  pb::ListTicketsRequest req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) return;
  CheckRefusal(svc::ParsePageToken(req.page_token()).status());
  CheckRefusal(svc::FromProto(req.state()).status());
}

void CallNext(const uint8_t* data, size_t size) {
  pb::CallNextTicketRequest req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) return;
  CheckRefusal(shop::queue::ValidateRequestId(req.request_id()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  switch (data[0] % 3) {
    case 0: CreateTicket(data + 1, size - 1); break;
    case 1: ListTickets(data + 1, size - 1); break;
    case 2: CallNext(data + 1, size - 1); break;
  }
  return 0;
}
