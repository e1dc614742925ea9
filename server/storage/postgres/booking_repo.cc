#include "server/storage/postgres/booking_repo.h"

#include "server/storage/postgres/pg_conn.h"
#include "server/storage/postgres/pg_erase.h"

namespace shop::queue::pg {

namespace {

// Appointments: state 1 active, 2 checked in, 3 cancelled, 4 no-show
// (BookingState); name, phone and email are '' once erased.
#define SHOP_QUEUE_PG_BOOKING_COLUMNS                                                     \
  "booking_id, code, branch_id, service_prefix, slot_start_us, state, name, phone, email, " \
  "language, request_id, created_us, ticket_id, late_walk_in, reminded, finished_us, erased"

constexpr Statement kBookingCodeTaken{"bookings_code_taken",
                                      "SELECT 1 AS taken FROM bookings WHERE code = $1"};

constexpr Statement kBookingRequestTaken{
    "bookings_request_taken",
    "SELECT 1 AS taken FROM bookings WHERE branch_id = $1 AND phone = $2 AND request_id = $3 "
    "AND erased = 0"};

constexpr Statement kInsertBooking{
    "bookings_insert",
    "INSERT INTO bookings (code, branch_id, service_prefix, slot_start_us, state, name, phone, "
    "email, language, request_id, created_us, ticket_id, late_walk_in, reminded, finished_us, "
    "erased) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
    "RETURNING booking_id"};

// $1 branch, $2 booking id, $3.. the mutable fields, $13 the expected state,
// $14 the expected slot start (us), $15 erased. Code, branch, service,
// request id and creation time never change. Personal data erased once is
// never written back, whatever the caller holds (and a caller marking it
// erased blanks it).
constexpr Statement kUpdateBooking{
    "bookings_update",
    "UPDATE bookings SET slot_start_us = $3, state = $4, "
    "name = CASE WHEN erased <> 0 OR $15::integer <> 0 THEN '' ELSE $5::text END, "
    "phone = CASE WHEN erased <> 0 OR $15::integer <> 0 THEN '' ELSE $6::text END, "
    "email = CASE WHEN erased <> 0 OR $15::integer <> 0 THEN '' ELSE $7::text END, "
    "language = $8, ticket_id = $9, late_walk_in = $10, reminded = $11, finished_us = $12, "
    "erased = GREATEST(erased, $15::integer) "
    "WHERE booking_id = $2 AND branch_id = $1 AND state = $13 AND slot_start_us = $14"};

constexpr Statement kGetBookingByCode{
    "bookings_by_code",
    "SELECT " SHOP_QUEUE_PG_BOOKING_COLUMNS " FROM bookings WHERE code = $1"};

constexpr Statement kGetBookingByRequest{
    "bookings_by_request",
    "SELECT " SHOP_QUEUE_PG_BOOKING_COLUMNS
    " FROM bookings WHERE branch_id = $1 AND phone = $2 AND request_id = $3 AND erased = 0"};

// Seats: active (1) and checked-in (2) bookings. $1 branch, $2 service,
// $3 slot start (us); the range form $3 from, $4 to (us), [from, to).
constexpr Statement kCountSeatsTaken{
    "bookings_count_seats",
    "SELECT COUNT(*) AS n FROM bookings WHERE branch_id = $1 AND service_prefix = $2 "
    "AND slot_start_us = $3 AND state IN (1, 2)"};

constexpr Statement kSeatsTakenBetween{
    "bookings_seats_between",
    "SELECT slot_start_us, COUNT(*) AS n FROM bookings WHERE branch_id = $1 "
    "AND service_prefix = $2 AND slot_start_us >= $3 AND slot_start_us < $4 AND state IN (1, 2) "
    "GROUP BY slot_start_us ORDER BY slot_start_us"};

// $1 branch, $2 service, $3 phone, [$4, $5) slot start (us), $6 booking id
// left out.
constexpr Statement kCountActiveForPhone{
    "bookings_count_active_for_phone",
    "SELECT COUNT(*) AS n FROM bookings WHERE branch_id = $1 AND service_prefix = $2 "
    "AND phone = $3 AND slot_start_us >= $4 AND slot_start_us < $5 AND state = 1 "
    "AND booking_id <> $6"};

// $1 before (us), $2 limit; oldest slot first.
constexpr Statement kActiveStartedBefore{
    "bookings_active_started_before",
    "SELECT " SHOP_QUEUE_PG_BOOKING_COLUMNS
    " FROM bookings WHERE state = 1 AND slot_start_us < $1 "
    "ORDER BY slot_start_us, booking_id LIMIT $2"};

constexpr Statement kBookingsToRemind{
    "bookings_to_remind",
    "SELECT " SHOP_QUEUE_PG_BOOKING_COLUMNS
    " FROM bookings WHERE state = 1 AND slot_start_us < $1 AND reminded = 0 "
    "ORDER BY slot_start_us, booking_id LIMIT $2"};

// $1 cutoff (us), $2 limit: the oldest finished bookings not yet erased.
constexpr Statement kBookingsToErase{
    "bookings_to_erase",
    "SELECT booking_id AS id FROM bookings WHERE erased = 0 AND finished_us IS NOT NULL "
    "AND finished_us < $1 ORDER BY finished_us, booking_id LIMIT $2"};

constexpr Statement kEraseBooking{
    "bookings_erase",
    "UPDATE bookings SET name = '', phone = '', email = '', erased = 1 WHERE booking_id = $1"};

#undef SHOP_QUEUE_PG_BOOKING_COLUMNS

std::string BookingSubject(int64_t booking_id) {
  return "booking:" + std::to_string(booking_id);
}

// Row `i` of a SHOP_QUEUE_PG_BOOKING_COLUMNS result.
Booking ReadBooking(const Rows& r, int i) {
  Booking b;
  b.booking_id = r.Int(i, "booking_id");
  b.code = r.Text(i, "code");
  b.branch_id = r.Text(i, "branch_id");
  b.service_prefix = r.Text(i, "service_prefix");
  b.slot_start = absl::FromUnixMicros(r.Int(i, "slot_start_us"));
  b.state = static_cast<BookingState>(r.Int(i, "state"));
  b.name = r.Text(i, "name");
  b.phone = r.Text(i, "phone");
  b.email = r.Text(i, "email");
  b.language = static_cast<Language>(r.Int(i, "language"));
  b.request_id = r.Text(i, "request_id");
  b.created = absl::FromUnixMicros(r.Int(i, "created_us"));
  b.ticket_id = r.IsNull(i, "ticket_id") ? 0 : r.Int(i, "ticket_id");
  b.late_walk_in = r.Int(i, "late_walk_in") != 0;
  b.reminded = r.Int(i, "reminded") != 0;
  b.finished = OptTimeColumn(r, i, "finished_us");
  b.erased = r.Int(i, "erased") != 0;
  return b;
}

// A ticket id, NULL for none (0).
Param TicketParam(int64_t ticket_id) { return ticket_id != 0 ? Param(ticket_id) : Param(); }

// Every booking of `rows`, in order.
Result<std::vector<Booking>> ReadBookings(const Result<Rows>& rows) {
  if (!rows.ok()) return rows.status();
  std::vector<Booking> out;
  for (int i = 0; i < rows->size(); ++i) out.push_back(ReadBooking(*rows, i));
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Result<std::optional<Booking>> OneBooking(const Result<Rows>& rows) {
  auto all = ReadBookings(rows);
  if (!all.ok()) return all.status();
  if (all->empty()) return std::optional<Booking>();
  return std::optional<Booking>(std::move(all->front()));
}

// The COUNT(*) AS n of `rows`.
Result<int> Count(const Result<Rows>& rows) {
  if (!rows.ok()) return rows.status();
  const int n = rows->size() > 0 ? static_cast<int>(rows->Int(0, "n")) : 0;
  QUEUE_RETURN_IF_ERROR(rows->status());
  return n;
}

}  // namespace

Status PgBookingRepo::InsertBooking(Booking& b) {
  // Told apart because the caller retries a taken code with a new one but
  // must not retry a used request id (that is a retry of an earlier call).
  // Checked first so that the transaction is not failed by a unique index.
  auto request = conn_.Query(kBookingRequestTaken, {b.branch_id, b.phone, b.request_id});
  if (!request.ok()) return request.status();
  if (request->size() > 0)
    return Status::AlreadyExists("request_id already used for a booking of this phone in "
                                 "branch " + b.branch_id);
  auto code = conn_.Query(kBookingCodeTaken, {b.code});
  if (!code.ok()) return code.status();
  if (code->size() > 0) return Status::AlreadyExists("booking code taken");
  const std::string blank;
  auto rows = conn_.Query(
      kInsertBooking,
      {b.code, b.branch_id, b.service_prefix, absl::ToUnixMicros(b.slot_start), int64_t(b.state),
       b.erased ? blank : b.name, b.erased ? blank : b.phone, b.erased ? blank : b.email,
       int64_t(b.language), b.request_id, absl::ToUnixMicros(b.created),
       TicketParam(b.ticket_id), FlagParam(b.late_walk_in), FlagParam(b.reminded),
       OptTimeParam(b.finished), FlagParam(b.erased)});
  if (!rows.ok()) return rows.status();
  const int64_t id = rows->Int(0, "booking_id");
  QUEUE_RETURN_IF_ERROR(rows->status());
  b.booking_id = id;
  return Status::Ok();
}

Status PgBookingRepo::UpdateBooking(const Booking& b, BookingState expected,
                                    absl::Time expected_start) {
  auto rows = conn_.Query(
      kUpdateBooking,
      {b.branch_id, b.booking_id, absl::ToUnixMicros(b.slot_start), int64_t(b.state), b.name,
       b.phone, b.email, int64_t(b.language), TicketParam(b.ticket_id),
       FlagParam(b.late_walk_in), FlagParam(b.reminded), OptTimeParam(b.finished),
       int64_t(expected), absl::ToUnixMicros(expected_start), FlagParam(b.erased)});
  if (!rows.ok()) return rows.status();
  if (rows->affected() != 1)
    return Status::Aborted("booking " + b.code + " changed meanwhile; try again");
  return Status::Ok();
}

Result<std::optional<Booking>> PgBookingRepo::GetBookingByCode(const std::string& code) {
  return OneBooking(conn_.Query(kGetBookingByCode, {code}));
}

Result<std::optional<Booking>> PgBookingRepo::GetBookingByRequest(const std::string& branch_id,
                                                                  const std::string& phone,
                                                                  const std::string& request_id) {
  return OneBooking(conn_.Query(kGetBookingByRequest, {branch_id, phone, request_id}));
}

Result<int> PgBookingRepo::CountSeatsTaken(const std::string& branch_id,
                                           const std::string& service, absl::Time slot_start) {
  return Count(
      conn_.Query(kCountSeatsTaken, {branch_id, service, absl::ToUnixMicros(slot_start)}));
}

Result<std::map<absl::Time, int>> PgBookingRepo::SeatsTakenBetween(const std::string& branch_id,
                                                                   const std::string& service,
                                                                   absl::Time from,
                                                                   absl::Time to) {
  auto rows = conn_.Query(kSeatsTakenBetween, {branch_id, service, absl::ToUnixMicros(from),
                                               absl::ToUnixMicros(to)});
  if (!rows.ok()) return rows.status();
  std::map<absl::Time, int> out;
  for (int i = 0; i < rows->size(); ++i)
    out[absl::FromUnixMicros(rows->Int(i, "slot_start_us"))] = static_cast<int>(rows->Int(i, "n"));
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Result<int> PgBookingRepo::CountActiveForPhone(const std::string& branch_id,
                                               const std::string& service,
                                               const std::string& phone, absl::Time from,
                                               absl::Time to, int64_t except_id) {
  return Count(conn_.Query(kCountActiveForPhone,
                           {branch_id, service, phone, absl::ToUnixMicros(from),
                            absl::ToUnixMicros(to), except_id}));
}

Result<std::vector<Booking>> PgBookingRepo::ActiveBookingsStartedBefore(
    absl::Time started_before, int limit) {
  return ReadBookings(
      conn_.Query(kActiveStartedBefore, {absl::ToUnixMicros(started_before), int64_t{limit}}));
}

Result<std::vector<Booking>> PgBookingRepo::BookingsToRemind(absl::Time before, int limit) {
  return ReadBookings(conn_.Query(kBookingsToRemind, {absl::ToUnixMicros(before), int64_t{limit}}));
}

Result<int> PgBookingRepo::EraseFinishedBookings(absl::Time cutoff, int limit) {
  return EraseFinishedRows(conn_, kBookingsToErase, kEraseBooking, BookingSubject, cutoff, limit);
}

}  // namespace shop::queue::pg
