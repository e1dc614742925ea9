#include "server/config/config_loader.h"

#include <arpa/inet.h>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "absl/time/time.h"
#include "server/config/notify_config_loader.h"

namespace shop::queue {

extern const char* const kDemoConfigToml;  // generated from demo.toml

namespace {

Status Bad(const std::string& origin, const std::string& key, const std::string& msg) {
  return Status::InvalidArgument(key, origin + ": " + key + ": " + msg);
}

// "HH:MM" -> minutes from midnight (24:00 allowed), or -1.
int ParseClock(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return -1;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!digit(s[0]) || !digit(s[1]) || !digit(s[3]) || !digit(s[4])) return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

Result<std::string> RequireString(const toml::table& t, const char* key, const std::string& origin,
                                  const std::string& path) {
  auto v = t[key].value<std::string>();
  if (!v || v->empty()) return Bad(origin, path + "." + key, "a non-empty string is required");
  return *v;
}

// An optional integer `key` of `t` in [lo, hi]: nullopt when absent; an
// error naming `path.key` when it is not an integer or out of range.
Result<std::optional<int64_t>> OptionalInt(const toml::table& t, const char* key, int64_t lo,
                                           int64_t hi, const std::string& origin,
                                           const std::string& path) {
  const toml::node* n = t.get(key);
  if (!n) return std::optional<int64_t>();
  auto v = n->value_exact<int64_t>();
  if (!v || *v < lo || *v > hi)
    return Bad(origin, path + "." + key,
               "must be an integer " + std::to_string(lo) + ".." + std::to_string(hi));
  return std::optional<int64_t>(*v);
}

// [branch.booking]: how the branch takes appointments; absent keys keep the
// defaults of BookingConfig, unknown keys are refused (a typo would otherwise
// pass unnoticed).
Status ParseBooking(const toml::node* node, BookingConfig& cfg, const std::string& origin) {
  if (!node) return Status::Ok();
  const toml::table* t = node->as_table();
  if (!t) return Bad(origin, "branch.booking", "must be a table ([branch.booking])");
  static const char* kKeys[] = {"seats_per_slot",        "horizon_days",
                                "min_lead_minutes",      "checkin_early_minutes",
                                "checkin_late_minutes",  "reminder_minutes"};
  for (const auto& [k, v] : *t) {
    bool known = false;
    for (const char* key : kKeys) known |= k.str() == key;
    if (!known) return Bad(origin, "branch.booking." + std::string(k.str()), "unknown key");
  }
  auto read = [&](const char* key, int64_t lo, int64_t hi, auto&& set) -> Status {
    auto v = OptionalInt(*t, key, lo, hi, origin, "branch.booking");
    if (!v.ok()) return v.status();
    if (*v) set(**v);
    return Status::Ok();
  };
  QUEUE_RETURN_IF_ERROR(
      read("seats_per_slot", 1, 100, [&](int64_t v) { cfg.seats_per_slot = static_cast<int>(v); }));
  QUEUE_RETURN_IF_ERROR(
      read("horizon_days", 1, 365, [&](int64_t v) { cfg.horizon_days = static_cast<int>(v); }));
  QUEUE_RETURN_IF_ERROR(
      read("min_lead_minutes", 0, 10080, [&](int64_t v) { cfg.min_lead = absl::Minutes(v); }));
  QUEUE_RETURN_IF_ERROR(read("checkin_early_minutes", 0, 240,
                             [&](int64_t v) { cfg.checkin_early = absl::Minutes(v); }));
  QUEUE_RETURN_IF_ERROR(read("checkin_late_minutes", 0, 240,
                             [&](int64_t v) { cfg.checkin_late = absl::Minutes(v); }));
  QUEUE_RETURN_IF_ERROR(read("reminder_minutes", 0, 10080,
                             [&](int64_t v) { cfg.reminder_before = absl::Minutes(v); }));
  return Status::Ok();
}

// [booking_api]: the public booking API's per-address rate limit.
Status ParseBookingApi(const toml::node* node, BookingApiConfig& cfg, const std::string& origin) {
  if (!node) return Status::Ok();
  const toml::table* t = node->as_table();
  if (!t) return Bad(origin, "booking_api", "must be a table ([booking_api])");
  for (const auto& [k, v] : *t)
    if (k.str() != "per_address_per_minute" && k.str() != "burst")
      return Bad(origin, "booking_api." + std::string(k.str()), "unknown key");
  auto per_minute = OptionalInt(*t, "per_address_per_minute", 1, 100000, origin, "booking_api");
  if (!per_minute.ok()) return per_minute.status();
  auto burst = OptionalInt(*t, "burst", 1, 100000, origin, "booking_api");
  if (!burst.ok()) return burst.status();
  if (*per_minute) cfg.per_address_per_minute = static_cast<int>(**per_minute);
  if (*burst) cfg.burst = static_cast<int>(**burst);
  return Status::Ok();
}

// [http]: the HTTP face. Addresses are checked where they are used (the
// listener names a bad one); proxies must be IP addresses.
Status ParseHttp(const toml::node* node, HttpConfig& cfg, const std::string& origin) {
  if (!node) return Status::Ok();
  const toml::table* t = node->as_table();
  if (!t) return Bad(origin, "http", "must be a table ([http])");
  static const std::set<std::string> kKeys = {"listen", "public_url", "trusted_proxies",
                                              "metrics_from",
                                              "max_body_kib", "request_timeout_seconds",
                                              "idle_timeout_seconds", "max_connections"};
  for (const auto& [k, v] : *t)
    if (!kKeys.count(std::string(k.str())))
      return Bad(origin, "http." + std::string(k.str()), "unknown key");
  if (const toml::node* n = t->get("listen")) {
    auto v = n->value<std::string>();
    if (!v) return Bad(origin, "http.listen", "must be a string \"HOST:PORT\"");
    cfg.listen = *v;
  }
  if (const toml::node* n = t->get("public_url")) {
    auto v = n->value<std::string>();
    if (!v || !(v->rfind("http://", 0) == 0 || v->rfind("https://", 0) == 0) || v->size() > 200)
      return Bad(origin, "http.public_url", "must be an http:// or https:// address");
    cfg.public_url = *v;
    while (!cfg.public_url.empty() && cfg.public_url.back() == '/') cfg.public_url.pop_back();
  }
  for (auto [key, list] : {std::pair{"trusted_proxies", &cfg.trusted_proxies},
                            std::pair{"metrics_from", &cfg.metrics_from}}) {
    const toml::node* n = t->get(key);
    if (!n) continue;
    const std::string name = std::string("http.") + key;
    const toml::array* a = n->as_array();
    if (!a) return Bad(origin, name, "must be an array of IP addresses");
    for (const auto& e : *a) {
      auto v = e.value<std::string>();
      unsigned char buf[16];
      if (!v || (inet_pton(AF_INET, v->c_str(), buf) != 1 &&
                 inet_pton(AF_INET6, v->c_str(), buf) != 1))
        return Bad(origin, name, "must be an array of IP addresses");
      list->push_back(*v);
    }
  }
  auto kib = OptionalInt(*t, "max_body_kib", 1, 16 * 1024, origin, "http");
  if (!kib.ok()) return kib.status();
  if (*kib) cfg.max_body_bytes = **kib * 1024;
  auto request = OptionalInt(*t, "request_timeout_seconds", 1, 600, origin, "http");
  if (!request.ok()) return request.status();
  if (*request) cfg.request_timeout = absl::Seconds(**request);
  auto idle = OptionalInt(*t, "idle_timeout_seconds", 1, 3600, origin, "http");
  if (!idle.ok()) return idle.status();
  if (*idle) cfg.idle_timeout = absl::Seconds(**idle);
  auto conns = OptionalInt(*t, "max_connections", 1, 1000000, origin, "http");
  if (!conns.ok()) return conns.status();
  if (*conns) cfg.max_connections = static_cast<int>(**conns);
  return Status::Ok();
}

Status ParseHours(const toml::table* hours, BranchConfig& b, const std::string& origin) {
  static const char* kDays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (!hours) return Bad(origin, "branch.hours", "opening hours are required");
  for (const auto& [k, v] : *hours) {
    bool known = false;
    for (const char* d : kDays) known |= (k.str() == d);
    if (!known)
      return Bad(origin, "branch.hours." + std::string(k.str()), "unknown weekday (use mon..sun)");
  }
  for (int i = 0; i < 7; ++i) {
    auto v = (*hours)[kDays[i]].value<std::string>();
    if (!v) continue;
    std::string key = std::string("branch.hours.") + kDays[i];
    auto dash = v->find('-');
    if (dash == std::string::npos) return Bad(origin, key, "expected \"HH:MM-HH:MM\"");
    int open = ParseClock(std::string_view(*v).substr(0, dash));
    int close = ParseClock(std::string_view(*v).substr(dash + 1));
    if (open < 0 || close < 0 || open >= close)
      return Bad(origin, key, "expected \"HH:MM-HH:MM\" with opening before closing");
    b.hours[i] = DayHours{open, close};
  }
  return Status::Ok();
}

Result<ServiceConfig> ParseService(const toml::table& t, const std::string& origin) {
  ServiceConfig s;
  auto prefix = RequireString(t, "prefix", origin, "branch.service");
  if (!prefix.ok()) return prefix.status();
  s.prefix = *prefix;
  const toml::table* names = t["name"].as_table();
  if (!names) return Bad(origin, "branch.service.name", "service " + s.prefix + " needs name = { ru, en, zh }");
  const char* langs[3] = {"ru", "en", "zh"};
  for (int i = 0; i < 3; ++i) {
    auto n = (*names)[langs[i]].value<std::string>();
    if (!n || n->empty())
      return Bad(origin, std::string("branch.service.name.") + langs[i],
                 "service " + s.prefix + " has no name in " + langs[i]);
    s.names[i] = *n;
  }
  auto minutes = t["default_service_minutes"].value<int64_t>();
  if (minutes) {
    if (*minutes <= 0 || *minutes > 24 * 60)
      return Bad(origin, "branch.service.default_service_minutes", "must be 1..1440");
    s.default_service_time = absl::Minutes(*minutes);
  }
  s.opens_case = t["sim_replacement"].value_or(false);
  // Absent or 0: the service cannot be booked online.
  auto slot = OptionalInt(t, "slot_minutes", 0, 480, origin, "branch.service");
  if (!slot.ok()) return slot.status();
  s.slot_length = absl::Minutes(slot->value_or(0));
  auto ahead = OptionalInt(t, "notify_ahead", 0, 50, origin, "branch.service");
  if (!ahead.ok()) return ahead.status();
  s.notify_ahead = static_cast<int>(ahead->value_or(s.notify_ahead));
  return s;
}

Result<CounterConfig> ParseCounter(const toml::table& t, const std::string& origin) {
  CounterConfig c;
  auto id = RequireString(t, "id", origin, "branch.counter");
  if (!id.ok()) return id.status();
  c.counter_id = *id;
  c.display_name = t["name"].value_or(std::string("Counter ") + c.counter_id);
  const toml::array* services = t["services"].as_array();
  if (!services) return Bad(origin, "branch.counter.services", "counter " + c.counter_id + " needs services = [...]");
  for (const auto& v : *services) {
    auto p = v.value<std::string>();
    if (!p) return Bad(origin, "branch.counter.services", "service prefixes must be strings");
    c.services.push_back(*p);
  }
  return c;
}

Result<BranchConfig> ParseBranch(const toml::table& t, const std::string& origin) {
  BranchConfig b;
  auto id = RequireString(t, "id", origin, "branch");
  if (!id.ok()) return id.status();
  b.branch_id = *id;
  b.display_name = t["name"].value_or(b.branch_id);
  auto tz = RequireString(t, "time_zone", origin, "branch");
  if (!tz.ok()) return tz.status();
  b.time_zone_name = *tz;
  if (!absl::LoadTimeZone(b.time_zone_name, &b.time_zone))
    return Bad(origin, "branch.time_zone",
               "unknown time zone '" + b.time_zone_name + "' (is tzdata installed?)");
  if (auto mr = t["max_recalls"].value<int64_t>()) b.max_recalls = static_cast<int>(*mr);
  if (const toml::array* closed = t["closed_dates"].as_array()) {
    for (const auto& v : *closed) {
      auto d = v.value<std::string>();
      absl::CivilDay day;
      if (!d || !absl::ParseCivilTime(*d, &day))
        return Bad(origin, "branch.closed_dates", "dates must be \"YYYY-MM-DD\"");
      b.closed_dates.insert(absl::FormatCivilTime(day));
    }
  }
  QUEUE_RETURN_IF_ERROR(ParseHours(t["hours"].as_table(), b, origin));
  QUEUE_RETURN_IF_ERROR(ParseBooking(t.get("booking"), b.booking, origin));
  if (const toml::array* services = t["service"].as_array()) {
    for (const auto& v : *services) {
      const toml::table* st = v.as_table();
      if (!st) return Bad(origin, "branch.service", "must be tables ([[branch.service]])");
      auto s = ParseService(*st, origin);
      if (!s.ok()) return s.status();
      b.services.push_back(std::move(s).value());
    }
  }
  if (const toml::array* counters = t["counter"].as_array()) {
    for (const auto& v : *counters) {
      const toml::table* ct = v.as_table();
      if (!ct) return Bad(origin, "branch.counter", "must be tables ([[branch.counter]])");
      auto c = ParseCounter(*ct, origin);
      if (!c.ok()) return c.status();
      b.counters.push_back(std::move(c).value());
    }
  }
  return b;
}

// [fees.<operator>] <reason> = roubles
Status ParseFees(const toml::table* fees, ServerConfig& config, const std::string& origin) {
  if (!fees) return Status::Ok();
  static const char* kReasons[] = {"lost", "stolen", "damaged", "format_change"};
  for (const auto& [op, v] : *fees) {
    std::string key = "fees." + std::string(op.str());
    const toml::table* t = v.as_table();
    if (!t) return Bad(origin, key, "must be a table of reason = roubles");
    auto& row = config.fees[std::string(op.str())];
    for (const auto& [reason, amount] : *t) {
      std::string rkey = key + "." + std::string(reason.str());
      bool known = false;
      for (const char* r : kReasons) known |= reason.str() == r;
      if (!known) return Bad(origin, rkey, "unknown reason (use lost, stolen, damaged, format_change)");
      auto a = amount.value<int64_t>();
      if (!a || *a < 0 || *a > 1000000) return Bad(origin, rkey, "must be roubles, 0..1000000");
      row[std::string(reason.str())] = *a;
    }
  }
  return Status::Ok();
}

// [remote]: the online route of a SIM replacement. Types and ranges here;
// ServerConfig::Validate checks that dispatch_branch names a [[branch]].
Status ParseRemote(const toml::node* node, RemoteConfig& cfg, const std::string& origin) {
  if (!node) return Status::Ok();
  const toml::table* t = node->as_table();
  if (!t) return Bad(origin, "remote", "must be a table ([remote])");
  for (const auto& [k, v] : *t)
    if (k.str() != "dispatch_branch" && k.str() != "application_days")
      return Bad(origin, "remote." + std::string(k.str()), "unknown key");
  if (const toml::node* n = t->get("dispatch_branch")) {
    auto v = n->value<std::string>();
    if (!v || v->empty())
      return Bad(origin, "remote.dispatch_branch", "must be the id of a [[branch]]");
    cfg.dispatch_branch = *v;
  }
  auto days = OptionalInt(*t, "application_days", 1, 90, origin, "remote");
  if (!days.ok()) return days.status();
  if (*days) cfg.application_days = static_cast<int>(**days);
  return Status::Ok();
}

Status ParsePrivacy(const toml::table* privacy, ServerConfig& config, const std::string& origin) {
  if (!privacy) return Status::Ok();
  config.privacy.key_file = (*privacy)["key_file"].value_or(std::string());
  if (auto days = (*privacy)["retention_days"].value<int64_t>()) {
    if (*days < 1 || *days > 3650) return Bad(origin, "privacy.retention_days", "must be 1..3650");
    config.privacy.retention = absl::Hours(24 * *days);
  }
  return Status::Ok();
}

Status ParseBackup(const toml::node* node, BackupConfig& cfg, const std::string& origin) {
  if (!node) return Status::Ok();
  const toml::table* t = node->as_table();
  if (!t) return Bad(origin, "backup", "must be a table ([backup])");
  static const std::set<std::string> kKeys = {"dir", "every_hours", "keep"};
  for (const auto& [k, v] : *t)
    if (!kKeys.count(std::string(k.str())))
      return Bad(origin, "backup." + std::string(k.str()), "unknown key");
  if (const toml::node* n = t->get("dir")) {
    auto v = n->value<std::string>();
    if (!v || v->empty()) return Bad(origin, "backup.dir", "must be a folder's path");
    cfg.dir = *v;
  }
  if (const toml::node* n = t->get("every_hours")) {
    auto v = n->value<int64_t>();
    if (!v || *v < 1 || *v > 24 * 31) return Bad(origin, "backup.every_hours", "must be 1..744");
    cfg.every = absl::Hours(*v);
  }
  if (const toml::node* n = t->get("keep")) {
    auto v = n->value<int64_t>();
    if (!v || *v < 1 || *v > 1000) return Bad(origin, "backup.keep", "must be 1..1000");
    cfg.keep = static_cast<int>(*v);
  }
  return Status::Ok();
}

Status ParseHousekeeping(const toml::node* node, HousekeepingConfig& cfg,
                         const std::string& origin) {
  if (!node) return Status::Ok();
  const toml::table* t = node->as_table();
  if (!t) return Bad(origin, "housekeeping", "must be a table ([housekeeping])");
  for (const auto& [k, v] : *t)
    if (k.str() != "request_id_days")
      return Bad(origin, "housekeeping." + std::string(k.str()), "unknown key");
  if (const toml::node* n = t->get("request_id_days")) {
    auto v = n->value<int64_t>();
    if (!v || *v < 1 || *v > 365)
      return Bad(origin, "housekeeping.request_id_days", "must be 1..365");
    cfg.request_ids = absl::Hours(24 * *v);
  }
  return Status::Ok();
}

}  // namespace

Result<ServerConfig> ParseConfig(const std::string& toml_text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& err) {
    std::ostringstream msg;
    msg << origin << ":" << err.source().begin.line << ":" << err.source().begin.column << ": "
        << err.description();
    return Status::InvalidArgument("config", msg.str());
  }
  ServerConfig config;
  const toml::array* branches = root["branch"].as_array();
  if (!branches) return Bad(origin, "branch", "at least one [[branch]] is required");
  for (const auto& v : *branches) {
    const toml::table* bt = v.as_table();
    if (!bt) return Bad(origin, "branch", "must be tables ([[branch]])");
    auto b = ParseBranch(*bt, origin);
    if (!b.ok()) return b.status();
    config.branches.push_back(std::move(b).value());
  }
  QUEUE_RETURN_IF_ERROR(ParseFees(root["fees"].as_table(), config, origin));
  QUEUE_RETURN_IF_ERROR(ParsePrivacy(root["privacy"].as_table(), config, origin));
  QUEUE_RETURN_IF_ERROR(ParseBookingApi(root.get("booking_api"), config.booking_api, origin));
  QUEUE_RETURN_IF_ERROR(ParseHttp(root.get("http"), config.http, origin));
  QUEUE_RETURN_IF_ERROR(ParseRemote(root.get("remote"), config.remote, origin));
  QUEUE_RETURN_IF_ERROR(ParseBackup(root.get("backup"), config.backup, origin));
  QUEUE_RETURN_IF_ERROR(
      ParseHousekeeping(root.get("housekeeping"), config.housekeeping, origin));
  QUEUE_RETURN_IF_ERROR(ParseNotify(root.get("notify"), config, origin));
  Status st = config.Validate();
  if (!st.ok()) return Bad(origin, st.field(), st.message());
  return config;
}

Result<ServerConfig> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read config file " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseConfig(buf.str(), path);
}

const std::string& DemoConfigText() {
  static const std::string text(kDemoConfigToml);
  return text;
}

}  // namespace shop::queue
