// Reports computed from hand-made rows: a fixture weekend in Berlin across
// local midnight and the spring DST change (2026-03-29, 02:00 -> 03:00),
// whose every figure is known.
#include "server/domain/report/report.h"

#include <gtest/gtest.h>

#include <limits>

#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

using testing::At;

constexpr const char* kZone = "Europe/Berlin";

absl::Time L(int d, int h, int mi) { return At(kZone, 2026, 3, d, h, mi); }

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    branch_ = testing::TestBranch(kZone);
    auto ticket = [&](int64_t id, const char* prefix, absl::Time issued) {
      rows_.tickets.push_back({id, prefix, prefix, issued});
      Ev(id, issued, "create", TicketState::kWaiting, TicketState::kWaiting, "");
    };
    auto open = [&](absl::Time t, const char* counter, bool is_open, const char* actor) {
      rows_.counters.push_back({t, counter, is_open, actor});
    };
    open(L(28, 20, 0), "1", true, "clerk:anna");
    open(L(29, 0, 30), "2", true, "clerk:boris");
    open(L(29, 4, 0), "1", false, "clerk:anna");
    // T6: the day before the period: nothing of it counts.
    ticket(6, "R", L(27, 23, 0));
    Ev(6, L(27, 23, 10), "call", TicketState::kWaiting, TicketState::kCalled, "1");
    // T5: issued 21:00, expires 23:59.
    ticket(5, "P", L(28, 21, 0));
    // T4: issued 22:00, called at 22:05 by anna, no-show at 22:10.
    ticket(4, "R", L(28, 22, 0));
    // T1: issued 23:50, called after midnight (00:10), recalled 00:12,
    // started 00:15, done 00:25 at anna's counter.
    ticket(1, "R", L(28, 23, 50));
    Ev(4, L(28, 22, 5), "call", TicketState::kWaiting, TicketState::kCalled, "1");
    Ev(4, L(28, 22, 10), "no_show", TicketState::kCalled, TicketState::kNoShow, "");
    Ev(5, L(28, 23, 59), "expire", TicketState::kWaiting, TicketState::kExpired, "");
    Ev(1, L(29, 0, 10), "call", TicketState::kWaiting, TicketState::kCalled, "1");
    Ev(1, L(29, 0, 12), "recall", TicketState::kCalled, TicketState::kCalled, "1");
    Ev(1, L(29, 0, 15), "start", TicketState::kCalled, TicketState::kServing, "1");
    Ev(1, L(29, 0, 25), "complete", TicketState::kServing, TicketState::kDone, "");
    // T3: issued 01:00, cancelled 01:30.
    ticket(3, "P", L(29, 1, 0));
    Ev(3, L(29, 1, 30), "cancel", TicketState::kWaiting, TicketState::kCancelled, "");
    // T2: issued 01:40 CET, called 03:05 CEST (25 real minutes later) at
    // boris's counter, served 03:10-03:30.
    ticket(2, "R", L(29, 1, 40));
    Ev(2, L(29, 3, 5), "call", TicketState::kWaiting, TicketState::kCalled, "2");
    Ev(2, L(29, 3, 10), "start", TicketState::kCalled, TicketState::kServing, "2");
    Ev(2, L(29, 3, 30), "complete", TicketState::kServing, TicketState::kDone, "");

    // SIM cases: closed (boris, 300 paid), refused at identity (anna),
    // locked (anna), cancelled after payment with a refund (boris).
    rows_.cases = {{11, "2", 300}, {12, "1", 300}, {13, "1", 150}, {14, "2", 300}};
    Rec(11, L(29, 3, 12), "open", "opened");
    Rec(11, L(29, 3, 14), "identity", "passed");
    Rec(11, L(29, 3, 15), "payment", "paid");
    Rec(11, L(29, 3, 28), "close", "closed");
    Rec(12, L(29, 0, 16), "identity", "failed");
    Rec(12, L(29, 0, 20), "cancel", "cancelled");
    Rec(13, L(29, 0, 17), "identity", "failed");
    Rec(13, L(29, 0, 21), "lock", "locked");
    Rec(13, L(29, 0, 22), "cancel", "cancelled");
    Rec(14, L(29, 3, 13), "identity", "passed");
    Rec(14, L(29, 3, 16), "payment", "paid");
    Rec(14, L(29, 3, 20), "refund", "refunded");
    Rec(14, L(29, 3, 20), "cancel", "cancelled");

    // Online applications (remote cases: no ticket, no counter), each step
    // written as RemoteManager writes it.
    for (int64_t id : {21, 22, 23, 24, 25, 26})
      rows_.cases.push_back({id, "", 0, CaseRoute::kRemote});
    // 21: applied and approved before the period; posted, one failed
    // activation on the 28th, activated on the 29th.
    Rec(21, L(20, 10, 0), "apply", "received");
    Rec(21, L(27, 10, 0), "review", "approved");
    Rec(21, L(28, 10, 0), "dispatch", "posted");
    // Any later record of the dispatch step (a code issued again for the
    // same card) is no second dispatch.
    Rec(21, L(28, 10, 20), "dispatch", "code_reissued");
    Rec(21, L(28, 12, 0), "activation", "failed");
    Rec(21, L(29, 3, 40), "activation", "passed");
    Rec(21, L(29, 3, 40), "block", "done");
    Rec(21, L(29, 3, 40), "close", "closed");
    // 22: a risky one, two approvals (the first does not count), sent to
    // the shop; three failed hand-overs lock the number, which ends it.
    Rec(22, L(28, 9, 0), "apply", "received");
    Rec(22, L(28, 9, 30), "review", "first_approval");
    Rec(22, L(28, 9, 45), "review", "approved");
    Rec(22, L(28, 11, 0), "dispatch", "sent_to_shop");
    Rec(22, L(29, 1, 10), "pickup", "failed");
    Rec(22, L(29, 1, 12), "pickup", "failed");
    Rec(22, L(29, 1, 14), "pickup", "failed");
    Rec(22, L(29, 1, 14), "lock", "locked");
    Rec(22, L(29, 1, 14), "cancel", "locked");
    // 23: rejected (no cancel record).
    Rec(23, L(28, 20, 0), "apply", "received");
    Rec(23, L(29, 0, 5), "review", "rejected");
    // 24: withdrawn by the applicant.
    Rec(24, L(29, 3, 50), "apply", "received");
    Rec(24, L(29, 4, 0), "cancel", "withdrawn");
    // 25: approved, then cancelled by staff (a lost envelope).
    Rec(25, L(28, 8, 0), "apply", "received");
    Rec(25, L(28, 8, 30), "review", "approved");
    Rec(25, L(29, 4, 30), "cancel", "cancelled");
    // 26: applied before the period, expired in it.
    Rec(26, L(27, 9, 0), "apply", "received");
    Rec(26, L(28, 9, 0), "cancel", "expired");

    // Bookings: made on the 28th, checked in late on the 29th; made before
    // the period, a no-show on the 28th; made on the 29th for the 30th.
    rows_.bookings = {{"R", L(29, 10, 0), L(28, 10, 0), BookingState::kCheckedIn, true},
                      {"R", L(28, 11, 0), L(27, 9, 0), BookingState::kNoShow, false},
                      {"N", L(30, 10, 0), L(29, 9, 0), BookingState::kActive, false}};
  }

  void Ev(int64_t id, absl::Time t, const char* kind, TicketState from, TicketState to,
          const char* counter) {
    rows_.events.push_back({id, t, kind, from, to, counter, ""});
  }
  void Rec(int64_t id, absl::Time t, const char* step, const char* outcome) {
    rows_.case_records.push_back({id, t, step, outcome});
  }

  Report Run(ReportBy by) {
    ReportPeriod p{absl::CivilDay(2026, 3, 28), absl::CivilDay(2026, 3, 29), by};
    return ComputeReport(branch_, p, rows_, L(29, 5, 0));
  }

  BranchConfig branch_;
  ReportRows rows_;
};

