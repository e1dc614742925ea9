// Reports: what happened in a branch over a period, per branch, service and
// clerk, per local day or local clock hour, computed from the stored rows
// (report_repo.h). Plain C++: no storage, no RPC.
//
// The period is the local dates [from, to] inclusive in the branch's zone:
// from local midnight of `from` to local midnight after `to` (a day across
// a DST change has 23 or 25 hours). Hour buckets are local clock hours: the
// hour the clocks skip does not exist, the hour they repeat appears twice
// (labels carry the UTC offset).
//
// Each figure is counted in the bucket of the moment it happened (a ticket
// issued at 23:50 and called at 00:10 is issued in one day, its wait in the
// next). Definitions (the README's "Reports" section repeats them):
//   issued      tickets issued (issue time; the service issued for);
//   served      tickets completed (done);  no_show / cancelled / expired:
//               tickets reaching that state;
//   wait        issue -> first call of the ticket (sample at the call);
//   walk        call -> start of service: from the call that began the
//               calling round (recalls do not restart it) to the start;
//   service     start -> end of that serving (done, parked or transferred);
//   busy        the clerk's serving time (serving spans cut at bucket edges);
//   idle        time the clerk held an open counter (audit log's
//               counter.open .. counter.close) minus busy, never below 0;
//   SIM cases   counter cases (opened from a ticket) only; each has one
//               outcome, at the moment reached: closed;
//               locked (its failed identity checks locked the number);
//               refused at identity (cancelled after failed checks, never
//               passed, not locked); cancelled (any other cancel);
//   fees        fees paid (payment records) and refunded (refund records),
//               roubles, at the record's time;
//   remote      online applications (remote cases, route remote), the
//               branch's only (the branch that owns the case: the dispatch
//               branch, or the pickup shop), never a clerk's or a
//               service's; each at its step record's moment: applied (the
//               application received); approved (the review complete: a
//               first of two approvals does not count); rejected;
//               dispatched (posted, or sent to the shop for pickup);
//               activated (closed: activation or pickup hand-over passed,
//               card swapped); cancelled (withdrawn, expired, cancelled by
//               staff); locked (failed checks locked the number, which
//               ends the application: not also cancelled); failed checks
//               (each failed activation or hand-over check, an event, not
//               an outcome). A case's outcome is one of activated,
//               rejected, cancelled, locked;
//   bookings    made (at creation), and by slot start: checked in, of
//               them late (checked in after the grace: a walk-in ticket),
//               no-show.
// The clerk of a figure is whoever held the counter (counter.open) at that
// moment; a counter opened without a login counts under "" (no clerk).
// Percentiles are nearest-rank: the p-th of n sorted samples is sample
// number ceil(p * n / 100). Durations and means are kept exact
// (microseconds); rounding happens once, when written out.
//
// Values; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/common/branch.h"
#include "server/domain/common/status.h"
#include "server/domain/report/report_repo.h"

