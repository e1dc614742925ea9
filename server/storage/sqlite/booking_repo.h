// BookingRepo on SQLite: appointments. One object per transaction, over the
// connection that runs it (the writer's, or a read-only reader's handed out as
// the reading half only). Not thread-safe: a transaction's thread.
#pragma once

#include <map>
#include <string>

#include "server/domain/booking/booking_repo.h"

namespace shop::queue::sqlite {

class Db;

// The repository's statements by name ("kGetBookingByCode"), for tests that
// check their query plans.
const std::map<std::string, const char*>& BookingStatementsForTests();

class SqliteBookingRepo final : public BookingRepo {
 public:
  explicit SqliteBookingRepo(Db& db) : db_(db) {}

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
  Db& db_;
};

}  // namespace shop::queue::sqlite
