// The report as one self-contained HTML page (report.h): inline CSS with
// print rules, charts drawn here as inline SVG. No scripts, no external
// references: a manager opens it from a file or prints it.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "server/domain/report/report.h"

namespace shop::queue {

namespace {

std::string Esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Num(int64_t v) { return std::to_string(v); }

// "m:ss" (or "h:mm:ss" from an hour), rounded once to whole seconds.
std::string Clock(absl::Duration d) {
  int64_t s = RoundSeconds(d);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  return buf;
}

std::string StatCell(const DurationStats& s, bool p50) {
  if (s.count == 0) return "<td class=n>–</td>";
  return "<td class=n>" + Clock(p50 ? s.p50 : s.mean) + "</td>";
}

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A "nice" axis maximum at or above v (1, 2, 5 x 10^n).
double NiceMax(double v) {
  if (v <= 0) return 1;
  double p = 1;
  while (p * 10 <= v) p *= 10;
  while (p > v) p /= 10;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= v) return m * p;
  return 10 * p;
}

struct Series {
  std::string name;
  std::string css;  // class of its bars
  std::vector<double> values;
};

// A grouped bar chart: one group per label, one bar per series.
std::string BarChart(const std::string& title, const std::string& unit,
                     const std::vector<std::string>& labels, const std::vector<Series>& series) {
  const double W = 960, H = 280, left = 56, right = 12, top = 16, bottom = 56;
  double max = 0;
  for (const auto& s : series)
    for (double v : s.values) max = std::max(max, v);
  max = NiceMax(max);
  const size_t n = std::max<size_t>(labels.size(), 1);
  const double plot_w = W - left - right, plot_h = H - top - bottom;
  const double group = plot_w / static_cast<double>(n);
  const double bar = std::max(0.5, group * 0.8 / static_cast<double>(series.size()));
  std::string svg = "<figure><figcaption>" + Esc(title) + "</figcaption>";
  svg += "<svg class=chart viewBox=\"0 0 960 280\" role=img aria-label=\"" + Esc(title) +
         "\">";
  for (int i = 0; i <= 4; ++i) {
    double y = top + plot_h - plot_h * i / 4;
    svg += "<line class=grid x1=\"" + Fmt(left) + "\" x2=\"" + Fmt(W - right) + "\" y1=\"" +
           Fmt(y) + "\" y2=\"" + Fmt(y) + "\"/>";
    double v = max * i / 4;
    svg += "<text class=ax x=\"" + Fmt(left - 6) + "\" y=\"" + Fmt(y + 4) +
           "\" text-anchor=end>" + (v == static_cast<int64_t>(v) ? Num(static_cast<int64_t>(v)) : Fmt(v)) +
           "</text>";
  }
  svg += "<text class=ax x=\"4\" y=\"12\">" + Esc(unit) + "</text>";
  // At most ~24 labels along the axis.
  const size_t every = std::max<size_t>(1, (labels.size() + 23) / 24);
  for (size_t i = 0; i < labels.size(); ++i) {
    double gx = left + group * static_cast<double>(i) + group * 0.1;
    for (size_t k = 0; k < series.size(); ++k) {
      double v = i < series[k].values.size() ? series[k].values[i] : 0;
      double h = plot_h * v / max;
      svg += "<rect class=" + series[k].css + " x=\"" + Fmt(gx + bar * static_cast<double>(k)) +
             "\" y=\"" + Fmt(top + plot_h - h) + "\" width=\"" + Fmt(bar) + "\" height=\"" +
             Fmt(h) + "\"><title>" + Esc(labels[i] + " " + series[k].name + ": " + Fmt(v)) +
             "</title></rect>";
    }
    if (i % every == 0)
      svg += "<text class=ax x=\"" + Fmt(left + group * (static_cast<double>(i) + 0.5)) +
             "\" y=\"" + Fmt(H - bottom + 16) + "\" text-anchor=middle>" + Esc(labels[i]) +
             "</text>";
  }
  svg += "<line class=axis x1=\"" + Fmt(left) + "\" x2=\"" + Fmt(W - right) + "\" y1=\"" +
         Fmt(top + plot_h) + "\" y2=\"" + Fmt(top + plot_h) + "\"/>";
  double lx = left;
  for (const auto& s : series) {
    svg += "<rect class=" + s.css + " x=\"" + Fmt(lx) + "\" y=\"" + Fmt(H - 18) +
           "\" width=\"12\" height=\"12\"/><text class=lg x=\"" + Fmt(lx + 16) + "\" y=\"" +
           Fmt(H - 8) + "\">" + Esc(s.name) + "</text>";
    lx += 40 + 8.0 * static_cast<double>(s.name.size());
  }
  return svg + "</svg></figure>";
}

// Horizontal stacked bars: busy and idle hours per clerk.
std::string ClerkChart(const std::vector<std::pair<std::string, const ReportFigures*>>& clerks) {
  const double W = 960, left = 140, right = 80, row = 26;
  const double H = 40 + row * static_cast<double>(std::max<size_t>(clerks.size(), 1));
  double max = 0;
  for (const auto& [name, f] : clerks)
    max = std::max(max, absl::ToDoubleHours(f->busy + f->idle));
  max = NiceMax(max);
  std::string svg = "<figure><figcaption>Clerks: busy and idle time (hours)</figcaption>";
  svg += "<svg class=chart viewBox=\"0 0 960 " + Fmt(H) +
         "\" role=img aria-label=\"Clerks: busy and idle\">";
  const double plot_w = W - left - right;
  double y = 8;
  for (const auto& [name, f] : clerks) {
    double busy = absl::ToDoubleHours(f->busy), idle = absl::ToDoubleHours(f->idle);
    double bw = plot_w * busy / max, iw = plot_w * idle / max;
    svg += "<text class=lg x=\"" + Fmt(left - 8) + "\" y=\"" + Fmt(y + 15) +
           "\" text-anchor=end>" + Esc(name.empty() ? "(no login)" : name) + "</text>";
    svg += "<rect class=s1 x=\"" + Fmt(left) + "\" y=\"" + Fmt(y) + "\" width=\"" + Fmt(bw) +
           "\" height=\"18\"><title>busy " + Clock(f->busy) + "</title></rect>";
    svg += "<rect class=s3 x=\"" + Fmt(left + bw) + "\" y=\"" + Fmt(y) + "\" width=\"" + Fmt(iw) +
           "\" height=\"18\"><title>idle " + Clock(f->idle) + "</title></rect>";
    svg += "<text class=ax x=\"" + Fmt(left + bw + iw + 6) + "\" y=\"" + Fmt(y + 14) + "\">" +
           Clock(f->busy) + " / " + Clock(f->idle) + "</text>";
    y += row;
  }
  svg += "<rect class=s1 x=\"" + Fmt(left) + "\" y=\"" + Fmt(H - 20) +
         "\" width=\"12\" height=\"12\"/><text class=lg x=\"" + Fmt(left + 16) + "\" y=\"" +
         Fmt(H - 10) + "\">busy</text><rect class=s3 x=\"" + Fmt(left + 70) + "\" y=\"" +
         Fmt(H - 20) + "\" width=\"12\" height=\"12\"/><text class=lg x=\"" + Fmt(left + 86) +
         "\" y=\"" + Fmt(H - 10) + "\">idle (counter open, not serving)</text>";
  return svg + "</svg></figure>";
}

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
body { font-family: "Noto Sans", "DejaVu Sans", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif;
       margin: 24px auto; max-width: 1000px; color: #1d2733; background: #fff; font-size: 14px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px;
     border-bottom: 2px solid #d8dee6; padding-bottom: 4px; }
.sub { color: #55606e; margin: 0 0 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
.card { border: 1px solid #d8dee6; border-radius: 8px; padding: 10px 12px; background: #f7f9fb; }
.card b { display: block; font-size: 22px; } .card span { color: #55606e; font-size: 12px; }
figure { margin: 12px 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
svg.chart { width: 100%; height: auto; border: 1px solid #e3e8ee; border-radius: 6px; }
.grid { stroke: #e3e8ee; stroke-width: 1; } .axis { stroke: #8894a2; stroke-width: 1; }
.ax { font-size: 11px; fill: #55606e; } .lg { font-size: 12px; fill: #1d2733; }
.s1 { fill: #2f6db3; } .s2 { fill: #43a36b; } .s3 { fill: #c7cfd8; } .s4 { fill: #d9822b; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 12.5px; }
th, td { border-bottom: 1px solid #e3e8ee; padding: 4px 6px; text-align: left; }
th { background: #eef2f6; font-weight: 600; } td.when { white-space: nowrap; } td.n, th.n { text-align: right;
     font-variant-numeric: tabular-nums; }
footer { margin-top: 28px; color: #55606e; font-size: 12px; }
footer dt { font-weight: 600; } footer dd { margin: 0 0 4px 12px; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  .card { background: #fff; }
  figure, table, .cards { break-inside: avoid; }
  h2 { break-after: avoid; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg rect { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

std::string Card(const std::string& value, const std::string& what) {
  return "<div class=card><b>" + Esc(value) + "</b><span>" + Esc(what) + "</span></div>";
}

std::string ShortLabel(const Report& r, const ReportBucket& b) {
  if (r.period.by == ReportBy::kDay) return b.label.substr(5);  // "03-29"
  if (r.period.to == r.period.from) return absl::FormatTime("%H", b.start, r.zone);
  return absl::FormatTime("%d %H", b.start, r.zone);
}

std::string TicketHeader(const char* first) {
  return std::string("<tr><th>") + first +
         "</th><th class=n>issued</th><th class=n>served</th><th class=n>no-show</th>"
         "<th class=n>cancelled</th><th class=n>expired</th><th class=n>wait p50</th>"
         "<th class=n>wait p90</th><th class=n>wait max</th><th class=n>walk mean</th>"
         "<th class=n>walk p90</th><th class=n>service mean</th><th class=n>service p90</th></tr>";
}

std::string TicketCells(const ReportFigures& f, ReportScope scope) {
  auto c = [&](Figure x, int64_t v) {
    return ScopeHas(scope, x) ? "<td class=n>" + Num(v) + "</td>" : std::string("<td class=n></td>");
  };
  std::string s = c(Figure::kIssued, f.issued) + c(Figure::kServed, f.served) +
                  c(Figure::kNoShow, f.no_show) + c(Figure::kCancelled, f.cancelled) +
                  c(Figure::kExpired, f.expired);
  s += StatCell(f.wait, true);
  s += f.wait.count ? "<td class=n>" + Clock(f.wait.p90) + "</td><td class=n>" + Clock(f.wait.max) + "</td>"
                    : "<td class=n>–</td><td class=n>–</td>";
  s += StatCell(f.walk, false);
  s += f.walk.count ? "<td class=n>" + Clock(f.walk.p90) + "</td>" : "<td class=n>–</td>";
  s += StatCell(f.service, false);
  s += f.service.count ? "<td class=n>" + Clock(f.service.p90) + "</td>" : "<td class=n>–</td>";
  return s;
}

std::string RemoteHeader(const char* first) {
  return std::string("<tr><th>") + first +
         "</th><th class=n>applied</th><th class=n>approved</th><th class=n>rejected</th>"
         "<th class=n>dispatched</th><th class=n>activated</th><th class=n>cancelled</th>"
         "<th class=n>locked</th><th class=n>failed checks</th></tr>";
}

std::string RemoteCells(const ReportFigures& f) {
  std::string s;
  for (int64_t v : {f.remote_applied, f.remote_approved, f.remote_rejected, f.remote_dispatched,
                    f.remote_activated, f.remote_cancelled, f.remote_locked,
                    f.remote_failed_checks})
    s += "<td class=n>" + Num(v) + "</td>";
  return s;
}

bool AnyRemote(const ReportFigures& f) {
  return f.remote_applied || f.remote_approved || f.remote_rejected || f.remote_dispatched ||
         f.remote_activated || f.remote_cancelled || f.remote_locked || f.remote_failed_checks;
}

}  // namespace

std::string ReportHtml(const Report& r) {
  const ReportLine* total = r.Find(ReportScope::kBranch, r.branch_id, -1);
  static const ReportLine kEmpty;
  if (!total) total = &kEmpty;
  const ReportFigures& t = total->f;
  const std::string from = absl::FormatCivilTime(r.period.from);
  const std::string to = absl::FormatCivilTime(r.period.to);
  const std::string unit = r.period.by == ReportBy::kDay ? "day" : "hour";

  std::string h = "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
                  "<meta name=viewport content=\"width=device-width, initial-scale=1\">";
  h += "<title>" + Esc("Report " + r.branch_name + " " + from + " – " + to) + "</title>";
  h += "<style>" + std::string(kStyle) + "</style></head><body>\n";
  h += "<header><h1>" + Esc(r.branch_name) + " <small>(" + Esc(r.branch_id) + ")</small></h1>";
  h += "<p class=sub>" + Esc(from == to ? from : from + " – " + to) + " · by " + unit + " · " +
       Esc(r.time_zone) + " · generated " +
       Esc(absl::FormatTime("%Y-%m-%d %H:%M %Ez", r.generated, r.zone)) + "</p></header>\n";

  h += "<section class=cards>";
  h += Card(Num(t.issued), "tickets issued") + Card(Num(t.served), "served") +
       Card(Num(t.no_show), "no-show") + Card(Num(t.cancelled) + " / " + Num(t.expired),
                                              "cancelled / expired");
  h += Card(t.wait.count ? Clock(t.wait.p50) + " / " + Clock(t.wait.p90) : "–", "wait p50 / p90 (m:ss)");
  h += Card(t.wait.count ? Clock(t.wait.max) : "–", "longest wait");
  h += Card(t.walk.count ? Clock(t.walk.mean) : "–", "walk to counter, mean");
  h += Card(t.service.count ? Clock(t.service.mean) + " / " + Clock(t.service.p90) : "–",
            "service mean / p90");
  h += Card(Num(t.cases_closed), "SIM cases closed at the counter");
  h += Card(Num(t.remote_activated) + " / " + Num(t.remote_applied),
            "online SIM: activated / applied");
  h += Card(Num(t.fees_paid_roubles - t.fees_refunded_roubles) + " ₽", "fees taken (net of refunds)");
  h += Card(Num(t.bookings_checked_in) + " / " + Num(t.bookings_made), "bookings checked in / made");
  h += "</section>\n";

  // Charts over the buckets.
  std::vector<std::string> labels;
  Series issued{"issued", "s1", {}}, served{"served", "s2", {}}, no_show{"no-show", "s4", {}};
  Series p50{"wait p50", "s1", {}}, p90{"wait p90", "s4", {}};
  for (size_t i = 0; i < r.buckets.size(); ++i) {
    labels.push_back(ShortLabel(r, r.buckets[i]));
    const ReportLine* l = r.Find(ReportScope::kBranch, r.branch_id, static_cast<int>(i));
    const ReportFigures f = l ? l->f : ReportFigures{};
    issued.values.push_back(static_cast<double>(f.issued));
    served.values.push_back(static_cast<double>(f.served));
    no_show.values.push_back(static_cast<double>(f.no_show));
    p50.values.push_back(f.wait.count ? static_cast<double>(RoundSeconds(f.wait.p50)) / 60 : 0);
    p90.values.push_back(f.wait.count ? static_cast<double>(RoundSeconds(f.wait.p90)) / 60 : 0);
  }
  h += "<h2>Tickets per " + unit + "</h2>\n";
  h += BarChart("Tickets issued, served and no-show per " + unit, "tickets", labels,
                {issued, served, no_show});
  h += BarChart("Wait from issue to first call per " + unit + " (minutes)", "min", labels, {p50, p90});

  // The branch per bucket (hours without any activity left out).
  h += "<table><thead>" + TicketHeader(unit.c_str()) + "</thead><tbody>";
  for (const auto& l : r.lines) {
    if (l.scope != ReportScope::kBranch || l.bucket < 0) continue;
    const ReportFigures& f = l.f;
    bool quiet = !f.issued && !f.served && !f.no_show && !f.cancelled && !f.expired &&
                 !f.wait.count && !f.service.count;
    if (quiet && r.period.by == ReportBy::kHour) continue;
    const ReportBucket& b = r.buckets[l.bucket];
    const std::string when = r.period.by == ReportBy::kDay
                                 ? b.label
                                 : absl::FormatTime("%Y-%m-%d %H:%M %Ez", b.start, r.zone);
    h += "<tr><td class=when>" + Esc(when) + "</td>" + TicketCells(f, l.scope) + "</tr>";
  }
  h += "<tr><th>total</th>" + TicketCells(t, ReportScope::kBranch) + "</tr></tbody></table>\n";

  // Services.
  h += "<h2>Services</h2><table><thead>" + TicketHeader("service") + "</thead><tbody>";
  for (const auto& l : r.lines) {
    if (l.scope != ReportScope::kService || l.bucket >= 0) continue;
    std::string name = l.key;
    for (const auto& [prefix, names] : r.services)
      if (prefix == l.key) name += " · " + names[0] + " · " + names[1] + " · " + names[2];
    h += "<tr><td>" + Esc(name) + "</td>" + TicketCells(l.f, l.scope) + "</tr>";
  }
  h += "</tbody></table>\n";
  h += "<table><thead><tr><th>service</th><th class=n>bookings made</th><th class=n>checked in</th>"
       "<th class=n>of them late</th><th class=n>no-show</th></tr></thead><tbody>";
  for (const auto& l : r.lines) {
    if (l.scope != ReportScope::kService || l.bucket >= 0) continue;
    h += "<tr><td>" + Esc(l.key) + "</td><td class=n>" + Num(l.f.bookings_made) +
         "</td><td class=n>" + Num(l.f.bookings_checked_in) + "</td><td class=n>" +
         Num(l.f.bookings_late) + "</td><td class=n>" + Num(l.f.bookings_no_show) + "</td></tr>";
  }
  h += "<tr><th>total</th><th class=n>" + Num(t.bookings_made) + "</th><th class=n>" +
       Num(t.bookings_checked_in) + "</th><th class=n>" + Num(t.bookings_late) +
       "</th><th class=n>" + Num(t.bookings_no_show) + "</th></tr></tbody></table>\n";

  // Clerks.
  std::vector<std::pair<std::string, const ReportFigures*>> clerks;
  for (const auto& l : r.lines)
    if (l.scope == ReportScope::kClerk && l.bucket < 0) clerks.push_back({l.key, &l.f});
  h += "<h2>Clerks</h2>";
  h += ClerkChart(clerks);
  h += "<table><thead><tr><th>clerk</th><th class=n>served</th><th class=n>no-show</th>"
       "<th class=n>walk mean</th><th class=n>service mean</th><th class=n>service p90</th>"
       "<th class=n>busy</th><th class=n>idle</th><th class=n>SIM closed</th>"
       "<th class=n>fees ₽</th></tr></thead><tbody>";
  for (const auto& [name, f] : clerks) {
    h += "<tr><td>" + Esc(name.empty() ? "(no login)" : name) + "</td><td class=n>" +
         Num(f->served) + "</td><td class=n>" + Num(f->no_show) + "</td>" +
         StatCell(f->walk, false) + StatCell(f->service, false) +
         (f->service.count ? "<td class=n>" + Clock(f->service.p90) + "</td>" : "<td class=n>–</td>") +
         "<td class=n>" + Clock(f->busy) + "</td><td class=n>" + Clock(f->idle) +
         "</td><td class=n>" + Num(f->cases_closed) + "</td><td class=n>" +
         Num(f->fees_paid_roubles - f->fees_refunded_roubles) + "</td></tr>";
  }
  h += "</tbody></table>\n";

  // SIM cases.
  h += "<h2>SIM replacement at the counter</h2><table><thead><tr><th>outcome</th>"
       "<th class=n>cases</th></tr></thead><tbody>";
  h += "<tr><td>closed (new card issued)</td><td class=n>" + Num(t.cases_closed) + "</td></tr>";
  h += "<tr><td>cancelled</td><td class=n>" + Num(t.cases_cancelled) + "</td></tr>";
  h += "<tr><td>refused at identity check</td><td class=n>" + Num(t.cases_refused_identity) +
       "</td></tr>";
  h += "<tr><td>number locked after failed checks</td><td class=n>" + Num(t.cases_locked) +
       "</td></tr>";
  h += "<tr><td>fees paid, ₽</td><td class=n>" + Num(t.fees_paid_roubles) + "</td></tr>";
  h += "<tr><td>fees refunded, ₽</td><td class=n>" + Num(t.fees_refunded_roubles) + "</td></tr>";
  h += "</tbody></table>\n";

  // Online applications (the remote route), per bucket where any happened.
  h += "<h2>SIM replacement online</h2><table><thead>" + RemoteHeader(unit.c_str()) +
       "</thead><tbody>";
  for (const auto& l : r.lines) {
    if (l.scope != ReportScope::kBranch || l.bucket < 0 || !AnyRemote(l.f)) continue;
    const ReportBucket& b = r.buckets[l.bucket];
    const std::string when = r.period.by == ReportBy::kDay
                                 ? b.label
                                 : absl::FormatTime("%Y-%m-%d %H:%M %Ez", b.start, r.zone);
    h += "<tr><td class=when>" + Esc(when) + "</td>" + RemoteCells(l.f) + "</tr>";
  }
  h += "<tr><th>total</th>" + RemoteCells(t) + "</tr></tbody></table>\n";

  h += "<footer><dl>"
       "<dt>wait</dt><dd>issue of the ticket to its first call (nearest-rank percentiles)</dd>"
       "<dt>walk</dt><dd>the call to the start of service</dd>"
       "<dt>service</dt><dd>start of service to its end (done, parked or transferred)</dd>"
       "<dt>busy / idle</dt><dd>time serving / time the clerk's counter was open and not serving</dd>"
       "<dt>SIM replacement online</dt><dd>applications made online, each step when it happened: "
       "approved (review complete), dispatched (posted or sent to the shop), activated (card "
       "swapped), cancelled (withdrawn, expired or by staff), locked (failed checks locked the "
       "number); failed checks counts each failed activation or hand-over</dd>"
       "<dt>times</dt><dd>m:ss or h:mm:ss, rounded to whole seconds; each figure counts in the " +
       unit + " it happened, local time " + Esc(r.time_zone) + "</dd></dl></footer>\n";
  h += "</body></html>\n";
  return h;
}

}  // namespace shop::queue
