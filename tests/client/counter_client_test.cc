#include "counter/counter_client.h"

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "counter/format.h"
#include "tests/client/in_process_server.h"

namespace shop::queue::counter {
namespace {

using namespace std::chrono_literals;

// A CounterService and BoardService that record what they are asked.
class FakeCounter final : public v1::CounterService::Service {
 public:
  std::atomic<int64_t> current_ticket_id{0};
  std::atomic<int> unavailable_call_nexts{0};    // CallNextTicket fails this many times first
  std::atomic<bool> start_unavailable{false};    // StartTicket always fails

  grpc::Status GetCounter(grpc::ServerContext*, const v1::GetCounterRequest* request,
                          v1::GetCounterResponse* response) override {
    response->mutable_counter()->set_branch_id(request->branch_id());
    response->mutable_counter()->set_counter_id(request->counter_id());
    response->mutable_counter()->set_open(true);
    response->mutable_counter()->set_current_ticket_id(current_ticket_id);
    return grpc::Status::OK;
  }

  grpc::Status CallNextTicket(grpc::ServerContext*, const v1::CallNextTicketRequest* request,
                              v1::CallNextTicketResponse* response) override {
    Record("CallNextTicket " + request->request_id());
    if (unavailable_call_nexts.fetch_sub(1) > 0) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "try again");
    }
    FillTicket(9, request->counter_id(), v1::TICKET_STATE_CALLED, response->mutable_ticket());
    return grpc::Status::OK;
  }

  grpc::Status StartTicket(grpc::ServerContext*, const v1::StartTicketRequest* request,
                           v1::StartTicketResponse* response) override {
    Record("StartTicket " + request->branch_id() + "/" + request->counter_id() + "/" +
           std::to_string(request->ticket_id()));
    if (start_unavailable) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "busy");
    FillTicket(request->ticket_id(), request->counter_id(), v1::TICKET_STATE_SERVING,
               response->mutable_ticket());
    return grpc::Status::OK;
  }

  grpc::Status TransferTicket(grpc::ServerContext*, const v1::TransferTicketRequest* request,
                              v1::TransferTicketResponse* response) override {
    Record("TransferTicket " + std::to_string(request->ticket_id()) + " -> " +
           request->target_service_prefix());
    FillTicket(request->ticket_id(), "", v1::TICKET_STATE_WAITING, response->mutable_ticket());
    response->mutable_ticket()->set_service_prefix(request->target_service_prefix());
    return grpc::Status::OK;
  }

  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  static void FillTicket(int64_t id, const std::string& counter, v1::TicketState state,
                         v1::Ticket* ticket) {
    ticket->set_ticket_id(id);
    ticket->set_display_number("R017");
    ticket->set_service_prefix("R");
    ticket->set_counter_id(counter);
    ticket->set_state(state);
  }
  void Record(std::string call) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(std::move(call));
  }

  std::mutex mu_;
  std::vector<std::string> calls_;
};

// Sends a snapshot and one call, then holds the stream open until cancelled.
class FakeBoard final : public v1::BoardService::Service {
 public:
  grpc::Status WatchBoard(grpc::ServerContext* context, const v1::WatchBoardRequest*,
                          grpc::ServerWriter<v1::WatchBoardResponse>* writer) override {
    v1::WatchBoardResponse snapshot;
    snapshot.set_snapshot(true);
    v1::WaitingCount* count = snapshot.add_waiting_counts();
    count->set_service_prefix("R");
    count->set_waiting_count(2);
    writer->Write(snapshot);
    v1::WatchBoardResponse call;
    call.add_calls()->set_display_number("R017");
    call.mutable_calls(0)->set_counter_display_name("Counter 3");
    writer->Write(call);
    while (!context->IsCancelled()) std::this_thread::sleep_for(5ms);
    return grpc::Status::OK;
  }
};

class CounterClientTest : public ::testing::Test {
 protected:
  CounterClientTest() : server_({&fake_, &board_}) {}

  CounterClient NewClient() {
    client::CallOptions options;
    options.first_backoff = 1ms;
    return CounterClient(server_.NewChannel(), "demo", "3", options);
  }

  FakeCounter fake_;
  FakeBoard board_;
  test_support::InProcessServer server_;
};

