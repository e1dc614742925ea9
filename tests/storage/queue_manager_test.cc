// QueueManager use cases over a real SQLite file with a manual clock.
#include "server/domain/queue/queue_manager.h"

#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/test_db.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

using testing::At;
using testing::TempDir;

constexpr const char* kZone = "Europe/Moscow";

class QueueManagerTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(testing::TestConfig(kZone)); }

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

  Result<TicketView> Take(const std::string& prefix, Priority p = Priority::kNone) {
    CreateTicketInput in{"test", prefix, Language::kEn, p, "req-" + std::to_string(++seq_)};
    return manager_->CreateTicket(in);
  }

  std::string NextId() { return "call-" + std::to_string(++seq_); }

  TempDir dir_;
  testing::TestDb db_{dir_};
  ManualClock clock_{At(kZone, 2026, 3, 10, 10, 0)};  // Tuesday, open
  BoardHub board_;
  ServerConfig config_;
  std::unique_ptr<EngineStore> store_;
  std::unique_ptr<QueueManager> manager_;
  int seq_ = 0;
};

TEST_F(QueueManagerTest, NumbersRunPerServiceAndResetAtLocalMidnight) {
  ServerConfig always_open = testing::TestConfig(kZone);
  for (auto& h : always_open.branches[0].hours) h = DayHours{0, 24 * 60};
  Open(always_open);
  clock_.Set(At(kZone, 2026, 3, 10, 23, 58));
  EXPECT_EQ(Take("R")->ticket.DisplayNumber(), "R001");
  EXPECT_EQ(Take("R")->ticket.DisplayNumber(), "R002");
  EXPECT_EQ(Take("P")->ticket.DisplayNumber(), "P001");
  clock_.Set(At(kZone, 2026, 3, 10, 23, 59, 59));
  EXPECT_EQ(Take("R")->ticket.DisplayNumber(), "R003");
  clock_.Set(At(kZone, 2026, 3, 11, 0, 0, 0));  // 21:00 UTC: local midnight
  auto t = Take("R");
  EXPECT_EQ(t->ticket.DisplayNumber(), "R001");
  EXPECT_EQ(t->ticket.business_day, "2026-03-11");
}

TEST_F(QueueManagerTest, NumbersSurviveAReopen) {
  Take("R");
  Take("R");
  Open(config_);
  EXPECT_EQ(Take("R")->ticket.number, 3);
}

TEST_F(QueueManagerTest, SameRequestIdGivesTheSameTicket) {
  CreateTicketInput in{"test", "R", Language::kZh, Priority::kNone, "same-id"};
  auto a = manager_->CreateTicket(in);
  auto b = manager_->CreateTicket(in);
  auto c = manager_->CreateTicket(in);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->ticket.id, b->ticket.id);
  EXPECT_EQ(a->ticket.id, c->ticket.id);
  EXPECT_EQ(Take("R")->ticket.number, 2);  // only one number was used
}

