// The outbox area of the store: messages to subscribers (SMS, e-mail),
// queued in the same transaction as the change they tell of and sent later
// by the outbox sender (server/notify/sender.h) outside any transaction (see
// server/domain/store.h for transactions). The delivery rules (back-off,
// dead letters, idempotency keys) are in server/domain/outbox/delivery.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/common/status.h"

namespace shop::queue {

// Where a message stands. Stored as an integer (outbox.state).
enum class OutboxState {
  kPending = 0,  // to be sent at next_try (again, after a failed attempt)
  kSent = 1,     // a channel accepted it (sent_us set); never sent again
  kDead = 2,     // given up (too many attempts, or refused for good); an
                 // admin may put it back to pending (queue-server outbox-retry)
};

// A message for the subscriber, queued in the outbox and sent by the sender.
// The first six fields are what the queueing code fills; the rest default to
// a new pending message.
struct OutboxMessage {
  int64_t id = 0;
  absl::Time created;
  std::string channel;    // "sms" or "email"
  std::string recipient;  // phone or e-mail (personal data: erased with its subject)
  std::string text;
  std::string subject;    // "case:12", "booking:7"
  int language = 0;       // Language (1 ru, 2 en, 3 zh); 0 unknown
  OutboxState state = OutboxState::kPending;
  int attempts = 0;                                 // failed attempts so far
  absl::Time next_try = absl::UnixEpoch();          // pending: not before
  std::string last_error = "";                      // of the last failed attempt
  std::optional<absl::Time> sent = std::nullopt;    // when a channel accepted it
};

class OutboxReader {
 public:
  virtual ~OutboxReader() = default;
  // The messages about `subject`, oldest first.
  virtual Result<std::vector<OutboxMessage>> OutboxFor(const std::string& subject) = 0;
  // Pending messages with next_try <= now, the earliest due first (then by
  // id), at most `limit`.
  virtual Result<std::vector<OutboxMessage>> DueMessages(absl::Time now, int limit) = 0;
  // For admins: the newest `limit` messages (by id, descending), only those
  // in `state` if given.
  virtual Result<std::vector<OutboxMessage>> ListOutbox(std::optional<OutboxState> state,
                                                        int limit) = 0;
};

class OutboxRepo : public OutboxReader {
 public:
  // Queues `m` (as pending, due at once: next_try = m.created unless set
  // later) and sets m.id.
  virtual Status EnqueueMessage(OutboxMessage& m) = 0;
  // A pending message was accepted by its channel at `at`. NotFound when no
  // pending message `id` exists (already sent or dead, or erased).
  virtual Status MarkSent(int64_t id, absl::Time at) = 0;
  // An attempt at pending message `id` failed: stores `attempts`, `error`
  // and either the next try (dead = false) or the dead state. NotFound as
  // for MarkSent.
  virtual Status MarkFailed(int64_t id, int attempts, absl::Time next_try,
                            const std::string& error, bool dead) = 0;
  // An admin puts dead message `id` back to pending, due at `now`, with its
  // attempts reset (its last error stays until the next attempt).
  // NotFound when no dead message `id` exists.
  virtual Status RetryDead(int64_t id, absl::Time now) = 0;
  // Housekeeping: blanks the recipient (to "", which the sender takes as
  // erased) of every message whose subject starts with `subject_prefix`
  // ("ticket:") and that is sent or dead, or was queued before `before`
  // (the privacy retention); the rest of each row stays. For subjects with
  // no row of their own to erase them with (cases and bookings erase their
  // messages' recipients with their own personal data). Returns how many
  // recipients it blanked.
  virtual Result<int> EraseSpentRecipients(const std::string& subject_prefix,
                                           absl::Time before) = 0;
};

}  // namespace shop::queue
