// CounterConsole: the clerk's interactive keyboard screen. It shows the
// counter's state, its current ticket and the waiting counts, and acts on
// single keys (n next, r recall, s start, d done, x no-show, t transfer,
// p park, u return, c call, o open, z close, l list, k case, ? help, q quit).
// 'x' (it cannot be undone) asks first, y/N, naming the ticket; so does 'k'
// on a ticket without a case (see CaseScreen).
// After each key it shows the result or the server's refusal as it came
// (code and message), except a refused session: "session ended: log in
// again with `counter login`" (a new login is picked up by itself).
// 'k' opens the SIM-replacement case screen (CaseScreen) for the current
// ticket when the console was given a CaseClient.
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
#include "counter/case_client.h"
#include "counter/counter_client.h"
#include "common/client/ticket_ref.h"

namespace shop::queue::counter {

class CounterConsole {
 public:
  // `cases` may be null: then 'k' says the case screen is unavailable.
  CounterConsole(const CounterClient& client, client::KeyReader& keys, std::ostream& out,
                 const CaseClient* cases = nullptr)
      : client_(client), keys_(keys), out_(out), cases_(cases) {}

  // Runs until 'q' or end of input. Returns the exit code (0).
  int Run();

 private:
  // Redraws the screen: state, current ticket, waiting counts, a line per
  // device that needs staff ("! kiosk hall-1: printer out of paper"), the last
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
  void Start();
  // Asks before marking the current ticket a no-show.
  void NoShow();
  // Prints `question` and reads one key: true for y/Y only.
  bool Confirm(std::string_view question);
  // The case screen for the current ticket.
  void CaseOfCurrentTicket();
  // Shows the outcome of a transition.
  void Report(const grpc::Status& status, const v1::Ticket& ticket);
  void Refused(const grpc::Status& status);
  // A typed word (see KeyReader::ReadWord), echoed when input is piped.
  std::optional<std::string> ReadAnswer();
  // Prompts for a ticket id; std::nullopt if cancelled or not a number.
  // A ticket the clerk types: its printed number ("R017") or an id.
  std::optional<client::TicketRef> AskTicket(std::string_view prompt);

  const CounterClient& client_;
  client::KeyReader& keys_;
  std::ostream& out_;
  const CaseClient* cases_;
  std::string message_;  // the result of the last key, shown under the state
};

// The key help shown by '?'.
std::string_view CounterKeyHelp();

}  // namespace shop::queue::counter
