// The clerk's side of the SIM-replacement case against a fake CaseService:
// what each request carries, which calls are retried, how refusals with
// field violations read, how a case is printed, the `counter case` argument
// parsing and the guided case screen driven by piped input.
#include "counter/case_client.h"

#include <unistd.h>

#include <atomic>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/client/keys.h"
#include "counter/case_commands.h"
#include "counter/case_console.h"
#include "counter/case_format.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/client/in_process_server.h"
#include "tests/client/piped_input.h"

namespace shop::queue::counter {
namespace {

using namespace std::chrono_literals;

// A status as the real server makes it for bad form input: every violation
// in a google.rpc.BadRequest, packed into a google.rpc.Status.
grpc::Status BadFields(const std::vector<std::pair<std::string, std::string>>& violations) {
  google::rpc::BadRequest bad;
  std::string message;
  for (const auto& [field, description] : violations) {
    auto* v = bad.add_field_violations();
    v->set_field(field);
    v->set_description(description);
    message += (message.empty() ? "" : "; ") + field + ": " + description;
  }
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  details.set_message(message);
  details.add_details()->PackFrom(bad);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message, details.SerializeAsString());
}

v1::Case SampleCase(int64_t case_id, v1::CaseState state) {
  v1::Case c;
  c.set_case_id(case_id);
  c.set_branch_id("demo");
  c.set_ticket_id(42);
  c.set_counter_id("3");
  c.set_state(state);
  return c;
}

// A CaseService that records every request and answers from its settings.
class FakeCaseService final : public v1::CaseService::Service {
 public:
  std::atomic<int> unavailable_gets{0};        // GetCase fails this many times first
  std::atomic<bool> payment_unavailable{false};  // RecordPayment always fails
  std::atomic<bool> get_by_ticket_not_found{false};
  std::atomic<int> reject_forms{0};  // SubmitCaseForm answers with bad fields this many times
  std::atomic<bool> identity_fails{false};

  grpc::Status OpenCase(grpc::ServerContext*, const v1::OpenCaseRequest* request,
                        v1::OpenCaseResponse* response) override {
    Record("OpenCase", *request);
    *response->mutable_sim_case() = SampleCase(12, v1::CASE_STATE_AWAITING_FORM);
    response->mutable_sim_case()->set_next_step("form");
    response->mutable_sim_case()->set_hint("fill in the form");
    return grpc::Status::OK;
  }

