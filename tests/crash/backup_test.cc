// queue-server backup and restore, with the real binary: a backup taken
// while kiosks issue tickets is whole (integrity_check, the audit chain,
// numbers without gaps) and a server restored from it serves every ticket
// that was confirmed before the backup began. Restore refuses while a
// server serves the file, refuses what is not a backup, and keeps the
// database it replaces.
#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "server/config/config_loader.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/support/server_process.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;
namespace fs = std::filesystem;
using testing::ServerProcess;

using Outcome = testing::CommandOutcome;

// queue-server with `args` (standard output and error together).
Outcome QueueServerCommand(const std::string& args) {
  return testing::RunCommand("'" + std::string(QUEUE_SERVER_PATH) + "' " + args + " 2>&1");
}

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return ctx;
}

struct Issued {
  int64_t ticket_id;
  std::string display_number;
};

TEST(Backup, TakenUnderLoadIsWholeAndServesEveryTicketConfirmedBeforeIt) {
  testing::TempDir dir;
  const std::string db = dir.File("queue.db");
  const std::string backup = dir.File("backup.db");
  std::map<std::string, Issued> issued;  // request id -> ticket, guarded by mu
  std::map<std::string, Issued> before_backup;
  std::mutex mu;
  {
    ServerProcess server(QUEUE_SERVER_PATH, db, dir.path().string());
    ASSERT_NE(server.port(), 0) << "server did not start";
    std::atomic<bool> stop{false};
    std::vector<std::thread> kiosks;
    for (int k = 0; k < 4; ++k) {
      kiosks.emplace_back([&, k] {
        auto stub = pb::KioskService::NewStub(server.NewChannel());
        for (int i = 0; !stop; ++i) {
          pb::CreateTicketRequest req;
          req.set_branch_id("demo");
          req.set_service_prefix(k % 2 ? "R" : "P");
          req.set_request_id("k" + std::to_string(k) + "-" + std::to_string(i));
          pb::CreateTicketResponse resp;
          if (!stub->CreateTicket(Ctx().get(), req, &resp).ok()) continue;
          std::lock_guard lock(mu);
          issued[req.request_id()] = {resp.ticket().ticket_id(), resp.ticket().display_number()};
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    {
      std::lock_guard lock(mu);
      before_backup = issued;
    }
    Outcome taken = QueueServerCommand("backup --db '" + db + "' --to '" + backup + "'");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the load goes on
    stop = true;
    for (auto& t : kiosks) t.join();
    EXPECT_EQ(taken.exit_code, 0) << taken.output;
    EXPECT_NE(taken.output.find("integrity_check ok"), std::string::npos) << taken.output;
    EXPECT_NE(taken.output.find("personal-data key"), std::string::npos) << taken.output;
    EXPECT_FALSE(fs::exists(backup + ".partial"));

    // A second backup to the same file is refused and changes nothing.
    const auto size = fs::file_size(backup);
    Outcome again = QueueServerCommand("backup --db '" + db + "' --to '" + backup + "'");
    EXPECT_EQ(again.exit_code, 1) << again.output;
    EXPECT_NE(again.output.find("already exists"), std::string::npos) << again.output;
    EXPECT_EQ(fs::file_size(backup), size);

    // Restoring over a database that is being served is refused.
    Outcome busy = QueueServerCommand("restore --db '" + db + "' --from '" + backup + "'");
    EXPECT_EQ(busy.exit_code, 1) << busy.output;
    EXPECT_NE(busy.output.find("stop it, then restore"), std::string::npos) << busy.output;
    server.Stop(SIGTERM);
  }
  ASSERT_GT(before_backup.size(), 0u) << "no ticket was issued before the backup";
  ASSERT_GT(issued.size(), before_backup.size()) << "the load did not go on during the backup";
  EXPECT_EQ(testing::IntegrityCheck(backup), "ok");
  std::string why;
  EXPECT_TRUE(testing::Contiguous(testing::NumbersByServiceAndDay(backup), &why)) << why;

  // Not a backup: refused, and the database is untouched.
  const std::string junk = dir.File("photo.jpg");
  std::ofstream(junk) << "\xff\xd8\xff\xe0 not a database";
  const auto db_size = fs::file_size(db);
  Outcome refused = QueueServerCommand("restore --db '" + db + "' --from '" + junk + "'");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("not a SQLite database"), std::string::npos) << refused.output;
  EXPECT_EQ(fs::file_size(db), db_size);

  // Restore, with the server stopped: the replaced file is kept aside.
  Outcome restored = QueueServerCommand("restore --db '" + db + "' --from '" + backup + "'");
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  EXPECT_NE(restored.output.find("kept as"), std::string::npos) << restored.output;
  int aside = 0;
  for (const auto& e : fs::directory_iterator(dir.path()))
    aside += e.path().filename().string().find("queue.db.before-restore-") == 0;
  EXPECT_GE(aside, 1);

  Outcome audit = QueueServerCommand("verify-audit --db '" + db + "'");
  EXPECT_EQ(audit.exit_code, 0) << audit.output;
  EXPECT_NE(audit.output.find("chain intact"), std::string::npos) << audit.output;

  ServerProcess server(QUEUE_SERVER_PATH, db, dir.path().string());
  ASSERT_NE(server.port(), 0) << "the restored database does not serve";
  auto kiosk = pb::KioskService::NewStub(server.NewChannel());
  for (const auto& [id, t] : before_backup) {
    pb::GetTicketRequest req;
    req.set_branch_id("demo");
    req.set_ticket_id(t.ticket_id);
    pb::GetTicketResponse resp;
    grpc::Status st = kiosk->GetTicket(Ctx().get(), req, &resp);
    ASSERT_TRUE(st.ok()) << "ticket " << t.display_number << ", confirmed before the backup, "
                         << "is not in the restored database: " << st.error_message();
    EXPECT_EQ(resp.ticket().display_number(), t.display_number);
  }
  // A retry of a create confirmed before the backup gets its ticket back.
  const auto& [id, first] = *before_backup.begin();
  pb::CreateTicketRequest retry;
  retry.set_branch_id("demo");
  retry.set_service_prefix(first.display_number.substr(0, 1));
  retry.set_request_id(id);
  pb::CreateTicketResponse resp;
  ASSERT_TRUE(kiosk->CreateTicket(Ctx().get(), retry, &resp).ok());
  EXPECT_EQ(resp.ticket().ticket_id(), first.ticket_id);
  server.Stop(SIGTERM);
}

TEST(Backup, AServerWithABackupFolderTakesOneOnItsFirstSweep) {
  testing::TempDir dir;
  const std::string db = dir.File("shop.db");
  const std::string folder = dir.File("backups");
  const std::string config = dir.File("shop.toml");
  std::ofstream(config) << DemoConfigText() << "\n[backup]\ndir = \"" << folder
                        << "\"\nevery_hours = 24\nkeep = 3\n";
  ServerProcess server(QUEUE_SERVER_PATH, db, dir.path().string(),
                       {"--config", config, "--sweep-seconds", "1"});
  ASSERT_NE(server.port(), 0) << "server did not start";
  std::string taken;
  for (int i = 0; i < 100 && taken.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("shop-", 0) == 0 && name.size() == 24) taken = e.path().string();
    }
  }
  ASSERT_FALSE(taken.empty()) << "no backup in " << folder << " after 10 s";
  // One backup, not one per sweep: the next is due in 24 hours.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  int count = 0;
  for (const auto& e : fs::directory_iterator(folder)) count += e.path().extension() == ".db";
  EXPECT_EQ(count, 1);
  server.Stop(SIGTERM);
  EXPECT_EQ(testing::IntegrityCheck(taken), "ok");
  Outcome audit = QueueServerCommand("verify-audit --db '" + taken + "'");
  EXPECT_EQ(audit.exit_code, 0) << audit.output;
}

TEST(Backup, OfAMissingOrAPostgresDatabaseSaysWhy) {
  testing::TempDir dir;
  Outcome missing = QueueServerCommand("backup --db '" + dir.File("none.db") + "' --to '" + dir.File("b.db") + "'");
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("does not exist"), std::string::npos) << missing.output;
  EXPECT_FALSE(fs::exists(dir.File("none.db")));
  Outcome no_to = QueueServerCommand("backup --db '" + dir.File("none.db") + "'");
  EXPECT_NE(no_to.exit_code, 0);
  EXPECT_NE(no_to.output.find("--to"), std::string::npos) << no_to.output;
  Outcome pg = QueueServerCommand("backup --db postgresql://u:secret@127.0.0.1/q --to '" + dir.File("b.db") + "'");
  EXPECT_EQ(pg.exit_code, 1) << pg.output;
  EXPECT_NE(pg.output.find("pg_dump"), std::string::npos) << pg.output;
  EXPECT_EQ(pg.output.find("secret"), std::string::npos) << "the password was printed";
}

}  // namespace
}  // namespace shop::queue
