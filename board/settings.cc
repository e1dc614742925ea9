#include "board/settings.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string_view>

#include <toml++/toml.h>

namespace shop::queue::board {
namespace {

std::string Join(const std::set<SpeechLanguage>& languages) {
  std::string text;
  for (SpeechLanguage l : languages) {
    if (!text.empty()) text += ',';
    text += LanguageCode(l);
  }
  return text;
}

// "en,zh" (or "" / "none") -> languages; false on an unknown one.
bool ParseLanguageList(std::string_view list, std::set<SpeechLanguage>* out) {
  std::set<SpeechLanguage> languages;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty() || item == "none") continue;
    const std::optional<SpeechLanguage> language = ParseLanguage(item);
    if (!language) return false;
    if (*language != SpeechLanguage::kRu) languages.insert(*language);
  }
  *out = std::move(languages);
  return true;
}

template <typename T>
void Read(const toml::table& table, std::string_view key, T* out) {
  if (std::optional<T> value = table[key].value<T>()) *out = *value;
}

// The first key of `table` not in `known`, as "prefix.key"; "" if none.
std::string UnknownKey(const toml::table& table, std::initializer_list<std::string_view> known,
                       const std::string& prefix) {
  for (const auto& [key, value] : table) {
    (void)value;
    if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
      return prefix + std::string(key.str());
    }
  }
  return {};
}

}  // namespace

std::string DefaultBoardTokenFile() {
  if (const char* env = std::getenv("SHOP_QUEUE_BOARD_TOKEN_FILE"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.config/shop-queue/board-token";
}

std::string LoadBoardConfig(const std::string& path, BoardSettings* s) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return path + ": " + std::string(e.description());
  }
  // A misspelt key would silently keep the default: refuse it instead.
  std::string unknown =
      UnknownKey(root, {"server", "branch", "token", "token_file", "deadline_ms", "fullscreen",
                        "recent_minutes", "mute", "tls", "voice"}, "");
  if (const toml::table* tls = root["tls"].as_table(); unknown.empty() && tls) {
    unknown = UnknownKey(*tls, {"ca", "cert", "key"}, "tls.");
  }
  if (const toml::table* voice = root["voice"].as_table(); unknown.empty() && voice) {
    unknown = UnknownKey(*voice, {"enabled", "chime", "volume", "languages"}, "voice.");
  }
  if (!unknown.empty()) return path + ": unknown key \"" + unknown + "\"";
  Read(root, "server", &s->connection.server);
  Read(root, "branch", &s->connection.branch);
  Read(root, "token", &s->connection.token);
  Read(root, "token_file", &s->token_file);
  Read(root, "deadline_ms", &s->connection.deadline_ms);
  Read(root, "fullscreen", &s->fullscreen);
  Read(root, "recent_minutes", &s->recent_minutes);
  Read(root, "mute", &s->mute);
  if (const toml::table* tls = root["tls"].as_table()) {
    Read(*tls, "ca", &s->connection.tls.ca);
    Read(*tls, "cert", &s->connection.tls.cert);
    Read(*tls, "key", &s->connection.tls.key);
  }
  if (const toml::table* voice = root["voice"].as_table()) {
    Read(*voice, "enabled", &s->voice.enabled);
    Read(*voice, "chime", &s->voice.chime);
    int64_t volume = s->voice.volume;
    Read(*voice, "volume", &volume);
    if (volume < 0 || volume > 100) return path + ": voice.volume must be 0..100";
    s->voice.volume = static_cast<int>(volume);
    if (const toml::array* list = (*voice)["languages"].as_array()) {
      std::string joined;
      for (const toml::node& item : *list) {
        if (!item.is_string()) return path + ": voice.languages holds strings (\"en\", \"zh\")";
        joined += std::string(*item.value<std::string>()) + ",";
      }
      if (!ParseLanguageList(joined, &s->voice.extra_languages)) {
        return path + ": voice.languages: use \"en\" and \"zh\" (Russian is always spoken)";
      }
    }
  }
  if (s->recent_minutes < 1) return path + ": recent_minutes must be at least 1";
  return {};
}

std::optional<int> ParseBoardCommandLine(int argc, char** argv, BoardSettings* s) {
  // The file first, so that flags override it.
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) s->config = argv[i + 1];
    if (arg.rfind("--config=", 0) == 0) s->config = std::string(arg.substr(9));
  }
  if (!s->config.empty()) {
    if (std::string error = LoadBoardConfig(s->config, s); !error.empty()) {
      std::fprintf(stderr, "error: %s\n", error.c_str());
      return client::kExitUsage;
    }
  }
  if (s->token_file.empty()) s->token_file = DefaultBoardTokenFile();

  CLI::App app("board: the hall display of a shop queue (calls, waiting counts, voice)");
  client::AddConnectionOptions(app, s->connection,
                               "Board device token (else $SHOP_QUEUE_TOKEN, else --token-file)");
  app.add_option("--token-file", s->token_file, "File holding the board's device token")
      ->capture_default_str();
  app.add_option("--config", s->config, "Settings file (TOML); flags override it");
  app.add_flag("--fullscreen,!--windowed", s->fullscreen, "Full screen (default) or a window");
  app.add_flag("--mute", s->mute, "No sound (the voice is still queued and logged)");
  app.add_option("--volume", s->voice.volume, "Voice volume, 0..100")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  std::string languages = Join(s->voice.extra_languages);
  app.add_option("--voice-languages", languages,
                 "Languages spoken after Russian when the customer chose them (en,zh; none)")
      ->capture_default_str();
  bool no_voice = !s->voice.enabled;
  app.add_flag("--no-voice", no_voice, "Do not announce calls at all");
  app.add_option("--recent-minutes", s->recent_minutes, "Calls stay on screen this long")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--screenshot", s->screenshot,
                 "Render the screen to this PNG after the first real frame, and exit");
  if (std::optional<int> code = client::Parse(app, argc, argv)) return code;
  s->voice.enabled = !no_voice;
  if (!ParseLanguageList(languages, &s->voice.extra_languages)) {
    std::fprintf(stderr, "error: --voice-languages: use en and zh, comma separated\n");
    return client::kExitUsage;
  }
  return std::nullopt;
}

}  // namespace shop::queue::board
