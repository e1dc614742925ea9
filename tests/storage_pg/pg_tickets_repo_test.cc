// The PostgreSQL repository of tickets and counters through PgStore's
// transactions, against a throwaway cluster: every method, read back field by
// field, with the SQLite repository's orderings, limits, NULLs and Status
// codes; the locking form of call-next's candidates; numbering under
// concurrent writers. (Staff, audit and outbox: pg_tickets_staff_test.cc.)
#include <algorithm>
#include <thread>

#include "tests/storage_pg/pg_tickets_fixture.h"

namespace shop::queue::pgtest {
namespace {

TEST_F(PgTicketsRepoTest, NextNumberCountsPerBranchPrefixAndDay) {
  auto next = [&](const std::string& branch, const std::string& prefix, const std::string& day) {
    return WriteOk([&](WriteTx& tx) { return tx.tickets().NextNumber(branch, prefix, day); });
  };
  EXPECT_EQ(next("test", "R", kDay), 1);
  EXPECT_EQ(next("test", "R", kDay), 2);
  EXPECT_EQ(next("test", "R", kDay), 3);
  EXPECT_EQ(next("test", "N", kDay), 1);
  EXPECT_EQ(next("test", "R", "2026-09-22"), 1);
  EXPECT_EQ(next("other", "R", kDay), 1);
  EXPECT_EQ(next("other", "R", kDay), 2);
  // A number taken by a write that fails is not taken.
  Status failed = store_->Write([&](WriteTx& tx) -> Status {
    QUEUE_RETURN_IF_ERROR(tx.tickets().NextNumber("test", "R", kDay).status());
    return Status::FailedPrecondition("changed my mind");
  });
  EXPECT_EQ(failed.code(), Code::kFailedPrecondition);
  EXPECT_EQ(next("test", "R", kDay), 4);
  EXPECT_EQ(next("test", "N", kDay), 2);
}

TEST_F(PgTicketsRepoTest, ConcurrentWritersNumberWithoutGapOrRepeat) {
  constexpr int kThreads = 8, kEach = 50;
  std::vector<std::vector<int>> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      for (int j = 0; j < kEach; ++j)
        got[i].push_back(
            WriteOk([&](WriteTx& tx) { return tx.tickets().NextNumber("test", "P", kDay); }));
    });
  for (auto& t : threads) t.join();
  std::vector<int> all;
  for (const auto& v : got) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), size_t{kThreads * kEach});
  for (int k = 0; k < kThreads * kEach; ++k) ASSERT_EQ(all[k], k + 1);
}

// Two replicas (two stores on one database), two threads each, calling the
// next walk-in until none is left: every ticket is called exactly once.
TEST_F(PgTicketsRepoTest, TwoReplicasNeverCallTheSameTicket) {
  constexpr int kTickets = 40;
  std::set<int64_t> issued;
  for (int i = 0; i < kTickets; ++i) issued.insert(Issue(Walk("R", kT0 + absl::Seconds(i))).id);
  auto second = PgStore::Open(uri_);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  std::vector<std::vector<int64_t>> called(4);
  auto call_all = [&](PgStore& store, std::vector<int64_t>& out) {
    for (bool more = true; more;) {
      int64_t id = 0;
      Status st = store.Write([&](WriteTx& tx) -> Status {
        id = 0;
        auto c = tx.tickets().CallCandidates("test", {"R"}, kT0 + absl::Hours(1));
        if (!c.ok() || c->empty()) return c.status();
        Ticket t = c->front();
        t.state = TicketState::kCalled;
        t.counter_id = "1";
        id = t.id;
        return tx.tickets().UpdateTicket(t, TicketState::kWaiting);
      });
      EXPECT_TRUE(st.ok()) << st.ToString();
      more = st.ok() && id != 0;
      if (more) out.push_back(id);
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] { call_all(i % 2 ? **second : *store_, called[i]); });
  for (auto& t : threads) t.join();
  std::vector<int64_t> all;
  for (const auto& v : called) all.insert(all.end(), v.begin(), v.end());
  EXPECT_EQ(all.size(), size_t{kTickets});
  EXPECT_EQ(std::set<int64_t>(all.begin(), all.end()), issued);
}

