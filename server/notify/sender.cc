#include "server/notify/sender.h"

#include <spdlog/spdlog.h>

#include "server/domain/common/branch.h"
#include "server/domain/common/personal_data.h"
#include "server/domain/outbox/delivery.h"
#include "server/notify/curl_channels.h"

namespace shop::queue::notify {

namespace {

const char* LanguageCode(int language) {
  switch (language) {
    case 2: return "en";
    case 3: return "zh";
    default: return "ru";
  }
}

// The language to render the subject line in: the message's, Russian if unknown.
Language SubjectLanguage(int language) {
  return language >= 1 && language <= 3 ? static_cast<Language>(language) : Language::kRu;
}

}  // namespace

OutboxSender::OutboxSender(Store& store, const Clock& clock, SenderOptions options,
                           Channels channels)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      channels_(std::move(channels)),
      random_(std::random_device{}()) {}

OutboxSender::~OutboxSender() { Stop(); }

std::unique_ptr<OutboxSender> OutboxSender::FromConfig(
    Store& store, const Clock& clock, const NotifyConfig& config,
    const MessageTemplates& templates,
    std::function<void(const std::string&, const char*)> on_attempt) {
  Channels channels;
  if (!config.sms.url.empty()) channels["sms"] = MakeHttpSmsChannel(config.sms);
  if (!config.smtp.url.empty()) channels["email"] = MakeSmtpChannel(config.smtp);
  SenderOptions options{config.retry, config.poll_interval, config.batch, templates,
                        std::move(on_attempt)};
  return std::make_unique<OutboxSender>(store, clock, std::move(options), std::move(channels));
}

SendResult OutboxSender::SendOne(const OutboxMessage& m) {
  if (m.recipient.empty())
    return SendResult::Permanent("no recipient (erased with the personal data past retention)");
  const auto it = channels_.find(m.channel);
  if (it == channels_.end())
    return SendResult::Transient("no channel '" + m.channel + "' configured in [notify]");
  Delivery d;
  d.key = IdempotencyKey(m.id, m.created);
  d.to = m.recipient;
  d.text = m.text;
  d.language = LanguageCode(m.language);
  d.title = options_.templates.Render("email_subject", SubjectLanguage(m.language), {});
  try {
    return it->second->Send(d, cancel_);
  } catch (const std::exception& e) {
    return SendResult::Transient(std::string("channel failed: ") + e.what());
  }
}

Result<int> OutboxSender::RunOnce() {
  unrecorded_ = false;
  if (!store_.LeadsBackgroundWork()) return 0;  // another server sends
  std::vector<OutboxMessage> due;
  QUEUE_RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    auto r = tx.outbox().DueMessages(clock_.Now(), options_.batch);
    if (!r.ok()) return r.status();
    due = std::move(*r);
    return Status::Ok();
  }));
  int attempted = 0;
  for (const OutboxMessage& m : due) {
    if (cancel_.load()) break;
    ++attempted;
    // No transaction is open while the message is on the network.
    const SendResult result = SendOne(m);
    // A send cut short by Stop() is no attempt: the message stays as it was
    // and goes out after the restart.
    if (!result.ok && cancel_.load()) break;
    const absl::Time now = clock_.Now();
    Status recorded;
    if (result.ok) {
      recorded = store_.Write([&](WriteTx& tx) { return tx.outbox().MarkSent(m.id, now); });
      if (recorded.ok()) {
        spdlog::info("outbox: message {} sent by {} to {}", m.id, m.channel,
                     MaskContact(m.recipient));
        if (options_.on_attempt) options_.on_attempt(m.channel, "sent");
      }
    } else {
      const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
      const AfterFailure next =
          NextAfterFailure(options_.retry, m.attempts, result.kind, now, unit);
      const std::string error = SafeError(result.error);
      recorded = store_.Write([&](WriteTx& tx) {
        return tx.outbox().MarkFailed(m.id, next.attempts, next.next_try, error, next.dead);
      });
      if (recorded.ok() && options_.on_attempt)
        options_.on_attempt(m.channel, next.dead ? "dead" : "retry");
      if (recorded.ok() && next.dead)
        spdlog::error("outbox: message {} to {} is dead after {} attempt(s): {}", m.id,
                      MaskContact(m.recipient), next.attempts, error);
      else if (recorded.ok())
        spdlog::warn("outbox: message {} to {} failed (attempt {}), next try in {}: {}", m.id,
                     MaskContact(m.recipient), next.attempts,
                     absl::FormatDuration(next.next_try - now), error);
    }
    if (recorded.code() == Status::Code::kNotFound)
      spdlog::info("outbox: message {} was no longer pending when its result came", m.id);
    else if (!recorded.ok()) {
      unrecorded_ = true;
      spdlog::error("outbox: the result of message {} was not recorded (it will be sent again "
                    "under the same key): {}", m.id, recorded.message());
    }
  }
  return attempted;
}

void OutboxSender::Start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  cancel_.store(false);
  thread_ = std::thread([this] { Loop(); });
}

void OutboxSender::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cancel_.store(true);
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxSender::Loop() {
  spdlog::info("outbox: sending through {} channel(s)", channels_.size());
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto n = RunOnce();
    if (!n.ok()) spdlog::error("outbox: cannot read due messages: {}", n.status().message());
    lock.lock();
    // A full batch: there may be more due at once. Unless a result could
    // not be recorded: its message is still due, and going on at once would
    // send it again and again while the store refuses.
    if (n.ok() && *n >= options_.batch && !unrecorded_) continue;
    cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.poll_interval),
                 [&] { return stopping_; });
  }
}

}  // namespace shop::queue::notify
