// [notify]: how the outbox's messages leave the server (server/notify/). Plain
// data filled by the configuration loader; secrets are already read from
// their files or environment variables (never inline in logs).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/outbox/delivery.h"

namespace shop::queue {

// [notify.smtp]: e-mail over SMTP (libcurl). Off while `url` is empty.
struct SmtpConfig {
  std::string url;   // "smtp://mail.shop.ru:587" or "smtps://mail.shop.ru:465"
  std::string from;  // "queue@shop.ru" (the envelope and the From header)
  std::string user;  // optional: no login when empty
  std::string password;  // from password_file / password_env; never logged
  // smtp:// upgrades with STARTTLS when the server offers it; with
  // require_tls a server that does not is refused (the message is retried).
  bool require_tls = false;
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(30);  // the whole exchange
};

// [notify.sms]: SMS through an HTTP gateway. Off while `url` is empty.
// Placeholders in url, headers and body: {to} (the phone, "+79123456789"),
// {text}, {key} (the idempotency key), {language} ("ru", "en", "zh") and
// {token}. In the url they are URL-encoded; in the body JSON-escaped when
// content_type mentions "json", URL-encoded for
// "application/x-www-form-urlencoded", as they are otherwise; in headers
// as they are. Every request also carries "Idempotency-Key: <key>".
struct SmsGatewayConfig {
  std::string url;  // "https://sms.example.ru/api/send?login=shop"
  std::string method = "POST";  // GET sends no body
  std::string content_type = "application/json";
  std::string body = R"({"to": "{to}", "text": "{text}", "id": "{key}"})";
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string token;  // from token_file / token_env; never logged
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(30);
};

struct NotifyConfig {
  // Off by default: then nothing is sent and messages stay pending.
  bool enabled = false;
  absl::Duration poll_interval = absl::Seconds(5);  // how often due messages are looked for
  int batch = 50;                                   // messages per look
  RetryPolicy retry;
  SmtpConfig smtp;
  SmsGatewayConfig sms;

  // Whether an SMS queued now will be sent: sending is on and an SMS
  // gateway is configured. What offers a customer an SMS asks this first.
  bool SendsSms() const { return enabled && !sms.url.empty(); }
};

}  // namespace shop::queue