TEST_F(PgTicketsRepoTest, InsertedTicketsReadBackFieldByField) {
  Ticket full = Appointment("R", kT0, kT0 + absl::Minutes(30));
  full.language = Language::kZh;
  full.priority = Priority::kPregnant;
  full.state = TicketState::kServing;
  full.call_time = kT0 + absl::Minutes(31);
  full.serve_time = kT0 + absl::Minutes(32) + absl::Microseconds(7);
  full.counter_id = "2";
  full.recall_count = 1;
  full.status_token = "AAAAAAAAAAAAAAAAAAAAAA";
  full = Issue(full);
  Ticket bare = Issue(Walk("R", kT0 + absl::Seconds(1)));   // no optional times, no token
  Ticket bare2 = Issue(Walk("R", kT0 + absl::Seconds(2)));  // a second NULL token is fine
  EXPECT_GT(full.id, 0);
  EXPECT_GT(bare.id, full.id);
  EXPECT_EQ(bare2.number, 3);
  for (const Ticket& t : {full, bare, bare2}) {
    auto back = Get(t.id);
    ASSERT_TRUE(back.has_value());
    ExpectSameTicket(*back, t);
  }
  EXPECT_EQ(Get(bare.id)->due_time, absl::InfinitePast());
  EXPECT_EQ(Get(bare.id)->finish_time, absl::InfinitePast());
  EXPECT_FALSE(Get(full.id, "other").has_value());
  EXPECT_FALSE(Get(full.id + 100).has_value());
  auto by_token =
      ReadOk([&](ReadTx& tx) { return tx.tickets().TicketByStatusToken(full.status_token); });
  ASSERT_TRUE(by_token.has_value());
  ExpectSameTicket(*by_token, full);
  EXPECT_FALSE(ReadOk(
      [&](ReadTx& tx) { return tx.tickets().TicketByStatusToken("BBBBBBBBBBBBBBBBBBBBBB"); }));
  auto by_number =
      ReadOk([&](ReadTx& tx) { return tx.tickets().TicketByNumber("test", "R", kDay, 2); });
  ASSERT_TRUE(by_number.has_value());
  ExpectSameTicket(*by_number, bare);
  EXPECT_FALSE(ReadOk(
      [&](ReadTx& tx) { return tx.tickets().TicketByNumber("test", "R", "2026-09-22", 2); }));
  EXPECT_FALSE(
      ReadOk([&](ReadTx& tx) { return tx.tickets().TicketByNumber("test", "N", kDay, 2); }));
  // The same printed number again is refused by the unique key.
  Ticket dup = bare;
  Status st = store_->Write([&](WriteTx& tx) { return tx.tickets().InsertTicket(dup); });
  EXPECT_EQ(st.code(), Code::kAlreadyExists) << st.ToString();
}

