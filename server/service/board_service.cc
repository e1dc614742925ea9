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
//
// Every way the stream ends (a refusal at the start, the watcher leaving, a
// failed write, the server stopping, an exception) only records why in
// `finish_` and calls Pump(); Pump() is the one place that calls Finish, at
// most once (`finished_`), and only when no write is in flight. gRPC may
// call OnCancel after Finish (it reports any non-OK end as a cancellation),
// so OnCancel must not finish by itself either.
class BoardReactor final : public grpc::ServerWriteReactor<pb::WatchBoardResponse>,
                           public std::enable_shared_from_this<BoardReactor> {
 public:
  BoardReactor(BoardHub& hub, Entry& entry) : hub_(hub), entry_(entry), gate_(entry.gate) {}

  void Start(QueueManager& manager, grpc::CallbackServerContext* ctx,
             const pb::WatchBoardRequest* req) {
    self_ = shared_from_this();
    try {
      Open(manager, ctx, req);
    } catch (const std::exception& e) {
      End(grpc::Status(grpc::StatusCode::INTERNAL, std::string("internal error: ") + e.what()));
    } catch (...) {
      End(grpc::Status(grpc::StatusCode::INTERNAL, "internal error"));
    }
  }

  void OnWriteDone(bool ok) override {
    {
      std::lock_guard lock(mu_);
      writing_ = false;
      if (!ok && !finish_) finish_ = grpc::Status(grpc::StatusCode::CANCELLED, "the watcher left");
    }
    Pump();
  }

  void OnCancel() override { End(grpc::Status(grpc::StatusCode::CANCELLED, "the watcher left")); }

  void OnDone() override {
    std::shared_ptr<BoardSubscription> sub;
    {
      std::lock_guard lock(mu_);
      done_ = true;
      sub = sub_;
    }
    if (sub) {
      sub->SetListener(nullptr);
      hub_.Unsubscribe(branch_, sub);
    }
    if (entered_) gate_.Exit();
    self_.reset();  // may delete this
  }

 private:
  // Checks the caller and the request, subscribes and sends the snapshot.
  void Open(QueueManager& manager, grpc::CallbackServerContext* ctx,
            const pb::WatchBoardRequest* req) {
    branch_ = req->branch_id();
    if (!gate_.Enter()) {
      End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is stopping; try again shortly"));
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
      End(ToGrpc(st));
      return;
    }
    // Subscribe before the snapshot so no update falls between the two.
    auto sub = hub_.Subscribe(branch_);
    {
      std::lock_guard lock(mu_);
      sub_ = sub;
    }
    auto snapshot =
        manager.BoardSnapshot(branch_, req->recent_call_count() ? req->recent_call_count() : 10);
    if (!snapshot.ok()) {
      End(ToGrpc(snapshot.status()));
      return;
    }
    bool write = false;
    {
      std::lock_guard lock(mu_);
      if (!finish_ && !finished_) {  // the watcher may have left meanwhile
        ToProto(*snapshot, &out_);
        writing_ = write = true;
      }
    }
    if (write) StartWrite(&out_);
    std::weak_ptr<BoardReactor> weak = shared_from_this();
    sub->SetListener([weak] {
      if (auto r = weak.lock()) r->Pump();
    });
    Pump();  // an update, a close or an end that came before the listener
  }

  // Ends the stream with `why` (the first reason given wins) once no write
  // is in flight. Safe from any thread, any number of times.
  void End(grpc::Status why) {
    {
      std::lock_guard lock(mu_);
      if (!finish_) finish_ = std::move(why);
    }
    Pump();
  }

  // Writes the next queued update if no write is in flight, or finishes the
  // stream when it should end. The only caller of Finish. Safe from any
  // thread.
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
  bool entered_ = false;  // set in Start, read in OnDone (gRPC orders them)
  std::shared_ptr<BoardReactor> self_;

  std::mutex mu_;
  std::shared_ptr<BoardSubscription> sub_;  // guarded by mu_
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
  reactor->Start(manager_, ctx, req);  // ends the stream itself on any failure
  return reactor.get();
}

}  // namespace shop::queue::service
