#include "server/service/convert.h"
#include "server/service/errors.h"
#include "server/service/services.h"

namespace shop::queue::service {

grpc::Status BoardServiceImpl::WatchBoard(grpc::ServerContext* ctx,
                                          const pb::WatchBoardRequest* req,
                                          grpc::ServerWriter<pb::WatchBoardResponse>* writer) {
  return Guard(gate_, ctx, "/shop.queue.v1.BoardService/WatchBoard", [&]() -> Status {
    if (req->recent_call_count() < 0 || req->recent_call_count() > 50)
      return Status::InvalidArgument("recent_call_count", "recent_call_count must be 0..50");
    int recent = req->recent_call_count() == 0 ? 10 : req->recent_call_count();
    // Subscribe before the snapshot so no update falls between the two.
    auto sub = hub_.Subscribe(req->branch_id());
    struct Unsubscribe {
      BoardHub& hub;
      const std::string& branch;
      std::shared_ptr<BoardSubscription>& sub;
      ~Unsubscribe() { hub.Unsubscribe(branch, sub); }
    } guard{hub_, req->branch_id(), sub};

    auto snapshot = manager_.BoardSnapshot(req->branch_id(), recent);
    if (!snapshot.ok()) return snapshot.status();
    pb::WatchBoardResponse first;
    ToProto(*snapshot, &first);
    if (!writer->Write(first)) return Status::Ok();  // the watcher left
    while (!ctx->IsCancelled()) {
      auto update = sub->Next(absl::Milliseconds(500));
      if (!update) {
        if (sub->closed()) return Status::Unavailable("server is shutting down");
        continue;
      }
      pb::WatchBoardResponse msg;
      ToProto(*update, &msg);
      if (!writer->Write(msg)) break;
    }
    return Status::Ok();
  });
}

}  // namespace shop::queue::service
