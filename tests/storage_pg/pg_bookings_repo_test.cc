// PgBookingRepo against a throwaway PostgreSQL cluster, through
// PgStore::Write and Read as the domain uses it: every field's round trip,
// taken codes and used request ids (ALREADY_EXISTS, told apart, and the
// transaction goes on), optimistic updates (ABORTED), seats per slot, the
// one-booking-per-phone count, the no-show and reminder sweeps, erasure of
// personal data with the recipients of its outbox messages, and writes
// refused inside reads. The SQLite suite tests/storage/booking_store_test.cc
// says the same of SQLite.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/storage_pg/pg_repo_fixture.h"

namespace shop::queue {
namespace {

using testing::Code;
using testing::kPhone;
using testing::kT0;
using testing::PgRepoTest;

const absl::Time kSlotA = kT0 + absl::Hours(24);
const absl::Time kSlotB = kSlotA + absl::Minutes(20);
const absl::Time kSlotC = kSlotA + absl::Minutes(40);
using V = std::vector<std::string>;

class PgBookingRepoTest : public PgRepoTest {
 protected:
  // An active booking of service R in branch "test", not yet stored.
  Booking Value(const std::string& code, absl::Time slot = kSlotA,
                const std::string& phone = kPhone) {
    Booking b;
    b.code = code;
    b.branch_id = "test";
    b.service_prefix = "R";
    b.slot_start = slot;
    b.name = "Ivanov Ivan";
    b.phone = phone;
    b.email = "ivanov@example.com";
    b.request_id = "req-" + code;
    b.created = kT0;
    return b;
  }
  Status Insert(Booking& b) {
    return Write([&](WriteTx& tx) { return tx.bookings().InsertBooking(b); });
  }
  Status Update(const Booking& b, BookingState expected, absl::Time expected_start) {
    return Write(
        [&](WriteTx& tx) { return tx.bookings().UpdateBooking(b, expected, expected_start); });
  }
  // Inserts `b` and moves it to `state` (finished 5 minutes after kT0).
  Booking Stored(Booking b, BookingState state = BookingState::kActive) {
    EXPECT_OK(Insert(b));
    if (state != BookingState::kActive) {
      b.state = state;
      b.finished = kT0 + absl::Minutes(5);
      EXPECT_OK(Update(b, BookingState::kActive, b.slot_start));
    }
    return b;
  }
  std::optional<Booking> ByCode(const std::string& code) {
    return ReadValue<std::optional<Booking>>(
        [&](ReadTx& tx) { return tx.bookings().GetBookingByCode(code); });
  }
  std::optional<Booking> ByRequest(const std::string& branch, const std::string& request_id,
                                   const std::string& phone = kPhone) {
    return ReadValue<std::optional<Booking>>(
        [&](ReadTx& tx) { return tx.bookings().GetBookingByRequest(branch, phone, request_id); });
  }
  int Seats(absl::Time slot, const std::string& service = "R",
            const std::string& branch = "test") {
    return ReadValue<int>(
        [&](ReadTx& tx) { return tx.bookings().CountSeatsTaken(branch, service, slot); });
  }
  std::map<absl::Time, int> SeatsBetween(absl::Time from, absl::Time to) {
    return ReadValue<std::map<absl::Time, int>>(
        [&](ReadTx& tx) { return tx.bookings().SeatsTakenBetween("test", "R", from, to); });
  }
  int PhoneCount(const std::string& phone, absl::Time from, absl::Time to, int64_t except = 0,
                 const std::string& service = "R") {
    return ReadValue<int>([&](ReadTx& tx) {
      return tx.bookings().CountActiveForPhone("test", service, phone, from, to, except);
    });
  }
  V Started(absl::Time before, int limit) {
    return Codes(ReadValue<std::vector<Booking>>(
        [&](ReadTx& tx) { return tx.bookings().ActiveBookingsStartedBefore(before, limit); }));
  }
  V ToRemind(absl::Time before, int limit) {
    return Codes(ReadValue<std::vector<Booking>>(
        [&](ReadTx& tx) { return tx.bookings().BookingsToRemind(before, limit); }));
  }
  int Erase(absl::Time cutoff, int limit) {
    int n = -1;
    EXPECT_OK(Write([&](WriteTx& tx) -> Status {
      auto r = tx.bookings().EraseFinishedBookings(cutoff, limit);
      if (!r.ok()) return r.status();
      n = *r;
      return Status::Ok();
    }));
    return n;
  }
  static V Codes(const std::vector<Booking>& v) {
    V out;
    for (const auto& b : v) out.push_back(b.code);
    return out;
  }
};

TEST_F(PgBookingRepoTest, InsertAndGetRoundTripEveryField) {
  const int64_t ticket = NewTicket();
  Booking b = Value("K7M2QX9D");
  b.service_prefix = "N";
  b.language = Language::kZh;
  b.email = "";
  // Unusual for an insert, but every column must come back as written.
  b.state = BookingState::kCheckedIn;
  b.ticket_id = ticket;
  b.late_walk_in = true;
  b.reminded = true;
  b.finished = kSlotA + absl::Minutes(3) + absl::Microseconds(7);
  ASSERT_OK(Insert(b));
  ASSERT_GT(b.booking_id, 0);
  for (const auto& got : {ByCode("K7M2QX9D"), ByRequest("test", "req-K7M2QX9D")}) {
    ASSERT_TRUE(got);
    EXPECT_EQ(got->booking_id, b.booking_id);
    EXPECT_EQ(got->code, "K7M2QX9D");
    EXPECT_EQ(got->branch_id, "test");
    EXPECT_EQ(got->service_prefix, "N");
    EXPECT_EQ(got->slot_start, kSlotA);
    EXPECT_EQ(got->state, BookingState::kCheckedIn);
    EXPECT_EQ(got->name, "Ivanov Ivan");
    EXPECT_EQ(got->phone, kPhone);
    EXPECT_EQ(got->email, "");
    EXPECT_EQ(got->language, Language::kZh);
    EXPECT_EQ(got->request_id, "req-K7M2QX9D");
    EXPECT_EQ(got->created, kT0);
    EXPECT_EQ(got->ticket_id, ticket);
    EXPECT_TRUE(got->late_walk_in);
    EXPECT_TRUE(got->reminded);
    EXPECT_EQ(got->finished, kSlotA + absl::Minutes(3) + absl::Microseconds(7));
    EXPECT_FALSE(got->erased);
  }
  // The defaults of a fresh booking come back as such; any script's letters too.
  Booking fresh = Value("AB2CD3EF");
  fresh.name = "Иванова Мария 张伟";
  fresh = Stored(fresh);
  auto got = ByCode("AB2CD3EF");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->booking_id, fresh.booking_id);
  EXPECT_NE(got->booking_id, b.booking_id);
  EXPECT_EQ(got->state, BookingState::kActive);
  EXPECT_EQ(got->name, "Иванова Мария 张伟");
  EXPECT_EQ(got->email, "ivanov@example.com");
  EXPECT_EQ(got->language, Language::kRu);
  EXPECT_EQ(got->ticket_id, 0);
  EXPECT_FALSE(got->late_walk_in);
  EXPECT_FALSE(got->reminded);
  EXPECT_EQ(got->finished, absl::InfinitePast());
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM bookings WHERE ticket_id IS NULL AND "
                   "finished_us IS NULL"),
            1);
  // A booking inserted as erased keeps no personal data.
  Booking erased = Value("CD3EF4GH");
  erased.erased = true;
  erased.state = BookingState::kCancelled;
  ASSERT_OK(Insert(erased));
  got = ByCode("CD3EF4GH");
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->erased);
  EXPECT_EQ(got->name + got->phone + got->email, "");
  EXPECT_FALSE(ByRequest("test", "req-CD3EF4GH", ""));  // erased bookings have no request

  EXPECT_FALSE(ByCode("ZZZZZZZZ"));
  EXPECT_FALSE(ByRequest("test", "req-unknown"));
  EXPECT_FALSE(ByRequest("other", "req-K7M2QX9D"));
  EXPECT_FALSE(ByRequest("test", "req-K7M2QX9D", "+79031112233"));
}

