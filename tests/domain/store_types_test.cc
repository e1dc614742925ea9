// The store's transaction types as the compiler sees them: a read
// transaction hands out only the reading half of each repository, so a
// write inside a read does not compile; a write transaction hands out the
// whole repositories and can stand in for a read.
#include <functional>
#include <type_traits>

#include <gtest/gtest.h>

#include "server/domain/store.h"

namespace shop::queue {
namespace {

template <typename Tx>
concept CanInsertTicket = requires(Tx& tx, Ticket& t) { tx.tickets().InsertTicket(t); };
template <typename Tx>
concept CanNumber = requires(Tx& tx) { tx.tickets().NextNumber("b", "R", "d"); };
template <typename Tx>
concept CanUpdateCase = requires(Tx& tx, SimCase& c) {
  tx.cases().UpdateCase(c, CaseState::kAwaitingForm);
};
template <typename Tx>
concept CanSwapCard = requires(Tx& tx) { tx.cases().SwapActiveCard("p", "a", "b", absl::Time()); };
template <typename Tx>
concept CanInsertBooking = requires(Tx& tx, Booking& b) { tx.bookings().InsertBooking(b); };
template <typename Tx>
concept CanSaveStaff = requires(Tx& tx, StaffAccount& a) { tx.staff().SaveStaff(a); };
template <typename Tx>
concept CanEnqueue = requires(Tx& tx, OutboxMessage& m) { tx.outbox().EnqueueMessage(m); };
template <typename Tx>
concept CanAudit = requires(Tx& tx, AuditRecord& r) { tx.audit().AppendAudit(r); };
template <typename Tx>
concept CanRead = requires(Tx& tx) {
  tx.tickets().GetTicket("b", 1);
  tx.cases().GetCase("b", 1);
  tx.bookings().GetBookingByCode("c");
  tx.staff().GetStaff("l");
  tx.outbox().OutboxFor("s");
};

static_assert(CanRead<ReadTx> && CanRead<WriteTx>);
static_assert(!CanInsertTicket<ReadTx> && CanInsertTicket<WriteTx>);
static_assert(!CanNumber<ReadTx> && CanNumber<WriteTx>);
static_assert(!CanUpdateCase<ReadTx> && CanUpdateCase<WriteTx>);
static_assert(!CanSwapCard<ReadTx> && CanSwapCard<WriteTx>);
static_assert(!CanInsertBooking<ReadTx> && CanInsertBooking<WriteTx>);
static_assert(!CanSaveStaff<ReadTx> && CanSaveStaff<WriteTx>);
static_assert(!CanEnqueue<ReadTx> && CanEnqueue<WriteTx>);
static_assert(!CanAudit<ReadTx> && CanAudit<WriteTx>);

// Store::Read takes a function of a ReadTx: one that wants a WriteTx is
// refused at compile time; Store::Write's functions may call read helpers.
using ReadFn = std::function<Status(ReadTx&)>;
using WriteFn = std::function<Status(WriteTx&)>;
static_assert(!std::is_constructible_v<ReadFn, Status (*)(WriteTx&)>);
static_assert(std::is_constructible_v<WriteFn, Status (*)(ReadTx&)>);
static_assert(std::is_base_of_v<ReadTx, WriteTx>);

TEST(StoreTypes, AWriteInsideAReadDoesNotCompile) {
  // Everything here is checked by the static_asserts above; this test only
  // makes the file part of a test binary.
  SUCCEED();
}

}  // namespace
}  // namespace shop::queue
