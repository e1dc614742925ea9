// One server per port and per database, through the real queue-server
// binary: a second server on a port in use exits with a message naming the
// address (gRPC would otherwise share the port through SO_REUSEPORT and calls
// would land on either server), a second server on a database in use exits
// naming the database and the first server's pid, admin commands still run
// beside a serving server, and the database lock goes with the process
// (SIGTERM or kill -9), so a restart always finds it free.
#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/server_process.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

using testing::ServerProcess;
using testing::TempDir;

struct Outcome {
  int exit_code = -1;  // 124: still running after the time limit (it served)
  std::string output;
};

// Runs `args` after the server binary, standard output and error together,
// killed after `seconds` (a server that starts would otherwise serve
// forever: then exit_code is 124).
Outcome RunServer(const std::string& args, int seconds = 20) {
  const std::string cmd = "timeout -s KILL " + std::to_string(seconds) + " '" +
                          std::string(QUEUE_SERVER_PATH) + "' " + args + " 2>&1";
  Outcome r;
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 512> buf;
  while (fgets(buf.data(), buf.size(), p)) r.output += buf.data();
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (r.exit_code == 128 + SIGKILL) r.exit_code = 124;
  return r;
}

TEST(StartGuard, ASecondServerOnAPortInUseExitsNamingTheAddress) {
  TempDir dir;
  ServerProcess first(QUEUE_SERVER_PATH, dir.File("a.db"), dir.path().string());
  ASSERT_GT(first.port(), 0);
  const std::string address = first.address();
  Outcome second = RunServer("--listen " + address + " --db '" + dir.File("b.db") + "' --port-file '" +
                         dir.File("b.port") + "'");
  EXPECT_NE(second.exit_code, 0) << second.output;
  EXPECT_NE(second.exit_code, 124) << "the second server listened on " << address << " too:\n"
                                   << second.output;
  EXPECT_FALSE(std::filesystem::exists(dir.File("b.port")));
  EXPECT_NE(second.output.find(address), std::string::npos) << second.output;
  EXPECT_NE(second.output.find("in use"), std::string::npos) << second.output;
}

TEST(StartGuard, ASecondServerOnADatabaseInUseExitsNamingItAndTheFirstServersPid) {
  TempDir dir;
  const std::string db = dir.File("q.db");
  ServerProcess first(QUEUE_SERVER_PATH, db, dir.path().string());
  ASSERT_GT(first.port(), 0);
  Outcome second = RunServer("--listen 127.0.0.1:0 --db '" + db + "'");
  EXPECT_NE(second.exit_code, 0) << second.output;
  EXPECT_NE(second.exit_code, 124) << "a second server served the same database:\n"
                                   << second.output;
  EXPECT_NE(second.output.find("database " + db + " is in use by another queue-server (pid " +
                               std::to_string(first.pid()) + ")"),
            std::string::npos)
      << second.output;
}

TEST(StartGuard, AdminCommandsRunBesideAServingServer) {
  TempDir dir;
  const std::string db = dir.File("q.db");
  ServerProcess server(QUEUE_SERVER_PATH, db, dir.path().string());
  ASSERT_GT(server.port(), 0);
  Outcome issue = RunServer("device-issue --db '" + db + "' --name hall-1 --kind kiosk");
  EXPECT_EQ(issue.exit_code, 0) << issue.output;
  { std::ofstream(dir.File("password")) << "anna-password-1\n"; }
  Outcome add = RunServer("staff-add --db '" + db + "' --login anna --name 'Anna K' --role clerk < '" +
                      dir.File("password") + "'");
  EXPECT_EQ(add.exit_code, 0) << add.output;
  Outcome verify = RunServer("verify-audit --db '" + db + "'");
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("audit log ok"), std::string::npos) << verify.output;
}

TEST(StartGuard, TheDatabaseIsFreeAgainOnceTheServerEndsHoweverItEnds) {
  TempDir dir;
  const std::string db = dir.File("q.db");
  for (int sig : {SIGTERM, SIGKILL}) {
    SCOPED_TRACE(sig == SIGTERM ? "after SIGTERM" : "after kill -9");
    ServerProcess server(QUEUE_SERVER_PATH, db, dir.path().string());
    ASSERT_GT(server.port(), 0);
    server.Stop(sig);
    ServerProcess again(QUEUE_SERVER_PATH, db, dir.path().string());
    EXPECT_GT(again.port(), 0) << "the restarted server did not start";
  }
}

}  // namespace
}  // namespace shop::queue
