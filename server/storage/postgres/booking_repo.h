// BookingRepo on PostgreSQL: appointments. One object per transaction, over the
// connection that runs it (the writer's, or a reader's handed out as the
// reading half only). Not thread-safe: a transaction's thread.
#pragma once

#include "server/domain/booking/booking_repo.h"

namespace shop::queue::pg {

class Conn;

class PgBookingRepo final : public BookingRepo {
 public:
  PgBookingRepo(Conn& conn, bool writing) : conn_(conn), writing_(writing) {}

  Status InsertBooking(Booking& b) override;
  Status UpdateBooking(const Booking& b, BookingState expected,
                       absl::Time expected_start) override;
  Result<std::optional<Booking>> GetBookingByCode(const std::string& code) override;
  Result<std::optional<Booking>> GetBookingByRequest(const std::string& branch_id,
                                                     const std::string& phone,
                                                     const std::string& request_id) override;
  Result<int> CountSeatsTaken(const std::string& branch_id, const std::string& service,
                              absl::Time slot_start) override;
  Result<std::map<absl::Time, int>> SeatsTakenBetween(const std::string& branch_id,
                                                      const std::string& service,
                                                      absl::Time from, absl::Time to) override;
  Result<int> CountActiveForPhone(const std::string& branch_id, const std::string& service,
                                  const std::string& phone, absl::Time from, absl::Time to,
                                  int64_t except_id) override;
  Result<std::vector<Booking>> ActiveBookingsStartedBefore(absl::Time started_before,
                                                           int limit) override;
  Result<std::vector<Booking>> BookingsToRemind(absl::Time before, int limit) override;
  Result<int> EraseFinishedBookings(absl::Time cutoff, int limit) override;

 private:
  Conn& conn_;
  const bool writing_;  // inside a write transaction (rows read may be locked)
};

}  // namespace shop::queue::pg
