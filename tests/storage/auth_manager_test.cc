// Staff logins, lockout, sessions and device tokens on a real SQLite file,
// with the real hashing (counted) and a manual clock.
#include "server/domain/staff/auth_manager.h"

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "server/crypto/secrets.h"
#include "tests/support/test_db.h"
#include "tests/support/pausing_store.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

using testing::PausingStore;

// The real secrets, counting the password verifications.
class CountingSecrets final : public Secrets {
 public:
  Result<std::string> HashPassword(const std::string& password) const override {
    return real_.HashPassword(password);
  }
  bool VerifyPassword(const std::string& password, const std::string& stored) const override {
    ++verifications_;
    return real_.VerifyPassword(password, stored);
  }
  std::string NewToken() const override { return real_.NewToken(); }
  std::string TokenHash(const std::string& token) const override {
    return real_.TokenHash(token);
  }
  int verifications() const { return verifications_; }

 private:
  crypto::SodiumSecrets real_;
  mutable std::atomic<int> verifications_{0};
};

class AuthManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = db_.Open();
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->SyncConfig(testing::TestConfig()).ok());
    pausing_ = std::make_shared<PausingStore>(store_);
    auth_ = std::make_unique<AuthManager>(*pausing_, clock_, secrets_);
    ASSERT_TRUE(auth_->AddStaff("anna", "Anna K", Role::kClerk, "correct horse", "test").ok());
  }

  testing::TempDir dir_;
  testing::TestDb db_{dir_};
  ManualClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  CountingSecrets secrets_;
  std::shared_ptr<EngineStore> store_;
  std::shared_ptr<PausingStore> pausing_;  // the store the manager uses
  std::unique_ptr<AuthManager> auth_;
};

TEST_F(AuthManagerTest, LoginGivesASessionThatResolvesUntilItExpires) {
  auto login = auth_->Login("anna", "correct horse");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->who.role, Role::kClerk);
  auto who = auth_->Resolve(login->token);
  ASSERT_TRUE(who.ok() && who->has_value());
  EXPECT_EQ((*who)->id, "anna");
  clock_.Advance(Session::kLifetime);
  EXPECT_FALSE(auth_->Resolve(login->token)->has_value()) << "an expired session still works";
}

TEST_F(AuthManagerTest, LogoutEndsTheSession) {
  auto login = auth_->Login("anna", "correct horse");
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(auth_->Logout(login->token).ok());
  EXPECT_FALSE(auth_->Resolve(login->token)->has_value());
  EXPECT_FALSE(auth_->Resolve("not-a-token")->has_value());
}

TEST_F(AuthManagerTest, WrongPasswordsLockTheLoginForAWhile) {
  for (int i = 0; i < LoginAttempts::kMaxFailures; ++i)
    EXPECT_EQ(auth_->Login("anna", "wrong").status().code(), Status::Code::kUnauthenticated);
  auto locked = auth_->Login("anna", "correct horse");
  EXPECT_EQ(locked.status().code(), Status::Code::kUnauthenticated);
  EXPECT_NE(locked.status().message().find("locked"), std::string::npos);
  clock_.Advance(LoginAttempts::kLockout);
  EXPECT_TRUE(auth_->Login("anna", "correct horse").ok());
}

TEST_F(AuthManagerTest, UnknownLoginLooksLikeAWrongPassword) {
  auto a = auth_->Login("nobody", "whatever1");
  auto b = auth_->Login("anna", "whatever1");
  EXPECT_EQ(a.status().code(), Status::Code::kUnauthenticated);
  EXPECT_EQ(a.status().message(), b.status().message());
}

TEST_F(AuthManagerTest, AfterLogoutReturnsTheTokenIsRefusedAtOnce) {
  auto login = auth_->Login("anna", "correct horse");
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(auth_->Resolve(login->token)->has_value());  // cached now
  ASSERT_TRUE(auth_->Logout(login->token).ok());
  EXPECT_FALSE(auth_->Resolve(login->token)->has_value()) << "a logged-out token still works";
}

// A Resolve reads the live session; a Logout commits and returns; only then
// does the Resolve finish. It may answer its own caller with what it read,
// but must not cache it: the token is refused at once afterwards.
TEST_F(AuthManagerTest, AResolveRacingALogoutDoesNotPutTheTokenBack) {
  auto login = auth_->Login("anna", "correct horse");
  ASSERT_TRUE(login.ok());
  pausing_->HoldNext(PausingStore::Op::kRead);
  std::thread racing([&] { (void)auth_->Resolve(login->token); });
  ASSERT_TRUE(pausing_->WaitUntilHeld(absl::Seconds(10)));
  Status out = auth_->Logout(login->token);
  pausing_->Resume();
  racing.join();
  ASSERT_TRUE(out.ok()) << out.ToString();
  EXPECT_FALSE(auth_->Resolve(login->token)->has_value())
      << "the racing Resolve cached the session past the logout";
}

TEST_F(AuthManagerTest, AResolveRacingADeviceRevocationDoesNotPutTheTokenBack) {
  auto token = auth_->IssueDevice("hall-board-1", Role::kBoard, "test", "admin");
  ASSERT_TRUE(token.ok());
  pausing_->HoldNext(PausingStore::Op::kRead);
  std::thread racing([&] { (void)auth_->Resolve(*token); });
  ASSERT_TRUE(pausing_->WaitUntilHeld(absl::Seconds(10)));
  Status out = auth_->RevokeDevice("hall-board-1", "admin");
  pausing_->Resume();
  racing.join();
  ASSERT_TRUE(out.ok()) << out.ToString();
  EXPECT_FALSE(auth_->Resolve(*token)->has_value())
      << "the racing Resolve cached the device past its revocation";
}

