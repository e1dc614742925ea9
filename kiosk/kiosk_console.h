// KioskConsole: the kiosk's interactive keyboard screen. A customer picks a
// language (1/2/3), a service (its letter) and optionally a priority class; the
// slip is printed and the screen starts again for the next customer. A
// customer with an online booking presses 'b' on the first screen instead and
// types the booking code: the check-in's slip is printed (in the booking's
// language), or why not when the code is wrong, used or too early, in all
// three languages (an empty code or Escape goes back). 'q' on the first
// screen (or end of input) quits.
//
// Failures are shown as sentences in the customer's language with what to do
// (client::CustomerText); the status code and the server's message go to the
// client log (standard error), never to the screen.
//
// Thread-safety: use from one thread.
// Ownership: borrows the client, the key reader and the stream; they must
// outlive the console.
#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include "common/client/customer_text.h"
#include "common/client/keys.h"
#include "kiosk/kiosk_client.h"

namespace shop::queue::kiosk {

class KioskConsole {
 public:
  KioskConsole(const KioskClient& client, client::KeyReader& keys, std::ostream& out)
      : client_(client), keys_(keys), out_(out) {}

  // Serves customers until 'q' or end of input. Returns the exit code (0).
  int Run();

 private:
  // The next key, echoed; std::nullopt at end of input.
  std::optional<char> ReadKey();
  // What the first screen chose: a language, the booking check-in ('b'), or
  // quit (std::nullopt).
  struct Start {
    v1::Language language = v1::LANGUAGE_UNSPECIFIED;
    bool check_in = false;
  };
  std::optional<Start> ChooseStart();
  // Asks for a booking code and checks it in; prints the slip or the reason.
  void CheckInBooking();
  // One customer, from the service list to the slip.
  void ServeCustomer(v1::Language language);
  // Loads the services of an open branch; false (after telling the customer)
  // if the branch is closed, has none, or the server fails.
  bool LoadServices(v1::Language language, std::vector<v1::Service>* services);
  // std::nullopt: back to the start (or quit, see quit_).
  std::optional<v1::Service> ChooseService(v1::Language language,
                                           const std::vector<v1::Service>& services);
  // std::nullopt: back to the start.
  std::optional<v1::PriorityClass> ChoosePriority(v1::Language language);
  void IssueTicket(v1::Language language, const v1::Service& service,
                   v1::PriorityClass priority);
  void ShowFailure(v1::Language language, const grpc::Status& status,
                   client::CustomerAction action);

  const KioskClient& client_;
  client::KeyReader& keys_;
  std::ostream& out_;
  bool quit_ = false;
};

}  // namespace shop::queue::kiosk
