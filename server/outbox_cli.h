// The outbox's admin commands of queue-server (against --db, with the server
// running or not): list messages with their delivery state, recipients
// masked, and put a dead message back to pending. Exit codes as in admin.h.
#pragma once

#include <cstdint>
#include <string>

#include "server/admin.h"

namespace shop::queue::admin {

// The most messages one `queue-server outbox` lists.
inline constexpr int kMaxOutboxListLimit = 1000;

// `queue-server outbox [--state pending|sent|dead] [--limit N]`: the newest
// messages first. `state` empty: all. `limit` in 1..kMaxOutboxListLimit
// (else exit code 2).
int OutboxList(const Target& t, const std::string& state, int limit);
// `queue-server outbox-retry --id N`: dead message N becomes pending, due
// now, with its attempts counted afresh.
int OutboxRetry(const Target& t, int64_t id);

}  // namespace shop::queue::admin
