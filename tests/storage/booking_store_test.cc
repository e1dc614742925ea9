// The appointment storage on a real SQLite file in a temp dir: the round
// trip of every field, taken codes and used request ids, optimistic updates,
// seats per slot, the one-booking-per-phone count, the sweeper queries,
// erasure of personal data, the query plans, and the v6 -> v7 migration.
#include <sqlite3.h>

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server/storage/sqlite/booking_repo.h"
#include "server/storage/sqlite/codec.h"
#include "server/storage/sqlite/migrations.h"
#include "server/storage/sqlite/sql.h"
#include "server/storage/sqlite/sqlite_store.h"
#include "tests/support/test_config.h"
#include "tests/support/test_db.h"

namespace shop::queue {
namespace {

using testing::TempDir;
using testing::TestConfig;

// Runs statements on their own connection; the SQLite result code.
int Exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_exec(db, "PRAGMA foreign_keys=ON", nullptr, nullptr, nullptr);
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

int64_t QueryInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

// The details of EXPLAIN QUERY PLAN for `sql`, one line per step.
std::string QueryPlan(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  const std::string explain = "EXPLAIN QUERY PLAN " + sql;
  EXPECT_EQ(sqlite3_prepare_v2(db, explain.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
  std::string out;
  while (sqlite3_step(st) == SQLITE_ROW)
    out += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) + "\n";
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);
const absl::Time kSlotA = kT0 + absl::Hours(24);
const absl::Time kSlotB = kSlotA + absl::Minutes(20);
const absl::Time kSlotC = kSlotA + absl::Minutes(40);

class BookingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = db_.Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->SyncConfig(testing::TwoBranchConfig()).ok());  // "test" and "other"
  }

  // An active booking of service R in branch "test", not yet stored.
  Booking Value(const std::string& code, absl::Time slot = kSlotA,
                const std::string& phone = "+79161234567") {
    Booking b;
    b.code = code;
    b.branch_id = "test";
    b.service_prefix = "R";
    b.slot_start = slot;
    b.name = "Ivanov Ivan";
    b.phone = phone;
    b.email = "ivanov@example.com";
    b.language = Language::kRu;
    b.request_id = "req-" + code;
    b.created = kT0;
    return b;
  }

  Status Insert(Booking& b) {
    return store_->Write([&](WriteTx& tx) { return tx.bookings().InsertBooking(b); });
  }

  // Inserts `b` and moves it to `state` (finished at `finished`).
  Booking Stored(Booking b, BookingState state = BookingState::kActive,
                 absl::Time finished = absl::InfinitePast()) {
    EXPECT_TRUE(Insert(b).ok());
    if (state != BookingState::kActive) {
      b.state = state;
      b.finished = finished == absl::InfinitePast() ? kT0 + absl::Minutes(5) : finished;
      EXPECT_TRUE(Update(b, BookingState::kActive, b.slot_start).ok());
    }
    return b;
  }

  Status Update(const Booking& b, BookingState expected, absl::Time expected_start) {
    return store_->Write(
        [&](WriteTx& tx) { return tx.bookings().UpdateBooking(b, expected, expected_start); });
  }

