// [notify] in the configuration: channels, retry rules, secrets from files
// and the environment (never inline), unknown keys refused, and message
// templates replacing the built-in texts of reminders and SIM notices.
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "server/config/config_loader.h"
#include "server/domain/booking/booking.h"
#include "server/domain/cases/sim_case.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

Result<ServerConfig> Parse(const std::string& notify) {
  return ParseConfig(DemoConfigText() + "\n" + notify, "test.toml");
}

TEST(NotifyConfig, OffByDefaultWithBuiltInTexts) {
  auto c = Parse("");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->notify.enabled);
  EXPECT_TRUE(c->notify.sms.url.empty());
  EXPECT_TRUE(c->notify.smtp.url.empty());
  EXPECT_EQ(ReminderText(c->templates, Language::kRu, {"S", "B", "D", "C", "F", "U"}),
            ReminderText(Language::kRu, {"S", "B", "D", "C", "F", "U"}));
}

TEST(NotifyConfig, AFullExampleIsRead) {
  testing::TempDir dir;
  std::ofstream(dir.File("token")) << "tok-123\n";
  setenv("SHOP_QUEUE_TEST_SMTP_PASSWORD", "pw-456", 1);
  auto c = Parse(R"(
[notify]
enabled = true
poll_seconds = 0.5
batch = 10
max_attempts = 4
retry_base_seconds = 2
retry_cap_seconds = 60
jitter = false

[notify.smtp]
url = "smtps://mail.shop.example:465"
from = "queue@shop.example"
user = "queue"
password_env = "SHOP_QUEUE_TEST_SMTP_PASSWORD"
require_tls = true
timeout_seconds = 20

[notify.sms]
url = "https://sms.example.ru/api/send"
method = "POST"
content_type = "application/x-www-form-urlencoded"
body = "to={to}&text={text}"
token_file = ")" + dir.File("token") + R"("
[notify.sms.headers]
Authorization = "Bearer {token}"
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const NotifyConfig& n = c->notify;
  EXPECT_TRUE(n.enabled);
  EXPECT_EQ(n.poll_interval, absl::Milliseconds(500));
  EXPECT_EQ(n.batch, 10);
  EXPECT_EQ(n.retry.max_attempts, 4);
  EXPECT_EQ(n.retry.base, absl::Seconds(2));
  EXPECT_EQ(n.retry.cap, absl::Seconds(60));
  EXPECT_FALSE(n.retry.jitter);
  EXPECT_EQ(n.smtp.url, "smtps://mail.shop.example:465");
  EXPECT_EQ(n.smtp.user, "queue");
  EXPECT_EQ(n.smtp.password, "pw-456");
  EXPECT_TRUE(n.smtp.require_tls);
  EXPECT_EQ(n.smtp.timeout, absl::Seconds(20));
  EXPECT_EQ(n.sms.token, "tok-123");
  EXPECT_EQ(n.sms.body, "to={to}&text={text}");
  ASSERT_EQ(n.sms.headers.size(), 1u);
  EXPECT_EQ(n.sms.headers[0].first, "Authorization");
}

// What an editor or `echo` leaves after a secret (a newline, CR LF, spaces,
// a tab) is not part of it: it would end up inside an HTTP header or a
// login. A secret of nothing but whitespace is refused.
TEST(NotifyConfig, SecretsLoseTrailingWhitespaceFromFilesAndTheEnvironment) {
  testing::TempDir dir;
  std::ofstream(dir.File("token"), std::ios::binary) << "tok-123 \t\r\nsecond line\n";
  setenv("SHOP_QUEUE_TEST_SMTP_PASSWORD_NL", "pw-456\r\n", 1);
  setenv("SHOP_QUEUE_TEST_SMS_TOKEN_NL", "tok-789\n", 1);
  setenv("SHOP_QUEUE_TEST_BLANK", " \n", 1);
  auto c = Parse(R"(
[notify.smtp]
url = "smtps://mail.shop.example:465"
from = "queue@shop.example"
user = "queue"
password_env = "SHOP_QUEUE_TEST_SMTP_PASSWORD_NL"
[notify.sms]
url = "https://sms.example.ru/api/send"
token_file = ")" + dir.File("token") + R"("
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->notify.smtp.password, "pw-456");
  EXPECT_EQ(c->notify.sms.token, "tok-123");
  c = Parse(R"(
[notify.sms]
url = "https://sms.example.ru/api/send"
token_env = "SHOP_QUEUE_TEST_SMS_TOKEN_NL"
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->notify.sms.token, "tok-789");
  c = Parse(R"(
[notify.sms]
url = "https://sms.example.ru/api/send"
token_env = "SHOP_QUEUE_TEST_BLANK"
)");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("notify.sms.token_env"), std::string::npos)
      << c.status().message();
}

TEST(NotifyConfig, MistakesAreRefusedNamingTheKey) {
  struct Case {
    const char* toml;
    const char* key;
  } cases[] = {
      {"[notify]\nenable = true\n", "notify.enable"},
      {"[notify]\nenabled = true\n", "notify.enabled"},  // no channel
      {"[notify.sms]\nurl = \"https://x\"\nretries = 3\n", "notify.sms.retries"},
      {"[notify.sms]\nurl = \"ftp://x\"\n", "notify.sms.url"},
      {"[notify.sms]\nurl = \"https://x\"\nmethod = \"DELETE\"\n", "notify.sms.method"},
      {"[notify.sms]\nurl = \"https://x\"\ntoken = \"inline\"\n", "notify.sms.token"},
      {"[notify.sms]\nurl = \"https://x\"\ntoken_env = \"SHOP_QUEUE_TEST_UNSET_VAR\"\n",
       "notify.sms.token_env"},
      {"[notify.smtp]\nurl = \"smtp://x\"\nfrom = \"q@x\"\npassword = \"p\"\n",
       "notify.smtp.password"},
      {"[notify.smtp]\nurl = \"http://x\"\nfrom = \"q@x\"\n", "notify.smtp.url"},
      {"[notify.smtp]\nurl = \"smtp://x\"\nfrom = \"nobody\"\n", "notify.smtp.from"},
      {"[notify]\nmax_attempts = 0\n", "notify.max_attempts"},
      {"[notify]\nretry_base_seconds = 10\nretry_cap_seconds = 5\n", "notify.retry_cap"},
      {"[notify.templates.nonsense]\nru = \"x\"\n", "notify.templates.nonsense.ru"},
      {"[notify.templates.sim_change]\nde = \"x\"\n", "notify.templates.sim_change.de"},
      {"[notify.templates.sim_change]\nen = \"{phone} {passport}\"\n",
       "notify.templates.sim_change.en"},
  };
  for (const Case& k : cases) {
    auto c = Parse(k.toml);
    ASSERT_FALSE(c.ok()) << k.toml;
    EXPECT_NE(c.status().message().find(k.key), std::string::npos)
        << k.toml << " -> " << c.status().message();
  }
}

TEST(NotifyConfig, TemplatesReplaceTheReminderAndTheSimNoticeTexts) {
  auto c = Parse(R"(
[notify.templates.booking_reminder]
en = "Hi! {service} at {branch} on {slot}, code {code} ({checkin_from}-{checkin_until})."
zh = "提醒：{code}"
[notify.templates.sim_change]
ru = "Номер {phone}: SIM заменена {time}, {branch}, № {case}."
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const ReminderFacts f{"SIM", "Demo", "2026-03-10 16:00", "K7M2-QX9D", "15:30", "16:15"};
  EXPECT_EQ(ReminderText(c->templates, Language::kEn, f),
            "Hi! SIM at Demo on 2026-03-10 16:00, code K7M2-QX9D (15:30-16:15).");
  EXPECT_EQ(ReminderText(c->templates, Language::kZh, f), "提醒：K7M2-QX9D");
  // Russian was not replaced: the built-in text.
  EXPECT_EQ(ReminderText(c->templates, Language::kRu, f), ReminderText(Language::kRu, f));
  const SimChangeFacts s{"+7******4567", "Demo", "2026-03-10 10:00", 12};
  EXPECT_EQ(SimChangeNotice(c->templates, Language::kZh, s),
            "Номер +7******4567: SIM заменена 2026-03-10 10:00, Demo, № 12.\n\n" +
                SimChangeNoticeText(Language::kZh, s));
}

TEST(NotifyConfig, TheBuiltInTextsKeepTheirWording) {
  const ReminderFacts f{"SIM replacement", "Demo", "2026-03-10 16:00", "K7M2-QX9D", "15:30",
                        "16:15"};
  EXPECT_EQ(ReminderText(Language::kEn, f),
            "Reminder: SIM replacement at Demo, 2026-03-10 16:00. Booking code K7M2-QX9D. Check "
            "in at the kiosk from 15:30 to 16:15.");
  EXPECT_EQ(ReminderText(Language::kRu, f),
            "Напоминание: SIM replacement, Demo, 2026-03-10 16:00. Код записи K7M2-QX9D. "
            "Отметьтесь в терминале очереди с 15:30 до 16:15.");
  const SimChangeFacts s{"+7******4567", "Demo", "2026-03-10 10:00", 12};
  EXPECT_EQ(SimChangeNoticeText(Language::kEn, s),
            "The SIM card of your number +7******4567 was replaced at Demo on 2026-03-10 10:00 "
            "(case 12). If you did not ask for this, call your operator at once or come to any "
            "shop with your passport to dispute it.");
  EXPECT_EQ(SimChangeNoticeText(Language::kRu, s),
            "SIM-карта номера +7******4567 заменена 2026-03-10 10:00 в салоне «Demo» (обращение "
            "№ 12). Если вы этого не делали, немедленно позвоните оператору или обратитесь с "
            "паспортом в любой салон, чтобы оспорить замену.");
}

}  // namespace
}  // namespace shop::queue
