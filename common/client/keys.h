// KeyReader: single key presses and short typed values from an input file
// descriptor (standard input by default), for the interactive screens of the
// kiosk and counter programs.
//
// On a terminal it switches the terminal to raw mode (no line buffering, no
// echo; Ctrl-C still sends SIGINT) and puts the saved settings back when it is
// destroyed, when the program exits, and on SIGINT, SIGTERM, SIGHUP or SIGQUIT
// (after which the signal takes its default action). With piped input it
// reads characters and skips whitespace, so a script like "1 R 0 q" drives
// the same screens. End of input (or Ctrl-D on a terminal) reads as nothing.
//
// Thread-safety: use one KeyReader from one thread, and only one at a time per
// process (the terminal and the signal handlers are process-wide).
// Ownership: does not own the descriptor; it is never closed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shop::queue::client {

class KeyReader {
 public:
  explicit KeyReader(int fd = 0);
  ~KeyReader();
  KeyReader(const KeyReader&) = delete;
  KeyReader& operator=(const KeyReader&) = delete;

  // Whether input comes from a terminal (raw mode is on).
  bool interactive() const { return raw_; }
  // Whether end of input has been reached.
  bool at_eof() const { return eof_; }

  // The next key. On a terminal: any key; Enter reads as '\n', Escape as
  // '\x1b' (an escape sequence such as an arrow key is read whole and
  // returned as '\x1b'). Piped: the next character that is not whitespace.
  // std::nullopt at end of input. Flushes std::cout first.
  std::optional<char> ReadKey();

  // A short typed value such as a ticket id. On a terminal: echoed characters
  // up to Enter, Backspace edits, Escape cancels (std::nullopt), the result is
  // trimmed and may be empty. Piped: the next whitespace-separated word.
  // std::nullopt at end of input. Flushes std::cout first.
  std::optional<std::string> ReadWord();

  // A line of free text such as a name or "+7 916 123-45-67". On a terminal:
  // as ReadWord (echoed, Backspace edits, Escape cancels, trimmed). Piped:
  // the rest of the current line, trimmed (so an empty answer is possible);
  // but when the previous key or word was read from the middle of a line and
  // only blanks follow it there, the next line instead, so a script can put
  // each answer on its own line after the key ("k\nIvan Petrov\n").
  // std::nullopt at end of input. Flushes std::cout first.
  std::optional<std::string> ReadLine();

  // A secret such as a password: as ReadLine, but on a terminal nothing is
  // echoed (not even the final newline: the caller moves on to the next
  // line) and the text is not trimmed. Escape cancels (std::nullopt).
  std::optional<std::string> ReadSecret();

 private:
  // One byte from fd_, or std::nullopt at end of input or on error.
  std::optional<char> ReadByte();
  // Consumes the rest of an escape sequence already in the input.
  void DrainEscapeSequence();
  // On a terminal: characters up to Enter, Backspace edits, Escape cancels
  // (std::nullopt); echoed (with a final newline) when `echo`. Printable
  // ASCII only, or any UTF-8 text as well when `utf8` (Cyrillic names).
  std::optional<std::string> ReadTerminalLine(bool echo, bool utf8);
  // Piped: the bytes up to the next newline (not included); std::nullopt at
  // end of input when nothing was read.
  std::optional<std::string> ReadPipedLine();

  int fd_;
  bool raw_ = false;
  bool eof_ = false;
  char last_byte_ = '\n';  // the last byte read; '\n' before any
};

// Reads one secret line (a supervisor's password) from the descriptor `fd`
// with a KeyReader of its own: on a terminal prints `prompt` to stderr and
// reads without echo; otherwise reads the next line of the input (the first
// line of a piped standard input) with no prompt. std::nullopt at end of
// input or on Escape. Like KeyReader, not while another KeyReader exists.
std::optional<std::string> ReadSecretLine(std::string_view prompt, int fd = 0);

}  // namespace shop::queue::client
