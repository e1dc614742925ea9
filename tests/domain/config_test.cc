// The TOML configuration loader, including the built-in demo.
#include "server/config/config_loader.h"

#include <gtest/gtest.h>

namespace shop::queue {
namespace {

const char* kMinimal = R"(
[[branch]]
id = "b1"
name = "Shop"
time_zone = "Asia/Novosibirsk"
[branch.hours]
mon = "09:00-18:00"
[[branch.service]]
prefix = "R"
name = { ru = "р", en = "r", zh = "补" }
[[branch.counter]]
id = "1"
services = ["R"]
)";

TEST(Config, DemoLoadsWithFourServicesAndCounters) {
  auto c = ParseConfig(DemoConfigText(), "demo");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->branches.size(), 1u);
  const BranchConfig& b = c->branches[0];
  EXPECT_EQ(b.branch_id, "demo");
  EXPECT_EQ(b.services.size(), 4u);
  EXPECT_EQ(b.counters.size(), 4u);
  EXPECT_EQ(b.FindService("R")->names[1], "SIM card replacement");
}

TEST(Config, MinimalFile) {
  auto c = ParseConfig(kMinimal, "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const BranchConfig& b = c->branches[0];
  EXPECT_EQ(b.time_zone_name, "Asia/Novosibirsk");
  ASSERT_TRUE(b.hours[0].has_value());
  EXPECT_EQ(b.hours[0]->open_minute, 9 * 60);
  EXPECT_FALSE(b.hours[1].has_value());
  EXPECT_EQ(b.counters[0].display_name, "Counter 1");
  EXPECT_EQ(b.FindService("R")->default_service_time, absl::Minutes(10));
}

struct BadCase {
  std::string from, to, key;
};

TEST(Config, ErrorsNameTheKey) {
  const BadCase cases[] = {
      {"time_zone = \"Asia/Novosibirsk\"", "time_zone = \"Mars/Olympus\"", "branch.time_zone"},
      {"mon = \"09:00-18:00\"", "mon = \"18:00-09:00\"", "branch.hours.mon"},
      {"mon = \"09:00-18:00\"", "mun = \"09:00-18:00\"", "branch.hours.mun"},
      {"prefix = \"R\"", "prefix = \"RR\"", "service.prefix"},
      {"services = [\"R\"]", "services = [\"Q\"]", "counter.services"},
      {"zh = \"补\"", "zz = \"补\"", "branch.service.name.zh"},
      {"id = \"b1\"", "id = \"\"", "branch.id"},
  };
  for (const auto& c : cases) {
    std::string text = kMinimal;
    auto pos = text.find(c.from);
    ASSERT_NE(pos, std::string::npos) << c.from;
    text.replace(pos, c.from.size(), c.to);
    auto r = ParseConfig(text, "t.toml");
    ASSERT_FALSE(r.ok()) << c.to;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(r.status().field(), c.key) << r.status().message();
  }
}

TEST(Config, DemoTakesAppointments) {
  auto c = ParseConfig(DemoConfigText(), "demo");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const BranchConfig& b = c->branches[0];
  EXPECT_EQ(b.FindService("R")->slot_length, absl::Minutes(20));
  EXPECT_EQ(b.FindService("N")->slot_length, absl::Minutes(30));
  EXPECT_EQ(b.FindService("P")->slot_length, absl::ZeroDuration());
  EXPECT_EQ(b.FindService("C")->slot_length, absl::Minutes(15));
  EXPECT_EQ(b.booking.seats_per_slot, 2);
  EXPECT_EQ(b.booking.horizon_days, 14);
  EXPECT_EQ(b.booking.min_lead, absl::Minutes(60));
  EXPECT_EQ(b.booking.checkin_early, absl::Minutes(30));
  EXPECT_EQ(b.booking.checkin_late, absl::Minutes(15));
  EXPECT_EQ(b.booking.reminder_before, absl::Minutes(120));
  EXPECT_EQ(c->booking_api.per_address_per_minute, 60);
  EXPECT_EQ(c->booking_api.burst, 20);
}

TEST(Config, BookingDefaultsWhenAbsent) {
  auto c = ParseConfig(kMinimal, "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const BranchConfig& b = c->branches[0];
  EXPECT_EQ(b.FindService("R")->slot_length, absl::ZeroDuration());  // not bookable
  const BookingConfig defaults;
  EXPECT_EQ(b.booking.seats_per_slot, defaults.seats_per_slot);
  EXPECT_EQ(b.booking.horizon_days, defaults.horizon_days);
  EXPECT_EQ(b.booking.min_lead, defaults.min_lead);
  EXPECT_EQ(b.booking.checkin_early, defaults.checkin_early);
  EXPECT_EQ(b.booking.checkin_late, defaults.checkin_late);
  EXPECT_EQ(b.booking.reminder_before, defaults.reminder_before);
  const BookingApiConfig api;
  EXPECT_EQ(c->booking_api.per_address_per_minute, api.per_address_per_minute);
  EXPECT_EQ(c->booking_api.burst, api.burst);
}

// kMinimal with a [branch.booking] block, a slot length for R and a
// [booking_api] block, each of which a case may replace.
const char* kBooking = R"(
[[branch]]
id = "b1"
time_zone = "Asia/Novosibirsk"
[branch.hours]
mon = "09:00-18:00"
[branch.booking]
seats_per_slot = 3
horizon_days = 30
min_lead_minutes = 0
checkin_early_minutes = 240
checkin_late_minutes = 0
reminder_minutes = 10080
[[branch.service]]
prefix = "R"
name = { ru = "р", en = "r", zh = "补" }
slot_minutes = 480
[[branch.counter]]
id = "1"
services = ["R"]
[booking_api]
per_address_per_minute = 100000
burst = 1
)";

TEST(Config, BookingKeys) {
  auto c = ParseConfig(kBooking, "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const BranchConfig& b = c->branches[0];
  EXPECT_EQ(b.FindService("R")->slot_length, absl::Hours(8));
  EXPECT_EQ(b.booking.seats_per_slot, 3);
  EXPECT_EQ(b.booking.horizon_days, 30);
  EXPECT_EQ(b.booking.min_lead, absl::ZeroDuration());
  EXPECT_EQ(b.booking.checkin_early, absl::Hours(4));
  EXPECT_EQ(b.booking.checkin_late, absl::ZeroDuration());
  EXPECT_EQ(b.booking.reminder_before, absl::Hours(24 * 7));
  EXPECT_EQ(c->booking_api.per_address_per_minute, 100000);
  EXPECT_EQ(c->booking_api.burst, 1);

  std::string zero = kBooking;
  zero.replace(zero.find("slot_minutes = 480"), 18, "slot_minutes = 0");
  auto z = ParseConfig(zero, "t.toml");
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  EXPECT_EQ(z->branches[0].FindService("R")->slot_length, absl::ZeroDuration());
}

TEST(Config, BadBookingValuesNameTheKey) {
  const BadCase cases[] = {
      {"slot_minutes = 480", "slot_minutes = 481", "branch.service.slot_minutes"},
      {"slot_minutes = 480", "slot_minutes = -1", "branch.service.slot_minutes"},
      {"slot_minutes = 480", "slot_minutes = \"20\"", "branch.service.slot_minutes"},
      {"slot_minutes = 480", "slot_minutes = 20.5", "branch.service.slot_minutes"},
      {"seats_per_slot = 3", "seats_per_slot = 0", "branch.booking.seats_per_slot"},
      {"seats_per_slot = 3", "seats_per_slot = 101", "branch.booking.seats_per_slot"},
      {"horizon_days = 30", "horizon_days = 0", "branch.booking.horizon_days"},
      {"horizon_days = 30", "horizon_days = 366", "branch.booking.horizon_days"},
      {"min_lead_minutes = 0", "min_lead_minutes = -1", "branch.booking.min_lead_minutes"},
      {"min_lead_minutes = 0", "min_lead_minutes = 10081", "branch.booking.min_lead_minutes"},
      {"checkin_early_minutes = 240", "checkin_early_minutes = 241",
       "branch.booking.checkin_early_minutes"},
      {"checkin_early_minutes = 240", "checkin_early_minutes = -5",
       "branch.booking.checkin_early_minutes"},
      {"checkin_late_minutes = 0", "checkin_late_minutes = 241",
       "branch.booking.checkin_late_minutes"},
      {"checkin_late_minutes = 0", "checkin_late_minutes = -1",
       "branch.booking.checkin_late_minutes"},
      {"reminder_minutes = 10080", "reminder_minutes = 10081", "branch.booking.reminder_minutes"},
      {"reminder_minutes = 10080", "reminder_minutes = -1", "branch.booking.reminder_minutes"},
      {"seats_per_slot = 3", "seat_per_slot = 3", "branch.booking.seat_per_slot"},
      {"per_address_per_minute = 100000", "per_address_per_minute = 0",
       "booking_api.per_address_per_minute"},
      {"per_address_per_minute = 100000", "per_address_per_minute = 100001",
       "booking_api.per_address_per_minute"},
      {"burst = 1", "burst = 0", "booking_api.burst"},
      {"burst = 1", "burst = 100001", "booking_api.burst"},
      {"burst = 1", "bursts = 1", "booking_api.bursts"},
  };
  for (const auto& c : cases) {
    std::string text = kBooking;
    auto pos = text.find(c.from);
    ASSERT_NE(pos, std::string::npos) << c.from;
    text.replace(pos, c.from.size(), c.to);
    auto r = ParseConfig(text, "t.toml");
    ASSERT_FALSE(r.ok()) << c.to;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(r.status().field(), c.key) << c.to << ": " << r.status().message();
    EXPECT_NE(r.status().message().find(c.key), std::string::npos) << r.status().message();
  }
}

TEST(Config, BackupKeys) {
  auto off = ParseConfig(kMinimal, "t.toml");
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->backup.dir, "") << "scheduled backups are off unless a folder is given";
  auto on = ParseConfig(std::string(kMinimal) + "\n[backup]\ndir = \"/var/backups/queue\"\n"
                                                "every_hours = 6\nkeep = 28\n",
                        "t.toml");
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_EQ(on->backup.dir, "/var/backups/queue");
  EXPECT_EQ(on->backup.every, absl::Hours(6));
  EXPECT_EQ(on->backup.keep, 28);
  const std::pair<const char*, const char*> bad[] = {
      {"dir = \"\"", "backup.dir"},          {"dir = 5", "backup.dir"},
      {"every_hours = 0", "backup.every_hours"}, {"every_hours = 745", "backup.every_hours"},
      {"keep = 0", "backup.keep"},               {"keep = 1001", "backup.keep"},
      {"kept = 3", "backup.kept"},
  };
  for (const auto& [line, key] : bad) {
    auto r = ParseConfig(std::string(kMinimal) + "\n[backup]\n" + line + "\n", "t.toml");
    ASSERT_FALSE(r.ok()) << line;
    EXPECT_EQ(r.status().field(), key) << line << ": " << r.status().message();
  }
}

TEST(Config, HousekeepingKeys) {
  auto d = ParseConfig(kMinimal, "t.toml");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->housekeeping.request_ids, absl::Hours(24 * 7));
  auto c = ParseConfig(std::string(kMinimal) + "\n[housekeeping]\nrequest_id_days = 2\n", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->housekeeping.request_ids, absl::Hours(48));
  for (const char* line : {"request_id_days = 0", "request_id_days = 366", "request_ids = 3"}) {
    auto r = ParseConfig(std::string(kMinimal) + "\n[housekeeping]\n" + line + "\n", "t.toml");
    ASSERT_FALSE(r.ok()) << line;
    EXPECT_EQ(r.status().field().rfind("housekeeping.", 0), 0u) << r.status().field();
  }
}

