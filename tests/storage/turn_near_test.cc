// "Your turn is near" (server/domain/queue/turn_near.h) through QueueManager
// over a real store (SQLite, and PostgreSQL in the pg. pass) with a manual
// clock: one SMS in the outbox, queued with the call that brought the ticket
// near, never a second one, none for tickets without a phone, none at all
// (and no phone kept) while no SMS can be sent; the housekeeping sweep
// blanks the phones of notices sent, dead or past the privacy retention.
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
    // Sending is on, with an SMS gateway (no sender runs here).
    config.notify.enabled = true;
    config.notify.sms.url = "http://127.0.0.1:9/send";
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
  int64_t OutboxRows() { return db_.QueryInt("SELECT COUNT(*) FROM outbox"); }

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
  EXPECT_TRUE(mine->turn_near_sms);
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
  EXPECT_FALSE(mine->turn_near_sms);
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
  EXPECT_TRUE(a->turn_near_sms);
  EXPECT_TRUE(b->turn_near_sms);
  // Retried once the notice is queued (2 ahead): still the first answer,
  // though the ticket is near now.
  ASSERT_TRUE(manager_->OpenCounter("test", "1", {"R"}).ok());
  Serve();
  Serve();
  ASSERT_EQ(Notices(a->ticket.id).size(), 1u);
  auto c = manager_->CreateTicket(in);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->ticket.id, a->ticket.id);
  EXPECT_EQ(c->position, 2);
  EXPECT_TRUE(c->turn_near_sms);
}

// Notifications off (the default), or on without an SMS gateway: no phone
// is kept, the answer promises no SMS, and no notice is ever queued (it
// would go out hours late once sending is turned on).
TEST_F(TurnNearTest, WithoutSmsSendingNoPhoneIsKeptAndNothingIsQueued) {
  ServerConfig off = config_;
  off.notify.enabled = false;
  ServerConfig email_only = config_;
  email_only.notify.sms.url.clear();
  email_only.notify.smtp.url = "smtp://127.0.0.1:9";
  email_only.notify.smtp.from = "queue@shop.example";
  for (ServerConfig* config : {&off, &email_only}) {
    SCOPED_TRACE(config == &off ? "notify off" : "no SMS gateway");
    Open(*config);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(Take("R").ok());
    auto mine = Take("R", kPhone);  // 4 ahead: would be kept
    ASSERT_TRUE(mine.ok()) << mine.status().ToString();
    EXPECT_EQ(mine->position, 4);
    EXPECT_FALSE(mine->turn_near_sms);
    EXPECT_EQ(NoticeRows(), 0);
    ASSERT_TRUE(manager_->OpenCounter("test", "1", {"R"}).ok());
    for (int i = 0; i < 4; ++i) Serve();
    EXPECT_TRUE(Notices(mine->ticket.id).empty());
    EXPECT_EQ(OutboxRows(), 0);
    // Closes the counter and ends the rest for the next round.
    Serve();
    ASSERT_TRUE(manager_->CloseCounter("test", "1").ok());
  }
}

// The sweep blanks the phone of a "turn is near" SMS once it is sent or
// dead, and of any (even pending) past [privacy] retention; the rest of the
// row stays, and other subjects' messages are left to their own erasure.
TEST_F(TurnNearTest, TheSweepBlanksThePhonesOfSpentNoticesAndOfOldOnes) {
  for (int i = 0; i < 3; ++i) Take("R");
  auto sent = Take("R", "+79990000001");     // 3 ahead
  auto dead = Take("R", "+79990000002");     // 4 ahead
  auto pending = Take("R", "+79990000003");  // 5 ahead
  ASSERT_TRUE(sent.ok() && dead.ok() && pending.ok());
  OutboxMessage booking{0, clock_.Now(), "sms", "+79990000004", "reminder", "booking:7"};
  ASSERT_TRUE(manager_->OpenCounter("test", "1", {"R"}).ok());
  for (int i = 0; i < 3; ++i) Serve();  // each comes within 2 in turn
  const OutboxMessage s = Notices(sent->ticket.id).at(0);
  const OutboxMessage d = Notices(dead->ticket.id).at(0);
  ASSERT_EQ(Notices(pending->ticket.id).size(), 1u);
  ASSERT_TRUE(store_
                  ->Write([&](WriteTx& tx) -> Status {
                    QUEUE_RETURN_IF_ERROR(tx.outbox().MarkSent(s.id, clock_.Now()));
                    QUEUE_RETURN_IF_ERROR(tx.outbox().MarkFailed(d.id, 1, clock_.Now(),
                                                                 "gateway answered HTTP 400",
                                                                 /*dead=*/true));
                    QUEUE_RETURN_IF_ERROR(tx.outbox().EnqueueMessage(booking));
                    return tx.outbox().MarkSent(booking.id, clock_.Now());
                  })
                  .ok());

  auto pruned = manager_->PruneRequests();
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  const OutboxMessage s2 = Notices(sent->ticket.id).at(0);
  EXPECT_EQ(s2.recipient, "");
  EXPECT_EQ(s2.state, OutboxState::kSent);
  EXPECT_EQ(s2.text, s.text);
  EXPECT_EQ(s2.channel, "sms");
  ASSERT_TRUE(s2.sent.has_value());
  EXPECT_EQ(*s2.sent, clock_.Now());
  const OutboxMessage d2 = Notices(dead->ticket.id).at(0);
  EXPECT_EQ(d2.recipient, "");
  EXPECT_EQ(d2.state, OutboxState::kDead);
  EXPECT_EQ(d2.last_error, "gateway answered HTTP 400");
  EXPECT_EQ(Notices(pending->ticket.id).at(0).recipient, "+79990000003") << "still to be sent";
  auto others = [&] {
    std::vector<OutboxMessage> out;
    EXPECT_TRUE(store_
                    ->Read([&](ReadTx& tx) -> Status {
                      auto m = tx.outbox().OutboxFor("booking:7");
                      if (m.ok()) out = *m;
                      return m.status();
                    })
                    .ok());
    return out;
  };
  EXPECT_EQ(others().at(0).recipient, "+79990000004") << "a booking's erasure is its own";

  // Past the retention even a pending one goes.
  clock_.Advance(config_.privacy.retention + absl::Hours(1));
  ASSERT_TRUE(manager_->PruneRequests().ok());
  const OutboxMessage p2 = Notices(pending->ticket.id).at(0);
  EXPECT_EQ(p2.recipient, "");
  EXPECT_EQ(p2.state, OutboxState::kPending);
  EXPECT_FALSE(p2.text.empty());
  EXPECT_EQ(others().at(0).recipient, "+79990000004");
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
