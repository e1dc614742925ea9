// --log-level and --log-format through the real queue-server binary: an
// unknown level is a usage error (it used to turn every log line off,
// start-up errors included), and the names are taken in any case; with
// --log-format json every line is one JSON object, whatever the message
// holds, and an unknown format is a usage error.
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

TEST(LogFormat, JsonLinesAreObjectsEvenWhenTheMessageHasQuotesAndNewlines) {
  testing::TempDir dir;
  const std::string log = dir.File("server.log");
  // A start-up error whose message holds the (odd) config path.
  const std::string odd = dir.File("say \"hi\"\nlevel=info.toml");
  ServerProcess server(QUEUE_SERVER_PATH, dir.File("queue.db"), dir.path().string(),
                       {"--log-format", "json", "--config", odd}, log);
  EXPECT_EQ(server.port(), 0);
  int status = server.Wait();
  ASSERT_TRUE(WIFEXITED(status)) << "wait status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 1);
  std::istringstream lines(ReadAll(log));
  std::string line;
  int critical = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] != '{') continue;  // gRPC's own log lines are not ours
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(j.is_object()) << "not a JSON object: " << line;
    for (const char* key : {"time", "level", "thread", "msg"})
      EXPECT_TRUE(j.contains(key)) << key << " missing: " << line;
    if (j["level"] == "critical") {
      ++critical;
      EXPECT_NE(j["msg"].get<std::string>().find(odd), std::string::npos) << line;
    }
  }
  EXPECT_EQ(critical, 1) << ReadAll(log);
}

TEST(LogFormat, AnUnknownFormatIsAUsageError) {
  testing::TempDir dir;
  const std::string log = dir.File("server.log");
  ServerProcess server(QUEUE_SERVER_PATH, dir.File("queue.db"), dir.path().string(),
                       {"--log-format", "xml"}, log);
  EXPECT_EQ(server.port(), 0);
  int status = server.Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  const std::string out = ReadAll(log);
  EXPECT_NE(out.find("--log-format"), std::string::npos) << out;
  EXPECT_NE(out.find("text or json"), std::string::npos) << out;
}

}  // namespace
}  // namespace shop::queue
