// Argon2id password hashing and SHA-256.
#include "server/crypto/password.h"

#include <gtest/gtest.h>

#include "server/crypto/sha256.h"

namespace shop::queue::crypto {
namespace {

TEST(Password, VerifiesTheRightPasswordOnly) {
  auto h = HashPassword("correct horse");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword("correct horse", *h));
  EXPECT_FALSE(VerifyPassword("correct horsE", *h));
  EXPECT_FALSE(VerifyPassword("", *h));
  EXPECT_FALSE(PasswordNeedsRehash(*h));
}

TEST(Password, SaltedSoEqualPasswordsHashDifferently) {
  auto a = HashPassword("same password");
  auto b = HashPassword("same password");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword("same password", *b));
}

TEST(Password, ShortPasswordsAreRefusedNamingTheField) {
  auto h = HashPassword("short");
  EXPECT_EQ(h.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(h.status().field(), "password");
}

TEST(Password, GarbageHashNeverVerifies) {
  EXPECT_FALSE(VerifyPassword("anything", ""));
  EXPECT_FALSE(VerifyPassword("anything", "$argon2id$garbage"));
}

TEST(Sha256, KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace shop::queue::crypto