TEST_F(PgTicketsRepoTest, UpdateTicketWritesOnlyFromTheExpectedState) {
  Ticket t = Issue(Walk("R", kT0));
  Ticket called = t;
  called.state = TicketState::kCalled;
  called.call_time = kT0 + absl::Minutes(1);
  called.counter_id = "1";
  called.service_prefix = "N";
  called.priority = Priority::kElderly;
  called.due_time = kT0 + absl::Minutes(9);
  called.serve_time = kT0 + absl::Minutes(2);
  called.finish_time = kT0 + absl::Minutes(3);
  called.recall_count = 2;
  ASSERT_OK(store_->Write(
      [&](WriteTx& tx) { return tx.tickets().UpdateTicket(called, TicketState::kWaiting); }));
  ExpectSameTicket(*Get(t.id), called);
  // Stale: the stored state is no longer kWaiting.
  Ticket stale = t;
  stale.state = TicketState::kCancelled;
  Status st = store_->Write(
      [&](WriteTx& tx) { return tx.tickets().UpdateTicket(stale, TicketState::kWaiting); });
  EXPECT_EQ(st.code(), Code::kAborted);
  EXPECT_EQ(st.message(), "ticket R001 changed meanwhile; try again");
  ExpectSameTicket(*Get(t.id), called);
  // Times set back to unset are stored as NULL again.
  Ticket back = called;
  back.state = TicketState::kWaiting;
  back.call_time = back.serve_time = back.finish_time = back.due_time = absl::InfinitePast();
  back.counter_id = "";
  ASSERT_OK(store_->Write(
      [&](WriteTx& tx) { return tx.tickets().UpdateTicket(back, TicketState::kCalled); }));
  ExpectSameTicket(*Get(t.id), back);
  // Another branch's ticket of that id is not this one.
  Ticket elsewhere = back;
  elsewhere.branch_id = "other";
  st = store_->Write(
      [&](WriteTx& tx) { return tx.tickets().UpdateTicket(elsewhere, TicketState::kWaiting); });
  EXPECT_EQ(st.code(), Code::kAborted);
}

// The queue of CallCandidatesAndCounts: service R holds every tier.
struct Queue {
  Ticket a1, a2, a3, p1, p2, w1, w2, w3, w0, n1, other;
};

class PgQueueTest : public PgTicketsRepoTest {
 protected:
  void SetUp() override {
    PgTicketsRepoTest::SetUp();
    if (HasFatalFailure()) return;
    q_.a1 = Issue(Appointment("R", kT0 + absl::Seconds(10), kT0 + absl::Minutes(30)));
    q_.a2 = Issue(Appointment("R", kT0 + absl::Seconds(20), kT0 + absl::Minutes(20)));
    q_.a3 = Issue(Appointment("R", kT0 + absl::Seconds(5), kT0 + absl::Hours(2)));  // early
    q_.p1 = Issue(Walk("R", kT0 + absl::Seconds(5), Priority::kElderly));
    q_.p2 = Issue(Walk("R", kT0 + absl::Seconds(1), Priority::kDisabled));
    q_.w1 = Issue(Walk("R", kT0 + absl::Seconds(3)));
    q_.w2 = Issue(Walk("R", kT0 + absl::Seconds(2)));
    q_.w3 = Issue(Walk("R", kT0 + absl::Seconds(2)));  // same time as w2, later id
    Ticket w0 = Walk("R", kT0);
    w0.state = TicketState::kCalled;
    w0.counter_id = "1";
    q_.w0 = Issue(w0);
    q_.n1 = Issue(Walk("N", kT0 + absl::Seconds(50)));
    Ticket other = Walk("R", kT0);
    other.branch_id = "other";
    q_.other = Issue(other);
  }
  Queue q_;
  const absl::Time now_ = kT0 + absl::Hours(1);
};

TEST_F(PgQueueTest, CallCandidatesAreEachTiersHeadPerService) {
  std::set<std::string> services = {"R", "N", "P"};
  std::vector<int64_t> want = {q_.n1.id, q_.a2.id, q_.p2.id, q_.w2.id};
  auto read =
      ReadOk([&](ReadTx& tx) { return tx.tickets().CallCandidates("test", services, now_); });
  EXPECT_EQ(Ids(read), want);
  ExpectSameTicket(read[1], q_.a2);
  auto written =
      WriteOk([&](WriteTx& tx) { return tx.tickets().CallCandidates("test", services, now_); });
  EXPECT_EQ(Ids(written), want);
  // Before a2 is due (nor a1): no appointment head.
  auto early = ReadOk([&](ReadTx& tx) {
    return tx.tickets().CallCandidates("test", {"R"}, kT0 + absl::Minutes(19));
  });
  EXPECT_EQ(Ids(early), (std::vector<int64_t>{q_.p2.id, q_.w2.id}));
  auto none = ReadOk([&](ReadTx& tx) { return tx.tickets().CallCandidates("test", {"P"}, now_); });
  EXPECT_TRUE(none.empty());
}

