#include "common/client/text.h"

#include <gtest/gtest.h>

#include "common/client/rpc.h"

namespace shop::queue::client {
namespace {

google::protobuf::Timestamp At(int64_t unix_seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(unix_seconds);
  return t;
}

google::protobuf::Duration Seconds(int64_t seconds) {
  google::protobuf::Duration d;
  d.set_seconds(seconds);
  return d;
}

TEST(TextTest, ParsesLanguages) {
  EXPECT_EQ(ParseLanguage("ru"), v1::LANGUAGE_RU);
  EXPECT_EQ(ParseLanguage("EN"), v1::LANGUAGE_EN);
  EXPECT_EQ(ParseLanguage("zh"), v1::LANGUAGE_ZH);
  EXPECT_FALSE(ParseLanguage("de").has_value());
  EXPECT_EQ(LanguageCode(v1::LANGUAGE_ZH), "zh");
  EXPECT_EQ(LanguageCode(v1::LANGUAGE_UNSPECIFIED), "ru");
}

TEST(TextTest, NamesAndParsesStatesAndPriorities) {
  EXPECT_EQ(TicketStateName(v1::TICKET_STATE_NO_SHOW), "no_show");
  EXPECT_EQ(ParseTicketState("no-show"), v1::TICKET_STATE_NO_SHOW);
  EXPECT_EQ(ParseTicketState("Waiting"), v1::TICKET_STATE_WAITING);
  EXPECT_FALSE(ParseTicketState("gone").has_value());
  EXPECT_EQ(PriorityName(v1::PRIORITY_CLASS_WITH_CHILDREN), "children");
  EXPECT_EQ(ParsePriority("none"), v1::PRIORITY_CLASS_UNSPECIFIED);
  EXPECT_EQ(ParsePriority("pregnant"), v1::PRIORITY_CLASS_PREGNANT);
  EXPECT_FALSE(ParsePriority("vip").has_value());
}

TEST(TextTest, TranslatesWithRussianAsDefault) {
  EXPECT_EQ(Tr(Msg::kYourNumber, v1::LANGUAGE_EN), "Your number");
  EXPECT_EQ(Tr(Msg::kYourNumber, v1::LANGUAGE_RU), "Ваш номер");
  EXPECT_EQ(Tr(Msg::kYourNumber, v1::LANGUAGE_ZH), "您的号码");
  EXPECT_EQ(Tr(Msg::kYourNumber, v1::LANGUAGE_UNSPECIFIED), "Ваш номер");
  EXPECT_EQ(PriorityText(v1::PRIORITY_CLASS_ELDERLY, v1::LANGUAGE_EN), "Elderly");
}

TEST(TextTest, ServiceNameFallsBack) {
  v1::Service service;
  service.set_prefix("R");
  service.set_name_en("SIM replacement");
  EXPECT_EQ(ServiceName(service, v1::LANGUAGE_EN), "SIM replacement");
  EXPECT_EQ(ServiceName(service, v1::LANGUAGE_ZH), "SIM replacement");
  service.clear_name_en();
  EXPECT_EQ(ServiceName(service, v1::LANGUAGE_RU), "R");
}

TEST(TextTest, FormatsLocalTimeInTheBranchZone) {
  const int64_t t = 1714561500;  // 2024-05-01 11:05:00 UTC
  EXPECT_EQ(FormatLocalTime(At(t), "Europe/Moscow"), "14:05");
  EXPECT_EQ(FormatLocalTime(At(t), "Asia/Shanghai"), "19:05");
  EXPECT_EQ(FormatLocalTime(At(t), "No/Such_Zone"), "11:05 UTC");
  EXPECT_EQ(FormatLocalTime(google::protobuf::Timestamp(), "Europe/Moscow"), "--:--");
}

TEST(TextTest, FormatsWaitsRoundedUpToMinutes) {
  EXPECT_EQ(FormatWait(Seconds(690), v1::LANGUAGE_EN), "~12 min");
  EXPECT_EQ(FormatWait(Seconds(720), v1::LANGUAGE_EN), "~12 min");
  EXPECT_EQ(FormatWait(Seconds(61), v1::LANGUAGE_RU), "~2 мин");
  EXPECT_EQ(FormatWait(Seconds(0), v1::LANGUAGE_EN), "~0 min");
  EXPECT_EQ(FormatWait(Seconds(300), v1::LANGUAGE_ZH), "~5分钟");
}

TEST(TextTest, MeasuresTerminalWidth) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("Дата"), 4u);
  EXPECT_EQ(DisplayWidth("中文"), 4u);
  EXPECT_EQ(PadRight("中文", 6), "中文  ");
  EXPECT_EQ(PadRight("abcdef", 3), "abcdef");
}

TEST(RpcTest, RequestIdsAre128BitHexAndDiffer) {
  const std::string a = NewRequestId();
  const std::string b = NewRequestId();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

TEST(RpcTest, DescribesStatuses) {
  EXPECT_EQ(DescribeStatus(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "not called")),
            "FAILED_PRECONDITION: not called");
  EXPECT_EQ(DescribeStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "")), "NOT_FOUND");
}

TEST(RpcTest, RetriesOnlyTransientCodes) {
  CallOptions options;
  options.first_backoff = std::chrono::milliseconds(1);
  int calls = 0;
  grpc::Status status = CallWithRetry(options, [&](grpc::ClientContext*) {
    ++calls;
    return grpc::Status(calls < 3 ? grpc::StatusCode::DEADLINE_EXCEEDED : grpc::StatusCode::OK,
                        "");
  });
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(calls, 3);

  calls = 0;
  status = CallWithRetry(options, [&](grpc::ClientContext*) {
    ++calls;
    return grpc::Status(grpc::StatusCode::ABORTED, "lost a race");
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace shop::queue::client
