// Who may read and act on a SIM-replacement case, through a real server on
// loopback with real staff sessions: only the clerk who has the case's
// counter open (or a supervisor), whatever state that counter is in; the
// register block only after the case's own identity check; one open case per
// number across branches, the refusal audited as a fraud signal.

#include <gtest/gtest.h>

#include "shop/queue/v1/case_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/service/test_server.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;
using testing::TestIccid;

constexpr const char* kPhone = "+79161112233";
constexpr const char* kDoc = "4509 000111";
constexpr int64_t kTopUp = 700;

ServerConfig TwoBranches() {
  ServerConfig c = testing::CaseTestConfig();
  BranchConfig other = c.branches[0];
  other.branch_id = "test2";
  other.display_name = "Second shop";
  c.branches.push_back(other);
  return c;
}

// One clerk's (or supervisor's) stubs.
struct Desk {
  std::unique_ptr<pb::CounterService::Stub> counter;
  std::unique_ptr<pb::CaseService::Stub> cases;
};

class CaseAccessTest : public ::testing::Test {
 protected:
  CaseAccessTest() : server_(TwoBranches(), nullptr) {
    Status seeded = server_.store().Write([&](WriteTx& tx) -> Status {
      QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(
          testing::TestSubscriber(server_.hasher(), kPhone, "4509000111", kTopUp, "+79031112233")));
      for (int i = 100; i < 110; ++i)
        QUEUE_RETURN_IF_ERROR(tx.cases().AddStockCard({TestIccid(i), i < 105 ? "test" : "test2", "megafon"}));
      return Status::Ok();
    });
    EXPECT_TRUE(seeded.ok()) << seeded.ToString();
    clerk1_ = DeskOf(server_.StaffToken(Role::kClerk, "clerk1"));
    clerk2_ = DeskOf(server_.StaffToken(Role::kClerk, "clerk2"));
    super_ = DeskOf(server_.StaffToken(Role::kSupervisor, "super1"));
    kiosk_ = pb::KioskService::NewStub(server_.Channel());
  }

  Desk DeskOf(const std::string& token) {
    auto ch = server_.ChannelWith(token);
    return Desk{pb::CounterService::NewStub(ch), pb::CaseService::NewStub(ch)};
  }

  static std::unique_ptr<grpc::ClientContext> Ctx() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ctx;
  }

  grpc::Status OpenCounter(Desk& d, const std::string& branch, const std::string& counter) {
    pb::OpenCounterRequest req;
    req.set_branch_id(branch);
    req.set_counter_id(counter);
    pb::OpenCounterResponse resp;
    return d.counter->OpenCounter(Ctx().get(), req, &resp);
  }
  grpc::Status CloseCounter(Desk& d, const std::string& branch, const std::string& counter) {
    pb::CloseCounterRequest req;
    req.set_branch_id(branch);
    req.set_counter_id(counter);
    pb::CloseCounterResponse resp;
    return d.counter->CloseCounter(Ctx().get(), req, &resp);
  }

  // A new R ticket in `branch`, called and started at `counter` by `d`: the
  // case it opened.
  int64_t ServeCase(Desk& d, const std::string& branch, const std::string& counter) {
    pb::CreateTicketRequest take;
    take.set_branch_id(branch);
    take.set_service_prefix("R");
    take.set_request_id("take-" + std::to_string(++seq_));
    pb::CreateTicketResponse ticket;
    grpc::Status st = kiosk_->CreateTicket(Ctx().get(), take, &ticket);
    EXPECT_TRUE(st.ok()) << st.error_message();
    pb::CallTicketRequest call;
    call.set_branch_id(branch);
    call.set_counter_id(counter);
    call.set_ticket_id(ticket.ticket().ticket_id());
    pb::CallTicketResponse called;
    st = d.counter->CallTicket(Ctx().get(), call, &called);
    EXPECT_TRUE(st.ok()) << st.error_message();
    pb::StartTicketRequest start;
    start.set_branch_id(branch);
    start.set_counter_id(counter);
    start.set_ticket_id(ticket.ticket().ticket_id());
    pb::StartTicketResponse started;
    st = d.counter->StartTicket(Ctx().get(), start, &started);
    EXPECT_TRUE(st.ok()) << st.error_message();
    EXPECT_GT(started.case_id(), 0);
    ticket_id_ = ticket.ticket().ticket_id();
    return started.case_id();
  }

  grpc::Status SubmitForm(Desk& d, const std::string& branch, int64_t case_id,
                          pb::ReplacementReason reason = pb::REPLACEMENT_REASON_LOST) {
    pb::SubmitCaseFormRequest req;
    req.set_branch_id(branch);
    req.set_case_id(case_id);
    pb::CaseForm* f = req.mutable_form();
    f->set_phone(kPhone);
    f->set_operator_id("megafon");
    f->set_reason(reason);
    f->set_full_name("Ivanova Maria");
    f->set_document_type(pb::DOCUMENT_TYPE_RU_PASSPORT);
    f->set_document_number(kDoc);
    f->set_contact("maria@example.org");
    f->set_consent(true);
    pb::SubmitCaseFormResponse resp;
    return d.cases->SubmitCaseForm(Ctx().get(), req, &resp);
  }

  grpc::Status Get(Desk& d, const std::string& branch, int64_t case_id, pb::Case* out,
                   int64_t ticket_id = 0) {
    pb::GetCaseRequest req;
    req.set_branch_id(branch);
    req.set_case_id(case_id);
    req.set_ticket_id(ticket_id);
    pb::GetCaseResponse resp;
    grpc::Status st = d.cases->GetCase(Ctx().get(), req, &resp);
    *out = resp.sim_case();
    return st;
  }

  // Answers the case's question right.
  grpc::Status PassIdentity(Desk& d, const std::string& branch, int64_t case_id) {
    pb::Case c;
    grpc::Status st = Get(d, branch, case_id, &c);
    if (!st.ok()) return st;
    pb::CheckIdentityRequest req;
    req.set_branch_id(branch);
    req.set_case_id(case_id);
    req.set_document_type(pb::DOCUMENT_TYPE_RU_PASSPORT);
    req.set_document_number(kDoc);
    req.set_face_matches(true);
    req.set_answer(c.question().find("top-up") != std::string::npos ? std::to_string(kTopUp)
                                                                     : "+79031112233");
    pb::CheckIdentityResponse resp;
    st = d.cases->CheckIdentity(Ctx().get(), req, &resp);
    EXPECT_TRUE(resp.passed()) << c.question();
    return st;
  }

  grpc::Status Pay(Desk& d, const std::string& branch, int64_t case_id) {
    pb::RecordPaymentRequest req;
    req.set_branch_id(branch);
    req.set_case_id(case_id);
    req.set_method(pb::PAYMENT_METHOD_CASH);
    pb::RecordPaymentResponse resp;
    return d.cases->RecordPayment(Ctx().get(), req, &resp);
  }

  grpc::Status Park(Desk& d, const std::string& branch, const std::string& counter) {
    pb::ParkTicketRequest req;
    req.set_branch_id(branch);
    req.set_counter_id(counter);
    req.set_ticket_id(ticket_id_);
    pb::ParkTicketResponse resp;
    return d.counter->ParkTicket(Ctx().get(), req, &resp);
  }

  // Audit rows whose action is `action`, as "actor|detail".
  std::vector<std::string> Audit(const std::string& action) {
    std::vector<std::string> out;
    // `action` is one of this file's literals, never input.
    auto rows = server_.db().Query("SELECT actor, detail FROM audit_log WHERE action = '" +
                                   action + "' ORDER BY seq");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok()) return out;
    for (const auto& r : *rows) out.push_back(r[0] + "|" + r[1]);
    return out;
  }

  testing::TestServer server_;
  Desk clerk1_, clerk2_, super_;
  std::unique_ptr<pb::KioskService::Stub> kiosk_;
  int seq_ = 0;
  int64_t ticket_id_ = 0;
};

