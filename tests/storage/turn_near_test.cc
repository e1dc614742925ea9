// "Your turn is near" (server/domain/queue/turn_near.h) through QueueManager
// over a real store (SQLite, and PostgreSQL in the pg. pass) with a manual
// clock: one SMS in the outbox, queued with the call that brought the ticket
// near, never a second one, none for tickets without a phone.
#include <gtest/gtest.h>

#include "server/domain/queue/queue_manager.h"
#include "server/domain/queue/turn_near.h"
#include "tests/support/test_config.h"
#include "tests/support/test_db.h"

namespace shop::queue {
namespace {

using testing::At;
using testing::TempDir;

constexpr const char* kZone = "Europe/Moscow";
constexpr const char* kPhone = "+79123456789";

class TurnNearTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config = testing::TestConfig(kZone);
    for (auto& s : config.branches[0].services) s.notify_ahead = s.prefix == "R" ? 2 : 0;
    Open(std::move(config));
  }

  void Open(ServerConfig config) {
    manager_.reset();
    store_.reset();
    config_ = std::move(config);
    auto s = db_.Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->SyncConfig(config_).ok());
    manager_ = std::make_unique<QueueManager>(config_, *store_, clock_, board_);
  }

  Result<TicketView> Take(const std::string& prefix, const std::string& phone = "",
                          Language lang = Language::kEn) {
    CreateTicketInput in{"test", prefix, lang, Priority::kNone, "req-" + std::to_string(++seq_)};
    in.notify_phone = phone;
    return manager_->CreateTicket(in);
  }

  // Calls the next ticket at counter 1 and ends the one it held before.
  void Serve() {
    auto called = manager_->CallNext("test", "1", "call-" + std::to_string(++seq_));
    ASSERT_TRUE(called.ok()) << called.status().ToString();
    ASSERT_TRUE(manager_->Act("test", "1", called->ticket.id, CounterAction::kNoShow).ok());
  }

  std::vector<OutboxMessage> Notices(int64_t ticket_id) {
    std::vector<OutboxMessage> out;
    EXPECT_TRUE(store_
                    ->Read([&](ReadTx& tx) -> Status {
                      auto m = tx.outbox().OutboxFor(TicketSubject(ticket_id));
                      if (!m.ok()) return m.status();
                      out = *m;
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  int64_t NoticeRows() { return db_.QueryInt("SELECT COUNT(*) FROM ticket_notices"); }

  TempDir dir_;
  testing::TestDb db_{dir_};
  ManualClock clock_{At(kZone, 2026, 3, 10, 10, 0)};  // Tuesday, open
  BoardHub board_;
  ServerConfig config_;
  std::unique_ptr<EngineStore> store_;
  std::unique_ptr<QueueManager> manager_;
  int seq_ = 0;
};

TEST_F(TurnNearTest, FiresOnceWhenTwoAreAheadAndNeverForTicketsWithoutAPhone) {
  std::vector<int64_t> plain;
  for (int i = 0; i < 4; ++i) plain.push_back(Take("R")->ticket.id);
  auto mine = Take("R", "8 (912) 345-67-89");  // 4 ahead: kept
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  EXPECT_EQ(mine->position, 4);
  EXPECT_EQ(NoticeRows(), 1);
  ASSERT_TRUE(manager_->OpenCounter("test", "1", {"R"}).ok());

  Serve();  // 3 ahead
  EXPECT_TRUE(Notices(mine->ticket.id).empty());
  Serve();  // 2 ahead: now
  auto sent = Notices(mine->ticket.id);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].channel, "sms");
  EXPECT_EQ(sent[0].recipient, kPhone);
  EXPECT_EQ(sent[0].language, static_cast<int>(Language::kEn));
  EXPECT_EQ(sent[0].text,
            "Ticket R005: 2 ahead of you. Please come back to the hall, " +
                config_.branches[0].display_name + ".");
  // The phone is forgotten once the notice is queued.
  EXPECT_EQ(db_.Query("SELECT phone FROM ticket_notices").value(),
            (std::vector<std::vector<std::string>>{{""}}));
  Serve();  // 1 ahead
  Serve();  // 0 ahead
  EXPECT_EQ(Notices(mine->ticket.id).size(), 1u);
  for (int64_t id : plain) EXPECT_TRUE(Notices(id).empty()) << id;
}

TEST_F(TurnNearTest, ATicketNearAlreadyAtIssueKeepsNoPhoneAndGetsNoNotice) {
  Take("R");
  auto mine = Take("R", kPhone, Language::kRu);  // 1 ahead <= 2: the slip says so
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(NoticeRows(), 0);
  ASSERT_TRUE(manager_->OpenCounter("test", "1", {"R"}).ok());
  Serve();
  EXPECT_TRUE(Notices(mine->ticket.id).empty());
}

TEST_F(TurnNearTest, AServiceWithoutNoticesKeepsNoPhone) {
  for (int i = 0; i < 5; ++i) Take("P");
  ASSERT_TRUE(Take("P", kPhone).ok());
  EXPECT_EQ(NoticeRows(), 0);
}

TEST_F(TurnNearTest, TheTextIsInTheTicketsLanguageAndFromTheConfiguredTemplate) {
  ServerConfig config = config_;
  ASSERT_TRUE(config.templates.Set("turn_near", Language::kRu, "{number}: {ahead} до вас").ok());
  Open(std::move(config));
  for (int i = 0; i < 3; ++i) Take("R");
  auto mine = Take("R", kPhone, Language::kRu);
  ASSERT_TRUE(manager_->OpenCounter("test", "1", {"R"}).ok());
  Serve();
  auto sent = Notices(mine->ticket.id);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].text, "R004: 2 до вас");
}

