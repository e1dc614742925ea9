// BoardState without a server: what a message changes and what is announced
// (each call once; the first snapshot is history; a reconnection's snapshot
// catches up on recent calls only).
#include <gtest/gtest.h>

#include "board/board_state.h"

namespace shop::queue::board {
namespace {

constexpr int64_t kNow = 1'800'000'000;

v1::BoardCall Call(int64_t id, const std::string& number, int recall, int64_t at,
                   v1::Language language = v1::LANGUAGE_RU) {
  v1::BoardCall call;
  call.set_ticket_id(id);
  call.set_display_number(number);
  call.set_counter_id("3");
  call.set_counter_display_name("Counter 3");
  call.set_recall_count(recall);
  call.mutable_call_time()->set_seconds(at);
  call.set_language(language);
  return call;
}

std::vector<std::string> Numbers(const std::vector<BoardCallView>& calls) {
  std::vector<std::string> out;
  for (const BoardCallView& c : calls) out.push_back(c.display_number + "#" + std::to_string(c.recall_count));
  return out;
}

TEST(BoardStateTest, FirstSnapshotIsHistoryLaterCallsAreAnnouncedOnce) {
  BoardState state;
  v1::WatchBoardResponse snapshot;
  snapshot.set_snapshot(true);
  *snapshot.add_calls() = Call(1, "R001", 0, kNow - 60);
  *snapshot.add_calls() = Call(2, "R002", 0, kNow - 30);
  EXPECT_TRUE(state.Apply(snapshot, kNow).empty());
  ASSERT_EQ(state.calls().size(), 2u);
  EXPECT_EQ(state.calls()[0].display_number, "R002");  // newest first

  v1::WatchBoardResponse event;
  *event.add_calls() = Call(3, "N001", 0, kNow, v1::LANGUAGE_ZH);
  const auto said = state.Apply(event, kNow);
  EXPECT_EQ(Numbers(said), std::vector<std::string>{"N001#0"});
  EXPECT_EQ(said[0].language, SpeechLanguage::kZh);
  // The same event again (a duplicate) is not said twice.
  EXPECT_TRUE(state.Apply(event, kNow).empty());

  // A recall moves R001 to the top and is said.
  v1::WatchBoardResponse recall;
  *recall.add_calls() = Call(1, "R001", 1, kNow + 5);
  EXPECT_EQ(Numbers(state.Apply(recall, kNow + 5)), std::vector<std::string>{"R001#1"});
  ASSERT_EQ(state.calls().size(), 3u);
  EXPECT_EQ(state.calls()[0].display_number, "R001");
}

TEST(BoardStateTest, ReconnectionSnapshotCatchesUpOnRecentCallsOnly) {
  BoardState state;
  v1::WatchBoardResponse first;
  first.set_snapshot(true);
  *first.add_calls() = Call(1, "R001", 0, kNow - 1000);
  (void)state.Apply(first, kNow - 900);

  v1::WatchBoardResponse again;  // after a reconnection
  again.set_snapshot(true);
  *again.add_calls() = Call(1, "R001", 0, kNow - 1000);  // seen: not again
  *again.add_calls() = Call(5, "P001", 0, kNow - 600);   // missed, but stale
  *again.add_calls() = Call(6, "R002", 0, kNow - 20);    // missed while away
  *again.add_calls() = Call(7, "N001", 0, kNow - 10);
  EXPECT_EQ(Numbers(state.Apply(again, kNow)), (std::vector<std::string>{"R002#0", "N001#0"}));
  EXPECT_EQ(state.calls().size(), 4u);  // all shown
}

// The server resets recall_count to 0 on a new call, a return from parking
// and a transfer: a second call of a ticket with the same count is a new
// call (its call time differs) and is said again.
TEST(BoardStateTest, ACallAgainWithRecallCountZeroIsAnnouncedAgain) {
  BoardState state;
  v1::WatchBoardResponse snapshot;
  snapshot.set_snapshot(true);
  (void)state.Apply(snapshot, kNow);
  v1::WatchBoardResponse call;
  *call.add_calls() = Call(1, "R001", 0, kNow);
  EXPECT_EQ(Numbers(state.Apply(call, kNow)), std::vector<std::string>{"R001#0"});
  v1::WatchBoardResponse transferred;  // called again at counter 5
  *transferred.add_calls() = Call(1, "R001", 0, kNow + 40);
  transferred.mutable_calls(0)->set_counter_id("5");
  transferred.mutable_calls(0)->set_counter_display_name("Counter 5");
  const auto said = state.Apply(transferred, kNow + 40);
  ASSERT_EQ(Numbers(said), std::vector<std::string>{"R001#0"});
  EXPECT_EQ(said[0].counter_name, "Counter 5");
  // Within the same second, told apart by the microseconds.
  v1::WatchBoardResponse returned;
  *returned.add_calls() = Call(1, "R001", 0, kNow + 40);
  returned.mutable_calls(0)->mutable_call_time()->set_nanos(500'000'000);
  EXPECT_EQ(Numbers(state.Apply(returned, kNow + 40)), std::vector<std::string>{"R001#0"});
  EXPECT_TRUE(state.Apply(returned, kNow + 41).empty());  // a duplicate
}

// A board runs for months: what it remembers of announced calls stays
// bounded, and forgetting does not make a snapshot repeat a call.
TEST(BoardStateTest, RememberedCallsStayBounded) {
  BoardState state;
  v1::WatchBoardResponse snapshot;
  snapshot.set_snapshot(true);
  (void)state.Apply(snapshot, kNow);
  int64_t now = kNow;
  for (int i = 1; i <= 5000; ++i) {
    now += 2;  // a call every 2 s, for almost 3 hours
    v1::WatchBoardResponse call;
    *call.add_calls() = Call(i, "R" + std::to_string(i), 0, now);
    ASSERT_EQ(state.Apply(call, now).size(), 1u);
    ASSERT_LE(state.remembered(), BoardState::kMaxRemembered);
  }
  // Only the catch-up window (and a minute) is kept: 360 s / 2 s.
  EXPECT_LE(state.remembered(), 181u);
  // A reconnection snapshot with the server's recent calls says none again.
  v1::WatchBoardResponse again;
  again.set_snapshot(true);
  for (int i = 4951; i <= 5000; ++i) {
    *again.add_calls() = Call(i, "R" + std::to_string(i), 0, kNow + 2 * i);
  }
  EXPECT_TRUE(state.Apply(again, now + 1).empty());
}

TEST(BoardStateTest, WaitingDueFaultsAndZone) {
  BoardState state;
  state.SetBranchFallback("Demo shop", "Europe/Moscow");
  v1::WatchBoardResponse message;
  message.set_snapshot(true);
  auto* w = message.add_waiting_counts();
  w->set_service_prefix("R");
  w->set_waiting_count(4);
  auto* d = message.add_due_appointments();
  d->set_display_number("R005");
  d->mutable_due_time()->set_seconds(kNow + 600);
  auto* ok = message.add_device_faults();
  ok->set_device_id("hall-2");
  ok->set_printer_state(v1::PRINTER_STATE_OK);
  auto* bad = message.add_device_faults();
  bad->set_device_id("hall-1");
  bad->set_printer_state(v1::PRINTER_STATE_OUT_OF_PAPER);
  (void)state.Apply(message, kNow);
  ASSERT_EQ(state.waiting().size(), 1u);
  EXPECT_EQ(state.waiting()[0].waiting, 4);
  ASSERT_EQ(state.due().size(), 1u);
  EXPECT_EQ(state.due()[0].due_time_unix, kNow + 600);
  EXPECT_EQ(state.faults(), std::vector<std::string>{"kiosk hall-1: printer out of paper"});
  EXPECT_EQ(state.time_zone(), "Europe/Moscow");  // the stream named none
  EXPECT_EQ(state.branch_name(), "Demo shop");
  message.set_time_zone("Asia/Shanghai");
  (void)state.Apply(message, kNow);
  EXPECT_EQ(state.time_zone(), "Asia/Shanghai");
}

}  // namespace
}  // namespace shop::queue::board