TEST(Config, RemoteKeys) {
  auto d = ParseConfig(kMinimal, "t.toml");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->remote.dispatch_branch, "") << "the first branch dispatches by default";
  EXPECT_EQ(d->remote.application_days, 14);
  auto c = ParseConfig(std::string(kMinimal) +
                           "\n[remote]\ndispatch_branch = \"b1\"\napplication_days = 30\n",
                       "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->remote.dispatch_branch, "b1");
  EXPECT_EQ(c->remote.application_days, 30);
  for (int days : {1, 90}) {
    auto edge = ParseConfig(std::string(kMinimal) + "\n[remote]\napplication_days = " +
                                std::to_string(days) + "\n",
                            "t.toml");
    ASSERT_TRUE(edge.ok()) << days << ": " << edge.status().ToString();
    EXPECT_EQ(edge->remote.application_days, days);
  }
  const std::pair<const char*, const char*> bad[] = {
      {"dispatch_branch = \"nowhere\"", "remote.dispatch_branch"},
      {"dispatch_branch = \"\"", "remote.dispatch_branch"},
      {"dispatch_branch = 1", "remote.dispatch_branch"},
      {"application_days = 0", "remote.application_days"},
      {"application_days = 91", "remote.application_days"},
      {"application_days = \"14\"", "remote.application_days"},
      {"application_day = 14", "remote.application_day"},
  };
  for (const auto& [line, key] : bad) {
    auto r = ParseConfig(std::string(kMinimal) + "\n[remote]\n" + line + "\n", "t.toml");
    ASSERT_FALSE(r.ok()) << line;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << line;
    EXPECT_EQ(r.status().field(), key) << line << ": " << r.status().message();
    EXPECT_NE(r.status().message().find(std::string("t.toml: ") + key), std::string::npos)
        << r.status().message();
  }
  auto not_table = ParseConfig("remote = 3\n" + std::string(kMinimal), "t.toml");
  ASSERT_FALSE(not_table.ok());
  EXPECT_EQ(not_table.status().field(), "remote");
  // A configuration built in code is checked too.
  ServerConfig built = *c;
  built.remote.dispatch_branch = "gone";
  EXPECT_EQ(built.Validate().field(), "remote.dispatch_branch");
  built.remote.dispatch_branch = "";
  built.remote.application_days = 0;
  EXPECT_EQ(built.Validate().field(), "remote.application_days");
}

TEST(Config, SyntaxErrorsGiveLineAndColumn) {
  auto r = ParseConfig("[[branch]\nid = ", "broken.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("broken.toml:1:"), std::string::npos)
      << r.status().message();
}

TEST(Config, MissingFileIsNotFound) {
  auto r = LoadConfigFile("/nonexistent/queue.toml");
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace shop::queue
