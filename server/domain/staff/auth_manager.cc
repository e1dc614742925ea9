#include "server/domain/staff/auth_manager.h"

#include <algorithm>

namespace shop::queue {
namespace {

AuditRecord Audit(const std::string& actor, std::string action, std::string subject,
                  absl::Time now, std::string detail = {}) {
  AuditRecord r;
  r.time = now;
  r.actor = actor;
  r.action = std::move(action);
  r.subject = std::move(subject);
  r.detail = std::move(detail);
  return r;
}

bool IsStaffRole(Role r) {
  return r == Role::kClerk || r == Role::kSupervisor || r == Role::kAdmin ||
         r == Role::kReviewer;
}

}  // namespace

Status ValidateLogin(const std::string& login, const std::string& field) {
  bool ok = login.size() >= 3 && login.size() <= 32 &&
            std::all_of(login.begin(), login.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                     c == '_';
            });
  if (!ok)
    return Status::InvalidArgument(field, field + " must be 3-32 of a-z, 0-9, '.', '-', '_'");
  return Status::Ok();
}

Status AuthManager::AddStaff(const std::string& login, const std::string& display_name, Role role,
                             const std::string& password, const std::string& actor) {
  QUEUE_RETURN_IF_ERROR(ValidateLogin(login));
  if (!IsStaffRole(role))
    return Status::InvalidArgument("role",
                                   "staff role must be clerk, supervisor, admin or reviewer");
  if (display_name.empty())
    return Status::InvalidArgument("display_name", "display_name is required");
  auto hash = secrets_.HashPassword(password);  // slow: outside the transaction
  if (!hash.ok()) return hash.status();
  absl::Time now = clock_.Now();
  return store_.Write([&](WriteTx& tx) -> Status {
    auto existing = tx.staff().GetStaff(login);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) return Status::AlreadyExists("staff login " + login + " exists");
    QUEUE_RETURN_IF_ERROR(tx.staff().SaveStaff(StaffAccount{login, display_name, role, *hash, {}}));
    return tx.audit().AppendAudit(Audit(actor, "staff.add", "staff:" + login, now,
                                std::string("role=") + RoleName(role)));
  });
}

const char* const AuthManager::kLoginRefused =
    "wrong login or password (a login is locked for 15 minutes after 5 wrong passwords in a row)";

const std::string& AuthManager::DummyHash() {
  std::call_once(dummy_once_, [this] {
    auto hash = secrets_.HashPassword(secrets_.NewToken());
    if (hash.ok()) dummy_hash_ = *hash;
  });
  return dummy_hash_;
}

Status AuthManager::CheckPassword(
    const std::string& login, const std::string& password, const std::string& failed_action,
    const std::function<Status(WriteTx&, const StaffAccount&, absl::Time)>& on_success) {
  static_assert(LoginAttempts::kMaxFailures == 5 && LoginAttempts::kLockout == absl::Minutes(15),
                "kLoginRefused names the lockout rule");
  const Status refused = Status::Unauthenticated(kLoginRefused);
  // No account can have such a name, so refusing it at once tells nothing.
  if (ValidateLogin(login).code() != Status::Code::kOk) return refused;
  absl::Time now = clock_.Now();
  std::optional<StaffAccount> account;
  QUEUE_RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    auto a = tx.staff().GetStaff(login);
    if (!a.ok()) return a.status();
    account = *a;
    return Status::Ok();
  }));
  // Always exactly one verification (Argon2id, slow on purpose, outside any
  // transaction): against a dummy hash for an unknown login, and also for a
  // locked one, so the time taken does not tell them apart.
  const bool good = secrets_.VerifyPassword(password, account ? account->password_hash
                                                              : DummyHash());
  const std::string subject = "staff:" + login;
  bool admitted = false;
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    auto fresh = tx.staff().GetStaff(login);
    if (!fresh.ok()) return fresh.status();
    if (!fresh->has_value() || !account)  // unknown (or vanished meanwhile)
      return tx.audit().AppendAudit(Audit(login, failed_action, subject, now, "unknown login"));
    StaffAccount a = **fresh;
    if (a.attempts.Locked(now))  // refused whatever the password; not counted
      return tx.audit().AppendAudit(Audit(login, failed_action, subject, now, "locked"));
    if (!good) {
      a.attempts.RecordFailure(now);
      QUEUE_RETURN_IF_ERROR(tx.staff().SaveStaff(a));
      return tx.audit().AppendAudit(Audit(login, failed_action, subject, now,
                                  a.attempts.Locked(now) ? "locked" : ""));
    }
    a.attempts.RecordSuccess();
    QUEUE_RETURN_IF_ERROR(tx.staff().SaveStaff(a));
    QUEUE_RETURN_IF_ERROR(on_success(tx, a, now));
    admitted = true;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return admitted ? Status::Ok() : refused;
}

