// The PII key file (created 0600, reloaded, refused when open to others or
// malformed) and the HMAC-SHA256 hasher built on it.
#include "server/crypto/pii_key.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/test_config.h"

namespace shop::queue::crypto {
namespace {

using shop::queue::testing::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::string& content, mode_t mode) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

const std::string kHexKey(64, 'a');

TEST(PiiKey, CreatedWithMode0600AndReloadedEqual) {
  TempDir dir;
  const std::string path = dir.File("queue.db.pii-key");
  auto key = LoadOrCreatePiiKey(path);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->size(), 32u);

  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string text = ReadFile(path);
  ASSERT_EQ(text.size(), 65u);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find_first_not_of("0123456789abcdef"), 64u);

  auto again = LoadOrCreatePiiKey(path);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *key);

  // No temporary files are left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(PiiKey, NewKeysAreRandom) {
  TempDir dir;
  auto a = LoadOrCreatePiiKey(dir.File("a"));
  auto b = LoadOrCreatePiiKey(dir.File("b"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

TEST(PiiKey, ReadsAnExistingKeyWithOrWithoutNewline) {
  TempDir dir;
  WriteFile(dir.File("k1"), kHexKey, 0600);
  WriteFile(dir.File("k2"), kHexKey + "\n", 0400);
  auto k1 = LoadOrCreatePiiKey(dir.File("k1"));
  auto k2 = LoadOrCreatePiiKey(dir.File("k2"));
  ASSERT_TRUE(k1.ok()) << k1.status().ToString();
  ASSERT_TRUE(k2.ok()) << k2.status().ToString();
  EXPECT_EQ(*k1, std::string(32, '\xaa'));
  EXPECT_EQ(*k1, *k2);
}

TEST(PiiKey, RefusesAFileOpenToOthers) {
  TempDir dir;
  const std::string path = dir.File("key");
  for (mode_t mode : {0640, 0604, 0660, 0644, 0602}) {
    WriteFile(path, kHexKey + "\n", mode);
    auto key = LoadOrCreatePiiKey(path);
    ASSERT_FALSE(key.ok()) << std::oct << mode;
    EXPECT_EQ(key.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(key.status().message().find("chmod 600 " + path), std::string::npos)
        << key.status().message();
  }
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_TRUE(LoadOrCreatePiiKey(path).ok());
}

TEST(PiiKey, RefusesBadContent) {
  TempDir dir;
  const std::string path = dir.File("key");
  for (const std::string& content :
       {std::string(), std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'g'),
        kHexKey + "\n\n", kHexKey + " ", " " + kHexKey, std::string(62, 'a') + "a\n",
        std::string(64, 'a').replace(10, 1, ":"), std::string(1000, 'a')}) {
    WriteFile(path, content, 0600);
    auto key = LoadOrCreatePiiKey(path);
    ASSERT_FALSE(key.ok()) << "[" << content << "]";
    EXPECT_EQ(key.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(key.status().message().find("64 hex characters"), std::string::npos)
        << key.status().message();
    // The bad file is left alone for the operator to inspect.
    EXPECT_EQ(ReadFile(path), content);
  }
}

TEST(PiiKey, MissingDirectoryIsAClearError) {
  TempDir dir;
  const std::string path = dir.File("no-such-dir/key");
  auto key = LoadOrCreatePiiKey(path);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("does not exist"), std::string::npos)
      << key.status().message();
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "no-such-dir"));
}

TEST(PiiKey, RefusesADirectory) {
  TempDir dir;
  auto key = LoadOrCreatePiiKey(dir.path().string());
  EXPECT_FALSE(key.ok());
}

TEST(HmacPiiHasher, DeterministicPerKeyAndSeparatedByPurpose) {
  HmacPiiHasher a(std::string(32, '\x01'));
  HmacPiiHasher a2(std::string(32, '\x01'));
  HmacPiiHasher b(std::string(32, '\x02'));
  const std::string h = a.Hash("document", "4509123456");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(h, a.Hash("document", "4509123456"));
  EXPECT_EQ(h, a2.Hash("document", "4509123456"));
  EXPECT_NE(h, b.Hash("document", "4509123456"));
  EXPECT_NE(h, a.Hash("phone", "4509123456"));
  EXPECT_NE(h, a.Hash("document", "4509123457"));
  // The separator keeps purpose and value apart.
  EXPECT_NE(a.Hash("doc", "ument4509123456"), a.Hash("docu", "ment4509123456"));
}

TEST(HmacPiiHasher, KnownVector) {
  // Python: hmac.new(b"\x01" * 32, b"document\x004509123456", hashlib.sha256).
  HmacPiiHasher h(std::string(32, '\x01'));
  EXPECT_EQ(h.Hash("document", "4509123456"),
            "ba4889c32c4f0f296766a692c9c1473abbc11d8c17086f9f8b02f299119a62c3");
}

TEST(HmacPiiHasher, RealKeyFromTheFile) {
  TempDir dir;
  auto key = LoadOrCreatePiiKey(dir.File("key"));
  ASSERT_TRUE(key.ok());
  HmacPiiHasher h1(*key);
  auto reloaded = LoadOrCreatePiiKey(dir.File("key"));
  ASSERT_TRUE(reloaded.ok());
  HmacPiiHasher h2(*reloaded);
  EXPECT_EQ(h1.Hash("document", "751234567"), h2.Hash("document", "751234567"));
}

}  // namespace
}  // namespace shop::queue::crypto
