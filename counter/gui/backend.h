// Backend: the desktop counter's link to the server. It owns the channel,
// the session token and the staff's clients (CounterClient, CaseClient, and
// the review's RemoteClient on its own channel, see setReviewChannel) and
// runs every call on its own worker threads, handing the result back to the
// UI thread, so no gRPC call ever runs on the UI thread.
//
// Sessions: a call the server refuses with UNAUTHENTICATED (the session ended
// or expired) is held, and sessionExpired() is emitted once. After the clerk
// logs in again (setToken) every held call is sent again with the new token;
// the server refused it before doing anything, so sending it again applies
// it once. abandonSession() answers the held calls with the refusal instead.
// The screens keep what was typed meanwhile: nothing is cleared on expiry.
//
// Calls are sent as the client classes send them: reads and call-next (one
// request id per press) are retried; every other step exactly once, so a
// button press is never applied twice.
//
// Thread-safety: construct and use on the UI thread; the worker threads only
// run the calls given to run() with a snapshot of the clients.
// Ownership: the destructor cancels the retries of the calls in flight and
// waits for them to end (their results are then dropped): at most one
// deadline when the server is gone.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>

#include <grpcpp/channel.h>

#include "common/client/rpc.h"
#include "counter/case_client.h"
#include "counter/counter_client.h"
#include "counter/remote_client.h"
#include "shop/queue/v1/auth_service.pb.h"

namespace shop::queue::counter::gui {

// The clients of one session and counter, immutable once made.
struct Clients {
  std::shared_ptr<grpc::Channel> channel;
  std::shared_ptr<const CounterClient> counter;
  std::shared_ptr<const CaseClient> cases;
  // The review of online applications (on the review channel).
  std::shared_ptr<const RemoteClient> remote;
  std::string branch_id;
  std::string counter_id;
  client::CallOptions options;  // as the clients use them (token included)
};

class Backend : public QObject {
  Q_OBJECT
 public:
  // `session_file`: where a login here is kept (as `counter login` keeps
  // it); "" keeps it in memory only. `options.token` is the session to
  // start with ("" when the clerk must log in).
  Backend(std::shared_ptr<grpc::Channel> channel, std::string server_address,
          std::string branch_id, std::string counter_id, client::CallOptions options,
          std::string session_file, QObject* parent = nullptr);
  ~Backend() override;

  const std::string& server_address() const { return server_address_; }
  const std::string& branch_id() const { return clients_->branch_id; }
  const std::string& counter_id() const { return clients_->counter_id; }
  bool hasToken() const { return !clients_->options.token.empty(); }
  std::shared_ptr<const Clients> clients() const { return clients_; }

  // Acts as counter `counter_id` from now on (the clients are rebuilt).
  void setCounterId(const std::string& counter_id);
  // The channel of the review's RemoteClient: one made with
  // RemoteClient::kChannelLimits, so that an application's photos (up to
  // ~10 MiB in one answer) arrive; the other clients keep the main channel
  // and its defaults. Until set, the review uses the main channel.
  void setReviewChannel(std::shared_ptr<grpc::Channel> channel);
  // The role of this session's account as the login answered it
  // (ROLE_UNSPECIFIED when unknown: a session from a file or --token).
  // Forgotten at logout.
  v1::Role role() const { return role_; }
  void setRole(v1::Role role) { role_ = role; }
  // The staff login of this session, as the clerk typed it or the server
  // named it ("" when unknown).
  const QString& login() const { return login_; }
  void setLogin(const QString& login) { login_ = login; }

  // A new session (after a login): rebuilds the clients with `token`, keeps
  // it in the session file (if any; written on a worker thread, with the
  // login on its second line) and sends the held calls again.
  void setToken(const std::string& token);
  // The clerk gave up logging in again, or someone else logged in: the held
  // calls end with their UNAUTHENTICATED status instead of being sent.
  void abandonSession();
  // Logs out (AuthService.Logout) and forgets the session and the file;
  // `done` gets the status on the UI thread. Held calls are dropped, and
  // the answers of calls still on their way are ignored.
  void logout(QObject* context, std::function<void(const grpc::Status&)> done);

  // Whether calls are in flight (a screen disables its buttons meanwhile).
  bool busy() const { return in_flight_ > 0; }

  // Runs `call(clients, &out)` on a worker thread, then `done(status, out)`
  // on the UI thread, unless `context` is gone by then. See the session note
  // above for UNAUTHENTICATED; with `session_call` false (Login itself) an
  // UNAUTHENTICATED answer goes to `done` like any other.
  template <typename T>
  void run(QObject* context, std::function<grpc::Status(const Clients&, T*)> call,
           std::function<void(const grpc::Status&, const T&)> done, bool session_call = true) {
    // The attempt refers to itself only weakly: it lives while a worker runs
    // it, its answer is on the way or it is held, and is freed (with what its
    // closures hold: passwords, a customer's form) as soon as it has ended.
    auto attempt = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> weak = attempt;
    *attempt = [this, context = QPointer<QObject>(context), call = std::move(call),
                done = std::move(done), weak, session_call]() {
      std::shared_ptr<std::function<void()>> self = weak.lock();
      if (!self) return;
      std::shared_ptr<const Clients> snapshot = clients_;
      const uint64_t generation = generation_;
      ++in_flight_;
      if (in_flight_ == 1) Q_EMIT busyChanged(true);
      pool_.start([this, snapshot, context, call, done, self, session_call, generation]() {
        auto out = std::make_shared<T>();
        grpc::Status status = call(*snapshot, out.get());
        QMetaObject::invokeMethod(
            this,
            [this, status, out, context, done, self, snapshot, session_call, generation]() {
              --in_flight_;
              if (in_flight_ == 0) Q_EMIT busyChanged(false);
              // Sent before a logout: its answer is nobody's any more.
              if (generation != generation_) return;
              if (!session_call) {
                if (context) done(status, *out);
                return;
              }
              if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED && !shutting_down_) {
                if (snapshot->options.token == clients_->options.token) {
                  Hold([self] { (*self)(); }, [context, done, status] {
                    if (context) done(status, T());
                  });
                } else {
                  // Sent with an older session while a new one came: again.
                  (*self)();
                }
                return;
              }
              Q_EMIT callEnded(status.error_code());
              if (context) done(status, *out);
            },
            Qt::QueuedConnection);
      });
    };
    (*attempt)();
  }

 Q_SIGNALS:
  // The server refused the session; calls are held until setToken() or
  // abandonSession().
  void sessionExpired();
  void busyChanged(bool busy);
  // Every call's end (not held ones), for the connection banner.
  void callEnded(grpc::StatusCode code);

 private:
  struct Held {
    std::function<void()> resend;
    std::function<void()> refuse;
  };
  void Hold(std::function<void()> resend, std::function<void()> refuse);
  void Rebuild(std::string counter_id, std::string token);

  // Cancelled by the destructor: ends every call's retries and back-off.
  std::shared_ptr<client::StreamCanceller> shutdown_ = std::make_shared<client::StreamCanceller>();
  std::shared_ptr<grpc::Channel> channel_;
  std::shared_ptr<grpc::Channel> review_channel_;  // null: channel_
  v1::Role role_ = v1::ROLE_UNSPECIFIED;
  std::string server_address_;
  std::string session_file_;
  QString login_;
  std::shared_ptr<const Clients> clients_;
  std::vector<Held> held_;
  int in_flight_ = 0;
  uint64_t generation_ = 0;  // bumped by logout: older answers are dropped
  bool shutting_down_ = false;
  QThreadPool pool_;
};

}  // namespace shop::queue::counter::gui