  grpc::Status GetCase(grpc::ServerContext*, const v1::GetCaseRequest* request,
                       v1::GetCaseResponse* response) override {
    Record("GetCase", *request);
    if (unavailable_gets.fetch_sub(1) > 0) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "try again");
    }
    if (request->case_id() == 0 && get_by_ticket_not_found) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "ticket has no case");
    }
    *response->mutable_sim_case() =
        SampleCase(request->case_id() != 0 ? request->case_id() : 12, state_for_get_);
    return grpc::Status::OK;
  }

  grpc::Status SubmitCaseForm(grpc::ServerContext*, const v1::SubmitCaseFormRequest* request,
                              v1::SubmitCaseFormResponse* response) override {
    Record("SubmitCaseForm", *request);
    if (reject_forms.fetch_sub(1) > 0) {
      return BadFields({{"phone", "not a Russian mobile number"},
                        {"document_number", "a passport number is 4 + 6 digits"},
                        {"consent", "the customer's consent is required"}});
    }
    *response->mutable_sim_case() = SampleCase(request->case_id(), v1::CASE_STATE_AWAITING_IDENTITY);
    response->mutable_sim_case()->set_phone_masked("+7******4567");
    response->mutable_sim_case()->set_question("Which city were you born in?");
    return grpc::Status::OK;
  }

  grpc::Status CheckIdentity(grpc::ServerContext*, const v1::CheckIdentityRequest* request,
                             v1::CheckIdentityResponse* response) override {
    Record("CheckIdentity", *request);
    const bool passed = !identity_fails;
    *response->mutable_sim_case() = SampleCase(
        request->case_id(),
        passed ? v1::CASE_STATE_AWAITING_PAYMENT : v1::CASE_STATE_AWAITING_IDENTITY);
    if (!passed) response->mutable_sim_case()->set_question("How much was the last top-up?");
    response->set_passed(passed);
    response->set_attempts_left(passed ? 0 : 2);
    return grpc::Status::OK;
  }

  grpc::Status RecordPayment(grpc::ServerContext*, const v1::RecordPaymentRequest* request,
                             v1::RecordPaymentResponse* response) override {
    Record("RecordPayment", *request);
    if (payment_unavailable) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "busy");
    *response->mutable_sim_case() = SampleCase(request->case_id(), v1::CASE_STATE_AWAITING_CARD);
    return grpc::Status::OK;
  }

  grpc::Status WaiveFee(grpc::ServerContext*, const v1::WaiveFeeRequest* request,
                        v1::WaiveFeeResponse* response) override {
    Record("WaiveFee", *request);
    *response->mutable_sim_case() = SampleCase(request->case_id(), v1::CASE_STATE_AWAITING_CARD);
    return grpc::Status::OK;
  }

  grpc::Status IssueCard(grpc::ServerContext*, const v1::IssueCardRequest* request,
                         v1::IssueCardResponse* response) override {
    Record("IssueCard", *request);
    *response->mutable_sim_case() = SampleCase(request->case_id(), v1::CASE_STATE_AWAITING_BLOCK);
    return grpc::Status::OK;
  }

  grpc::Status CloseCase(grpc::ServerContext*, const v1::CloseCaseRequest* request,
                         v1::CloseCaseResponse* response) override {
    Record("CloseCase", *request);
    *response->mutable_sim_case() = SampleCase(request->case_id(), v1::CASE_STATE_CLOSED);
    response->set_summary("SIM card replaced\nreceipt demo-2026-000042\n");
    return grpc::Status::OK;
  }

  grpc::Status CancelCase(grpc::ServerContext*, const v1::CancelCaseRequest* request,
                          v1::CancelCaseResponse* response) override {
    Record("CancelCase", *request);
    *response->mutable_sim_case() = SampleCase(request->case_id(), v1::CASE_STATE_CANCELLED);
    return grpc::Status::OK;
  }

  grpc::Status UnlockNumber(grpc::ServerContext*, const v1::UnlockNumberRequest* request,
                            v1::UnlockNumberResponse*) override {
    Record("UnlockNumber", *request);
    return grpc::Status::OK;
  }

  void set_state_for_get(v1::CaseState state) { state_for_get_ = state; }

  // "Method <request in text format>" for every call, in order.
  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  // Every request of `method`, parsed back, in order.
  template <typename Request>
  std::vector<Request> All(const std::string& method) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Request> out;
    for (const auto& [name, bytes] : raw_) {
      if (name != method) continue;
      out.emplace_back();
      out.back().ParseFromString(bytes);
    }
    return out;
  }
  // The last request of `method`, parsed back; false if none.
  template <typename Request>
  bool Last(const std::string& method, Request* out) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = raw_.rbegin(); it != raw_.rend(); ++it) {
      if (it->first == method) return out->ParseFromString(it->second);
    }
    return false;
  }

 private:
  void Record(const std::string& method, const google::protobuf::Message& request) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(method);
    raw_.emplace_back(method, request.SerializeAsString());
  }

  std::atomic<v1::CaseState> state_for_get_{v1::CASE_STATE_AWAITING_FORM};
  std::mutex mu_;
  std::vector<std::string> calls_;
  std::vector<std::pair<std::string, std::string>> raw_;
};

class CaseClientTest : public ::testing::Test {
 protected:
  CaseClientTest() : server_({&fake_}) {}

  CaseClient NewClient() {
    client::CallOptions options;
    options.first_backoff = 1ms;
    options.token = "t0k";
    return CaseClient(server_.NewChannel(), "demo", "3", options);
  }

  FakeCaseService fake_;
  test_support::InProcessServer server_;
};

// --- requests ----------------------------------------------------------------

TEST_F(CaseClientTest, OpenCarriesBranchCounterAndTicket) {
  v1::Case c;
  ASSERT_TRUE(NewClient().Open(42, &c).ok());
  EXPECT_EQ(c.case_id(), 12);
  v1::OpenCaseRequest request;
  ASSERT_TRUE(fake_.Last("OpenCase", &request));
  EXPECT_EQ(request.branch_id(), "demo");
  EXPECT_EQ(request.counter_id(), "3");
  EXPECT_EQ(request.ticket_id(), 42);
}

TEST_F(CaseClientTest, GetByTicketAsksByTicketOnly) {
  v1::Case c;
  ASSERT_TRUE(NewClient().GetByTicket(42, &c).ok());
  v1::GetCaseRequest request;
  ASSERT_TRUE(fake_.Last("GetCase", &request));
  EXPECT_EQ(request.branch_id(), "demo");
  EXPECT_EQ(request.case_id(), 0);
  EXPECT_EQ(request.ticket_id(), 42);

  ASSERT_TRUE(NewClient().Get(7, &c).ok());
  ASSERT_TRUE(fake_.Last("GetCase", &request));
  EXPECT_EQ(request.case_id(), 7);
  EXPECT_EQ(request.ticket_id(), 0);
}

TEST_F(CaseClientTest, ReadsAreRetried) {
  fake_.unavailable_gets = 2;
  v1::Case c;
  grpc::Status status = NewClient().Get(7, &c);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(c.case_id(), 7);
  EXPECT_EQ(fake_.calls().size(), 3u);
}

