// BoardModel: the hall board's state for QML (a QObject with properties and
// one change signal), and BoardFeed, the worker thread that runs the board
// stream and posts what arrives to the model (queued, on the UI thread);
// no gRPC call ever runs on the UI thread.
//
// Connection: "connecting" until the first message; "connected" while the
// stream works; when it is lost (or cannot be opened) for 5 s,
// "reconnecting" (the last known state stays on screen); "refused" when the
// server refuses the board's token (it keeps trying: a new token may come).
//
// Thread-safety: BoardModel lives on the UI thread; BoardFeed's methods are
// called from there too (its own thread only posts to the model).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QVariantList>

#include "board/board_state.h"
#include "common/client/board_client.h"
#include "common/client/rpc.h"

namespace shop::queue::board {

class BoardModel : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString branchName READ branchName NOTIFY changed)
  Q_PROPERTY(QString connectionState READ connectionState NOTIFY changed)
  Q_PROPERTY(bool hasData READ hasData NOTIFY changed)
  Q_PROPERTY(QString newestNumber READ newestNumber NOTIFY changed)
  Q_PROPERTY(QString newestCounter READ newestCounter NOTIFY changed)
  Q_PROPERTY(int newestRecall READ newestRecall NOTIFY changed)
  Q_PROPERTY(bool newestBlinking READ newestBlinking NOTIFY changed)
  Q_PROPERTY(QVariantList calls READ calls NOTIFY changed)
  Q_PROPERTY(QVariantList waiting READ waiting NOTIFY changed)
  Q_PROPERTY(QVariantList due READ due NOTIFY changed)
  Q_PROPERTY(QStringList faults READ faults NOTIFY changed)
  Q_PROPERTY(QString clock READ clock NOTIFY clockChanged)

 public:
  // How long "reconnecting" waits for the link to come back.
  static constexpr std::chrono::milliseconds kReconnectingAfter{5000};
  // How long the newest call blinks.
  static constexpr std::chrono::milliseconds kBlinkFor{6000};

  struct Options {
    // Calls older than this leave the screen.
    std::chrono::minutes recent{15};
    // Called (on the UI thread) with each call to announce, oldest first.
    std::function<void(const BoardCallView&)> announce;
    // Instead of the system clock (tests).
    std::function<int64_t()> now_unix;
  };

  explicit BoardModel(Options options, QObject* parent = nullptr);

  QString branchName() const;
  QString connectionState() const { return connection_; }
  bool hasData() const { return state_.has_data(); }
  QString newestNumber() const;
  QString newestCounter() const;
  int newestRecall() const;
  bool newestBlinking() const { return blinking_; }
  QVariantList calls() const;  // after the newest, newest first
  QVariantList waiting() const;
  QVariantList due() const;
  QStringList faults() const;
  QString clock() const;

  const BoardState& state() const { return state_; }
  // "HH:mm" of `unix_seconds` in the branch's zone (the system's if unknown).
  QString LocalTime(int64_t unix_seconds) const;

  // From BoardFeed (UI thread).
  void ApplyMessage(const v1::WatchBoardResponse& message);
  void SetLink(bool up, const grpc::Status& why);
  void SetBranch(const std::string& name, const std::string& time_zone,
                 std::map<std::string, ServiceName> services);

 Q_SIGNALS:
  void changed();
  void clockChanged();
  // Emitted on the first message after start or after a reconnection.
  void dataArrived();

 private:
  int64_t Now() const;
  bool Visible(const BoardCallView& call) const;
  int VisibleCalls() const;
  void SetConnection(QString state);

  Options options_;
  BoardState state_;
  std::map<std::string, ServiceName> services_;
  QString connection_ = QStringLiteral("connecting");
  bool link_up_ = false;
  bool blinking_ = false;
  int visible_calls_ = 0;  // as last signalled
  QTimer reconnecting_timer_;
  QTimer blink_timer_;
  QTimer tick_timer_;
};

// Runs the board stream for a model on its own thread.
class BoardFeed {
 public:
  BoardFeed(std::shared_ptr<grpc::ChannelInterface> channel, std::string branch_id,
            client::CallOptions options, BoardModel* model);
  ~BoardFeed();  // Stop()
  BoardFeed(const BoardFeed&) = delete;
  BoardFeed& operator=(const BoardFeed&) = delete;

  void Start();
  // Cancels the stream and joins the thread.
  void Stop();

 private:
  void Run();
  // GetBranch and ListServices, posted to the model (best effort).
  void FetchBranch();

  std::shared_ptr<grpc::ChannelInterface> channel_;
  std::string branch_id_;
  client::CallOptions options_;
  client::BoardClient client_;
  // Runs `apply(BoardModel&)` on the model's (UI) thread.
  template <typename F>
  void Post(F apply);

  BoardModel* model_;  // outlives the feed (Stop() first)
  client::StreamCanceller canceller_;
  std::thread thread_;
};

}  // namespace shop::queue::board
