#include "server/storage/sqlite/booking_repo.h"

#include "server/storage/sqlite/codec.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

namespace {

// Appointments.
#define SHOP_QUEUE_BOOKING_COLUMNS                                                        \
  "booking_id, code, branch_id, service_prefix, slot_start_us, state, name, phone, email, " \
  "language, request_id, created_us, ticket_id, late_walk_in, reminded, finished_us, erased"

constexpr const char* kBookingCodeTaken = "SELECT 1 FROM bookings WHERE code = ?1";

constexpr const char* kBookingRequestTaken =
    "SELECT 1 FROM bookings WHERE branch_id = ?1 AND phone = ?2 AND request_id = ?3 "
    "AND erased = 0";

constexpr const char* kInsertBooking =
    "INSERT INTO bookings (code, branch_id, service_prefix, slot_start_us, state, name, phone, "
    "email, language, request_id, created_us, ticket_id, late_walk_in, reminded, finished_us, "
    "erased) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";

// ?1 branch, ?2 booking id, ?3.. the mutable fields, ?13 the expected state,
// ?14 the expected slot start (us). Code, branch, service, request id and
// creation time never change. Personal data erased once is never written
// back, whatever the caller holds (and a caller marking it erased blanks it).
constexpr const char* kUpdateBooking =
    "UPDATE bookings SET slot_start_us = ?3, state = ?4, "
    "name = CASE WHEN erased OR ?15 THEN '' ELSE ?5 END, "
    "phone = CASE WHEN erased OR ?15 THEN '' ELSE ?6 END, "
    "email = CASE WHEN erased OR ?15 THEN '' ELSE ?7 END, language = ?8, ticket_id = ?9, "
    "late_walk_in = ?10, reminded = ?11, finished_us = ?12, erased = max(erased, ?15) "
    "WHERE booking_id = ?2 AND branch_id = ?1 AND state = ?13 AND slot_start_us = ?14";

constexpr const char* kGetBookingByCode =
    "SELECT " SHOP_QUEUE_BOOKING_COLUMNS " FROM bookings WHERE code = ?1";

constexpr const char* kGetBookingByRequest =
    "SELECT " SHOP_QUEUE_BOOKING_COLUMNS
    " FROM bookings WHERE branch_id = ?1 AND phone = ?2 AND request_id = ?3 AND erased = 0";

// Seats: active (1) and checked-in (2) bookings. ?1 branch, ?2 service,
// ?3 slot start (us); the range form ?3 from, ?4 to (us), [from, to).
constexpr const char* kCountSeatsTaken =
    "SELECT COUNT(*) FROM bookings WHERE branch_id = ?1 AND service_prefix = ?2 "
    "AND slot_start_us = ?3 AND state IN (1, 2)";

constexpr const char* kSeatsTakenBetween =
    "SELECT slot_start_us, COUNT(*) FROM bookings WHERE branch_id = ?1 AND service_prefix = ?2 "
    "AND slot_start_us >= ?3 AND slot_start_us < ?4 AND state IN (1, 2) "
    "GROUP BY slot_start_us ORDER BY slot_start_us";

// ?1 branch, ?2 service, ?3 phone, [?4, ?5) slot start (us), ?6 booking id
// left out.
constexpr const char* kCountActiveForPhone =
    "SELECT COUNT(*) FROM bookings WHERE branch_id = ?1 AND service_prefix = ?2 AND phone = ?3 "
    "AND slot_start_us >= ?4 AND slot_start_us < ?5 AND state = 1 AND booking_id <> ?6";

// ?1 before (us), ?2 limit; oldest slot first.
constexpr const char* kActiveStartedBefore =
    "SELECT " SHOP_QUEUE_BOOKING_COLUMNS " FROM bookings WHERE state = 1 AND slot_start_us < ?1 "
    "ORDER BY slot_start_us, booking_id LIMIT ?2";

constexpr const char* kBookingsToRemind =
    "SELECT " SHOP_QUEUE_BOOKING_COLUMNS " FROM bookings WHERE state = 1 AND slot_start_us < ?1 "
    "AND reminded = 0 ORDER BY slot_start_us, booking_id LIMIT ?2";

// ?1 cutoff (us), ?2 limit: the oldest finished bookings not yet erased.
constexpr const char* kBookingsToErase =
    "SELECT booking_id FROM bookings WHERE erased = 0 AND finished_us IS NOT NULL "
    "AND finished_us < ?1 ORDER BY finished_us, booking_id LIMIT ?2";

constexpr const char* kEraseBooking =
    "UPDATE bookings SET name = '', phone = '', email = '', erased = 1 WHERE booking_id = ?1";

std::string BookingSubject(int64_t booking_id) {
  return "booking:" + std::to_string(booking_id);
}

// A row of SHOP_QUEUE_BOOKING_COLUMNS.
Booking ReadBooking(const Stmt& s) {
  Booking b;
  b.booking_id = s.Int(0);
  b.code = s.Text(1);
  b.branch_id = s.Text(2);
  b.service_prefix = s.Text(3);
  b.slot_start = absl::FromUnixMicros(s.Int(4));
  b.state = static_cast<BookingState>(s.Int(5));
  b.name = s.Text(6);
  b.phone = s.Text(7);
  b.email = s.Text(8);
  b.language = static_cast<Language>(s.Int(9));
  b.request_id = s.Text(10);
  b.created = absl::FromUnixMicros(s.Int(11));
  b.ticket_id = s.IsNull(12) ? 0 : s.Int(12);
  b.late_walk_in = s.Int(13) != 0;
  b.reminded = s.Int(14) != 0;
  b.finished = ColTime(s, 15);
  b.erased = s.Int(16) != 0;
  return b;
}

void BindTicketId(Stmt& s, int i, int64_t ticket_id) {
  if (ticket_id != 0) s.Bind(i, ticket_id);
  else s.BindNull(i);
}

Result<std::optional<Booking>> OneBooking(Stmt& s) {
  std::optional<Booking> out;
  if (s.Step()) out = ReadBooking(s);
  QUEUE_RETURN_IF_ERROR(s.status());
  s.Reset();
  return out;
}

Result<std::vector<Booking>> Bookings(Stmt& s) {
  std::vector<Booking> out;
  while (s.Step()) out.push_back(ReadBooking(s));
  QUEUE_RETURN_IF_ERROR(s.status());
  s.Reset();
  return out;
}

}  // namespace

