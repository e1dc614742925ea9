// report_demo_db FILE: writes a SQLite database of the built-in demo
// configuration holding a plausible working week (Monday 2 to Friday 6
// March 2026, Moscow) played through the QueueManager with a manual clock:
// three clerks, four services, no-shows, left-over tickets expiring, SIM
// cases with every outcome, bookings. Deterministic (a fixed seed). For the
// report page's browser test (report.test.mjs) and its screenshot.
#include <cstdio>
#include <map>
#include <random>

#include "absl/time/civil_time.h"
#include "server/config/config_loader.h"
#include "server/domain/queue/queue_manager.h"
#include "server/storage/engine_store.h"

namespace shop::queue {
namespace {

struct Desk {
  const char* counter;
  Principal clerk;
  enum { kIdle, kCalled, kServing } state = kIdle;
  int64_t ticket = 0;
  std::string service;
  absl::Time next;  // when the current step ends
};

int Fail(const Status& st, const char* what) {
  std::fprintf(stderr, "report_demo_db: %s: %s\n", what, st.ToString().c_str());
  return 1;
}

int Run(const std::string& path) {
  auto config = ParseConfig(DemoConfigText(), "built-in demo");
  if (!config.ok()) return Fail(config.status(), "config");
  auto store = OpenStore(path, StoreOptions{});
  if (!store.ok()) return Fail(store.status(), "open");
  if (Status st = (*store)->SyncConfig(*config); !st.ok()) return Fail(st, "sync");
  const absl::TimeZone tz = config->branches[0].time_zone;
  auto local = [&](int d, int h, int m) {
    return absl::FromCivil(absl::CivilMinute(2026, 3, d, h, m), tz);
  };
  ManualClock clock(local(2, 8, 0));
  BoardHub board;
  QueueManager q(*config, **store, clock, board);
  std::mt19937 rng(20260302);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int seq = 0;
  std::vector<std::pair<int64_t, std::string>> served_sim;  // ticket, counter

  for (int day = 2; day <= 6; ++day) {
    std::vector<Desk> desks = {{"1", {Role::kClerk, "anna", ""}},
                               {"2", {Role::kClerk, "boris", ""}},
                               {"3", {Role::kClerk, "vera", ""}}};
    if (day == 4) desks.push_back({"4", {Role::kClerk, "grigory", ""}});
    for (auto& d : desks) {
      clock.Set(local(day, 9, uniform(0, 10)));
      if (auto r = q.OpenCounter("demo", d.counter, {}, &d.clerk); !r.ok())
        return Fail(r.status(), "open counter");
    }
    // Each minute: the desks act, then customers come (busier mornings,
    // a lunchtime peak).
    for (absl::Time t = local(day, 9, 10); t < local(day, 19, 0); t += absl::Minutes(1)) {
      clock.Set(t);
      for (auto& d : desks) {
        if (d.state == Desk::kIdle && t < local(day, 18, 45)) {
          auto r = q.CallNext("demo", d.counter, "call-" + std::to_string(++seq), &d.clerk);
          if (!r.ok()) continue;  // nobody waiting
          d.ticket = r->ticket.id;
          d.service = r->ticket.service_prefix;
          d.state = Desk::kCalled;
          d.next = t + absl::Seconds(uniform(20, 150));
        } else if (d.state == Desk::kCalled && t >= d.next) {
          bool gone = uniform(1, 100) <= 6;
          auto r = q.Act("demo", d.counter, d.ticket,
                         gone ? CounterAction::kNoShow : CounterAction::kStart, &d.clerk);
          if (!r.ok()) return Fail(r.status(), "start");
          if (gone) {
            d.state = Desk::kIdle;
            continue;
          }
          d.state = Desk::kServing;
          int base = d.service == "R" ? 12 : d.service == "N" ? 15 : d.service == "P" ? 4 : 7;
          d.next = t + absl::Seconds(uniform(base * 40, base * 90));
        } else if (d.state == Desk::kServing && t >= d.next) {
          auto r = q.Act("demo", d.counter, d.ticket, CounterAction::kComplete, &d.clerk);
          if (!r.ok()) return Fail(r.status(), "complete");
          if (d.service == "R") served_sim.push_back({d.ticket, d.counter});
          d.state = Desk::kIdle;
        }
      }
      int hour = static_cast<int>(absl::ToCivilHour(t, tz).hour());
      int chance = (hour >= 12 && hour < 14) ? 28 : (hour < 11 ? 18 : 12);
      if (uniform(1, 100) <= chance && t < local(day, 18, 30)) {
        int pick = uniform(1, 100);
        const char* service = pick <= 35 ? "R" : pick <= 55 ? "N" : pick <= 85 ? "P" : "C";
        clock.Set(t + absl::Seconds(uniform(0, 59)));  // any second of the minute
        CreateTicketInput in;
        in.branch_id = "demo";
        in.service_prefix = service;
        in.request_id = "demo-" + std::to_string(++seq);
        in.priority = uniform(1, 100) <= 8 ? Priority::kElderly : Priority::kNone;
        if (auto r = q.CreateTicket(in); !r.ok()) return Fail(r.status(), "create");
      }
    }
    for (auto& d : desks) {
      clock.Set(local(day, 19, 0) + absl::Minutes(uniform(1, 15)));
      if (auto r = q.CloseCounter("demo", d.counter, &d.clerk); !r.ok())
        return Fail(r.status(), "close counter");
    }
    // Whatever still waits expires with the business day.
    clock.Set(local(day + 1, 0, 5));
    if (auto r = q.ExpireOverdue(); !r.ok()) return Fail(r.status(), "expire");
  }

  // SIM cases of the served R tickets, each with one outcome, and bookings.
  Status st = (*store)->Write([&](WriteTx& tx) -> Status {
    int n = 0;
    for (auto [ticket, counter] : served_sim) {
      auto t = tx.tickets().GetTicket("demo", ticket);
      if (!t.ok()) return t.status();
      absl::Time at = (*t)->serve_time;
      SimCase c;
      c.branch_id = "demo";
      c.ticket_id = ticket;
      c.counter_id = counter;
      c.opened_by = "demo";
      c.opened = at;
      c.fee_roubles = (++n % 5 == 0) ? 150 : 300;
      int roll = uniform(1, 100);
      c.state = roll <= 72 ? CaseState::kClosed : CaseState::kCancelled;
      QUEUE_RETURN_IF_ERROR(tx.cases().InsertCase(c));
      std::vector<std::pair<const char*, const char*>> steps = {{"open", "opened"},
                                                                {"form", "accepted"}};
      if (roll <= 72) {
        steps.insert(steps.end(), {{"identity", "passed"}, {"payment", "paid"}, {"card", "issued"},
                                   {"block", "done"}, {"close", "closed"}});
      } else if (roll <= 82) {
        steps.insert(steps.end(), {{"identity", "failed"}, {"cancel", "cancelled"}});
      } else if (roll <= 87) {
        steps.insert(steps.end(), {{"identity", "failed"}, {"identity", "failed"},
                                   {"identity", "failed"}, {"lock", "locked"}, {"cancel", "cancelled"}});
      } else if (roll <= 93) {
        steps.insert(steps.end(), {{"identity", "passed"}, {"payment", "paid"}, {"refund", "refunded"},
                                   {"cancel", "cancelled"}});
      } else {
        steps.push_back({"cancel", "cancelled"});
      }
      int i = 0;
      for (auto [step, outcome] : steps) {
        CaseRecord r{c.case_id, 0, at + absl::Seconds(30 * ++i), step, outcome, "demo", "", ""};
        QUEUE_RETURN_IF_ERROR(tx.cases().AppendCaseRecord(r));
      }
    }
    for (int i = 0; i < 40; ++i) {
      Booking b;
      b.code = "DEMO" + std::to_string(1000 + i);
      b.branch_id = "demo";
      b.service_prefix = i % 3 == 0 ? "N" : "R";
      int day = 2 + i % 5;
      b.slot_start = local(day, 10 + (i * 7) % 8, (i % 2) * 30);
      b.created = b.slot_start - absl::Hours(24 + i);
      int roll = uniform(1, 100);
      b.state = roll <= 75 ? BookingState::kCheckedIn
                           : roll <= 85 ? BookingState::kCancelled : BookingState::kNoShow;
      b.late_walk_in = b.state == BookingState::kCheckedIn && roll <= 10;
      b.phone = "+7999000" + std::to_string(1000 + i);
      b.name = "demo";
      b.request_id = "demo-booking-" + std::to_string(i);
      b.finished = b.slot_start;
      QUEUE_RETURN_IF_ERROR(tx.bookings().InsertBooking(b));
    }
    return Status::Ok();
  });
  if (!st.ok()) return Fail(st, "cases and bookings");
  std::printf("report_demo_db: %s: %zu SIM cases\n", path.c_str(), served_sim.size());
  return 0;
}

}  // namespace
}  // namespace shop::queue

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: report_demo_db FILE\n");
    return 2;
  }
  return shop::queue::Run(argv[1]);
}
