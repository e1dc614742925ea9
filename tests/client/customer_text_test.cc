// The customer sentences for failed calls (issue 11): one per code and
// action in Russian, English and Chinese, known refusals told apart, no code
// or server message shown, field-level messages kept for bad input, and the
// code going to the client log.
#include "common/client/customer_text.h"

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "common/client/log.h"
#include "common/client/rpc.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace shop::queue::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr v1::Language kLanguages[] = {v1::LANGUAGE_RU, v1::LANGUAGE_EN, v1::LANGUAGE_ZH};
constexpr CustomerAction kActions[] = {
    CustomerAction::kShowServices, CustomerAction::kTakeTicket,  CustomerAction::kCheckIn,
    CustomerAction::kShowTicket,   CustomerAction::kFindSlots,   CustomerAction::kBook,
    CustomerAction::kShowBooking,  CustomerAction::kChangeBooking};

grpc::Status Refusal(grpc::StatusCode code, const std::string& message) {
  return grpc::Status(code, message);
}

// Whether `text` holds a CJK ideograph (UTF-8 E4..E9 lead byte).
bool HasChinese(const std::string& text) {
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead >= 0xE4 && lead <= 0xE9) return true;
  }
  return false;
}

TEST(CustomerTextTest, ServerDownInEveryLanguage) {
  const grpc::Status down =
      Refusal(grpc::StatusCode::UNAVAILABLE, "failed to connect to all addresses");
  EXPECT_EQ(CustomerText(down, CustomerAction::kShowServices, v1::LANGUAGE_RU),
            "Сервер недоступен. Попробуйте через минуту или обратитесь к сотруднику.");
  EXPECT_EQ(CustomerText(down, CustomerAction::kShowServices, v1::LANGUAGE_EN),
            "The system is not available right now. Please try again in a minute or ask a "
            "member of staff.");
  EXPECT_EQ(CustomerText(down, CustomerAction::kShowServices, v1::LANGUAGE_ZH),
            "系统暂时无法使用。请一分钟后再试，或咨询工作人员。");
  // Unspecified is Russian, the server's default.
  EXPECT_EQ(CustomerText(down, CustomerAction::kBook, v1::LANGUAGE_UNSPECIFIED),
            CustomerText(down, CustomerAction::kBook, v1::LANGUAGE_RU));
  EXPECT_EQ(CustomerText(Refusal(grpc::StatusCode::DEADLINE_EXCEEDED, ""),
                         CustomerAction::kTakeTicket, v1::LANGUAGE_EN),
            CustomerText(down, CustomerAction::kTakeTicket, v1::LANGUAGE_EN));
}

TEST(CustomerTextTest, TooEarlyToCheckInSaysWhen) {
  const grpc::Status today =
      Refusal(grpc::StatusCode::FAILED_PRECONDITION, "too early: check in from 14:00");
  EXPECT_EQ(CustomerText(today, CustomerAction::kCheckIn, v1::LANGUAGE_EN),
            "It is too early to check in. Check-in for your booking opens at 14:00.");
  EXPECT_EQ(CustomerText(today, CustomerAction::kCheckIn, v1::LANGUAGE_RU),
            "Слишком рано для регистрации. Регистрация по вашей записи начнётся в 14:00.");
  EXPECT_EQ(CustomerText(today, CustomerAction::kCheckIn, v1::LANGUAGE_ZH),
            "签到时间未到。请从14:00起签到。");
  const grpc::Status later = Refusal(grpc::StatusCode::FAILED_PRECONDITION,
                                     "too early: check in from 09:30 on 2026-12-01");
  EXPECT_EQ(CustomerText(later, CustomerAction::kCheckIn, v1::LANGUAGE_EN),
            "It is too early to check in. Check-in for your booking opens at 09:30 on "
            "2026-12-01.");
  EXPECT_EQ(CustomerText(later, CustomerAction::kCheckIn, v1::LANGUAGE_RU),
            "Слишком рано для регистрации. Регистрация по вашей записи начнётся 2026-12-01 в "
            "09:30.");
  EXPECT_EQ(CustomerText(later, CustomerAction::kCheckIn, v1::LANGUAGE_ZH),
            "签到时间未到。请从2026-12-01 09:30起签到。");
  // A time that does not parse: the sentence without it.
  EXPECT_EQ(CustomerText(Refusal(grpc::StatusCode::FAILED_PRECONDITION,
                                 "too early: check in from soon"),
                         CustomerAction::kCheckIn, v1::LANGUAGE_EN),
            "It is too early to check in. Please come back closer to your appointment time.");
}

