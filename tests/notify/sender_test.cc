// The outbox sender against local sinks (an HTTP SMS gateway and an SMTP
// server on 127.0.0.1), with a manual clock, on both engines: a message is
// sent exactly once with its idempotency key, headers and text in its
// language; a failing gateway is retried with back-off and dead-lettered;
// a refusal is dead at once, a wrong token or address (401/403/404) retried;
// a missing channel fails like any attempt; a login needs TLS; header
// values carry no line breaks; results that cannot be recorded do not make
// the thread resend at once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "server/domain/common/branch.h"
#include "server/domain/outbox/delivery.h"
#include "server/notify/curl_channels.h"
#include "server/notify/sender.h"
#include "server/notify/text_codec.h"
#include "tests/notify/sinks.h"
#include "tests/support/test_config.h"
#include "tests/support/test_db.h"

namespace shop::queue {
namespace {

using notify::OutboxSender;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

class SenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = db_.Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    config_.sms.url = sms_.url() + "/send?login=shop&to={to}";
    config_.sms.headers = {{"Authorization", "Bearer {token}"}};
    config_.sms.token = "secret-token";
    config_.sms.timeout = absl::Seconds(5);
    config_.smtp.url = smtp_.url();
    config_.smtp.from = "queue@shop.example";
    config_.retry.max_attempts = 3;
    config_.retry.base = absl::Seconds(10);
    config_.retry.cap = absl::Seconds(15);
    config_.retry.jitter = false;
  }

  std::unique_ptr<OutboxSender> Sender() {
    return OutboxSender::FromConfig(
        *store_, clock_, config_, MessageTemplates::Defaults(),
        [this](const std::string& channel, const char* outcome) {
          std::lock_guard lock(outcomes_mu_);
          outcomes_.push_back(channel + ":" + outcome);
        });
  }

  OutboxMessage Enqueue(const std::string& channel, const std::string& to, const std::string& text,
                        Language language) {
    OutboxMessage m{0, clock_.Now(), channel, to, text, "booking:7"};
    m.language = static_cast<int>(language);
    EXPECT_TRUE(store_->Write([&](WriteTx& tx) { return tx.outbox().EnqueueMessage(m); }).ok());
    return m;
  }

  OutboxMessage Get(int64_t id) {
    OutboxMessage out;
    EXPECT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
      auto r = tx.outbox().ListOutbox(std::nullopt, 1000);
      if (!r.ok()) return r.status();
      for (const auto& m : *r)
        if (m.id == id) out = m;
      return Status::Ok();
    }).ok());
    return out;
  }

  int Run(OutboxSender& s) {
    auto n = s.RunOnce();
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }

  testing::TempDir dir_;
  testing::TestDb db_{dir_};
  std::unique_ptr<EngineStore> store_;
  ManualClock clock_{kT0};
  testing::HttpSink sms_;
  testing::SmtpSink smtp_;
  NotifyConfig config_;
  std::mutex outcomes_mu_;
  std::vector<std::string> outcomes_;  // "sms:sent", ... as told to the metrics
};

