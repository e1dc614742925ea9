// CaseScreen: the clerk's guided screen for the SIM-replacement case of the
// ticket being served, reached from the counter screen with 'k'.
//
// A ticket that has no case (one not of the SIM-replacement service) gets
// one only after a warning and an explicit 'y'.
//
// It shows the case (masked data, fee, records, the account once the
// identity check has passed) and what the next step needs. 'n' asks for
// exactly that step's inputs, one line each (Escape cancels on a terminal),
// submits them and shows the new state, or the server's refusal with every
// bad field; after a refused form, Enter keeps an earlier answer so only the
// bad fields need retyping. 'w' waives the fee, 'x' cancels the case, 'u' unlocks a number:
// each asks for a supervisor's login and password (not echoed on a
// terminal). 'r' reloads, '?' helps, 'q' goes back to the counter screen.
//
// With piped input the same keys and answers drive it (one answer per line
// after the key), and the answers are echoed so a transcript reads well,
// except personal data and passwords, which are echoed as "(hidden)".
//
// Thread-safety: use from one thread.
// Ownership: borrows the client, the key reader and the stream; they must
// outlive the screen.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "common/client/keys.h"
#include "counter/case_client.h"

namespace shop::queue::counter {

class CaseScreen {
 public:
  CaseScreen(const CaseClient& cases, client::KeyReader& keys, std::ostream& out)
      : cases_(cases), keys_(keys), out_(out) {}

  // Finds the case of `ticket_id` and runs the screen until 'q' or end of
  // input. A ticket without a case gets one only after a warning and the
  // clerk's 'y' (ManualCaseWarning; any other key opens none). `ticket`
  // names the ticket in those lines ("N005"; empty: "ticket id N"). Returns
  // one line for the counter screen: where the case was left, or why there
  // is none.
  std::string Run(int64_t ticket_id, std::string_view ticket = "");

 private:
  // How an answer is echoed when input is piped.
  enum class Echo { kPlain, kHidden };

  void Render();
  // Acts on one key; false means leave the screen.
  bool HandleKey(char key);

  // The next step's prompts and request.
  void NextStep();
  void Form();
  void Identity();
  void Payment();
  void Card();
  void Block();
  void Close();
  // Supervisor actions and others.
  void Waive();
  void Cancel();
  void Unlock();
  void Reload();

  // Shows the outcome of a step: keeps the new case, or the refusal.
  void Apply(const grpc::Status& status, const v1::Case& sim_case);
  void Refused(const grpc::Status& status);

  // Prompts for one line; std::nullopt if cancelled (Escape, end of input).
  std::optional<std::string> Ask(std::string_view prompt, Echo echo = Echo::kPlain);
  // "  label: ", or "  label [Enter: as before]: " when there is a previous
  // answer.
  static std::string FieldPrompt(std::string_view label, bool has_previous);
  // Asks for a field; an empty answer gives `previous`.
  std::optional<std::string> AskField(std::string_view label, const std::string& previous,
                                      Echo echo);
  // Asks until the answer is y/yes or n/no.
  std::optional<bool> AskYesNo(std::string_view prompt);
  // Asks until `parse` accepts the answer; an empty answer gives `empty`.
  template <typename T>
  std::optional<T> AskWord(std::string_view prompt,
                           const std::function<std::optional<T>(std::string_view)>& parse,
                           T empty);
  // Asks for a supervisor's login and password into *out. With `optional`,
  // an empty login means none (*out empty). False if cancelled.
  bool AskSupervisor(bool optional, std::optional<SupervisorCredentials>* out);

  const CaseClient& cases_;
  client::KeyReader& keys_;
  std::ostream& out_;
  v1::Case case_;
  // The last form the server refused, so the clerk retypes only the bad
  // fields; kept in memory only, while the screen runs.
  std::optional<v1::CaseForm> draft_;
  std::string message_;  // the result of the last key, shown under the case
};

// The key help of the case screen.
std::string_view CaseKeyHelp();

}  // namespace shop::queue::counter