const std::map<std::string, const char*>& BookingStatementsForTests() {
  static const std::map<std::string, const char*> kAll = {
      {"kBookingCodeTaken", kBookingCodeTaken},
      {"kBookingRequestTaken", kBookingRequestTaken},
      {"kInsertBooking", kInsertBooking},
      {"kUpdateBooking", kUpdateBooking},
      {"kGetBookingByCode", kGetBookingByCode},
      {"kGetBookingByRequest", kGetBookingByRequest},
      {"kCountSeatsTaken", kCountSeatsTaken},
      {"kSeatsTakenBetween", kSeatsTakenBetween},
      {"kCountActiveForPhone", kCountActiveForPhone},
      {"kActiveStartedBefore", kActiveStartedBefore},
      {"kBookingsToRemind", kBookingsToRemind},
      {"kBookingsToErase", kBookingsToErase},
      {"kEraseBooking", kEraseBooking},
  };
  return kAll;
}

Status SqliteBookingRepo::InsertBooking(Booking& b) {
  // Told apart because the caller retries a taken code with a new one but
  // must not retry a used request id (that is a retry of an earlier call).
  auto by_request = db_.Prepare(kBookingRequestTaken);
  if (!by_request.ok()) return by_request.status();
  (*by_request)->Bind(1, b.branch_id).Bind(2, b.phone).Bind(3, b.request_id);
  auto request = Exists(**by_request);
  if (!request.ok()) return request.status();
  if (*request)
    return Status::AlreadyExists("request_id already used for a booking of this phone in "
                                 "branch " + b.branch_id);
  auto by_code = db_.Prepare(kBookingCodeTaken);
  if (!by_code.ok()) return by_code.status();
  (*by_code)->Bind(1, b.code);
  auto code = Exists(**by_code);
  if (!code.ok()) return code.status();
  if (*code) return Status::AlreadyExists("booking code taken");
  auto st = db_.Prepare(kInsertBooking);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, b.code).Bind(2, b.branch_id).Bind(3, b.service_prefix);
  s.Bind(4, absl::ToUnixMicros(b.slot_start)).Bind(5, int64_t(b.state));
  s.Bind(6, b.erased ? std::string() : b.name).Bind(7, b.erased ? std::string() : b.phone);
  s.Bind(8, b.erased ? std::string() : b.email).Bind(9, int64_t(b.language));
  s.Bind(10, b.request_id).Bind(11, absl::ToUnixMicros(b.created));
  BindTicketId(s, 12, b.ticket_id);
  s.Bind(13, int64_t{b.late_walk_in ? 1 : 0}).Bind(14, int64_t{b.reminded ? 1 : 0});
  BindOpt(s, 15, b.finished);
  s.Bind(16, int64_t{b.erased ? 1 : 0});
  QUEUE_RETURN_IF_ERROR(s.Run());
  b.booking_id = db_.LastInsertRowId();
  return Status::Ok();
}

