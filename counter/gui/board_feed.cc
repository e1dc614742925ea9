#include "counter/gui/board_feed.h"

#include <QMetaObject>

namespace shop::queue::counter::gui {

BoardFeed::BoardFeed(QObject* parent) : QObject(parent) {
  qRegisterMetaType<v1::WatchBoardResponse>();
}

BoardFeed::~BoardFeed() { stop(); }

template <typename Emit>
void BoardFeed::Post(uint64_t generation, Emit emit) {
  // Runs on the UI thread; what a stopped stream posted is dropped.
  QMetaObject::invokeMethod(
      this,
      [this, generation, emit = std::move(emit)] {
        if (generation == generation_) emit();
      },
      Qt::QueuedConnection);
}

void BoardFeed::start(std::shared_ptr<const CounterClient> counter) {
  stop();
  auto canceller = std::make_shared<client::StreamCanceller>();
  canceller_ = canceller;
  const uint64_t generation = ++generation_;
  thread_ = std::thread([this, counter, canceller, generation] {
    bool reported_down = false;
    for (;;) {
      bool first = true;
      grpc::Status status = counter->WatchBoardLive(
          [&](const v1::WatchBoardResponse& board) {
            if (canceller->cancelled()) return false;
            if (first) {
              first = false;
              reported_down = false;
              Post(generation, [this] { Q_EMIT linkChanged(true); });
            }
            Post(generation, [this, board] { Q_EMIT message(board); });
            return true;
          },
          [&](client::BoardLink link, const grpc::Status&) {
            const bool up = link == client::BoardLink::kBack;
            reported_down = !up;
            Post(generation, [this, up] { Q_EMIT linkChanged(up); });
          },
          canceller.get());
      if (canceller->cancelled() || status.ok()) return;
      if (client::BoardWorthReconnecting(status.error_code())) {
        // Never reached (the server is down as the counter starts): say so
        // once and try again.
        if (!reported_down) {
          reported_down = true;
          Post(generation, [this] { Q_EMIT linkChanged(false); });
        }
        if (canceller->WaitFor(std::chrono::seconds(2))) return;
        continue;
      }
      const int code = status.error_code();
      const QString text = QString::fromStdString(client::DescribeStatus(status));
      Post(generation, [this, code, text] { Q_EMIT ended(code, text); });
      return;
    }
  });
}

void BoardFeed::stop() {
  ++generation_;
  if (canceller_) canceller_->Cancel();
  if (thread_.joinable()) thread_.join();
  canceller_.reset();
}

}  // namespace shop::queue::counter::gui
