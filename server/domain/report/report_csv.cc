// The report as CSV (report.h): one line per ReportLine.
#include <string>

#include "server/domain/report/report.h"

namespace shop::queue {

namespace {

// A field quoted when it needs to be (RFC 4180).
std::string Field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

class Row {
 public:
  void Text(const std::string& s) { Sep() += Field(s); }
  void Int(int64_t v) { Sep() += std::to_string(v); }
  void Empty() { Sep(); }
  void Secs(absl::Duration d) { Int(RoundSeconds(d)); }
  std::string Done() { return line_ + "\r\n"; }

 private:
  std::string& Sep() {
    if (!first_) line_ += ',';
    first_ = false;
    return line_;
  }
  std::string line_;
  bool first_ = true;
};

constexpr const char* kHeader =
    "scope,key,period_start,period_end,issued,served,no_show,cancelled,expired,"
    "wait_count,wait_p50_s,wait_p90_s,wait_max_s,walk_count,walk_mean_s,walk_p90_s,"
    "service_count,service_mean_s,service_p90_s,busy_s,idle_s,"
    "sim_closed,sim_cancelled,sim_refused_identity,sim_locked,fees_paid_rub,fees_refunded_rub,"
    "bookings_made,bookings_checked_in,bookings_late,bookings_no_show,"
    "remote_applied,remote_approved,remote_rejected,remote_dispatched,remote_activated,"
    "remote_cancelled,remote_locked,remote_failed_checks";

}  // namespace

std::string ReportCsv(const Report& r) {
  std::string out = std::string(kHeader) + "\r\n";
  for (const auto& l : r.lines) {
    Row row;
    const ReportFigures& f = l.f;
    auto has = [&](Figure x) { return ScopeHas(l.scope, x); };
    row.Text(ScopeName(l.scope));
    row.Text(l.key);
    if (l.bucket < 0) {
      row.Text(absl::FormatCivilTime(r.period.from));
      row.Text(absl::FormatCivilTime(r.period.to));
    } else {
      const ReportBucket& b = r.buckets[l.bucket];
      row.Text(b.label);
      row.Text(r.period.by == ReportBy::kDay ? b.label
                                             : absl::FormatTime("%Y-%m-%dT%H:%M%Ez", b.end, r.zone));
    }
    auto count = [&](Figure x, int64_t v) { has(x) ? row.Int(v) : row.Empty(); };
    count(Figure::kIssued, f.issued);
    count(Figure::kServed, f.served);
    count(Figure::kNoShow, f.no_show);
    count(Figure::kCancelled, f.cancelled);
    count(Figure::kExpired, f.expired);
    auto stats = [&](Figure x, const DurationStats& s, bool p50_max) {
      if (!has(x)) {
        row.Empty();
        row.Empty();
        row.Empty();
        if (p50_max) row.Empty();
        return;
      }
      row.Int(s.count);
      if (s.count == 0) {
        row.Empty();
        row.Empty();
        if (p50_max) row.Empty();
        return;
      }
      if (p50_max) {
        row.Secs(s.p50);
        row.Secs(s.p90);
        row.Secs(s.max);
      } else {
        row.Secs(s.mean);
        row.Secs(s.p90);
      }
    };
    stats(Figure::kWait, f.wait, true);
    stats(Figure::kWalk, f.walk, false);
    stats(Figure::kService, f.service, false);
    if (has(Figure::kBusyIdle)) {
      row.Secs(f.busy);
      row.Secs(f.idle);
    } else {
      row.Empty();
      row.Empty();
    }
    for (int64_t v : {f.cases_closed, f.cases_cancelled, f.cases_refused_identity, f.cases_locked,
                      f.fees_paid_roubles, f.fees_refunded_roubles})
      count(Figure::kCases, v);
    for (int64_t v : {f.bookings_made, f.bookings_checked_in, f.bookings_late, f.bookings_no_show})
      count(Figure::kBookings, v);
    for (int64_t v : {f.remote_applied, f.remote_approved, f.remote_rejected, f.remote_dispatched,
                      f.remote_activated, f.remote_cancelled, f.remote_locked,
                      f.remote_failed_checks})
      count(Figure::kRemote, v);
    out += row.Done();
  }
  return out;
}

}  // namespace shop::queue
