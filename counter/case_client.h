// CaseClient: the clerk's side of the SIM-replacement case, over CaseService:
// open a case for the ticket being served, read it, and send each step (form,
// identity check, payment or fee waiver, card issue, old-card block, close),
// a cancellation or a number's unlock. It holds no UI: the `counter case`
// commands and the interactive case screen drive it.
//
// Every method returns the server's grpc::Status and fills its out-parameter
// only when the status is OK. Refusals come back unchanged: INVALID_ARGUMENT
// carries a google.rpc.BadRequest with every bad field in its details (see
// client::FieldErrors in common/client/errors.h), FAILED_PRECONDITION names the step
// the case waits for.
//
// Retries: only the reads (Get, GetByTicket) are retried on UNAVAILABLE and
// DEADLINE_EXCEEDED as CallOptions says. Open and every step are sent exactly
// once (they carry no request id); they wait, up to the deadline, for the
// channel to connect rather than failing at once while the server restarts.
// A call refused with UNAUTHENTICATED is sent again once when the session
// file holds a new session (client::WithSessionRenewal).
//
// Supervisor passwords pass through to the request and are kept nowhere else.
//
// Thread-safety: thread-safe; immutable after construction.
// Ownership: owns its stub, which shares the channel given.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <grpcpp/channel.h>

#include "common/client/rpc.h"
#include "shop/queue/v1/case_service.grpc.pb.h"

namespace shop::queue::counter {

namespace v1 = ::shop::queue::v1;

// A supervisor's own login and password, given at the counter for one action.
struct SupervisorCredentials {
  std::string login;
  std::string password;
};

// What the clerk enters for the identity check (step 2).
struct IdentityCheck {
  v1::DocumentType document_type = v1::DOCUMENT_TYPE_UNSPECIFIED;
  std::string document_number;
  bool face_matches = false;  // the clerk attests the face matches the photo
  std::string answer;         // the customer's answer to the case's question
};

class CaseClient {
 public:
  CaseClient(std::shared_ptr<grpc::ChannelInterface> channel, std::string branch_id,
             std::string counter_id, client::CallOptions options = {});
  // For tests: any stub (for example a mock).
  CaseClient(std::unique_ptr<v1::CaseService::StubInterface> stub, std::string branch_id,
             std::string counter_id, client::CallOptions options = {});

  const std::string& branch_id() const { return branch_id_; }
  const std::string& counter_id() const { return counter_id_; }

  // Opens a case for `ticket_id`, served at this counter (or returns its open
  // case). Needs a counter id.
  grpc::Status Open(int64_t ticket_id, v1::Case* out) const;
  // The case `case_id`, or the case of the ticket `ticket_id` (NOT_FOUND if it
  // has none).
  grpc::Status Get(int64_t case_id, v1::Case* out) const;
  grpc::Status GetByTicket(int64_t ticket_id, v1::Case* out) const;

  // Step 1.
  grpc::Status SubmitForm(int64_t case_id, const v1::CaseForm& form, v1::Case* out) const;
  // Step 2. A failed check is OK with out->passed() false (and the case).
  grpc::Status CheckIdentity(int64_t case_id, const IdentityCheck& check,
                             v1::CheckIdentityResponse* out) const;
  // Step 3: cash or card; or a supervisor waives the fee.
  grpc::Status Pay(int64_t case_id, v1::PaymentMethod method, v1::Case* out) const;
  grpc::Status WaiveFee(int64_t case_id, std::string_view reason,
                        const SupervisorCredentials& supervisor, v1::Case* out) const;
  // Step 4.
  grpc::Status IssueCard(int64_t case_id, std::string_view iccid, v1::Case* out) const;
  // Step 5.
  grpc::Status BlockOldCard(int64_t case_id, v1::Case* out) const;
  // Step 6: the closed case and the printable summary.
  grpc::Status Close(int64_t case_id, v1::CloseCaseResponse* out) const;

  // Cancels before card issue; a paid case needs `supervisor`.
  grpc::Status Cancel(int64_t case_id, std::string_view reason,
                      const std::optional<SupervisorCredentials>& supervisor,
                      v1::Case* out) const;
  // Lifts the identity lock of `phone` (as the customer writes it).
  grpc::Status UnlockNumber(std::string_view phone, std::string_view reason,
                            const SupervisorCredentials& supervisor) const;

 private:
  using Stub = v1::CaseService::StubInterface;

  // Sends `request` exactly once (see the retry note above).
  template <typename Request, typename Response>
  grpc::Status SendOnce(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                     Response*),
                        const Request& request, Response* response) const;

  std::unique_ptr<Stub> stub_;
  std::string branch_id_;
  std::string counter_id_;
  client::CallOptions options_;
};

}  // namespace shop::queue::counter
