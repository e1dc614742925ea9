#include "counter/gui/backend.h"

#include <cstdio>
#include <utility>

#include "common/client/login.h"
#include "shop/queue/v1/auth_service.grpc.pb.h"

namespace shop::queue::counter::gui {

Backend::Backend(std::shared_ptr<grpc::Channel> channel, std::string server_address,
                 std::string branch_id, std::string counter_id, client::CallOptions options,
                 std::string session_file, QObject* parent)
    : QObject(parent),
      channel_(std::move(channel)),
      server_address_(std::move(server_address)),
      session_file_(std::move(session_file)) {
  // The session lives here, not in a file the clients re-read: a login in
  // this window renews it (setToken), and the file only keeps it.
  options.token = client::CurrentToken(options);
  options.token_file.reset();
  // Closing the window cancels the retries still waiting (a lost server
  // would otherwise hold the exit for every attempt of every read).
  options.canceller = shutdown_;
  auto c = std::make_shared<Clients>();
  c->channel = channel_;
  c->branch_id = std::move(branch_id);
  c->options = std::move(options);
  clients_ = std::move(c);
  Rebuild(std::move(counter_id), clients_->options.token);
  // A few threads: a slow step never holds up the queue's reads.
  pool_.setMaxThreadCount(4);
}

Backend::~Backend() {
  shutting_down_ = true;
  shutdown_->Cancel();
  pool_.waitForDone();
}

void Backend::Rebuild(std::string counter_id, std::string token) {
  auto c = std::make_shared<Clients>(*clients_);
  c->counter_id = std::move(counter_id);
  c->options.token = std::move(token);
  c->counter = std::make_shared<CounterClient>(channel_, c->branch_id, c->counter_id, c->options);
  c->cases = std::make_shared<CaseClient>(channel_, c->branch_id, c->counter_id, c->options);
  c->remote = std::make_shared<RemoteClient>(review_channel_ ? review_channel_ : channel_,
                                             c->options);
  clients_ = std::move(c);
}

void Backend::setReviewChannel(std::shared_ptr<grpc::Channel> channel) {
  review_channel_ = std::move(channel);
  Rebuild(clients_->counter_id, clients_->options.token);
}

void Backend::setCounterId(const std::string& counter_id) {
  Rebuild(counter_id, clients_->options.token);
}

void Backend::setToken(const std::string& token) {
  Rebuild(clients_->counter_id, token);
  if (!session_file_.empty()) {
    // A small write, but a file: off the UI thread like every other I/O.
    pool_.start([file = session_file_, token, login = login_.toStdString()] {
      std::string ignored;
      client::SaveToken(file, token, &ignored, login);
    });
  }
  std::vector<Held> held;
  held.swap(held_);
  for (Held& h : held) h.resend();
}

void Backend::abandonSession() {
  std::vector<Held> held;
  held.swap(held_);
  for (Held& h : held) h.refuse();
}

void Backend::Hold(std::function<void()> resend, std::function<void()> refuse) {
  const bool first = held_.empty();
  held_.push_back(Held{std::move(resend), std::move(refuse)});
  if (first) Q_EMIT sessionExpired();
}

void Backend::logout(QObject* context, std::function<void(const grpc::Status&)> done) {
  held_.clear();
  ++generation_;
  // Not through run(): an ended session is what logout wants, not a reason
  // to ask for the password.
  std::shared_ptr<const Clients> snapshot = clients_;
  pool_.start([this, snapshot, context = QPointer<QObject>(context), done]() {
    auto stub = v1::AuthService::NewStub(snapshot->channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + snapshot->options.deadline);
    client::AddCredentials(&ctx, snapshot->options);
    v1::LogoutResponse response;
    grpc::Status status = stub->Logout(&ctx, v1::LogoutRequest(), &response);
    QMetaObject::invokeMethod(
        this,
        [this, status, context, done]() {
          if (!session_file_.empty()) pool_.start([file = session_file_] { std::remove(file.c_str()); });
          Rebuild(clients_->counter_id, "");
          login_.clear();
          role_ = v1::ROLE_UNSPECIFIED;
          if (context) done(status);
        },
        Qt::QueuedConnection);
  });
}

}  // namespace shop::queue::counter::gui
