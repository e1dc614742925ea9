// How a --db value names its engine, and that logs never show its password.
#include "common/db_uri.h"

#include <gtest/gtest.h>

namespace shop::queue {
namespace {

TEST(DbUri, OnlyPostgresSchemesNamePostgres) {
  EXPECT_TRUE(IsPostgresUri("postgresql://queue@db/shop"));
  EXPECT_TRUE(IsPostgresUri("postgres://queue@db/shop"));
  EXPECT_FALSE(IsPostgresUri("data/queue.db"));
  EXPECT_FALSE(IsPostgresUri("./postgresql://not-a-uri"));
  EXPECT_FALSE(IsPostgresUri(""));
}

TEST(DbUri, DescribeMasksEveryPassword) {
  EXPECT_EQ(DescribeDb("postgresql://queue:s3cret@db:5432/shop"),
            "postgresql://queue:***@db:5432/shop");
  EXPECT_EQ(DescribeDb("postgres://db/shop?user=queue&password=s3cret&sslmode=require"),
            "postgres://db/shop?user=queue&password=***&sslmode=require");
  EXPECT_EQ(DescribeDb("postgresql://queue@db/shop"), "postgresql://queue@db/shop");
  EXPECT_EQ(DescribeDb("data/queue:secret@.db"), "data/queue:secret@.db") << "a file path is shown as is";
}

}  // namespace
}  // namespace shop::queue