TEST_F(CaseAccessTest, AClosedCounterDoesNotOpenItsParkedCaseToAnotherClerk) {
  ASSERT_TRUE(OpenCounter(clerk1_, "test", "1").ok());
  ASSERT_TRUE(OpenCounter(clerk2_, "test", "2").ok());
  const int64_t id = ServeCase(clerk1_, "test", "1");
  ASSERT_TRUE(SubmitForm(clerk1_, "test", id).ok());
  ASSERT_TRUE(PassIdentity(clerk1_, "test", id).ok());
  ASSERT_TRUE(Park(clerk1_, "test", "1").ok());
  ASSERT_TRUE(CloseCounter(clerk1_, "test", "1").ok());

  grpc::Status paid = Pay(clerk2_, "test", id);
  EXPECT_EQ(paid.error_code(), grpc::StatusCode::PERMISSION_DENIED) << paid.error_message();
  EXPECT_NE(paid.error_message().find("counter 1"), std::string::npos) << paid.error_message();
  pb::Case c;
  EXPECT_EQ(Get(clerk2_, "test", id, &c).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // The owner too must open the counter again first.
  EXPECT_EQ(Pay(clerk1_, "test", id).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Nothing changed; a supervisor may act whatever the counter's state.
  ASSERT_TRUE(Get(super_, "test", id, &c).ok());
  EXPECT_EQ(c.state(), pb::CASE_STATE_AWAITING_PAYMENT);
  for (const auto& r : c.records()) EXPECT_EQ(r.actor().find("clerk2"), std::string::npos);
  grpc::Status by_supervisor = Pay(super_, "test", id);
  EXPECT_TRUE(by_supervisor.ok()) << by_supervisor.error_message();
  ASSERT_TRUE(Get(super_, "test", id, &c).ok());
  EXPECT_EQ(c.state(), pb::CASE_STATE_AWAITING_CARD);
  EXPECT_EQ(c.records(c.records_size() - 1).actor(), "supervisor:super1");

  // The parked case stays with counter 1: whoever opens it next takes it on.
  ASSERT_TRUE(CloseCounter(clerk2_, "test", "2").ok());
  ASSERT_TRUE(OpenCounter(clerk2_, "test", "1").ok());
  EXPECT_TRUE(Get(clerk2_, "test", id, &c).ok());
}

TEST_F(CaseAccessTest, ReadingACaseNeedsItsCounterAndTheRegisterOnlyAfterItsOwnIdentityCheck) {
  ASSERT_TRUE(OpenCounter(clerk1_, "test", "1").ok());
  ASSERT_TRUE(OpenCounter(clerk2_, "test", "2").ok());
  const int64_t id = ServeCase(clerk1_, "test", "1");
  ASSERT_TRUE(SubmitForm(clerk1_, "test", id).ok());

  pb::Case c;
  ASSERT_TRUE(Get(clerk1_, "test", id, &c).ok());
  EXPECT_FALSE(c.has_account()) << "no register data before the identity check";
  ASSERT_TRUE(PassIdentity(clerk1_, "test", id).ok());
  ASSERT_TRUE(Get(clerk1_, "test", id, &c).ok());
  EXPECT_TRUE(c.has_account());
  EXPECT_EQ(c.account().active_iccid_last4(), TestIccid(1).substr(TestIccid(1).size() - 4));

  grpc::Status by_id = Get(clerk2_, "test", id, &c);
  EXPECT_EQ(by_id.error_code(), grpc::StatusCode::PERMISSION_DENIED) << by_id.error_message();
  EXPECT_FALSE(c.has_account());
  grpc::Status by_ticket = Get(clerk2_, "test", 0, &c, ticket_id_);
  EXPECT_EQ(by_ticket.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << by_ticket.error_message();
  EXPECT_FALSE(c.has_account());
  EXPECT_TRUE(Get(super_, "test", id, &c).ok());
}

// A fee of 0 (format change in the test fee table) reaches the API as
// PAYMENT_METHOD_NO_FEE, settled by the identity check: no payment step.
TEST_F(CaseAccessTest, AZeroFeeIsSettledAsNoFeeThroughTheApi) {
  ASSERT_TRUE(OpenCounter(clerk1_, "test", "1").ok());
  const int64_t id = ServeCase(clerk1_, "test", "1");
  ASSERT_TRUE(SubmitForm(clerk1_, "test", id, pb::REPLACEMENT_REASON_FORMAT_CHANGE).ok());
  ASSERT_TRUE(PassIdentity(clerk1_, "test", id).ok());
  pb::Case c;
  ASSERT_TRUE(Get(clerk1_, "test", id, &c).ok());
  EXPECT_EQ(c.fee_roubles(), 0);
  EXPECT_EQ(c.payment_method(), pb::PAYMENT_METHOD_NO_FEE);
  EXPECT_EQ(c.state(), pb::CASE_STATE_AWAITING_CARD);
  EXPECT_TRUE(c.receipt_number().empty());
  grpc::Status pay = Pay(clerk1_, "test", id);
  EXPECT_EQ(pay.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << pay.error_message();
}

TEST_F(CaseAccessTest, ANumberHasOneOpenCaseAcrossBranchesAndASecondIsAuditedAsAFraudSignal) {
  ASSERT_TRUE(OpenCounter(clerk1_, "test", "1").ok());
  ASSERT_TRUE(OpenCounter(clerk2_, "test", "2").ok());
  const int64_t first = ServeCase(clerk1_, "test", "1");
  ASSERT_TRUE(SubmitForm(clerk1_, "test", first).ok());
  ASSERT_TRUE(PassIdentity(clerk1_, "test", first).ok());
  ASSERT_TRUE(Pay(clerk1_, "test", first).ok());
  pb::IssueCardRequest issue;
  issue.set_branch_id("test");
  issue.set_case_id(first);
  issue.set_iccid(TestIccid(100));
  pb::IssueCardResponse issued;
  ASSERT_TRUE(clerk1_.cases->IssueCard(Ctx().get(), issue, &issued).ok());

  // Here, at another counter...
  const int64_t second = ServeCase(clerk2_, "test", "2");
  grpc::Status here = SubmitForm(clerk2_, "test", second);
  EXPECT_EQ(here.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << here.error_message();
  EXPECT_NE(here.error_message().find("case " + std::to_string(first)), std::string::npos)
      << here.error_message();
  EXPECT_NE(here.error_message().find("branch test, counter 1"), std::string::npos)
      << here.error_message();
  EXPECT_EQ(here.error_message().find("9161112233"), std::string::npos) << "phone masked";
  // ... and in another branch.
  ASSERT_TRUE(OpenCounter(super_, "test2", "1").ok());
  const int64_t third = ServeCase(super_, "test2", "1");
  EXPECT_EQ(SubmitForm(super_, "test2", third).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  pb::Case c;
  ASSERT_TRUE(Get(clerk2_, "test", second, &c).ok());
  EXPECT_EQ(c.state(), pb::CASE_STATE_AWAITING_FORM) << "the refused form changed nothing";
  std::vector<std::string> refused = Audit("case.refused");
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_NE(refused[0].find("clerk:clerk2|"), std::string::npos) << refused[0];
  EXPECT_NE(refused[0].find("open_case_elsewhere other_case=" + std::to_string(first)),
            std::string::npos)
      << refused[0];

  // Once the first case ends, the number is free for a new one.
  pb::BlockOldCardRequest block;
  block.set_branch_id("test");
  block.set_case_id(first);
  pb::BlockOldCardResponse blocked;
  ASSERT_TRUE(clerk1_.cases->BlockOldCard(Ctx().get(), block, &blocked).ok());
  pb::CloseCaseRequest close;
  close.set_branch_id("test");
  close.set_case_id(first);
  pb::CloseCaseResponse closed;
  ASSERT_TRUE(clerk1_.cases->CloseCase(Ctx().get(), close, &closed).ok());
  grpc::Status now = SubmitForm(clerk2_, "test", second);
  EXPECT_TRUE(now.ok()) << now.error_message();
}

}  // namespace
}  // namespace shop::queue
