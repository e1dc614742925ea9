// The board's settings: the TOML file, then flags over it.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "board/settings.h"
#include "tests/support/test_config.h"

namespace shop::queue::board {
namespace {

std::optional<int> ParseArgs(std::vector<std::string> args, BoardSettings* s) {
  args.insert(args.begin(), "board");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return ParseBoardCommandLine(static_cast<int>(argv.size()), argv.data(), s);
}

TEST(BoardSettingsTest, FileThenFlagsOverIt) {
  testing::TempDir dir;
  const std::string path = dir.File("board.toml");
  std::ofstream(path) << "server = \"10.0.0.5:50051\"\nbranch = \"north\"\nfullscreen = true\n"
                         "token_file = \"/etc/shop-queue/board-token\"\n"
                         "[tls]\nca = \"/etc/ca.pem\"\n"
                         "[voice]\nvolume = 40\nlanguages = [\"zh\"]\nchime = false\n";
  BoardSettings s;
  ASSERT_EQ(ParseArgs({"--config", path, "--windowed", "--volume", "70"}, &s), std::nullopt);
  EXPECT_EQ(s.connection.server, "10.0.0.5:50051");
  EXPECT_EQ(s.connection.branch, "north");
  EXPECT_EQ(s.connection.tls.ca, "/etc/ca.pem");
  EXPECT_EQ(s.token_file, "/etc/shop-queue/board-token");
  EXPECT_FALSE(s.fullscreen);         // the flag wins
  EXPECT_EQ(s.voice.volume, 70);      // the flag wins
  EXPECT_FALSE(s.voice.chime);        // from the file
  EXPECT_EQ(s.voice.extra_languages, std::set<SpeechLanguage>{SpeechLanguage::kZh});
}

TEST(BoardSettingsTest, DefaultsAndBadInput) {
  BoardSettings s;
  ASSERT_EQ(ParseArgs({"--voice-languages", "en", "--mute", "--screenshot", "x.png"}, &s),
            std::nullopt);
  EXPECT_TRUE(s.fullscreen);
  EXPECT_TRUE(s.mute);
  EXPECT_EQ(s.screenshot, "x.png");
  EXPECT_EQ(s.voice.extra_languages, std::set<SpeechLanguage>{SpeechLanguage::kEn});
  BoardSettings bad;
  EXPECT_EQ(ParseArgs({"--voice-languages", "fr"}, &bad), 2);
  testing::TempDir dir;
  const std::string path = dir.File("bad.toml");
  std::ofstream(path) << "[voice]\nvolume = 300\n";
  BoardSettings bad_file;
  EXPECT_EQ(ParseArgs({"--config", path}, &bad_file), 2);
}

// A misspelt key is an error naming it, not a silently kept default.
TEST(BoardSettingsTest, UnknownKeysAreRefusedByName) {
  testing::TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"recent-minutes = 5\n", "\"recent-minutes\""},
      {"[voice]\nvolum = 5\n", "\"voice.volum\""},
      {"[tls]\ncafile = \"x\"\n", "\"tls.cafile\""},
  };
  for (const auto& [text, named] : cases) {
    const std::string path = dir.File("typo.toml");
    std::ofstream(path) << text;
    BoardSettings s;
    const std::string error = LoadBoardConfig(path, &s);
    EXPECT_NE(error.find("unknown key " + named), std::string::npos) << text << ": " << error;
  }
  const std::string path = dir.File("ok.toml");
  std::ofstream(path) << "recent_minutes = 5\n[voice]\nvolume = 5\n";
  BoardSettings s;
  EXPECT_EQ(LoadBoardConfig(path, &s), "");
}

}  // namespace
}  // namespace shop::queue::board
