#include "server/http/live_hub.h"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>

#include "server/service/convert.h"
#include "server/service/public_calls.h"
#include "shop/queue/v1/board_service.pb.h"
#include "shop/queue/v1/ticket_status_service.pb.h"

namespace shop::queue::http {
namespace {

namespace pb = ::shop::queue::v1;

// Sends `frame` to every open stream of `streams` and drops the closed ones.
void SendAll(std::vector<std::shared_ptr<EventStream>>& streams,
             const std::shared_ptr<const std::string>& frame) {
  std::erase_if(streams, [&](const std::shared_ptr<EventStream>& s) { return !s->Send(frame); });
}

}  // namespace

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out);
  return out;
}

LiveHub::LiveHub(QueueManager& queue, BoardHub& board) : queue_(queue), board_(board) {
  thread_ = std::thread([this] { Loop(); });
}

LiveHub::~LiveHub() { Shutdown(); }

std::string LiveHub::BoardFrame(const BoardUpdate& u) {
  pb::WatchBoardResponse m;
  service::ToProto(u, &m);
  return SseFrame("board", ToJson(m));
}

std::string LiveHub::StatusFrame(const TicketView& v, const ServerConfig& config) {
  pb::GetTicketStatusResponse m;
  service::ToStatusProto(v, config, m.mutable_status());
  return SseFrame("status", ToJson(m));
}

std::string LiveHub::EndedFrame() { return SseFrame("ended", "{}"); }

void LiveHub::EnsureSubscribed(const std::string& branch_id, Branch& b) {
  if (b.sub) return;
  b.sub = board_.Subscribe(branch_id);
  b.sub->SetListener([this, branch_id] {
    {
      std::lock_guard lock(mu_);
      auto it = branches_.find(branch_id);
      if (it == branches_.end()) return;
      it->second.updated = true;
      dirty_.insert(branch_id);
    }
    cv_.notify_one();
  });
}

Status LiveHub::AddBoard(const std::string& branch_id, int recent_calls,
                         std::shared_ptr<EventStream> stream) {
  auto pending = std::make_shared<Pending>();
  pending->stream = stream;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::Unavailable("server is stopping; try again shortly");
    Branch& b = branches_[branch_id];
    EnsureSubscribed(branch_id, b);  // before the snapshot: no update falls between
    b.pending.push_back(pending);
  }
  auto snapshot = queue_.BoardSnapshot(branch_id, recent_calls);
  std::lock_guard lock(mu_);
  Branch& b = branches_[branch_id];
  std::erase(b.pending, pending);
  if (!snapshot.ok()) return snapshot.status();
  stream->Send(std::make_shared<const std::string>(BoardFrame(*snapshot)));
  for (auto& f : pending->frames) stream->Send(f);  // updates after the snapshot's read
  b.boards.push_back(std::move(stream));
  return Status::Ok();
}

void LiveHub::AddTicket(const TicketView& first, std::shared_ptr<EventStream> stream) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      stream->Close();
      return;
    }
    const std::string& token = first.ticket.status_token;
    Branch& b = branches_[first.ticket.branch_id];
    EnsureSubscribed(first.ticket.branch_id, b);
    TicketWatch& w = b.tickets[token];
    pb::GetTicketStatusResponse m;
    service::ToStatusProto(first, queue_.config(), m.mutable_status());
    std::string bytes = m.SerializeAsString();
    if (w.streams.empty()) {
      w.last = std::move(bytes);
      w.last_frame = std::make_shared<const std::string>(SseFrame("status", ToJson(m)));
    } else if (bytes != w.last && w.last_frame) {
      // The others' page moved on after this one's first read: catch up.
      stream->Send(w.last_frame);
    }
    w.streams.push_back(std::move(stream));
    // It may have changed between the caller's read and now.
    b.recheck.insert(token);
    dirty_.insert(first.ticket.branch_id);
  }
  cv_.notify_one();
}