  std::optional<Booking> ByCode(const std::string& code) {
    std::optional<Booking> out;
    EXPECT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                  auto b = tx.bookings().GetBookingByCode(code);
                  if (!b.ok()) return b.status();
                  out = *b;
                  return Status::Ok();
                }).ok());
    return out;
  }

  std::optional<Booking> ByRequest(const std::string& branch, const std::string& request_id,
                                   const std::string& phone = "+79161234567") {
    std::optional<Booking> out;
    EXPECT_TRUE(store_->Read([&](ReadTx& tx) -> Status {
                  auto b = tx.bookings().GetBookingByRequest(branch, phone, request_id);
                  if (!b.ok()) return b.status();
                  out = *b;
                  return Status::Ok();
                }).ok());
    return out;
  }

  // Runs a read returning T; fails the test on error.
  template <typename T>
  T ReadValue(const std::function<Result<T>(ReadTx&)>& fn) {
    T out{};
    Status st = store_->Read([&](ReadTx& tx) -> Status {
      auto r = fn(tx);
      if (!r.ok()) return r.status();
      out = std::move(r).value();
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
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

  // The codes of `v`, in order.
  static std::vector<std::string> Codes(const std::vector<Booking>& v) {
    std::vector<std::string> out;
    for (const auto& b : v) out.push_back(b.code);
    return out;
  }

  int64_t NewTicket() {
    int64_t id = 0;
    EXPECT_TRUE(store_->Write([&](WriteTx& tx) -> Status {
                  Ticket t;
                  t.branch_id = "test";
                  t.number_prefix = t.service_prefix = "R";
                  t.business_day = "2027-01-16";
                  auto n = tx.tickets().NextNumber("test", "R", t.business_day);
                  if (!n.ok()) return n.status();
                  t.number = *n;
                  t.issue_time = kSlotA;
                  QUEUE_RETURN_IF_ERROR(tx.tickets().InsertTicket(t));
                  id = t.id;
                  return Status::Ok();
                }).ok());
    return id;
  }

  std::vector<OutboxMessage> Outbox(const std::string& subject) {
    return ReadValue<std::vector<OutboxMessage>>(
        [&](ReadTx& tx) { return tx.outbox().OutboxFor(subject); });
  }

  TempDir dir_;
  testing::TestDb db_{dir_};
  std::unique_ptr<EngineStore> store_;
};

TEST_F(BookingStoreTest, InsertAndGetRoundTripEveryField) {
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
  ASSERT_TRUE(Insert(b).ok());
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
    EXPECT_EQ(got->phone, "+79161234567");
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

  // The defaults of a fresh booking come back as such.
  Booking fresh = Stored(Value("AB2CD3EF"));
  auto got = ByCode("AB2CD3EF");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->booking_id, fresh.booking_id);
  EXPECT_NE(got->booking_id, b.booking_id);
  EXPECT_EQ(got->state, BookingState::kActive);
  EXPECT_EQ(got->email, "ivanov@example.com");
  EXPECT_EQ(got->language, Language::kRu);
  EXPECT_EQ(got->ticket_id, 0);
  EXPECT_FALSE(got->late_walk_in);
  EXPECT_FALSE(got->reminded);
  EXPECT_EQ(got->finished, absl::InfinitePast());
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM bookings WHERE ticket_id IS NULL AND "
                            "finished_us IS NULL"),
            1);

  // Unknown codes and requests, a request id of another branch, and one of
  // another phone (a request id is the phone's own).
  EXPECT_FALSE(ByCode("ZZZZZZZZ"));
  EXPECT_FALSE(ByRequest("test", "req-unknown"));
  EXPECT_FALSE(ByRequest("other", "req-K7M2QX9D"));
  EXPECT_FALSE(ByRequest("test", "req-K7M2QX9D", "+79031112233"));
}

TEST_F(BookingStoreTest, ATakenCodeAndAUsedRequestIdAreAlreadyExistsAndToldApart) {
  Booking first = Stored(Value("K7M2QX9D"));

  Booking same_code = Value("K7M2QX9D");
  same_code.request_id = "req-second";
  Status st = Insert(same_code);
  EXPECT_EQ(st.code(), Status::Code::kAlreadyExists) << st.ToString();
  EXPECT_NE(st.message().find("booking code taken"), std::string::npos) << st.ToString();
  EXPECT_EQ(same_code.booking_id, 0);

  // The same code in another branch is taken too: codes are global.
  same_code.branch_id = "other";
  st = Insert(same_code);
  EXPECT_EQ(st.code(), Status::Code::kAlreadyExists) << st.ToString();
  EXPECT_NE(st.message().find("booking code taken"), std::string::npos) << st.ToString();

  Booking same_request = Value("AB2CD3EF");
  same_request.request_id = first.request_id;
  st = Insert(same_request);
  EXPECT_EQ(st.code(), Status::Code::kAlreadyExists) << st.ToString();
  EXPECT_NE(st.message().find("request_id already used"), std::string::npos) << st.ToString();
  EXPECT_EQ(st.message().find("booking code taken"), std::string::npos) << st.ToString();

  // The same request id in another branch, or of another phone, is another
  // request.
  same_request.branch_id = "other";
  EXPECT_TRUE(Insert(same_request).ok());
  EXPECT_EQ(ByRequest("other", first.request_id)->code, "AB2CD3EF");
  EXPECT_EQ(ByRequest("test", first.request_id)->code, "K7M2QX9D");
  Booking other_phone = Value("CD3EF4GH", kSlotA, "+79031112233");
  other_phone.request_id = first.request_id;
  EXPECT_TRUE(Insert(other_phone).ok());
  EXPECT_EQ(ByRequest("test", first.request_id, "+79031112233")->code, "CD3EF4GH");
  EXPECT_EQ(ByRequest("test", first.request_id)->code, "K7M2QX9D");

  // Even past the store's own checks, the unique indexes refuse both.
  const std::string insert =
      "INSERT INTO bookings (code, branch_id, service_prefix, slot_start_us, state, name, phone, "
      "email, language, request_id, created_us) VALUES ";
  EXPECT_FALSE(db_.Exec(insert + "('K7M2QX9D', 'test', 'R', 0, 1, '', '', '', 1, 'x', 0)").ok());
  EXPECT_FALSE(db_.Exec(insert + "('QQQQQQQQ', 'test', 'R', 0, 1, '', '+79161234567', '', 1, '" +
                            first.request_id + "', 0)").ok());
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM bookings"), 3);
}