absl::Duration M(int m) { return absl::Minutes(m); }

TEST_F(ReportTest, NearestRankPercentiles) {
  std::vector<absl::Duration> v = {M(1), M(2), M(3), M(4), M(5), M(6), M(7), M(8), M(9), M(10)};
  EXPECT_EQ(NearestRank(v, 50), M(5));
  EXPECT_EQ(NearestRank(v, 90), M(9));
  EXPECT_EQ(NearestRank({M(7)}, 90), M(7));
  EXPECT_EQ(NearestRank({M(1), M(2), M(3)}, 50), M(2));
  EXPECT_EQ(NearestRank({M(1), M(2), M(3)}, 90), M(3));
}

TEST_F(ReportTest, DaysInTheBranchZoneOneOf23Hours) {
  auto b = ReportBuckets({absl::CivilDay(2026, 3, 28), absl::CivilDay(2026, 3, 29), ReportBy::kDay},
                         branch_.time_zone);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].label, "2026-03-28");
  EXPECT_EQ(b[0].end - b[0].start, absl::Hours(24));
  EXPECT_EQ(b[1].end - b[1].start, absl::Hours(23));
  auto autumn = ReportBuckets(
      {absl::CivilDay(2026, 10, 25), absl::CivilDay(2026, 10, 25), ReportBy::kDay}, branch_.time_zone);
  EXPECT_EQ(autumn[0].end - autumn[0].start, absl::Hours(25));
}

