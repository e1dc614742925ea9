// The libsodium PhotoSealer: round trips, and refusals of a blob that is
// damaged, moved to another record, or sealed with another key.
#include "server/crypto/photo_sealer.h"

#include <sodium.h>

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "server/crypto/pii_key.h"
#include "tests/support/test_config.h"

namespace shop::queue::crypto {
namespace {

const std::string kKeyA(32, '\x11');
const std::string kKeyB(32, '\x22');
const std::string kAd = "remote_case:42:document_photo";

std::unique_ptr<SodiumPhotoSealer> Sealer(const std::string& key) {
  auto s = SodiumPhotoSealer::Create(key);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

// A photo-like plaintext: binary, with a recognisable run in the middle.
std::string Photo(size_t n = 4096) {
  std::string p(n, '\0');
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<char>(i * 31 + 7);
  p.replace(n / 2, 16, "PASSPORT-4509123");
  return p;
}

void ExpectDoesNotOpen(const Result<std::string>& r) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInternal) << r.status().ToString();
}

TEST(PhotoSealer, RoundTrip) {
  auto sealer = Sealer(kKeyA);
  ASSERT_TRUE(sealer);
  for (size_t n : {size_t{0}, size_t{1}, size_t{4096}, size_t{5 * 1024 * 1024}}) {
    const std::string plain = Photo(n);
    const std::string sealed = sealer->Seal(plain, kAd);
    EXPECT_EQ(sealed.size(), plain.size() + SodiumPhotoSealer::kOverheadBytes);
    EXPECT_EQ(static_cast<unsigned char>(sealed[0]), SodiumPhotoSealer::kFormatVersion);
    auto opened = sealer->Open(sealed, kAd);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, plain);
  }
}

TEST(PhotoSealer, SameKeyInAnotherInstanceOpens) {
  auto a = Sealer(kKeyA);
  auto again = Sealer(kKeyA);
  const std::string sealed = a->Seal(Photo(), kAd);
  auto opened = again->Open(sealed, kAd);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, Photo());
}

TEST(PhotoSealer, TheConstructorAgreesWithCreate) {
  SodiumPhotoSealer constructed(kKeyA);
  auto created = Sealer(kKeyA);
  auto opened = created->Open(constructed.Seal(Photo(), kAd), kAd);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, Photo());
  opened = constructed.Open(created->Seal(Photo(), kAd), kAd);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  // A key of another length still works through the constructor, and is
  // not the 32-byte key it might be confused with.
  SodiumPhotoSealer odd("a passphrase, not a key file");
  opened = odd.Open(odd.Seal(Photo(), kAd), kAd);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, Photo());
  ExpectDoesNotOpen(constructed.Open(odd.Seal(Photo(), kAd), kAd));
}

TEST(PhotoSealer, WrongAssociatedDataFails) {
  auto sealer = Sealer(kKeyA);
  const std::string sealed = sealer->Seal(Photo(), kAd);
  ExpectDoesNotOpen(sealer->Open(sealed, "remote_case:42:selfie_photo"));
  ExpectDoesNotOpen(sealer->Open(sealed, "remote_case:43:document_photo"));
  ExpectDoesNotOpen(sealer->Open(sealed, ""));
}

TEST(PhotoSealer, EveryFlippedByteFails) {
  auto sealer = Sealer(kKeyA);
  const std::string sealed = sealer->Seal(Photo(300), kAd);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] ^= 0x01;
    ExpectDoesNotOpen(sealer->Open(bad, kAd));
  }
}

TEST(PhotoSealer, TruncatedOrExtendedFails) {
  auto sealer = Sealer(kKeyA);
  const std::string sealed = sealer->Seal(Photo(100), kAd);
  for (size_t n = 0; n < sealed.size(); ++n)
    ExpectDoesNotOpen(sealer->Open(sealed.substr(0, n), kAd));
  ExpectDoesNotOpen(sealer->Open(sealed + "x", kAd));
}

TEST(PhotoSealer, AnotherKeyFails) {
  auto a = Sealer(kKeyA);
  auto b = Sealer(kKeyB);
  ExpectDoesNotOpen(b->Open(a->Seal(Photo(), kAd), kAd));
}

