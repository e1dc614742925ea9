// BookingManager: the appointment use cases over the Store: list slots with
// seats left, book (capacity and the one-booking-per-phone rule checked in
// the booking's own transaction, so they hold under any load), look up,
// cancel and move by code and phone, check in at the kiosk (a ticket due at
// the slot, or a late walk-in ticket), and the sweeper's work: no-shows,
// reminders in the outbox, erasure of personal data after retention.
//
// Thread-safe; borrows everything it is given.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "server/domain/booking/booking.h"
#include "server/domain/common/branch.h"
#include "server/domain/common/clock.h"
#include "server/domain/queue/queue_manager.h"
#include "server/domain/store.h"

namespace shop::queue {

struct SlotsQuery {
  std::string branch_id;
  std::string service_prefix;
  std::string from_date;  // "YYYY-MM-DD", local; empty: today
  std::string to_date;    // empty: from + 6 days
  bool only_free = false;
};

struct CheckInResult {
  TicketView ticket;
  bool late = false;  // a walk-in ticket: the window had passed
  Booking booking;
};

class BookingManager {
 public:
  // `random_bytes(n)` returns n bytes from a CSPRNG (reference codes).
  BookingManager(const ServerConfig& config, Store& store, const Clock& clock,
                 QueueManager& queue, std::function<std::string(size_t)> random_bytes);

  Result<std::vector<Slot>> ListSlots(const SlotsQuery& q);
  Result<Booking> Book(const BookingInput& in);
  // NOT_FOUND unless a booking has this code and was made with this phone.
  Result<Booking> Get(const std::string& code, const std::string& phone);
  Result<Booking> Cancel(const std::string& code, const std::string& phone);
  Result<Booking> Reschedule(const std::string& code, const std::string& phone,
                             absl::Time new_start);
  Result<CheckInResult> CheckIn(const std::string& branch_id, const std::string& code,
                                const Principal* who);

  // The sweeper: each returns how many bookings it changed.
  Result<int> MarkNoShows();
  Result<int> QueueReminders();
  Result<int> EraseExpired();

 private:
  Result<const BranchConfig*> Branch(const std::string& branch_id) const;
  Result<Booking> ByCodeAndPhone(ReadTx& tx, const std::string& code, const std::string& phone);
  // Seats and the phone rule for `b` in the slot at `start` (except itself).
  Status CheckCapacity(ReadTx& tx, const BranchConfig& branch, const Booking& b,
                       absl::Time start);

  const ServerConfig& config_;
  Store& store_;
  const Clock& clock_;
  QueueManager& queue_;
  std::function<std::string(size_t)> random_bytes_;
};

}  // namespace shop::queue
