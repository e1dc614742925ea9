#include "server/domain/report/report.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/time/civil_time.h"

namespace shop::queue {

namespace {

// Counter changes are read this far before the period, to know who held a
// counter at its start.
constexpr absl::Duration kCounterLookback = absl::Hours(24 * 7);
// Events after the period are read this far, to end servings that cross it.
constexpr absl::Duration kHistoryAfter = absl::Hours(24);

struct Tally {
  ReportFigures f;
  std::vector<absl::Duration> wait, walk, service;
  absl::Duration open = absl::ZeroDuration();
  bool any = false;
};

DurationStats Stats(std::vector<absl::Duration>& v) {
  DurationStats s;
  s.count = static_cast<int64_t>(v.size());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.p50 = NearestRank(v, 50);
  s.p90 = NearestRank(v, 90);
  s.max = v.back();
  absl::Duration sum = absl::ZeroDuration();
  for (auto d : v) sum += d;
  // Exact to the microsecond the samples have.
  s.mean = absl::Microseconds(absl::ToInt64Microseconds(sum) / s.count);
  return s;
}

// Who held which counter when: intervals built from counter.open/close.
class Holders {
 public:
  Holders(const std::vector<CounterChange>& changes, absl::Time from, absl::Time until) {
    std::map<std::string, std::vector<const CounterChange*>> by_counter;
    for (const auto& c : changes) by_counter[c.counter_id].push_back(&c);
    for (auto& [counter, list] : by_counter) {
      std::stable_sort(list.begin(), list.end(),
                       [](const CounterChange* a, const CounterChange* b) { return a->time < b->time; });
      bool open = false;
      std::string holder;
      absl::Time since = from;
      bool first = true;
      auto& out = spans_[counter];
      for (const CounterChange* c : list) {
        auto [role, id] = SplitActor(c->actor);
        if (first && !c->open) {
          // Closed first: it was open from before what was read, held (as
          // far as can be known) by whoever closed it.
          open = true;
          holder = HolderOf(role, id);
          since = from;
        }
        first = false;
        if (c->open) {
          if (open) {
            // Changed while open: a clerk keeps it; another login takes it
            // only as itself (the queue refuses a second clerk).
            if (role == "clerk" && id != holder) {
              out.push_back({since, c->time, holder});
              holder = id;
              since = c->time;
            }
          } else {
            open = true;
            holder = HolderOf(role, id);
            since = c->time;
          }
        } else if (open) {
          out.push_back({since, c->time, holder});
          open = false;
        }
      }
      if (open) out.push_back({since, std::max(since, until), holder});
    }
  }

  // The clerk holding `counter` at `t`; "" when none is known.
  std::string At(const std::string& counter, absl::Time t) const {
    auto it = spans_.find(counter);
    if (it == spans_.end()) return "";
    for (const auto& s : it->second)
      if (s.from <= t && t < s.to) return s.clerk;
    // A serving may end just as the counter closes: the last holder before.
    for (auto s = it->second.rbegin(); s != it->second.rend(); ++s)
      if (s->from <= t && t <= s->to) return s->clerk;
    return "";
  }

  struct Span {
    absl::Time from, to;
    std::string clerk;
  };
  const std::map<std::string, std::vector<Span>>& spans() const { return spans_; }

 private:
  // Who holds a counter that `role`:`id` opened (or closed, when its
  // opening was not read): that login, whatever its role (a supervisor who
  // opens a closed counter holds it himself); "" for a counter device's own
  // change ("counter:2", no login).
  static std::string HolderOf(const std::string& role, const std::string& id) {
    return role == "counter" ? std::string() : id;
  }
  static std::pair<std::string, std::string> SplitActor(const std::string& actor) {
    auto colon = actor.find(':');
    if (colon == std::string::npos) return {actor, ""};
    return {actor.substr(0, colon), actor.substr(colon + 1)};
  }
  std::map<std::string, std::vector<Span>> spans_;
};

class Builder {
 public:
  Builder(const BranchConfig& b, const ReportPeriod& p, absl::Time now)
      : branch_(b), buckets_(ReportBuckets(p, b.time_zone)), now_(now) {
    start_ = buckets_.empty() ? absl::InfinitePast() : buckets_.front().start;
    end_ = buckets_.empty() ? absl::InfinitePast() : buckets_.back().end;
  }

