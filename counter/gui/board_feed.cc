#include "counter/gui/board_feed.h"

#include <QMetaObject>
#include <QPointer>

namespace shop::queue::counter::gui {

BoardFeed::BoardFeed(QObject* parent) : QObject(parent) {
  qRegisterMetaType<v1::WatchBoardResponse>();
}

BoardFeed::~BoardFeed() { stop(); }

void BoardFeed::start(std::shared_ptr<const CounterClient> counter) {
  stop();
  auto canceller = std::make_shared<client::StreamCanceller>();
  canceller_ = canceller;
  thread_ = std::thread([this, counter, canceller] {
    bool reported_down = false;
    for (;;) {
      bool first = true;
      grpc::Status status = counter->WatchBoardLive(
          [this, canceller, &first, &reported_down](const v1::WatchBoardResponse& board) {
            if (canceller->cancelled()) return false;
            if (first) {
              first = false;
              reported_down = false;
              QMetaObject::invokeMethod(this, [this] { Q_EMIT linkChanged(true); },
                                        Qt::QueuedConnection);
            }
            QMetaObject::invokeMethod(this, [this, board] { Q_EMIT message(board); },
                                      Qt::QueuedConnection);
            return true;
          },
          [this, &reported_down](client::BoardLink link, const grpc::Status&) {
            const bool up = link == client::BoardLink::kBack;
            reported_down = !up;
            QMetaObject::invokeMethod(this, [this, up] { Q_EMIT linkChanged(up); },
                                      Qt::QueuedConnection);
          },
          canceller.get());
      if (canceller->cancelled() || status.ok()) return;
      if (client::BoardWorthReconnecting(status.error_code())) {
        // Never reached (the server is down as the counter starts): say so
        // once and try again.
        if (!reported_down) {
          reported_down = true;
          QMetaObject::invokeMethod(this, [this] { Q_EMIT linkChanged(false); },
                                    Qt::QueuedConnection);
        }
        if (canceller->WaitFor(std::chrono::seconds(2))) return;
        continue;
      }
      const int code = status.error_code();
      const QString text = QString::fromStdString(client::DescribeStatus(status));
      QMetaObject::invokeMethod(this, [this, code, text] { Q_EMIT ended(code, text); },
                                Qt::QueuedConnection);
      return;
    }
  });
}

void BoardFeed::stop() {
  if (canceller_) canceller_->Cancel();
  if (thread_.joinable()) thread_.join();
  canceller_.reset();
}

}  // namespace shop::queue::counter::gui