TEST_F(PgBookingRepoTest, ATakenCodeAndAUsedRequestIdAreAlreadyExistsAndToldApart) {
  Booking first = Stored(Value("K7M2QX9D"));
  Booking same_code = Value("K7M2QX9D");
  same_code.request_id = "req-second";
  Status st = Insert(same_code);
  EXPECT_EQ(st.code(), Code::kAlreadyExists) << st.ToString();
  EXPECT_NE(st.message().find("booking code taken"), std::string::npos) << st.ToString();
  EXPECT_EQ(same_code.booking_id, 0);
  same_code.branch_id = "other";  // codes are global
  EXPECT_EQ(Insert(same_code).code(), Code::kAlreadyExists);

  Booking same_request = Value("AB2CD3EF");
  same_request.request_id = first.request_id;
  st = Insert(same_request);
  EXPECT_EQ(st.code(), Code::kAlreadyExists) << st.ToString();
  EXPECT_NE(st.message().find("request_id already used"), std::string::npos) << st.ToString();
  EXPECT_EQ(st.message().find("booking code taken"), std::string::npos) << st.ToString();

  // A taken code is retried with a new one in the same transaction.
  Booking retry = Value("K7M2QX9D", kSlotB, "+79031112233");
  retry.request_id = "req-retry";
  ASSERT_OK(Write([&](WriteTx& tx) -> Status {
    if (tx.bookings().InsertBooking(retry).code() != Code::kAlreadyExists)
      return Status::Internal("a taken code was accepted");
    retry.code = "QQQQQQQQ";
    return tx.bookings().InsertBooking(retry);
  }));
  EXPECT_EQ(ByCode("QQQQQQQQ")->slot_start, kSlotB);

  // The same request id in another branch, or of another phone, is another request.
  same_request.branch_id = "other";
  EXPECT_OK(Insert(same_request));
  EXPECT_EQ(ByRequest("other", first.request_id)->code, "AB2CD3EF");
  EXPECT_EQ(ByRequest("test", first.request_id)->code, "K7M2QX9D");
  Booking other_phone = Value("CD3EF4GH", kSlotA, "+79031112233");
  other_phone.request_id = first.request_id;
  EXPECT_OK(Insert(other_phone));
  EXPECT_EQ(ByRequest("test", first.request_id, "+79031112233")->code, "CD3EF4GH");

  // Even past the store's own checks, the unique indexes refuse both.
  const std::string insert =
      "INSERT INTO bookings (code, branch_id, service_prefix, slot_start_us, state, name, phone, "
      "email, language, request_id, created_us) VALUES ($1, 'test', 'R', 0, 1, '', $2, '', 1, "
      "$3, 0)";
  EXPECT_EQ(Sql(insert, {"K7M2QX9D", "+79990000000", "x"}).status().code(),
            Code::kAlreadyExists);
  EXPECT_EQ(Sql(insert, {"WWWWWWWW", kPhone, first.request_id}).status().code(),
            Code::kAlreadyExists);
  EXPECT_EQ(sql_->last_error().constraint, "bookings_by_request");
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM bookings"), 4);
}

