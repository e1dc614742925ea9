// PausingStore: a Store that forwards to another and can hold one call on
// its way back to the caller, so a test can interleave other work at that
// exact point (a Resolve that has read a session while a Logout commits, an
// RPC still running when the server is told to stop). For tests only.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "absl/time/time.h"
#include "server/domain/store.h"

namespace shop::queue::testing {

class PausingStore final : public Store {
 public:
  enum class Op { kRead, kWrite };
  explicit PausingStore(std::shared_ptr<Store> inner) : inner_(std::move(inner)) {}
  ~PausingStore() override;  // resumes a held call

  // Holds the next call of `op` that succeeds (and for which `claims`, asked
  // with the call's transaction right after the call's own function, is true):
  // it runs and, for a write, commits as usual, then waits before returning
  // to its caller until Resume(). Other calls pass.
  void HoldNext(Op op, std::function<bool(ReadTx&)> claims = {});
  // Waits up to `timeout` until a call is held; true if one is.
  bool WaitUntilHeld(absl::Duration timeout);
  // Lets the held call (and any later one) return.
  void Resume();

  Status Write(const std::function<Status(WriteTx&)>& fn) override;
  Status Read(const std::function<Status(ReadTx&)>& fn) override;
  Status SyncConfig(const ServerConfig& config) override;
  bool WatchChanges(std::function<void(const std::string&)> on_change) override {
    return inner_->WatchChanges(std::move(on_change));
  }
  bool LeadsBackgroundWork() override { return inner_->LeadsBackgroundWork(); }

 private:
  // Runs `fn` through the inner store's `op`; Tx is WriteTx or ReadTx.
  template <typename Tx>
  Status Run(Op op, const std::function<Status(Tx&)>& fn);
  bool Claim(Op op, ReadTx& tx);
  void Hold();

  std::shared_ptr<Store> inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool armed_ = false;                      // guarded by mu_
  Op op_ = Op::kRead;                       // guarded by mu_
  std::function<bool(ReadTx&)> claims_;     // guarded by mu_
  bool held_ = false;                       // a call is being held; guarded by mu_
  bool resumed_ = false;                    // guarded by mu_
};

}  // namespace shop::queue::testing