TEST_F(ReportTest, HoursAreLocalClockHoursAcrossDst) {
  auto spring = ReportBuckets(
      {absl::CivilDay(2026, 3, 29), absl::CivilDay(2026, 3, 29), ReportBy::kHour}, branch_.time_zone);
  ASSERT_EQ(spring.size(), 23u);
  EXPECT_EQ(spring[1].label, "2026-03-29T01:00+01:00");
  EXPECT_EQ(spring[2].label, "2026-03-29T03:00+02:00");
  auto autumn = ReportBuckets(
      {absl::CivilDay(2026, 10, 25), absl::CivilDay(2026, 10, 25), ReportBy::kHour}, branch_.time_zone);
  ASSERT_EQ(autumn.size(), 25u);
  EXPECT_EQ(autumn[2].label, "2026-10-25T02:00+02:00");
  EXPECT_EQ(autumn[3].label, "2026-10-25T02:00+01:00");
  for (const auto& b : autumn) EXPECT_EQ(b.end - b.start, absl::Hours(1)) << b.label;
}

TEST_F(ReportTest, PerDayAcrossMidnight) {
  Report r = Run(ReportBy::kDay);
  const ReportLine* d28 = r.Find(ReportScope::kBranch, "test", 0);
  const ReportLine* d29 = r.Find(ReportScope::kBranch, "test", 1);
  ASSERT_TRUE(d28 && d29);
  EXPECT_EQ(d28->f.issued, 3);  // T5, T4, T1 (T6 was the day before)
  EXPECT_EQ(d28->f.no_show, 1);
  EXPECT_EQ(d28->f.expired, 1);
  EXPECT_EQ(d28->f.served, 0);
  EXPECT_EQ(d28->f.wait.count, 1);
  EXPECT_EQ(d28->f.wait.max, M(5));
  EXPECT_EQ(d29->f.issued, 2);
  EXPECT_EQ(d29->f.served, 2);
  EXPECT_EQ(d29->f.cancelled, 1);
  // T1 waited 20 minutes across midnight; T2 25 real minutes across the
  // DST jump (01:40 CET -> 03:05 CEST).
  EXPECT_EQ(d29->f.wait.count, 2);
  EXPECT_EQ(d29->f.wait.p50, M(20));
  EXPECT_EQ(d29->f.wait.p90, M(25));
  const ReportLine* all = r.Find(ReportScope::kBranch, "test", -1);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->f.issued, 5);
  EXPECT_EQ(all->f.wait.p50, M(20));
  EXPECT_EQ(all->f.wait.p90, M(25));
  EXPECT_EQ(all->f.wait.max, M(25));
  // Walk: the recall does not restart it (00:10 -> 00:15), 03:05 -> 03:10.
  EXPECT_EQ(all->f.walk.count, 2);
  EXPECT_EQ(all->f.walk.mean, M(5));
  EXPECT_EQ(all->f.service.mean, M(15));
  EXPECT_EQ(all->f.service.p90, M(20));
}

TEST_F(ReportTest, PerClerkBusyAndIdle) {
  Report r = Run(ReportBy::kDay);
  const ReportLine* anna = r.Find(ReportScope::kClerk, "anna", -1);
  const ReportLine* boris = r.Find(ReportScope::kClerk, "boris", -1);
  ASSERT_TRUE(anna && boris);
  EXPECT_EQ(anna->f.served, 1);
  EXPECT_EQ(anna->f.no_show, 1);
  EXPECT_EQ(anna->f.busy, M(10));
  // Open 20:00 Saturday to 04:00 Sunday: 7 real hours (the night lost one).
  EXPECT_EQ(anna->f.idle, absl::Hours(7) - M(10));
  EXPECT_EQ(r.Find(ReportScope::kClerk, "anna", 0)->f.idle, absl::Hours(4));
  EXPECT_EQ(r.Find(ReportScope::kClerk, "anna", 1)->f.idle, absl::Hours(3) - M(10));
  // Boris: open from 00:30 CET until now (05:00 CEST): 3.5 hours.
  EXPECT_EQ(boris->f.served, 1);
  EXPECT_EQ(boris->f.busy, M(20));
  EXPECT_EQ(boris->f.idle, absl::Minutes(210) - M(20));
  EXPECT_EQ(boris->f.service.mean, M(20));
  EXPECT_EQ(boris->f.wait.max, M(25));
  // Branch: the sum of its clerks.
  const ReportLine* all = r.Find(ReportScope::kBranch, "test", -1);
  EXPECT_EQ(all->f.busy, M(30));
  EXPECT_EQ(all->f.idle, absl::Minutes(420 + 210) - M(30));
}