Result<LoginResult> AuthManager::Login(const std::string& login, const std::string& password) {
  LoginResult result;
  QUEUE_RETURN_IF_ERROR(CheckPassword(
      login, password, "staff.login_failed",
      [&](WriteTx& tx, const StaffAccount& a, absl::Time now) -> Status {
        Session s = Session::Start(login, a.role, now);
        result.token = secrets_.NewToken();
        result.who = Principal{a.role, login, ""};
        result.expires = s.expires;
        QUEUE_RETURN_IF_ERROR(tx.staff().InsertSession(secrets_.TokenHash(result.token), s));
        return tx.audit().AppendAudit(Audit(login, "staff.login", "staff:" + login, now));
      }));
  return result;
}

Result<Principal> AuthManager::ConfirmSupervisor(const std::string& login,
                                                 const std::string& password,
                                                 const Principal& at_counter_of) {
  if (login == at_counter_of.id)
    return Status::PermissionDenied("a second person must confirm: the supervisor may not be "
                                    "the staff member asking");
  Principal who;
  Status st = CheckPassword(login, password, "supervisor.confirm_failed",
                            [&](WriteTx&, const StaffAccount& a, absl::Time) -> Status {
                              if (a.role != Role::kSupervisor)
                                return Status::PermissionDenied("staff " + login +
                                                                " is not a supervisor");
                              who = Principal{a.role, login, ""};
                              return Status::Ok();
                            });
  // The caller's own session is fine; it is the confirmation that failed,
  // so not UNAUTHENTICATED (which tells a client to log in again).
  if (st.code() == Status::Code::kUnauthenticated)
    return Status::PermissionDenied("supervisor confirmation failed: " + st.message());
  if (!st.ok()) return st;
  return who;
}

Status AuthManager::Logout(const std::string& token) {
  const std::string hash = secrets_.TokenHash(token);
  absl::Time now = clock_.Now();
  // The session ends in the database first; only then is the cached answer
  // dropped, so no Resolve can read the live session afterwards.
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    auto s = tx.staff().GetSession(hash);
    if (!s.ok()) return s.status();
    if (!s->has_value()) return Status::Unauthenticated("no such session");
    QUEUE_RETURN_IF_ERROR(tx.staff().EndSession(hash));
    return tx.audit().AppendAudit(Audit((*s)->login, "staff.logout", "staff:" + (*s)->login, now));
  });
  Forget(hash);
  return st;
}

void AuthManager::Forget(const std::string& hash) {
  std::lock_guard lock(cache_mu_);
  ++forgets_;
  if (hash.empty()) cache_.clear();
  else cache_.erase(hash);
}

Result<std::string> AuthManager::IssueDevice(const std::string& name, Role role,
                                             const std::string& branch_id,
                                             const std::string& actor) {
  QUEUE_RETURN_IF_ERROR(ValidateLogin(name, "name"));
  if (role != Role::kKiosk && role != Role::kBoard)
    return Status::InvalidArgument("kind", "a device is a kiosk or a board");
  if (branch_id.empty()) return Status::InvalidArgument("branch", "branch is required");
  absl::Time now = clock_.Now();
  std::string token = secrets_.NewToken();
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    QUEUE_RETURN_IF_ERROR(
        tx.staff().InsertDevice(secrets_.TokenHash(token), DeviceRecord{name, role, branch_id, now, false}));
    return tx.audit().AppendAudit(Audit(actor, "device.issue", "device:" + name, now,
                                std::string("kind=") + RoleName(role) + " branch=" + branch_id));
  });
  if (!st.ok()) return st;
  return token;
}

Status AuthManager::RevokeDevice(const std::string& name, const std::string& actor) {
  absl::Time now = clock_.Now();
  Status st = store_.Write([&](WriteTx& tx) -> Status {
    QUEUE_RETURN_IF_ERROR(tx.staff().RevokeDevice(name));
    return tx.audit().AppendAudit(Audit(actor, "device.revoke", "device:" + name, now));
  });
  Forget("");  // the name does not give the token hash; revocations are rare
  return st;
}

Result<std::optional<Principal>> AuthManager::Resolve(const std::string& token) {
  if (token.empty()) return std::optional<Principal>();
  const std::string hash = secrets_.TokenHash(token);
  absl::Time now = clock_.Now();
  uint64_t forgets_before = 0;
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now < it->second.until) return it->second.who;
    forgets_before = forgets_;
  }
  std::optional<Principal> who;
  absl::Time until = now + kResolveTtl;
  QUEUE_RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    auto s = tx.staff().GetSession(hash);
    if (!s.ok()) return s.status();
    if (s->has_value()) {
      if ((*s)->Valid(now)) {
        who = Principal{(*s)->role, (*s)->login, ""};
        until = std::min(until, (*s)->expires);
      }
      return Status::Ok();
    }
    auto d = tx.staff().GetDevice(hash);
    if (!d.ok()) return d.status();
    if (d->has_value() && !(*d)->revoked) who = Principal{(*d)->role, (*d)->name, (*d)->branch_id};
    return Status::Ok();
  }));
  std::lock_guard lock(cache_mu_);
  // A logout or revocation that committed while we read may have made this
  // answer stale: answer it this once, but do not cache it.
  if (forgets_ != forgets_before) return who;
  if (cache_.size() >= kCacheLimit) cache_.clear();
  cache_[hash] = Cached{who, until};
  return who;
}

}  // namespace shop::queue
