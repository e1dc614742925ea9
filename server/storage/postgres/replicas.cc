#include "server/storage/postgres/replicas.h"

#include <chrono>
#include <set>

#include "server/storage/postgres/locks.h"

namespace shop::queue::pg {

namespace {
constexpr auto kPoll = std::chrono::milliseconds(500);
constexpr auto kRetryPause = std::chrono::milliseconds(500);

// The connection's application_name with `what` after it ("queue-server/12
// feed"), so an operator can tell the sessions of a replica apart.
Options Named(Options o, const char* what) {
  o.application_name += what;
  return o;
}
}  // namespace

ChangeFeed::ChangeFeed(std::string uri, Options options,
                       std::function<void(const std::string& branch_id)> on_change)
    : uri_(std::move(uri)), options_(Named(std::move(options), " feed")),
      on_change_(std::move(on_change)) {
  thread_ = std::thread([this] { Loop(); });
}

ChangeFeed::~ChangeFeed() {
  stop_ = true;
  thread_.join();
}

bool ChangeFeed::Connect() {
  if (!conn_) {
    auto conn = Conn::Open(uri_, options_);
    if (conn.ok()) conn_ = std::move(conn).value();
  } else {
    (void)conn_->Reset();
  }
  if (conn_ && conn_->Ok() && conn_->Listen(kChangeChannel).ok()) return true;
  std::this_thread::sleep_for(kRetryPause);
  return false;
}

void ChangeFeed::Loop() {
  bool connected = false;
  while (!stop_) {
    if (!connected) {
      connected = Connect();
      // Whatever happened while this replica was not listening: re-read all.
      if (connected) on_change_("");
      continue;
    }
    auto notes = conn_->WaitForNotify(kPoll);
    if (!notes.ok()) {
      connected = false;
      continue;
    }
    std::set<std::string> branches;  // one refresh per branch per wake-up
    for (const Notification& n : *notes)
      if (n.channel == kChangeChannel) branches.insert(n.payload);
    for (const std::string& b : branches) on_change_(b);
  }
}

BackgroundLease::BackgroundLease(std::string uri, Options options)
    : uri_(std::move(uri)), options_(Named(std::move(options), " lease")) {}

BackgroundLease::~BackgroundLease() = default;  // closing the session frees the lock

bool BackgroundLease::Held() {
  std::lock_guard lock(mu_);
  if (held_) {
    // Still ours only while the session lives.
    if (conn_->Ok() && conn_->Query("SELECT 1").ok()) return true;
    held_ = false;
    conn_.reset();
  }
  if (!conn_) {
    auto conn = Conn::Open(uri_, options_);
    if (!conn.ok()) return false;
    conn_ = std::move(conn).value();
  }
  auto got = conn_->Query("SELECT pg_try_advisory_lock($1) AS held", {kBackgroundLock});
  if (!got.ok()) {
    conn_.reset();
    return false;
  }
  held_ = got->Text(0, "held") == "t";
  return held_;
}

}  // namespace shop::queue::pg