TEST_F(ReportTest, PerHour) {
  Report r = Run(ReportBy::kHour);
  ASSERT_EQ(r.buckets.size(), 24u + 23u);
  auto hour = [&](const std::string& label) {
    for (size_t i = 0; i < r.buckets.size(); ++i)
      if (r.buckets[i].label == label) return static_cast<int>(i);
    ADD_FAILURE() << "no bucket " << label;
    return -1;
  };
  int h01 = hour("2026-03-29T01:00+01:00"), h03 = hour("2026-03-29T03:00+02:00");
  int h00 = hour("2026-03-29T00:00+01:00");
  EXPECT_EQ(r.Find(ReportScope::kBranch, "test", h01)->f.issued, 2);
  EXPECT_EQ(r.Find(ReportScope::kBranch, "test", h01)->f.cancelled, 1);
  const ReportLine* b03 = r.Find(ReportScope::kClerk, "boris", h03);
  ASSERT_TRUE(b03);
  EXPECT_EQ(b03->f.wait.max, M(25));
  EXPECT_EQ(b03->f.busy, M(20));
  EXPECT_EQ(b03->f.idle, M(40));
  EXPECT_EQ(r.Find(ReportScope::kClerk, "anna", h00)->f.busy, M(10));
  EXPECT_EQ(r.Find(ReportScope::kClerk, "anna", h00)->f.idle, M(50));
  EXPECT_EQ(r.Find(ReportScope::kClerk, "boris", h00)->f.idle, M(30));
  EXPECT_EQ(r.Find(ReportScope::kService, "R", h03)->f.served, 1);
  EXPECT_EQ(r.Find(ReportScope::kService, "P", h01)->f.cancelled, 1);
}

TEST_F(ReportTest, SimCasesAndFees) {
  Report r = Run(ReportBy::kDay);
  const ReportFigures& f = r.Find(ReportScope::kBranch, "test", -1)->f;
  EXPECT_EQ(f.cases_closed, 1);
  EXPECT_EQ(f.cases_refused_identity, 1);
  EXPECT_EQ(f.cases_locked, 1);
  EXPECT_EQ(f.cases_cancelled, 1);
  EXPECT_EQ(f.fees_paid_roubles, 600);
  EXPECT_EQ(f.fees_refunded_roubles, 300);
  const ReportFigures& anna = r.Find(ReportScope::kClerk, "anna", -1)->f;
  EXPECT_EQ(anna.cases_locked, 1);
  EXPECT_EQ(anna.cases_refused_identity, 1);
  EXPECT_EQ(anna.fees_paid_roubles, 0);
  EXPECT_EQ(r.Find(ReportScope::kClerk, "boris", -1)->f.fees_paid_roubles, 600);
}

// Online applications count per branch and bucket at each step's moment,
// and never as a counter's outcome or a clerk's (they have no counter).
TEST_F(ReportTest, RemoteCasesCountApartFromTheCounter) {
  Report r = Run(ReportBy::kDay);
  const ReportFigures& all = r.Find(ReportScope::kBranch, "test", -1)->f;
  EXPECT_EQ(all.remote_applied, 4);     // 22, 23, 25 on the 28th; 24 on the 29th
  EXPECT_EQ(all.remote_approved, 2);    // 22 (its second approval), 25
  EXPECT_EQ(all.remote_rejected, 1);    // 23
  EXPECT_EQ(all.remote_dispatched, 2);  // 21 posted, 22 sent to the shop
  EXPECT_EQ(all.remote_activated, 1);   // 21
  EXPECT_EQ(all.remote_cancelled, 3);   // 24 withdrawn, 25 by staff, 26 expired
  EXPECT_EQ(all.remote_locked, 1);      // 22, not also cancelled
  EXPECT_EQ(all.remote_failed_checks, 4);
  const ReportFigures& d28 = r.Find(ReportScope::kBranch, "test", 0)->f;
  const ReportFigures& d29 = r.Find(ReportScope::kBranch, "test", 1)->f;
  EXPECT_EQ(d28.remote_applied, 3);
  EXPECT_EQ(d28.remote_approved, 2);
  EXPECT_EQ(d28.remote_dispatched, 2);
  EXPECT_EQ(d28.remote_cancelled, 1);
  EXPECT_EQ(d28.remote_failed_checks, 1);
  EXPECT_EQ(d28.remote_activated, 0);
  EXPECT_EQ(d29.remote_applied, 1);
  EXPECT_EQ(d29.remote_rejected, 1);
  EXPECT_EQ(d29.remote_activated, 1);
  EXPECT_EQ(d29.remote_cancelled, 2);
  EXPECT_EQ(d29.remote_locked, 1);
  EXPECT_EQ(d29.remote_failed_checks, 3);

  // The counter's outcomes are the four counter cases' alone.
  EXPECT_EQ(all.cases_closed, 1);
  EXPECT_EQ(all.cases_cancelled, 1);
  EXPECT_EQ(all.cases_locked, 1);
  EXPECT_EQ(all.cases_refused_identity, 1);
  // No clerk line for them ("(no login)" would be a counter opened without
  // a login), and no clerk or service carries remote figures.
  EXPECT_EQ(r.Find(ReportScope::kClerk, "", -1), nullptr);
  for (const ReportLine& l : r.lines) {
    if (l.scope == ReportScope::kBranch) continue;
    EXPECT_EQ(l.f.remote_applied + l.f.remote_approved + l.f.remote_rejected +
                  l.f.remote_dispatched + l.f.remote_activated + l.f.remote_cancelled +
                  l.f.remote_locked + l.f.remote_failed_checks,
              0)
        << ScopeName(l.scope) << " " << l.key;
  }
  const ReportFigures& anna = r.Find(ReportScope::kClerk, "anna", -1)->f;
  const ReportFigures& boris = r.Find(ReportScope::kClerk, "boris", -1)->f;
  EXPECT_EQ(anna.cases_closed + anna.cases_cancelled, 0);
  EXPECT_EQ(boris.cases_closed, 1);
  EXPECT_EQ(boris.cases_cancelled, 1);
  EXPECT_EQ(boris.cases_locked + boris.cases_refused_identity, 0);
}

