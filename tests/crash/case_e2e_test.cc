// The SIM-replacement case end to end through the real queue-server binary:
// register loaded with `queue-server register-load`, a clerk who logs in,
// ticket -> case -> every step -> closed with the notice in the outbox; bad
// forms answered with every bad field; three wrong answers lock the number,
// the lock survives a restart, and a supervisor's unlock is audited. Then the
// server's whole log output and the database files are scanned for the
// personal data used: no raw document number anywhere, no full phone number
// in the log.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "common/client/rpc.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "shop/queue/v1/auth_service.grpc.pb.h"
#include "shop/queue/v1/case_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/support/server_process.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;
using testing::TestIccid;

// Known personal data, so the scan knows what to look for.
constexpr const char* kPhoneA = "+79161112233";
constexpr const char* kDocA = "4509 112233";
constexpr const char* kNameA = "Ivanov Ivan Ivanovich";
constexpr const char* kPhoneB = "+79035556677";
constexpr const char* kDocB = "4510 556677";
constexpr int kTopUpA = 750;
constexpr int kTopUpB = 420;
constexpr const char* kCalledA = "+79267778899";
constexpr const char* kCalledB = "+79998887766";

int RunCommand(const std::string& cmd, std::string* output = nullptr) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::array<char, 512> buf;
  std::string out;
  while (fgets(buf.data(), buf.size(), p)) out += buf.data();
  int status = pclose(p);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int64_t Count(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr);
  int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

std::string Digits(const std::string& s) {
  std::string d;
  for (char c : s)
    if (c >= '0' && c <= '9') d += c;
  return d;
}

class CaseProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("q.db");
    log_ = dir_.File("server.log");
    const std::string bin = QUEUE_SERVER_PATH;
    // The register: two subscribers and blank megafon cards for branch demo.
    std::ofstream reg(dir_.File("register.json"));
    reg << R"({"subscribers": [
      {"phone": ")" << kPhoneA << R"(", "operator": "megafon", "holder_name": ")" << kNameA
        << R"(", "document_type": "ru_passport", "document_number": ")" << kDocA
        << R"(", "active_iccid": ")" << TestIccid(1) << R"(",
       "recent_topups_roubles": [)" << kTopUpA << R"(, 100], "recent_calls": [")" << kCalledA
        << R"("]},
      {"phone": ")" << kPhoneB << R"(", "operator": "megafon", "holder_name": "Petrova Anna",
       "document_type": "ru_passport", "document_number": ")" << kDocB
        << R"(", "active_iccid": ")" << TestIccid(2) << R"(",
       "recent_topups_roubles": [)" << kTopUpB << R"(], "recent_calls": [")" << kCalledB
        << R"("]}],
     "stock": [)";
    for (int i = 10; i < 20; ++i)
      reg << (i > 10 ? "," : "") << R"({"branch": "demo", "operator": "megafon", "iccid": ")"
          << TestIccid(i) << R"("})";
    reg << "]}\n";
    reg.close();
    // Serving creates the database; the admin commands run while it serves.
    StartServer();
    std::string out;
    ASSERT_EQ(RunCommand(bin + " register-load '" + dir_.File("register.json") + "' --db '" + db_ + "'",
                  &out),
              0)
        << out;
    ASSERT_EQ(RunCommand("echo clerk-password | " + bin + " staff-add --db '" + db_ +
                  "' --login clerk7 --name 'Clerk Seven' --role clerk"),
              0);
    ASSERT_EQ(RunCommand("echo boss-password | " + bin + " staff-add --db '" + db_ +
                  "' --login boss --name 'The Boss' --role supervisor"),
              0);
    Connect();
  }

  // Starts (or restarts) the server and logs the clerk in.
  void Start() {
    StartServer();
    Connect();
  }

  void StartServer() {
    server_.reset();
    server_ = std::make_unique<testing::ServerProcess>(
        QUEUE_SERVER_PATH, db_, dir_.path().string(),
        std::vector<std::string>{"--log-level", "debug"}, log_);
    ASSERT_GT(server_->port(), 0);
  }

  void Connect() {
    // The clerk's own session.
    auto auth = pb::AuthService::NewStub(client::MakeChannel(server_->address()));
    grpc::ClientContext ctx;
    pb::LoginRequest req;
    req.set_login("clerk7");
    req.set_password("clerk-password");
    pb::LoginResponse resp;
    ASSERT_TRUE(auth->Login(&ctx, req, &resp).ok());
    auto channel = client::CreateChannelWithToken(
        server_->address(), grpc::InsecureChannelCredentials(), resp.token(), {});
    counter_ = pb::CounterService::NewStub(channel);
    cases_ = pb::CaseService::NewStub(channel);
    kiosk_ = pb::KioskService::NewStub(server_->NewChannel());
  }

  // Takes an R ticket, and the clerk calls and starts it: the case id.
  int64_t ServeCase() {
    if (!counter_open_) {
      grpc::ClientContext ctx;
      pb::OpenCounterRequest req;
      req.set_branch_id("demo");
      req.set_counter_id("1");
      req.add_service_prefixes("R");
      pb::OpenCounterResponse resp;
      EXPECT_TRUE(counter_->OpenCounter(&ctx, req, &resp).ok());
      counter_open_ = true;
    }
    {
      grpc::ClientContext ctx;
      pb::CreateTicketRequest req;
      req.set_branch_id("demo");
      req.set_service_prefix("R");
      req.set_request_id("t-" + std::to_string(++seq_));
      pb::CreateTicketResponse resp;
      EXPECT_TRUE(kiosk_->CreateTicket(&ctx, req, &resp).ok());
    }
    int64_t ticket = 0;
    {
      grpc::ClientContext ctx;
      pb::CallNextTicketRequest req;
      req.set_branch_id("demo");
      req.set_counter_id("1");
      req.set_request_id("c-" + std::to_string(++seq_));
      pb::CallNextTicketResponse resp;
      auto st = counter_->CallNextTicket(&ctx, req, &resp);
      EXPECT_TRUE(st.ok()) << st.error_message();
      ticket = resp.ticket().ticket_id();
    }
    grpc::ClientContext ctx;
    pb::StartTicketRequest req;
    req.set_branch_id("demo");
    req.set_counter_id("1");
    req.set_ticket_id(ticket);
    pb::StartTicketResponse resp;
    EXPECT_TRUE(counter_->StartTicket(&ctx, req, &resp).ok());
    EXPECT_GT(resp.case_id(), 0) << "starting an R ticket opens a case";
    return resp.case_id();
  }

  grpc::Status SubmitForm(int64_t id, const std::string& phone, const std::string& doc,
                          pb::Case* out) {
    grpc::ClientContext ctx;
    pb::SubmitCaseFormRequest req;
    req.set_branch_id("demo");
    req.set_case_id(id);
    auto* f = req.mutable_form();
    f->set_phone(phone);
    f->set_operator_id("megafon");
    f->set_reason(pb::REPLACEMENT_REASON_LOST);
    f->set_full_name(kNameA);
    f->set_document_type(pb::DOCUMENT_TYPE_RU_PASSPORT);
    f->set_document_number(doc);
    f->set_contact("ivan@example.org");
    f->set_consent(true);
    pb::SubmitCaseFormResponse resp;
    auto st = cases_->SubmitCaseForm(&ctx, req, &resp);
    if (out) *out = resp.sim_case();
    return st;
  }

  pb::CheckIdentityResponse Identity(int64_t id, const pb::Case& c, const std::string& doc,
                                     bool right, int topup, const std::string& called) {
    grpc::ClientContext ctx;
    pb::CheckIdentityRequest req;
    req.set_branch_id("demo");
    req.set_case_id(id);
    req.set_document_type(pb::DOCUMENT_TYPE_RU_PASSPORT);
    req.set_document_number(doc);
    req.set_face_matches(true);
    bool topup_question = c.question().find("top-up") != std::string::npos;
    req.set_answer(!right ? "1" : topup_question ? std::to_string(topup) : called);
    pb::CheckIdentityResponse resp;
    last_status_ = cases_->CheckIdentity(&ctx, req, &resp);
    return resp;
  }

  pb::Case GetCase(int64_t id) {
    grpc::ClientContext ctx;
    pb::GetCaseRequest req;
    req.set_branch_id("demo");
    req.set_case_id(id);
    pb::GetCaseResponse resp;
    EXPECT_TRUE(cases_->GetCase(&ctx, req, &resp).ok());
    return resp.sim_case();
  }

  testing::TempDir dir_;
  std::string db_, log_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<pb::CounterService::Stub> counter_;
  std::unique_ptr<pb::CaseService::Stub> cases_;
  std::unique_ptr<pb::KioskService::Stub> kiosk_;
  grpc::Status last_status_;
  bool counter_open_ = false;
  int seq_ = 0;
};