TEST_F(BookingStoreTest, UpdateWritesEveryMutableFieldAndIsOptimistic) {
  Booking b = Stored(Value("K7M2QX9D"));

  // A reschedule: expected active at slot A.
  Booking moved = b;
  moved.slot_start = kSlotB;
  moved.reminded = true;
  ASSERT_TRUE(Update(moved, BookingState::kActive, kSlotA).ok());

  // A writer that still holds the booking at slot A lost the race, even
  // though the state is still active.
  Booking stale_slot = b;
  stale_slot.state = BookingState::kCancelled;
  stale_slot.finished = kT0;
  Status st = Update(stale_slot, BookingState::kActive, kSlotA);
  EXPECT_EQ(st.code(), Status::Code::kAborted) << st.ToString();
  EXPECT_EQ(ByCode("K7M2QX9D")->slot_start, kSlotB);
  EXPECT_EQ(ByCode("K7M2QX9D")->state, BookingState::kActive);

  // Check-in: every mutable field at once.
  const int64_t ticket = NewTicket();
  Booking in = moved;
  in.state = BookingState::kCheckedIn;
  in.ticket_id = ticket;
  in.late_walk_in = true;
  in.finished = kSlotB + absl::Minutes(1);
  in.language = Language::kEn;
  ASSERT_TRUE(Update(in, BookingState::kActive, kSlotB).ok());
  auto got = ByCode("K7M2QX9D");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->slot_start, kSlotB);
  EXPECT_EQ(got->state, BookingState::kCheckedIn);
  EXPECT_EQ(got->ticket_id, ticket);
  EXPECT_TRUE(got->late_walk_in);
  EXPECT_TRUE(got->reminded);
  EXPECT_EQ(got->finished, kSlotB + absl::Minutes(1));
  EXPECT_EQ(got->language, Language::kEn);
  // What identifies the booking stays.
  EXPECT_EQ(got->code, "K7M2QX9D");
  EXPECT_EQ(got->request_id, "req-K7M2QX9D");
  EXPECT_EQ(got->created, kT0);
  EXPECT_EQ(got->name, "Ivanov Ivan");

  // A stale state (a cancel racing the check-in) is aborted.
  Booking cancel = moved;
  cancel.state = BookingState::kCancelled;
  cancel.finished = kT0;
  st = Update(cancel, BookingState::kActive, kSlotB);
  EXPECT_EQ(st.code(), Status::Code::kAborted) << st.ToString();
  EXPECT_EQ(ByCode("K7M2QX9D")->state, BookingState::kCheckedIn);

  // An unknown booking, or one of another branch, matches nothing.
  Booking ghost = in;
  ghost.booking_id = 999;
  EXPECT_EQ(Update(ghost, BookingState::kCheckedIn, kSlotB).code(), Status::Code::kAborted);
  Booking elsewhere = in;
  elsewhere.branch_id = "other";
  EXPECT_EQ(Update(elsewhere, BookingState::kCheckedIn, kSlotB).code(), Status::Code::kAborted);
}