TEST_F(PgBookingRepoTest, UpdateWritesEveryMutableFieldAndIsOptimistic) {
  Booking b = Stored(Value("K7M2QX9D"));
  Booking moved = b;
  moved.slot_start = kSlotB;
  moved.reminded = true;
  ASSERT_OK(Update(moved, BookingState::kActive, kSlotA));
  // A writer still holding the booking at slot A lost the race.
  Booking stale_slot = b;
  stale_slot.state = BookingState::kCancelled;
  stale_slot.finished = kT0;
  EXPECT_EQ(Update(stale_slot, BookingState::kActive, kSlotA).code(), Code::kAborted);
  EXPECT_EQ(ByCode("K7M2QX9D")->slot_start, kSlotB);
  EXPECT_EQ(ByCode("K7M2QX9D")->state, BookingState::kActive);

  const int64_t ticket = NewTicket();
  Booking in = moved;
  in.state = BookingState::kCheckedIn;
  in.ticket_id = ticket;
  in.late_walk_in = true;
  in.finished = kSlotB + absl::Minutes(1);
  in.language = Language::kEn;
  in.name = "Petrov Petr";
  in.phone = "+79031112233";
  in.email = "petrov@example.com";
  in.code = "IGNORED1";
  in.request_id = "ignored";
  in.created = kT0 + absl::Hours(1);
  ASSERT_OK(Update(in, BookingState::kActive, kSlotB));
  auto got = ByCode("K7M2QX9D");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->slot_start, kSlotB);
  EXPECT_EQ(got->state, BookingState::kCheckedIn);
  EXPECT_EQ(got->ticket_id, ticket);
  EXPECT_TRUE(got->late_walk_in);
  EXPECT_TRUE(got->reminded);
  EXPECT_EQ(got->finished, kSlotB + absl::Minutes(1));
  EXPECT_EQ(got->language, Language::kEn);
  EXPECT_EQ(got->name, "Petrov Petr");
  EXPECT_EQ(got->phone, "+79031112233");
  EXPECT_EQ(got->email, "petrov@example.com");
  // What identifies the booking stays.
  EXPECT_EQ(got->request_id, "req-K7M2QX9D");
  EXPECT_EQ(got->created, kT0);
  EXPECT_FALSE(ByCode("IGNORED1"));

  // Back to no ticket and no finish: NULLs again.
  Booking undone = in;
  undone.ticket_id = 0;
  undone.finished = absl::InfinitePast();
  ASSERT_OK(Update(undone, BookingState::kCheckedIn, kSlotB));
  EXPECT_EQ(ByCode("K7M2QX9D")->ticket_id, 0);
  EXPECT_EQ(ByCode("K7M2QX9D")->finished, absl::InfinitePast());
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM bookings WHERE ticket_id IS NULL AND "
                   "finished_us IS NULL"),
            1);

  Booking cancel = moved;
  cancel.state = BookingState::kCancelled;
  EXPECT_EQ(Update(cancel, BookingState::kActive, kSlotB).code(), Code::kAborted);
  Booking ghost = in;
  ghost.booking_id = b.booking_id + 1000;
  EXPECT_EQ(Update(ghost, BookingState::kCheckedIn, kSlotB).code(), Code::kAborted);
  Booking elsewhere = in;
  elsewhere.branch_id = "other";
  EXPECT_EQ(Update(elsewhere, BookingState::kCheckedIn, kSlotB).code(), Code::kAborted);
  EXPECT_EQ(ByCode("K7M2QX9D")->state, BookingState::kCheckedIn);
}