// Whether a login exists must not show: not in the code, not in the text,
// not in the work done (one password verification and one write each).
TEST_F(AuthManagerTest, UnknownWrongAndLockedLoginsAreRefusedAlike) {
  struct Attempt {
    Status status;
    int verifications = 0;
    int64_t writes = 0;
  };
  auto attempt = [&](const std::string& login, const std::string& password) {
    int v = secrets_.verifications();
    int64_t w = store_->write_count();
    Attempt a{auth_->Login(login, password).status()};
    a.verifications = secrets_.verifications() - v;
    a.writes = store_->write_count() - w;
    return a;
  };
  const Attempt unknown = attempt("nobody", "whatever1");
  EXPECT_EQ(unknown.status.code(), Status::Code::kUnauthenticated);
  EXPECT_EQ(unknown.status.message(), AuthManager::kLoginRefused);
  EXPECT_EQ(unknown.verifications, 1) << "an unknown login skips the password hash";
  EXPECT_EQ(unknown.writes, 1);
  std::vector<std::pair<std::string, Attempt>> others;
  for (int i = 0; i < LoginAttempts::kMaxFailures; ++i)
    others.emplace_back("wrong password " + std::to_string(i + 1), attempt("anna", "whatever1"));
  others.emplace_back("locked, wrong password", attempt("anna", "whatever1"));
  others.emplace_back("locked, right password", attempt("anna", "correct horse"));
  others.emplace_back("unknown, after a lockout", attempt("nobody", "whatever1"));
  for (const auto& [what, a] : others) {
    SCOPED_TRACE(what);
    EXPECT_EQ(a.status.code(), unknown.status.code());
    EXPECT_EQ(a.status.message(), unknown.status.message());
    EXPECT_EQ(a.verifications, unknown.verifications);
    EXPECT_EQ(a.writes, unknown.writes);
  }
  // The lockout is real, and ends.
  clock_.Advance(LoginAttempts::kLockout);
  EXPECT_TRUE(auth_->Login("anna", "correct horse").ok());
}

TEST_F(AuthManagerTest, SupervisorConfirmationDoesNotTellUnknownLoginsApart) {
  ASSERT_TRUE(auth_->AddStaff("boss", "Boss", Role::kSupervisor, "boss-password", "test").ok());
  const Principal clerk{Role::kClerk, "anna", ""};
  int v = secrets_.verifications();
  auto unknown = auth_->ConfirmSupervisor("nobody", "whatever1", clerk);
  EXPECT_EQ(secrets_.verifications() - v, 1);
  auto wrong = auth_->ConfirmSupervisor("boss", "whatever1", clerk);
  EXPECT_EQ(unknown.status().code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(unknown.status().code(), wrong.status().code());
  EXPECT_EQ(unknown.status().message(), wrong.status().message());
  EXPECT_TRUE(auth_->ConfirmSupervisor("boss", "boss-password", clerk).ok());
}

TEST_F(AuthManagerTest, DeviceTokensResolveUntilRevokedAndAreStoredHashed) {
  auto token = auth_->IssueDevice("hall-kiosk-1", Role::kKiosk, "test", "admin");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->size(), 64u);
  auto who = auth_->Resolve(*token);
  ASSERT_TRUE(who->has_value());
  EXPECT_EQ((*who)->role, Role::kKiosk);
  EXPECT_EQ((*who)->branch_id, "test");
  EXPECT_EQ(auth_->IssueDevice("hall-kiosk-1", Role::kKiosk, "test", "admin").status().code(),
            Status::Code::kAlreadyExists);
  ASSERT_TRUE(auth_->RevokeDevice("hall-kiosk-1", "admin").ok());
  EXPECT_FALSE(auth_->Resolve(*token)->has_value());
  // Neither the device token nor a session token is in the file.
  auto session = auth_->Login("anna", "correct horse");
  ASSERT_TRUE(session.ok());
  auth_.reset();
  pausing_.reset();
  store_.reset();
  // (On PostgreSQL the same holds of the tables: nothing but hashes.)
  for (const char* suffix : {"", "-wal"}) {
    if (testing::TestOnPostgres()) break;
    std::ifstream in(dir_.File("q.db") + suffix, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(bytes.str().find(*token), std::string::npos);
    EXPECT_EQ(bytes.str().find(session->token), std::string::npos);
    EXPECT_EQ(bytes.str().find("correct horse"), std::string::npos);
  }
}

TEST_F(AuthManagerTest, BadInputNamesTheField) {
  EXPECT_EQ(auth_->AddStaff("A!", "x", Role::kClerk, "long enough", "t").field(), "login");
  EXPECT_EQ(auth_->AddStaff("bob", "Bob", Role::kKiosk, "long enough", "t").field(), "role");
  EXPECT_EQ(auth_->AddStaff("bob", "Bob", Role::kClerk, "short", "t").field(), "password");
  EXPECT_EQ(auth_->AddStaff("anna", "Anna", Role::kClerk, "long enough", "t").code(),
            Status::Code::kAlreadyExists);
}

TEST_F(AuthManagerTest, AccountChangesAndLoginsAreAudited) {
  (void)auth_->Login("anna", "wrong");
  ASSERT_TRUE(auth_->Login("anna", "correct horse").ok());
  auto verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict.ok());
  EXPECT_FALSE(verdict->first_broken);
  EXPECT_EQ(verdict->checked, 3);  // staff.add, staff.login_failed, staff.login
}

}  // namespace
}  // namespace shop::queue