TEST_F(CaseClientTest, StepsAreSentOnce) {
  fake_.payment_unavailable = true;
  v1::Case c;
  EXPECT_EQ(NewClient().Pay(7, v1::PAYMENT_METHOD_CARD, &c).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(fake_.calls(), std::vector<std::string>{"RecordPayment"});
  v1::RecordPaymentRequest request;
  ASSERT_TRUE(fake_.Last("RecordPayment", &request));
  EXPECT_EQ(request.case_id(), 7);
  EXPECT_EQ(request.method(), v1::PAYMENT_METHOD_CARD);
}

TEST_F(CaseClientTest, IdentityCheckCarriesEveryInputAndAFailureIsNotAnError) {
  fake_.identity_fails = true;
  IdentityCheck check;
  check.document_type = v1::DOCUMENT_TYPE_RU_PASSPORT;
  check.document_number = "4509 123456";
  check.face_matches = true;
  check.answer = "Tula";
  v1::CheckIdentityResponse response;
  ASSERT_TRUE(NewClient().CheckIdentity(7, check, &response).ok());
  EXPECT_FALSE(response.passed());
  EXPECT_EQ(response.attempts_left(), 2);
  v1::CheckIdentityRequest request;
  ASSERT_TRUE(fake_.Last("CheckIdentity", &request));
  EXPECT_EQ(request.branch_id(), "demo");
  EXPECT_EQ(request.case_id(), 7);
  EXPECT_EQ(request.document_type(), v1::DOCUMENT_TYPE_RU_PASSPORT);
  EXPECT_EQ(request.document_number(), "4509 123456");
  EXPECT_TRUE(request.face_matches());
  EXPECT_EQ(request.answer(), "Tula");
}

TEST_F(CaseClientTest, SupervisorActionsCarryTheConfirmation) {
  const CaseClient cases = NewClient();
  v1::Case c;
  ASSERT_TRUE(cases.WaiveFee(7, "pensioner", {"boris", "s3cret"}, &c).ok());
  v1::WaiveFeeRequest waive;
  ASSERT_TRUE(fake_.Last("WaiveFee", &waive));
  EXPECT_EQ(waive.reason(), "pensioner");
  EXPECT_EQ(waive.supervisor().login(), "boris");
  EXPECT_EQ(waive.supervisor().password(), "s3cret");

  ASSERT_TRUE(cases.Cancel(7, "changed mind", std::nullopt, &c).ok());
  v1::CancelCaseRequest cancel;
  ASSERT_TRUE(fake_.Last("CancelCase", &cancel));
  EXPECT_EQ(cancel.reason(), "changed mind");
  EXPECT_FALSE(cancel.has_supervisor());

  ASSERT_TRUE(cases.Cancel(8, "refund", SupervisorCredentials{"boris", "pw"}, &c).ok());
  ASSERT_TRUE(fake_.Last("CancelCase", &cancel));
  EXPECT_TRUE(cancel.has_supervisor());
  EXPECT_EQ(cancel.supervisor().login(), "boris");

  ASSERT_TRUE(cases.UnlockNumber("+7 916 123-45-67", "checked by phone", {"boris", "pw"}).ok());
  v1::UnlockNumberRequest unlock;
  ASSERT_TRUE(fake_.Last("UnlockNumber", &unlock));
  EXPECT_EQ(unlock.branch_id(), "demo");
  EXPECT_EQ(unlock.phone(), "+7 916 123-45-67");
  EXPECT_EQ(unlock.reason(), "checked by phone");
  EXPECT_EQ(unlock.supervisor().password(), "pw");
}

// --- refusals ----------------------------------------------------------------

TEST_F(CaseClientTest, FieldErrorsListsEveryViolationFromTheServer) {
  fake_.reject_forms = 100;
  v1::Case c;
  grpc::Status status = NewClient().SubmitForm(7, v1::CaseForm(), &c);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldErrors(status),
            "  phone: not a Russian mobile number\n"
            "  document_number: a passport number is 4 + 6 digits\n"
            "  consent: the customer's consent is required");
  EXPECT_EQ(DescribeRefusal(status),
            "INVALID_ARGUMENT: correct these fields:\n" + FieldErrors(status));
}

TEST(FieldErrorsTest, FallsBackToTheMessage) {
  const grpc::Status plain(grpc::StatusCode::FAILED_PRECONDITION, "case waits for payment");
  EXPECT_EQ(FieldErrors(plain), "  case waits for payment");
  EXPECT_EQ(DescribeRefusal(plain), "FAILED_PRECONDITION: case waits for payment");
  const grpc::Status garbage(grpc::StatusCode::INVALID_ARGUMENT, "phone: bad", "\xff\xff");
  EXPECT_EQ(FieldErrors(garbage), "  phone: bad");
  EXPECT_EQ(DescribeRefusal(garbage), "INVALID_ARGUMENT: phone: bad");
}

