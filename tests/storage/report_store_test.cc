// Reports over a real store (both engines): a fixture night in Berlin
// played through the QueueManager with a manual clock, across local
// midnight and the autumn DST change (2026-10-25, 03:00 CEST -> 02:00 CET,
// the 02:00 hour twice), gives exactly the expected figures; and the
// storage reads only the period's rows.
#include <gtest/gtest.h>

#include "absl/time/civil_time.h"
#include "server/domain/queue/queue_manager.h"
#include "server/domain/report/report_builder.h"
#include "tests/support/test_config.h"
#include "tests/support/test_db.h"

namespace shop::queue {
namespace {

using testing::At;
using testing::TempDir;

constexpr const char* kZone = "Europe/Berlin";

absl::Time Utc(int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(2026, 10, d, h, mi), absl::UTCTimeZone());
}
absl::Duration M(int m) { return absl::Minutes(m); }

class ReportStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::TestConfig(kZone);
    for (auto& h : config_.branches[0].hours) h = DayHours{0, 24 * 60};
    auto s = db_.Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->SyncConfig(config_).ok());
    manager_ = std::make_unique<QueueManager>(config_, *store_, clock_, board_);
  }

  int64_t Take(const std::string& prefix, absl::Time t) {
    clock_.Set(t);
    CreateTicketInput in;
    in.branch_id = "test";
    in.service_prefix = prefix;
    in.request_id = "req-" + std::to_string(++seq_);
    auto v = manager_->CreateTicket(in);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? v->ticket.id : 0;
  }
  void Open(const char* counter, const Principal& who, absl::Time t) {
    clock_.Set(t);
    auto v = manager_->OpenCounter("test", counter, {}, &who);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
  }
  void Close(const char* counter, const Principal& who, absl::Time t) {
    clock_.Set(t);
    auto v = manager_->CloseCounter("test", counter, &who);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
  }
  int64_t Call(const char* counter, const Principal& who, absl::Time t) {
    clock_.Set(t);
    auto v = manager_->CallNext("test", counter, "call-" + std::to_string(++seq_), &who);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? v->ticket.id : 0;
  }
  void Do(const char* counter, const Principal& who, int64_t id, CounterAction a, absl::Time t) {
    clock_.Set(t);
    auto v = manager_->Act("test", counter, id, a, &who);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
  }

  // The night: see the file comment. Times in UTC (CEST = UTC+2 until
  // 01:00 UTC on the 25th, CET = UTC+1 after).
  void PlayTheNight() {
    // A ticket of an earlier week: outside the period, never read.
    int64_t old = Take("R", Utc(20, 10, 0));
    Open("1", anna_, Utc(20, 10, 1));
    ASSERT_EQ(Call("1", anna_, Utc(20, 10, 2)), old);
    Do("1", anna_, old, CounterAction::kStart, Utc(20, 10, 3));
    Do("1", anna_, old, CounterAction::kComplete, Utc(20, 10, 4));
    Close("1", anna_, Utc(20, 10, 5));

    Open("1", anna_, Utc(24, 18, 0));                 // 20:00 CEST
    int64_t t3 = Take("P", Utc(24, 19, 0));           // 21:00
    ASSERT_EQ(Call("1", anna_, Utc(24, 19, 5)), t3);  // waited 5 min
    Do("1", anna_, t3, CounterAction::kNoShow, Utc(24, 19, 10));
    int64_t t1 = Take("R", Utc(24, 21, 50));          // 23:50
    ASSERT_EQ(Call("1", anna_, Utc(24, 22, 10)), t1);  // 00:10 on the 25th: 20 min
    Do("1", anna_, t1, CounterAction::kStart, Utc(24, 22, 15));
    Do("1", anna_, t1, CounterAction::kComplete, Utc(24, 22, 25));
    t2_ = Take("R", Utc(25, 0, 30));                  // 02:30 CEST (first 02:00 hour)
    Open("2", boris_, Utc(25, 1, 5));                 // 02:05 CET (second)
    ASSERT_EQ(Call("2", boris_, Utc(25, 1, 20)), t2_);  // 02:20 CET: 50 real minutes
    Do("2", boris_, t2_, CounterAction::kStart, Utc(25, 1, 25));
    Do("2", boris_, t2_, CounterAction::kComplete, Utc(25, 1, 45));
    Close("1", anna_, Utc(25, 3, 0));                 // 04:00 CET
    Close("2", boris_, Utc(25, 4, 0));                // 05:00 CET

    // A SIM case on T2 at boris's counter, paid and closed; a booking made
    // the day before and checked in late.
    ASSERT_TRUE(store_->Write([&](WriteTx& tx) -> Status {
      SimCase c;
      c.branch_id = "test";
      c.ticket_id = t2_;
      c.counter_id = "2";
      c.opened_by = "boris";
      c.opened = Utc(25, 1, 26);
      c.state = CaseState::kClosed;
      c.fee_roubles = 300;
      QUEUE_RETURN_IF_ERROR(tx.cases().InsertCase(c));
      for (auto [t, step, outcome] : {std::tuple{Utc(25, 1, 27), "identity", "passed"},
                                      std::tuple{Utc(25, 1, 30), "payment", "paid"},
                                      std::tuple{Utc(25, 1, 44), "close", "closed"}}) {
        CaseRecord r{c.case_id, 0, t, step, outcome, "clerk:boris", "", ""};
        QUEUE_RETURN_IF_ERROR(tx.cases().AppendCaseRecord(r));
      }
      Booking b;
      b.code = "ABC123";
      b.branch_id = "test";
      b.service_prefix = "R";
      b.slot_start = Utc(25, 9, 0);
      b.state = BookingState::kCheckedIn;
      b.name = "x";
      b.phone = "+79990000000";
      b.request_id = "b-1";
      b.created = Utc(24, 10, 0);
      b.late_walk_in = true;
      b.finished = Utc(25, 9, 20);
      return tx.bookings().InsertBooking(b);
    }).ok());
  }

  Result<Report> Run(ReportBy by) {
    ReportRequest req{"test", "2026-10-24", "2026-10-25", by};
    return BuildReport(*store_, config_, req, Utc(25, 12, 0));
  }

  TempDir dir_;
  testing::TestDb db_{dir_};
  ManualClock clock_{Utc(20, 9, 0)};
  BoardHub board_;
  ServerConfig config_;
  std::unique_ptr<EngineStore> store_;
  std::unique_ptr<QueueManager> manager_;
  Principal anna_{Role::kClerk, "anna", ""};
  Principal boris_{Role::kClerk, "boris", ""};
  int64_t t2_ = 0;
  int seq_ = 0;
};

