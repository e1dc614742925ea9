#include "server/outbox_cli.h"

#include <cstdio>
#include <optional>

#include "common/db_uri.h"
#include "server/domain/common/personal_data.h"
#include "server/storage/engine_store.h"

namespace shop::queue::admin {
namespace {

std::unique_ptr<EngineStore> Open(const Target& t) {
  StoreOptions options;
  options.existing = true;
  auto store = shop::queue::OpenStore(t.db_path, options);
  if (store.ok()) return std::move(store).value();
  std::fprintf(stderr, "cannot open database %s: %s\n", DescribeDb(t.db_path).c_str(),
               store.status().message().c_str());
  return nullptr;
}

const char* StateName(OutboxState s) {
  switch (s) {
    case OutboxState::kPending: return "pending";
    case OutboxState::kSent: return "sent";
    case OutboxState::kDead: return "dead";
  }
  return "?";
}

const char* LanguageName(int language) {
  switch (language) {
    case 1: return "ru";
    case 2: return "en";
    case 3: return "zh";
  }
  return "-";
}

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", t, absl::UTCTimeZone());
}

}  // namespace

int OutboxList(const Target& t, const std::string& state, int limit) {
  // main's parser checks it too; a negative limit would list everything.
  if (limit < 1 || limit > kMaxOutboxListLimit) {
    std::fprintf(stderr, "--limit: %d is not in 1..%d\n", limit, kMaxOutboxListLimit);
    return 2;
  }
  std::optional<OutboxState> want;
  if (state == "pending") want = OutboxState::kPending;
  else if (state == "sent") want = OutboxState::kSent;
  else if (state == "dead") want = OutboxState::kDead;
  else if (!state.empty()) {
    std::fprintf(stderr, "--state: unknown state '%s'; use pending, sent or dead\n",
                 state.c_str());
    return 2;
  }
  auto store = Open(t);
  if (!store) return 2;
  std::vector<OutboxMessage> list;
  Status st = store->Read([&](ReadTx& tx) -> Status {
    auto r = tx.outbox().ListOutbox(want, limit);
    if (!r.ok()) return r.status();
    list = std::move(*r);
    return Status::Ok();
  });
  if (!st.ok()) {
    std::fprintf(stderr, "cannot read the outbox: %s\n", st.ToString().c_str());
    return 2;
  }
  // Times are UTC. Recipients are masked; texts are not shown.
  std::printf("%-8s %-7s %-6s %-4s %-18s %-19s %-8s %-19s %s\n", "id", "state", "chan",
              "lang", "recipient", "created (UTC)", "attempts", "sent / next try", "last error");
  for (const OutboxMessage& m : list) {
    const std::string when = m.sent                               ? Utc(*m.sent)
                             : m.state == OutboxState::kPending ? Utc(m.next_try)
                                                                : "-";
    std::printf("%-8lld %-7s %-6s %-4s %-18s %-19s %-8d %-19s %s\n",
                static_cast<long long>(m.id), StateName(m.state), m.channel.c_str(),
                LanguageName(m.language), MaskContact(m.recipient).c_str(), Utc(m.created).c_str(),
                m.attempts, when.c_str(), m.last_error.c_str());
  }
  std::printf("%zu message(s)\n", list.size());
  return 0;
}

int OutboxRetry(const Target& t, int64_t id) {
  auto store = Open(t);
  if (!store) return 2;
  Status st = store->Write(
      [&](WriteTx& tx) { return tx.outbox().RetryDead(id, absl::Now()); });
  if (st.code() == Status::Code::kNotFound) {
    std::fprintf(stderr, "refused: %s (only a dead message can be retried)\n",
                 st.message().c_str());
    return 1;
  }
  if (!st.ok()) {
    std::fprintf(stderr, "cannot change the outbox: %s\n", st.ToString().c_str());
    return 2;
  }
  std::printf("outbox message %lld is pending again\n", static_cast<long long>(id));
  return 0;
}

}  // namespace shop::queue::admin