  // The bucket of `t`, or -1 outside the period.
  int BucketOf(absl::Time t) const {
    if (t < start_ || t >= end_) return -1;
    auto it = std::upper_bound(buckets_.begin(), buckets_.end(), t,
                               [](absl::Time x, const ReportBucket& b) { return x < b.start; });
    return static_cast<int>(it - buckets_.begin()) - 1;
  }

  // The tallies a figure at `t` adds to: the branch's, the service's (when
  // given) and the clerk's (when given), each for the bucket and the whole.
  template <typename Fn>
  void Add(absl::Time t, const std::string* service, const std::string* clerk, Fn fn) {
    int b = BucketOf(t);
    if (b < 0) return;
    auto one = [&](ReportScope s, const std::string& key) {
      for (int i : {b, -1}) {
        Tally& x = tallies_[{s, key, i}];
        x.any = true;
        fn(x);
      }
    };
    one(ReportScope::kBranch, branch_.branch_id);
    if (service) one(ReportScope::kService, *service);
    if (clerk) one(ReportScope::kClerk, *clerk);
  }

  // Adds the parts of [from, to) in the period to `field` of the clerk's
  // (and the branch's) tallies, bucket by bucket.
  void AddTime(absl::Time from, absl::Time to, const std::string& clerk, bool busy) {
    from = std::max(from, start_);
    to = std::min(to, end_);
    if (from >= to) return;
    for (int b = BucketOf(from); b >= 0 && b < static_cast<int>(buckets_.size()); ++b) {
      absl::Time lo = std::max(from, buckets_[b].start), hi = std::min(to, buckets_[b].end);
      if (lo >= hi) break;
      for (ReportScope s : {ReportScope::kBranch, ReportScope::kClerk}) {
        const std::string& key = s == ReportScope::kBranch ? branch_.branch_id : clerk;
        for (int i : {b, -1}) {
          Tally& x = tallies_[{s, key, i}];
          x.any = true;
          (busy ? x.f.busy : x.open) += hi - lo;
        }
      }
    }
  }

  Report Finish(const ReportPeriod& p) {
    Report r;
    r.branch_id = branch_.branch_id;
    r.branch_name = branch_.display_name;
    r.time_zone = branch_.time_zone_name;
    r.zone = branch_.time_zone;
    r.period = p;
    r.generated = now_;
    r.buckets = buckets_;
    for (const auto& s : branch_.services) r.services.push_back({s.prefix, s.names});
    auto emit = [&](ReportScope s, const std::string& key, int b, bool always) {
      auto it = tallies_.find({s, key, b});
      if (it == tallies_.end() && !always) return;
      ReportLine line;
      line.scope = s;
      line.key = key;
      line.bucket = b;
      if (it != tallies_.end()) {
        Tally& t = it->second;
        line.f = t.f;
        line.f.wait = Stats(t.wait);
        line.f.walk = Stats(t.walk);
        line.f.service = Stats(t.service);
        line.f.idle = std::max(absl::ZeroDuration(), t.open - t.f.busy);
      }
      r.lines.push_back(std::move(line));
    };
    emit(ReportScope::kBranch, branch_.branch_id, -1, true);
    for (int b = 0; b < static_cast<int>(buckets_.size()); ++b)
      emit(ReportScope::kBranch, branch_.branch_id, b, true);
    std::vector<std::string> services;
    for (const auto& s : branch_.services) services.push_back(s.prefix);
    // Services no longer configured but present in the rows, after.
    for (const auto& [k, t] : tallies_)
      if (std::get<0>(k) == ReportScope::kService &&
          std::find(services.begin(), services.end(), std::get<1>(k)) == services.end())
        services.push_back(std::get<1>(k));
    for (const auto& s : services) {
      if (!tallies_.count({ReportScope::kService, s, -1})) continue;
      for (int b = -1; b < static_cast<int>(buckets_.size()); ++b)
        emit(ReportScope::kService, s, b, false);
    }
    std::vector<std::string> clerks;
    for (const auto& [k, t] : tallies_)
      if (std::get<0>(k) == ReportScope::kClerk && std::get<2>(k) == -1)
        clerks.push_back(std::get<1>(k));
    for (const auto& c : clerks)
      for (int b = -1; b < static_cast<int>(buckets_.size()); ++b)
        emit(ReportScope::kClerk, c, b, false);
    return r;
  }

  absl::Time start() const { return start_; }
  absl::Time end() const { return end_; }
  absl::Time now() const { return now_; }