TEST(FieldErrorsTest, ReadsEveryBadRequestDetailAndSkipsOtherDetails) {
  google::rpc::Status details;
  google::protobuf::Timestamp other;  // a detail of another type
  other.set_seconds(1);
  details.add_details()->PackFrom(other);
  google::rpc::BadRequest first;
  first.add_field_violations()->set_field("phone");
  first.mutable_field_violations(0)->set_description("required");
  details.add_details()->PackFrom(first);
  google::rpc::BadRequest second;
  second.add_field_violations()->set_field("full_name");
  second.mutable_field_violations(0)->set_description("required");
  details.add_details()->PackFrom(second);
  const grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, "phone: required",
                            details.SerializeAsString());
  EXPECT_EQ(FieldErrors(status), "  phone: required\n  full_name: required");
}

// --- the case as text --------------------------------------------------------

TEST(CaseFormatTest, ShowsTheNextStepWithItsHintAndTheQuestion) {
  v1::Case c = SampleCase(12, v1::CASE_STATE_AWAITING_IDENTITY);
  c.set_phone_masked("+7******4567");
  c.set_operator_id("megafon");
  c.set_reason(v1::REPLACEMENT_REASON_LOST);
  c.set_full_name_masked("I**** P*****");
  c.set_document_type(v1::DOCUMENT_TYPE_RU_PASSPORT);
  c.set_document_last4("3456");
  c.set_fee_roubles(350);
  c.set_next_step("identity check");
  c.set_hint("check the document and ask: Which city were you born in?");
  c.set_question("Which city were you born in?");
  v1::CaseRecord* r = c.add_records();
  r->set_seq(1);
  r->set_step("form");
  r->set_outcome("accepted");
  r->set_actor("clerk:anna");

  const std::string text = FormatCase(c, "UTC");
  EXPECT_NE(text.find("Case 12 (ticket id 42, counter 3): awaiting identity check"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("phone +7******4567  operator megafon  reason lost"), std::string::npos)
      << text;
  EXPECT_NE(text.find("document ru_passport ...3456"), std::string::npos) << text;
  EXPECT_NE(text.find("fee 350 roubles, not paid yet"), std::string::npos) << text;
  EXPECT_NE(text.find("form      accepted  clerk:anna"), std::string::npos) << text;
  EXPECT_NE(text.find("Next: identity check \u2014 check the document and ask: Which city"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Ask the customer: Which city were you born in?"), std::string::npos)
      << text;
}

TEST(CaseFormatTest, PrintsNothingOfAnAccountTheCaseDoesNotHave) {
  v1::Case c = SampleCase(12, v1::CASE_STATE_AWAITING_PAYMENT);
  c.set_identity_passed(true);
  c.set_fee_roubles(350);
  c.set_next_step("payment");
  const std::string text = FormatCase(c);
  EXPECT_EQ(text.find("account"), std::string::npos) << text;
  EXPECT_EQ(text.find("holder"), std::string::npos) << text;
  EXPECT_EQ(text.find("SIM change"), std::string::npos) << text;
  EXPECT_EQ(text.find("Ask the customer"), std::string::npos) << text;

  c.mutable_account()->set_holder_name_masked("I**** P*****");
  c.mutable_account()->set_operator_id("megafon");
  c.mutable_account()->set_active_iccid_last4("1234");
  EXPECT_NE(FormatCase(c).find(
                "account: holder I**** P*****, megafon, active card ...1234, last SIM change never"),
            std::string::npos)
      << FormatCase(c);
}

TEST(CaseFormatTest, AFinishedCaseSaysSo) {
  v1::Case c = SampleCase(12, v1::CASE_STATE_CANCELLED);
  c.set_fee_roubles(350);
  c.set_payment_method(v1::PAYMENT_METHOD_CASH);
  c.set_receipt_number("demo-2026-000042");
  c.set_refunded(true);
  const std::string text = FormatCase(c);
  EXPECT_NE(text.find("fee 350 roubles, paid in cash, receipt demo-2026-000042, refunded"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Finished: cancelled (refunded)"), std::string::npos) << text;
  EXPECT_EQ(text.find("Next:"), std::string::npos) << text;
}

TEST(CaseFormatTest, EnumWords) {
  EXPECT_EQ(ParseReason("format-change"), v1::REPLACEMENT_REASON_FORMAT_CHANGE);
  EXPECT_EQ(ParseReason("STOLEN"), v1::REPLACEMENT_REASON_STOLEN);
  EXPECT_EQ(ParseReason("gone"), std::nullopt);
  EXPECT_EQ(ParseDocumentType("residence_permit"), v1::DOCUMENT_TYPE_RESIDENCE_PERMIT);
  EXPECT_EQ(ParsePaymentMethod("waived"), std::nullopt);
  for (auto r : {v1::REPLACEMENT_REASON_LOST, v1::REPLACEMENT_REASON_STOLEN,
                 v1::REPLACEMENT_REASON_DAMAGED, v1::REPLACEMENT_REASON_FORMAT_CHANGE}) {
    EXPECT_EQ(ParseReason(ReasonName(r)), r);
  }
}

// --- `counter case ...` --------------------------------------------------------

// Parses `command_line` as the counter program would (after its name).
class CaseCommandLine {
 public:
  CaseCommandLine() { AddCaseCommands(app_, flags_, selected_); }
  // Returns the parse error, or "" on success.
  std::string Parse(const std::string& command_line) {
    try {
      app_.parse(command_line, /*program_name_included=*/false);
    } catch (const CLI::ParseError& e) {
      return e.what();
    }
    return "";
  }
  const CaseFlags& flags() const { return flags_; }
  const CaseSelection& selected() const { return selected_; }

 private:
  CLI::App app_{"counter"};
  CaseFlags flags_;
  CaseSelection selected_;
};

TEST(CaseCommandsTest, FormFlagsMapToTheRequest) {
  CaseCommandLine cli;
  ASSERT_EQ(cli.Parse("case form --case 7 --phone \"+7 916 123-45-67\" --operator megafon "
                      "--reason format-change --name \"Ivan Petrov\" --doc-type ru_passport "
                      "--doc-number \"4509 123456\" --contact ivan@example.com --consent"),
            "");
  ASSERT_TRUE(cli.selected().run);
  EXPECT_FALSE(cli.selected().needs_counter);
  EXPECT_EQ(cli.flags().case_id, 7);
  const v1::CaseForm form = FormFromFlags(cli.flags());
  EXPECT_EQ(form.phone(), "+7 916 123-45-67");
  EXPECT_EQ(form.operator_id(), "megafon");
  EXPECT_EQ(form.reason(), v1::REPLACEMENT_REASON_FORMAT_CHANGE);
  EXPECT_EQ(form.full_name(), "Ivan Petrov");
  EXPECT_EQ(form.document_type(), v1::DOCUMENT_TYPE_RU_PASSPORT);
  EXPECT_EQ(form.document_number(), "4509 123456");
  EXPECT_EQ(form.contact(), "ivan@example.com");
  EXPECT_TRUE(form.consent());
}

TEST(CaseCommandsTest, MissingFormFieldsAreLeftForTheServerButBadWordsAreUsageErrors) {
  CaseCommandLine sparse;
  ASSERT_EQ(sparse.Parse("case form --case 7"), "");
  const v1::CaseForm form = FormFromFlags(sparse.flags());
  EXPECT_EQ(form.reason(), v1::REPLACEMENT_REASON_UNSPECIFIED);
  EXPECT_FALSE(form.consent());

  EXPECT_NE(CaseCommandLine().Parse("case form --case 7 --reason misplaced"), "");
  EXPECT_NE(CaseCommandLine().Parse("case form --phone 1"), "");  // no --case
  EXPECT_NE(CaseCommandLine().Parse("case pay --case 7 --method cheque"), "");
  EXPECT_NE(CaseCommandLine().Parse("case show --case 1 --ticket 2"), "");
  EXPECT_NE(CaseCommandLine().Parse("case waive --case 1 --reason why"), "");  // no supervisor
  CaseCommandLine open;
  ASSERT_EQ(open.Parse("case open --ticket 5"), "");
  EXPECT_TRUE(open.selected().needs_counter);
}

TEST_F(CaseClientTest, ScriptedFormSendsTheFlagsAndPrintsTheCase) {
  CaseCommandLine cli;
  ASSERT_EQ(cli.Parse("case form --case 7 --phone 89161234567 --operator tele2 --reason lost "
                      "--name \"Анна Петрова\" --doc-type foreign_passport --doc-number "
                      "751234567 --consent"),
            "");
  std::ostringstream out, err;
  CaseIo io{out, err, [](const std::string&) { return std::optional<std::string>(); }};
  EXPECT_EQ(cli.selected().run(NewClient(), io), 0) << err.str();
  v1::SubmitCaseFormRequest request;
  ASSERT_TRUE(fake_.Last("SubmitCaseForm", &request));
  EXPECT_EQ(request.branch_id(), "demo");
  EXPECT_EQ(request.case_id(), 7);
  EXPECT_EQ(request.form().phone(), "89161234567");
  EXPECT_EQ(request.form().operator_id(), "tele2");
  EXPECT_EQ(request.form().full_name(), "Анна Петрова");
  EXPECT_EQ(request.form().document_type(), v1::DOCUMENT_TYPE_FOREIGN_PASSPORT);
  EXPECT_TRUE(request.form().consent());
  EXPECT_NE(out.str().find("Ask the customer: Which city were you born in?"), std::string::npos)
      << out.str();
  EXPECT_EQ(out.str().find("89161234567"), std::string::npos);
}

TEST_F(CaseClientTest, ScriptedFormRefusalListsEveryFieldAndExitsOne) {
  fake_.reject_forms = 100;
  CaseCommandLine cli;
  ASSERT_EQ(cli.Parse("case form --case 7"), "");
  std::ostringstream out, err;
  CaseIo io{out, err, [](const std::string&) { return std::optional<std::string>(); }};
  EXPECT_EQ(cli.selected().run(NewClient(), io), 1);
  EXPECT_EQ(err.str(),
            "error: INVALID_ARGUMENT: correct these fields:\n"
            "  phone: not a Russian mobile number\n"
            "  document_number: a passport number is 4 + 6 digits\n"
            "  consent: the customer's consent is required\n");
}

TEST_F(CaseClientTest, ScriptedWaiveReadsThePasswordAndNeverPrintsIt) {
  CaseCommandLine cli;
  ASSERT_EQ(cli.Parse("case waive --case 7 --reason \"large family\" --supervisor boris"), "");
  std::ostringstream out, err;
  std::string asked;
  CaseIo io{out, err, [&asked](const std::string& prompt) {
              asked = prompt;
              return std::optional<std::string>("s3cret");
            }};
  EXPECT_EQ(cli.selected().run(NewClient(), io), 0) << err.str();
  EXPECT_EQ(asked, "password of supervisor boris: ");
  v1::WaiveFeeRequest request;
  ASSERT_TRUE(fake_.Last("WaiveFee", &request));
  EXPECT_EQ(request.reason(), "large family");
  EXPECT_EQ(request.supervisor().login(), "boris");
  EXPECT_EQ(request.supervisor().password(), "s3cret");
  EXPECT_EQ(out.str().find("s3cret"), std::string::npos);
  EXPECT_EQ(err.str().find("s3cret"), std::string::npos);
}

TEST_F(CaseClientTest, ScriptedWaiveWithoutAPasswordIsAUsageError) {
  CaseCommandLine cli;
  ASSERT_EQ(cli.Parse("case waive --case 7 --reason \"large family\" --supervisor boris"), "");
  std::ostringstream out, err;
  CaseIo io{out, err, [](const std::string&) { return std::optional<std::string>(); }};
  EXPECT_EQ(cli.selected().run(NewClient(), io), 2);
  EXPECT_TRUE(fake_.calls().empty());
}

TEST_F(CaseClientTest, ScriptedCloseprintsTheSummary) {
  CaseCommandLine cli;
  ASSERT_EQ(cli.Parse("case close --case 7"), "");
  std::ostringstream out, err;
  CaseIo io{out, err, [](const std::string&) { return std::optional<std::string>(); }};
  EXPECT_EQ(cli.selected().run(NewClient(), io), 0);
  EXPECT_EQ(out.str(), "SIM card replaced\nreceipt demo-2026-000042\n");
}

TEST_F(CaseClientTest, ScriptedFailedIdentityCheckExitsOne) {
  fake_.identity_fails = true;
  CaseCommandLine cli;
  ASSERT_EQ(cli.Parse("case identity --case 7 --doc-type ru_passport --doc-number \"4509 "
                      "123456\" --face-ok --answer Tula"),
            "");
  std::ostringstream out, err;
  CaseIo io{out, err, [](const std::string&) { return std::optional<std::string>(); }};
  EXPECT_EQ(cli.selected().run(NewClient(), io), 1);
  EXPECT_NE(out.str().find("identity check failed: 2 attempts left"), std::string::npos);
}

// After a failed check the server asks another question: say so, and which.
TEST_F(CaseClientTest, ScriptedFailedIdentityCheckShowsTheNextQuestion) {
  fake_.identity_fails = true;
  CaseCommandLine cli;
  ASSERT_EQ(cli.Parse("case identity --case 7 --doc-type ru_passport --doc-number \"4509 "
                      "123456\" --face-ok --answer Tula"),
            "");
  std::ostringstream out, err;
  CaseIo io{out, err, [](const std::string&) { return std::optional<std::string>(); }};
  EXPECT_EQ(cli.selected().run(NewClient(), io), 1);
  EXPECT_NE(out.str().find("identity check failed: 2 attempts left; the next question is: How "
                           "much was the last top-up?"),
            std::string::npos)
      << out.str();
}

// `case open` of a ticket without a case opens one by hand only when told so
// (the API does not say which services hold a case).
TEST_F(CaseClientTest, ScriptedOpenOfATicketWithoutACaseNeedsYes) {
  fake_.get_by_ticket_not_found = true;
  CaseCommandLine cli;
  ASSERT_EQ(cli.Parse("case open --ticket 42"), "");
  std::ostringstream out, err;
  CaseIo io{out, err, [](const std::string&) { return std::optional<std::string>(); }};
  EXPECT_EQ(cli.selected().run(NewClient(), io), 2);
  EXPECT_NE(err.str().find("has no SIM-replacement case"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("--yes"), std::string::npos) << err.str();
  EXPECT_EQ(fake_.calls(), std::vector<std::string>{"GetCase"});

  CaseCommandLine yes;
  ASSERT_EQ(yes.Parse("case open --ticket 42 --yes"), "");
  std::ostringstream out2, err2;
  CaseIo io2{out2, err2, [](const std::string&) { return std::optional<std::string>(); }};
  EXPECT_EQ(yes.selected().run(NewClient(), io2), 0) << err2.str();
  v1::OpenCaseRequest request;
  ASSERT_TRUE(fake_.Last("OpenCase", &request));
  EXPECT_EQ(request.ticket_id(), 42);
}

TEST_F(CaseClientTest, ScriptedOpenAsksOnATerminal) {
  fake_.get_by_ticket_not_found = true;
  CaseCommandLine cli;
  ASSERT_EQ(cli.Parse("case open --ticket 42"), "");
  std::ostringstream out, err;
  std::string asked;
  bool answer = false;
  CaseIo io{out, err, [](const std::string&) { return std::optional<std::string>(); },
            [&](const std::string& prompt) {
              asked = prompt;
              return std::optional<bool>(answer);
            }};
  EXPECT_EQ(cli.selected().run(NewClient(), io), 1);  // no
  EXPECT_EQ(asked, "open a SIM-replacement case for ticket id 42 by hand? (y/N): ");
  EXPECT_EQ(fake_.calls(), std::vector<std::string>{"GetCase"});
  answer = true;
  EXPECT_EQ(cli.selected().run(NewClient(), io), 0) << err.str();
  EXPECT_EQ(fake_.calls().back(), "OpenCase");
}

TEST_F(CaseClientTest, ScriptedOpenShowsAnExistingCaseWithoutOpeningAnother) {
  CaseCommandLine cli;
  ASSERT_EQ(cli.Parse("case open --ticket 42"), "");
  std::ostringstream out, err;
  CaseIo io{out, err, [](const std::string&) { return std::optional<std::string>(); }};
  EXPECT_EQ(cli.selected().run(NewClient(), io), 0) << err.str();
  EXPECT_EQ(fake_.calls(), std::vector<std::string>{"GetCase"});
  EXPECT_NE(out.str().find("Case 12 (ticket id 42"), std::string::npos) << out.str();
}

// --- the guided screen, driven by piped input ----------------------------------

using ::shop::queue::testing::PipedInput;

TEST(KeyReaderLineTest, PipedLinesFollowTheirKey) {
  PipedInput input("k\nIvan Petrov\n\n  +7 916 123-45-67 \ny secret word \nq");
  client::KeyReader keys(input.fd());
  EXPECT_EQ(keys.ReadKey(), 'k');
  EXPECT_EQ(keys.ReadLine(), "Ivan Petrov");  // the blank rest of the key's line is skipped
  EXPECT_EQ(keys.ReadLine(), "");             // an empty answer
  EXPECT_EQ(keys.ReadLine(), "+7 916 123-45-67");
  EXPECT_EQ(keys.ReadKey(), 'y');
  EXPECT_EQ(keys.ReadSecret(), " secret word ");  // the rest of the line, as typed
  EXPECT_EQ(keys.ReadKey(), 'q');
  EXPECT_EQ(keys.ReadLine(), std::nullopt);
}

TEST(KeyReaderLineTest, SecretLineIsTheFirstLineOfPipedInput) {
  PipedInput input("pa ss\nmore\n");
  EXPECT_EQ(client::ReadSecretLine("password: ", input.fd()), "pa ss");
  PipedInput empty("");
  EXPECT_EQ(client::ReadSecretLine("password: ", empty.fd()), std::nullopt);
}

TEST_F(CaseClientTest, ScreenOpensACaseAndWalksTheFormWithoutEchoingPersonalData) {
  fake_.get_by_ticket_not_found = true;
  PipedInput input(
      "y\n"  // open a case by hand: the ticket has none
      "n\n"
      "+7 903 555-01-02\nMegaFon\nlost\nIvan Petrov\npassport\n4510 654321\n"
      "ivan@example.com\nmaybe\ny\n"
      "q\n");
  client::KeyReader keys(input.fd());
  std::ostringstream out;
  const CaseClient cases = NewClient();
  CaseScreen screen(cases, keys, out);
  EXPECT_EQ(screen.Run(42), "left case 12: awaiting identity check");

  const std::vector<std::string> calls = fake_.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0], "GetCase");
  EXPECT_EQ(calls[1], "OpenCase");
  EXPECT_EQ(calls[2], "SubmitCaseForm");
  v1::SubmitCaseFormRequest request;
  ASSERT_TRUE(fake_.Last("SubmitCaseForm", &request));
  EXPECT_EQ(request.case_id(), 12);
  EXPECT_EQ(request.form().phone(), "+7 903 555-01-02");
  EXPECT_EQ(request.form().operator_id(), "megafon");
  EXPECT_EQ(request.form().reason(), v1::REPLACEMENT_REASON_LOST);
  EXPECT_EQ(request.form().full_name(), "Ivan Petrov");
  EXPECT_EQ(request.form().document_type(), v1::DOCUMENT_TYPE_RU_PASSPORT);
  EXPECT_EQ(request.form().document_number(), "4510 654321");
  EXPECT_EQ(request.form().contact(), "ivan@example.com");
  EXPECT_TRUE(request.form().consent());

  const std::string text = out.str();
  EXPECT_NE(text.find("Next: form \u2014 fill in the form"), std::string::npos) << text;
  EXPECT_NE(text.find("please answer y or n"), std::string::npos) << text;
  EXPECT_NE(text.find("ok: case 12: awaiting identity check"), std::string::npos) << text;
  EXPECT_NE(text.find("Ask the customer: Which city were you born in?"), std::string::npos)
      << text;
  for (const char* secret : {"555-01-02", "Ivan", "654321", "ivan@"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in:\n" << text;
  }
}

TEST_F(CaseClientTest, ScreenShowsEveryBadFieldOfARefusedForm) {
  fake_.reject_forms = 100;
  PipedInput input("n\n\n\n\n\n\n\n\nn\nq\n");
  client::KeyReader keys(input.fd());
  std::ostringstream out;
  const CaseClient cases = NewClient();
  CaseScreen screen(cases, keys, out);
  EXPECT_EQ(screen.Run(42), "left case 12: awaiting form");
  const std::string text = out.str();
  EXPECT_NE(text.find("refused: INVALID_ARGUMENT: correct these fields:\n"
                      "  phone: not a Russian mobile number\n"
                      "  document_number: a passport number is 4 + 6 digits\n"
                      "  consent: the customer's consent is required"),
            std::string::npos)
      << text;
}

TEST_F(CaseClientTest, ScreenKeepsTheRefusedFormSoOnlyBadFieldsAreRetyped) {
  fake_.reject_forms = 1;
  PipedInput input(
      "n\n123\nmegafon\nlost\nIvan Petrov\npassport\n4510 654321\nivan@example.com\ny\n"
      "n\n+7 903 555-01-02\n\n\n\n\n\n\ny\n"
      "q\n");
  client::KeyReader keys(input.fd());
  std::ostringstream out;
  const CaseClient cases = NewClient();
  CaseScreen screen(cases, keys, out);
  EXPECT_EQ(screen.Run(42), "left case 12: awaiting identity check");
  const auto forms = fake_.All<v1::SubmitCaseFormRequest>("SubmitCaseForm");
  ASSERT_EQ(forms.size(), 2u);
  EXPECT_EQ(forms[0].form().phone(), "123");
  v1::CaseForm expected = forms[0].form();
  expected.set_phone("+7 903 555-01-02");
  EXPECT_EQ(forms[1].form().SerializeAsString(), expected.SerializeAsString())
      << forms[1].form().DebugString();
  EXPECT_NE(out.str().find("full name as in the document [Enter: as before]: \n"),
            std::string::npos)
      << out.str();
}

TEST_F(CaseClientTest, ScreenWaiverAsksTheSupervisorAndHidesThePassword) {
  fake_.set_state_for_get(v1::CASE_STATE_AWAITING_PAYMENT);
  PipedInput input("w\nlarge family\nboris\nS3cret!\nq\n");
  client::KeyReader keys(input.fd());
  std::ostringstream out;
  const CaseClient cases = NewClient();
  CaseScreen screen(cases, keys, out);
  EXPECT_EQ(screen.Run(42), "left case 12: awaiting card");
  v1::WaiveFeeRequest request;
  ASSERT_TRUE(fake_.Last("WaiveFee", &request));
  EXPECT_EQ(request.case_id(), 12);
  EXPECT_EQ(request.reason(), "large family");
  EXPECT_EQ(request.supervisor().login(), "boris");
  EXPECT_EQ(request.supervisor().password(), "S3cret!");
  EXPECT_EQ(out.str().find("S3cret!"), std::string::npos) << out.str();
}

TEST_F(CaseClientTest, ScreenCancelWithoutSupervisorWhenUnpaid) {
  PipedInput input("x\ncustomer left\n\nq\n");
  client::KeyReader keys(input.fd());
  std::ostringstream out;
  const CaseClient cases = NewClient();
  CaseScreen screen(cases, keys, out);
  EXPECT_EQ(screen.Run(42), "left case 12: cancelled");
  v1::CancelCaseRequest request;
  ASSERT_TRUE(fake_.Last("CancelCase", &request));
  EXPECT_EQ(request.reason(), "customer left");
  EXPECT_FALSE(request.has_supervisor());
}

TEST_F(CaseClientTest, ScreenShowsTheNextQuestionAfterAFailedIdentityCheck) {
  fake_.set_state_for_get(v1::CASE_STATE_AWAITING_IDENTITY);
  fake_.identity_fails = true;
  PipedInput input("n\npassport\n4510 654321\ny\nTula\nq\n");
  client::KeyReader keys(input.fd());
  std::ostringstream out;
  const CaseClient cases = NewClient();
  CaseScreen screen(cases, keys, out);
  EXPECT_EQ(screen.Run(42), "left case 12: awaiting identity check");
  EXPECT_NE(out.str().find("identity check failed: 2 attempts left; the next question is: How "
                           "much was the last top-up?"),
            std::string::npos)
      << out.str();
}

}  // namespace
}  // namespace shop::queue::counter
