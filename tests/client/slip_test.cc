#include "kiosk/slip.h"

#include <sstream>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shop::queue::kiosk {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kIssued = 1714561500;  // 2024-05-01 11:05:00 UTC = 14:05 in Moscow

v1::CreateTicketResponse Issued() {
  v1::CreateTicketResponse issued;
  v1::Branch* branch = issued.mutable_branch();
  branch->set_branch_id("demo");
  branch->set_display_name("Tverskaya 1");
  branch->set_time_zone("Europe/Moscow");
  branch->set_business_day("2024-05-01");
  v1::Service* service = issued.mutable_service();
  service->set_prefix("R");
  service->set_name_ru("Замена SIM-карты");
  service->set_name_en("SIM card replacement");
  service->set_name_zh("补办SIM卡");
  v1::Ticket* ticket = issued.mutable_ticket();
  ticket->set_ticket_id(42);
  ticket->set_display_number("R017");
  ticket->set_service_prefix("R");
  ticket->set_business_day("2024-05-01");
  ticket->set_state(v1::TICKET_STATE_WAITING);
  ticket->set_origin(v1::TICKET_ORIGIN_WALK_IN);
  ticket->mutable_issue_time()->set_seconds(kIssued);
  ticket->set_position(3);
  ticket->mutable_estimated_wait()->set_seconds(690);
  return issued;
}

TEST(SlipTest, EnglishSlipHasEverything) {
  const std::string slip = FormatSlip(Issued(), v1::LANGUAGE_EN);
  EXPECT_THAT(slip, HasSubstr("Tverskaya 1\n"));
  EXPECT_THAT(slip, HasSubstr("SIM card replacement\n"));
  EXPECT_THAT(slip, HasSubstr("Your number"));
  EXPECT_THAT(slip, HasSubstr("R017\n"));
  EXPECT_THAT(slip, HasSubstr("Issued: 14:05\n"));
  EXPECT_THAT(slip, HasSubstr("People ahead: 3\n"));
  EXPECT_THAT(slip, HasSubstr("Estimated wait: ~12 min\n"));
  EXPECT_THAT(slip, HasSubstr("Business day: 2024-05-01\n"));
  EXPECT_THAT(slip, Not(HasSubstr("Appointment")));
  EXPECT_THAT(slip, Not(HasSubstr("Priority")));
}

TEST(SlipTest, RussianSlip) {
  const std::string slip = FormatSlip(Issued(), v1::LANGUAGE_RU);
  EXPECT_THAT(slip, HasSubstr("Замена SIM-карты\n"));
  EXPECT_THAT(slip, HasSubstr("Ваш номер"));
  EXPECT_THAT(slip, HasSubstr("Выдан: 14:05\n"));
  EXPECT_THAT(slip, HasSubstr("Перед вами: 3\n"));
  EXPECT_THAT(slip, HasSubstr("Ожидание: ~12 мин\n"));
  EXPECT_THAT(slip, HasSubstr("Дата: 2024-05-01\n"));
  EXPECT_THAT(slip, Not(HasSubstr("SIM card replacement")));
}

TEST(SlipTest, ChineseSlip) {
  const std::string slip = FormatSlip(Issued(), v1::LANGUAGE_ZH);
  EXPECT_THAT(slip, HasSubstr("补办SIM卡\n"));
  EXPECT_THAT(slip, HasSubstr("您的号码"));
  EXPECT_THAT(slip, HasSubstr("取号时间：14:05\n"));
  EXPECT_THAT(slip, HasSubstr("前面等候人数：3\n"));
  EXPECT_THAT(slip, HasSubstr("预计等候：~12分钟\n"));
  EXPECT_THAT(slip, HasSubstr("营业日：2024-05-01\n"));
}

TEST(SlipTest, AppointmentShowsDueTimeAndPriorityShowsClass) {
  v1::CreateTicketResponse issued = Issued();
  issued.mutable_ticket()->set_origin(v1::TICKET_ORIGIN_APPOINTMENT);
  issued.mutable_ticket()->mutable_due_time()->set_seconds(kIssued + 25 * 60);
  issued.mutable_ticket()->set_priority_class(v1::PRIORITY_CLASS_ELDERLY);
  const std::string en = FormatSlip(issued, v1::LANGUAGE_EN);
  EXPECT_THAT(en, HasSubstr("Appointment at: 14:30\n"));
  EXPECT_THAT(en, HasSubstr("Priority: Elderly\n"));
  EXPECT_THAT(FormatSlip(issued, v1::LANGUAGE_RU), HasSubstr("Время записи: 14:30\n"));
  EXPECT_THAT(FormatSlip(issued, v1::LANGUAGE_ZH), HasSubstr("预约时间：14:30\n"));
}

TEST(SlipTest, BigTextIsFiveAlignedRows) {
  const std::string big = BigText("R017");
  std::istringstream lines(big);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 5u);
  for (const std::string& row : rows) {
    EXPECT_THAT(row, HasSubstr("\u2588"));
    EXPECT_EQ(row.substr(0, 6), std::string(6, ' '));  // (40 - 23) / 2 = 8 columns of margin
  }
  EXPECT_THAT(FormatSlip(Issued(), v1::LANGUAGE_EN), HasSubstr(big));
}

}  // namespace
}  // namespace shop::queue::kiosk
