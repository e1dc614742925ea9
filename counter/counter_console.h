// CounterConsole: the clerk's interactive keyboard screen. It shows the
// counter's state, its current ticket and the waiting counts, and acts on
// single keys (n next, r recall, s start, d done, x no-show, t transfer,
// p park, u return, c call, o open, z close, l list, ? help, q quit). After
// each key it shows the result or the server's refusal as it came.
//
// Thread-safety: use from one thread.
// Ownership: borrows the client, the key reader and the stream; they must
// outlive the console.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "common/client/keys.h"
#include "counter/counter_client.h"

namespace shop::queue::counter {

class CounterConsole {
 public:
  CounterConsole(const CounterClient& client, client::KeyReader& keys, std::ostream& out)
      : client_(client), keys_(keys), out_(out) {}

  // Runs until 'q' or end of input. Returns the exit code (0).
  int Run();

 private:
  // Redraws the screen: state, current ticket, waiting counts, the last
  // result, the prompt.
  void Render();
  // Acts on one key; false means quit.
  bool HandleKey(char key);

  void CallNext();
  void CallChosen();
  void Transfer();
  void ReturnParked();
  void Open();
  void Close();
  void ListWaiting();
  // Shows the outcome of a transition.
  void Report(const grpc::Status& status, const v1::Ticket& ticket);
  void Refused(const grpc::Status& status);
  // A typed word (see KeyReader::ReadWord), echoed when input is piped.
  std::optional<std::string> ReadAnswer();
  // Prompts for a ticket id; std::nullopt if cancelled or not a number.
  std::optional<int64_t> AskTicketId(std::string_view prompt);

  const CounterClient& client_;
  client::KeyReader& keys_;
  std::ostream& out_;
  std::string message_;  // the result of the last key, shown under the state
};

// The key help shown by '?'.
std::string_view CounterKeyHelp();

}  // namespace shop::queue::counter