TEST_F(PgQueueTest, CallCandidatesInAWriteSkipRowsLockedElsewhere) {
  auto other = pg::Conn::Open(uri_);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  pg::Conn& c = **other;
  ASSERT_OK(c.Exec("BEGIN"));
  ASSERT_OK(c.Query("SELECT ticket_id FROM tickets WHERE ticket_id = $1 FOR UPDATE", {q_.w2.id})
                .status());
  // A write (another replica's call-next) takes the next walk-in instead.
  auto written =
      WriteOk([&](WriteTx& tx) { return tx.tickets().CallCandidates("test", {"R"}, now_); });
  EXPECT_EQ(Ids(written), (std::vector<int64_t>{q_.a2.id, q_.p2.id, q_.w3.id}));
  // A read locks nothing and is not put off by locks.
  auto read = ReadOk([&](ReadTx& tx) { return tx.tickets().CallCandidates("test", {"R"}, now_); });
  EXPECT_EQ(Ids(read), (std::vector<int64_t>{q_.a2.id, q_.p2.id, q_.w2.id}));
  ASSERT_OK(c.Exec("ROLLBACK"));
  // The write's own locks ended with its commit: the other side can lock a2.
  ASSERT_OK(c.Exec("BEGIN"));
  auto locked =
      c.Query("SELECT ticket_id FROM tickets WHERE ticket_id = $1 FOR UPDATE NOWAIT", {q_.a2.id});
  EXPECT_TRUE(locked.ok()) << locked.status().ToString();
  ASSERT_OK(c.Exec("ROLLBACK"));
}

TEST_F(PgQueueTest, CountWaitingCountsATierOrWhatIsBeforeATicket) {
  auto count = [&](QueueTier tier, const Ticket* before) {
    return ReadOk(
        [&](ReadTx& tx) { return tx.tickets().CountWaiting("test", "R", tier, now_, before); });
  };
  EXPECT_EQ(count(QueueTier::kDueAppointment, nullptr), 2);
  EXPECT_EQ(count(QueueTier::kDueAppointment, &q_.a1), 1);
  EXPECT_EQ(count(QueueTier::kDueAppointment, &q_.a2), 0);
  EXPECT_EQ(count(QueueTier::kEarlyAppointment, nullptr), 1);
  EXPECT_EQ(count(QueueTier::kEarlyAppointment, &q_.a3), 0);
  EXPECT_EQ(count(QueueTier::kPriority, nullptr), 2);
  EXPECT_EQ(count(QueueTier::kPriority, &q_.p1), 1);
  EXPECT_EQ(count(QueueTier::kPriority, &q_.p2), 0);
  EXPECT_EQ(count(QueueTier::kWalkIn, nullptr), 3);
  EXPECT_EQ(count(QueueTier::kWalkIn, &q_.w1), 2);
  EXPECT_EQ(count(QueueTier::kWalkIn, &q_.w3), 1);
  EXPECT_EQ(count(QueueTier::kWalkIn, &q_.w2), 0);
  // A ticket taken now (id 0 is before no one; a fresh walk-in's key).
  Ticket fresh = Walk("R", now_);
  fresh.id = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(count(QueueTier::kWalkIn, &fresh), 3);
  EXPECT_EQ(ReadOk([&](ReadTx& tx) {
              return tx.tickets().CountWaiting("test", "N", QueueTier::kWalkIn, now_, nullptr);
            }),
            1);
  EXPECT_EQ(ReadOk([&](ReadTx& tx) {
              return tx.tickets().CountWaiting("other", "R", QueueTier::kWalkIn, now_, nullptr);
            }),
            1);
}