void LiveHub::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    // A pass over every branch now and then drops streams that closed
    // while nothing happened there.
    if (!cv_.wait_for(lock, std::chrono::seconds(30), [&] { return stopping_ || !dirty_.empty(); }))
      for (const auto& [id, b] : branches_) dirty_.insert(id);
    if (stopping_) break;
    std::set<std::string> dirty;
    dirty.swap(dirty_);
    lock.unlock();
    for (const std::string& id : dirty) {
      try {
        Pass(id);
      } catch (const std::exception& e) {
        spdlog::error("live streams of branch {}: {}", id, e.what());
      }
    }
    lock.lock();
  }
}

void LiveHub::Pass(const std::string& branch_id) {
  std::vector<std::string> tokens;
  {
    std::unique_lock lock(mu_);
    auto it = branches_.find(branch_id);
    if (it == branches_.end()) return;
    Branch& b = it->second;
    if (b.sub) {
      // Each board update becomes one frame shared by all the branch's boards.
      while (auto u = b.sub->TryNext()) {
        auto frame = std::make_shared<const std::string>(BoardFrame(*u));
        SendAll(b.boards, frame);
        for (auto& p : b.pending) p->frames.push_back(frame);
      }
    }
    std::erase_if(b.boards, [](const auto& s) { return s->closed(); });
    for (auto t = b.tickets.begin(); t != b.tickets.end();) {
      std::erase_if(t->second.streams, [](const auto& s) { return s->closed(); });
      t = t->second.streams.empty() ? b.tickets.erase(t) : std::next(t);
    }
    if (b.updated) {
      for (const auto& [token, w] : b.tickets) tokens.push_back(token);
    } else {
      for (const std::string& token : b.recheck)
        if (b.tickets.count(token)) tokens.push_back(token);
    }
    b.updated = false;
    b.recheck.clear();
    if (b.boards.empty() && b.pending.empty() && b.tickets.empty()) {
      if (b.sub) {
        b.sub->SetListener(nullptr);
        board_.Unsubscribe(branch_id, b.sub);
      }
      branches_.erase(it);
      return;
    }
  }
  if (!tokens.empty()) RefreshTickets(branch_id, std::move(tokens));
}

void LiveHub::RefreshTickets(const std::string& branch_id, std::vector<std::string> tokens) {
  auto views = queue_.GetTicketsByStatusToken(tokens);
  if (!views.ok()) {
    // The pages keep their last status; the next update tries again.
    spdlog::warn("live ticket pages of branch {}: {}", branch_id, views.status().ToString());
    return;
  }
  {
    std::lock_guard lock(mu_);
    auto it = branches_.find(branch_id);
    if (it == branches_.end()) return;
    Branch& b = it->second;
    for (size_t i = 0; i < tokens.size(); ++i) {
      auto w = b.tickets.find(tokens[i]);
      if (w == b.tickets.end()) continue;
      const auto& view = (*views)[i];
      if (!view) {
        SendAll(w->second.streams, std::make_shared<const std::string>(EndedFrame()));
        for (auto& s : w->second.streams) s->Close();
        b.tickets.erase(w);
        continue;
      }
      pb::GetTicketStatusResponse m;
      service::ToStatusProto(*view, queue_.config(), m.mutable_status());
      std::string bytes = m.SerializeAsString();
      if (bytes == w->second.last) continue;
      w->second.last = std::move(bytes);
      w->second.last_frame = std::make_shared<const std::string>(SseFrame("status", ToJson(m)));
      SendAll(w->second.streams, w->second.last_frame);
    }
  }
}

void LiveHub::Shutdown() {
  std::map<std::string, Branch> branches;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    branches.swap(branches_);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& [id, b] : branches) {
    if (b.sub) {
      b.sub->SetListener(nullptr);
      board_.Unsubscribe(id, b.sub);
    }
    for (auto& s : b.boards) s->Close();
    for (auto& p : b.pending) p->stream->Close();
    for (auto& [token, w] : b.tickets)
      for (auto& s : w.streams) s->Close();
  }
}

size_t LiveHub::board_streams() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [id, b] : branches_) n += b.boards.size();
  return n;
}

size_t LiveHub::ticket_streams() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [id, b] : branches_)
    for (const auto& [token, w] : b.tickets) n += w.streams.size();
  return n;
}

}  // namespace shop::queue::http