TEST_F(CounterClientTest, CallNextRetriesWithOneRequestId) {
  fake_.unavailable_call_nexts = 2;
  v1::Ticket ticket;
  grpc::Status status = NewClient().CallNext(&ticket);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(ticket.ticket_id(), 9);
  const std::vector<std::string> calls = fake_.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[1], calls[0]);
  EXPECT_EQ(calls[2], calls[0]);
}

TEST_F(CounterClientTest, TransitionWithZeroUsesTheCurrentTicket) {
  fake_.current_ticket_id = 42;
  v1::Ticket ticket;
  ASSERT_TRUE(NewClient().Start(0, &ticket).ok());
  EXPECT_EQ(ticket.ticket_id(), 42);
  EXPECT_EQ(ticket.state(), v1::TICKET_STATE_SERVING);
  EXPECT_EQ(fake_.calls(), std::vector<std::string>{"StartTicket demo/3/42"});
}

TEST_F(CounterClientTest, TransitionWithExplicitIdSkipsTheLookup) {
  v1::Ticket ticket;
  ASSERT_TRUE(NewClient().Transfer(5, "P", &ticket).ok());
  EXPECT_EQ(ticket.service_prefix(), "P");
  EXPECT_EQ(fake_.calls(), std::vector<std::string>{"TransferTicket 5 -> P"});
}

TEST_F(CounterClientTest, NoCurrentTicketIsRefusedLocally) {
  v1::Ticket ticket;
  grpc::Status status = NewClient().Start(0, &ticket);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "counter has no current ticket");
  EXPECT_TRUE(fake_.calls().empty());
}

TEST_F(CounterClientTest, TransitionsWithoutRequestIdAreSentOnce) {
  fake_.start_unavailable = true;
  v1::Ticket ticket;
  EXPECT_EQ(NewClient().Start(42, &ticket).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(fake_.calls().size(), 1u);
}

TEST_F(CounterClientTest, NotImplementedIsReturnedAsIs) {
  v1::Ticket ticket;
  EXPECT_EQ(NewClient().Park(1, &ticket).error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(CounterClientTest, WatchBoardStopsWhenTheCallbackSaysSo) {
  std::vector<v1::WatchBoardResponse> seen;
  grpc::Status status = NewClient().WatchBoard([&](const v1::WatchBoardResponse& message) {
    seen.push_back(message);
    return seen.size() < 2;
  });
  EXPECT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen[0].snapshot());
  EXPECT_EQ(FormatWaiting(seen[0]), "waiting: R 2");
  EXPECT_EQ(FormatBoardCall(seen[1].calls(0)), "R017 -> Counter 3");
}

TEST_F(CounterClientTest, WatchBoardIsCancelledFromAnotherThread) {
  client::StreamCanceller canceller;
  std::atomic<int> seen{0};
  std::thread stopper([&] {
    while (seen < 2) std::this_thread::sleep_for(1ms);
    canceller.Cancel();
  });
  const CounterClient counter = NewClient();
  grpc::Status status = counter.WatchBoard(
      [&](const v1::WatchBoardResponse&) {
        ++seen;
        return true;
      },
      &canceller);
  stopper.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(seen, 2);
  // Once cancelled, a new watch ends at once.
  EXPECT_EQ(counter.WatchBoard([](const v1::WatchBoardResponse&) { return true; }, &canceller)
                .error_code(),
            grpc::StatusCode::CANCELLED);
}

TEST(CounterFormatTest, TicketLineShowsWhatTheClerkNeeds) {
  v1::Ticket ticket;
  ticket.set_ticket_id(42);
  ticket.set_display_number("R017");
  ticket.set_service_prefix("R");
  ticket.set_state(v1::TICKET_STATE_CALLED);
  ticket.set_counter_id("3");
  ticket.set_recall_count(1);
  ticket.set_priority_class(v1::PRIORITY_CLASS_PREGNANT);
  EXPECT_EQ(FormatTicket(ticket),
            "R017 [id 42]  service R  called  counter 3  recalls 1  priority pregnant");
}

TEST(CounterFormatTest, WaitingCountsListTheCountersServicesFirst) {
  std::vector<v1::Ticket> waiting(3);
  waiting[0].set_service_prefix("P");
  waiting[1].set_service_prefix("R");
  waiting[2].set_service_prefix("P");
  EXPECT_EQ(FormatWaiting(waiting, {"R", "N"}), "waiting: R 1 | N 0 | P 2");
  EXPECT_EQ(FormatWaiting({}, {}), "waiting: none");
}

}  // namespace
}  // namespace shop::queue::counter
