#include "common/client/keys.h"

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <iterator>

namespace shop::queue::client {
namespace {

constexpr char kEscape = '\x1b';
constexpr char kCtrlD = '\x04';
constexpr int kRestoreSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
constexpr std::size_t kSignalCount = std::size(kRestoreSignals);

// The terminal state to put back. Written before the handlers are installed
// and read by them, so it is plain data plus a sig_atomic_t flag.
struct termios g_saved_termios;
int g_raw_fd = -1;
volatile std::sig_atomic_t g_raw_active = 0;
bool g_atexit_registered = false;
struct sigaction g_previous_actions[kSignalCount];

void RestoreTerminal() {
  if (g_raw_active) {
    tcsetattr(g_raw_fd, TCSANOW, &g_saved_termios);  // async-signal-safe
    g_raw_active = 0;
  }
}

void RestoreAndReraise(int signal_number) {
  RestoreTerminal();
  signal(signal_number, SIG_DFL);  // async-signal-safe
  raise(signal_number);
}

void InstallRestoreHandlers() {
  struct sigaction action = {};
  action.sa_handler = RestoreAndReraise;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < kSignalCount; ++i) {
    sigaction(kRestoreSignals[i], nullptr, &g_previous_actions[i]);
    // A signal the parent chose to ignore stays ignored.
    if (g_previous_actions[i].sa_handler == SIG_IGN) continue;
    sigaction(kRestoreSignals[i], &action, nullptr);
  }
}

void RemoveRestoreHandlers() {
  for (std::size_t i = 0; i < kSignalCount; ++i) {
    sigaction(kRestoreSignals[i], &g_previous_actions[i], nullptr);
  }
}

bool EnterRawMode(int fd) {
  if (!isatty(fd) || tcgetattr(fd, &g_saved_termios) != 0) return false;
  struct termios raw = g_saved_termios;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  g_raw_fd = fd;
  if (!g_atexit_registered) {
    std::atexit(RestoreTerminal);
    g_atexit_registered = true;
  }
  InstallRestoreHandlers();
  if (tcsetattr(fd, TCSANOW, &raw) != 0) {
    RemoveRestoreHandlers();
    return false;
  }
  g_raw_active = 1;
  return true;
}

void LeaveRawMode() {
  RestoreTerminal();
  RemoveRestoreHandlers();
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// `text` without the characters of `blanks` at either end.
std::string Trim(const std::string& text, std::string_view blanks) {
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string::npos) return std::string();
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

}  // namespace

KeyReader::KeyReader(int fd) : fd_(fd) { raw_ = EnterRawMode(fd_); }

KeyReader::~KeyReader() {
  if (raw_) LeaveRawMode();
}

std::optional<char> KeyReader::ReadByte() {
  if (eof_) return std::nullopt;
  char c = 0;
  for (;;) {
    const ssize_t n = ::read(fd_, &c, 1);
    if (n == 1) break;
    if (n < 0 && errno == EINTR) continue;
    eof_ = true;
    return std::nullopt;
  }
  if (raw_ && c == kCtrlD) {
    eof_ = true;
    return std::nullopt;
  }
  last_byte_ = c;
  return c;
}

void KeyReader::DrainEscapeSequence() {
  struct pollfd pfd = {fd_, POLLIN, 0};
  char c = 0;
  // The bytes of a sequence arrive together; a lone Escape has none after it.
  while (poll(&pfd, 1, 30) == 1 && (pfd.revents & POLLIN) != 0) {
    if (::read(fd_, &c, 1) != 1) return;
  }
}

std::optional<char> KeyReader::ReadKey() {
  std::cout.flush();
  for (;;) {
    std::optional<char> c = ReadByte();
    if (!c) return std::nullopt;
    if (raw_) {
      if (*c == '\r') return '\n';
      if (*c == kEscape) DrainEscapeSequence();
      return c;
    }
    if (!IsSpace(*c)) return c;
  }
}

std::optional<std::string> KeyReader::ReadWord() {
  std::cout.flush();
  std::string word;
  if (!raw_) {
    for (;;) {
      std::optional<char> c = ReadByte();
      if (!c) return word.empty() ? std::nullopt : std::optional<std::string>(word);
      if (!IsSpace(*c)) {
        word.push_back(*c);
      } else if (!word.empty()) {
        return word;
      }
    }
  }
  std::optional<std::string> line = ReadTerminalLine(/*echo=*/true, /*utf8=*/false);
  if (!line) return std::nullopt;
  return Trim(*line, " ");
}

std::optional<std::string> KeyReader::ReadTerminalLine(bool echo, bool utf8) {
  std::string line;
  for (;;) {
    std::optional<char> c = ReadByte();
    if (!c) return std::nullopt;
    if (*c == '\n' || *c == '\r') break;
    if (*c == kEscape) {
      DrainEscapeSequence();
      if (echo) std::cout << '\n';
      return std::nullopt;
    }
    if (*c == '\x7f' || *c == '\b') {
      if (!line.empty()) {
        // A UTF-8 character goes whole: its continuation bytes, then its lead.
        while (utf8 && line.size() > 1 && (static_cast<unsigned char>(line.back()) & 0xC0) == 0x80)
          line.pop_back();
        line.pop_back();
        if (echo) std::cout << "\b \b" << std::flush;
      }
      continue;
    }
    if (std::isprint(static_cast<unsigned char>(*c)) ||
        (utf8 && static_cast<unsigned char>(*c) >= 0x80)) {
      line.push_back(*c);
      if (echo) std::cout << *c << std::flush;
    }
  }
  if (echo) std::cout << '\n';
  return line;
}

std::optional<std::string> KeyReader::ReadPipedLine() {
  std::string line;
  bool any = false;
  for (;;) {
    std::optional<char> c = ReadByte();
    if (!c) return any ? std::optional<std::string>(line) : std::nullopt;
    any = true;
    if (*c == '\n') break;
    line.push_back(*c);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::string> KeyReader::ReadLine() {
  std::cout.flush();
  if (raw_) {
    std::optional<std::string> line = ReadTerminalLine(/*echo=*/true, /*utf8=*/true);
    if (!line) return std::nullopt;
    return Trim(*line, " \t");
  }
  const bool mid_line = last_byte_ != '\n';
  std::optional<std::string> line = ReadPipedLine();
  if (!line) return std::nullopt;
  std::string trimmed = Trim(*line, " \t");
  if (trimmed.empty() && mid_line) return ReadLine();  // the rest of a key's line
  return trimmed;
}

std::optional<std::string> KeyReader::ReadSecret() {
  std::cout.flush();
  if (raw_) return ReadTerminalLine(/*echo=*/false, /*utf8=*/true);
  const bool mid_line = last_byte_ != '\n';
  std::optional<std::string> line = ReadPipedLine();
  if (line && mid_line && Trim(*line, " \t").empty()) return ReadSecret();
  return line;
}

std::optional<std::string> ReadSecretLine(std::string_view prompt, int fd) {
  KeyReader keys(fd);
  if (keys.interactive()) std::cerr << prompt << std::flush;
  std::optional<std::string> secret = keys.ReadSecret();
  if (keys.interactive()) std::cerr << '\n';
  return secret;
}

}  // namespace shop::queue::client