TEST_F(SenderTest, AnSmsIsSentOnceWithItsKeyHeadersAndTextInEachLanguage) {
  const OutboxMessage ru = Enqueue("sms", "+79123456789", "Талон A001: перед вами 2.",
                                   Language::kRu);
  const OutboxMessage en = Enqueue("sms", "+79123456780", "Ticket A002: \"2\" ahead.",
                                   Language::kEn);
  const OutboxMessage zh = Enqueue("sms", "+79123456781", "号码 A003：您前面还有 2 位。",
                                   Language::kZh);
  auto sender = Sender();
  EXPECT_EQ(Run(*sender), 3);
  EXPECT_EQ(Run(*sender), 0);  // nothing due any more
  clock_.Advance(absl::Hours(24));
  EXPECT_EQ(Run(*sender), 0);

  const auto reqs = sms_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  const OutboxMessage* sent[] = {&ru, &en, &zh};
  for (size_t i = 0; i < 3; ++i) {
    const auto& r = reqs[i];
    const OutboxMessage& m = *sent[i];
    const std::string key = IdempotencyKey(m.id, m.created);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.headers.at("idempotency-key"), key);
    EXPECT_EQ(r.headers.at("authorization"), "Bearer secret-token");
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
    EXPECT_EQ(r.target, "/send?login=shop&to=" + notify::UrlEncode(m.recipient));
    EXPECT_EQ(r.body, "{\"to\": \"" + m.recipient + "\", \"text\": \"" +
                          notify::JsonEscape(m.text) + "\", \"id\": \"" + key + "\"}");
    const OutboxMessage stored = Get(m.id);
    EXPECT_EQ(stored.state, OutboxState::kSent);
    ASSERT_TRUE(stored.sent.has_value());
    EXPECT_EQ(*stored.sent, kT0);
    EXPECT_EQ(stored.attempts, 0);
  }
}

TEST_F(SenderTest, AFormEncodedGatewayGetsUrlEncodedFields) {
  config_.sms.content_type = "application/x-www-form-urlencoded";
  config_.sms.body = "phone={to}&message={text}&lang={language}";
  const OutboxMessage m = Enqueue("sms", "+79123456789", "Талон A1 & B", Language::kRu);
  auto sender = Sender();
  EXPECT_EQ(Run(*sender), 1);
  const auto reqs = sms_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].body, "phone=%2B79123456789&message=" + notify::UrlEncode("Талон A1 & B") +
                              "&lang=ru");
  EXPECT_EQ(Get(m.id).state, OutboxState::kSent);
}

TEST_F(SenderTest, AnEmailIsSentOnceWithMessageIdSubjectAndBodyInItsLanguage) {
  const std::string text = "预约提醒：补办SIM卡，Demo，2026-03-10 16:00。";
  const OutboxMessage m = Enqueue("email", "ivan@example.ru", text, Language::kZh);
  auto sender = Sender();
  EXPECT_EQ(Run(*sender), 1);
  EXPECT_EQ(Run(*sender), 0);
  const auto mails = smtp_.mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].from, "queue@shop.example");
  EXPECT_EQ(mails[0].to, std::vector<std::string>{"ivan@example.ru"});
  const std::string& data = mails[0].data;
  const std::string key = IdempotencyKey(m.id, m.created);
  EXPECT_NE(data.find("Message-ID: <" + key + "@shop.example>\r\n"), std::string::npos) << data;
  const std::string subject = MessageTemplates::Defaults().Render("email_subject", Language::kZh, {});
  EXPECT_NE(data.find("Subject: " + notify::EncodedWord(subject) + "\r\n"), std::string::npos)
      << data;
  EXPECT_NE(data.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_EQ(testing::FromBase64(data.substr(data.find("\r\n\r\n") + 4)), text);
  EXPECT_EQ(Get(m.id).state, OutboxState::kSent);
}

// A login needs TLS whatever require_tls says: the sink offers no
// STARTTLS, so the session stops before AUTH, no mail goes, and the message
// is retried (an admin fixes the server or the URL).
TEST_F(SenderTest, WithAUserAMailServerWithoutTlsNeverGetsThePassword) {
  config_.smtp.user = "queue";
  config_.smtp.password = "pw-123";
  config_.smtp.require_tls = false;
  const OutboxMessage m = Enqueue("email", "ivan@example.ru", "text", Language::kRu);
  auto sender = Sender();
  EXPECT_EQ(Run(*sender), 1);
  EXPECT_TRUE(smtp_.mails().empty());
  const OutboxMessage s = Get(m.id);
  EXPECT_EQ(s.state, OutboxState::kPending);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_NE(s.last_error.find("curl:"), std::string::npos) << s.last_error;
  // Without a login the same server takes the mail in clear.
  config_.smtp.user.clear();
  config_.smtp.password.clear();
  clock_.Advance(absl::Minutes(1));
  auto plain = Sender();
  EXPECT_EQ(Run(*plain), 1);
  ASSERT_EQ(smtp_.mails().size(), 1u);
  EXPECT_TRUE(smtp_.mails()[0].auth.empty());
  EXPECT_EQ(Get(m.id).state, OutboxState::kSent);
}