 private:
  const BranchConfig& branch_;
  std::vector<ReportBucket> buckets_;
  absl::Time now_;
  absl::Time start_, end_;
  std::map<std::tuple<ReportScope, std::string, int>, Tally> tallies_;
};

void TicketFigures(Builder& out, const Holders& holders, const ReportTicket& t,
                   const std::vector<const ReportEvent*>& events) {
  std::string service = t.number_prefix;
  out.Add(t.issue_time, &service, nullptr, [](Tally& x) { ++x.f.issued; });
  bool called_once = false;
  absl::Time round_start = absl::InfinitePast();
  std::optional<absl::Time> serving_since;
  std::string serving_counter, last_counter;
  for (const ReportEvent* e : events) {
    const std::string counter = e->counter_id.empty() ? last_counter : e->counter_id;
    if (!e->counter_id.empty()) last_counter = e->counter_id;
    // A serving ends with any move out of serving.
    if (e->from == TicketState::kServing && serving_since) {
      std::string clerk = holders.At(serving_counter, *serving_since);
      absl::Duration d = e->time - *serving_since;
      out.Add(e->time, &service, &clerk, [&](Tally& x) { x.service.push_back(d); });
      out.AddTime(*serving_since, e->time, clerk, /*busy=*/true);
      serving_since.reset();
    }
    if (e->kind == "transfer") {
      auto arrow = e->detail.find("->");
      if (arrow != std::string::npos) service = e->detail.substr(arrow + 2);
    }
    if (e->to == TicketState::kCalled && e->from != TicketState::kCalled) {
      round_start = e->time;
      if (!called_once) {
        called_once = true;
        std::string clerk = holders.At(counter, e->time);
        absl::Duration d = e->time - t.issue_time;
        out.Add(e->time, &service, &clerk, [&](Tally& x) { x.wait.push_back(d); });
      }
    }
    if (e->to == TicketState::kServing && e->from == TicketState::kCalled) {
      std::string clerk = holders.At(counter, e->time);
      // No walk sample without the call that began the round among the
      // rows read (the difference would be infinite).
      if (round_start != absl::InfinitePast()) {
        absl::Duration d = e->time - round_start;
        out.Add(e->time, &service, &clerk, [&](Tally& x) { x.walk.push_back(d); });
      }
      serving_since = e->time;
      serving_counter = counter;
    }
    if (e->from == e->to) continue;
    std::string clerk = counter.empty() ? std::string() : holders.At(counter, e->time);
    const std::string* who = counter.empty() ? nullptr : &clerk;
    switch (e->to) {
      case TicketState::kDone: out.Add(e->time, &service, who, [](Tally& x) { ++x.f.served; }); break;
      case TicketState::kNoShow: out.Add(e->time, &service, who, [](Tally& x) { ++x.f.no_show; }); break;
      case TicketState::kCancelled:
        out.Add(e->time, &service, nullptr, [](Tally& x) { ++x.f.cancelled; });
        break;
      case TicketState::kExpired:
        out.Add(e->time, &service, nullptr, [](Tally& x) { ++x.f.expired; });
        break;
      default: break;
    }
  }
  // Still serving when the history read ends: busy up to now.
  if (serving_since) {
    std::string clerk = holders.At(serving_counter, *serving_since);
    out.AddTime(*serving_since, out.now(), clerk, /*busy=*/true);
  }
}

// An online application's steps, each at its record's moment, the
// branch's only (no ticket, no counter, so no clerk: it never touches the
// counter's figures).
void RemoteCaseFigures(Builder& out, const std::vector<const ReportCaseRecord*>& records) {
  bool locked = false;
  for (const ReportCaseRecord* r : records) {
    auto add = [&](auto fn) { out.Add(r->time, nullptr, nullptr, fn); };
    const std::string& step = r->step;
    const std::string& outcome = r->outcome;
    if (step == "apply") add([](Tally& x) { ++x.f.remote_applied; });
    // A first of two approvals is not the review's end.
    if (step == "review" && outcome == "approved") add([](Tally& x) { ++x.f.remote_approved; });
    if (step == "review" && outcome == "rejected") add([](Tally& x) { ++x.f.remote_rejected; });
    // Only the dispatch itself: not a record that follows it (such as a
    // new activation code for the same card).
    if (step == "dispatch" && (outcome == "posted" || outcome == "sent_to_shop"))
      add([](Tally& x) { ++x.f.remote_dispatched; });
    if ((step == "activation" || step == "pickup") && outcome == "failed")
      add([](Tally& x) { ++x.f.remote_failed_checks; });
    // The lock ends the application (its cancel record follows): one outcome.
    if ((step == "lock" || (step == "cancel" && outcome == "locked")) && !locked) {
      locked = true;
      add([](Tally& x) { ++x.f.remote_locked; });
      continue;
    }
    if (step == "close") add([](Tally& x) { ++x.f.remote_activated; });
    if (step == "cancel" && !locked) add([](Tally& x) { ++x.f.remote_cancelled; });
  }
}

void CaseFigures(Builder& out, const Holders& holders, const ReportCase& c,
                 const std::vector<const ReportCaseRecord*>& records) {
  bool passed = false, failed = false, locked = false;
  for (const ReportCaseRecord* r : records) {
    std::string clerk = holders.At(c.counter_id, r->time);
    auto add = [&](auto fn) { out.Add(r->time, nullptr, &clerk, fn); };
    if (r->step == "identity" && r->outcome == "passed") passed = true;
    if (r->step == "identity" && r->outcome == "failed") failed = true;
    if (r->step == "lock" && !locked) {
      locked = true;
      add([](Tally& x) { ++x.f.cases_locked; });
    }
    if (r->step == "payment" && r->outcome == "paid") {
      int64_t fee = c.fee_roubles;
      add([fee](Tally& x) { x.f.fees_paid_roubles += fee; });
    }
    if (r->step == "refund") {
      int64_t fee = c.fee_roubles;
      add([fee](Tally& x) { x.f.fees_refunded_roubles += fee; });
    }
    if (r->step == "close") add([](Tally& x) { ++x.f.cases_closed; });
    if (r->step == "cancel" && !locked) {
      if (failed && !passed) add([](Tally& x) { ++x.f.cases_refused_identity; });
      else add([](Tally& x) { ++x.f.cases_cancelled; });
    }
  }
}

}  // namespace

std::optional<absl::CivilDay> ParseReportDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  int y = std::stoi(std::string(text.substr(0, 4)));
  int m = std::stoi(std::string(text.substr(5, 2)));
  int d = std::stoi(std::string(text.substr(8, 2)));
  absl::CivilDay day(y, m, d);
  // CivilDay normalizes 2026-02-30 to March: refuse it.
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;
  return day;
}

