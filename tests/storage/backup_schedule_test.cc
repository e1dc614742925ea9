// Scheduled backups ([backup] dir, every_hours, keep) over a real SQLite
// file, with the time given: the first sweep takes one, a later sweep takes
// the next only when `every` has passed, the oldest beyond `keep` go, and
// files of other names in the folder are never touched.
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "server/storage/sqlite/backup.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);  // 2027-01-15T08:00:00Z

std::set<std::string> Files(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

TEST(BackupSchedule, TakesOneWhenDueAndKeepsTheNewest) {
  TempDir tmp;
  const std::string db = tmp.File("shop.db");
  {
    auto store = SqliteStore::Open(db);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->SyncConfig(testing::TestConfig()).ok());
  }
  const std::string dir = tmp.File("backups");  // made by the first run
  auto run = [&](absl::Time now) {
    return sqlite::RunScheduledBackup(db, dir, absl::Hours(24), /*keep=*/2, now);
  };

  auto first = run(kT0);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(fs::path(first->taken).filename(), "shop-20270115T080000Z.db");
  EXPECT_EQ(first->summary.schema_version, SqliteStore::LatestSchemaVersion());
  std::ofstream(dir + "/notes.txt") << "the operator's own file\n";
  std::ofstream(dir + "/shop-manual.db") << "not a scheduled backup\n";

  auto early = run(kT0 + absl::Hours(23));
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(early->taken, "") << "a backup before `every` has passed";
  EXPECT_TRUE(early->removed.empty());

  auto second = run(kT0 + absl::Hours(24));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(fs::path(second->taken).filename(), "shop-20270116T080000Z.db");
  EXPECT_TRUE(second->removed.empty());

  auto third = run(kT0 + absl::Hours(49));
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(fs::path(third->taken).filename(), "shop-20270117T090000Z.db");
  ASSERT_EQ(third->removed.size(), 1u);
  EXPECT_EQ(fs::path(third->removed[0]).filename(), "shop-20270115T080000Z.db");
  EXPECT_EQ(Files(dir), (std::set<std::string>{"notes.txt", "shop-manual.db",
                                               "shop-20270116T080000Z.db",
                                               "shop-20270117T090000Z.db"}));
  // Each one kept is a whole backup.
  for (const char* kept : {"/shop-20270116T080000Z.db", "/shop-20270117T090000Z.db"}) {
    auto summary = sqlite::InspectBackup(dir + kept);
    EXPECT_TRUE(summary.ok()) << kept << ": " << summary.status().ToString();
  }
}

TEST(BackupSchedule, AFolderThatCannotBeMadeIsAnError) {
  TempDir tmp;
  const std::string db = tmp.File("shop.db");
  {
    auto store = SqliteStore::Open(db);
    ASSERT_TRUE(store.ok());
  }
  std::ofstream(tmp.File("a-file")) << "x";
  auto r = sqlite::RunScheduledBackup(db, tmp.File("a-file") + "/backups", absl::Hours(1), 3, kT0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(r.status().message().find("a-file"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace shop::queue