TEST_F(PgQueueTest, WaitingCountsAndDueAppointments) {
  auto counts = ReadOk([&](ReadTx& tx) { return tx.tickets().WaitingCounts("test"); });
  EXPECT_EQ(counts, (std::map<std::string, int>{{"N", 1}, {"R", 8}}));
  auto due = [&](absl::Time by, int limit) {
    return Ids(ReadOk([&](ReadTx& tx) { return tx.tickets().DueAppointments("test", by, limit); }));
  };
  EXPECT_EQ(due(now_, 10), (std::vector<int64_t>{q_.a2.id, q_.a1.id}));
  EXPECT_EQ(due(kT0 + absl::Hours(3), 10), (std::vector<int64_t>{q_.a2.id, q_.a1.id, q_.a3.id}));
  EXPECT_EQ(due(kT0 + absl::Hours(3), 1), (std::vector<int64_t>{q_.a2.id}));
  EXPECT_EQ(due(kT0 + absl::Hours(3), -1).size(), 3u);  // SQLite's LIMIT -1: no limit
  EXPECT_EQ(due(kT0 + absl::Minutes(20), 10), (std::vector<int64_t>{q_.a2.id}));  // at due
  EXPECT_TRUE(due(kT0, 10).empty());
}

TEST_F(PgQueueTest, ListsAtCounterUnfinishedAndOfADay) {
  // w1 parked at counter 1, p1 done, n1 serving at counter 2.
  Ticket parked = q_.w1, done = q_.p1, serving = q_.n1;
  parked.state = TicketState::kParked;
  parked.counter_id = "1";
  done.state = TicketState::kDone;
  done.counter_id = "1";  // not "at" the counter any more
  serving.state = TicketState::kServing;
  serving.counter_id = "2";
  ASSERT_OK(store_->Write([&](WriteTx& tx) -> Status {
    QUEUE_RETURN_IF_ERROR(tx.tickets().UpdateTicket(parked, TicketState::kWaiting));
    QUEUE_RETURN_IF_ERROR(tx.tickets().UpdateTicket(done, TicketState::kWaiting));
    return tx.tickets().UpdateTicket(serving, TicketState::kWaiting);
  }));
  Ticket tomorrow = Walk("R", kT0 + absl::Hours(24));
  tomorrow.business_day = "2026-09-22";
  tomorrow = Issue(tomorrow);
  auto at = [&](const std::string& counter) {
    return Ids(ReadOk([&](ReadTx& tx) { return tx.tickets().ListAtCounter("test", counter); }));
  };
  EXPECT_EQ(at("1"), (std::vector<int64_t>{q_.w1.id, q_.w0.id}));  // by id
  EXPECT_EQ(at("2"), (std::vector<int64_t>{q_.n1.id}));
  EXPECT_TRUE(at("3").empty());
  auto unfinished = Ids(ReadOk([&](ReadTx& tx) { return tx.tickets().ListUnfinished("test"); }));
  EXPECT_EQ(unfinished, (std::vector<int64_t>{q_.a1.id, q_.a2.id, q_.a3.id, q_.p2.id, q_.w1.id,
                                              q_.w2.id, q_.w3.id, tomorrow.id}));
  auto day = [&](std::optional<TicketState> state, int64_t after, int limit) {
    return Ids(ReadOk(
        [&](ReadTx& tx) { return tx.tickets().ListTickets("test", kDay, state, after, limit); }));
  };
  EXPECT_EQ(day(std::nullopt, 0, 100).size(), 10u);  // not tomorrow's, not the other branch's
  EXPECT_EQ(day(std::nullopt, 0, -1).size(), 10u);
  EXPECT_EQ(day(std::nullopt, 0, 2), (std::vector<int64_t>{q_.a1.id, q_.a2.id}));
  EXPECT_EQ(day(std::nullopt, q_.a2.id, 2), (std::vector<int64_t>{q_.a3.id, q_.p1.id}));
  EXPECT_EQ(day(TicketState::kWaiting, q_.a3.id, 100),
            (std::vector<int64_t>{q_.p2.id, q_.w2.id, q_.w3.id}));
  EXPECT_EQ(day(TicketState::kDone, 0, 100), (std::vector<int64_t>{q_.p1.id}));
  EXPECT_TRUE(day(TicketState::kExpired, 0, 100).empty());
  auto listed = ReadOk([&](ReadTx& tx) {
    return tx.tickets().ListTickets("test", kDay, TicketState::kParked, 0, 5);
  });
  ASSERT_EQ(listed.size(), 1u);
  ExpectSameTicket(listed[0], parked);
}

