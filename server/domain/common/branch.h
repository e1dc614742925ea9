// Branch configuration and calendar rules: a shop's services, counters,
// opening hours and time zone, and what "business day" and "open now" mean.
//
// A BranchConfig is built once at start-up (from TOML, see server/config) and
// then only read; it is safe to share between threads after construction.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/common/status.h"
#include "server/domain/common/templates.h"
#include "server/domain/outbox/notify_config.h"

namespace shop::queue {

enum class Language { kRu = 1, kEn = 2, kZh = 3 };

struct ServiceConfig {
  std::string prefix;                 // one capital Latin letter, e.g. "R"
  std::array<std::string, 3> names;   // indexed by Language - 1: ru, en, zh
  absl::Duration default_service_time = absl::Minutes(10);  // ETA before any data
  // Serving a ticket of this service opens a SIM-replacement case.
  bool opens_case = false;
  // Length of an appointment slot; zero: the service cannot be booked online.
  absl::Duration slot_length = absl::ZeroDuration();
  // "Your turn is near": a ticket that left a phone (a booking, or the
  // kiosk's opt-in) gets one notice when this many or fewer are ahead of it;
  // 0: no such notices for this service.
  int notify_ahead = 3;
};

// How a branch takes appointments (see booking.h).
struct BookingConfig {
  int seats_per_slot = 1;           // counters that take appointments at once
  int horizon_days = 14;            // how far ahead one may book
  absl::Duration min_lead = absl::Hours(1);        // book at least this long before
  absl::Duration checkin_early = absl::Minutes(30);  // check in from start - early
  absl::Duration checkin_late = absl::Minutes(15);   // ... until start + late grace
  absl::Duration reminder_before = absl::Hours(2);   // reminder queued this long before
};

struct CounterConfig {
  std::string counter_id;             // e.g. "1"
  std::string display_name;           // e.g. "Counter 1"
  std::vector<std::string> services;  // prefixes this counter may serve
};

// Opening hours of one weekday, minutes from local midnight; close may be
// 24*60 (open until midnight). No entry means closed that day.
struct DayHours {
  int open_minute = 0;
  int close_minute = 24 * 60;
};

struct BranchConfig {
  std::string branch_id;
  std::string display_name;
  std::string time_zone_name;         // IANA, e.g. "Europe/Moscow"
  absl::TimeZone time_zone;
  // Indexed by absl::Weekday order starting Monday = 0 .. Sunday = 6.
  std::array<std::optional<DayHours>, 7> hours;
  std::set<std::string> closed_dates;  // "YYYY-MM-DD"
  int max_recalls = 2;                 // recalls allowed after the first call
  BookingConfig booking;
  std::vector<ServiceConfig> services;
  std::vector<CounterConfig> counters;

  const ServiceConfig* FindService(std::string_view prefix) const;
  const CounterConfig* FindCounter(std::string_view counter_id) const;

  // The business day `t` belongs to: the local calendar date, "YYYY-MM-DD".
  std::string BusinessDay(absl::Time t) const;
  // Whether the branch takes new tickets at `t` (inside today's hours and
  // not a closed date).
  bool IsOpen(absl::Time t) const;
  // Closing time of the business day that `t` falls in; nullopt when the
  // branch is closed that whole day.
  std::optional<absl::Time> ClosingTime(absl::Time t) const;
  // The first moment after `t` at which the branch opens (a day's opening
  // time on a day with hours that is not a closed date), looking at most
  // kNextOpenHorizon ahead; nullopt when it does not open in that time.
  // Local times are the branch's zone: an opening time that falls into a
  // daylight-saving gap is the instant the clocks jump to.
  std::optional<absl::Time> NextOpenTime(absl::Time t) const;
  static constexpr absl::Duration kNextOpenHorizon = absl::Hours(24 * 14);

  // Checks internal consistency (unique prefixes and counter ids, counters
  // serving known services, sane hours). Field names in errors are config keys.
  Status Validate() const;
};

// SIM-replacement fees in roubles: operator id -> reason name -> fee.
// Operators are the register's ids ("megafon", "beeline", "tele2").
using FeeTable = std::map<std::string, std::map<std::string, int64_t>>;

// How personal data is protected and kept.
struct PrivacyConfig {
  // The key of the keyed hash of document numbers, outside the database.
  // Empty: "<database>.pii-key" next to the database file. Created (mode
  // 0600) when missing.
  std::string key_file;
  // Personal fields of cases finished longer ago are erased (counts, times
  // and amounts stay for reports).
  absl::Duration retention = absl::Hours(24 * 90);
};

// What the background sweep forgets, and when.
struct HousekeepingConfig {
  // Client request ids (the idempotency of kiosks' and counters' retries)
  // are kept this long; a retry later than that is a new request.
  absl::Duration request_ids = absl::Hours(24 * 7);
};

// Scheduled backups of the SQLite database (queue-server backup, on a
// timer): off while `dir` is empty.
struct BackupConfig {
  std::string dir;                          // where the backups go
  absl::Duration every = absl::Hours(24);   // one backup this often
  int keep = 7;                             // the newest this many are kept
};

// The public booking API's protection against abuse: each client address may
// make this many calls per minute (a token bucket that refills evenly).
struct BookingApiConfig {
  int per_address_per_minute = 60;
  int burst = 20;
};

// [http]: the HTTP face (pages, JSON API, live streams); off while `listen`
// is empty.
struct HttpConfig {
  std::string listen;      // HOST:PORT; --http overrides it
  // The address customers' phones reach the pages at ("https://q.shop.ru"),
  // for the slip's QR code. Empty: http://HOST:PORT of `listen` (demo only).
  std::string public_url;
  // Reverse proxies whose X-Forwarded-For names the client (IP addresses).
  // From any other peer the header is ignored.
  std::vector<std::string> trusted_proxies;
  // Who may read /metrics besides this machine (IP addresses of the
  // Prometheus servers); loopback always may.
  std::vector<std::string> metrics_from;
  int64_t max_body_bytes = 64 * 1024;
  absl::Duration request_timeout = absl::Seconds(10);
  absl::Duration idle_timeout = absl::Seconds(60);
  int max_connections = 10000;
};

// [remote]: the online route of a SIM replacement.
struct RemoteConfig {
  // The branch whose staff dispatch posted cards (from its stock); "" = the
  // first branch. A pickup goes to the chosen shop.
  std::string dispatch_branch;
  int application_days = 14;  // 1..90: an unfinished application expires then
};

struct ServerConfig {
  std::vector<BranchConfig> branches;
  RemoteConfig remote;
  BookingApiConfig booking_api;
  HttpConfig http;
  FeeTable fees;
  PrivacyConfig privacy;
  BackupConfig backup;
  HousekeepingConfig housekeeping;
  // Customers' message texts ([notify.templates] over the built-in ones).
  MessageTemplates templates = MessageTemplates::Defaults();
  // [notify]: sending the outbox's messages (off by default).
  NotifyConfig notify;
  // The fee for an operator and reason; nullopt when the table has none.
  std::optional<int64_t> Fee(const std::string& operator_id, const std::string& reason) const;
  const BranchConfig* FindBranch(std::string_view branch_id) const;
  Status Validate() const;
};

}  // namespace shop::queue
