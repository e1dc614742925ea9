#include "board/board_state.h"

#include <algorithm>

#include "common/client/device_text.h"

namespace shop::queue::board {

SpeechLanguage ToSpeechLanguage(v1::Language language) {
  switch (language) {
    case v1::LANGUAGE_EN: return SpeechLanguage::kEn;
    case v1::LANGUAGE_ZH: return SpeechLanguage::kZh;
    default: return SpeechLanguage::kRu;
  }
}

BoardCallView ToView(const v1::BoardCall& call) {
  BoardCallView view;
  view.ticket_id = call.ticket_id();
  view.display_number = call.display_number();
  view.counter_id = call.counter_id();
  view.counter_name =
      call.counter_display_name().empty() ? call.counter_id() : call.counter_display_name();
  view.recall_count = call.recall_count();
  view.appointment = call.appointment();
  view.service_prefix = call.service_prefix();
  view.language = ToSpeechLanguage(call.language());
  view.call_time_unix = call.call_time().seconds();
  view.call_time_us = call.call_time().seconds() * 1000000 + call.call_time().nanos() / 1000;
  return view;
}

Announcement ToAnnouncement(const BoardCallView& call) {
  Announcement a;
  a.ticket_id = call.ticket_id;
  a.recall_count = call.recall_count;
  a.display_number = call.display_number;
  a.counter_name = call.counter_name;
  a.counter_id = call.counter_id;
  a.customer_language = call.language;
  return a;
}

void BoardState::AddCall(const BoardCallView& call) {
  calls_.erase(std::remove_if(calls_.begin(), calls_.end(),
                              [&](const BoardCallView& c) { return c.ticket_id == call.ticket_id; }),
               calls_.end());
  calls_.insert(calls_.begin(), call);
  if (calls_.size() > kMaxCalls) calls_.resize(kMaxCalls);
}

void BoardState::SetBranchFallback(std::string name, std::string time_zone) {
  fallback_name_ = std::move(name);
  fallback_zone_ = std::move(time_zone);
  if (branch_name_.empty()) branch_name_ = fallback_name_;
  if (time_zone_.empty()) time_zone_ = fallback_zone_;
}

std::vector<BoardCallView> BoardState::Apply(const v1::WatchBoardResponse& message,
                                             int64_t now_unix) {
  const bool first = messages_++ == 0;
  std::vector<BoardCallView> to_announce;
  if (message.snapshot()) calls_.clear();
  // Calls come newest last.
  for (const v1::BoardCall& call : message.calls()) {
    const BoardCallView view = ToView(call);
    AddCall(view);
    const auto key = std::make_pair(view.call_time_us, view.ticket_id);
    if (!announced_.insert(key).second) continue;  // said already
    if (first && message.snapshot()) continue;     // history at start-up
    if (message.snapshot() && now_unix - view.call_time_unix > kCatchUpWindow.count()) continue;
    to_announce.push_back(view);
  }
  // Forget what no snapshot can announce again: older than the catch-up
  // window (a minute's margin), and beyond kMaxRemembered the oldest.
  const int64_t forget_before_us = (now_unix - kCatchUpWindow.count() - 60) * 1000000;
  while (!announced_.empty() && (announced_.begin()->first < forget_before_us ||
                                 announced_.size() > kMaxRemembered)) {
    announced_.erase(announced_.begin());
  }
  std::stable_sort(to_announce.begin(), to_announce.end(),
                   [](const BoardCallView& a, const BoardCallView& b) {
                     return a.call_time_unix < b.call_time_unix;
                   });

  waiting_.clear();
  for (const v1::WaitingCount& count : message.waiting_counts()) {
    waiting_.push_back({count.service_prefix(), count.waiting_count()});
  }
  due_.clear();
  for (const v1::DueAppointment& due : message.due_appointments()) {
    due_.push_back({due.display_number(), due.service_prefix(), due.due_time().seconds()});
  }
  faults_.clear();
  for (const v1::Device& device : message.device_faults()) {
    if (client::DeviceNeedsStaff(device)) faults_.push_back(client::DeviceStateLine(device));
  }
  time_zone_ = message.time_zone().empty() ? fallback_zone_ : message.time_zone();
  branch_name_ =
      message.branch_display_name().empty() ? fallback_name_ : message.branch_display_name();
  return to_announce;
}

}  // namespace shop::queue::board
