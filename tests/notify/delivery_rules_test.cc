// The outbox's delivery rules (server/domain/outbox/delivery.h) and the
// channels' wire formats (server/notify/text_codec.h), without network or
// database.
#include <gtest/gtest.h>

#include "server/domain/outbox/delivery.h"
#include "server/notify/curl_channels.h"
#include "server/notify/text_codec.h"
#include "tests/notify/sinks.h"

namespace shop::queue {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

RetryPolicy Fixed(int max_attempts, absl::Duration base, absl::Duration cap) {
  RetryPolicy p;
  p.max_attempts = max_attempts;
  p.base = base;
  p.cap = cap;
  p.jitter = false;
  return p;
}

TEST(DeliveryRules, BackoffDoublesFromTheBaseUpToTheCap) {
  const RetryPolicy p = Fixed(10, absl::Seconds(30), absl::Minutes(4));
  EXPECT_EQ(BackoffDelay(p, 1, 0.9), absl::Seconds(30));
  EXPECT_EQ(BackoffDelay(p, 2, 0.9), absl::Seconds(60));
  EXPECT_EQ(BackoffDelay(p, 3, 0.9), absl::Seconds(120));
  EXPECT_EQ(BackoffDelay(p, 4, 0.9), absl::Minutes(4));
  EXPECT_EQ(BackoffDelay(p, 5, 0.9), absl::Minutes(4));
  EXPECT_EQ(BackoffDelay(p, 60, 0.9), absl::Minutes(4));  // no overflow
}

TEST(DeliveryRules, JitterDrawsBetweenHalfTheDelayAndTheDelay) {
  RetryPolicy p = Fixed(10, absl::Seconds(40), absl::Hours(1));
  p.jitter = true;
  EXPECT_EQ(BackoffDelay(p, 1, 0.0), absl::Seconds(20));
  EXPECT_EQ(BackoffDelay(p, 1, 0.5), absl::Seconds(30));
  EXPECT_EQ(BackoffDelay(p, 2, 1.0), absl::Seconds(80));
}

TEST(DeliveryRules, ATransientFailureIsRetriedUntilMaxAttemptsThenDead) {
  const RetryPolicy p = Fixed(3, absl::Seconds(10), absl::Hours(1));
  AfterFailure a = NextAfterFailure(p, 0, FailureKind::kTransient, kNow, 0);
  EXPECT_EQ(a.attempts, 1);
  EXPECT_FALSE(a.dead);
  EXPECT_EQ(a.next_try, kNow + absl::Seconds(10));
  a = NextAfterFailure(p, 1, FailureKind::kTransient, kNow, 0);
  EXPECT_EQ(a.attempts, 2);
  EXPECT_FALSE(a.dead);
  EXPECT_EQ(a.next_try, kNow + absl::Seconds(20));
  a = NextAfterFailure(p, 2, FailureKind::kTransient, kNow, 0);
  EXPECT_EQ(a.attempts, 3);
  EXPECT_TRUE(a.dead);
}

TEST(DeliveryRules, APermanentFailureIsDeadAtOnce) {
  const RetryPolicy p = Fixed(5, absl::Seconds(10), absl::Hours(1));
  const AfterFailure a = NextAfterFailure(p, 0, FailureKind::kPermanent, kNow, 0);
  EXPECT_EQ(a.attempts, 1);
  EXPECT_TRUE(a.dead);
}

TEST(DeliveryRules, MaxAttemptsOfOneMeansNoRetry) {
  const RetryPolicy p = Fixed(1, absl::Seconds(10), absl::Hours(1));
  EXPECT_TRUE(NextAfterFailure(p, 0, FailureKind::kTransient, kNow, 0).dead);
}

TEST(DeliveryRules, PolicyValidationNamesTheKey) {
  EXPECT_EQ(Fixed(0, absl::Seconds(1), absl::Seconds(2)).Validate().field(), "notify.max_attempts");
  EXPECT_EQ(Fixed(1, absl::ZeroDuration(), absl::Seconds(2)).Validate().field(),
            "notify.retry_base");
  EXPECT_EQ(Fixed(1, absl::Seconds(3), absl::Seconds(2)).Validate().field(), "notify.retry_cap");
  EXPECT_TRUE(Fixed(1, absl::Seconds(1), absl::Seconds(1)).Validate().ok());
}

TEST(DeliveryRules, TheIdempotencyKeyIsStableAndDistinct) {
  const absl::Time created = absl::FromUnixMicros(1'767'225'600'123'456);
  EXPECT_EQ(IdempotencyKey(42, created), "outbox-42-1767225600123456");
  EXPECT_EQ(IdempotencyKey(42, created), IdempotencyKey(42, created));
  EXPECT_NE(IdempotencyKey(42, created), IdempotencyKey(43, created));
  EXPECT_NE(IdempotencyKey(42, created), IdempotencyKey(42, created + absl::Microseconds(1)));
}

TEST(DeliveryRules, SafeErrorDropsPhonesAddressesAndNewlinesAndIsBounded) {
  EXPECT_EQ(SafeError("gateway answered HTTP 500"), "gateway answered HTTP 500");
  EXPECT_EQ(SafeError("bad number +79123456789\r\nretry"), "bad number +# retry");
  EXPECT_EQ(SafeError("550 <ivan@example.ru> unknown"), "550 <address> unknown");
  const std::string long_ru(600, 'x');
  EXPECT_EQ(SafeError(long_ru).size(), kMaxErrorBytes);
  // Cut at a character boundary: "ж" is 2 bytes; 101 of them are 202.
  std::string zh;
  for (int i = 0; i < 101; ++i) zh += "ж";
  const std::string cut = SafeError(zh);
  EXPECT_LE(cut.size(), kMaxErrorBytes);
  EXPECT_EQ(cut.size() % 2, 0u);
}

// An SMS gateway's answers: 408, 429 and 5xx are passing trouble; 401, 403
// and 404 a wrong token or address (the configuration's fault, fixed by an
// admin), retried too; any other status refuses this message for good.
TEST(DeliveryRules, GatewayStatusesThatAreRetried) {
  for (long status : {401L, 403L, 404L, 408L, 429L, 500L, 502L, 503L, 599L})
    EXPECT_EQ(notify::GatewayFailure(status), FailureKind::kTransient) << status;
  for (long status : {300L, 400L, 402L, 405L, 409L, 410L, 413L, 415L, 422L, 451L})
    EXPECT_EQ(notify::GatewayFailure(status), FailureKind::kPermanent) << status;
}

TEST(TextCodec, HeaderValuesLoseEveryControlCharacter) {
  EXPECT_EQ(notify::HeaderSafe("Bearer tok\r\nX-Evil: 1"), "Bearer tok  X-Evil: 1");
  EXPECT_EQ(notify::HeaderSafe(std::string("a\0b\tc\x7f\x1b", 7)), "a b c  ");
  EXPECT_EQ(notify::HeaderSafe("Талон A001 号码"), "Талон A001 号码");  // UTF-8 kept
}

TEST(TextCodec, JsonEscapingKeepsUtf8AndEscapesQuotesAndControls) {
  EXPECT_EQ(notify::JsonEscape("Талон \"A1\"\n\\ 号码\x01"),
            "Талон \\\"A1\\\"\\n\\\\ 号码\\u0001");
}

TEST(TextCodec, UrlEncodingEncodesEveryReservedByte) {
  EXPECT_EQ(notify::UrlEncode("+7 912&a=b"), "%2B7%20912%26a%3Db");
  EXPECT_EQ(notify::UrlEncode("Ж"), "%D0%96");
  EXPECT_EQ(notify::UrlEncode("a-b_c.d~"), "a-b_c.d~");
}

TEST(TextCodec, PlaceholdersAreFilledWithEscapingAndOtherBracesKept) {
  const std::map<std::string, std::string> vars = {{"to", "+7912"}, {"text", "a \"b\""}};
  EXPECT_EQ(notify::FillPlaceholders(R"({"to": "{to}", "text": "{text}", "x": {}})", vars,
                                     notify::EscapeFor("application/json; charset=utf-8")),
            R"({"to": "+7912", "text": "a \"b\"", "x": {}})");
  EXPECT_EQ(notify::FillPlaceholders("to={to}&text={text}", vars,
                                     notify::EscapeFor("application/x-www-form-urlencoded")),
            "to=%2B7912&text=a%20%22b%22");
  EXPECT_EQ(notify::FillPlaceholders("{text}", vars, notify::EscapeFor("text/plain")), "a \"b\"");
}

TEST(TextCodec, Base64RoundTrips) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "Напоминание: 号码"})
    EXPECT_EQ(testing::FromBase64(notify::Base64(s)), s);
  EXPECT_EQ(notify::Base64("Man"), "TWFu");
  EXPECT_EQ(notify::Base64("Ma"), "TWE=");
}

