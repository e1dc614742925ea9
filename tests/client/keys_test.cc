#include "common/client/keys.h"
#include "tests/client/piped_input.h"

#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

namespace shop::queue::client {
namespace {

using ::shop::queue::testing::PipedInput;

TEST(KeyReaderTest, PipedInputSkipsWhitespaceAndEndsAtEof) {
  PipedInput input(" 2\n r \n\n 0q");
  KeyReader keys(input.fd());
  EXPECT_FALSE(keys.interactive());
  EXPECT_EQ(keys.ReadKey(), '2');
  EXPECT_EQ(keys.ReadKey(), 'r');
  EXPECT_EQ(keys.ReadKey(), '0');
  EXPECT_EQ(keys.ReadKey(), 'q');
  EXPECT_FALSE(keys.at_eof());
  EXPECT_EQ(keys.ReadKey(), std::nullopt);
  EXPECT_TRUE(keys.at_eof());
}

TEST(KeyReaderTest, PipedWordsAreWhitespaceSeparated) {
  PipedInput input("u 42\nc\n  17 o R,N");
  KeyReader keys(input.fd());
  EXPECT_EQ(keys.ReadKey(), 'u');
  EXPECT_EQ(keys.ReadWord(), "42");
  EXPECT_EQ(keys.ReadKey(), 'c');
  EXPECT_EQ(keys.ReadWord(), "17");
  EXPECT_EQ(keys.ReadKey(), 'o');
  EXPECT_EQ(keys.ReadWord(), "R,N");
  EXPECT_EQ(keys.ReadWord(), std::nullopt);
}

}  // namespace
}  // namespace shop::queue::client
