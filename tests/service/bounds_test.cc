// Huge and hostile input through a real server: every method of the API,
// with every string field (nested ones too) 70 kB long, answers at once with
// INVALID_ARGUMENT naming the field, in a short message (a message quoting
// the whole value could not even reach the client: the call would hang until
// its deadline). Values within bounds that the server quotes back appear as
// a short, escaped prefix.
#include <google/protobuf/message.h>
#include <gtest/gtest.h>

#include <chrono>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/domain/staff/auth.h"
#include "server/service/errors.h"
#include "shop/queue/v1/booking_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/service/test_server.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Sets every string field of `m` to `value`, and recurses into every message
// field (one entry for repeated ones). Returns the string fields' paths.
std::vector<std::string> FillStrings(Message& m, const std::string& value,
                                     const std::string& prefix = "", int depth = 0) {
  std::vector<std::string> paths;
  if (depth > 3) return paths;
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->type() == FieldDescriptor::TYPE_STRING) {
      if (f->is_repeated()) {
        r->AddString(&m, f, value);
        paths.push_back(prefix + f->name() + "[0]");
      } else {
        r->SetString(&m, f, value);
        paths.push_back(prefix + f->name());
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map() &&
               f->message_type()->file()->package() == "shop.queue.v1") {
      Message* sub = f->is_repeated() ? r->AddMessage(&m, f) : r->MutableMessage(&m, f);
      for (auto& p : FillStrings(*sub, value, prefix + f->name() + (f->is_repeated() ? "[0]." : "."),
                                 depth + 1))
        paths.push_back(p);
    }
  }
  return paths;
}

std::vector<std::string> BadFields(const grpc::Status& st) {
  google::rpc::Status details;
  std::vector<std::string> out;
  if (!details.ParseFromString(st.error_details())) return out;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) out.push_back(v.field());
  }
  return out;
}

TEST(Bounds, EveryMethodRefusesHugeStringsAtOnceNamingEachField) {
  testing::TestServer server;
  const std::string huge(70 * 1024, 'x');
  int checked = 0;
  for (const auto* m : testing::AllMethods()) {
    const std::string path = testing::MethodPath(*m);
    SCOPED_TRACE(path);
    const RoleSet allowed = MethodPolicy().find(path)->second;
    std::shared_ptr<grpc::Channel> channel = server.AnonymousChannel();
    for (Role role : {Role::kSupervisor, Role::kClerk, Role::kKiosk, Role::kBoard, Role::kAdmin})
      if (!allowed.is_public() && allowed.Has(role)) {
        channel = server.ChannelWith(server.Token(role));
        break;
      }
    std::unique_ptr<Message> req(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(m->input_type())->New());
    const std::vector<std::string> fields = FillStrings(*req, huge);
    if (fields.empty()) continue;  // nothing to bound (e.g. Logout)
    const auto start = std::chrono::steady_clock::now();
    grpc::Status st = testing::CallRaw(channel, *m, req->SerializeAsString());
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
    EXPECT_LT(took, std::chrono::seconds(3)) << "answered at once, not at the deadline";
    EXPECT_LT(st.error_message().size(), 4096u);
    EXPECT_EQ(st.error_message().find("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), std::string::npos)
        << "the value is not echoed";
    std::vector<std::string> named = BadFields(st);
    for (const auto& f : fields)
      EXPECT_NE(std::find(named.begin(), named.end(), f), named.end()) << f << " not named";
    ++checked;
  }
  EXPECT_GT(checked, 30);
}

TEST(Bounds, QuotedValuesAreAShortEscapedPrefix) {
  testing::TestServer server;
  // Within the bounds, not ASCII, with quotes and control characters.
  std::string odd = "\xd0\xa4'\n\x01";
  odd += std::string(1500, 'y');
  auto booking = pb::BookingService::NewStub(server.AnonymousChannel());
  grpc::ClientContext ctx;
  pb::ListSlotsRequest req;
  req.set_branch_id(odd);
  pb::ListSlotsResponse resp;
  grpc::Status st = booking->ListSlots(&ctx, req, &resp);
  EXPECT_NE(st.error_code(), grpc::StatusCode::OK);
  EXPECT_LT(st.error_message().size(), 200u) << st.error_message();
  EXPECT_NE(st.error_message().find("'\\xd0\\xa4\\x27\\x0a\\x01yyy"), std::string::npos)
      << st.error_message();
  for (unsigned char c : st.error_message()) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << int(c);

  auto counter = pb::CounterService::NewStub(server.Channel());
  grpc::ClientContext ctx2;
  pb::CallTicketRequest call;
  call.set_branch_id("test");
  call.set_counter_id(std::string(2000, 'c'));
  call.set_ticket_id(1);
  pb::CallTicketResponse called;
  st = counter->CallTicket(&ctx2, call, &called);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND) << st.error_message();
  EXPECT_LT(st.error_message().size(), 200u) << st.error_message();
}

TEST(Bounds, CheckRequestBoundsNamesNestedAndRepeatedFields) {
  pb::OpenCounterRequest open;
  for (int i = 0; i <= service::kMaxRepeated; ++i) open.add_service_prefixes("R");
  Status st = service::CheckRequestBounds(open);
  ASSERT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.violations().at(0).field, "service_prefixes");
  open.clear_service_prefixes();
  open.add_service_prefixes("R");
  open.add_service_prefixes(std::string(service::kMaxStringBytes + 1, 'P'));
  st = service::CheckRequestBounds(open);
  ASSERT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.violations().at(0).field, "service_prefixes[1]");
  open.set_service_prefixes(1, std::string(service::kMaxStringBytes, 'P'));
  EXPECT_TRUE(service::CheckRequestBounds(open).ok()) << "the bound itself is allowed";
}

}  // namespace
}  // namespace shop::queue