TEST_F(PgBookingRepoTest, SeatsAreHeldByActiveAndCheckedInBookingsOnly) {
  Stored(Value("AAAAAAAA", kSlotA, "+79160000001"));
  Booking in = Stored(Value("BBBBBBBB", kSlotA, "+79160000002"));
  in.state = BookingState::kCheckedIn;
  in.ticket_id = NewTicket();
  in.finished = kSlotA;
  ASSERT_OK(Update(in, BookingState::kActive, kSlotA));
  Stored(Value("CCCCCCCC", kSlotA, "+79160000003"), BookingState::kCancelled);
  Stored(Value("DDDDDDDD", kSlotA, "+79160000004"), BookingState::kNoShow);
  Stored(Value("EEEEEEEE", kSlotB, "+79160000005"));
  Booking other_service = Value("FFFFFFFF", kSlotA, "+79160000006");
  other_service.service_prefix = "N";
  Stored(other_service);
  Booking other_branch = Value("GGGGGGGG", kSlotA, "+79160000007");
  other_branch.branch_id = "other";
  Stored(other_branch);

  EXPECT_EQ(Seats(kSlotA), 2);
  EXPECT_EQ(Seats(kSlotB), 1);
  EXPECT_EQ(Seats(kSlotC), 0);
  EXPECT_EQ(Seats(kSlotA, "N"), 1);
  EXPECT_EQ(Seats(kSlotA, "R", "other"), 1);
  // [from, to): the end is left out; empty slots have no entry.
  EXPECT_EQ(SeatsBetween(kSlotA, kSlotB), (std::map<absl::Time, int>{{kSlotA, 2}}));
  EXPECT_EQ(SeatsBetween(kSlotA, kSlotC + absl::Minutes(20)),
            (std::map<absl::Time, int>{{kSlotA, 2}, {kSlotB, 1}}));
  EXPECT_EQ(SeatsBetween(kSlotA + absl::Seconds(1), kSlotC + absl::Seconds(1)),
            (std::map<absl::Time, int>{{kSlotB, 1}}));
  EXPECT_TRUE(SeatsBetween(kSlotC, kSlotC + absl::Hours(1)).empty());

  Booking a = *ByCode("AAAAAAAA");
  a.state = BookingState::kCancelled;
  a.finished = kT0;
  ASSERT_OK(Update(a, BookingState::kActive, kSlotA));
  EXPECT_EQ(Seats(kSlotA), 1);
  Booking e = *ByCode("EEEEEEEE");
  e.slot_start = kSlotC;
  ASSERT_OK(Update(e, BookingState::kActive, kSlotB));
  EXPECT_EQ(SeatsBetween(kSlotA, kSlotC + absl::Minutes(20)),
            (std::map<absl::Time, int>{{kSlotA, 1}, {kSlotC, 1}}));
}