TEST_F(SenderTest, AFailingGatewayIsRetriedWithBackoffThenDeadWithTheSameKey) {
  sms_.SetStatus(500);
  const OutboxMessage m = Enqueue("sms", "+79123456789", "text", Language::kRu);
  auto sender = Sender();
  EXPECT_EQ(Run(*sender), 1);
  OutboxMessage s = Get(m.id);
  EXPECT_EQ(s.state, OutboxState::kPending);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_EQ(s.next_try, kT0 + absl::Seconds(10));
  EXPECT_EQ(s.last_error, "gateway answered HTTP 500");

  clock_.Advance(absl::Seconds(9));
  EXPECT_EQ(Run(*sender), 0);  // not yet
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(Run(*sender), 1);
  s = Get(m.id);
  EXPECT_EQ(s.attempts, 2);
  EXPECT_EQ(s.next_try, clock_.Now() + absl::Seconds(15));  // 20 s capped at 15

  clock_.Advance(absl::Seconds(15));
  EXPECT_EQ(Run(*sender), 1);
  s = Get(m.id);
  EXPECT_EQ(s.state, OutboxState::kDead);
  EXPECT_EQ(s.attempts, 3);
  clock_.Advance(absl::Hours(24));
  EXPECT_EQ(Run(*sender), 0);  // dead stays dead

  const auto reqs = sms_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  for (const auto& r : reqs)
    EXPECT_EQ(r.headers.at("idempotency-key"), IdempotencyKey(m.id, m.created));

  // An admin retries it once the gateway is back: sent, under the same key.
  sms_.SetStatus(200);
  ASSERT_TRUE(store_->Write([&](WriteTx& tx) {
    return tx.outbox().RetryDead(m.id, clock_.Now());
  }).ok());
  EXPECT_EQ(Run(*sender), 1);
  EXPECT_EQ(Get(m.id).state, OutboxState::kSent);
  ASSERT_EQ(sms_.requests().size(), 4u);
  EXPECT_EQ(sms_.requests()[3].headers.at("idempotency-key"), IdempotencyKey(m.id, m.created));
  EXPECT_EQ(outcomes_,
            (std::vector<std::string>{"sms:retry", "sms:retry", "sms:dead", "sms:sent"}));
}

TEST_F(SenderTest, ARefusedConnectionIsTransient) {
  config_.sms.url = "http://127.0.0.1:" + std::to_string(testing::ClosedPort()) + "/send";
  const OutboxMessage m = Enqueue("sms", "+79123456789", "text", Language::kRu);
  auto sender = Sender();
  EXPECT_EQ(Run(*sender), 1);
  const OutboxMessage s = Get(m.id);
  EXPECT_EQ(s.state, OutboxState::kPending);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_NE(s.last_error.find("curl:"), std::string::npos) << s.last_error;
  EXPECT_EQ(s.last_error.find("127.0.0.1"), std::string::npos) << s.last_error;
}

TEST_F(SenderTest, AGatewayRefusalIsDeadAtOnce) {
  sms_.SetStatus(400);
  const OutboxMessage m = Enqueue("sms", "+79123456789", "text", Language::kRu);
  auto sender = Sender();
  EXPECT_EQ(Run(*sender), 1);
  const OutboxMessage s = Get(m.id);
  EXPECT_EQ(s.state, OutboxState::kDead);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_EQ(s.last_error, "gateway answered HTTP 400");
}

