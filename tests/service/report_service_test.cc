// ReportService over a real in-process server: supervisors and admins get
// the report (CSV, HTML) of what the counters did; clerks, devices and
// strangers are refused; every bad field is named.
#include <gtest/gtest.h>

#include "shop/queue/v1/report_service.grpc.pb.h"
#include "tests/service/test_server.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;
using testing::At;

constexpr const char* kZone = "Europe/Moscow";  // TestConfig's

class ReportServiceTest : public ::testing::Test {
 protected:
  ReportServiceTest()
      : clock_(std::make_shared<ManualClock>(At(kZone, 2026, 3, 10, 9, 0))), server_(clock_) {}

  std::unique_ptr<pb::ReportService::Stub> Reports(const std::string& token) {
    return pb::ReportService::NewStub(server_.ChannelWith(token));
  }

  static pb::GetReportRequest Request(pb::ReportFormat format = pb::REPORT_FORMAT_CSV) {
    pb::GetReportRequest r;
    r.set_branch_id("test");
    r.set_from_date("2026-03-10");
    r.set_to_date("2026-03-10");
    r.set_granularity(pb::REPORT_GRANULARITY_HOUR);
    r.set_format(format);
    return r;
  }

  static grpc::Status Get(pb::ReportService::StubInterface& stub, const pb::GetReportRequest& req,
                          pb::GetReportResponse* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return stub.GetReport(&ctx, req, resp);
  }

  // One ticket: issued 09:00, called 09:12, started 09:13, done 09:21, at
  // counter 1 opened by the supervisor.
  void ServeOne() {
    auto kiosk = pb::KioskService::NewStub(server_.Channel());
    auto counter = pb::CounterService::NewStub(server_.Channel());
    ASSERT_TRUE(testing::OpenCounter(*counter, "1").ok());
    ASSERT_TRUE(testing::TakeTicket(*kiosk, "R", "r-1").ok());
    clock_->Advance(absl::Minutes(12));
    pb::Ticket t;
    ASSERT_TRUE(testing::CallNext(*counter, "1", "c-1", &t).ok());
    clock_->Advance(absl::Minutes(1));
    {
      grpc::ClientContext ctx;
      pb::StartTicketRequest req;
      req.set_branch_id("test");
      req.set_counter_id("1");
      req.set_ticket_id(t.ticket_id());
      pb::StartTicketResponse resp;
      ASSERT_TRUE(counter->StartTicket(&ctx, req, &resp).ok());
    }
    clock_->Advance(absl::Minutes(8));
    {
      grpc::ClientContext ctx;
      pb::CompleteTicketRequest req;
      req.set_branch_id("test");
      req.set_counter_id("1");
      req.set_ticket_id(t.ticket_id());
      pb::CompleteTicketResponse resp;
      ASSERT_TRUE(counter->CompleteTicket(&ctx, req, &resp).ok());
    }
    clock_->Advance(absl::Minutes(39));  // 10:00
  }

  std::shared_ptr<ManualClock> clock_;
  testing::TestServer server_;
};

TEST_F(ReportServiceTest, SupervisorGetsTheCsv) {
  ServeOne();
  auto stub = Reports(server_.StaffToken(Role::kSupervisor, "olga"));
  pb::GetReportResponse resp;
  grpc::Status st = Get(*stub, Request(), &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(resp.content_type(), "text/csv; charset=utf-8");
  EXPECT_EQ(resp.file_name(), "report-test-2026-03-10-2026-03-10-hour.csv");
  const std::string& csv = resp.content();
  // The online applications' columns come last.
  EXPECT_NE(csv.find(",remote_applied,remote_approved,remote_rejected,remote_dispatched,"
                     "remote_activated,remote_cancelled,remote_locked,remote_failed_checks\r\n"),
            std::string::npos)
      << csv;
  // The whole day: 1 issued, 1 served, waited 12 min, walked 1, served 8.
  EXPECT_NE(csv.find("\r\nbranch,test,2026-03-10,2026-03-10,1,1,0,0,0,1,720,720,720,1,60,60,1,480,"
                     "480,"),
            std::string::npos)
      << csv;
  // The 09:00 hour, under the clerk who held counter 1 (the supervisor
  // opened it): busy 8 min, idle 52.
  EXPECT_NE(csv.find("\r\nclerk," + std::string(testing::TestServer::kSupervisorLogin) +
                     ",2026-03-10T09:00+03:00,2026-03-10T10:00+03:00,,1,0,,,1,720,720,720,1,60,60,"
                     "1,480,480,480,3120,"),
            std::string::npos)
      << csv;
}

TEST_F(ReportServiceTest, AdminGetsTheHtmlPage) {
  ServeOne();
  auto stub = Reports(server_.StaffToken(Role::kAdmin, "root"));
  pb::GetReportResponse resp;
  auto req = Request(pb::REPORT_FORMAT_HTML);
  req.set_granularity(pb::REPORT_GRANULARITY_DAY);
  ASSERT_TRUE(Get(*stub, req, &resp).ok());
  EXPECT_EQ(resp.content_type(), "text/html; charset=utf-8");
  const std::string& html = resp.content();
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_NE(html.find("12:00 / 12:00"), std::string::npos);  // wait p50 / p90
}

TEST_F(ReportServiceTest, ClerksDevicesAndStrangersAreRefused) {
  pb::GetReportResponse resp;
  for (Role role : {Role::kClerk, Role::kKiosk, Role::kBoard}) {
    auto stub = Reports(server_.Token(role));
    EXPECT_EQ(Get(*stub, Request(), &resp).error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << RoleName(role);
  }
  auto anonymous = pb::ReportService::NewStub(server_.AnonymousChannel());
  EXPECT_EQ(Get(*anonymous, Request(), &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ReportServiceTest, BadFieldsAreNamed) {
  auto stub = Reports(server_.StaffToken(Role::kSupervisor, "olga"));
  auto expect_bad = [&](pb::GetReportRequest req, const std::string& field) {
    pb::GetReportResponse resp;
    grpc::Status st = Get(*stub, req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_EQ(st.error_message().rfind(field, 0), 0u) << st.error_message();
  };
  auto r = Request();
  r.clear_branch_id();
  expect_bad(r, "branch_id");
  r = Request();
  r.set_from_date("2026-02-30");
  expect_bad(r, "from_date");
  r = Request();
  r.set_to_date("tomorrow");
  expect_bad(r, "to_date");
  r = Request();
  r.set_to_date("2026-03-09");  // before from_date
  expect_bad(r, "to_date");
  r = Request();
  r.set_to_date("2026-05-10");  // by hour: at most 31 days
  expect_bad(r, "to_date");
  r = Request();
  r.set_from_date("2025-01-01");
  r.set_granularity(pb::REPORT_GRANULARITY_DAY);  // 434 days
  expect_bad(r, "to_date");
  r = Request();
  r.clear_granularity();
  expect_bad(r, "granularity");
  r = Request();
  r.set_format(static_cast<pb::ReportFormat>(9));
  expect_bad(r, "format");
  r = Request();
  r.set_branch_id("nowhere");
  pb::GetReportResponse resp;
  EXPECT_EQ(Get(*stub, r, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace shop::queue