TEST(PhotoSealer, TheKeyIsDerivedNotThePiiKeyItself) {
  // Sealing directly under the PII key must not produce what the sealer
  // opens: the photo key is a subkey of it.
  auto sealer = Sealer(kKeyA);
  ASSERT_EQ(sodium_init() >= 0, true);
  const std::string plain = Photo(64);
  const std::string ad = std::string(1, '\x01') + kAd;  // version byte + associated data
  std::string sealed(1 + 24 + plain.size() + 16, '\0');
  auto* o = reinterpret_cast<unsigned char*>(sealed.data());
  o[0] = 1;
  randombytes_buf(o + 1, 24);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      o + 25, &len, reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, o + 1,
      reinterpret_cast<const unsigned char*>(kKeyA.data()));
  ExpectDoesNotOpen(sealer->Open(sealed, kAd));
  // ...while the same construction under the derived subkey does open.
  unsigned char subkey[32];
  ASSERT_EQ(crypto_kdf_derive_from_key(subkey, sizeof subkey, 1, "photos__",
                                       reinterpret_cast<const unsigned char*>(kKeyA.data())),
            0);
  randombytes_buf(o + 1, 24);
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      o + 25, &len, reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, o + 1, subkey);
  auto opened = sealer->Open(sealed, kAd);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, plain);
}

TEST(PhotoSealer, TwoSealsDiffer) {
  auto sealer = Sealer(kKeyA);
  const std::string plain = Photo();
  const std::string s1 = sealer->Seal(plain, kAd);
  const std::string s2 = sealer->Seal(plain, kAd);
  EXPECT_NE(s1, s2);
  EXPECT_NE(s1.substr(1, 24), s2.substr(1, 24));  // fresh nonces
}

TEST(PhotoSealer, SealedBytesDoNotContainThePlaintext) {
  auto sealer = Sealer(kKeyA);
  const std::string plain = Photo();
  const std::string sealed = sealer->Seal(plain, kAd);
  EXPECT_EQ(sealed.find("PASSPORT-4509123"), std::string::npos);
  EXPECT_EQ(sealed.find(plain.substr(0, 16)), std::string::npos);
  EXPECT_EQ(sealed.find(kAd), std::string::npos);  // the associated data is not stored
}

TEST(PhotoSealer, UnknownFormatVersionFails) {
  auto sealer = Sealer(kKeyA);
  std::string sealed = sealer->Seal(Photo(), kAd);
  sealed[0] = 2;
  auto r = sealer->Open(sealed, kAd);
  ExpectDoesNotOpen(r);
  EXPECT_NE(r.status().message().find("version"), std::string::npos);
}

TEST(PhotoSealer, RefusesAKeyOfTheWrongSize) {
  for (size_t n : {size_t{0}, size_t{16}, size_t{31}, size_t{33}, size_t{64}}) {
    auto s = SodiumPhotoSealer::Create(std::string(n, 'k'));
    ASSERT_FALSE(s.ok()) << n;
    EXPECT_EQ(s.status().code(), Status::Code::kInternal);
  }
}

TEST(PhotoSealer, WorksWithTheKeyFromTheKeyFile) {
  shop::queue::testing::TempDir dir;
  auto key = LoadOrCreatePiiKey(dir.File("pii-key"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto sealer = SodiumPhotoSealer::Create(*key);
  ASSERT_TRUE(sealer.ok()) << sealer.status().ToString();
  auto opened = (*sealer)->Open((*sealer)->Seal(Photo(), kAd), kAd);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, Photo());
}

TEST(PhotoSealer, SharedAcrossThreads) {
  auto sealer = Sealer(kKeyA);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      const std::string ad = kAd + std::to_string(t);
      for (int i = 0; i < 200; ++i) {
        const std::string plain = Photo(512 + i);
        auto opened = sealer->Open(sealer->Seal(plain, ad), ad);
        if (!opened.ok() || *opened != plain) ++failures[t];
      }
    });
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

}  // namespace
}  // namespace shop::queue::crypto