TEST_F(PgTicketsRepoTest, RecentServiceTimesAreTheNewestCompletedFirst) {
  auto finish = [&](const std::string& prefix, absl::Time serve, absl::Time done) {
    Ticket t = Walk(prefix, kT0);
    t.state = TicketState::kDone;
    t.serve_time = serve;
    t.finish_time = done;
    return Issue(t);
  };
  finish("R", kT0, kT0 + absl::Minutes(5));
  finish("R", kT0 + absl::Minutes(7), kT0 + absl::Minutes(10));
  finish("R", absl::InfinitePast(), kT0 + absl::Minutes(30));  // never served: not counted
  finish("N", kT0, kT0 + absl::Minutes(40));                   // another service
  finish("R", kT0 + absl::Minutes(13), kT0 + absl::Minutes(20));
  Ticket serving = Walk("R", kT0);  // not done
  serving.state = TicketState::kServing;
  serving.serve_time = kT0;
  Issue(serving);
  auto times = [&](int limit) {
    return ReadOk([&](ReadTx& tx) { return tx.tickets().RecentServiceTimes("test", "R", limit); });
  };
  using V = std::vector<absl::Duration>;
  EXPECT_EQ(times(10), (V{absl::Minutes(7), absl::Minutes(3), absl::Minutes(5)}));
  EXPECT_EQ(times(2), (V{absl::Minutes(7), absl::Minutes(3)}));
  EXPECT_EQ(times(-1).size(), 3u);
  EXPECT_TRUE(ReadOk([&](ReadTx& tx) {
                return tx.tickets().RecentServiceTimes("other", "R", 10);
              }).empty());
}

// A walk-in and an appointment of "test" and a walk-in of "other", with
// calls, transfers and other events.
class PgEventsTest : public PgTicketsRepoTest {
 protected:
  void SetUp() override {
    PgTicketsRepoTest::SetUp();
    if (HasFatalFailure()) return;
    walk_ = Walk("R", kT0);
    walk_.language = Language::kEn;
    walk_ = Issue(walk_);
    appt_ = Appointment("N", kT0, kT0 + absl::Minutes(5));
    appt_.language = Language::kZh;
    appt_ = Issue(appt_);
    Ticket other = Walk("R", kT0);
    other.branch_id = "other";
    other = Issue(other);
    ASSERT_OK(store_->Write([&](WriteTx& tx) -> Status {
      for (const TicketEvent& e :
           {Event(walk_, 1, "call", "1", 0, ""), Event(walk_, 2, "transfer", "1", 0, "R->N"),
            Event(appt_, 3, "call", "2", 0, ""), Event(other, 3, "call", "1", 0, ""),
            Event(walk_, 4, "recall", "3", 1, ""), Event(appt_, 5, "start", "2", 0, ""),
            Event(walk_, 6, "transfer", "3", 1, "N->P"), Event(appt_, 7, "return", "2", 0, "")})
        QUEUE_RETURN_IF_ERROR(tx.tickets().AppendEvent(e));
      return Status::Ok();
    }));
  }
  static TicketEvent Event(const Ticket& t, int minute, const std::string& kind,
                           const std::string& counter, int recalls, const std::string& detail) {
    return TicketEvent{t.id,
                       t.branch_id,
                       kT0 + absl::Minutes(minute),
                       kind,
                       TicketState::kWaiting,
                       TicketState::kCalled,
                       counter,
                       "",
                       recalls,
                       detail};
  }
  Ticket walk_, appt_;
};

