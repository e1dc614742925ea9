// LiveHub: the HTTP face's live streams (Server-Sent Events) of hall boards
// and of customers' ticket pages, fed from the BoardHub.
//
// One BoardHub subscription per branch that has web watchers, whatever their
// number; one fan-out thread turns each update into one JSON frame shared by
// every board stream of the branch, and re-reads the watched tickets of the
// branch in one read transaction (several updates that arrive meanwhile
// cost one re-read) to send each ticket page its new status only when it
// changed. A ticket that ends gets a last "ended" frame and its streams
// close. Streams that closed are dropped on the next pass over their branch.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/message.h>

#include "server/domain/queue/board.h"
#include "server/domain/queue/queue_manager.h"
#include "server/http/http_server.h"

namespace shop::queue::http {

// A message in protobuf's JSON mapping (lowerCamelCase, defaults left out),
// as the JSON API and the live streams send it.
std::string ToJson(const google::protobuf::Message& m);

class LiveHub {
 public:
  LiveHub(QueueManager& queue, BoardHub& board);
  ~LiveHub();
  LiveHub(const LiveHub&) = delete;
  LiveHub& operator=(const LiveHub&) = delete;

  // The board stream of `branch_id` (checked by the caller): a snapshot of
  // the last `recent_calls` calls first, then every update.
  Status AddBoard(const std::string& branch_id, int recent_calls,
                  std::shared_ptr<EventStream> stream);
  // A ticket page's stream. `first` is what the caller already sent as the
  // stream's first frame (its status); later frames go only on change.
  void AddTicket(const TicketView& first, std::shared_ptr<EventStream> stream);

  // Ends every stream and the fan-out thread. Idempotent.
  void Shutdown();

  size_t board_streams() const;
  size_t ticket_streams() const;

  // The frames as sent: "event: board" with WatchBoardResponse JSON,
  // "event: status" with GetTicketStatusResponse JSON, "event: ended".
  static std::string BoardFrame(const BoardUpdate& u);
  static std::string StatusFrame(const TicketView& v, const ServerConfig& config);
  static std::string EndedFrame();

 private:
  struct TicketWatch {
    std::vector<std::shared_ptr<EventStream>> streams;
    std::string last;  // the last status sent, serialized, to send only changes
    std::shared_ptr<const std::string> last_frame;  // ... and as it was sent
  };
  struct Pending {  // a board stream between its snapshot read and going live
    std::shared_ptr<EventStream> stream;
    std::vector<std::shared_ptr<const std::string>> frames;
  };
  struct Branch {
    std::shared_ptr<BoardSubscription> sub;
    std::vector<std::shared_ptr<EventStream>> boards;
    std::vector<std::shared_ptr<Pending>> pending;
    std::map<std::string, TicketWatch> tickets;  // by status token
    std::set<std::string> recheck;  // tokens added since the last pass
    bool updated = false;           // the board published since the last pass
  };

  void EnsureSubscribed(const std::string& branch_id, Branch& b);  // mu_ held
  void Loop();
  void Pass(const std::string& branch_id);
  void RefreshTickets(const std::string& branch_id, std::vector<std::string> tokens);

  QueueManager& queue_;
  BoardHub& board_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Branch> branches_;  // guarded by mu_
  std::set<std::string> dirty_;             // branches to pass over; guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  std::thread thread_;
};

}  // namespace shop::queue::http