TEST_F(ReportStoreTest, ReadsOnlyThePeriodsRows) {
  PlayTheNight();
  ReportPeriod p{absl::CivilDay(2026, 10, 24), absl::CivilDay(2026, 10, 25), ReportBy::kDay};
  ReportRows rows;
  ASSERT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
    auto r = tx.reports().ReadReportRows(QueryFor(config_.branches[0], p));
    if (!r.ok()) return r.status();
    rows = std::move(r).value();
    return Status::Ok();
  }).ok());
  ASSERT_EQ(rows.tickets.size(), 3u);  // not the one of the 20th
  for (const auto& e : rows.events) EXPECT_NE(e.time, Utc(20, 10, 2));
  EXPECT_EQ(rows.events.size(), 3u + 4u + 4u);  // T3: create call no_show; T1, T2: +start complete
  // The week before the period too (who held a counter at its start).
  ASSERT_EQ(rows.counters.size(), 6u);
  EXPECT_EQ(rows.counters[2].counter_id, "1");
  EXPECT_TRUE(rows.counters[2].open);
  EXPECT_EQ(rows.counters[2].time, Utc(24, 18, 0));
  EXPECT_EQ(rows.counters[2].actor, "clerk:anna");
  EXPECT_FALSE(rows.counters[5].open);
  ASSERT_EQ(rows.cases.size(), 1u);
  EXPECT_EQ(rows.cases[0].fee_roubles, 300);
  EXPECT_EQ(rows.case_records.size(), 3u);
  ASSERT_EQ(rows.bookings.size(), 1u);
  EXPECT_TRUE(rows.bookings[0].late_walk_in);
}