// The server's own messages (server/domain/booking*.cc, queue_manager.cc).
TEST(CustomerTextTest, KnownRefusalsGetTheirOwnSentence) {
  const auto en = [](grpc::StatusCode code, const std::string& message, CustomerAction action) {
    return CustomerText(Refusal(code, message), action, v1::LANGUAGE_EN);
  };
  EXPECT_EQ(en(grpc::StatusCode::NOT_FOUND, "no booking with code K7M2QX9D at this branch",
               CustomerAction::kCheckIn),
            "No booking was found with this code. Please check the code or ask a member of "
            "staff.");
  EXPECT_EQ(en(grpc::StatusCode::NOT_FOUND, "no booking with this code and phone number",
               CustomerAction::kChangeBooking),
            "No booking was found with this code and phone number. Please check both and try "
            "again.");
  EXPECT_EQ(en(grpc::StatusCode::FAILED_PRECONDITION,
               "the slot at 2026-12-01 14:00 is full; choose another time", CustomerAction::kBook),
            "This time is fully booked. Please choose another time.");
  EXPECT_EQ(en(grpc::StatusCode::FAILED_PRECONDITION,
               "this phone already has an active booking for this service on 2026-12-01; cancel "
               "or move that one instead",
               CustomerAction::kBook),
            "This phone number already has a booking for this service on that day. Please move "
            "or cancel that booking instead.");
  EXPECT_EQ(en(grpc::StatusCode::FAILED_PRECONDITION,
               "branch demo is closed now; tickets are issued during opening hours",
               CustomerAction::kTakeTicket),
            "The branch is closed now. Tickets are issued during opening hours.");
  EXPECT_EQ(en(grpc::StatusCode::FAILED_PRECONDITION, "booking K7M2QX9D was cancelled",
               CustomerAction::kCheckIn),
            "This booking is no longer valid (cancelled or expired). Please take an ordinary "
            "ticket or ask a member of staff.");
  EXPECT_EQ(en(grpc::StatusCode::FAILED_PRECONDITION, "the booking is cancelled",
               CustomerAction::kChangeBooking),
            "This booking can no longer be changed: it was cancelled, used or has expired.");
  EXPECT_EQ(en(grpc::StatusCode::RESOURCE_EXHAUSTED,
               "too many requests from this address; retry in 3 s", CustomerAction::kFindSlots),
            "Too many requests. Please try again in 3 s.");
  EXPECT_EQ(en(grpc::StatusCode::FAILED_PRECONDITION, "something new", CustomerAction::kBook),
            "This cannot be done right now. Please ask a member of staff.");
  EXPECT_EQ(en(grpc::StatusCode::UNAUTHENTICATED, "this call needs a valid session or device "
               "token", CustomerAction::kTakeTicket),
            "This kiosk is out of service. Please ask a member of staff.");
  EXPECT_EQ(CustomerText(Refusal(grpc::StatusCode::FAILED_PRECONDITION,
                                 "the slot at 2026-12-01 14:00 is full; choose another time"),
                         CustomerAction::kBook, v1::LANGUAGE_ZH),
            "该时段已约满。请选择其他时间。");
  EXPECT_EQ(CustomerText(Refusal(grpc::StatusCode::FAILED_PRECONDITION,
                                 "branch demo is closed now; tickets are issued during opening "
                                 "hours"),
                         CustomerAction::kTakeTicket, v1::LANGUAGE_RU),
            "Отделение сейчас закрыто. Талоны выдаются в часы работы.");
}