Status ValidateReportPeriod(const ReportPeriod& p) {
  if (p.to < p.from)
    return Status::InvalidArgument("to_date", "to_date must not be before from_date");
  if (p.to - p.from + 1 > kMaxReportDays)
    return Status::InvalidArgument("to_date", "a report covers at most " +
                                                  std::to_string(kMaxReportDays) + " days");
  if (p.by != ReportBy::kDay && p.by != ReportBy::kHour)
    return Status::InvalidArgument("granularity", "granularity must be day or hour");
  if (p.by == ReportBy::kHour && p.to - p.from + 1 > kMaxHourlyReportDays)
    return Status::InvalidArgument("to_date", "a report by hour covers at most " +
                                                  std::to_string(kMaxHourlyReportDays) +
                                                  " days; by day, " +
                                                  std::to_string(kMaxReportDays));
  return Status::Ok();
}

absl::Time StartOfLocalDay(absl::CivilDay d, absl::TimeZone tz) {
  auto info = tz.At(absl::CivilSecond(d));
  // Midnight in a gap: the day begins when the clocks jump.
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

std::vector<ReportBucket> ReportBuckets(const ReportPeriod& p, absl::TimeZone tz) {
  std::vector<ReportBucket> out;
  if (p.to < p.from) return out;
  for (absl::CivilDay d = p.from; d <= p.to; ++d) {
    absl::Time day_start = StartOfLocalDay(d, tz), day_end = StartOfLocalDay(d + 1, tz);
    if (p.by == ReportBy::kDay) {
      out.push_back({day_start, day_end, absl::FormatCivilTime(d)});
      continue;
    }
    // Local clock hours: each ends where the local clock next shows :00.
    for (absl::Time t = day_start; t < day_end;) {
      absl::CivilSecond local = absl::ToCivilSecond(t, tz);
      absl::Time next = t + absl::Seconds(3600 - (local.minute() * 60 + local.second()));
      next = std::min(next, day_end);
      out.push_back({t, next, absl::FormatTime("%Y-%m-%dT%H:%M%Ez", t, tz)});
      t = next;
    }
  }
  return out;
}

ReportQuery QueryFor(const BranchConfig& branch, const ReportPeriod& p) {
  ReportQuery q;
  q.branch_id = branch.branch_id;
  absl::Time start = StartOfLocalDay(p.from, branch.time_zone);
  absl::Time end = StartOfLocalDay(p.to + 1, branch.time_zone);
  // Tickets issued the day before may be called, served or expire in the
  // period (and late ones after closing the day before).
  q.first_day = absl::FormatCivilTime(p.from - 1);
  q.last_day = absl::FormatCivilTime(p.to);
  q.history_from = StartOfLocalDay(p.from - 1, branch.time_zone);
  q.history_to = end + kHistoryAfter;
  q.remote_from = q.history_from - kRemoteCaseLifetime;
  q.counters_from = start - kCounterLookback;
  q.counters_to = end;
  q.bookings_from = start;
  q.bookings_to = end;
  return q;
}

absl::Duration NearestRank(const std::vector<absl::Duration>& sorted, int percentile) {
  size_t n = sorted.size();
  size_t rank = (static_cast<size_t>(percentile) * n + 99) / 100;  // ceil(p*n/100)
  if (rank < 1) rank = 1;
  return sorted[rank - 1];
}

int64_t RoundSeconds(absl::Duration d) {
  // ToInt64Microseconds saturates (infinite durations too); the rounding
  // below cannot overflow, so neither does the result.
  const int64_t us = absl::ToInt64Microseconds(d);
  int64_t s = us / 1000000;
  const int64_t rest = us % 1000000;  // the sign of us
  if (rest >= 500000) ++s;
  if (rest <= -500000) --s;
  return s;
}

const ReportLine* Report::Find(ReportScope scope, const std::string& key, int bucket) const {
  for (const auto& l : lines)
    if (l.scope == scope && l.key == key && l.bucket == bucket) return &l;
  return nullptr;
}

bool ScopeHas(ReportScope scope, Figure f) {
  switch (scope) {
    case ReportScope::kBranch: return true;
    case ReportScope::kService:
      return f != Figure::kBusyIdle && f != Figure::kCases && f != Figure::kRemote;
    case ReportScope::kClerk:
      return f == Figure::kServed || f == Figure::kNoShow || f == Figure::kWait ||
             f == Figure::kWalk || f == Figure::kService || f == Figure::kBusyIdle ||
             f == Figure::kCases;
  }
  return false;
}

const char* ScopeName(ReportScope s) {
  switch (s) {
    case ReportScope::kBranch: return "branch";
    case ReportScope::kService: return "service";
    case ReportScope::kClerk: return "clerk";
  }
  return "?";
}

const char* ReportByName(ReportBy b) { return b == ReportBy::kHour ? "hour" : "day"; }

Report ComputeReport(const BranchConfig& branch, const ReportPeriod& p, const ReportRows& rows,
                     absl::Time now) {
  Builder out(branch, p, now);
  absl::Time until = std::min(now, out.end());
  Holders holders(rows.counters, QueryFor(branch, p).counters_from, until);

  std::map<int64_t, std::vector<const ReportEvent*>> events;
  for (const auto& e : rows.events) events[e.ticket_id].push_back(&e);
  for (const auto& t : rows.tickets) {
    static const std::vector<const ReportEvent*> kNone;
    auto it = events.find(t.id);
    TicketFigures(out, holders, t, it == events.end() ? kNone : it->second);
  }

  // Open counter time, per clerk, up to now.
  for (const auto& [counter, spans] : holders.spans())
    for (const auto& s : spans) out.AddTime(s.from, std::min(s.to, until), s.clerk, false);

  std::map<int64_t, std::vector<const ReportCaseRecord*>> records;
  for (const auto& r : rows.case_records) records[r.case_id].push_back(&r);
  for (const auto& c : rows.cases) {
    auto it = records.find(c.case_id);
    if (it == records.end()) continue;
    if (c.route == CaseRoute::kRemote) RemoteCaseFigures(out, it->second);
    else CaseFigures(out, holders, c, it->second);
  }

  for (const auto& b : rows.bookings) {
    const std::string* service = &b.service_prefix;
    out.Add(b.created, service, nullptr, [](Tally& x) { ++x.f.bookings_made; });
    if (b.state == BookingState::kCheckedIn) {
      bool late = b.late_walk_in;
      out.Add(b.slot_start, service, nullptr, [late](Tally& x) {
        ++x.f.bookings_checked_in;
        if (late) ++x.f.bookings_late;
      });
    }
    if (b.state == BookingState::kNoShow)
      out.Add(b.slot_start, service, nullptr, [](Tally& x) { ++x.f.bookings_no_show; });
  }
  return out.Finish(p);
}

}  // namespace shop::queue
