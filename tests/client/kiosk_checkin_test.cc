// Booking check-in at the kiosk: the slip of an appointment ticket (slot
// time) and of a late check-in (the walk-in lines), KioskClient's
// CheckInBooking against a fake KioskService (retried; branch and service
// read for the slip, best effort), and the 'b' key of the kiosk screen driven
// by piped input.
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/client/keys.h"
#include "common/client/text.h"
#include "kiosk/kiosk_client.h"
#include "kiosk/kiosk_console.h"
#include "kiosk/slip.h"
#include "tests/client/in_process_server.h"
#include "tests/client/piped_input.h"

namespace shop::queue::kiosk {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kIssued = 1714561500;          // 2024-05-01 11:05 UTC = 14:05 in Moscow
constexpr int64_t kSlot = kIssued + 25 * 60;     // 14:30 in Moscow

v1::CreateTicketResponse CheckedIn(bool late) {
  v1::CreateTicketResponse issued;
  issued.mutable_branch()->set_display_name("Tverskaya 1");
  issued.mutable_branch()->set_time_zone("Europe/Moscow");
  v1::Service* service = issued.mutable_service();
  service->set_prefix("R");
  service->set_name_ru("Замена SIM-карты");
  service->set_name_en("SIM card replacement");
  service->set_name_zh("补办SIM卡");
  v1::Ticket* ticket = issued.mutable_ticket();
  ticket->set_ticket_id(43);
  ticket->set_display_number("R018");
  ticket->set_service_prefix("R");
  ticket->set_business_day("2024-05-01");
  ticket->set_state(v1::TICKET_STATE_WAITING);
  ticket->set_origin(late ? v1::TICKET_ORIGIN_WALK_IN : v1::TICKET_ORIGIN_APPOINTMENT);
  ticket->mutable_issue_time()->set_seconds(late ? kSlot + 40 * 60 : kIssued);
  if (!late) ticket->mutable_due_time()->set_seconds(kSlot);
  ticket->set_position(late ? 4 : 0);
  ticket->mutable_estimated_wait()->set_seconds(late ? 900 : 0);
  return issued;
}

google::protobuf::Timestamp SlotStart() {
  google::protobuf::Timestamp t;
  t.set_seconds(kSlot);
  return t;
}

// --- the slip ------------------------------------------------------------------

TEST(CheckInSlipTest, OnTimeShowsTheSlotTimeAndNoLateLines) {
  const std::string en = FormatCheckInSlip(CheckedIn(false), false, SlotStart(), v1::LANGUAGE_EN);
  EXPECT_THAT(en, HasSubstr("Tverskaya 1\n"));
  EXPECT_THAT(en, HasSubstr("SIM card replacement\n"));
  EXPECT_THAT(en, HasSubstr("R018\n"));
  EXPECT_THAT(en, HasSubstr("Issued: 14:05\n"));
  EXPECT_THAT(en, HasSubstr("Appointment at: 14:30\n"));
  EXPECT_THAT(en, Not(HasSubstr("check-in window")));
  EXPECT_THAT(en, Not(HasSubstr("walk-in")));
  EXPECT_THAT(FormatCheckInSlip(CheckedIn(false), false, SlotStart(), v1::LANGUAGE_RU),
              HasSubstr("Время записи: 14:30\n"));
  EXPECT_THAT(FormatCheckInSlip(CheckedIn(false), false, SlotStart(), v1::LANGUAGE_ZH),
              HasSubstr("预约时间：14:30\n"));
}

TEST(CheckInSlipTest, LateSaysItIsAWalkInTicket) {
  const std::string en = FormatCheckInSlip(CheckedIn(true), true, SlotStart(), v1::LANGUAGE_EN);
  EXPECT_THAT(en, HasSubstr("R018\n"));
  EXPECT_THAT(en, HasSubstr("! You came after your check-in window:\n"
                            "! this is a walk-in ticket\n"));
  EXPECT_THAT(en, HasSubstr("Your appointment was at: 14:30\n"));
  EXPECT_THAT(en, HasSubstr("Issued: 15:10\n"));
  EXPECT_THAT(en, HasSubstr("People ahead: 4\n"));
  EXPECT_THAT(en, Not(HasSubstr("Appointment at")));

  const std::string ru = FormatCheckInSlip(CheckedIn(true), true, SlotStart(), v1::LANGUAGE_RU);
  EXPECT_THAT(ru, HasSubstr("! Вы пришли после окна регистрации:\n! это талон живой очереди\n"));
  EXPECT_THAT(ru, HasSubstr("Вы были записаны на: 14:30\n"));
  const std::string zh = FormatCheckInSlip(CheckedIn(true), true, SlotStart(), v1::LANGUAGE_ZH);
  EXPECT_THAT(zh, HasSubstr("! 您在签到时间之后到达：\n! 这是普通排队号票\n"));
  EXPECT_THAT(zh, HasSubstr("您的预约时间：14:30\n"));
}

TEST(CheckInSlipTest, LateLinesFitTheSlip) {
  for (v1::Language language : {v1::LANGUAGE_RU, v1::LANGUAGE_EN, v1::LANGUAGE_ZH}) {
    std::istringstream lines(FormatCheckInSlip(CheckedIn(true), true, SlotStart(), language));
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("! ", 0) == 0) {
        EXPECT_LE(client::DisplayWidth(line), kSlipWidth) << line;
      }
    }
  }
}

