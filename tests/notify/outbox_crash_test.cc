// The real queue-server binary sends the outbox to a local SMS gateway and
// is killed (SIGKILL) while a request is on the wire. After a restart every
// message is sent, none is lost, and the one that was cut off is sent again
// under the same idempotency key. The admin command lists them with the
// recipients masked, and the server's log never shows a phone or a text.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "server/config/config_loader.h"
#include "server/domain/outbox/delivery.h"
#include "server/storage/engine_store.h"
#include "tests/notify/sinks.h"
#include "tests/support/server_process.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

constexpr int kMessages = 8;

std::string Phone(int i) { return "+7912555" + std::to_string(1000 + i); }
std::string Text(int i) { return "Секретный текст " + std::to_string(i) + " 号码"; }

class OutboxCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("q.db");
    // The database with queued messages, made before the server runs.
    auto store = OpenStore(db_, {});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int i = 0; i < kMessages; ++i) {
      OutboxMessage m{0, absl::Now(), "sms", Phone(i), Text(i), "case:" + std::to_string(i)};
      m.language = 1 + i % 3;
      ASSERT_TRUE((*store)->Write([&](WriteTx& tx) { return tx.outbox().EnqueueMessage(m); }).ok());
    }
    config_ = dir_.File("queue.toml");
    std::ofstream(config_) << DemoConfigText() << R"(
[notify]
enabled = true
poll_seconds = 0.05
retry_base_seconds = 0.05
retry_cap_seconds = 0.2
max_attempts = 50

[notify.sms]
url = ")" << sink_.url() << R"(/send"
timeout_seconds = 120
)";
  }

  std::vector<OutboxMessage> Messages() {
    StoreOptions options;
    options.existing = true;
    auto store = OpenStore(db_, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    std::vector<OutboxMessage> out;
    if (!store.ok()) return out;
    EXPECT_TRUE((*store)->Read([&](ReadTx& tx) -> Status {
      auto r = tx.outbox().ListOutbox(std::nullopt, 1000);
      if (!r.ok()) return r.status();
      out = *r;
      return Status::Ok();
    }).ok());
    return out;
  }

  int CountSent() {
    int n = 0;
    for (const auto& m : Messages()) n += m.state == OutboxState::kSent;
    return n;
  }

  testing::TempDir dir_;
  testing::HttpSink sink_;
  std::string db_;
  std::string config_;
};

TEST_F(OutboxCrashTest, AKillWhileSendingLosesNothingAndTheRepeatCarriesTheSameKey) {
  const std::string log = dir_.File("server.log");
  sink_.SetStatus(0);  // the gateway takes the first request and never answers
  {
    testing::ServerProcess server(QUEUE_SERVER_PATH, db_, dir_.path().string(),
                                  {"--config", config_, "--log-level", "info"}, log);
    ASSERT_NE(server.port(), 0);
    ASSERT_TRUE(sink_.WaitFor(1));
    server.Stop(SIGKILL);
  }
  ASSERT_EQ(sink_.requests().size(), 1u);  // one at a time: the rest wait behind it
  const std::string cut_key = sink_.requests()[0].headers.at("idempotency-key");
  EXPECT_EQ(CountSent(), 0);  // nothing was acknowledged

  sink_.SetStatus(200);
  {
    testing::ServerProcess server(QUEUE_SERVER_PATH, db_, dir_.path().string(),
                                  {"--config", config_, "--log-level", "info"}, log);
    ASSERT_NE(server.port(), 0);
    for (int i = 0; i < 400 && CountSent() < kMessages; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    EXPECT_EQ(CountSent(), kMessages);
    // Nothing more is sent once all are.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server.Stop(SIGTERM);
  }

  const auto messages = Messages();
  ASSERT_EQ(messages.size(), static_cast<size_t>(kMessages));
  std::set<std::string> keys;
  for (const auto& m : messages) {
    EXPECT_EQ(m.state, OutboxState::kSent) << m.id;
    keys.insert(IdempotencyKey(m.id, m.created));
  }
  EXPECT_TRUE(keys.count(cut_key)) << cut_key;
  const auto reqs = sink_.requests();
  // The first (cut off) request, then each message exactly once after the
  // restart: the cut one again under its key.
  ASSERT_EQ(reqs.size(), static_cast<size_t>(kMessages) + 1);
  std::multiset<std::string> after;
  for (size_t i = 1; i < reqs.size(); ++i) after.insert(reqs[i].headers.at("idempotency-key"));
  EXPECT_EQ(std::set<std::string>(after.begin(), after.end()), keys);
  EXPECT_EQ(after.count(cut_key), 1u);
  for (const auto& m : messages) {
    const std::string key = IdempotencyKey(m.id, m.created);
    for (size_t i = 1; i < reqs.size(); ++i) {
      if (reqs[i].headers.at("idempotency-key") == key) {
        EXPECT_NE(reqs[i].body.find(m.text), std::string::npos) << key;
      }
    }
  }

  // The admin's view: all sent, recipients masked.
  auto out = testing::RunCommand("'" + std::string(QUEUE_SERVER_PATH) + "' outbox --db '" + db_ +
                                 "' --state sent 2>&1");
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find(std::to_string(kMessages) + " message(s)"), std::string::npos)
      << out.output;
  // The log and the listing never show a phone number or a text.
  std::stringstream logged;
  logged << std::ifstream(log).rdbuf();
  EXPECT_NE(logged.str().find("outbox: message"), std::string::npos) << logged.str();
  for (int i = 0; i < kMessages; ++i) {
    EXPECT_EQ(out.output.find(Phone(i)), std::string::npos) << out.output;
    EXPECT_EQ(logged.str().find(Phone(i)), std::string::npos);
    EXPECT_EQ(logged.str().find(Text(i)), std::string::npos);
  }
}

