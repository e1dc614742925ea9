#include "server/domain/queue/board.h"

#include <algorithm>
#include <chrono>

namespace shop::queue {

std::optional<BoardUpdate> BoardSubscription::Next(absl::Duration timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, absl::ToChronoMicroseconds(timeout),
               [&] { return closed_ || !queue_.empty(); });
  if (queue_.empty()) return std::nullopt;
  BoardUpdate u = std::move(queue_.front());
  queue_.pop_front();
  return u;
}

std::optional<BoardUpdate> BoardSubscription::TryNext() {
  std::lock_guard lock(mu_);
  if (queue_.empty()) return std::nullopt;
  BoardUpdate u = std::move(queue_.front());
  queue_.pop_front();
  return u;
}

void BoardSubscription::SetListener(std::function<void()> listener) {
  std::lock_guard lock(mu_);
  listener_ = std::move(listener);
}

bool BoardSubscription::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

void BoardSubscription::Push(const BoardUpdate& u) {
  std::function<void()> listener;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (queue_.size() >= capacity_) queue_.pop_front();
    queue_.push_back(u);
    listener = listener_;
  }
  cv_.notify_one();
  if (listener) listener();
}

void BoardSubscription::Close() {
  std::function<void()> listener;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    listener = listener_;
  }
  cv_.notify_all();
  if (listener) listener();
}

std::shared_ptr<BoardSubscription> BoardHub::Subscribe(const std::string& branch_id) {
  auto s = std::make_shared<BoardSubscription>(capacity_);
  std::lock_guard lock(mu_);
  if (shut_down_) {
    s->Close();
  } else {
    subs_[branch_id].push_back(s);
  }
  return s;
}

void BoardHub::Unsubscribe(const std::string& branch_id,
                           const std::shared_ptr<BoardSubscription>& s) {
  std::lock_guard lock(mu_);
  auto it = subs_.find(branch_id);
  if (it == subs_.end()) return;
  auto& v = it->second;
  v.erase(std::remove(v.begin(), v.end(), s), v.end());
  if (v.empty()) subs_.erase(it);
}

bool BoardHub::HasWatchers(const std::string& branch_id) const {
  std::lock_guard lock(mu_);
  return subs_.count(branch_id) > 0;
}

void BoardHub::Publish(const std::string& branch_id, const BoardUpdate& update) {
  std::vector<std::shared_ptr<BoardSubscription>> targets;
  {
    std::lock_guard lock(mu_);
    auto it = subs_.find(branch_id);
    if (it == subs_.end()) return;
    targets = it->second;
  }
  for (auto& s : targets) s->Push(update);
}

void BoardHub::Shutdown() {
  std::map<std::string, std::vector<std::shared_ptr<BoardSubscription>>> all;
  {
    std::lock_guard lock(mu_);
    shut_down_ = true;
    all.swap(subs_);
  }
  for (auto& [branch, v] : all)
    for (auto& s : v) s->Close();
}

size_t BoardHub::watcher_count() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (auto& [branch, v] : subs_) n += v.size();
  return n;
}

}  // namespace shop::queue
