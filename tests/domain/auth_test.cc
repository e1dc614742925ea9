// Roles and the policy table; login lockout and session expiry with a
// manual clock.
#include "server/domain/staff/auth.h"

#include <gtest/gtest.h>

#include "server/domain/common/clock.h"

namespace shop::queue {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

Principal As(Role r) { return Principal{r, "someone", ""}; }

TEST(Policy, NoCredentialsIsUnauthenticated) {
  auto st = AuthorizeCall(std::nullopt, "/shop.queue.v1.KioskService/CreateTicket");
  EXPECT_EQ(st.code(), Status::Code::kUnauthenticated);
}

TEST(Policy, WrongRoleIsPermissionDenied) {
  EXPECT_EQ(AuthorizeCall(As(Role::kKiosk), "/shop.queue.v1.CounterService/CallNextTicket").code(),
            Status::Code::kPermissionDenied);
  EXPECT_EQ(AuthorizeCall(As(Role::kBoard), "/shop.queue.v1.KioskService/CreateTicket").code(),
            Status::Code::kPermissionDenied);
  EXPECT_EQ(AuthorizeCall(As(Role::kAdmin), "/shop.queue.v1.CounterService/CallNextTicket").code(),
            Status::Code::kPermissionDenied);  // admins set up, clerks serve
}

TEST(Policy, RightRolePasses) {
  EXPECT_TRUE(AuthorizeCall(As(Role::kKiosk), "/shop.queue.v1.KioskService/CreateTicket").ok());
  EXPECT_TRUE(AuthorizeCall(As(Role::kClerk), "/shop.queue.v1.CounterService/CallNextTicket").ok());
  EXPECT_TRUE(
      AuthorizeCall(As(Role::kSupervisor), "/shop.queue.v1.CounterService/TransferTicket").ok());
  EXPECT_TRUE(AuthorizeCall(As(Role::kBoard), "/shop.queue.v1.BoardService/WatchBoard").ok());
}

TEST(Policy, UnknownMethodsAreDeniedByDefault) {
  EXPECT_EQ(AuthorizeCall(As(Role::kAdmin), "/shop.queue.v1.KioskService/DropEverything").code(),
            Status::Code::kPermissionDenied);
}

TEST(Roles, NamesRoundTrip) {
  for (Role r : {Role::kKiosk, Role::kBoard, Role::kClerk, Role::kSupervisor, Role::kAdmin,
                 Role::kReviewer})
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  EXPECT_FALSE(ParseRole("root"));
}

TEST(Lockout, FiveWrongPasswordsLockForFifteenMinutes) {
  ManualClock clock(kT0);
  LoginAttempts a;
  for (int i = 0; i < LoginAttempts::kMaxFailures - 1; ++i) {
    a.RecordFailure(clock.Now());
    EXPECT_FALSE(a.Locked(clock.Now()));
  }
  a.RecordFailure(clock.Now());
  EXPECT_TRUE(a.Locked(clock.Now()));
  clock.Advance(absl::Minutes(14));
  EXPECT_TRUE(a.Locked(clock.Now()));
  clock.Advance(absl::Minutes(1));
  EXPECT_FALSE(a.Locked(clock.Now()));
}

TEST(Lockout, SuccessResetsTheCount) {
  LoginAttempts a;
  for (int i = 0; i < LoginAttempts::kMaxFailures - 1; ++i) a.RecordFailure(kT0);
  a.RecordSuccess();
  a.RecordFailure(kT0);
  EXPECT_FALSE(a.Locked(kT0));
  EXPECT_EQ(a.failures, 1);
}

TEST(Session, ExpiresAfterAShiftAndOnLogout) {
  ManualClock clock(kT0);
  Session s = Session::Start("anna", Role::kClerk, clock.Now());
  EXPECT_TRUE(s.Valid(clock.Now()));
  clock.Advance(Session::kLifetime - absl::Seconds(1));
  EXPECT_TRUE(s.Valid(clock.Now()));
  clock.Advance(absl::Seconds(1));
  EXPECT_FALSE(s.Valid(clock.Now()));
  Session t = Session::Start("anna", Role::kClerk, kT0);
  t.logged_out = true;
  EXPECT_FALSE(t.Valid(kT0));
}

}  // namespace
}  // namespace shop::queue
