// Every ticket transition, allowed and forbidden, from every state.
#include "server/domain/queue/ticket.h"

#include <functional>
#include <map>
#include <set>

#include <gtest/gtest.h>

namespace shop::queue {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

Ticket InState(TicketState s) {
  Ticket t;
  t.id = 7;
  t.branch_id = "test";
  t.number_prefix = "R";
  t.service_prefix = "R";
  t.number = 17;
  t.state = s;
  t.issue_time = kNow - absl::Minutes(30);
  if (s == TicketState::kCalled || s == TicketState::kServing || s == TicketState::kParked)
    t.counter_id = "1";
  return t;
}

bool Same(const Ticket& a, const Ticket& b) {
  return a.state == b.state && a.counter_id == b.counter_id && a.service_prefix == b.service_prefix &&
         a.recall_count == b.recall_count && a.call_time == b.call_time &&
         a.issue_time == b.issue_time && a.finish_time == b.finish_time;
}

using Action = std::function<Status(Ticket&)>;

const std::map<std::string, Action>& Actions() {
  static const std::map<std::string, Action> actions = {
      {"call", [](Ticket& t) { return CallTicket(t, "1", kNow); }},
      {"recall", [](Ticket& t) { return RecallTicket(t, "1", 2, kNow); }},
      {"start", [](Ticket& t) { return StartTicket(t, "1", kNow); }},
      {"complete", [](Ticket& t) { return CompleteTicket(t, "1", kNow); }},
      {"no_show", [](Ticket& t) { return MarkNoShow(t, "1", kNow); }},
      {"transfer", [](Ticket& t) { return TransferTicket(t, "1", "P", kNow); }},
      {"park", [](Ticket& t) { return ParkTicket(t, "1", kNow); }},
      {"return", [](Ticket& t) { return ReturnTicket(t, "1", kNow); }},
      {"expire", [](Ticket& t) { return ExpireTicket(t, kNow); }},
      {"cancel", [](Ticket& t) { return CancelTicket(t, kNow); }},
  };
  return actions;
}

// The allowed (state, action) pairs and the state each leads to.
const std::map<std::pair<TicketState, std::string>, TicketState>& Allowed() {
  using S = TicketState;
  static const std::map<std::pair<S, std::string>, S> allowed = {
      {{S::kWaiting, "call"}, S::kCalled},     {{S::kCalled, "recall"}, S::kCalled},
      {{S::kCalled, "start"}, S::kServing},    {{S::kServing, "complete"}, S::kDone},
      {{S::kCalled, "no_show"}, S::kNoShow},   {{S::kCalled, "transfer"}, S::kWaiting},
      {{S::kServing, "transfer"}, S::kWaiting}, {{S::kServing, "park"}, S::kParked},
      {{S::kParked, "return"}, S::kCalled},    {{S::kWaiting, "expire"}, S::kExpired},
      {{S::kParked, "expire"}, S::kExpired},   {{S::kWaiting, "cancel"}, S::kCancelled},
  };
  return allowed;
}

const TicketState kAllStates[] = {TicketState::kWaiting, TicketState::kCalled,
                                  TicketState::kServing, TicketState::kDone,
                                  TicketState::kNoShow,  TicketState::kCancelled,
                                  TicketState::kExpired, TicketState::kParked};

TEST(TicketTransitions, EveryStateAndActionFollowsTheTable) {
  int allowed = 0, refused = 0;
  for (TicketState s : kAllStates) {
    for (const auto& [name, act] : Actions()) {
      Ticket t = InState(s);
      const Ticket before = t;
      Status st = act(t);
      auto it = Allowed().find({s, name});
      if (it != Allowed().end()) {
        EXPECT_TRUE(st.ok()) << StateName(s) << " + " << name << ": " << st.ToString();
        EXPECT_EQ(t.state, it->second) << StateName(s) << " + " << name;
        ++allowed;
      } else {
        EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition)
            << StateName(s) << " + " << name << " should be refused";
        EXPECT_TRUE(Same(t, before)) << "a refused " << name << " changed the ticket";
        ++refused;
      }
    }
  }
  EXPECT_EQ(allowed, 12);
  EXPECT_EQ(refused, 8 * 10 - 12);
}