TEST(TextCodec, EncodedWordsCarryUtf8AndNeverSplitACharacter) {
  EXPECT_EQ(notify::EncodedWord("Plain subject"), "Plain subject");
  std::string long_ru;
  for (int i = 0; i < 40; ++i) long_ru += "щ";  // 80 bytes: two words
  const std::string enc = notify::EncodedWord(long_ru);
  std::string decoded;
  size_t pos = 0;
  int words = 0;
  while ((pos = enc.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const size_t end = enc.find("?=", pos + 10);
    const std::string part = testing::FromBase64(enc.substr(pos + 10, end - pos - 10));
    EXPECT_EQ(part.size() % 2, 0u);  // whole characters only
    EXPECT_LE(end + 2 - pos, 75u);
    decoded += part;
    pos = end + 2;
    ++words;
  }
  EXPECT_EQ(words, 2);
  EXPECT_EQ(decoded, long_ru);
}

TEST(TextCodec, TheMimeMessageHasTheHeadersAndABase64Body) {
  const std::string text = "Напоминание: услуга, салон. 号码 A001.";
  const std::string m = notify::MimeMessage({"queue@shop.ru", "ivan@example.ru", "Тема",
                                             text, "<outbox-1-2@shop.ru>",
                                             absl::FromUnixSeconds(0)});
  EXPECT_NE(m.find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(m.find("From: <queue@shop.ru>\r\n"), std::string::npos);
  EXPECT_NE(m.find("To: <ivan@example.ru>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Subject: =?UTF-8?B?" + notify::Base64("Тема") + "?=\r\n"), std::string::npos);
  EXPECT_NE(m.find("Message-ID: <outbox-1-2@shop.ru>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  const size_t body = m.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(testing::FromBase64(m.substr(body + 4)), text);
  EXPECT_EQ(notify::MessageIdFor("outbox-1-2", "queue@shop.ru"), "<outbox-1-2@shop.ru>");
  EXPECT_EQ(notify::MessageIdFor("k", "nobody"), "<k@queue-server>");
}

}  // namespace
}  // namespace shop::queue