TEST_F(OutboxCrashTest, AdminsSeeDeadMessagesAndPutThemBack) {
  sink_.SetStatus(503);
  std::ofstream(config_, std::ios::app) << "";
  {
    // Few attempts: every message ends dead quickly.
    std::ifstream in(config_);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    s.replace(s.find("max_attempts = 50"), 17, "max_attempts = 2");
    std::ofstream(config_) << s;
  }
  {
    testing::ServerProcess server(QUEUE_SERVER_PATH, db_, dir_.path().string(),
                                  {"--config", config_});
    ASSERT_NE(server.port(), 0);
    auto dead = [&] {
      int n = 0;
      for (const auto& m : Messages()) n += m.state == OutboxState::kDead;
      return n;
    };
    for (int i = 0; i < 400 && dead() < kMessages; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    EXPECT_EQ(dead(), kMessages);
    server.Stop(SIGTERM);
  }
  const std::string bin = "'" + std::string(QUEUE_SERVER_PATH) + "'";
  auto list = testing::RunCommand(bin + " outbox --db '" + db_ + "' --state dead --limit 3 2>&1");
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("3 message(s)"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("gateway answered HTTP 503"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("+7******"), std::string::npos) << list.output;

  const int64_t id = Messages()[0].id;
  auto retry = testing::RunCommand(bin + " outbox-retry --db '" + db_ + "' --id " +
                                   std::to_string(id) + " 2>&1");
  EXPECT_EQ(retry.exit_code, 0) << retry.output;
  for (const auto& m : Messages())
    EXPECT_EQ(m.state, m.id == id ? OutboxState::kPending : OutboxState::kDead) << m.id;
  auto again = testing::RunCommand(bin + " outbox-retry --db '" + db_ + "' --id " +
                                   std::to_string(id) + " 2>&1");
  EXPECT_EQ(again.exit_code, 1) << again.output;  // no longer dead
  auto bad = testing::RunCommand(bin + " outbox --db '" + db_ + "' --state lost 2>&1");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
}

// `outbox --limit` takes 1..1000: a negative limit would list everything
// (SQL reads LIMIT -1 as none), 0 nothing. Refused before the database is
// opened, naming the option.
TEST_F(OutboxCrashTest, TheListLimitIsChecked) {
  const std::string bin = "'" + std::string(QUEUE_SERVER_PATH) + "'";
  for (const char* limit : {"-1", "0", "1001", "many"}) {
    SCOPED_TRACE(limit);
    auto out = testing::RunCommand(bin + " outbox --db '" + db_ + "' --limit " + limit + " 2>&1");
    EXPECT_NE(out.exit_code, 0) << out.output;
    EXPECT_NE(out.output.find("--limit"), std::string::npos) << out.output;
    EXPECT_EQ(out.output.find("message(s)"), std::string::npos) << out.output;
  }
  auto one = testing::RunCommand(bin + " outbox --db '" + db_ + "' --limit 1 2>&1");
  EXPECT_EQ(one.exit_code, 0) << one.output;
  EXPECT_NE(one.output.find("1 message(s)"), std::string::npos) << one.output;
}

}  // namespace
}  // namespace shop::queue