TEST_F(ReportTest, RemoteCasesPerHour) {
  Report r = Run(ReportBy::kHour);
  auto hour = [&](const std::string& label) -> const ReportFigures& {
    static const ReportFigures kNone;
    for (size_t i = 0; i < r.buckets.size(); ++i)
      if (r.buckets[i].label == label) {
        const ReportLine* l = r.Find(ReportScope::kBranch, "test", static_cast<int>(i));
        return l ? l->f : kNone;
      }
    ADD_FAILURE() << "no bucket " << label;
    return kNone;
  };
  const ReportFigures& h01 = hour("2026-03-29T01:00+01:00");
  EXPECT_EQ(h01.remote_failed_checks, 3);
  EXPECT_EQ(h01.remote_locked, 1);
  EXPECT_EQ(h01.remote_cancelled, 0);
  const ReportFigures& h09 = hour("2026-03-28T09:00+01:00");
  EXPECT_EQ(h09.remote_applied, 1);
  EXPECT_EQ(h09.remote_approved, 1);  // 22's second approval at 09:45
  EXPECT_EQ(h09.remote_cancelled, 1);  // 26 expired at 09:00
  EXPECT_EQ(hour("2026-03-29T03:00+02:00").remote_activated, 1);
  EXPECT_EQ(hour("2026-03-29T03:00+02:00").remote_applied, 1);
  EXPECT_EQ(hour("2026-03-29T04:00+02:00").remote_cancelled, 2);
}

TEST_F(ReportTest, Bookings) {
  Report r = Run(ReportBy::kDay);
  const ReportFigures& d28 = r.Find(ReportScope::kBranch, "test", 0)->f;
  const ReportFigures& d29 = r.Find(ReportScope::kBranch, "test", 1)->f;
  EXPECT_EQ(d28.bookings_made, 1);
  EXPECT_EQ(d28.bookings_no_show, 1);
  EXPECT_EQ(d29.bookings_made, 1);
  EXPECT_EQ(d29.bookings_checked_in, 1);
  EXPECT_EQ(d29.bookings_late, 1);
  EXPECT_EQ(r.Find(ReportScope::kService, "N", -1)->f.bookings_made, 1);
}

TEST_F(ReportTest, PeriodValidation) {
  EXPECT_TRUE(ParseReportDay("2026-03-29").has_value());
  EXPECT_FALSE(ParseReportDay("2026-02-30").has_value());
  EXPECT_FALSE(ParseReportDay("2026-3-29").has_value());
  EXPECT_FALSE(ParseReportDay("29.03.2026").has_value());
  ReportPeriod bad{absl::CivilDay(2026, 3, 29), absl::CivilDay(2026, 3, 28), ReportBy::kDay};
  EXPECT_EQ(ValidateReportPeriod(bad).field(), "to_date");
  ReportPeriod longp{absl::CivilDay(2025, 1, 1), absl::CivilDay(2026, 1, 2), ReportBy::kDay};
  EXPECT_FALSE(ValidateReportPeriod(longp).ok());
  ReportPeriod year{absl::CivilDay(2025, 1, 1), absl::CivilDay(2025, 12, 31), ReportBy::kDay};
  EXPECT_TRUE(ValidateReportPeriod(year).ok());
  year.by = ReportBy::kHour;
  EXPECT_EQ(ValidateReportPeriod(year).field(), "to_date");
  ReportPeriod month{absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 31), ReportBy::kHour};
  EXPECT_TRUE(ValidateReportPeriod(month).ok());
}