TEST_F(BookingStoreTest, SeatsAreHeldByActiveAndCheckedInBookingsOnly) {
  const int64_t ticket = NewTicket();
  Stored(Value("AAAAAAAA", kSlotA, "+79160000001"));
  Booking in = Stored(Value("BBBBBBBB", kSlotA, "+79160000002"));
  in.state = BookingState::kCheckedIn;
  in.ticket_id = ticket;
  in.finished = kSlotA;
  ASSERT_TRUE(Update(in, BookingState::kActive, kSlotA).ok());
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

  // Cancelling frees the seat; so does a move to another slot.
  Booking a = *ByCode("AAAAAAAA");
  a.state = BookingState::kCancelled;
  a.finished = kT0;
  ASSERT_TRUE(Update(a, BookingState::kActive, kSlotA).ok());
  EXPECT_EQ(Seats(kSlotA), 1);
  Booking e = *ByCode("EEEEEEEE");
  e.slot_start = kSlotC;
  ASSERT_TRUE(Update(e, BookingState::kActive, kSlotB).ok());
  EXPECT_EQ(SeatsBetween(kSlotA, kSlotC + absl::Minutes(20)),
            (std::map<absl::Time, int>{{kSlotA, 1}, {kSlotC, 1}}));
}

TEST_F(BookingStoreTest, PhoneCountCoversActiveBookingsInTheRangeButTheOneExcepted) {
  const std::string phone = "+79161234567";
  const absl::Time day = kSlotA - absl::Hours(9);
  const absl::Time next_day = day + absl::Hours(24);
  Booking a = Stored(Value("AAAAAAAA", kSlotA, phone));
  Stored(Value("BBBBBBBB", kSlotB, phone), BookingState::kCancelled);
  Stored(Value("CCCCCCCC", kSlotC, phone), BookingState::kNoShow);
  Booking other_service = Value("DDDDDDDD", kSlotB, phone);
  other_service.service_prefix = "N";
  Stored(other_service);
  Stored(Value("EEEEEEEE", kSlotB, "+79160000000"));
  Stored(Value("FFFFFFFF", next_day + absl::Hours(10), phone));

  EXPECT_EQ(PhoneCount(phone, day, next_day), 1);
  EXPECT_EQ(PhoneCount(phone, day, next_day, a.booking_id), 0);  // moving `a` itself
  EXPECT_EQ(PhoneCount(phone, day, next_day, 999), 1);
  EXPECT_EQ(PhoneCount(phone, day, next_day + absl::Hours(24)), 2);
  EXPECT_EQ(PhoneCount(phone, day, next_day, 0, "N"), 1);
  EXPECT_EQ(PhoneCount("+79160000000", day, next_day), 1);
  EXPECT_EQ(PhoneCount("+79169999999", day, next_day), 0);
  // [from, to): a slot at `to` is outside, at `from` inside.
  EXPECT_EQ(PhoneCount(phone, day, kSlotA), 0);
  EXPECT_EQ(PhoneCount(phone, kSlotA, kSlotA + absl::Seconds(1)), 1);

  // Checked in is no longer active.
  a.state = BookingState::kCheckedIn;
  a.ticket_id = NewTicket();
  a.finished = kSlotA;
  ASSERT_TRUE(Update(a, BookingState::kActive, kSlotA).ok());
  EXPECT_EQ(PhoneCount(phone, day, next_day), 0);
}

TEST_F(BookingStoreTest, SweeperQueriesFindActiveBookingsOldestFirst) {
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
  ASSERT_TRUE(Update(reminded, BookingState::kActive, kSlotB).ok());

  auto started = [&](absl::Time before, int limit) {
    return Codes(ReadValue<std::vector<Booking>>(
        [&](ReadTx& tx) { return tx.bookings().ActiveBookingsStartedBefore(before, limit); }));
  };
  auto to_remind = [&](absl::Time before, int limit) {
    return Codes(ReadValue<std::vector<Booking>>(
        [&](ReadTx& tx) { return tx.bookings().BookingsToRemind(before, limit); }));
  };
  using V = std::vector<std::string>;

  // Every branch; strictly before; oldest first; at most `limit`.
  EXPECT_EQ(started(kSlotA, 10), V{});
  EXPECT_EQ(started(kSlotB, 10), V{"AAAAAAAA"});
  EXPECT_EQ(started(kSlotC, 10), (V{"AAAAAAAA", "BBBBBBB2", "BBBBBBB3", "PPPPPPPP"}));
  EXPECT_EQ(started(kSlotC + absl::Seconds(1), 2), (V{"AAAAAAAA", "BBBBBBB2"}));
  auto full = ReadValue<std::vector<Booking>>(
      [&](ReadTx& tx) { return tx.bookings().ActiveBookingsStartedBefore(kSlotB, 1); });
  ASSERT_EQ(full.size(), 1u);
  EXPECT_EQ(full[0].phone, "+79160000001");  // whole bookings, not just ids
  EXPECT_EQ(full[0].slot_start, kSlotA);

  // Reminders skip the reminded one.
  EXPECT_EQ(to_remind(kSlotC, 10), (V{"AAAAAAAA", "BBBBBBB3", "PPPPPPPP"}));
  EXPECT_EQ(to_remind(kSlotC + absl::Seconds(1), 1), V{"AAAAAAAA"});
  EXPECT_EQ(to_remind(kSlotA, 10), V{});

  // Once a no-show, a booking leaves both.
  Booking a = *ByCode("AAAAAAAA");
  a.state = BookingState::kNoShow;
  a.finished = kSlotA + absl::Minutes(15);
  ASSERT_TRUE(Update(a, BookingState::kActive, kSlotA).ok());
  EXPECT_EQ(started(kSlotB, 10), V{});
  EXPECT_EQ(to_remind(kSlotB, 10), V{});
}