TEST_F(ReportStoreTest, PerDayAndPerClerk) {
  PlayTheNight();
  auto r = Run(ReportBy::kDay);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->buckets.size(), 2u);
  EXPECT_EQ(r->buckets[1].end - r->buckets[1].start, absl::Hours(25));
  const ReportFigures& d24 = r->Find(ReportScope::kBranch, "test", 0)->f;
  const ReportFigures& d25 = r->Find(ReportScope::kBranch, "test", 1)->f;
  EXPECT_EQ(d24.issued, 2);
  EXPECT_EQ(d24.no_show, 1);
  EXPECT_EQ(d24.wait.max, M(5));
  EXPECT_EQ(d25.issued, 1);
  EXPECT_EQ(d25.served, 2);
  EXPECT_EQ(d25.wait.count, 2);
  EXPECT_EQ(d25.wait.p50, M(20));
  EXPECT_EQ(d25.wait.p90, M(50));  // real minutes, though the clock went back
  EXPECT_EQ(d25.service.mean, M(15));
  EXPECT_EQ(d25.cases_closed, 1);
  EXPECT_EQ(d25.fees_paid_roubles, 300);
  EXPECT_EQ(d24.bookings_made, 1);
  EXPECT_EQ(d25.bookings_checked_in, 1);
  EXPECT_EQ(d25.bookings_late, 1);

  const ReportFigures& anna = r->Find(ReportScope::kClerk, "anna", -1)->f;
  EXPECT_EQ(anna.served, 1);
  EXPECT_EQ(anna.no_show, 1);
  EXPECT_EQ(anna.busy, M(10));
  EXPECT_EQ(anna.idle, absl::Hours(9) - M(10));  // 18:00 -> 03:00 UTC
  EXPECT_EQ(r->Find(ReportScope::kClerk, "anna", 0)->f.idle, absl::Hours(4));
  const ReportFigures& boris = r->Find(ReportScope::kClerk, "boris", -1)->f;
  EXPECT_EQ(boris.served, 1);
  EXPECT_EQ(boris.busy, M(20));
  EXPECT_EQ(boris.idle, M(175) - M(20));
  EXPECT_EQ(boris.walk.mean, M(5));
  EXPECT_EQ(boris.cases_closed, 1);
  EXPECT_EQ(boris.fees_paid_roubles, 300);
}

TEST_F(ReportStoreTest, TheRepeatedHourIsTwoBuckets) {
  PlayTheNight();
  auto r = Run(ReportBy::kHour);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->buckets.size(), 24u + 25u);
  auto at = [&](const std::string& label) -> const ReportFigures& {
    static const ReportFigures kNone;
    for (size_t i = 0; i < r->buckets.size(); ++i)
      if (r->buckets[i].label == label) {
        const ReportLine* l = r->Find(ReportScope::kBranch, "test", static_cast<int>(i));
        return l ? l->f : kNone;
      }
    ADD_FAILURE() << "no bucket " << label;
    return kNone;
  };
  EXPECT_EQ(at("2026-10-25T02:00+02:00").issued, 1);
  EXPECT_EQ(at("2026-10-25T02:00+02:00").served, 0);
  EXPECT_EQ(at("2026-10-25T02:00+01:00").served, 1);
  EXPECT_EQ(at("2026-10-25T02:00+01:00").wait.max, M(50));
  EXPECT_EQ(at("2026-10-25T02:00+01:00").busy, M(20));
  EXPECT_EQ(at("2026-10-25T00:00+02:00").served, 1);
  EXPECT_EQ(at("2026-10-24T23:00+02:00").issued, 1);
  std::string csv = ReportCsv(*r);
  EXPECT_NE(csv.find("\r\nclerk,boris,2026-10-25T02:00+01:00,2026-10-25T03:00+01:00,,1,0,,,1,3000,"
                     "3000,3000,1,300,300,1,1200,1200,1200,2100,1,0,0,0,300,0,,,,\r\n"),
            std::string::npos)
      << csv;
}

TEST_F(ReportStoreTest, RefusesBadRequests) {
  auto bad = [&](ReportRequest req) { return BuildReport(*store_, config_, req, Utc(25, 0, 0)).status(); };
  EXPECT_EQ(bad({"", "2026-10-24", "2026-10-25", ReportBy::kDay}).field(), "branch_id");
  EXPECT_EQ(bad({"test", "2026-13-01", "2026-10-25", ReportBy::kDay}).field(), "from_date");
  EXPECT_EQ(bad({"test", "2026-10-24", "25.10.2026", ReportBy::kDay}).field(), "to_date");
  EXPECT_EQ(bad({"test", "2026-10-25", "2026-10-24", ReportBy::kDay}).field(), "to_date");
  EXPECT_EQ(bad({"test", "2025-01-01", "2026-10-24", ReportBy::kDay}).field(), "to_date");
  EXPECT_EQ(bad({"test", "2026-10-24", "2026-10-25", static_cast<ReportBy>(7)}).field(),
            "granularity");
  EXPECT_EQ(bad({"nowhere", "2026-10-24", "2026-10-25", ReportBy::kDay}).code(),
            Status::Code::kNotFound);
  // An unknown branch id is quoted cut short, never echoed whole.
  const Status huge = bad({std::string(2048, 'b'), "2026-10-24", "2026-10-25", ReportBy::kDay});
  EXPECT_EQ(huge.code(), Status::Code::kNotFound);
  EXPECT_LT(huge.message().size(), 100u) << huge.message().size();
  // An empty database gives an empty report, not an error.
  auto r = BuildReport(*store_, config_, {"test", "2026-10-24", "2026-10-25", ReportBy::kDay},
                       Utc(25, 0, 0));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Find(ReportScope::kBranch, "test", -1)->f.issued, 0);
}

}  // namespace
}  // namespace shop::queue