TEST(TicketTransitions, TerminalStatesAreTerminal) {
  for (TicketState s : kAllStates) {
    bool any_allowed = false;
    for (const auto& [name, act] : Actions()) {
      Ticket t = InState(s);
      any_allowed |= act(t).ok();
    }
    EXPECT_EQ(IsTerminal(s), !any_allowed) << StateName(s);
  }
}

TEST(TicketTransitions, OnlyTheHoldingCounterMayAct) {
  Ticket called = InState(TicketState::kCalled);
  EXPECT_EQ(StartTicket(called, "2", kNow).code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(RecallTicket(called, "2", 2, kNow).code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(MarkNoShow(called, "2", kNow).code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(TransferTicket(called, "2", "P", kNow).code(), Status::Code::kFailedPrecondition);
  Ticket serving = InState(TicketState::kServing);
  EXPECT_EQ(CompleteTicket(serving, "2", kNow).code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(ParkTicket(serving, "2", kNow).code(), Status::Code::kFailedPrecondition);
  Ticket parked = InState(TicketState::kParked);
  EXPECT_EQ(ReturnTicket(parked, "2", kNow).code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(called.state, TicketState::kCalled);
  EXPECT_EQ(serving.state, TicketState::kServing);
  EXPECT_EQ(parked.state, TicketState::kParked);
}

TEST(TicketTransitions, RecallsAreLimitedThenNoShow) {
  Ticket t = InState(TicketState::kWaiting);
  ASSERT_TRUE(CallTicket(t, "1", kNow).ok());
  ASSERT_TRUE(RecallTicket(t, "1", 2, kNow + absl::Minutes(1)).ok());
  ASSERT_TRUE(RecallTicket(t, "1", 2, kNow + absl::Minutes(2)).ok());
  EXPECT_EQ(t.recall_count, 2);
  EXPECT_EQ(t.call_time, kNow + absl::Minutes(2));
  Status third = RecallTicket(t, "1", 2, kNow + absl::Minutes(3));
  EXPECT_EQ(third.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(third.message().find("no-show"), std::string::npos) << third.message();
  EXPECT_EQ(t.recall_count, 2);
  EXPECT_TRUE(MarkNoShow(t, "1", kNow + absl::Minutes(4)).ok());
  EXPECT_EQ(t.state, TicketState::kNoShow);
}

TEST(TicketTransitions, TransferKeepsNumberAndIssueTime) {
  Ticket t = InState(TicketState::kServing);
  t.recall_count = 1;
  const absl::Time issued = t.issue_time;
  ASSERT_TRUE(TransferTicket(t, "1", "P", kNow).ok());
  EXPECT_EQ(t.state, TicketState::kWaiting);
  EXPECT_EQ(t.service_prefix, "P");
  EXPECT_EQ(t.DisplayNumber(), "R017");
  EXPECT_EQ(t.issue_time, issued);
  EXPECT_EQ(t.counter_id, "");
  EXPECT_EQ(t.recall_count, 0);
}

TEST(TicketTransitions, TransferToTheSameServiceIsBadInput) {
  Ticket t = InState(TicketState::kCalled);
  Status st = TransferTicket(t, "1", "R", kNow);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.field(), "target_service_prefix");
  EXPECT_EQ(t.state, TicketState::kCalled);
}

TEST(TicketNumbers, AtLeastThreeDigitsAndBeyond999) {
  EXPECT_EQ(FormatNumber("R", 1), "R001");
  EXPECT_EQ(FormatNumber("R", 17), "R017");
  EXPECT_EQ(FormatNumber("R", 999), "R999");
  EXPECT_EQ(FormatNumber("R", 1000), "R1000");
}

}  // namespace
}  // namespace shop::queue