TEST_F(BookingStoreTest, ErasureBlanksPersonalFieldsOldestFirstAndKeepsTheRest) {
  // Four finished bookings (the last finished is the oldest), one active.
  std::vector<Booking> v;
  const BookingState states[] = {BookingState::kCancelled, BookingState::kNoShow,
                                 BookingState::kCancelled, BookingState::kCheckedIn};
  for (int i = 0; i < 5; ++i) {
    Booking b = Value(std::string(8, char('A' + i)), kSlotA + absl::Minutes(20 * i),
                      "+7916000000" + std::to_string(i));
    ASSERT_TRUE(Insert(b).ok());
    if (i < 4) {
      b.state = states[i];
      b.finished = kT0 + absl::Hours(4 - i);
      if (b.state == BookingState::kCheckedIn) b.ticket_id = NewTicket();
      ASSERT_TRUE(Update(b, BookingState::kActive, b.slot_start).ok());
    }
    ASSERT_TRUE(store_->Write([&](WriteTx& tx) -> Status {
                  OutboxMessage sms{0, kT0, "sms", b.phone, "Reminder",
                                    "booking:" + std::to_string(b.booking_id)};
                  QUEUE_RETURN_IF_ERROR(tx.outbox().EnqueueMessage(sms));
                  OutboxMessage mail{0, kT0, "email", b.email, "Reminder",
                                     "booking:" + std::to_string(b.booking_id)};
                  return tx.outbox().EnqueueMessage(mail);
                }).ok());
    v.push_back(b);
  }
  // A message of a case with the same number is not the booking's.
  ASSERT_TRUE(store_->Write([&](WriteTx& tx) {
                OutboxMessage m{0, kT0, "sms", "+79169999999", "Case",
                                "case:" + std::to_string(v[3].booking_id)};
                return tx.outbox().EnqueueMessage(m);
              }).ok());

  auto erase = [&](absl::Time cutoff, int limit) {
    int n = -1;
    EXPECT_TRUE(store_->Write([&](WriteTx& tx) -> Status {
                  auto r = tx.bookings().EraseFinishedBookings(cutoff, limit);
                  if (!r.ok()) return r.status();
                  n = *r;
                  return Status::Ok();
                }).ok());
    return n;
  };
  // Bookings 1, 2, 3 finished before the cutoff (0 did not): the oldest (3)
  // first.
  const absl::Time cutoff = kT0 + absl::Hours(3) + absl::Minutes(30);
  EXPECT_EQ(erase(cutoff, 1), 1);
  EXPECT_TRUE(ByCode(v[3].code)->erased);
  EXPECT_FALSE(ByCode(v[2].code)->erased);
  EXPECT_EQ(erase(cutoff, 10), 2);
  EXPECT_EQ(erase(cutoff, 10), 0);
  // The active one is never erased, however late the cutoff.
  EXPECT_EQ(erase(kT0 + absl::Hours(1000), 10), 1);  // booking 0
  EXPECT_EQ(erase(kT0 + absl::Hours(1000), 10), 0);

  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    auto got = ByCode(v[i].code);
    ASSERT_TRUE(got);
    auto out = Outbox("booking:" + std::to_string(v[i].booking_id));
    ASSERT_EQ(out.size(), 2u);
    const bool erased = i < 4;
    EXPECT_EQ(got->erased, erased);
    if (erased) {
      EXPECT_EQ(got->name, "");
      EXPECT_EQ(got->phone, "");
      EXPECT_EQ(got->email, "");
      EXPECT_EQ(out[0].recipient, "");
      EXPECT_EQ(out[1].recipient, "");
    } else {
      EXPECT_EQ(got->name, "Ivanov Ivan");
      EXPECT_EQ(got->phone, v[i].phone);
      EXPECT_EQ(out[0].recipient, v[i].phone);
      EXPECT_EQ(out[1].recipient, "ivanov@example.com");
    }
    // What reports and the schedule need stays.
    EXPECT_EQ(out[0].text, "Reminder");
    EXPECT_EQ(got->code, v[i].code);
    EXPECT_EQ(got->service_prefix, "R");
    EXPECT_EQ(got->slot_start, v[i].slot_start);
    EXPECT_EQ(got->state, v[i].state);
    EXPECT_EQ(got->created, kT0);
    EXPECT_EQ(got->finished, v[i].finished);
    EXPECT_EQ(got->ticket_id, v[i].ticket_id);
    EXPECT_EQ(got->request_id, v[i].request_id);
  }
  EXPECT_EQ(Outbox("case:" + std::to_string(v[3].booking_id))[0].recipient, "+79169999999");

  // A write from a copy taken before erasure does not bring the data back.
  Booking stale = v[3];
  stale.reminded = true;
  ASSERT_TRUE(Update(stale, BookingState::kCheckedIn, stale.slot_start).ok());
  auto got = ByCode(stale.code);
  EXPECT_TRUE(got->reminded);
  EXPECT_TRUE(got->erased);
  EXPECT_EQ(got->name, "");
  EXPECT_EQ(got->phone, "");
  EXPECT_EQ(got->email, "");

  // A caller that marks a booking erased blanks it on the way in.
  Booking marked = v[4];
  marked.state = BookingState::kCancelled;
  marked.finished = kT0;
  marked.erased = true;
  ASSERT_TRUE(Update(marked, BookingState::kActive, marked.slot_start).ok());
  got = ByCode(marked.code);
  EXPECT_TRUE(got->erased);
  EXPECT_EQ(got->phone, "");
  EXPECT_EQ(db_.QueryInt("SELECT COUNT(*) FROM bookings WHERE erased = 1 AND name = '' AND "
                            "phone = '' AND email = ''"),
            5);
}