TEST_F(QueueManagerTest, BadInputNamesTheField) {
  CreateTicketInput in{"test", "", Language::kEn, Priority::kNone, "x"};
  EXPECT_EQ(manager_->CreateTicket(in).status().field(), "service_prefix");
  in.service_prefix = "Z";
  EXPECT_EQ(manager_->CreateTicket(in).status().field(), "service_prefix");
  in.service_prefix = "R";
  in.request_id = "";
  EXPECT_EQ(manager_->CreateTicket(in).status().field(), "request_id");
  in.request_id = "has space";
  EXPECT_EQ(manager_->CreateTicket(in).status().field(), "request_id");
  in.request_id = "ok";
  in.branch_id = "";
  EXPECT_EQ(manager_->CreateTicket(in).status().field(), "branch_id");
  in.branch_id = "nowhere";
  EXPECT_EQ(manager_->CreateTicket(in).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(manager_->GetTicket("test", 9999).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(manager_->GetTicket("test", 0).status().field(), "ticket_id");
  EXPECT_EQ(manager_->OpenCounter("test", "9", {}).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(manager_->OpenCounter("test", "3", {"R"}).status().field(), "service_prefixes");
}

TEST_F(QueueManagerTest, ClosedBranchIssuesNoTickets) {
  clock_.Set(At(kZone, 2026, 3, 10, 21, 0));
  EXPECT_EQ(Take("R").status().code(), Status::Code::kFailedPrecondition);
  clock_.Set(At(kZone, 2026, 3, 15, 12, 0));  // Sunday
  EXPECT_EQ(Take("R").status().code(), Status::Code::kFailedPrecondition);
}

TEST_F(QueueManagerTest, FullWorkflowAtACounter) {
  auto t = Take("R");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(manager_->CallNext("test", "1", NextId()).status().code(),
            Status::Code::kFailedPrecondition);  // counter closed
  ASSERT_TRUE(manager_->OpenCounter("test", "1", {}).ok());
  auto called = manager_->CallNext("test", "1", NextId());
  ASSERT_TRUE(called.ok()) << called.status().ToString();
  EXPECT_EQ(called->ticket.id, t->ticket.id);
  EXPECT_EQ(called->ticket.state, TicketState::kCalled);
  EXPECT_EQ(called->ticket.counter_id, "1");
  // Busy: the counter cannot call another ticket or close.
  Take("R");
  EXPECT_EQ(manager_->CallNext("test", "1", NextId()).status().code(),
            Status::Code::kFailedPrecondition);
  EXPECT_EQ(manager_->CloseCounter("test", "1").status().code(), Status::Code::kFailedPrecondition);
  // Another counter may not act on it.
  ASSERT_TRUE(manager_->OpenCounter("test", "2", {}).ok());
  EXPECT_EQ(manager_->Act("test", "2", t->ticket.id, CounterAction::kStart).status().code(),
            Status::Code::kFailedPrecondition);
  ASSERT_TRUE(manager_->Act("test", "1", t->ticket.id, CounterAction::kRecall).ok());
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(manager_->Act("test", "1", t->ticket.id, CounterAction::kStart).ok());
  clock_.Advance(absl::Minutes(4));
  auto done = manager_->Act("test", "1", t->ticket.id, CounterAction::kComplete);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->ticket.state, TicketState::kDone);
  // Completing twice is the wrong state, and changes nothing.
  EXPECT_EQ(manager_->Act("test", "1", t->ticket.id, CounterAction::kComplete).status().code(),
            Status::Code::kFailedPrecondition);
  // The real service time now drives the estimate: 4 min average.
  auto services = manager_->ListServices("test");
  ASSERT_TRUE(services.ok());
  EXPECT_EQ((*services)[0].average_service_time, absl::Minutes(4));
  EXPECT_TRUE(manager_->CloseCounter("test", "1").ok());
}

TEST_F(QueueManagerTest, CallNextRetryReturnsTheSameTicket) {
  Take("R");
  Take("R");
  ASSERT_TRUE(manager_->OpenCounter("test", "1", {}).ok());
  auto a = manager_->CallNext("test", "1", "call-once");
  auto b = manager_->CallNext("test", "1", "call-once");
  ASSERT_TRUE(a.ok() && b.ok()) << b.status().ToString();
  EXPECT_EQ(a->ticket.id, b->ticket.id);
}

TEST_F(QueueManagerTest, PositionAndEstimatedWait) {
  Take("R");
  Take("R");
  auto third = Take("R");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->position, 2);
  EXPECT_EQ(third->estimated_wait, absl::Minutes(20));  // 2 x 10 min, no counter open: 1
  ASSERT_TRUE(manager_->OpenCounter("test", "1", {}).ok());
  ASSERT_TRUE(manager_->OpenCounter("test", "2", {}).ok());
  auto again = manager_->GetTicket("test", third->ticket.id);
  EXPECT_EQ(again->position, 2);
  EXPECT_EQ(again->estimated_wait, absl::Minutes(10));  // 2 x 10 / 2 counters
  auto prio = Take("R", Priority::kElderly);
  EXPECT_EQ(prio->position, 0);
  EXPECT_EQ(manager_->GetTicket("test", third->ticket.id)->position, 3);
}

TEST_F(QueueManagerTest, TransferKeepsPlaceByIssueTime) {
  auto r = Take("R");
  clock_.Advance(absl::Minutes(5));
  auto p1 = Take("P");
  ASSERT_TRUE(manager_->OpenCounter("test", "2", {}).ok());
  ASSERT_TRUE(manager_->CallNext("test", "2", NextId()).ok());
  ASSERT_TRUE(manager_->Act("test", "2", r->ticket.id, CounterAction::kStart).ok());
  auto moved = manager_->Transfer("test", "2", r->ticket.id, "P");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->ticket.DisplayNumber(), "R001");
  EXPECT_EQ(moved->ticket.service_prefix, "P");
  EXPECT_EQ(moved->position, 0);  // issued before P001
  ASSERT_TRUE(manager_->OpenCounter("test", "3", {}).ok());
  auto next = manager_->CallNext("test", "3", NextId());
  EXPECT_EQ(next->ticket.id, r->ticket.id);
  EXPECT_EQ(manager_->GetTicket("test", p1->ticket.id)->position, 0);
}

TEST_F(QueueManagerTest, ParkAndReturn) {
  auto t = Take("R");
  ASSERT_TRUE(manager_->OpenCounter("test", "1", {}).ok());
  ASSERT_TRUE(manager_->CallNext("test", "1", NextId()).ok());
  ASSERT_TRUE(manager_->Act("test", "1", t->ticket.id, CounterAction::kStart).ok());
  ASSERT_TRUE(manager_->Act("test", "1", t->ticket.id, CounterAction::kPark).ok());
  // A parked ticket frees the counter for the next customer.
  auto other = Take("R");
  ASSERT_TRUE(manager_->CallNext("test", "1", NextId()).ok());
  EXPECT_EQ(manager_->Act("test", "1", t->ticket.id, CounterAction::kReturn).status().code(),
            Status::Code::kFailedPrecondition);  // busy with the other one
  ASSERT_TRUE(manager_->Act("test", "1", other->ticket.id, CounterAction::kNoShow).ok());
  auto back = manager_->Act("test", "1", t->ticket.id, CounterAction::kReturn);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ticket.state, TicketState::kCalled);
}