TEST_F(PgEventsTest, TransfersAreATicketsTransferEventsOldestFirst) {
  auto transfers = ReadOk([&](ReadTx& tx) { return tx.tickets().ListTransfers("test", walk_.id); });
  ASSERT_EQ(transfers.size(), 2u);
  EXPECT_EQ(transfers[0].ticket_id, walk_.id);
  EXPECT_EQ(transfers[0].branch_id, "test");
  EXPECT_EQ(transfers[0].kind, "transfer");
  EXPECT_EQ(transfers[0].time, kT0 + absl::Minutes(2));
  EXPECT_EQ(transfers[0].counter_id, "1");
  EXPECT_EQ(transfers[0].detail, "R->N");
  EXPECT_EQ(transfers[1].time, kT0 + absl::Minutes(6));
  EXPECT_EQ(transfers[1].counter_id, "3");
  EXPECT_EQ(transfers[1].detail, "N->P");
  EXPECT_TRUE(
      ReadOk([&](ReadTx& tx) { return tx.tickets().ListTransfers("other", walk_.id); }).empty());
  EXPECT_TRUE(
      ReadOk([&](ReadTx& tx) { return tx.tickets().ListTransfers("test", appt_.id); }).empty());
}

TEST_F(PgEventsTest, RecentCallsAreCallsRecallsAndReturnsNewestFirst) {
  auto calls = ReadOk([&](ReadTx& tx) { return tx.tickets().RecentCalls("test", 10); });
  ASSERT_EQ(calls.size(), 4u);  // return, recall, call, call
  EXPECT_EQ(calls[0].ticket_id, appt_.id);
  EXPECT_EQ(calls[0].display_number, "N001");
  EXPECT_EQ(calls[0].counter_id, "2");
  EXPECT_EQ(calls[0].time, kT0 + absl::Minutes(7));
  EXPECT_EQ(calls[0].recall_count, 0);
  EXPECT_TRUE(calls[0].appointment);
  EXPECT_EQ(int(calls[0].language), int(Language::kZh));
  EXPECT_EQ(calls[0].service_prefix, "N");
  EXPECT_EQ(calls[1].ticket_id, walk_.id);
  EXPECT_EQ(calls[1].display_number, "R001");
  EXPECT_EQ(calls[1].counter_id, "3");
  EXPECT_EQ(calls[1].time, kT0 + absl::Minutes(4));
  EXPECT_EQ(calls[1].recall_count, 1);
  EXPECT_FALSE(calls[1].appointment);
  EXPECT_EQ(int(calls[1].language), int(Language::kEn));
  EXPECT_EQ(calls[1].service_prefix, "R");
  EXPECT_EQ(calls[2].ticket_id, appt_.id);
  EXPECT_EQ(calls[2].time, kT0 + absl::Minutes(3));
  EXPECT_EQ(calls[3].ticket_id, walk_.id);
  EXPECT_EQ(calls[3].time, kT0 + absl::Minutes(1));
  EXPECT_EQ(ReadOk([&](ReadTx& tx) { return tx.tickets().RecentCalls("test", 2); }).size(), 2u);
  EXPECT_EQ(ReadOk([&](ReadTx& tx) { return tx.tickets().RecentCalls("test", -1); }).size(), 4u);
  auto other = ReadOk([&](ReadTx& tx) { return tx.tickets().RecentCalls("other", 10); });
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].counter_id, "1");
}