TEST_F(ReportTest, CsvRoundsOnceAndLeavesBlanks) {
  Report r = Run(ReportBy::kDay);
  std::string csv = ReportCsv(r);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "scope,key,period_start,period_end,issued,served,no_show,cancelled,expired,"
            "wait_count,wait_p50_s,wait_p90_s,wait_max_s,walk_count,walk_mean_s,walk_p90_s,"
            "service_count,service_mean_s,service_p90_s,busy_s,idle_s,"
            "sim_closed,sim_cancelled,sim_refused_identity,sim_locked,fees_paid_rub,"
            "fees_refunded_rub,bookings_made,bookings_checked_in,bookings_late,bookings_no_show,"
            "remote_applied,remote_approved,remote_rejected,remote_dispatched,remote_activated,"
            "remote_cancelled,remote_locked,remote_failed_checks");
  EXPECT_NE(csv.find("\r\nbranch,test,2026-03-28,2026-03-29,5,2,1,1,1,3,1200,1500,1500,2,300,300,"
                     "2,900,1200,1800,36000,1,1,1,1,600,300,2,1,1,1,4,2,1,2,1,3,1,4\r\n"),
            std::string::npos)
      << csv;
  // A clerk has no issued/cancelled/expired/bookings; a service no busy/cases.
  EXPECT_NE(csv.find("\r\nclerk,anna,2026-03-28,2026-03-29,,1,1,,,2,300,1200,1200,1,300,300,1,600,"
                     "600,600,24600,0,0,1,1,0,0,,,,,,,,,,,,\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\r\nservice,P,2026-03-29,2026-03-29,1,0,0,1,0,0,,,,0,,,0,,,,,,,,,,,0,0,0,0,"
                     ",,,,,,,\r\n"),
            std::string::npos)
      << csv;
  // The days' remote figures.
  EXPECT_NE(csv.find("\r\nbranch,test,2026-03-28,2026-03-28,"), std::string::npos) << csv;
  const size_t d28 = csv.find("\r\nbranch,test,2026-03-28,2026-03-28,");
  const std::string line28 = csv.substr(d28 + 2, csv.find("\r\n", d28 + 2) - d28 - 2);
  EXPECT_EQ(line28.substr(line28.size() - std::string(",3,2,0,2,0,1,0,1").size()),
            ",3,2,0,2,0,1,0,1")
      << line28;
}

// A ticket transferred from R to P and parked on the way: one wait (the
// first call), a walk per calling round, a service sample per serving, each
// under the service and clerk of its moment.
TEST(ReportTransfers, EachServingCountsWhereItHappened) {
  BranchConfig b = testing::TestBranch(kZone);
  auto at = [](int h, int m) { return At(kZone, 2026, 3, 10, h, m); };
  ReportRows rows;
  rows.counters = {{at(9, 0), "1", true, "clerk:anna"}, {at(9, 0), "2", true, "clerk:boris"},
                   {at(12, 0), "1", false, "clerk:anna"}, {at(12, 0), "2", false, "clerk:boris"}};
  rows.tickets = {{1, "R", "P", at(9, 0)}};
  using S = TicketState;
  auto ev = [&](int h, int m, const char* kind, S from, S to, const char* counter,
                const char* detail = "") {
    rows.events.push_back({1, at(h, m), kind, from, to, counter, detail});
  };
  ev(9, 0, "create", S::kWaiting, S::kWaiting, "");
  ev(9, 10, "call", S::kWaiting, S::kCalled, "1");
  ev(9, 11, "start", S::kCalled, S::kServing, "1");
  ev(9, 20, "transfer", S::kServing, S::kWaiting, "", "R->P");
  ev(9, 30, "call", S::kWaiting, S::kCalled, "2");
  ev(9, 32, "start", S::kCalled, S::kServing, "2");
  ev(9, 40, "park", S::kServing, S::kParked, "2");
  ev(9, 50, "return", S::kParked, S::kCalled, "2");
  ev(9, 51, "start", S::kCalled, S::kServing, "2");
  ev(9, 55, "complete", S::kServing, S::kDone, "");
  ReportPeriod p{absl::CivilDay(2026, 3, 10), absl::CivilDay(2026, 3, 10), ReportBy::kDay};
  Report r = ComputeReport(b, p, rows, at(13, 0));
  const ReportFigures& all = r.Find(ReportScope::kBranch, "test", -1)->f;
  EXPECT_EQ(all.issued, 1);
  EXPECT_EQ(all.served, 1);
  EXPECT_EQ(all.wait.count, 1);
  EXPECT_EQ(all.wait.max, M(10));
  EXPECT_EQ(all.walk.count, 3);
  EXPECT_EQ(all.service.count, 3);
  EXPECT_EQ(all.busy, M(9 + 8 + 4));
  const ReportFigures& rf = r.Find(ReportScope::kService, "R", -1)->f;
  EXPECT_EQ(rf.issued, 1);
  EXPECT_EQ(rf.served, 0);
  EXPECT_EQ(rf.service.mean, M(9));
  const ReportFigures& pf = r.Find(ReportScope::kService, "P", -1)->f;
  EXPECT_EQ(pf.issued, 0);
  EXPECT_EQ(pf.served, 1);
  EXPECT_EQ(pf.walk.count, 2);
  EXPECT_EQ(pf.walk.mean, absl::Seconds(90));
  EXPECT_EQ(pf.service.mean, M(6));
  const ReportFigures& anna = r.Find(ReportScope::kClerk, "anna", -1)->f;
  const ReportFigures& boris = r.Find(ReportScope::kClerk, "boris", -1)->f;
  EXPECT_EQ(anna.busy, M(9));
  EXPECT_EQ(anna.served, 0);
  EXPECT_EQ(boris.busy, M(12));
  EXPECT_EQ(boris.served, 1);
  EXPECT_EQ(boris.idle, absl::Hours(3) - M(12));
}

