#include "web/http/router.hpp"

#include <gtest/gtest.h>

namespace vivrovert::web {
namespace {

class RouterTest : public ::testing::Test {
 protected:
  Router<std::string> router_;
};

TEST_F(RouterTest, MatchesLiteralPaths) {
  router_.Add(Method::kGet, "/", "home");
  router_.Add(Method::kGet, "/annonces", "listings");
  EXPECT_EQ(*router_.Find(Method::kGet, "/").route, "home");
  EXPECT_EQ(*router_.Find(Method::kGet, "/annonces").route, "listings");
  EXPECT_EQ(router_.Find(Method::kGet, "/annonces/").route, nullptr);
  EXPECT_EQ(router_.Find(Method::kGet, "/autre").route, nullptr);
  EXPECT_TRUE(router_.Find(Method::kGet, "/autre").allowed.empty());
}

TEST_F(RouterTest, CapturesSegments) {
  router_.Add(Method::kGet, "/annonces/{id}/photos/{photo}", "photo");
  auto match = router_.Find(Method::kGet, "/annonces/42/photos/7");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params.at("id"), "42");
  EXPECT_EQ(match.params.at("photo"), "7");
  EXPECT_EQ(router_.Find(Method::kGet, "/annonces//photos/7").route, nullptr)
      << "captures are never empty";
}

TEST_F(RouterTest, LiteralsWinOverCaptures) {
  router_.Add(Method::kGet, "/annonces/{id}", "one");
  router_.Add(Method::kGet, "/annonces/nouvelle", "form");
  EXPECT_EQ(*router_.Find(Method::kGet, "/annonces/nouvelle").route, "form");
  auto match = router_.Find(Method::kGet, "/annonces/12");
  EXPECT_EQ(*match.route, "one");
  EXPECT_EQ(match.params.at("id"), "12");
}

TEST_F(RouterTest, BacktracksFromADeadEndLiteral) {
  router_.Add(Method::kGet, "/a/b/c", "literal");
  router_.Add(Method::kGet, "/a/{x}/d", "capture");
  auto match = router_.Find(Method::kGet, "/a/b/d");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(*match.route, "capture");
  EXPECT_EQ(match.params.at("x"), "b");
  EXPECT_EQ(match.params.size(), 1u);
}

TEST_F(RouterTest, RestCaptureTakesTheRemainder) {
  router_.Add(Method::kGet, "/static/{*path}", "static");
  EXPECT_EQ(router_.Find(Method::kGet, "/static/js/main-1.js").params.at("path"), "js/main-1.js");
  EXPECT_EQ(router_.Find(Method::kGet, "/static/main.css").params.at("path"), "main.css");
  EXPECT_EQ(router_.Find(Method::kGet, "/static/").params.at("path"), "");
  EXPECT_EQ(router_.Find(Method::kGet, "/static").params.at("path"), "");
}

TEST_F(RouterTest, HeadIsServedByGet) {
  router_.Add(Method::kGet, "/", "home");
  EXPECT_EQ(*router_.Find(Method::kHead, "/").route, "home");
}

TEST_F(RouterTest, WrongMethodListsTheAllowedOnes) {
  router_.Add(Method::kGet, "/compte", "show");
  router_.Add(Method::kPost, "/compte", "update");
  auto match = router_.Find(Method::kDelete, "/compte");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed, (std::vector<Method>{Method::kGet, Method::kHead, Method::kPost}));
  EXPECT_TRUE(match.params.empty());
}

TEST_F(RouterTest, RefusesBadPatterns) {
  router_.Add(Method::kGet, "/a/{id}", "a");
  EXPECT_THROW(router_.Add(Method::kGet, "/a/{id}", "again"), std::invalid_argument);
  EXPECT_THROW(router_.Add(Method::kGet, "/a/{other}", "renamed"), std::invalid_argument);
  EXPECT_THROW(router_.Add(Method::kGet, "relative", "x"), std::invalid_argument);
  EXPECT_THROW(router_.Add(Method::kGet, "/x{y}", "x"), std::invalid_argument);
  EXPECT_THROW(router_.Add(Method::kGet, "/{*rest}/more", "x"), std::invalid_argument);
  EXPECT_NO_THROW(router_.Add(Method::kPost, "/a/{id}", "post"));
}

TEST(SplitPathTest, KeepsEmptySegments) {
  EXPECT_TRUE(SplitPath("/").empty());
  EXPECT_EQ(SplitPath("/a/b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(SplitPath("/a//b/"), (std::vector<std::string>{"a", "", "b", ""}));
}

}  // namespace
}  // namespace vivrovert::web
