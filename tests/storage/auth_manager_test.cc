// Staff logins, lockout, sessions and device tokens on a real SQLite file,
// with the real hashing and a manual clock.
#include "server/domain/auth_manager.h"

#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "server/crypto/secrets.h"
#include "server/storage/sqlite_store.h"
#include "tests/support/pausing_store.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

using testing::PausingStore;

class AuthManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::Open(dir_.File("q.db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->SyncConfig(testing::TestConfig()).ok());
    pausing_ = std::make_shared<PausingStore>(store_);
    auth_ = std::make_unique<AuthManager>(*pausing_, clock_, secrets_);
    ASSERT_TRUE(auth_->AddStaff("anna", "Anna K", Role::kClerk, "correct horse", "test").ok());
  }

  testing::TempDir dir_;
  ManualClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  crypto::SodiumSecrets secrets_;
  std::shared_ptr<SqliteStore> store_;
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
  for (const char* suffix : {"", "-wal"}) {
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
