// Who may call what: roles, the policy table (one entry per RPC, checked in
// one place), and the rules of staff logins (lockout after repeated wrong
// passwords, session expiry). Plain C++; no gRPC, no storage, no crypto
// (password hashing is in server/crypto/password.h).
//
// The service layer checks every call against this table in one place
// (service::Guard and the board stream's start).
//
// Thread-safety: the table is immutable; the rest are values.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "server/domain/common/status.h"

namespace shop::queue {

enum class Role : uint8_t {
  kKiosk = 1,       // a kiosk device token
  kBoard = 2,       // a hall display device token
  kClerk = 3,       // staff
  kSupervisor = 4,  // staff
  kAdmin = 5,       // staff
  kReviewer = 6,    // staff: reviews online SIM-replacement applications
};

const char* RoleName(Role r);
std::optional<Role> ParseRole(std::string_view name);

// A small set of roles.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= Bit(r);
  }
  constexpr bool Has(Role r) const { return bits_ & Bit(r); }
  // Public methods need no credentials at all (the online booking API).
  static constexpr RoleSet Public() {
    RoleSet s;
    s.public_ = true;
    return s;
  }
  constexpr bool is_public() const { return public_; }

 private:
  static constexpr uint32_t Bit(Role r) { return 1u << static_cast<int>(r); }
  uint32_t bits_ = 0;
  bool public_ = false;
};

// The authenticated caller.
struct Principal {
  Role role = Role::kKiosk;
  std::string id;         // staff login or device name
  std::string branch_id;  // devices belong to one branch; empty for staff
};

// Full method name ("/shop.queue.v1.CounterService/CallNextTicket") -> roles.
const std::map<std::string, RoleSet, std::less<>>& MethodPolicy();

// UNAUTHENTICATED without a principal (unless the method is public),
// PERMISSION_DENIED for a role the table does not list, and for a method the
// table does not know at all (deny by default).
Status AuthorizeCall(const std::optional<Principal>& who, std::string_view method);

// Wrong-password lockout: `kMaxFailures` failures in a row lock the login for
// `kLockout`; a success resets the count.
struct LoginAttempts {
  static constexpr int kMaxFailures = 5;
  static constexpr absl::Duration kLockout = absl::Minutes(15);

  int failures = 0;
  absl::Time locked_until = absl::InfinitePast();

  bool Locked(absl::Time now) const { return now < locked_until; }
  void RecordFailure(absl::Time now);
  void RecordSuccess();
};

// A staff session: valid from login until `expires`; logout ends it early.
struct Session {
  static constexpr absl::Duration kLifetime = absl::Hours(12);  // one shift

  std::string login;
  Role role = Role::kClerk;
  absl::Time issued;
  absl::Time expires;
  bool logged_out = false;

  static Session Start(std::string login, Role role, absl::Time now);
  bool Valid(absl::Time now) const { return !logged_out && now < expires; }
};

}  // namespace shop::queue
