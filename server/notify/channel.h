// A way out for the outbox's messages (SMS through an HTTP gateway, e-mail
// over SMTP). The sender (sender.h) hands each due message to the channel
// named by its `channel` column and records the result.
//
// Implementations are called from the sender's thread only, one message at
// a time; they must not log recipients or texts unmasked, nor secrets, and
// must keep personal data out of SendResult::error.
#pragma once

#include <atomic>
#include <string>

#include "server/domain/outbox/delivery.h"

namespace shop::queue::notify {

// One message as a channel sends it.
struct Delivery {
  std::string key;        // the idempotency key (IdempotencyKey), same on every attempt
  std::string to;         // phone "+79123456789" or e-mail address
  std::string text;       // the body, UTF-8
  std::string title;      // e-mail subject line, UTF-8 (SMS: unused)
  std::string language;   // "ru", "en" or "zh"
};

struct SendResult {
  bool ok = false;
  FailureKind kind = FailureKind::kTransient;  // when not ok
  std::string error;                           // when not ok: short, no personal data

  static SendResult Ok() { return {true, FailureKind::kTransient, ""}; }
  static SendResult Transient(std::string why) {
    return {false, FailureKind::kTransient, std::move(why)};
  }
  static SendResult Permanent(std::string why) {
    return {false, FailureKind::kPermanent, std::move(why)};
  }
};

class Channel {
 public:
  virtual ~Channel() = default;
  // Sends `d`; gives up early (a transient failure) once `*cancel` turns
  // true (the server is stopping).
  virtual SendResult Send(const Delivery& d, const std::atomic<bool>& cancel) = 0;
};

}  // namespace shop::queue::notify
