// The bookings area of the store: appointments and the seats of their slots
// (see server/domain/store.h for transactions). BookingReader is what a read
// transaction offers; BookingRepo adds the writes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/booking/booking.h"
#include "server/domain/common/status.h"

namespace shop::queue {

class BookingReader {
 public:
  virtual ~BookingReader() = default;
  virtual Result<std::optional<Booking>> GetBookingByCode(const std::string& code) = 0;
  // The booking an earlier request with this id made for this phone, if any
  // (a request id is the phone's own; erased bookings have none).
  virtual Result<std::optional<Booking>> GetBookingByRequest(const std::string& branch_id,
                                                             const std::string& phone,
                                                             const std::string& request_id) = 0;
  // Active or checked-in bookings of a slot (they hold a seat).
  virtual Result<int> CountSeatsTaken(const std::string& branch_id, const std::string& service,
                                      absl::Time slot_start) = 0;
  // Seats taken per slot start for slots starting in [from, to).
  virtual Result<std::map<absl::Time, int>> SeatsTakenBetween(const std::string& branch_id,
                                                              const std::string& service,
                                                              absl::Time from,
                                                              absl::Time to) = 0;
  // Active bookings of a phone for a service with a slot in [from, to),
  // other than `except_id` (for a reschedule).
  virtual Result<int> CountActiveForPhone(const std::string& branch_id,
                                          const std::string& service, const std::string& phone,
                                          absl::Time from, absl::Time to,
                                          int64_t except_id) = 0;
  // Active bookings whose slot started before `started_before` (no-show
  // candidates), at most `limit`, oldest first.
  virtual Result<std::vector<Booking>> ActiveBookingsStartedBefore(absl::Time started_before,
                                                                   int limit) = 0;
  // Active bookings not yet reminded with a slot starting before `before`,
  // at most `limit`.
  virtual Result<std::vector<Booking>> BookingsToRemind(absl::Time before, int limit) = 0;
};

class BookingRepo : public BookingReader {
 public:
  // Inserts `b` and sets b.booking_id; ALREADY_EXISTS if its code is taken
  // (or its phone's request_id was used in the branch: look that up first).
  virtual Status InsertBooking(Booking& b) = 0;
  // Writes `b` if its stored state is still `expected` (and its slot is
  // still `expected_start`); kAborted otherwise.
  virtual Status UpdateBooking(const Booking& b, BookingState expected,
                               absl::Time expected_start) = 0;
  // Removes name, phone and e-mail of bookings finished before `cutoff` (and
  // the recipients of their outbox messages, subject "booking:<id>"); keeps
  // service, slot, state and times. Returns how many (at most `limit`).
  virtual Result<int> EraseFinishedBookings(absl::Time cutoff, int limit) = 0;
};

}  // namespace shop::queue
