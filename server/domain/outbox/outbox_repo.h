// The outbox area of the store: messages to subscribers (SMS, e-mail),
// queued in the same transaction as the change they tell of and sent by
// another process (see server/domain/store.h for transactions).
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/common/status.h"

namespace shop::queue {

// A message for the subscriber, queued in the outbox and sent by another
// process.
struct OutboxMessage {
  int64_t id = 0;
  absl::Time created;
  std::string channel;    // "sms" or "email"
  std::string recipient;  // phone or e-mail (personal data: erased with its subject)
  std::string text;
  std::string subject;    // "case:12", "booking:7"
};

class OutboxReader {
 public:
  virtual ~OutboxReader() = default;
  // The messages about `subject`, oldest first.
  virtual Result<std::vector<OutboxMessage>> OutboxFor(const std::string& subject) = 0;
};

class OutboxRepo : public OutboxReader {
 public:
  // Queues `m` and sets m.id.
  virtual Status EnqueueMessage(OutboxMessage& m) = 0;
};

}  // namespace shop::queue
