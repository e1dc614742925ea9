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
