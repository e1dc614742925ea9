#include "tests/support/pausing_store.h"

#include <chrono>
#include <type_traits>

namespace shop::queue::testing {

PausingStore::~PausingStore() { Resume(); }

void PausingStore::HoldNext(Op op, std::function<bool(ReadTx&)> claims) {
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

bool PausingStore::Claim(Op op, ReadTx& tx) {
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

template <typename Tx>
Status PausingStore::Run(Op op, const std::function<Status(Tx&)>& fn) {
  bool mine = false;  // set on the store's thread, read after it answered
  std::function<Status(Tx&)> claiming = [&](Tx& tx) {
    Status st = fn(tx);
    if (st.ok()) mine = Claim(op, tx);
    return st;
  };
  Status st;
  if constexpr (std::is_same_v<Tx, WriteTx>) st = inner_->Write(claiming);
  else st = inner_->Read(claiming);
  if (mine && st.ok()) Hold();
  return st;
}

Status PausingStore::Write(const std::function<Status(WriteTx&)>& fn) {
  return Run(Op::kWrite, fn);
}

Status PausingStore::Read(const std::function<Status(ReadTx&)>& fn) {
  return Run(Op::kRead, fn);
}

Status PausingStore::SyncConfig(const ServerConfig& config) { return inner_->SyncConfig(config); }

}  // namespace shop::queue::testing