TEST_F(CaseProcessTest, ACaseWalksEveryStepThenTheNumberLocksAndNothingPersonalLeaks) {
  // --- A bad form: every bad field comes back at once, in the details. ---
  int64_t id = ServeCase();
  {
    grpc::ClientContext ctx;
    pb::SubmitCaseFormRequest req;
    req.set_branch_id("demo");
    req.set_case_id(id);
    req.mutable_form()->set_phone("12345");
    req.mutable_form()->set_operator_id("megafon");
    req.mutable_form()->set_document_type(pb::DOCUMENT_TYPE_RU_PASSPORT);
    req.mutable_form()->set_document_number("45");
    pb::SubmitCaseFormResponse resp;
    auto st = cases_->SubmitCaseForm(&ctx, req, &resp);
    ASSERT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    google::rpc::Status details;
    ASSERT_TRUE(details.ParseFromString(st.error_details()));
    ASSERT_EQ(details.details_size(), 1);
    google::rpc::BadRequest bad;
    ASSERT_TRUE(details.details(0).UnpackTo(&bad));
    std::set<std::string> fields;
    for (const auto& v : bad.field_violations()) fields.insert(v.field());
    for (const char* f : {"phone", "reason", "full_name", "document_number", "contact", "consent"})
      EXPECT_TRUE(fields.count(f)) << f << " missing; got " << details.message();
  }

  // --- The whole case. ---
  pb::Case c;
  auto st = SubmitForm(id, "8 (916) 111-22-33", kDocA, &c);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(c.state(), pb::CASE_STATE_AWAITING_IDENTITY);
  EXPECT_EQ(c.phone_masked(), "+7******2233");
  EXPECT_FALSE(c.has_account()) << "no register data before the check";
  auto idn = Identity(id, c, kDocA, true, kTopUpA, kCalledA);
  ASSERT_TRUE(last_status_.ok()) << last_status_.error_message();
  ASSERT_TRUE(idn.passed());
  EXPECT_TRUE(idn.sim_case().has_account());
  {
    grpc::ClientContext ctx;
    pb::RecordPaymentRequest req;
    req.set_branch_id("demo");
    req.set_case_id(id);
    req.set_method(pb::PAYMENT_METHOD_CASH);
    pb::RecordPaymentResponse resp;
    ASSERT_TRUE(cases_->RecordPayment(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.sim_case().fee_roubles(), 300);
    EXPECT_FALSE(resp.sim_case().receipt_number().empty());
  }
  {
    grpc::ClientContext ctx;
    pb::IssueCardRequest req;
    req.set_branch_id("demo");
    req.set_case_id(id);
    req.set_iccid(TestIccid(10));
    pb::IssueCardResponse resp;
    auto s = cases_->IssueCard(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  {
    grpc::ClientContext ctx;
    pb::BlockOldCardRequest req;
    req.set_branch_id("demo");
    req.set_case_id(id);
    pb::BlockOldCardResponse resp;
    auto s = cases_->BlockOldCard(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  {
    grpc::ClientContext ctx;
    pb::CloseCaseRequest req;
    req.set_branch_id("demo");
    req.set_case_id(id);
    pb::CloseCaseResponse resp;
    auto s = cases_->CloseCase(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.sim_case().state(), pb::CASE_STATE_CLOSED);
    EXPECT_NE(resp.summary().find("+7******2233"), std::string::npos) << resp.summary();
  }
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM outbox WHERE subject = 'case:" + std::to_string(id) +
                           "' AND text LIKE '%was replaced%'"),
            2);
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM sim_cards WHERE state = 'active' AND iccid = '" +
                           TestIccid(10) + "'"),
            1);

  // --- Brute force: three wrong answers lock the number B. ---
  int64_t second = ServeCase();
  ASSERT_TRUE(SubmitForm(second, kPhoneB, kDocB, &c).ok());
  for (int i = 0; i < 3; ++i) {
    auto r = Identity(second, GetCase(second), kDocB, false, kTopUpB, kCalledB);
    ASSERT_TRUE(last_status_.ok()) << last_status_.error_message();
    EXPECT_FALSE(r.passed());
    EXPECT_EQ(r.locked(), i == 2);
  }
  // The lock holds across a restart.
  server_->Stop(SIGTERM);
  Start();
  Identity(second, GetCase(second), kDocB, true, kTopUpB, kCalledB);
  EXPECT_EQ(last_status_.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << last_status_.error_message();
  // A supervisor unlocks it with his own credentials at the clerk's counter.
  {
    grpc::ClientContext ctx;
    pb::UnlockNumberRequest req;
    req.set_branch_id("demo");
    req.set_phone(kPhoneB);
    req.set_reason("customer identified by the branch manager");
    req.mutable_supervisor()->set_login("boss");
    req.mutable_supervisor()->set_password("boss-password");
    pb::UnlockNumberResponse resp;
    auto s = cases_->UnlockNumber(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  auto passed = Identity(second, GetCase(second), kDocB, true, kTopUpB, kCalledB);
  ASSERT_TRUE(last_status_.ok()) << last_status_.error_message();
  EXPECT_TRUE(passed.passed());
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM audit_log WHERE action = 'sim.unlock' AND "
                       "actor = 'clerk:clerk7' AND detail LIKE '%supervisor=supervisor:boss%'"),
            1);
  server_->Stop(SIGTERM);

  std::string verify;
  EXPECT_EQ(RunCommand(std::string(QUEUE_SERVER_PATH) + " verify-audit --db '" + db_ + "'", &verify), 0)
      << verify;

  // --- The scan. ---
  const std::string log = ReadAll(log_);
  ASSERT_NE(log.find("form accepted"), std::string::npos) << "the log was captured";
  std::string files = ReadAll(db_) + ReadAll(db_ + "-wal");
  for (const char* doc : {kDocA, kDocB}) {
    for (const std::string& form : {std::string(doc), Digits(doc)}) {
      EXPECT_EQ(log.find(form), std::string::npos) << "document number in the log: " << form;
      EXPECT_EQ(files.find(form), std::string::npos) << "document number in the database";
    }
  }
  for (const char* phone : {kPhoneA, kPhoneB}) {
    std::string national = Digits(phone).substr(1);  // 9161112233
    EXPECT_EQ(log.find(national), std::string::npos) << "phone number in the log: " << phone;
  }
  EXPECT_EQ(log.find("Ivanov Ivan"), std::string::npos) << "full name in the log";
}

}  // namespace
}  // namespace shop::queue
