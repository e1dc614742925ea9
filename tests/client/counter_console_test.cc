// The clerk's interactive counter screen driven by piped input, against fake
// CounterService and CaseService: keys that cannot be undone or that open a
// SIM-replacement case by hand ask first (y/N) (issue 11).
#include "counter/counter_console.h"

#include <unistd.h>

#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/client/keys.h"
#include "counter/case_client.h"
#include "counter/counter_client.h"
#include "tests/client/in_process_server.h"
#include "tests/client/piped_input.h"

namespace shop::queue::counter {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

// Counter 3 with N005 (id 42) being served; records the transitions.
class FakeCounter final : public v1::CounterService::Service {
 public:
  grpc::Status GetCounter(grpc::ServerContext*, const v1::GetCounterRequest* request,
                          v1::GetCounterResponse* response) override {
    response->mutable_counter()->set_branch_id(request->branch_id());
    response->mutable_counter()->set_counter_id(request->counter_id());
    response->mutable_counter()->set_display_name("Counter 3");
    response->mutable_counter()->set_open(true);
    response->mutable_counter()->add_service_prefixes("N");
    response->mutable_counter()->set_current_ticket_id(42);
    Fill(response->mutable_current_ticket(), v1::TICKET_STATE_SERVING);
    return grpc::Status::OK;
  }

  grpc::Status ListTickets(grpc::ServerContext*, const v1::ListTicketsRequest*,
                           v1::ListTicketsResponse*) override {
    return grpc::Status::OK;
  }

  grpc::Status MarkNoShowTicket(grpc::ServerContext*, const v1::MarkNoShowTicketRequest* request,
                                v1::MarkNoShowTicketResponse* response) override {
    Record("MarkNoShowTicket " + std::to_string(request->ticket_id()));
    Fill(response->mutable_ticket(), v1::TICKET_STATE_NO_SHOW);
    return grpc::Status::OK;
  }

  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  static void Fill(v1::Ticket* ticket, v1::TicketState state) {
    ticket->set_ticket_id(42);
    ticket->set_display_number("N005");
    ticket->set_service_prefix("N");
    ticket->set_counter_id("3");
    ticket->set_state(state);
  }
  void Record(std::string call) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(std::move(call));
  }

  std::mutex mu_;
  std::vector<std::string> calls_;
};

// A CaseService where ticket 42 has no case until one is opened.
class FakeCases final : public v1::CaseService::Service {
 public:
  grpc::Status GetCase(grpc::ServerContext*, const v1::GetCaseRequest*,
                       v1::GetCaseResponse*) override {
    Record("GetCase");
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "ticket 42 has no case");
  }

  grpc::Status OpenCase(grpc::ServerContext*, const v1::OpenCaseRequest* request,
                        v1::OpenCaseResponse* response) override {
    Record("OpenCase " + std::to_string(request->ticket_id()));
    response->mutable_sim_case()->set_case_id(7);
    response->mutable_sim_case()->set_ticket_id(request->ticket_id());
    response->mutable_sim_case()->set_state(v1::CASE_STATE_AWAITING_FORM);
    return grpc::Status::OK;
  }

  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  void Record(std::string call) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(std::move(call));
  }

  std::mutex mu_;
  std::vector<std::string> calls_;
};

using ::shop::queue::testing::PipedInput;

class CounterConsoleTest : public ::testing::Test {
 protected:
  CounterConsoleTest() : server_({&counter_, &cases_}) {}

  // Runs the screen on `input`; returns what it printed.
  std::string RunScreen(const std::string& input) {
    client::CallOptions options;
    options.first_backoff = 1ms;
    const CounterClient counter(server_.NewChannel(), "demo", "3", options);
    const CaseClient cases(server_.NewChannel(), "demo", "3", options);
    PipedInput piped(input);
    client::KeyReader keys(piped.fd());
    std::ostringstream out;
    CounterConsole console(counter, keys, out, &cases);
    EXPECT_EQ(console.Run(), 0);
    return out.str();
  }

  FakeCounter counter_;
  FakeCases cases_;
  test_support::InProcessServer server_;
};

TEST_F(CounterConsoleTest, NoShowAsksFirst) {
  const std::string screen = RunScreen("x n q");
  EXPECT_THAT(screen, HasSubstr("mark N005 as a no-show? (y/N): n"));
  EXPECT_THAT(screen, HasSubstr("not marked: N005 stays"));
  EXPECT_TRUE(counter_.calls().empty());

  RunScreen("x q");  // any key but y is a no
  EXPECT_TRUE(counter_.calls().empty());

  RunScreen("x y q");
  EXPECT_EQ(counter_.calls(), std::vector<std::string>{"MarkNoShowTicket 42"});
}

TEST_F(CounterConsoleTest, CaseKeyOnATicketWithoutACaseWarnsAndAsksFirst) {
  const std::string screen = RunScreen("k n q");
  EXPECT_THAT(screen, HasSubstr("N005 has no SIM-replacement case"));
  EXPECT_THAT(screen, HasSubstr("cannot be finished (done)"));
  EXPECT_THAT(screen, HasSubstr("open a SIM-replacement case for N005 by hand? (y/N): n"));
  EXPECT_THAT(cases_.calls(), Not(Contains("OpenCase 42")));

  RunScreen("k y q q");
  EXPECT_THAT(cases_.calls(), Contains("OpenCase 42"));
}

}  // namespace
}  // namespace shop::queue::counter