// Each query searches the index made for it ("USING INDEX" or "USING
// COVERING INDEX": SQLite 3.40 still reads the row to test the partial
// index's own condition), with every column of the key it can use.
TEST_F(BookingStoreTest, QueriesUseTheirIndexes) {
  SKIP_ON_POSTGRES("SQLite's query plans");
  const std::map<const char*, std::string> expected = {  // statement -> the index it uses
      {sqlite::BookingStatementsForTests().at("kBookingCodeTaken"), "INDEX sqlite_autoindex_bookings_1 (code=?)"},
      {sqlite::BookingStatementsForTests().at("kGetBookingByCode"), "INDEX sqlite_autoindex_bookings_1 (code=?)"},
      {sqlite::BookingStatementsForTests().at("kBookingRequestTaken"),
       "INDEX bookings_by_request (branch_id=? AND phone=? AND request_id=?)"},
      {sqlite::BookingStatementsForTests().at("kGetBookingByRequest"),
       "INDEX bookings_by_request (branch_id=? AND phone=? AND request_id=?)"},
      {sqlite::BookingStatementsForTests().at("kCountSeatsTaken"),
       "INDEX bookings_seats (branch_id=? AND service_prefix=? AND slot_start_us=?)"},
      {sqlite::BookingStatementsForTests().at("kSeatsTakenBetween"),
       "INDEX bookings_seats (branch_id=? AND service_prefix=? AND slot_start_us>? AND "
       "slot_start_us<?)"},
      {sqlite::BookingStatementsForTests().at("kCountActiveForPhone"),
       "INDEX bookings_by_phone (branch_id=? AND service_prefix=? AND phone=? AND "
       "slot_start_us>? AND slot_start_us<?)"},
      {sqlite::BookingStatementsForTests().at("kActiveStartedBefore"), "INDEX bookings_active (slot_start_us<?)"},
      {sqlite::BookingStatementsForTests().at("kBookingsToRemind"), "INDEX bookings_active (slot_start_us<?)"},
      {sqlite::BookingStatementsForTests().at("kBookingsToErase"), "INDEX bookings_to_erase (finished_us>? AND finished_us<?)"},
      {sqlite::BookingStatementsForTests().at("kUpdateBooking"), "USING INTEGER PRIMARY KEY (rowid=?)"},
      {sqlite::BookingStatementsForTests().at("kEraseBooking"), "USING INTEGER PRIMARY KEY (rowid=?)"},
      {sqlite::kEraseOutboxRecipients, "INDEX outbox_by_subject (subject=?)"},
  };
  for (const auto& [query, index] : expected) {
    const std::string plan = QueryPlan(db_.db(), query);
    EXPECT_NE(plan.find(index), std::string::npos) << query << "\n" << plan;
    // No sorting beside the index: ORDER BY and GROUP BY follow it.
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << query << "\n" << plan;
  }
}

