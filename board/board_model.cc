#include "board/board_model.h"

#include <QDateTime>
#include <QMetaObject>
#include <QTimeZone>
#include <QVariantMap>

#include "common/client/log.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"

namespace shop::queue::board {
namespace {

QString Q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

BoardModel::BoardModel(Options options, QObject* parent)
    : QObject(parent), options_(std::move(options)) {
  reconnecting_timer_.setSingleShot(true);
  reconnecting_timer_.setInterval(static_cast<int>(kReconnectingAfter.count()));
  connect(&reconnecting_timer_, &QTimer::timeout, this, [this] {
    if (!link_up_) SetConnection(QStringLiteral("reconnecting"));
  });
  reconnecting_timer_.start();  // from start-up: no server within 5 s
  blink_timer_.setSingleShot(true);
  blink_timer_.setInterval(static_cast<int>(kBlinkFor.count()));
  connect(&blink_timer_, &QTimer::timeout, this, [this] {
    blinking_ = false;
    Q_EMIT changed();
  });
  tick_timer_.setInterval(1000);
  connect(&tick_timer_, &QTimer::timeout, this, [this] {
    Q_EMIT clockChanged();
    // Old calls leave the screen as time passes.
    const int visible = VisibleCalls();
    if (visible != visible_calls_) {
      visible_calls_ = visible;
      Q_EMIT changed();
    }
  });
  tick_timer_.start();
}

int64_t BoardModel::Now() const {
  return options_.now_unix ? options_.now_unix() : QDateTime::currentSecsSinceEpoch();
}

bool BoardModel::Visible(const BoardCallView& call) const {
  return Now() - call.call_time_unix <=
         std::chrono::duration_cast<std::chrono::seconds>(options_.recent).count();
}

int BoardModel::VisibleCalls() const {
  int n = 0;
  for (const BoardCallView& call : state_.calls()) n += Visible(call) ? 1 : 0;
  return n;
}

QString BoardModel::LocalTime(int64_t unix_seconds) const {
  const QDateTime utc = QDateTime::fromSecsSinceEpoch(unix_seconds, QTimeZone::utc());
  const QTimeZone zone(QByteArray::fromStdString(state_.time_zone()));
  return (zone.isValid() ? utc.toTimeZone(zone) : utc.toLocalTime())
      .toString(QStringLiteral("HH:mm"));
}

QString BoardModel::clock() const { return LocalTime(Now()); }

QString BoardModel::branchName() const { return Q(state_.branch_name()); }

QString BoardModel::newestNumber() const {
  const auto& calls = state_.calls();
  return calls.empty() || !Visible(calls.front()) ? QString() : Q(calls.front().display_number);
}

QString BoardModel::newestCounter() const {
  const auto& calls = state_.calls();
  return calls.empty() || !Visible(calls.front()) ? QString() : Q(calls.front().counter_name);
}

int BoardModel::newestRecall() const {
  const auto& calls = state_.calls();
  return calls.empty() || !Visible(calls.front()) ? 0 : calls.front().recall_count;
}

QVariantList BoardModel::calls() const {
  QVariantList list;
  const auto& calls = state_.calls();
  for (std::size_t i = 1; i < calls.size(); ++i) {
    if (!Visible(calls[i])) continue;
    QVariantMap row;
    row["number"] = Q(calls[i].display_number);
    row["counter"] = Q(calls[i].counter_name);
    row["recall"] = calls[i].recall_count;
    row["appointment"] = calls[i].appointment;
    row["time"] = LocalTime(calls[i].call_time_unix);
    list.push_back(row);
  }
  return list;
}

QVariantList BoardModel::waiting() const {
  QVariantList list;
  for (const WaitingView& w : state_.waiting()) {
    QVariantMap row;
    row["prefix"] = Q(w.service_prefix);
    const auto name = services_.find(w.service_prefix);
    row["name"] = name == services_.end() ? Q(w.service_prefix) : Q(name->second.ru);
    row["nameEn"] = name == services_.end() ? QString() : Q(name->second.en);
    row["nameZh"] = name == services_.end() ? QString() : Q(name->second.zh);
    row["count"] = w.waiting;
    list.push_back(row);
  }
  return list;
}

QVariantList BoardModel::due() const {
  QVariantList list;
  for (const DueView& d : state_.due()) {
    QVariantMap row;
    row["number"] = Q(d.display_number);
    row["prefix"] = Q(d.service_prefix);
    row["time"] = LocalTime(d.due_time_unix);
    row["overdue"] = d.due_time_unix <= Now();
    list.push_back(row);
  }
  return list;
}

QStringList BoardModel::faults() const {
  QStringList list;
  for (const std::string& line : state_.faults()) list.push_back(Q(line));
  return list;
}

void BoardModel::SetConnection(QString state) {
  if (connection_ == state) return;
  client::ClientLog()->info("board: {}", state.toStdString());
  connection_ = std::move(state);
  Q_EMIT changed();
}

void BoardModel::ApplyMessage(const v1::WatchBoardResponse& message) {
  const bool was_down = !link_up_;
  link_up_ = true;
  reconnecting_timer_.stop();
  const std::vector<BoardCallView> fresh = state_.Apply(message, Now());
  const bool newest_is_fresh =
      !fresh.empty() && !state_.calls().empty() &&
      state_.calls().front().ticket_id == fresh.back().ticket_id;
  if (newest_is_fresh) {
    blinking_ = true;
    blink_timer_.start();
  }
  if (options_.announce) {
    for (const BoardCallView& call : fresh) options_.announce(call);
  }
  connection_ = QStringLiteral("connected");
  visible_calls_ = VisibleCalls();
  Q_EMIT changed();
  if (was_down) {
    client::ClientLog()->info("board: connected");
    Q_EMIT dataArrived();
  }
}

void BoardModel::SetLink(bool up, const grpc::Status& why) {
  if (up) return;  // the next message says so (ApplyMessage)
  if (why.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
      why.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    link_up_ = false;
    reconnecting_timer_.stop();  // "refused" stays until the server answers
    SetConnection(QStringLiteral("refused"));
    return;
  }
  if (link_up_) client::ClientLog()->warn("board: connection lost ({})",
                                          client::DescribeStatus(why));
  link_up_ = false;
  if (!reconnecting_timer_.isActive() && connection_ != QStringLiteral("reconnecting")) {
    reconnecting_timer_.start();
  }
}

void BoardModel::SetBranch(const std::string& name, const std::string& time_zone,
                           std::map<std::string, ServiceName> services) {
  state_.SetBranchFallback(name, time_zone);
  if (!services.empty()) services_ = std::move(services);
  Q_EMIT changed();
  Q_EMIT clockChanged();
}

BoardFeed::BoardFeed(std::shared_ptr<grpc::ChannelInterface> channel, std::string branch_id,
                     client::CallOptions options, BoardModel* model)
    : channel_(channel),
      branch_id_(branch_id),
      options_(options),
      client_(channel, branch_id, options, /*recent_call_count=*/50),
      model_(model) {}

BoardFeed::~BoardFeed() { Stop(); }

void BoardFeed::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void BoardFeed::Stop() {
  canceller_.Cancel();
  if (thread_.joinable()) thread_.join();
}

template <typename F>
void BoardFeed::Post(F apply) {
  QPointer<BoardModel> model = model_;
  QMetaObject::invokeMethod(
      model_,
      [model, apply = std::move(apply)]() mutable {
        if (model) apply(*model);
      },
      Qt::QueuedConnection);
}

void BoardFeed::FetchBranch() {
  std::unique_ptr<v1::KioskService::StubInterface> stub = v1::KioskService::NewStub(channel_);
  v1::GetBranchRequest branch_request;
  branch_request.set_branch_id(branch_id_);
  v1::GetBranchResponse branch;
  client::CallOptions once = options_;
  once.max_attempts = 1;
  grpc::Status status = client::UnaryWithRetry(once, *stub, &v1::KioskService::StubInterface::GetBranch,
                                               branch_request, &branch);
  if (!status.ok()) {
    client::LogFailure("board: get branch", status);
    return;
  }
  std::map<std::string, ServiceName> names;
  v1::ListServicesRequest list_request;
  list_request.set_branch_id(branch_id_);
  v1::ListServicesResponse list;
  status = client::UnaryWithRetry(once, *stub, &v1::KioskService::StubInterface::ListServices,
                                  list_request, &list);
  if (status.ok()) {
    for (const v1::Service& s : list.services()) {
      names[s.prefix()] = ServiceName{s.name_ru(), s.name_en(), s.name_zh()};
    }
  } else {
    client::LogFailure("board: list services", status);
  }
  Post([name = branch.branch().display_name(), zone = branch.branch().time_zone(),
        names = std::move(names)](BoardModel& model) mutable {
    model.SetBranch(name, zone, std::move(names));
  });
}

void BoardFeed::Run() {
  client::Backoff backoff;
  while (!canceller_.cancelled()) {
    bool got = false;
    const grpc::Status status = client_.WatchBoardLive(
        [&](const v1::WatchBoardResponse& message) {
          if (message.snapshot()) FetchBranch();
          got = true;
          Post([message](BoardModel& model) { model.ApplyMessage(message); });
          return true;
        },
        [&](client::BoardLink link, const grpc::Status& why) {
          const bool up = link == client::BoardLink::kBack;
          Post([up, why](BoardModel& model) { model.SetLink(up, why); });
        },
        &canceller_);
    if (canceller_.cancelled()) break;
    // Could not connect at all, or refused: say so and try again later.
    Post([status](BoardModel& model) { model.SetLink(false, status); });
    if (got) backoff.Reset();
    canceller_.WaitFor(backoff.Next());
  }
}

}  // namespace shop::queue::board
