#include "counter/format.h"

#include <algorithm>
#include <map>
#include <utility>

#include "common/client/device_text.h"
#include "common/client/text.h"
#include "counter/case_format.h"

namespace shop::queue::counter {
namespace {

std::string JoinCounts(const std::vector<std::pair<std::string, int>>& counts) {
  std::string text = "waiting:";
  if (counts.empty()) return text + " none";
  for (std::size_t i = 0; i < counts.size(); ++i) {
    text += i == 0 ? " " : " | ";
    text += counts[i].first + ' ' + std::to_string(counts[i].second);
  }
  return text;
}

}  // namespace

std::string FormatDevice(const v1::Device& device, std::string_view time_zone) {
  std::string text = client::DeviceStateLine(device) + " (since " +
                     client::FormatLocalTime(device.change_time(), time_zone);
  if (!device.detail().empty()) text += "; " + device.detail();
  return text + ")";
}

std::vector<std::string> FaultLines(
    const google::protobuf::RepeatedPtrField<v1::Device>& devices) {
  std::vector<std::string> lines;
  for (const v1::Device& device : devices)
    if (client::DeviceNeedsStaff(device)) lines.push_back("! " + client::DeviceStateLine(device));
  return lines;
}

std::string FormatTicket(const v1::Ticket& ticket, std::string_view time_zone) {
  std::string text = ticket.display_number() + " [id " + std::to_string(ticket.ticket_id()) +
                     "]  service " + ticket.service_prefix() + "  " +
                     std::string(client::TicketStateName(ticket.state()));
  if (!ticket.counter_id().empty()) text += "  counter " + ticket.counter_id();
  text += "  recalls " + std::to_string(ticket.recall_count());
  if (ticket.priority_class() != v1::PRIORITY_CLASS_UNSPECIFIED) {
    text += "  priority " + std::string(client::PriorityName(ticket.priority_class()));
  }
  if (ticket.origin() == v1::TICKET_ORIGIN_APPOINTMENT) {
    text += "  appointment";
    if (ticket.due_time().seconds() != 0 || ticket.due_time().nanos() != 0) {
      text += " due " + client::FormatLocalTime(
                            ticket.due_time(), time_zone.empty() ? ticket.time_zone() : time_zone);
    }
  }
  return text;
}

std::string FormatCounter(const v1::Counter& counter) {
  std::string text = counter.display_name().empty() ? "Counter" : counter.display_name();
  text += " (id " + counter.counter_id() + "): ";
  text += counter.open() ? "open" : "closed";
  if (counter.open()) {
    text += ", serves ";
    for (int i = 0; i < counter.service_prefixes_size(); ++i) {
      text += (i == 0 ? "" : ", ") + counter.service_prefixes(i);
    }
  }
  text += counter.current_ticket_id() == 0
              ? ", no current ticket"
              : ", current ticket id " + std::to_string(counter.current_ticket_id());
  return text;
}

std::string FormatWaiting(const std::vector<v1::Ticket>& waiting,
                          const std::vector<std::string>& first_prefixes) {
  std::map<std::string, int> by_prefix;
  for (const v1::Ticket& ticket : waiting) ++by_prefix[ticket.service_prefix()];
  std::vector<std::pair<std::string, int>> counts;
  for (const std::string& prefix : first_prefixes) {
    counts.emplace_back(prefix, by_prefix[prefix]);
  }
  for (const auto& [prefix, count] : by_prefix) {
    const bool listed =
        std::find(first_prefixes.begin(), first_prefixes.end(), prefix) != first_prefixes.end();
    if (!listed && count > 0) counts.emplace_back(prefix, count);
  }
  return JoinCounts(counts);
}

std::string FormatWaiting(const v1::WatchBoardResponse& board) {
  std::vector<std::pair<std::string, int>> counts;
  for (const v1::WaitingCount& count : board.waiting_counts()) {
    counts.emplace_back(count.service_prefix(), count.waiting_count());
  }
  return JoinCounts(counts);
}

std::string FormatBoardCall(const v1::BoardCall& call) {
  std::string text = call.display_number() + " -> " +
                     (call.counter_display_name().empty() ? "Counter " + call.counter_id()
                                                          : call.counter_display_name());
  if (call.recall_count() > 0) text += " (recall " + std::to_string(call.recall_count()) + ")";
  if (call.appointment()) text += "  appointment";
  return text;
}

std::string RefusalLine(const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) return std::string(kSessionEnded);
  return "refused: " + DescribeRefusal(status);
}

}  // namespace shop::queue::counter
