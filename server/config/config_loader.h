// Loads the server configuration (branches, services, counters, opening
// hours) from TOML text into domain types, with errors that name the key.
//
// The demo configuration (server/config/demo.toml) is compiled in and used
// when no file is given. Stateless functions; thread-safe.
#pragma once

#include <string>

#include "server/domain/common/branch.h"
#include "server/domain/common/status.h"

namespace shop::queue {

// Parses and validates TOML text. `origin` names the source in messages.
Result<ServerConfig> ParseConfig(const std::string& toml_text, const std::string& origin);
// Reads and parses a file.
Result<ServerConfig> LoadConfigFile(const std::string& path);
// The built-in demo configuration's text.
const std::string& DemoConfigText();

}  // namespace shop::queue