Status SqliteBookingRepo::UpdateBooking(const Booking& b, BookingState expected,
                     absl::Time expected_start) {
  auto st = db_.Prepare(kUpdateBooking);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, b.branch_id).Bind(2, b.booking_id).Bind(3, absl::ToUnixMicros(b.slot_start));
  s.Bind(4, int64_t(b.state)).Bind(5, b.name).Bind(6, b.phone).Bind(7, b.email);
  s.Bind(8, int64_t(b.language));
  BindTicketId(s, 9, b.ticket_id);
  s.Bind(10, int64_t{b.late_walk_in ? 1 : 0}).Bind(11, int64_t{b.reminded ? 1 : 0});
  BindOpt(s, 12, b.finished);
  s.Bind(13, int64_t(expected)).Bind(14, absl::ToUnixMicros(expected_start));
  s.Bind(15, int64_t{b.erased ? 1 : 0});
  QUEUE_RETURN_IF_ERROR(s.Run());
  if (db_.Changes() != 1)
    return Status::Aborted("booking " + b.code + " changed meanwhile; try again");
  return Status::Ok();
}

Result<std::optional<Booking>> SqliteBookingRepo::GetBookingByCode(const std::string& code) {
  auto st = db_.Prepare(kGetBookingByCode);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, code);
  return OneBooking(**st);
}

Result<std::optional<Booking>> SqliteBookingRepo::GetBookingByRequest(const std::string& branch_id,
                                                   const std::string& phone,
                                                   const std::string& request_id) {
  auto st = db_.Prepare(kGetBookingByRequest);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, branch_id).Bind(2, phone).Bind(3, request_id);
  return OneBooking(**st);
}

Result<int> SqliteBookingRepo::CountSeatsTaken(const std::string& branch_id, const std::string& service,
                            absl::Time slot_start) {
  auto st = db_.Prepare(kCountSeatsTaken);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, branch_id).Bind(2, service).Bind(3, absl::ToUnixMicros(slot_start));
  return Count(s);
}

Result<std::map<absl::Time, int>> SqliteBookingRepo::SeatsTakenBetween(const std::string& branch_id,
                                                    const std::string& service,
                                                    absl::Time from, absl::Time to) {
  auto st = db_.Prepare(kSeatsTakenBetween);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, branch_id).Bind(2, service).Bind(3, absl::ToUnixMicros(from));
  s.Bind(4, absl::ToUnixMicros(to));
  std::map<absl::Time, int> out;
  while (s.Step()) out[absl::FromUnixMicros(s.Int(0))] = static_cast<int>(s.Int(1));
  QUEUE_RETURN_IF_ERROR(s.status());
  s.Reset();
  return out;
}

Result<int> SqliteBookingRepo::CountActiveForPhone(const std::string& branch_id, const std::string& service,
                                const std::string& phone, absl::Time from, absl::Time to,
                                int64_t except_id) {
  auto st = db_.Prepare(kCountActiveForPhone);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, branch_id).Bind(2, service).Bind(3, phone).Bind(4, absl::ToUnixMicros(from));
  s.Bind(5, absl::ToUnixMicros(to)).Bind(6, except_id);
  return Count(s);
}

Result<std::vector<Booking>> SqliteBookingRepo::ActiveBookingsStartedBefore(absl::Time started_before,
                                                         int limit) {
  auto st = db_.Prepare(kActiveStartedBefore);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, absl::ToUnixMicros(started_before)).Bind(2, int64_t{limit});
  return Bookings(**st);
}

Result<std::vector<Booking>> SqliteBookingRepo::BookingsToRemind(absl::Time before, int limit) {
  auto st = db_.Prepare(kBookingsToRemind);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, absl::ToUnixMicros(before)).Bind(2, int64_t{limit});
  return Bookings(**st);
}

Result<int> SqliteBookingRepo::EraseFinishedBookings(absl::Time cutoff, int limit) {
  return EraseFinished(db_, kBookingsToErase, kEraseBooking, BookingSubject, cutoff,
                       limit);
}

}  // namespace shop::queue::sqlite