TEST_F(PgBookingRepoTest, PhoneCountCoversActiveBookingsInTheRangeButTheOneExcepted) {
  const absl::Time day = kSlotA - absl::Hours(9);
  const absl::Time next_day = day + absl::Hours(24);
  Booking a = Stored(Value("AAAAAAAA", kSlotA));
  Stored(Value("BBBBBBBB", kSlotB), BookingState::kCancelled);
  Stored(Value("CCCCCCCC", kSlotC), BookingState::kNoShow);
  Booking other_service = Value("DDDDDDDD", kSlotB);
  other_service.service_prefix = "N";
  Stored(other_service);
  Stored(Value("EEEEEEEE", kSlotB, "+79160000000"));
  Stored(Value("FFFFFFFF", next_day + absl::Hours(10)));
  Booking other_branch = Value("GGGGGGGG", kSlotB);
  other_branch.branch_id = "other";
  Stored(other_branch);

  EXPECT_EQ(PhoneCount(kPhone, day, next_day), 1);
  EXPECT_EQ(PhoneCount(kPhone, day, next_day, a.booking_id), 0);
  EXPECT_EQ(PhoneCount(kPhone, day, next_day, a.booking_id + 1000), 1);
  EXPECT_EQ(PhoneCount(kPhone, day, next_day + absl::Hours(24)), 2);
  EXPECT_EQ(PhoneCount(kPhone, day, next_day, 0, "N"), 1);
  EXPECT_EQ(PhoneCount("+79160000000", day, next_day), 1);
  EXPECT_EQ(PhoneCount("+79169999999", day, next_day), 0);
  EXPECT_EQ(PhoneCount(kPhone, day, kSlotA), 0);
  EXPECT_EQ(PhoneCount(kPhone, kSlotA, kSlotA + absl::Seconds(1)), 1);
  a.state = BookingState::kCheckedIn;
  a.ticket_id = NewTicket();
  a.finished = kSlotA;
  ASSERT_OK(Update(a, BookingState::kActive, kSlotA));
  EXPECT_EQ(PhoneCount(kPhone, day, next_day), 0);
}

