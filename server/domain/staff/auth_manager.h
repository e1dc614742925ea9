// AuthManager: staff accounts, logins and sessions, and device tokens for
// kiosks and hall boards, over the Store. Tokens are random and stored only
// as hashes, so a copy of the database gives no working token; passwords are
// stored as Argon2id hashes. Every account change, login, logout and device
// change is written to the audit log in the same transaction.
//
// Thread-safe; borrows the Store, Clock and Secrets, which must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "server/domain/staff/auth.h"
#include "server/domain/common/clock.h"
#include "server/domain/common/status.h"
#include "server/domain/store.h"

namespace shop::queue {

// The crypto the manager needs, injected (server/crypto implements it).
class Secrets {
 public:
  virtual ~Secrets() = default;
  virtual Result<std::string> HashPassword(const std::string& password) const = 0;
  virtual bool VerifyPassword(const std::string& password, const std::string& stored) const = 0;
  // A new random bearer token.
  virtual std::string NewToken() const = 0;
  // The form a token is stored and looked up in.
  virtual std::string TokenHash(const std::string& token) const = 0;
};

struct LoginResult {
  std::string token;
  Principal who;
  absl::Time expires;
};

class AuthManager {
 public:
  AuthManager(Store& store, const Clock& clock, const Secrets& secrets)
      : store_(store), clock_(clock), secrets_(secrets) {}

  // Creates a staff account (clerk, supervisor or admin). `actor` names who
  // did it, for the audit log.
  Status AddStaff(const std::string& login, const std::string& display_name, Role role,
                  const std::string& password, const std::string& actor);
  // Checks the password; after LoginAttempts::kMaxFailures wrong ones the
  // login is locked for LoginAttempts::kLockout. An unknown login, a wrong
  // password and a locked login get the same answer (kLoginRefused) after
  // the same work (one password verification, against a dummy hash for an
  // unknown login, and one audited write), so a caller cannot tell which
  // logins exist.
  Result<LoginResult> Login(const std::string& login, const std::string& password);
  static const char* const kLoginRefused;
  // Ends the session in the database, then forgets the cached answer; once
  // it returns, Resolve refuses the token (a Resolve that raced it does not
  // put the token back into the cache).
  Status Logout(const std::string& token);
  // A supervisor confirms one action at someone else's counter with his own
  // login and password (not a session): wrong passwords count towards the
  // same lockout as logins. PERMISSION_DENIED for a login that is not a
  // supervisor, or that is `at_counter_of` himself (four eyes).
  Result<Principal> ConfirmSupervisor(const std::string& login, const std::string& password,
                                      const Principal& at_counter_of);
  // Issues a kiosk or board token for a branch; the token is shown once.
  Result<std::string> IssueDevice(const std::string& name, Role role,
                                  const std::string& branch_id, const std::string& actor);
  Status RevokeDevice(const std::string& name, const std::string& actor);
  // The principal a token stands for: a live session or an unrevoked
  // device; nullopt for anything else (unknown, expired, logged out, revoked).
  // Answers are cached for kResolveTtl (never past a session's expiry), so a
  // device revoked by the admin command stops working within that time; a
  // logout through this server takes effect at once.
  Result<std::optional<Principal>> Resolve(const std::string& token);
  static constexpr absl::Duration kResolveTtl = absl::Seconds(5);

 private:
  struct Cached {
    std::optional<Principal> who;
    absl::Time until;
  };
  static constexpr size_t kCacheLimit = 10000;

  // Verifies a staff password and, in one write transaction, records the
  // failure (counting towards the lockout, audited as `failed_action`) or the
  // success, then runs `on_success`.
  Status CheckPassword(
      const std::string& login, const std::string& password, const std::string& failed_action,
      const std::function<Status(WriteTx&, const StaffAccount&, absl::Time)>& on_success);

  // A hash of a random password, verified against for unknown logins so
  // they cost the same as known ones. Made on first use.
  const std::string& DummyHash();
  // Forgets cached answers after a logout or revocation has committed:
  // `hash` only, or every token when empty.
  void Forget(const std::string& hash);

  Store& store_;
  const Clock& clock_;
  const Secrets& secrets_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // written once under dummy_once_
  std::mutex cache_mu_;
  std::map<std::string, Cached> cache_;  // token hash -> answer; guarded by cache_mu_
  // Bumped by every Forget(). Resolve caches what it read only if no
  // Forget() happened since it started, so an answer read before a logout
  // committed never outlives that logout. Guarded by cache_mu_.
  uint64_t forgets_ = 0;
};

// Checks a login (or device) name: 3-32 of a-z, 0-9, '.', '-', '_'.
// `field` names the request field in the error.
Status ValidateLogin(const std::string& login, const std::string& field = "login");

}  // namespace shop::queue
