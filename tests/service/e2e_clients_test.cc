// End to end with the real client classes (what the kiosk and counter
// programs use) against a real server on 127.0.0.1 and a real SQLite file.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "counter/counter_client.h"
#include "kiosk/kiosk_client.h"
#include "kiosk/slip.h"
#include "tests/service/test_server.h"

namespace shop::queue {
namespace {

namespace v1 = ::shop::queue::v1;

TEST(EndToEnd, KioskToCounterToDoneWithTheBoardWatching) {
  testing::TestServer server;
  kiosk::KioskClient kiosk(server.Channel(), "test");
  counter::CounterClient desk(server.Channel(), "test", "1");

  // The hall board watches from the start.
  client::StreamCanceller stop_board;
  std::atomic<bool> board_saw_call{false};
  std::thread board([&] {
    counter::CounterClient watcher(server.Channel(), "test", "");
    watcher.WatchBoard(
        [&](const v1::WatchBoardResponse& msg) {
          for (const auto& c : msg.calls())
            if (c.display_number() == "R001" && c.counter_id() == "1") board_saw_call = true;
          return !board_saw_call.load();
        },
        &stop_board);
  });

  v1::CreateTicketResponse slip;
  ASSERT_TRUE(kiosk.TakeTicket("R", v1::LANGUAGE_EN, v1::PRIORITY_CLASS_UNSPECIFIED, &slip).ok());
  EXPECT_EQ(slip.ticket().display_number(), "R001");
  std::string text = kiosk::FormatSlip(slip, v1::LANGUAGE_EN);
  EXPECT_NE(text.find("SIM replacement"), std::string::npos) << text;
  EXPECT_NE(text.find("Test shop"), std::string::npos) << text;

  v1::Counter opened;
  ASSERT_TRUE(desk.Open({}, &opened).ok());
  EXPECT_TRUE(opened.open());
  v1::Ticket t;
  ASSERT_TRUE(desk.CallNext(&t).ok());
  EXPECT_EQ(t.ticket_id(), slip.ticket().ticket_id());
  ASSERT_TRUE(desk.Start(0, &t).ok());  // 0: the counter's current ticket
  EXPECT_EQ(t.state(), v1::TICKET_STATE_SERVING);
  ASSERT_TRUE(desk.Complete(0, &t).ok());
  EXPECT_EQ(t.state(), v1::TICKET_STATE_DONE);

  v1::Ticket seen;
  ASSERT_TRUE(kiosk.GetTicket(slip.ticket().ticket_id(), &seen).ok());
  EXPECT_EQ(seen.state(), v1::TICKET_STATE_DONE);

  for (int i = 0; i < 100 && !board_saw_call; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop_board.Cancel();
  board.join();
  EXPECT_TRUE(board_saw_call.load()) << "the board never showed R001 -> counter 1";
}

TEST(EndToEnd, RefusalsReachTheClerkUnchanged) {
  testing::TestServer server;
  counter::CounterClient desk(server.Channel(), "test", "1");
  v1::Ticket t;
  grpc::Status st = desk.CallNext(&t);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find("closed"), std::string::npos) << st.error_message();
  v1::Counter c;
  ASSERT_TRUE(desk.Open({}, &c).ok());
  EXPECT_EQ(desk.CallNext(&t).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(desk.Start(0, &t).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace shop::queue