TEST(BookingStoreMigration, AVersion6DatabaseMigratesWithItsData) {
  SKIP_ON_POSTGRES("an old SQLite file migrating");
  TempDir dir;
  const std::string path = dir.File("v6.db");
  // A database as the previous release left it: migrations 0..5, a ticket,
  // a case and a message.
  std::string v6 = "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                   "INSERT INTO schema_version VALUES (6);";
  for (int i = 0; i < 6; ++i) v6 += sqlite::MigrationSql(i);
  v6 += "INSERT INTO branches VALUES ('test', 'Test shop', 'Europe/Moscow');"
        "INSERT INTO services VALUES ('test', 'R', 'r', 'r', 'r');"
        "INSERT INTO tickets (ticket_id, branch_id, number_prefix, number, business_day, "
        "service_prefix, state, priority, origin, language, issue_us) "
        "VALUES (7, 'test', 'R', 1, '2027-01-15', 'R', 3, 0, 1, 1, 0);"
        "INSERT INTO sim_cases (case_id, branch_id, ticket_id, counter_id, opened_by, opened_us, "
        "state) VALUES (3, 'test', 7, '1', 'anna', 0, 1);"
        "INSERT INTO outbox (created_us, channel, recipient, text, subject) "
        "VALUES (0, 'sms', '+79161234567', 'hello', 'case:3');";
  ASSERT_EQ(Exec(path, v6), SQLITE_OK);
  ASSERT_GE(SqliteStore::LatestSchemaVersion(), 7);  // later migrations run too

  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(QueryInt(path, "SELECT version FROM schema_version"),
            SqliteStore::LatestSchemaVersion());
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                           "('bookings_by_request', 'bookings_seats', 'bookings_by_phone', "
                           "'bookings_active', 'bookings_to_erase')"),
            5);

  // The old data is there, and bookings work beside it.
  std::optional<Ticket> t;
  std::optional<SimCase> c;
  ASSERT_TRUE((*store)->Read([&](ReadTx& tx) -> Status {
                t = *tx.tickets().GetTicket("test", 7);
                c = *tx.cases().GetCase("test", 3);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(t && c);
  EXPECT_EQ(t->state, TicketState::kServing);
  EXPECT_EQ(c->opened_by, "anna");
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM outbox WHERE recipient = '+79161234567'"), 1);

  Booking b;
  b.code = "K7M2QX9D";
  b.branch_id = "test";
  b.service_prefix = "R";
  b.slot_start = kSlotA;
  b.name = "Ivanov Ivan";
  b.phone = "+79161234567";
  b.request_id = "r1";
  b.created = kT0;
  ASSERT_TRUE((*store)->Write([&](WriteTx& tx) -> Status {
                QUEUE_RETURN_IF_ERROR(tx.bookings().InsertBooking(b));
                b.state = BookingState::kCheckedIn;
                b.ticket_id = 7;
                b.finished = kSlotA;
                return tx.bookings().UpdateBooking(b, BookingState::kActive, kSlotA);
              }).ok());
  EXPECT_EQ(QueryInt(path, "SELECT ticket_id FROM bookings WHERE code = 'K7M2QX9D'"), 7);
  EXPECT_EQ(*(*store)->IntegrityCheck(), "ok");
  EXPECT_EQ(QueryInt(path, "PRAGMA foreign_key_check"), -1);  // no rows: none broken
}

}  // namespace
}  // namespace shop::queue
