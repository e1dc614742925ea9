// The hall board's settings: connection (as every terminal program takes
// them, common/client/cli.h), screen and voice; read from a TOML file
// (--config) and then from flags, which win. A shop sets a board PC up once
// with the file (see README "Hall screen").
//
// Thread-safety: values; the parsing is for main() only.
#pragma once

#include <optional>
#include <string>

#include "board/voice.h"
#include "common/client/cli.h"

namespace shop::queue::board {

struct BoardSettings {
  client::ConnectionFlags connection;
  std::string token_file;  // default: DefaultBoardTokenFile()
  bool fullscreen = true;
  bool mute = false;
  int recent_minutes = 15;
  VoiceSettings voice;
  std::string screenshot;  // --screenshot PATH: render once, save, exit
  std::string config;      // --config PATH
};

// Where the board looks for its device token: $SHOP_QUEUE_BOARD_TOKEN_FILE,
// or ~/.config/shop-queue/board-token.
std::string DefaultBoardTokenFile();

// Reads `path` into *settings (keys not in the file stay as they are).
// Returns "" or what is wrong ("board.toml: voice.volume must be 0..100").
std::string LoadBoardConfig(const std::string& path, BoardSettings* settings);

// Parses the command line: --config first (its file), then every flag over
// it. nullopt: go on; else the exit code (0 for --help, 2 for bad usage or a
// bad config file, with the reason printed).
std::optional<int> ParseBoardCommandLine(int argc, char** argv, BoardSettings* settings);

}  // namespace shop::queue::board
