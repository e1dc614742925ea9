// OutboxSender: sends the outbox's due messages through their channels and
// records each result, retrying failures with back-off and giving up after
// [notify] max_attempts (server/domain/outbox/delivery.h has the rules).
//
// At least once: a message is read (a read transaction), sent with no
// transaction open, then marked sent or failed (a write transaction of its
// own). A crash between sending and marking sends it again, under the same
// idempotency key. On a database several servers share, only the server for
// which Store::LeadsBackgroundWork() is true sends (checked before every
// batch); when leadership moves during a send, a message may go out twice,
// again under the same key, and the second mark finds it no longer pending
// (logged, harmless).
//
// A message whose recipient was erased (personal data past retention) is
// dead at once. A message whose channel is not configured fails like any other attempt
// ("no channel ...") and ends dead; queue-server outbox-retry sends it again
// once the channel is configured.
//
// Thread-safety: Start()/Stop() from one thread; RunOnce() is for tests and
// must not run while the thread does.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "server/domain/common/clock.h"
#include "server/domain/common/templates.h"
#include "server/domain/outbox/notify_config.h"
#include "server/domain/store.h"
#include "server/notify/channel.h"

namespace shop::queue::notify {

struct SenderOptions {
  RetryPolicy retry;
  absl::Duration poll_interval = absl::Seconds(5);
  int batch = 50;
  // The e-mail subject line ("email_subject" in ru/en/zh).
  MessageTemplates templates = MessageTemplates::Defaults();
  // Told after each recorded attempt (metrics): the channel and "sent",
  // "retry" or "dead". Called on the sender's thread; none when empty.
  std::function<void(const std::string& channel, const char* outcome)> on_attempt;
};

class OutboxSender {
 public:
  using Channels = std::map<std::string, std::unique_ptr<Channel>>;  // by outbox channel name

  OutboxSender(Store& store, const Clock& clock, SenderOptions options, Channels channels);
  ~OutboxSender();  // stops the thread

  // The sender of [notify] (the "sms" channel when sms.url is set, "email"
  // when smtp.url is).
  static std::unique_ptr<OutboxSender> FromConfig(
      Store& store, const Clock& clock, const NotifyConfig& config,
      const MessageTemplates& templates,
      std::function<void(const std::string&, const char*)> on_attempt = nullptr);

  // One pass: sends up to `batch` due messages; how many were attempted.
  // The thread starts the next pass at once after a full batch, unless the
  // result of a message could not be recorded (the store failing): then it
  // waits poll_interval, as after any other pass.
  Result<int> RunOnce();

  void Start();
  // Stops the thread; a send under way is cut short and not counted as an
  // attempt (the message stays pending as it was).
  void Stop();

 private:
  void Loop();
  SendResult SendOne(const OutboxMessage& m);

  Store& store_;
  const Clock& clock_;
  const SenderOptions options_;
  Channels channels_;
  std::mt19937_64 random_;

  std::atomic<bool> cancel_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  // The last pass could not record the result of a message (it is still
  // due). Written by RunOnce, read by Loop: the sender's thread only.
  bool unrecorded_ = false;
  std::thread thread_;
};

}  // namespace shop::queue::notify