TEST(CheckInSlipTest, WithoutBranchAndServiceNamesTheSlipStillPrints) {
  v1::CreateTicketResponse issued;
  *issued.mutable_ticket() = CheckedIn(false).ticket();
  issued.mutable_service()->set_prefix("R");
  const std::string slip = FormatCheckInSlip(issued, false, SlotStart(), v1::LANGUAGE_EN);
  EXPECT_THAT(slip, HasSubstr("========================================\nR\n----"));
  EXPECT_THAT(slip, HasSubstr("Appointment at: "));
}

TEST(CheckInSlipTest, OrdinarySlipOfAnAppointmentTicketStillShowsItsDueTime) {
  EXPECT_THAT(FormatSlip(CheckedIn(false), v1::LANGUAGE_EN), HasSubstr("Appointment at: 14:30\n"));
}

// --- KioskClient::CheckInBooking ------------------------------------------------

class FakeKiosk final : public v1::KioskService::Service {
 public:
  std::atomic<int> unavailable_checkins{0};
  std::atomic<bool> branch_fails{false};

  grpc::Status CheckInBooking(grpc::ServerContext*, const v1::CheckInBookingRequest* request,
                              v1::CheckInBookingResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(*request);
    }
    if (unavailable_checkins.fetch_sub(1) > 0) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "try again");
    }
    if (request->code() == "EARLY-0000") {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "too early: check in from 14:00");
    }
    if (request->code() == "USED-0000") {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "this booking is already checked in");
    }
    if (request->code() != "K7M2-QX9D") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no booking with this code");
    }
    const bool late = request->branch_id() == "late";
    *response->mutable_ticket() = CheckedIn(late).ticket();
    response->mutable_ticket()->set_language(v1::LANGUAGE_EN);
    response->set_late(late);
    response->mutable_start_time()->set_seconds(kSlot);
    return grpc::Status::OK;
  }

  grpc::Status GetBranch(grpc::ServerContext*, const v1::GetBranchRequest*,
                         v1::GetBranchResponse* response) override {
    if (branch_fails) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
    *response->mutable_branch() = CheckedIn(false).branch();
    return grpc::Status::OK;
  }

  grpc::Status ListServices(grpc::ServerContext*, const v1::ListServicesRequest*,
                            v1::ListServicesResponse* response) override {
    response->add_services()->set_prefix("N");
    *response->add_services() = CheckedIn(false).service();
    return grpc::Status::OK;
  }

  std::vector<v1::CheckInBookingRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  std::mutex mu_;
  std::vector<v1::CheckInBookingRequest> requests_;
};

client::CallOptions FastRetries() {
  client::CallOptions options;
  options.deadline = 2000ms;
  options.first_backoff = 1ms;
  options.max_attempts = 3;
  return options;
}

TEST(KioskCheckInTest, RetriedAndCompletedWithBranchAndService) {
  FakeKiosk fake;
  fake.unavailable_checkins = 1;
  test_support::InProcessServer server({&fake});
  ASSERT_TRUE(server.started());
  const KioskClient kiosk(server.NewChannel(), "demo", FastRetries());
  CheckIn check_in;
  grpc::Status status = kiosk.CheckInBooking("K7M2-QX9D", &check_in);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].branch_id(), "demo");
  EXPECT_EQ(requests[1].code(), "K7M2-QX9D");
  EXPECT_FALSE(check_in.late);
  EXPECT_EQ(check_in.slot_start.seconds(), kSlot);
  EXPECT_EQ(check_in.issued.ticket().display_number(), "R018");
  EXPECT_EQ(check_in.issued.branch().time_zone(), "Europe/Moscow");
  EXPECT_EQ(check_in.issued.service().name_en(), "SIM card replacement");
}

TEST(KioskCheckInTest, ACheckInCountsEvenIfTheBranchCannotBeRead) {
  FakeKiosk fake;
  fake.branch_fails = true;
  test_support::InProcessServer server({&fake});
  const KioskClient kiosk(server.NewChannel(), "late", FastRetries());
  CheckIn check_in;
  ASSERT_TRUE(kiosk.CheckInBooking("K7M2-QX9D", &check_in).ok());
  EXPECT_TRUE(check_in.late);
  EXPECT_EQ(check_in.issued.ticket().display_number(), "R018");
  EXPECT_EQ(check_in.issued.branch().display_name(), "");
  EXPECT_EQ(check_in.issued.service().prefix(), "R");
}