TEST(CustomerTextTest, BadInputKeepsTheFieldMessagesUnderATranslatedHeading) {
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field("phone");
  v->set_description("not a Russian mobile number");
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  details.add_details()->PackFrom(bad);
  const grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT,
                            "phone: not a Russian mobile number", details.SerializeAsString());
  EXPECT_EQ(CustomerText(status, CustomerAction::kBook, v1::LANGUAGE_ZH),
            "请检查您输入的信息：\n  phone: not a Russian mobile number");
  EXPECT_EQ(CustomerText(Refusal(grpc::StatusCode::INVALID_ARGUMENT, "name: required"),
                         CustomerAction::kBook, v1::LANGUAGE_RU),
            "Проверьте введённые данные:\n  name: required");
  // A mistyped booking code at the kiosk: what a code looks like.
  EXPECT_EQ(CustomerText(Refusal(grpc::StatusCode::INVALID_ARGUMENT,
                                 "code: a booking code has 8 letters and digits, e.g. K7M2-QX9D"),
                         CustomerAction::kCheckIn, v1::LANGUAGE_EN),
            "A booking code has 8 letters and digits, for example K7M2-QX9D. Please check the "
            "code.");
}

TEST(CustomerTextTest, NeverTheCodeOrTheServersMessageAndChineseIsChinese) {
  const std::vector<grpc::StatusCode> codes = {
      grpc::StatusCode::CANCELLED,          grpc::StatusCode::UNKNOWN,
      grpc::StatusCode::DEADLINE_EXCEEDED,  grpc::StatusCode::NOT_FOUND,
      grpc::StatusCode::ALREADY_EXISTS,     grpc::StatusCode::PERMISSION_DENIED,
      grpc::StatusCode::RESOURCE_EXHAUSTED, grpc::StatusCode::FAILED_PRECONDITION,
      grpc::StatusCode::ABORTED,            grpc::StatusCode::OUT_OF_RANGE,
      grpc::StatusCode::UNIMPLEMENTED,      grpc::StatusCode::INTERNAL,
      grpc::StatusCode::UNAVAILABLE,        grpc::StatusCode::DATA_LOSS,
      grpc::StatusCode::UNAUTHENTICATED};
  for (grpc::StatusCode code : codes) {
    const grpc::Status status(code, "SERVER-TEXT secret detail");
    for (CustomerAction action : kActions) {
      for (v1::Language language : kLanguages) {
        const std::string text = CustomerText(status, action, language);
        SCOPED_TRACE(std::string(StatusCodeName(code)) + " " +
                     std::string(CustomerActionName(action)));
        EXPECT_FALSE(text.empty());
        EXPECT_THAT(text, Not(HasSubstr(std::string(StatusCodeName(code)))));
        EXPECT_THAT(text, Not(HasSubstr("SERVER-TEXT")));
        EXPECT_EQ(HasChinese(text), language == v1::LANGUAGE_ZH) << text;
      }
    }
  }
}

TEST(CustomerTextTest, TellCustomerLogsTheCodeAndTheServersMessage) {
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  const auto saved = ClientLog()->sinks();
  ClientLog()->sinks() = {sink};
  const std::string text =
      TellCustomer(Refusal(grpc::StatusCode::UNAVAILABLE, "failed to connect to all addresses"),
                   CustomerAction::kTakeTicket, v1::LANGUAGE_EN);
  ClientLog()->sinks() = saved;
  EXPECT_THAT(text, Not(HasSubstr("UNAVAILABLE")));
  EXPECT_THAT(log.str(),
              HasSubstr("take ticket failed: UNAVAILABLE: failed to connect to all addresses"));
}

}  // namespace
}  // namespace shop::queue::client
