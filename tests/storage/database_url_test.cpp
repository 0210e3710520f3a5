#include <gtest/gtest.h>

#include "core/storage/database.hpp"

namespace vivrovert::storage {
namespace {

TEST(DatabaseUrlTest, ParsesSqlitePaths) {
  auto url = DatabaseUrl::Parse("sqlite:var/vivrovert.db");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->backend, Backend::kSqlite);
  EXPECT_EQ(url->target, "var/vivrovert.db");
  EXPECT_EQ(DatabaseUrl::Parse("sqlite:///tmp/x.db")->target, "/tmp/x.db");
}

TEST(DatabaseUrlTest, ParsesPostgresqlUris) {
  auto url = DatabaseUrl::Parse("postgresql://vv:secret@127.0.0.1:5433/vivrovert");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->backend, Backend::kPostgresql);
  EXPECT_EQ(url->Redacted(), "postgresql://vv:***@127.0.0.1:5433/vivrovert");
}

TEST(DatabaseUrlTest, RejectsOtherSchemesNamingTheField) {
  auto url = DatabaseUrl::Parse("mysql://localhost/db");
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(url.status().field(), "database.url");
  EXPECT_FALSE(DatabaseUrl::Parse("sqlite:").ok());
}

TEST(DatabaseUrlTest, UnreachablePostgresqlIsUnavailableNotACrash) {
  auto database = Database::Open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace vivrovert::storage
