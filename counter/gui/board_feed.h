// BoardFeed: the branch's live board stream for the desktop counter. A
// thread of its own runs CounterClient::WatchBoardLive (reconnecting with
// back-off after a server restart) and hands every message and every change
// of the connection to the UI thread as signals. The counter's queue panel,
// due appointments and device faults are drawn from it: no polling.
//
// Thread-safety: construct, start and stop on the UI thread; signals arrive
// there (queued). Ownership: stop() (or the destructor) cancels the stream
// and joins the thread.
#pragma once

#include <cstdint>
#include <memory>
#include <thread>

#include <QObject>
#include <QString>

#include "common/client/rpc.h"
#include "counter/counter_client.h"
#include "shop/queue/v1/board_service.pb.h"

Q_DECLARE_METATYPE(shop::queue::v1::WatchBoardResponse)

namespace shop::queue::counter::gui {

class BoardFeed : public QObject {
  Q_OBJECT
 public:
  explicit BoardFeed(QObject* parent = nullptr);
  ~BoardFeed() override;

  // Watches with `counter` (any earlier stream is stopped first).
  void start(std::shared_ptr<const CounterClient> counter);
  void stop();

 Q_SIGNALS:
  // A board message (the first after each (re)connect is a snapshot).
  void message(const shop::queue::v1::WatchBoardResponse& board);
  // The stream works (true) or was lost and is being retried (false).
  void linkChanged(bool up);
  // The stream ended for good (refused: the session ended, ...); the text
  // is the server's.
  void ended(int code, const QString& text);

 private:
  // Emits on the UI thread unless the stream of `generation` was stopped.
  template <typename Emit>
  void Post(uint64_t generation, Emit emit);

  std::shared_ptr<client::StreamCanceller> canceller_;
  uint64_t generation_ = 0;  // UI thread only: the stream whose posts count
  std::thread thread_;
};

}  // namespace shop::queue::counter::gui
