// BoardState: what the hall board knows, built from the board stream's
// messages. Plain C++ (no Qt, no gRPC calls): the model wraps it for QML.
//
// Calls: the snapshot replaces the list (the server's recent calls), each
// later message adds its call; a ticket appears once, at its newest call
// (a recall moves it to the top again). Announcing: each call
// (ticket_id, call_time) is announced at most once (the server resets
// recall_count on a new call, a return from parking and a transfer, so the
// count alone does not tell calls apart; the call time does). The very first
// snapshot is history (nothing is said for it); a snapshot after a
// reconnection announces the calls it holds that were not seen before and
// are recent (kCatchUpWindow), oldest first, so nothing called while the
// board was away is missed or said twice.
//
// Thread-safety: not thread-safe; one thread (the UI's) owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "board/speech.h"
#include "board/voice.h"
#include "shop/queue/v1/board_service.pb.h"

namespace shop::queue::board {

namespace v1 = ::shop::queue::v1;

struct ServiceName {
  std::string ru, en, zh;
};

struct BoardCallView {
  int64_t ticket_id = 0;
  std::string display_number;
  std::string counter_id;
  std::string counter_name;  // "Counter 3" (the id when the server gave none)
  int recall_count = 0;
  bool appointment = false;
  std::string service_prefix;
  SpeechLanguage language = SpeechLanguage::kRu;
  int64_t call_time_unix = 0;  // seconds
  int64_t call_time_us = 0;    // microseconds (what tells calls of a ticket apart)
};

struct WaitingView {
  std::string service_prefix;
  int waiting = 0;
};

struct DueView {
  std::string display_number;
  std::string service_prefix;
  int64_t due_time_unix = 0;
};

class BoardState {
 public:
  // Calls newer than this in a reconnection snapshot are announced.
  static constexpr std::chrono::seconds kCatchUpWindow{300};
  // At most this many calls are kept.
  static constexpr std::size_t kMaxCalls = 50;
  // Announced calls are remembered while a snapshot could still announce
  // them (kCatchUpWindow and a minute more), and at most this many.
  static constexpr std::size_t kMaxRemembered = 1000;

  // Applies one message; returns the calls to announce now, oldest first.
  // `now_unix`: the current time (seconds).
  std::vector<BoardCallView> Apply(const v1::WatchBoardResponse& message, int64_t now_unix);

  // Newest first, one entry per ticket.
  const std::vector<BoardCallView>& calls() const { return calls_; }
  const std::vector<WaitingView>& waiting() const { return waiting_; }
  const std::vector<DueView>& due() const { return due_; }
  // "kiosk hall-1: printer out of paper", one line per device.
  const std::vector<std::string>& faults() const { return faults_; }
  const std::string& time_zone() const { return time_zone_; }
  const std::string& branch_name() const { return branch_name_; }
  bool has_data() const { return messages_ > 0; }
  // How many announced calls are remembered (tests: it stays bounded).
  std::size_t remembered() const { return announced_.size(); }

  // From GetBranch, when the stream does not carry them.
  void SetBranchFallback(std::string name, std::string time_zone);

 private:
  void AddCall(const BoardCallView& call);

  std::vector<BoardCallView> calls_;
  std::vector<WaitingView> waiting_;
  std::vector<DueView> due_;
  std::vector<std::string> faults_;
  std::string time_zone_;
  std::string branch_name_;
  std::string fallback_name_;
  std::string fallback_zone_;
  // (call_time_us, ticket_id), oldest first.
  std::set<std::pair<int64_t, int64_t>> announced_;
  int64_t messages_ = 0;
};

BoardCallView ToView(const v1::BoardCall& call);
SpeechLanguage ToSpeechLanguage(v1::Language language);
// What to say for a call.
Announcement ToAnnouncement(const BoardCallView& call);

}  // namespace shop::queue::board