TEST_F(PgBookingRepoTest, SweeperQueriesFindActiveBookingsOldestFirst) {
  // Inserted out of order; two share slot B (then ordered by id).
  Stored(Value("CCCCCCCC", kSlotC, "+79160000003"));
  Stored(Value("AAAAAAAA", kSlotA, "+79160000001"));
  Stored(Value("BBBBBBB2", kSlotB, "+79160000002"));
  Stored(Value("BBBBBBB3", kSlotB, "+79160000004"));
  Stored(Value("XXXXXXX2", kSlotA, "+79160000005"), BookingState::kCancelled);
  Stored(Value("XXXXXXX3", kSlotA, "+79160000006"), BookingState::kNoShow);
  Booking other_branch = Value("PPPPPPPP", kSlotB, "+79160000007");
  other_branch.branch_id = "other";
  Stored(other_branch);
  Booking reminded = *ByCode("BBBBBBB2");
  reminded.reminded = true;
  ASSERT_OK(Update(reminded, BookingState::kActive, kSlotB));

  EXPECT_EQ(Started(kSlotA, 10), V{});
  EXPECT_EQ(Started(kSlotB, 10), V{"AAAAAAAA"});
  EXPECT_EQ(Started(kSlotC, 10), (V{"AAAAAAAA", "BBBBBBB2", "BBBBBBB3", "PPPPPPPP"}));
  EXPECT_EQ(Started(kSlotC + absl::Seconds(1), 2), (V{"AAAAAAAA", "BBBBBBB2"}));
  EXPECT_EQ(Started(kSlotC + absl::Seconds(1), 0), V{});
  auto full = ReadValue<std::vector<Booking>>(
      [&](ReadTx& tx) { return tx.bookings().ActiveBookingsStartedBefore(kSlotB, 1); });
  ASSERT_EQ(full.size(), 1u);
  EXPECT_EQ(full[0].phone, "+79160000001");  // whole bookings, not just ids
  EXPECT_EQ(full[0].slot_start, kSlotA);
  EXPECT_EQ(full[0].name, "Ivanov Ivan");

  EXPECT_EQ(ToRemind(kSlotC, 10), (V{"AAAAAAAA", "BBBBBBB3", "PPPPPPPP"}));
  EXPECT_EQ(ToRemind(kSlotC + absl::Seconds(1), 1), V{"AAAAAAAA"});
  EXPECT_EQ(ToRemind(kSlotA, 10), V{});

  Booking a = *ByCode("AAAAAAAA");
  a.state = BookingState::kNoShow;
  a.finished = kSlotA + absl::Minutes(15);
  ASSERT_OK(Update(a, BookingState::kActive, kSlotA));
  EXPECT_EQ(Started(kSlotB, 10), V{});
  EXPECT_EQ(ToRemind(kSlotB, 10), V{});
}

