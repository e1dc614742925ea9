// The channels over libcurl: SMS through an HTTP gateway and e-mail over
// SMTP (see server/domain/outbox/notify_config.h for their settings). Each
// object is used by one thread at a time (the sender's); libcurl's global
// set-up is done once, thread-safely, by the first one made.
#pragma once

#include <memory>

#include "server/domain/outbox/notify_config.h"
#include "server/notify/channel.h"

namespace shop::queue::notify {

// SMS: one HTTP request per message, as [notify.sms] describes. 2xx is
// sent; 408, 429, 5xx and network failures are transient; any other status
// is a permanent refusal.
std::unique_ptr<Channel> MakeHttpSmsChannel(const SmsGatewayConfig& config);

// E-mail: one SMTP session per message (MIME, UTF-8, Message-ID from the
// idempotency key). Network failures and 4xx replies are transient; the
// server's refusal of the recipient (550-553) is permanent.
std::unique_ptr<Channel> MakeSmtpChannel(const SmtpConfig& config);

}  // namespace shop::queue::notify
