#include "core/common/json_input.hpp"

#include <gtest/gtest.h>

#include "core/common/network_address.hpp"

namespace vivrovert {
namespace {

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(ParseUntrustedJsonTest, ParsesOrdinaryDocuments) {
  Result<nlohmann::json> parsed = ParseUntrustedJson(R"({"a": [1, {"b": "c"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)["a"][1]["b"], "c");
  EXPECT_TRUE(ParseUntrustedJson(Nested(kMaxJsonDepth)).ok());
}

TEST(ParseUntrustedJsonTest, RefusesDeepNestingBeforeBuildingIt) {
  // 50,000 levels overflowed the stack when the document was copied or destroyed.
  for (int depth : {kMaxJsonDepth + 1, 50'000, 1'000'000}) {
    Result<nlohmann::json> parsed = ParseUntrustedJson(Nested(depth), "body");
    ASSERT_FALSE(parsed.ok()) << depth;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().field(), "body");
    EXPECT_NE(parsed.status().message().find("64 niveaux"), std::string::npos)
        << parsed.status().message();
  }
  std::string objects;
  for (int i = 0; i < 10'000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(10'000, '}');
  EXPECT_FALSE(ParseUntrustedJson(objects).ok());
}

TEST(ParseUntrustedJsonTest, SaysWhichLineIsWrong) {
  Result<nlohmann::json> parsed = ParseUntrustedJson("{\n  \"a\": 1,\n  \"b\": \n}", "file");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().field(), "file");
  EXPECT_NE(parsed.status().message().find("ligne 4"), std::string::npos)
      << parsed.status().message();
}

TEST(ClientNetworkTest, GroupsIpv6ByNetwork) {
  EXPECT_EQ(ClientNetwork("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(ClientNetwork("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(ClientNetwork("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientNetwork("[2001:db8:1:2:aaaa::1]"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientNetwork("2001:db8:1:2:bbbb::9"), ClientNetwork("2001:db8:1:2:aaaa::1"));
  EXPECT_NE(ClientNetwork("2001:db8:1:3::1"), ClientNetwork("2001:db8:1:2::1"));
  EXPECT_EQ(ClientNetwork("not an address"), "not an address");
}

}  // namespace
}  // namespace vivrovert