TEST_F(PgTicketsRepoTest, RequestsAreFoundByTheirCallerOnly) {
  Ticket t = Issue(Walk("R", kT0));
  auto find = [&](const std::string& branch, const std::string& method, const std::string& caller,
                  const std::string& id) {
    return ReadOk([&](ReadTx& tx) { return tx.tickets().FindRequest(branch, method, caller, id); });
  };
  EXPECT_FALSE(find("test", "TakeTicket", "kiosk:hall-1", "r1").has_value());
  ASSERT_OK(store_->Write([&](WriteTx& tx) {
    return tx.tickets().SaveRequest("test", "TakeTicket", "kiosk:hall-1", "r1", "R|ru", t.id, kT0);
  }));
  auto found = find("test", "TakeTicket", "kiosk:hall-1", "r1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->ticket_id, t.id);
  EXPECT_EQ(found->params, "R|ru");
  EXPECT_FALSE(find("test", "TakeTicket", "kiosk:hall-2", "r1").has_value());
  EXPECT_FALSE(find("test", "CallNext", "kiosk:hall-1", "r1").has_value());
  EXPECT_FALSE(find("other", "TakeTicket", "kiosk:hall-1", "r1").has_value());
  EXPECT_FALSE(find("test", "TakeTicket", "kiosk:hall-1", "r2").has_value());
  // The same key again (a replica that stored it first): a lost race.
  Status st = store_->Write([&](WriteTx& tx) {
    return tx.tickets().SaveRequest("test", "TakeTicket", "kiosk:hall-1", "r1", "N|en", t.id, kT0);
  });
  EXPECT_EQ(st.code(), Code::kAborted) << st.ToString();
  EXPECT_EQ(find("test", "TakeTicket", "kiosk:hall-1", "r1")->params, "R|ru");
  ASSERT_OK(store_->Write([&](WriteTx& tx) {
    return tx.tickets().SaveRequest("test", "TakeTicket", "kiosk:hall-2", "r1", "N|en", t.id, kT0);
  }));
  EXPECT_EQ(find("test", "TakeTicket", "kiosk:hall-2", "r1")->params, "N|en");
}

TEST_F(PgTicketsRepoTest, CountersAreConfiguredThenSaved) {
  auto get = [&](const std::string& id) {
    return ReadOk([&](ReadTx& tx) { return tx.tickets().GetCounter("test", id); });
  };
  auto c1 = get("1");
  ASSERT_TRUE(c1.has_value());
  EXPECT_EQ(c1->branch_id, "test");
  EXPECT_EQ(c1->counter_id, "1");
  EXPECT_FALSE(c1->open);
  EXPECT_TRUE(c1->services.empty());
  EXPECT_EQ(c1->clerk_login, "");
  EXPECT_FALSE(get("9").has_value());
  CounterRow open{"test", "2", true, {"R", "N"}, "anna"};
  ASSERT_OK(store_->Write([&](WriteTx& tx) { return tx.tickets().SaveCounter(open); }));
  auto c2 = get("2");
  ASSERT_TRUE(c2.has_value());
  EXPECT_TRUE(c2->open);
  EXPECT_EQ(c2->services, (std::vector<std::string>{"R", "N"}));
  EXPECT_EQ(c2->clerk_login, "anna");
  EXPECT_FALSE(ReadOk([&](ReadTx& tx) { return tx.tickets().GetCounter("other", "2"); })->open);
  auto all = ReadOk([&](ReadTx& tx) { return tx.tickets().ListCounters("test"); });
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].counter_id, "1");
  EXPECT_EQ(all[1].counter_id, "2");
  EXPECT_TRUE(all[1].open);
  EXPECT_EQ(all[2].counter_id, "3");
  CounterRow closed{"test", "2", false, {}, ""};
  ASSERT_OK(store_->Write([&](WriteTx& tx) { return tx.tickets().SaveCounter(closed); }));
  EXPECT_FALSE(get("2")->open);
  EXPECT_TRUE(get("2")->services.empty());
  CounterRow unknown{"test", "9", true, {"R"}, "anna"};
  Status st = store_->Write([&](WriteTx& tx) { return tx.tickets().SaveCounter(unknown); });
  EXPECT_EQ(st.code(), Code::kNotFound);
  EXPECT_EQ(st.message(), "counter 9 is not in the database");
}
}  // namespace
}  // namespace shop::queue::pgtest