// A busy counter says what can be done with its ticket in the state it is
// in (a called ticket cannot be parked; a serving one is not a no-show).
TEST_F(QueueManagerTest, ABusyCounterSaysWhatCanBeDoneWithItsTicket) {
  auto first = Take("R");
  Take("R");
  ASSERT_TRUE(manager_->OpenCounter("test", "1", {}).ok());
  ASSERT_TRUE(manager_->CallNext("test", "1", NextId()).ok());
  auto called = manager_->CallNext("test", "1", NextId());
  ASSERT_EQ(called.status().code(), Status::Code::kFailedPrecondition);
  const std::string when_called = called.status().message();
  for (const char* what : {"R001", "called", "start", "recall", "no-show", "transfer"})
    EXPECT_NE(when_called.find(what), std::string::npos) << what << ": " << when_called;
  EXPECT_EQ(when_called.find("park"), std::string::npos) << when_called;
  EXPECT_EQ(when_called.find("finish"), std::string::npos) << when_called;

  ASSERT_TRUE(manager_->Act("test", "1", first->ticket.id, CounterAction::kStart).ok());
  auto serving = manager_->CallNext("test", "1", NextId());
  ASSERT_EQ(serving.status().code(), Status::Code::kFailedPrecondition);
  const std::string when_serving = serving.status().message();
  for (const char* what : {"R001", "serving", "finish", "park", "transfer"})
    EXPECT_NE(when_serving.find(what), std::string::npos) << what << ": " << when_serving;
  EXPECT_EQ(when_serving.find("no-show"), std::string::npos) << when_serving;
  EXPECT_EQ(when_serving.find("recall"), std::string::npos) << when_serving;
}

TEST_F(QueueManagerTest, WaitingTicketsExpireAtClosingTime) {
  auto t = Take("R");
  clock_.Set(At(kZone, 2026, 3, 10, 20, 59));
  EXPECT_EQ(*manager_->ExpireOverdue(), 0);
  clock_.Set(At(kZone, 2026, 3, 10, 21, 0));
  EXPECT_EQ(*manager_->ExpireOverdue(), 1);
  EXPECT_EQ(manager_->GetTicket("test", t->ticket.id)->ticket.state, TicketState::kExpired);
  EXPECT_EQ(*manager_->ExpireOverdue(), 0);
}

TEST_F(QueueManagerTest, BoardSeesCallsAfterCommit) {
  Take("R");
  auto sub = board_.Subscribe("test");
  ASSERT_TRUE(manager_->OpenCounter("test", "1", {}).ok());
  (void)sub->Next(absl::Seconds(1));  // counts after opening
  auto called = manager_->CallNext("test", "1", NextId());
  ASSERT_TRUE(called.ok());
  auto u = sub->Next(absl::Seconds(1));
  ASSERT_TRUE(u);
  ASSERT_EQ(u->calls.size(), 1u);
  EXPECT_EQ(u->calls[0].call.display_number, "R001");
  EXPECT_EQ(u->calls[0].counter_display_name, "Counter 1");
  EXPECT_EQ(u->waiting["R"], 0);
  ASSERT_TRUE(manager_->Act("test", "1", called->ticket.id, CounterAction::kRecall).ok());
  auto snap = manager_->BoardSnapshot("test", 10);
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->calls.size(), 2u);  // oldest first, each with its own recall count
  EXPECT_EQ(snap->calls[0].call.counter_id, "1");
  EXPECT_EQ(snap->calls[0].call.recall_count, 0);
  EXPECT_EQ(snap->calls[1].call.recall_count, 1);
}

TEST_F(QueueManagerTest, ConcurrentCallNextNeverGivesATicketTwice) {
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(Take(i % 2 ? "R" : "N").ok());
  for (const char* c : {"1", "2"}) ASSERT_TRUE(manager_->OpenCounter("test", c, {}).ok());
  std::mutex mu;
  std::vector<int64_t> got;
  std::vector<std::thread> threads;
  for (const char* c : {"1", "2"}) {
    threads.emplace_back([&, c] {
      for (int i = 0;; ++i) {
        auto t = manager_->CallNext("test", c, std::string(c) + "-" + std::to_string(i));
        if (!t.ok()) break;
        {
          std::lock_guard lock(mu);
          got.push_back(t->ticket.id);
        }
        EXPECT_TRUE(manager_->Act("test", c, t->ticket.id, CounterAction::kNoShow).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(got.size(), 60u);
  EXPECT_EQ(std::set<int64_t>(got.begin(), got.end()).size(), 60u);
}

}  // namespace
}  // namespace shop::queue
