#include "tests/service/test_server.h"

#include <stdexcept>

#include "common/client/rpc.h"
#include "server/crypto/photo_sealer.h"
#include "server/crypto/pii_key.h"
#include "shop/queue/v1/auth_service.pb.h"
#include "shop/queue/v1/board_service.grpc.pb.h"
#include "shop/queue/v1/booking_service.pb.h"
#include "shop/queue/v1/case_service.pb.h"
#include "shop/queue/v1/remote_service.pb.h"
#include "shop/queue/v1/report_service.pb.h"
#include "shop/queue/v1/ticket_status_service.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"

#include <grpcpp/generic/generic_stub.h>

namespace shop::queue::testing {

grpc::Status TakeTicket(v1::KioskService::StubInterface& kiosk, const std::string& service,
                        const std::string& request_id, v1::CreateTicketResponse* out,
                        v1::Language language, v1::PriorityClass priority) {
  grpc::ClientContext ctx;
  v1::CreateTicketRequest req;
  req.set_branch_id("test");
  req.set_service_prefix(service);
  req.set_language(language);
  req.set_priority_class(priority);
  req.set_request_id(request_id);
  v1::CreateTicketResponse resp;
  return kiosk.CreateTicket(&ctx, req, out ? out : &resp);
}

grpc::Status OpenCounter(v1::CounterService::StubInterface& counter, const std::string& id) {
  grpc::ClientContext ctx;
  v1::OpenCounterRequest req;
  req.set_branch_id("test");
  req.set_counter_id(id);
  v1::OpenCounterResponse resp;
  return counter.OpenCounter(&ctx, req, &resp);
}

grpc::Status CallNext(v1::CounterService::StubInterface& counter, const std::string& id,
                      const std::string& request_id, v1::Ticket* out) {
  grpc::ClientContext ctx;
  v1::CallNextTicketRequest req;
  req.set_branch_id("test");
  req.set_counter_id(id);
  req.set_request_id(request_id);
  v1::CallNextTicketResponse resp;
  grpc::Status st = counter.CallNextTicket(&ctx, req, &resp);
  if (out) *out = resp.ticket();
  return st;
}

ServerConfig AlwaysOpenConfig() {
  ServerConfig c = TestConfig();
  for (auto& h : c.branches[0].hours) h = DayHours{0, 24 * 60};
  return c;
}

TestServer::TestServer(std::shared_ptr<const Clock> clock)
    : TestServer(AlwaysOpenConfig(), std::move(clock)) {}

TestServer::TestServer(ServerConfig config, std::shared_ptr<const Clock> clock)
    : config_(std::move(config)), clock_(std::move(clock)) {
  hasher_ = std::make_shared<crypto::HmacPiiHasher>(std::string(32, 't'));
  auto sealer = crypto::SodiumPhotoSealer::Create(std::string(32, 't'));
  if (!sealer.ok()) throw std::runtime_error(sealer.status().ToString());
  sealer_ = std::move(sealer).value();
  Start();
  supervisor_token_ = StaffToken(Role::kSupervisor, kSupervisorLogin);
}

void TestServer::Start() {
  auto store = db_.Open();
  if (!store.ok()) throw std::runtime_error(store.status().ToString());
  store_ = std::move(store).value();
  pausing_ = std::make_shared<PausingStore>(store_);
  QueueServerOptions options;
  options.listen = "127.0.0.1:" + std::to_string(listen_port_);
  options.config = config_;
  options.store = pausing_;
  options.clock = clock_;
  options.drain_linger = absl::ZeroDuration();
  options.pii_hasher = hasher_;
  options.photo_sealer = sealer_;
  auto server = QueueServer::Start(std::move(options));
  if (!server.ok()) throw std::runtime_error(server.status().ToString());
  server_ = std::move(server).value();
}

TestServer::~TestServer() {
  pausing_->Resume();
  server_.reset();
  pausing_.reset();
  store_.reset();
}

void TestServer::Restart() {
  pausing_->Resume();
  server_->Shutdown(absl::Seconds(5));
  server_.reset();
  pausing_.reset();
  store_.reset();
  Start();
}

void TestServer::RestartOnSamePort() {
  listen_port_ = server_->port();
  Restart();
}

std::shared_ptr<grpc::Channel> TestServer::AnonymousChannel() const {
  return grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
}

std::shared_ptr<grpc::Channel> TestServer::ChannelWith(const std::string& token) const {
  return client::CreateChannelWithToken(address(), grpc::InsecureChannelCredentials(), token);
}

std::shared_ptr<grpc::Channel> TestServer::Channel() { return ChannelWith(supervisor_token_); }

std::string TestServer::Token(Role role) {
  AuthManager& auth = server_->auth();
  std::string name = std::string(RoleName(role)) + "-" + std::to_string(++accounts_);
  if (role == Role::kKiosk || role == Role::kBoard) {
    auto token = auth.IssueDevice(name, role, "test", "test");
    if (!token.ok()) throw std::runtime_error(token.status().ToString());
    return *token;
  }
  return StaffToken(role, name);
}

std::string TestServer::StaffToken(Role role, const std::string& name) {
  AuthManager& auth = server_->auth();
  Status st = auth.AddStaff(name, "Test " + name, role, "test-password", "test");
  if (!st.ok()) throw std::runtime_error(st.ToString());
  auto login = auth.Login(name, "test-password");
  if (!login.ok()) throw std::runtime_error(login.status().ToString());
  return login->token;
}

std::vector<const google::protobuf::MethodDescriptor*> AllMethods() {
  namespace v1 = ::shop::queue::v1;
  std::vector<const google::protobuf::MethodDescriptor*> out;
  for (const auto* file : {v1::CreateTicketRequest::descriptor()->file(),
                           v1::CallNextTicketRequest::descriptor()->file(),
                           v1::WatchBoardRequest::descriptor()->file(),
                           v1::LoginRequest::descriptor()->file(),
                           v1::OpenCaseRequest::descriptor()->file(),
                           v1::ListSlotsRequest::descriptor()->file(),
                           v1::GetTicketStatusRequest::descriptor()->file(),
                           v1::GetReportRequest::descriptor()->file(),
                           v1::ApplyForReplacementRequest::descriptor()->file()})
    for (int s = 0; s < file->service_count(); ++s)
      for (int m = 0; m < file->service(s)->method_count(); ++m)
        out.push_back(file->service(s)->method(m));
  return out;
}

std::string MethodPath(const google::protobuf::MethodDescriptor& m) {
  return "/" + m.service()->full_name() + "/" + m.name();
}

grpc::Status CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                     const google::protobuf::MethodDescriptor& m, const std::string& request) {
  namespace v1 = ::shop::queue::v1;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (m.server_streaming()) {
    auto stub = v1::BoardService::NewStub(channel);
    v1::WatchBoardRequest req;
    if (!req.ParseFromString(request)) return grpc::Status(grpc::StatusCode::INTERNAL, "bad test");
    auto reader = stub->WatchBoard(&ctx, req);
    v1::WatchBoardResponse first;
    if (reader->Read(&first)) {
      ctx.TryCancel();
      (void)reader->Finish();
      return grpc::Status::OK;
    }
    return reader->Finish();
  }
  grpc::GenericStub stub(channel);
  grpc::Slice slice(request);
  grpc::ByteBuffer buffer(&slice, 1);
  grpc::CompletionQueue cq;
  auto call = stub.PrepareUnaryCall(&ctx, MethodPath(m), buffer, &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  return status;
}

}  // namespace shop::queue::testing
