#include "tests/support/pausing_store.h"

#include <chrono>

namespace shop::queue::testing {

PausingStore::~PausingStore() { Resume(); }

void PausingStore::HoldNext(Op op, std::function<bool(QueueTx&)> claims) {
  std::lock_guard lock(mu_);
  armed_ = true;
  op_ = op;
  claims_ = std::move(claims);
  held_ = false;
  resumed_ = false;
}

bool PausingStore::WaitUntilHeld(absl::Duration timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return held_; });
}

void PausingStore::Resume() {
  {
    std::lock_guard lock(mu_);
    resumed_ = true;
    armed_ = false;
  }
  cv_.notify_all();
}

bool PausingStore::Claim(Op op, QueueTx& tx) {
  std::lock_guard lock(mu_);
  if (!armed_ || op_ != op) return false;
  if (claims_ && !claims_(tx)) return false;
  armed_ = false;  // one call only
  return true;
}

void PausingStore::Hold() {
  std::unique_lock lock(mu_);
  held_ = true;
  cv_.notify_all();
  cv_.wait(lock, [&] { return resumed_; });
}

Status PausingStore::Run(Op op, const std::function<Status(QueueTx&)>& fn) {
  bool mine = false;  // set on the store's thread, read after it answered
  auto claiming = [&](QueueTx& tx) {
    Status st = fn(tx);
    if (st.ok()) mine = Claim(op, tx);
    return st;
  };
  Status st = op == Op::kWrite ? inner_->Write(claiming) : inner_->Read(claiming);
  if (mine && st.ok()) Hold();
  return st;
}

Status PausingStore::Write(const std::function<Status(QueueTx&)>& fn) {
  return Run(Op::kWrite, fn);
}

Status PausingStore::Read(const std::function<Status(QueueTx&)>& fn) {
  return Run(Op::kRead, fn);
}

Status PausingStore::SyncConfig(const ServerConfig& config) { return inner_->SyncConfig(config); }

}  // namespace shop::queue::testing
