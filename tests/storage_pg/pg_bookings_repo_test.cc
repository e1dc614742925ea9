// PgBookingRepo against a throwaway PostgreSQL cluster: the shared suite
// (tests/storage/booking_store_test.cc, run on both engines) covers its
// behaviour; this adds that a read transaction (READ ONLY) refuses writes
// even when code gets past the types.
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