TEST_F(TurnNearTest, ABadPhoneNamesTheFieldAndIssuesNothing) {
  for (const char* bad : {"12345", "+1 212 555 0100", "+7 495 123-45-67", "не номер"}) {
    auto t = Take("R", bad);
    EXPECT_EQ(t.status().code(), Status::Code::kInvalidArgument) << bad;
    EXPECT_EQ(t.status().field(), "notify_phone") << bad;
    EXPECT_EQ(t.status().message().find(bad), std::string::npos) << "echoes the input";
  }
  EXPECT_EQ(Take("R")->ticket.number, 1);  // no number was used
  EXPECT_EQ(NoticeRows(), 0);
}

TEST_F(TurnNearTest, ARetryKeepsOneTicketAndOneRow) {
  for (int i = 0; i < 4; ++i) Take("R");
  CreateTicketInput in{"test", "R", Language::kEn, Priority::kNone, "same-id"};
  in.notify_phone = kPhone;
  auto a = manager_->CreateTicket(in);
  auto b = manager_->CreateTicket(in);
  ASSERT_TRUE(a.ok() && b.ok()) << b.status().ToString();
  EXPECT_EQ(a->ticket.id, b->ticket.id);
  EXPECT_EQ(NoticeRows(), 1);
}

TEST_F(TurnNearTest, AnEndedTicketsRowIsPrunedAndAWaitingOnesKept) {
  for (int i = 0; i < 3; ++i) Take("R");
  auto gone = Take("R", kPhone);
  auto waiting = Take("R", "+79990001122");
  ASSERT_EQ(NoticeRows(), 2);
  ASSERT_TRUE(manager_->OpenCounter("test", "1", {"R"}).ok());
  ASSERT_TRUE(manager_->CallChosen("test", "1", gone->ticket.id).ok());
  ASSERT_TRUE(manager_->Act("test", "1", gone->ticket.id, CounterAction::kNoShow).ok());
  auto pruned = manager_->PruneRequests();
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(db_.Query("SELECT ticket_id FROM ticket_notices").value(),
            (std::vector<std::vector<std::string>>{{std::to_string(waiting->ticket.id)}}));
}

}  // namespace
}  // namespace shop::queue