// A gateway that does not know the token or the address (401, 403, 404) is
// misconfigured, which an admin fixes: every message is retried meanwhile,
// none dead at the first answer.
TEST_F(SenderTest, AnUnauthorizedOrMissingGatewayIsRetried) {
  for (int status : {401, 403, 404}) {
    SCOPED_TRACE(status);
    sms_.SetStatus(status);
    const OutboxMessage m = Enqueue("sms", "+79123456789", "text", Language::kRu);
    auto sender = Sender();
    EXPECT_EQ(Run(*sender), 1);
    const OutboxMessage s = Get(m.id);
    EXPECT_EQ(s.state, OutboxState::kPending);
    EXPECT_EQ(s.attempts, 1);
    EXPECT_EQ(s.next_try, clock_.Now() + absl::Seconds(10));
    EXPECT_EQ(s.last_error, "gateway answered HTTP " + std::to_string(status));
    // Fixed: the next try goes out.
    sms_.SetStatus(200);
    clock_.Advance(absl::Seconds(10));
    EXPECT_EQ(Run(*sender), 1);
    EXPECT_EQ(Get(m.id).state, OutboxState::kSent);
  }
}

// Placeholders filled into headers cannot start a header of their own: CR,
// LF and other control characters in a value become spaces.
TEST_F(SenderTest, HeaderValuesCannotCarryLineBreaks) {
  config_.sms.token = "secret-token\r\nX-Injected-Token: 1";
  config_.sms.headers = {{"Authorization", "Bearer {token}"}, {"X-Text", "{text}"}};
  const OutboxMessage m =
      Enqueue("sms", "+79123456789", "one\r\nX-Injected: yes\ntwo\tthree", Language::kRu);
  auto sender = Sender();
  EXPECT_EQ(Run(*sender), 1);
  const auto reqs = sms_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].headers.count("x-injected"), 0u);
  EXPECT_EQ(reqs[0].headers.count("x-injected-token"), 0u);
  EXPECT_EQ(reqs[0].headers.at("x-text"), "one  X-Injected: yes two three");
  EXPECT_EQ(reqs[0].headers.at("authorization"), "Bearer secret-token  X-Injected-Token: 1");
  EXPECT_EQ(Get(m.id).state, OutboxState::kSent);
}

TEST_F(SenderTest, ARefusedMailboxIsDeadAndADeferredOneRetried) {
  smtp_.SetRcptReply(550);
  const OutboxMessage gone = Enqueue("email", "nobody@example.ru", "text", Language::kEn);
  auto sender = Sender();
  EXPECT_EQ(Run(*sender), 1);
  OutboxMessage s = Get(gone.id);
  EXPECT_EQ(s.state, OutboxState::kDead);
  EXPECT_NE(s.last_error.find("550"), std::string::npos) << s.last_error;
  EXPECT_EQ(s.last_error.find("nobody"), std::string::npos) << s.last_error;

  smtp_.SetRcptReply(451);
  const OutboxMessage later = Enqueue("email", "ivan@example.ru", "text", Language::kEn);
  EXPECT_EQ(Run(*sender), 1);
  s = Get(later.id);
  EXPECT_EQ(s.state, OutboxState::kPending);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_TRUE(smtp_.mails().empty());
}

TEST_F(SenderTest, AMessageForAnUnconfiguredChannelFailsAndEndsDead) {
  config_.smtp.url.clear();
  config_.retry.max_attempts = 1;
  const OutboxMessage m = Enqueue("email", "ivan@example.ru", "text", Language::kRu);
  auto sender = Sender();
  EXPECT_EQ(Run(*sender), 1);
  const OutboxMessage s = Get(m.id);
  EXPECT_EQ(s.state, OutboxState::kDead);
  EXPECT_EQ(s.last_error, "no channel 'email' configured in [notify]");
}

