#include "server/domain/common/branch.h"

#include <algorithm>

#include "absl/time/civil_time.h"

namespace shop::queue {
namespace {

int WeekdayIndex(absl::Weekday d) {
  switch (d) {
    case absl::Weekday::monday: return 0;
    case absl::Weekday::tuesday: return 1;
    case absl::Weekday::wednesday: return 2;
    case absl::Weekday::thursday: return 3;
    case absl::Weekday::friday: return 4;
    case absl::Weekday::saturday: return 5;
    case absl::Weekday::sunday: return 6;
  }
  return 0;
}

// The instant of `minute` minutes after local midnight of `day` in `tz`. A
// local time the clocks skip (a daylight-saving gap) is the instant they jump
// to; a repeated one is its first occurrence.
absl::Time LocalTime(absl::CivilDay day, int minute, absl::TimeZone tz) {
  const absl::TimeZone::TimeInfo ti = tz.At(absl::CivilSecond(absl::CivilMinute(day) + minute));
  return ti.kind == absl::TimeZone::TimeInfo::SKIPPED ? ti.trans : ti.pre;
}

bool IsPrefix(const std::string& p) { return p.size() == 1 && p[0] >= 'A' && p[0] <= 'Z'; }

}  // namespace

const ServiceConfig* BranchConfig::FindService(std::string_view prefix) const {
  for (const auto& s : services)
    if (s.prefix == prefix) return &s;
  return nullptr;
}

const CounterConfig* BranchConfig::FindCounter(std::string_view counter_id) const {
  for (const auto& c : counters)
    if (c.counter_id == counter_id) return &c;
  return nullptr;
}

std::string BranchConfig::BusinessDay(absl::Time t) const {
  return absl::FormatCivilTime(absl::ToCivilDay(t, time_zone));
}

std::optional<absl::Time> BranchConfig::ClosingTime(absl::Time t) const {
  absl::CivilDay day = absl::ToCivilDay(t, time_zone);
  if (closed_dates.count(absl::FormatCivilTime(day))) return std::nullopt;
  const auto& h = hours[WeekdayIndex(absl::GetWeekday(day))];
  if (!h) return std::nullopt;
  return LocalTime(day, h->close_minute, time_zone);
}

std::optional<absl::Time> BranchConfig::NextOpenTime(absl::Time t) const {
  const absl::Time horizon = t + kNextOpenHorizon;
  const absl::CivilDay first = absl::ToCivilDay(t, time_zone);
  // One day more than the horizon's days: the last day's opening may still
  // fall inside it.
  for (absl::CivilDay day = first; day <= first + 15; ++day) {
    if (closed_dates.count(absl::FormatCivilTime(day))) continue;
    const auto& h = hours[WeekdayIndex(absl::GetWeekday(day))];
    if (!h) continue;
    absl::Time open = LocalTime(day, h->open_minute, time_zone);
    if (open > horizon) break;
    if (open > t) return open;
  }
  return std::nullopt;
}

bool BranchConfig::IsOpen(absl::Time t) const {
  absl::CivilDay day = absl::ToCivilDay(t, time_zone);
  if (closed_dates.count(absl::FormatCivilTime(day))) return false;
  const auto& h = hours[WeekdayIndex(absl::GetWeekday(day))];
  if (!h) return false;
  absl::Time open = LocalTime(day, h->open_minute, time_zone);
  absl::Time close = LocalTime(day, h->close_minute, time_zone);
  return t >= open && t < close;
}

Status BranchConfig::Validate() const {
  if (branch_id.empty() || branch_id.size() > 32 ||
      !std::all_of(branch_id.begin(), branch_id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      }))
    return Status::InvalidArgument("branch.id",
                                   "branch id must be 1-32 of a-z, 0-9, '-', '_': " +
                                       Quoted(branch_id));
  if (max_recalls < 0 || max_recalls > 10)
    return Status::InvalidArgument("branch.max_recalls", "max_recalls must be 0..10");
  if (services.empty())
    return Status::InvalidArgument("branch.service", "branch '" + branch_id + "' has no services");
  std::set<std::string> seen;
  for (const auto& s : services) {
    if (!IsPrefix(s.prefix))
      return Status::InvalidArgument("service.prefix",
                                     "service prefix must be one capital letter A-Z: " +
                                         Quoted(s.prefix));
    if (!seen.insert(s.prefix).second)
      return Status::InvalidArgument("service.prefix", "duplicate service prefix " + s.prefix);
    for (const auto& n : s.names)
      if (n.empty())
        return Status::InvalidArgument("service.name",
                                       "service " + s.prefix + " needs names in ru, en and zh");
    if (s.default_service_time <= absl::ZeroDuration())
      return Status::InvalidArgument("service.default_service_minutes",
                                     "service " + s.prefix + ": must be positive");
  }
  std::set<std::string> counters_seen;
  for (const auto& c : counters) {
    if (c.counter_id.empty() || c.counter_id.size() > 16)
      return Status::InvalidArgument("counter.id", "counter id must be 1-16 characters");
    if (!counters_seen.insert(c.counter_id).second)
      return Status::InvalidArgument("counter.id", "duplicate counter id " + c.counter_id);
    if (c.services.empty())
      return Status::InvalidArgument("counter.services",
                                     "counter " + c.counter_id + " serves no service");
    for (const auto& p : c.services)
      if (!FindService(p))
        return Status::InvalidArgument("counter.services",
                                       "counter " + c.counter_id + " names unknown service " + p);
  }
  for (const auto& h : hours) {
    if (!h) continue;
    if (h->open_minute < 0 || h->close_minute > 24 * 60 || h->open_minute >= h->close_minute)
      return Status::InvalidArgument("branch.hours", "opening hours must be HH:MM-HH:MM, open < close");
  }
  return Status::Ok();
}

const BranchConfig* ServerConfig::FindBranch(std::string_view branch_id) const {
  for (const auto& b : branches)
    if (b.branch_id == branch_id) return &b;
  return nullptr;
}

std::optional<int64_t> ServerConfig::Fee(const std::string& operator_id,
                                         const std::string& reason) const {
  auto op = fees.find(operator_id);
  if (op == fees.end()) return std::nullopt;
  auto r = op->second.find(reason);
  if (r == op->second.end()) return std::nullopt;
  return r->second;
}

Status ServerConfig::Validate() const {
  if (branches.empty()) return Status::InvalidArgument("branch", "no branch configured");
  std::set<std::string> ids;
  for (const auto& b : branches) {
    QUEUE_RETURN_IF_ERROR(b.Validate());
    if (!ids.insert(b.branch_id).second)
      return Status::InvalidArgument("branch.id", "duplicate branch id " + b.branch_id);
  }
  if (!remote.dispatch_branch.empty() && !FindBranch(remote.dispatch_branch))
    return Status::InvalidArgument("remote.dispatch_branch",
                                   "names no configured branch (" + remote.dispatch_branch + ")");
  if (remote.application_days < 1 || remote.application_days > 90)
    return Status::InvalidArgument("remote.application_days", "must be 1..90");
  return Status::Ok();
}

}  // namespace shop::queue
