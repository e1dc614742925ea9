// --log-level through the real queue-server binary: an unknown level is a
// usage error (it used to turn every log line off, start-up errors included),
// and the names are taken in any case.
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/server_process.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

using testing::ServerProcess;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(LogLevel, AnUnknownLevelIsAUsageErrorNamingTheFlagAndTheLevels) {
  testing::TempDir dir;
  const std::string log = dir.File("server.log");
  ServerProcess server(QUEUE_SERVER_PATH, dir.File("queue.db"), dir.path().string(),
                       {"--log-level", "WARN-ish-bogus"}, log);
  EXPECT_EQ(server.port(), 0) << "the server started with an unknown log level";
  int status = server.Wait();
  ASSERT_TRUE(WIFEXITED(status)) << "wait status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 2);
  const std::string out = ReadAll(log);
  EXPECT_NE(out.find("--log-level"), std::string::npos) << out;
  EXPECT_NE(out.find("WARN-ish-bogus"), std::string::npos) << out;
  EXPECT_NE(out.find("trace, debug, info, warn, error, critical, off"), std::string::npos) << out;
}

TEST(LogLevel, NamesInAnyCaseKeepStartUpErrorsVisible) {
  testing::TempDir dir;
  for (const char* level : {"WARN", "Error", "critical"}) {
    SCOPED_TRACE(level);
    const std::string log = dir.File(std::string(level) + ".log");
    ServerProcess server(QUEUE_SERVER_PATH, dir.File("queue.db"), dir.path().string(),
                         {"--log-level", level, "--config", dir.File("missing.toml")}, log);
    EXPECT_EQ(server.port(), 0);
    int status = server.Wait();
    ASSERT_TRUE(WIFEXITED(status)) << "wait status " << status;
    EXPECT_EQ(WEXITSTATUS(status), 1);
    const std::string out = ReadAll(log);
    EXPECT_NE(out.find("configuration"), std::string::npos)
        << "the start-up error was not logged: '" << out << "'";
  }
  // And the server runs with an upper-case level.
  ServerProcess server(QUEUE_SERVER_PATH, dir.File("queue.db"), dir.path().string(),
                       {"--log-level", "INFO"});
  EXPECT_NE(server.port(), 0);
}

}  // namespace
}  // namespace shop::queue