TEST(ReportRounding, HalfAwayFromZeroOnce) {
  EXPECT_EQ(RoundSeconds(absl::Milliseconds(1499)), 1);
  EXPECT_EQ(RoundSeconds(absl::Milliseconds(1500)), 2);
  EXPECT_EQ(RoundSeconds(absl::Microseconds(2499999)), 2);
  EXPECT_EQ(RoundSeconds(absl::Milliseconds(-1500)), -2);
  EXPECT_EQ(RoundSeconds(absl::Milliseconds(-1499)), -1);
}

// Beyond what int64 microseconds hold (infinite durations too) the result
// saturates instead of overflowing.
TEST(ReportRounding, Saturates) {
  constexpr int64_t kMaxUs = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMinUs = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(RoundSeconds(absl::InfiniteDuration()), kMaxUs / 1000000 + 1);
  EXPECT_EQ(RoundSeconds(absl::Microseconds(kMaxUs)), kMaxUs / 1000000 + 1);
  EXPECT_EQ(RoundSeconds(absl::Hours(std::numeric_limits<int64_t>::max() / 1000)),
            kMaxUs / 1000000 + 1);
  EXPECT_EQ(RoundSeconds(-absl::InfiniteDuration()), kMinUs / 1000000 - 1);
  EXPECT_EQ(RoundSeconds(absl::Microseconds(kMinUs)), kMinUs / 1000000 - 1);
}

// A start whose call is not among the rows read (history begins after it)
// gives no walk sample: its walk is unknown, not infinite. The serving
// still counts.
TEST(ReportWalk, AStartWithoutItsCallGivesNoWalkSample) {
  BranchConfig b = testing::TestBranch(kZone);
  auto at = [](int h, int m) { return At(kZone, 2026, 3, 10, h, m); };
  ReportRows rows;
  rows.counters = {{at(9, 0), "1", true, "clerk:anna"}, {at(12, 0), "1", false, "clerk:anna"}};
  rows.tickets = {{1, "R", "R", at(9, 0)}, {2, "R", "R", at(9, 0)}};
  using S = TicketState;
  rows.events = {{1, at(9, 20), "start", S::kCalled, S::kServing, "1", ""},
                 {1, at(9, 30), "complete", S::kServing, S::kDone, "", ""},
                 {2, at(9, 40), "call", S::kWaiting, S::kCalled, "1", ""},
                 {2, at(9, 42), "start", S::kCalled, S::kServing, "1", ""},
                 {2, at(9, 50), "complete", S::kServing, S::kDone, "", ""}};
  ReportPeriod p{absl::CivilDay(2026, 3, 10), absl::CivilDay(2026, 3, 10), ReportBy::kDay};
  Report r = ComputeReport(b, p, rows, at(13, 0));
  const ReportFigures& all = r.Find(ReportScope::kBranch, "test", -1)->f;
  EXPECT_EQ(all.served, 2);
  EXPECT_EQ(all.walk.count, 1);
  EXPECT_EQ(all.walk.max, M(2));
  EXPECT_EQ(all.walk.mean, M(2));
  EXPECT_EQ(all.service.count, 2);
  const std::string csv = ReportCsv(r);
  EXPECT_EQ(csv.find("9223372036"), std::string::npos) << csv;
}