TEST_F(PgBookingRepoTest, ErasureBlanksPersonalFieldsOldestFirstAndKeepsTheRest) {
  // Four finished bookings (the last finished is the oldest), one active.
  std::vector<Booking> v;
  const BookingState states[] = {BookingState::kCancelled, BookingState::kNoShow,
                                 BookingState::kCancelled, BookingState::kCheckedIn};
  for (int i = 0; i < 5; ++i) {
    Booking b = Value(std::string(8, char('A' + i)), kSlotA + absl::Minutes(20 * i),
                      "+7916000000" + std::to_string(i));
    ASSERT_OK(Insert(b));
    if (i < 4) {
      b.state = states[i];
      b.finished = kT0 + absl::Hours(4 - i);
      if (b.state == BookingState::kCheckedIn) b.ticket_id = NewTicket();
      ASSERT_OK(Update(b, BookingState::kActive, b.slot_start));
    }
    AddOutbox("booking:" + std::to_string(b.booking_id), b.phone);
    AddOutbox("booking:" + std::to_string(b.booking_id), b.email);
    v.push_back(b);
  }
  // A message of a case with the same number is not the booking's.
  AddOutbox("case:" + std::to_string(v[3].booking_id), "+79169999999");

  const absl::Time cutoff = kT0 + absl::Hours(3) + absl::Minutes(30);
  EXPECT_EQ(Erase(cutoff, 1), 1);
  EXPECT_TRUE(ByCode(v[3].code)->erased);
  EXPECT_FALSE(ByCode(v[2].code)->erased);
  EXPECT_EQ(Erase(cutoff, 10), 2);
  EXPECT_EQ(Erase(cutoff, 10), 0);
  EXPECT_EQ(Erase(kT0 + absl::Hours(1000), 10), 1);  // booking 0; the active one never
  EXPECT_EQ(Erase(kT0 + absl::Hours(1000), 10), 0);

  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    auto got = ByCode(v[i].code);
    ASSERT_TRUE(got);
    const bool erased = i < 4;
    EXPECT_EQ(got->erased, erased);
    EXPECT_EQ(got->name, erased ? "" : "Ivanov Ivan");
    EXPECT_EQ(got->phone, erased ? "" : v[i].phone);
    EXPECT_EQ(got->email, erased ? "" : "ivanov@example.com");
    EXPECT_EQ(Recipients("booking:" + std::to_string(v[i].booking_id)),
              (erased ? V{"", ""} : V{v[i].phone, "ivanov@example.com"}));
    EXPECT_EQ(got->code, v[i].code);
    EXPECT_EQ(got->service_prefix, "R");
    EXPECT_EQ(got->slot_start, v[i].slot_start);
    EXPECT_EQ(got->state, v[i].state);
    EXPECT_EQ(got->created, kT0);
    EXPECT_EQ(got->finished, v[i].finished);
    EXPECT_EQ(got->ticket_id, v[i].ticket_id);
    EXPECT_EQ(got->request_id, v[i].request_id);
    if (erased) {
      EXPECT_FALSE(ByRequest("test", v[i].request_id, ""));
    }
  }
  EXPECT_EQ(Recipients("case:" + std::to_string(v[3].booking_id)), V{"+79169999999"});

  // A write from a copy taken before erasure does not bring the data back.
  Booking stale = v[3];
  stale.reminded = true;
  ASSERT_OK(Update(stale, BookingState::kCheckedIn, stale.slot_start));
  auto got = ByCode(stale.code);
  EXPECT_TRUE(got->reminded);
  EXPECT_TRUE(got->erased);
  EXPECT_EQ(got->name + got->phone + got->email, "");
  // A caller that marks a booking erased blanks it on the way in.
  Booking marked = v[4];
  marked.state = BookingState::kCancelled;
  marked.finished = kT0;
  marked.erased = true;
  ASSERT_OK(Update(marked, BookingState::kActive, marked.slot_start));
  got = ByCode(marked.code);
  EXPECT_TRUE(got->erased);
  EXPECT_EQ(got->name + got->phone + got->email, "");
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM bookings WHERE erased = 1 AND name = '' AND "
                   "phone = '' AND email = ''"),
            5);
  // An erased booking's request id may be used again (the index leaves it out).
  Booking again = Value("ZZZZZZZZ", kSlotA, v[4].phone);
  again.request_id = v[4].request_id;
  EXPECT_OK(Insert(again));
}

TEST_F(PgBookingRepoTest, BookingWritesInsideReadAreRefused) {
  Booking b = Stored(Value("K7M2QX9D"), BookingState::kCancelled);
  const std::vector<std::function<Status(WriteTx&)>> writes = {
      [&](WriteTx& tx) {
        Booking c = Value("AB2CD3EF");
        return tx.bookings().InsertBooking(c);
      },
      [&](WriteTx& tx) {
        return tx.bookings().UpdateBooking(b, BookingState::kCancelled, kSlotA);
      },
      [&](WriteTx& tx) {
        return tx.bookings().EraseFinishedBookings(kT0 + absl::Hours(1000), 10).status();
      },
  };
  for (size_t i = 0; i < writes.size(); ++i)
    EXPECT_EQ(store_->Read([&](ReadTx& tx) { return writes[i](dynamic_cast<WriteTx&>(tx)); })
                  .code(),
              Code::kInternal)
        << "write " << i;
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM bookings"), 1);
  EXPECT_FALSE(ByCode("K7M2QX9D")->erased);
}

}  // namespace
}  // namespace shop::queue