namespace shop::queue {

enum class ReportBy { kDay = 1, kHour = 2 };
enum class ReportScope { kBranch = 1, kService = 2, kClerk = 3 };

// The longest period a report covers; by hour, a month (the answer stays a
// few megabytes at most).
inline constexpr int kMaxReportDays = 366;
inline constexpr int kMaxHourlyReportDays = 31;

// How long before a period a remote case still counting in it may have been
// opened: an application expires application_days (at most 90, branch.h)
// after it was made, and again after its dispatch; plus a week for an
// expiry sweep that ran late. (Counter cases end with their ticket's day.)
inline constexpr absl::Duration kRemoteCaseLifetime = absl::Hours(24 * (2 * 90 + 7));

struct ReportPeriod {
  absl::CivilDay from;
  absl::CivilDay to;  // inclusive
  ReportBy by = ReportBy::kDay;
};

// Parses "YYYY-MM-DD" strictly (a real date); nullopt otherwise.
std::optional<absl::CivilDay> ParseReportDay(std::string_view text);
// Checks from <= to and the length; field names are "from_date"/"to_date".
Status ValidateReportPeriod(const ReportPeriod& p);

// The instant a local day begins in `tz` (the first instant of that date,
// also when midnight falls into a DST gap).
absl::Time StartOfLocalDay(absl::CivilDay d, absl::TimeZone tz);

// What to read for a period (report_repo.h) of `branch`.
ReportQuery QueryFor(const BranchConfig& branch, const ReportPeriod& p);

// The nearest-rank percentile (1..100) of `sorted` (ascending, not empty).
absl::Duration NearestRank(const std::vector<absl::Duration>& sorted, int percentile);

struct DurationStats {
  int64_t count = 0;
  // Set when count > 0.
  absl::Duration p50, p90, max, mean;
};

struct ReportFigures {
  int64_t issued = 0, served = 0, no_show = 0, cancelled = 0, expired = 0;
  DurationStats wait, walk, service;
  absl::Duration busy = absl::ZeroDuration();
  absl::Duration idle = absl::ZeroDuration();
  int64_t cases_closed = 0, cases_cancelled = 0, cases_refused_identity = 0, cases_locked = 0;
  int64_t fees_paid_roubles = 0, fees_refunded_roubles = 0;
  int64_t bookings_made = 0, bookings_checked_in = 0, bookings_late = 0, bookings_no_show = 0;
  // Online applications (the remote route): the branch scope only.
  int64_t remote_applied = 0, remote_approved = 0, remote_rejected = 0, remote_dispatched = 0,
          remote_activated = 0, remote_cancelled = 0, remote_locked = 0,
          remote_failed_checks = 0;
};

struct ReportBucket {
  absl::Time start, end;  // [start, end)
  std::string label;      // "2026-03-29" or "2026-03-29T03:00+02:00"
};

struct ReportLine {
  ReportScope scope = ReportScope::kBranch;
  std::string key;  // branch id, service prefix or clerk login ("" = no clerk)
  int bucket = -1;  // index into Report::buckets; -1 = the whole period
  ReportFigures f;
};

struct Report {
  std::string branch_id;
  std::string branch_name;
  std::string time_zone;
  absl::TimeZone zone;
  ReportPeriod period;
  absl::Time generated = absl::InfinitePast();
  std::vector<ReportBucket> buckets;
  // Service prefixes with their names (ru, en, zh), in the branch's order.
  std::vector<std::pair<std::string, std::array<std::string, 3>>> services;
  // Branch lines: the whole period, then every bucket. Then per service and
  // per clerk: the whole period, then the buckets where anything happened.
  std::vector<ReportLine> lines;

  const ReportLine* Find(ReportScope scope, const std::string& key, int bucket) const;
};

// The buckets of `p` in `tz`.
std::vector<ReportBucket> ReportBuckets(const ReportPeriod& p, absl::TimeZone tz);

// Computes the report of `branch` over `p` from `rows`. `now` bounds what
// is still under way (an open counter, a serving not yet ended).
Report ComputeReport(const BranchConfig& branch, const ReportPeriod& p, const ReportRows& rows,
                     absl::Time now);

// Which figures a scope has (the others are not attributable there):
// branch all; service tickets, times and bookings; clerk served, no-show,
// times, busy/idle and (counter) cases. Online applications (kRemote) are
// the branch's only: no ticket, no counter.
enum class Figure {
  kIssued, kServed, kNoShow, kCancelled, kExpired, kWait, kWalk, kService, kBusyIdle, kCases,
  kBookings, kRemote
};
bool ScopeHas(ReportScope scope, Figure f);

const char* ScopeName(ReportScope s);
const char* ReportByName(ReportBy b);

// Whole seconds, half away from zero: the one rounding of durations.
// Saturates: durations beyond int64 microseconds (infinite ones too) give
// the largest (or smallest) whole seconds those hold, never an overflow.
int64_t RoundSeconds(absl::Duration d);

// The report as CSV (RFC 4180, "\r\n" line ends, a header line): one line
// per ReportLine; period_start/period_end are inclusive dates (day lines)
// or the hour's local start and end with offsets; durations in whole seconds; empty cells for figures a
// scope has not or for times without samples.
std::string ReportCsv(const Report& r);

// The report as one self-contained HTML page: inline CSS (with print
// rules), charts as inline SVG, no scripts, no external references.
std::string ReportHtml(const Report& r);

}  // namespace shop::queue