// A supervisor holds a counter he opened, and one he closed whose opening
// lies before the counter changes read (a week before the period): the same
// rule both ways. A counter device's own change ("counter:2") holds no one.
TEST(ReportHolders, ASupervisorHoldsTheCounterHeOpenedOrClosed) {
  BranchConfig b = testing::TestBranch(kZone);
  auto at = [](int h, int m) { return At(kZone, 2026, 3, 10, h, m); };
  ReportRows rows;
  rows.counters = {{at(10, 0), "1", false, "supervisor:olga"},  // opened long before
                   {at(11, 0), "1", true, "supervisor:olga"},
                   {at(12, 0), "1", false, "supervisor:olga"},
                   {at(12, 0), "2", false, "counter:2"}};
  rows.tickets = {{1, "R", "R", at(9, 0)}, {2, "R", "R", at(9, 0)}, {3, "R", "R", at(9, 0)}};
  using S = TicketState;
  auto serve = [&](int64_t id, const char* counter, int h, int m) {
    rows.events.push_back({id, at(h, m), "call", S::kWaiting, S::kCalled, counter, ""});
    rows.events.push_back({id, at(h, m + 1), "start", S::kCalled, S::kServing, counter, ""});
    rows.events.push_back({id, at(h, m + 5), "complete", S::kServing, S::kDone, "", ""});
  };
  serve(1, "1", 9, 30);   // held since before the period: olga closed it at 10:00
  serve(2, "1", 11, 10);  // olga opened it at 11:00
  serve(3, "2", 9, 40);   // a counter opened without a login
  ReportPeriod p{absl::CivilDay(2026, 3, 10), absl::CivilDay(2026, 3, 10), ReportBy::kDay};
  Report r = ComputeReport(b, p, rows, at(13, 0));
  const ReportLine* olga = r.Find(ReportScope::kClerk, "olga", -1);
  ASSERT_NE(olga, nullptr);
  EXPECT_EQ(olga->f.served, 2);
  EXPECT_EQ(olga->f.busy, M(8));
  const ReportLine* none = r.Find(ReportScope::kClerk, "", -1);
  ASSERT_NE(none, nullptr);
  EXPECT_EQ(none->f.served, 1);
}

TEST_F(ReportTest, HtmlIsSelfContainedWithChartsAndFigures) {
  branch_.services[0].names = {"Замена SIM-карты", "SIM replacement", "补办SIM卡"};
  Report r = Run(ReportBy::kHour);
  std::string html = ReportHtml(r);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  // Figures: wait p50/p90 20:00 / 25:00, service mean 15:00, busy anna 10:00.
  EXPECT_NE(html.find("20:00 / 25:00"), std::string::npos);
  EXPECT_NE(html.find("15:00 / 20:00"), std::string::npos);
  EXPECT_NE(html.find("<td>anna</td>"), std::string::npos);
  EXPECT_NE(html.find("Замена SIM-карты"), std::string::npos);
  EXPECT_NE(html.find("补办SIM卡"), std::string::npos);
  EXPECT_NE(html.find("2026-03-29 03:00 +02:00"), std::string::npos);
  EXPECT_NE(html.find("2026-03-29 01:00 +01:00"), std::string::npos);
  // The online applications' table: its total row (applied 4, approved 2,
  // rejected 1, dispatched 2, activated 1, cancelled 3, locked 1, failed 4).
  EXPECT_NE(html.find("<h2>SIM replacement online</h2>"), std::string::npos);
  EXPECT_NE(html.find("<tr><th>total</th><td class=n>4</td><td class=n>2</td><td class=n>1</td>"
                      "<td class=n>2</td><td class=n>1</td><td class=n>3</td><td class=n>1</td>"
                      "<td class=n>4</td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("online SIM: activated / applied"), std::string::npos);
  // Tags balance (well-formed enough): every opened svg, table, figure closes.
  for (const char* tag : {"svg", "table", "figure", "section", "tr", "td"}) {
    size_t open = 0, close = 0;
    for (size_t p = 0; (p = html.find(std::string("<") + tag + "", p)) != std::string::npos; ++p) {
      char next = html[p + 1 + std::string(tag).size()];
      if (next == ' ' || next == '>') ++open;
    }
    for (size_t p = 0; (p = html.find(std::string("</") + tag + ">", p)) != std::string::npos; ++p)
      ++close;
    EXPECT_EQ(open, close) << tag;
  }
  // Names are escaped.
  branch_.display_name = "A&B <shop>";
  std::string esc = ReportHtml(Run(ReportBy::kDay));
  EXPECT_NE(esc.find("A&amp;B &lt;shop&gt;"), std::string::npos);
  EXPECT_EQ(esc.find("<shop>"), std::string::npos);
}

}  // namespace
}  // namespace shop::queue