TEST_F(SenderTest, TheThreadSendsWhatIsQueuedAndStops) {
  config_.poll_interval = absl::Milliseconds(20);
  auto sender = Sender();
  sender->Start();
  const OutboxMessage m = Enqueue("sms", "+79123456789", "text", Language::kRu);
  ASSERT_TRUE(sms_.WaitFor(1));
  for (int i = 0; i < 200 && Get(m.id).state != OutboxState::kSent; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(Get(m.id).state, OutboxState::kSent);
  sender->Stop();
  EXPECT_EQ(sms_.requests().size(), 1u);
}

TEST_F(SenderTest, StoppingCutsAHungSendShortAndTheMessageStaysPending) {
  sms_.SetStatus(0);  // hold every request
  config_.poll_interval = absl::Milliseconds(20);
  config_.sms.timeout = absl::Seconds(60);
  auto sender = Sender();
  const OutboxMessage m = Enqueue("sms", "+79123456789", "text", Language::kRu);
  sender->Start();
  ASSERT_TRUE(sms_.WaitFor(1));
  const auto start = std::chrono::steady_clock::now();
  sender->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  const OutboxMessage s = Get(m.id);
  EXPECT_EQ(s.state, OutboxState::kPending);
  EXPECT_EQ(s.attempts, 0);  // not counted: it goes out after the restart
  EXPECT_EQ(s.next_try, kT0);
}

TEST_F(SenderTest, AMessageWhoseRecipientWasErasedIsDeadWithoutASend) {
  const OutboxMessage m = Enqueue("sms", "", "text", Language::kRu);
  auto sender = Sender();
  EXPECT_EQ(Run(*sender), 1);
  const OutboxMessage s = Get(m.id);
  EXPECT_EQ(s.state, OutboxState::kDead);
  EXPECT_TRUE(sms_.requests().empty());
}

// A store that reads but refuses every write: no result can be recorded.
class UnwritableStore final : public Store {
 public:
  explicit UnwritableStore(Store& inner) : inner_(inner) {}
  Status Write(const std::function<Status(WriteTx&)>&) override {
    writes_.fetch_add(1);
    return Status::Unavailable("the disk is full");
  }
  Status Read(const std::function<Status(ReadTx&)>& fn) override { return inner_.Read(fn); }
  Status SyncConfig(const ServerConfig& config) override { return inner_.SyncConfig(config); }
  int writes() const { return writes_.load(); }

 private:
  Store& inner_;
  std::atomic<int> writes_{0};
};

// A channel that accepts everything and counts.
class CountingChannel final : public notify::Channel {
 public:
  explicit CountingChannel(std::atomic<int>& sent) : sent_(sent) {}
  notify::SendResult Send(const notify::Delivery&, const std::atomic<bool>&) override {
    sent_.fetch_add(1);
    return notify::SendResult::Ok();
  }

 private:
  std::atomic<int>& sent_;
};

// A full batch whose results cannot be recorded does not loop at once (each
// pass would send the same messages again): the thread waits the poll
// interval, as after any other pass.
TEST_F(SenderTest, AFullBatchThatCannotBeRecordedWaitsThePollInterval) {
  for (int i = 0; i < 2; ++i)
    Enqueue("sms", "+7912345678" + std::to_string(i), "text", Language::kRu);
  UnwritableStore store(*store_);
  std::atomic<int> sent{0};
  OutboxSender::Channels channels;
  channels["sms"] = std::make_unique<CountingChannel>(sent);
  notify::SenderOptions options;
  options.batch = 2;
  options.poll_interval = absl::Seconds(30);
  OutboxSender sender(store, clock_, options, std::move(channels));
  sender.Start();
  for (int i = 0; i < 500 && sent.load() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  sender.Stop();
  EXPECT_EQ(sent.load(), 2) << "sent again and again without waiting";
  EXPECT_EQ(store.writes(), 2);
  for (const auto& m : [&] {
         std::vector<OutboxMessage> out;
         EXPECT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
           auto r = tx.outbox().ListOutbox(std::nullopt, 10);
           if (r.ok()) out = *r;
           return r.status();
         }).ok());
         return out;
       }())
    EXPECT_EQ(m.state, OutboxState::kPending) << "nothing could be recorded";
}

}  // namespace
}  // namespace shop::queue
