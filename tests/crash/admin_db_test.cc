// Admin commands of the real queue-server binary never create a database:
// on a missing file each one exits non-zero with a message naming the path
// and leaves no file behind (without --db too, where the path is queue.db in
// the working directory). Only serving creates and migrates a database; on
// the database a server created, the same commands work.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/server_process.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

using Outcome = testing::CommandOutcome;

// Runs the server binary with `args` in directory `cwd`, standard input from
// `input_file` (a password line), standard output and error together.
Outcome Admin(const std::string& cwd, const std::string& args, const std::string& input_file) {
  return testing::RunCommand("cd '" + cwd + "' && '" + std::string(QUEUE_SERVER_PATH) + "' " +
                             args + " < '" + input_file + "' 2>&1");
}

// Every file in `dir`, for "nothing was created" checks.
std::vector<std::string> Files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class AdminDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ = dir_.path() / "work";
    fs::create_directories(work_);
    input_ = dir_.File("password");
    std::ofstream(input_) << "a-long-password-1\n";
    std::ofstream(dir_.File("register.json")) << R"({"subscribers": [], "stock": []})" << "\n";
  }

  // The admin commands, each against --db `db` (none: no --db at all).
  std::vector<std::pair<std::string, std::string>> Commands(const std::string& db) {
    const std::string flag = db.empty() ? "" : " --db '" + db + "'";
    return {
        {"verify-audit", "verify-audit" + flag},
        {"staff-add", "staff-add" + flag + " --login anna --name 'Anna K' --role clerk"},
        {"device-issue", "device-issue" + flag + " --name hall-1 --kind kiosk"},
        {"device-revoke", "device-revoke" + flag + " --name hall-1"},
        {"register-load",
         "register-load '" + dir_.File("register.json") + "'" + flag},
    };
  }

  TempDir dir_;
  fs::path work_;
  std::string input_;
};

TEST_F(AdminDbTest, AMissingDatabaseIsAnErrorNamingThePathAndNothingIsCreated) {
  const std::string db = (work_ / "data" / "queue.db").string();
  fs::create_directories(work_ / "data");
  for (const auto& [name, args] : Commands(db)) {
    SCOPED_TRACE(name);
    Outcome r = Admin(work_.string(), args, input_);
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find(db), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("does not exist"), std::string::npos) << r.output;
    EXPECT_TRUE(Files(work_ / "data").empty())
        << "left behind: " << ::testing::PrintToString(Files(work_ / "data"));
  }
}

TEST_F(AdminDbTest, WithoutDbTheDefaultQueueDbIsNamedAndNotCreated) {
  for (const auto& [name, args] : Commands("")) {
    SCOPED_TRACE(name);
    Outcome r = Admin(work_.string(), args, input_);
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("queue.db"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("--db"), std::string::npos) << "say how to name the database: "
                                                         << r.output;
    EXPECT_TRUE(Files(work_).empty()) << "left behind: " << ::testing::PrintToString(Files(work_));
  }
}

TEST_F(AdminDbTest, OnTheDatabaseAServerCreatedTheCommandsWork) {
  const std::string db = (work_ / "queue.db").string();
  {
    testing::ServerProcess server(QUEUE_SERVER_PATH, db, dir_.path().string());
    ASSERT_GT(server.port(), 0);
    server.Stop(SIGTERM);
  }
  for (const auto& [name, args] : Commands(db)) {
    SCOPED_TRACE(name);
    Outcome r = Admin(work_.string(), args, input_);
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
}

}  // namespace
}  // namespace shop::queue
