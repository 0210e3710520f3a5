#include "web/http/client_address.hpp"

#include <gtest/gtest.h>

namespace vivrovert::web {
namespace {

TrustedProxies MustParseProxies(std::string_view list) {
  Result<TrustedProxies> proxies = TrustedProxies::Parse(list);
  EXPECT_TRUE(proxies.ok()) << proxies.status().ToString();
  return proxies.ok() ? std::move(proxies).value() : TrustedProxies();
}

TEST(TrustedProxiesTest, MatchesAddressesAndRangesOfBothFamilies) {
  TrustedProxies proxies = MustParseProxies("127.0.0.1, 10.0.0.0/8 fd00::/8,::1");
  EXPECT_TRUE(proxies.Contains("127.0.0.1"));
  EXPECT_TRUE(proxies.Contains("::ffff:127.0.0.1"));
  EXPECT_FALSE(proxies.Contains("127.0.0.2"));
  EXPECT_TRUE(proxies.Contains("10.200.3.4"));
  EXPECT_FALSE(proxies.Contains("11.0.0.1"));
  EXPECT_TRUE(proxies.Contains("fd12:3456::1"));
  EXPECT_TRUE(proxies.Contains("::1"));
  EXPECT_FALSE(proxies.Contains("2001:db8::1"));
  EXPECT_FALSE(proxies.Contains("not an address"));
  EXPECT_FALSE(MustParseProxies("").Contains("127.0.0.1"));
  EXPECT_TRUE(MustParseProxies("0.0.0.0/0").Contains("203.0.113.9"));
  EXPECT_FALSE(MustParseProxies("0.0.0.0/0").Contains("2001:db8::1"));
}

TEST(TrustedProxiesTest, NamesTheEntryItCannotRead) {
  for (const char* bad : {"10.0.0.0/33", "::/129", "nginx.local", "10.0.0.0/x", "10.0.0.0/-1"}) {
    Result<TrustedProxies> proxies = TrustedProxies::Parse(std::string("127.0.0.1, ") + bad);
    ASSERT_FALSE(proxies.ok()) << bad;
    EXPECT_EQ(proxies.status().field(), "http.trusted_proxies");
    EXPECT_NE(proxies.status().message().find(bad), std::string::npos)
        << proxies.status().message();
  }
}

TEST(ResolveClientAddressTest, BelievesForwardedForOnlyFromTrustedPeers) {
  TrustedProxies proxies = MustParseProxies("127.0.0.1, 10.0.0.0/8");
  // A client talking to the server directly cannot choose its address.
  EXPECT_EQ(ResolveClientAddress("203.0.113.5", "198.51.100.1", proxies), "203.0.113.5");
  // Behind nginx: the address nginx appended.
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "198.51.100.1", proxies), "198.51.100.1");
  // What the client wrote itself is left of it and never believed.
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "1.2.3.4, 198.51.100.1", proxies), "198.51.100.1");
  // A chain of trusted proxies is skipped, from the right.
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "1.2.3.4,198.51.100.1, 10.0.0.7", proxies),
            "198.51.100.1");
  // Only trusted hops: the leftmost of them.
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "10.0.0.8, 10.0.0.7", proxies), "10.0.0.8");
  // No header: the peer.
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "", proxies), "127.0.0.1");
  // Garbage stops the walk at the last trusted hop.
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "198.51.100.1, unknown, 10.0.0.7", proxies),
            "10.0.0.7");
  // IPv6 clients, with or without brackets.
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "[2001:db8::5]", proxies), "2001:db8::5");
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "2001:db8::5", proxies), "2001:db8::5");
  // Nobody trusted: the peer, whatever the header says.
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "198.51.100.1", TrustedProxies()), "127.0.0.1");
}

}  // namespace
}  // namespace vivrovert::web