TEST(KioskCheckInTest, WrongCodeIsTheServersAnswer) {
  FakeKiosk fake;
  test_support::InProcessServer server({&fake});
  const KioskClient kiosk(server.NewChannel(), "demo", FastRetries());
  CheckIn check_in;
  grpc::Status status = kiosk.CheckInBooking("NOPE-0000", &check_in);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "no booking with this code");
}

// --- the kiosk screen's 'b' key ---------------------------------------------------

using ::shop::queue::testing::PipedInput;

TEST(KioskConsoleCheckInTest, BKeyAsksForTheCodeAndPrintsTheSlipOrTheServersReason) {
  FakeKiosk fake;
  test_support::InProcessServer server({&fake});
  const KioskClient kiosk(server.NewChannel(), "demo", FastRetries());
  PipedInput input("b K7M2-QX9D b NOPE-0000 B USED-0000 q");
  client::KeyReader keys(input.fd());
  std::ostringstream out;
  KioskConsole console(kiosk, keys, out);
  EXPECT_EQ(console.Run(), 0);
  const std::string screen = out.str();
  EXPECT_THAT(screen, HasSubstr("b  Я записан(а) / I have a booking / 我有预约"));
  EXPECT_THAT(screen, HasSubstr("Enter your booking code"));
  // The slip in the booking's language (English here).
  EXPECT_THAT(screen, HasSubstr("Appointment at: 14:30\n"));
  EXPECT_THAT(screen, HasSubstr("Please take your ticket"));
  // Why not, as sentences for the customer (in every language: none is
  // chosen yet), not the server's codes and messages.
  EXPECT_THAT(screen, HasSubstr("No booking was found with this code."));
  EXPECT_THAT(screen, HasSubstr("This cannot be done right now. Please ask a member of staff."));
  EXPECT_THAT(screen, Not(HasSubstr("NOT_FOUND")));
  const auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].code(), "K7M2-QX9D");
}

// Customers read a sentence in their language and what to do; the code and
// the server's message are for the log (issue 11).
TEST(KioskConsoleCheckInTest, RefusalsAreSentencesForTheCustomer) {
  FakeKiosk fake;
  test_support::InProcessServer server({&fake});
  const KioskClient kiosk(server.NewChannel(), "demo", FastRetries());
  PipedInput input("b EARLY-0000 b NOPE-0000 q");
  client::KeyReader keys(input.fd());
  std::ostringstream out;
  KioskConsole console(kiosk, keys, out);
  EXPECT_EQ(console.Run(), 0);
  const std::string screen = out.str();
  // Before a language is chosen: every language, with the time it opens.
  EXPECT_THAT(screen, HasSubstr("Слишком рано для регистрации. Регистрация по вашей записи "
                                "начнётся в 14:00."));
  EXPECT_THAT(screen, HasSubstr("It is too early to check in. Check-in for your booking opens "
                                "at 14:00."));
  EXPECT_THAT(screen, HasSubstr("签到时间未到。请从14:00起签到。"));
  EXPECT_THAT(screen, HasSubstr("No booking was found with this code. Please check the code or "
                                "ask a member of staff."));
  EXPECT_THAT(screen, Not(HasSubstr("FAILED_PRECONDITION")));
  EXPECT_THAT(screen, Not(HasSubstr("NOT_FOUND")));
  EXPECT_THAT(screen, Not(HasSubstr("too early:")));
  EXPECT_THAT(screen, Not(HasSubstr("no booking with this code")));
}

TEST(KioskConsoleTest, ServerDownIsASentenceInTheChosenLanguage) {
  // Nothing listens on port 1.
  client::CallOptions options = FastRetries();
  options.deadline = 500ms;
  options.max_attempts = 2;
  const KioskClient kiosk(client::MakeChannel("127.0.0.1:1"), "demo", options);
  PipedInput input("1 3 q");
  client::KeyReader keys(input.fd());
  std::ostringstream out;
  KioskConsole console(kiosk, keys, out);
  EXPECT_EQ(console.Run(), 0);
  const std::string screen = out.str();
  EXPECT_THAT(screen, HasSubstr("Сервер недоступен. Попробуйте через минуту или обратитесь к "
                                "сотруднику."));
  EXPECT_THAT(screen, HasSubstr("系统暂时无法使用。请一分钟后再试，或咨询工作人员。"));
  EXPECT_THAT(screen, Not(HasSubstr("UNAVAILABLE")));
  EXPECT_THAT(screen, Not(HasSubstr("failed to connect")));
}

}  // namespace
}  // namespace shop::queue::kiosk
