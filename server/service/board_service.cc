#include <memory>
#include <mutex>

#include "server/service/convert.h"
#include "server/service/errors.h"
#include "server/service/services.h"

namespace shop::queue::service {
namespace {

constexpr const char* kMethod = "/shop.queue.v1.BoardService/WatchBoard";

// One board stream. Lifetime: owned by `self_` until gRPC calls OnDone, and by
// the subscription's listener until it is removed; whichever is released
// last deletes it. After OnDone nothing touches the stream any more.
class BoardReactor final : public grpc::ServerWriteReactor<pb::WatchBoardResponse>,
                           public std::enable_shared_from_this<BoardReactor> {
 public:
  BoardReactor(BoardHub& hub, Entry& entry) : hub_(hub), entry_(entry), gate_(entry.gate) {}

  void Start(QueueManager& manager, grpc::CallbackServerContext* ctx,
             const pb::WatchBoardRequest* req) {
    self_ = shared_from_this();
    branch_ = req->branch_id();
    if (!gate_.Enter()) {
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is stopping; try again shortly"));
      return;
    }
    entered_ = true;
    auto who = Authorize(entry_, *ctx, kMethod);
    Status st = who.status();
    if (st.ok()) st = CheckRequestBounds(*req);
    if (st.ok()) st = CheckBranch(who->has_value() ? &**who : nullptr, branch_);
    if (st.ok() && (req->recent_call_count() < 0 || req->recent_call_count() > 50))
      st = Status::InvalidArgument("recent_call_count", "recent_call_count must be 0..50");
    if (!st.ok()) {
      Finish(ToGrpc(st));
      return;
    }
    // Subscribe before the snapshot so no update falls between the two.
    sub_ = hub_.Subscribe(branch_);
    auto snapshot =
        manager.BoardSnapshot(branch_, req->recent_call_count() ? req->recent_call_count() : 10);
    if (!snapshot.ok()) {
      Finish(ToGrpc(snapshot.status()));
      return;
    }
    {
      std::lock_guard lock(mu_);
      ToProto(*snapshot, &out_);
      writing_ = true;
    }
    StartWrite(&out_);
    std::weak_ptr<BoardReactor> weak = shared_from_this();
    sub_->SetListener([weak] {
      if (auto r = weak.lock()) r->Pump();
    });
  }

  void OnWriteDone(bool ok) override {
    {
      std::lock_guard lock(mu_);
      writing_ = false;
      if (!ok) finish_ = grpc::Status(grpc::StatusCode::CANCELLED, "the watcher left");
    }
    Pump();
  }

  void OnCancel() override {
    {
      std::lock_guard lock(mu_);
      if (!finish_) finish_ = grpc::Status(grpc::StatusCode::CANCELLED, "the watcher left");
    }
    Pump();
  }

  void OnDone() override {
    if (sub_) {
      sub_->SetListener(nullptr);
      hub_.Unsubscribe(branch_, sub_);
    }
    if (entered_) gate_.Exit();
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    self_.reset();  // may delete this
  }

 private:
  // Writes the next queued update if no write is in flight, or finishes the
  // stream when it should end. Safe from any thread.
  void Pump() {
    bool write = false;
    std::optional<grpc::Status> finish;
    {
      std::lock_guard lock(mu_);
      if (done_ || finished_ || writing_) return;
      if (!finish_ && sub_) {
        if (auto u = sub_->TryNext()) {
          out_.Clear();
          ToProto(*u, &out_);
          writing_ = write = true;
        } else if (sub_->closed()) {
          finish_ = grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down");
        }
      }
      if (!write && finish_) {
        finished_ = true;
        finish = finish_;
      }
    }
    if (write) StartWrite(&out_);
    if (finish) Finish(*finish);
  }

  BoardHub& hub_;
  Entry& entry_;
  CallGate& gate_;
  std::string branch_;
  bool entered_ = false;
  std::shared_ptr<BoardSubscription> sub_;
  std::shared_ptr<BoardReactor> self_;

  std::mutex mu_;
  pb::WatchBoardResponse out_;          // the message being written; guarded by mu_
  bool writing_ = false;                // guarded by mu_
  bool finished_ = false;               // Finish called; guarded by mu_
  bool done_ = false;                   // OnDone ran; guarded by mu_
  std::optional<grpc::Status> finish_;  // how to end, once writes drain; guarded by mu_
};

}  // namespace

grpc::ServerWriteReactor<pb::WatchBoardResponse>* BoardServiceImpl::WatchBoard(
    grpc::CallbackServerContext* ctx, const pb::WatchBoardRequest* req) {
  auto reactor = std::make_shared<BoardReactor>(hub_, entry_);
  try {
    reactor->Start(manager_, ctx, req);
  } catch (const std::exception& e) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL, e.what()));
  }
  return reactor.get();
}

}  // namespace shop::queue::service
