// The channels over libcurl: SMS through an HTTP gateway and e-mail over
// SMTP (see server/domain/outbox/notify_config.h for their settings). Each
// object is used by one thread at a time (the sender's); libcurl's global
// set-up is done once, thread-safely, by the first one made.
#pragma once

#include <memory>

#include "server/domain/outbox/notify_config.h"
#include "server/notify/channel.h"

namespace shop::queue::notify {

// SMS: one HTTP request per message, as [notify.sms] describes (header
// values with their placeholders filled, then HeaderSafe). 2xx is sent;
// other statuses fail as GatewayFailure says; network failures are
// transient.
std::unique_ptr<Channel> MakeHttpSmsChannel(const SmsGatewayConfig& config);

// How an SMS gateway's answer with HTTP `status` (not 2xx) fails: transient
// for 408 and 429, for 5xx, and for 401, 403 and 404 (a wrong token or
// address is the configuration's fault, which an admin fixes, not the
// message's: it is retried with back-off meanwhile); any other status is
// the gateway's refusal of this message, permanent.
FailureKind GatewayFailure(long status);

// E-mail: one SMTP session per message (MIME, UTF-8, Message-ID from the
// idempotency key). With a `user`, TLS is required whatever require_tls
// says (STARTTLS on smtp://), so the password never goes in clear; a server
// without TLS then fails every attempt. Network failures and 4xx replies
// are transient; the server's refusal of the recipient (550-553) is
// permanent.
std::unique_ptr<Channel> MakeSmtpChannel(const SmtpConfig& config);

}  // namespace shop::queue::notify
