#include "server/storage/postgres/booking_repo.h"

#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

Status PgBookingRepo::InsertBooking(Booking& b) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgBookingRepo::UpdateBooking(const Booking& b, BookingState expected, absl::Time expected_start) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<Booking>> PgBookingRepo::GetBookingByCode(const std::string& code) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<Booking>> PgBookingRepo::GetBookingByRequest(const std::string& branch_id, const std::string& phone, const std::string& request_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<int> PgBookingRepo::CountSeatsTaken(const std::string& branch_id, const std::string& service, absl::Time slot_start) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::map<absl::Time, int>> PgBookingRepo::SeatsTakenBetween(const std::string& branch_id, const std::string& service, absl::Time from, absl::Time to) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<int> PgBookingRepo::CountActiveForPhone(const std::string& branch_id, const std::string& service, const std::string& phone, absl::Time from, absl::Time to, int64_t except_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<Booking>> PgBookingRepo::ActiveBookingsStartedBefore(absl::Time started_before, int limit) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<Booking>> PgBookingRepo::BookingsToRemind(absl::Time before, int limit) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<int> PgBookingRepo::EraseFinishedBookings(absl::Time cutoff, int limit) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

}  // namespace shop::queue::pg
