// The pure rules of signed webhooks (domain/webhooks): signatures against an HMAC computed
// with the openssl command line, what a receiver accepts, sealed secrets, and the address
// rules against SSRF.
#include <gtest/gtest.h>

#include <string>

#include "domain/webhooks/endpoint_address.hpp"
#include "domain/webhooks/webhook_signing.hpp"

namespace vivrovert::webhooks {
namespace {

constexpr const char* kServerKey = "a-server-secret-key-of-at-least-32-characters";

TEST(WebhookSignatureTest, IsTheHmacSha256OfTimestampDotBody) {
  // printf '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test
  EXPECT_EQ(Sign("whsec_test", 1700000000, R"({"id":"evt_1"})"),
            "c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925");
  EXPECT_EQ(SignatureHeader("whsec_test", 1700000000, R"({"id":"evt_1"})"),
            "t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925");
}

TEST(WebhookSignatureTest, AReceiverAcceptsOnlyTheSameBodySecretAndAFreshTimestamp) {
  const std::string body = R"({"id":"evt_7","type":"lead.created"})";
  const std::string header = SignatureHeader("whsec_a", 1000, body);
  EXPECT_TRUE(VerifySignature(header, "whsec_a", body, 1000));
  EXPECT_TRUE(VerifySignature(header, "whsec_a", body, 1300));
  EXPECT_FALSE(VerifySignature(header, "whsec_a", body, 1301));  // a replayed capture
  EXPECT_FALSE(VerifySignature(header, "whsec_a", body, 699));
  EXPECT_FALSE(VerifySignature(header, "whsec_b", body, 1000));
  EXPECT_FALSE(VerifySignature(header, "whsec_a", body + " ", 1000));
  EXPECT_FALSE(VerifySignature("v1=" + Sign("whsec_a", 1000, body), "whsec_a", body, 1000));
  EXPECT_FALSE(VerifySignature("t=1000", "whsec_a", body, 1000));
  EXPECT_FALSE(VerifySignature("t=10x0,v1=00", "whsec_a", body, 1000));
  // Several v1 (a secret being rotated): one match is enough.
  EXPECT_TRUE(VerifySignature(
      "t=1000,v1=" + Sign("whsec_old", 1000, body) + ",v1=" + Sign("whsec_a", 1000, body),
      "whsec_a", body, 1000));
}

TEST(WebhookSecretTest, SecretsAreRandomAndSealedUnderTheServerKey) {
  const std::string secret = NewSecret();
  EXPECT_EQ(secret.rfind("whsec_", 0), 0u);
  EXPECT_EQ(secret.size(), 6u + 43u);  // 32 bytes in URL-safe base64, no padding
  EXPECT_NE(NewSecret(), secret);
  const std::string sealed = SealSecret(kServerKey, secret);
  EXPECT_EQ(sealed.find(secret), std::string::npos);
  EXPECT_NE(SealSecret(kServerKey, secret), sealed);  // a fresh nonce each time
  EXPECT_EQ(OpenSecret(kServerKey, sealed), secret);
  EXPECT_FALSE(OpenSecret("another-server-secret-key-of-32-characters!!", sealed));
  std::string tampered = sealed;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  EXPECT_FALSE(OpenSecret(kServerKey, tampered));
  EXPECT_FALSE(OpenSecret(kServerKey, "zz"));
}

TEST(EndpointAddressTest, RefusesEveryNonPublicRange) {
  for (const char* refused : {"127.0.0.1",
                              "127.255.0.9",
                              "0.0.0.0",
                              "10.0.0.1",
                              "10.255.255.255",
                              "172.16.0.1",
                              "172.31.255.254",
                              "192.168.1.1",
                              "169.254.169.254",
                              "100.64.0.1",
                              "100.127.255.255",
                              "224.0.0.1",
                              "239.255.255.250",
                              "255.255.255.255",
                              "240.0.0.1",
                              "192.0.2.10",
                              "198.51.100.7",
                              "203.0.113.9",
                              "198.18.0.1",
                              "::",
                              "::1",
                              "fc00::1",
                              "fd12:3456::1",
                              "fe80::1",
                              "fec0::1",
                              "ff02::1",
                              "::ffff:127.0.0.1",
                              "::ffff:10.0.0.1",
                              "64:ff9b::a9fe:a9fe",
                              "2002:7f00:1::",
                              "2001:db8::1",
                              "100::1",
                              "not an address"}) {
    EXPECT_FALSE(IsPublicAddress(refused)) << refused;
  }
  for (const char* allowed :
       {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "192.169.0.1",
        "2a00:1450:4007:80e::200e", "2606:4700::1111", "::ffff:8.8.8.8", "2002:0808:0808::"}) {
    EXPECT_TRUE(IsPublicAddress(allowed)) << allowed;
  }
}

TEST(EndpointAddressTest, EndpointsAreHttpsUrlsOnPublicAddressesAfterResolution) {
  for (const char* url :
       {"https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://169.254.169.254/latest",
        "https://[::1]/hook", "https://[fc00::1]/hook", "https://[fd00::5]:8443/hook",
        "https://localhost/hook", "https://100.64.1.1/"}) {
    Result<EndpointTarget> checked = CheckEndpoint(url, false);
    ASSERT_FALSE(checked.ok()) << url;
    EXPECT_EQ(checked.status().code(), StatusCode::kInvalidArgument) << url;
    EXPECT_EQ(checked.status().field(), "url");
    EXPECT_NE(checked.status().message().find("adresse privée, locale ou réservée"),
              std::string::npos)
        << checked.status().message();
  }
  // The shape, before any lookup.
  EXPECT_FALSE(ParseEndpointUrl("http://8.8.8.8/hook", false).ok());
  EXPECT_FALSE(ParseEndpointUrl("ftp://8.8.8.8/hook", false).ok());
  EXPECT_FALSE(ParseEndpointUrl("https://user:pw@8.8.8.8/hook", false).ok());
  EXPECT_FALSE(ParseEndpointUrl("https://8.8.8.8/hook#part", false).ok());
  EXPECT_FALSE(ParseEndpointUrl("https:///hook", false).ok());
  EXPECT_FALSE(ParseEndpointUrl("https://8.8.8.8/a b", false).ok());
  EXPECT_FALSE(ParseEndpointUrl("", false).ok());
  Result<EndpointTarget> good = CheckEndpoint("https://8.8.8.8:8443/vivrovert?x=1", false);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->host, "8.8.8.8");
  EXPECT_EQ(good->port, 8443);
  EXPECT_EQ(good->path_and_query, "/vivrovert?x=1");
  EXPECT_EQ(good->addresses, std::vector<std::string>{"8.8.8.8"});
  // The tests' setting lifts the address rule and allows http.
  Result<EndpointTarget> local = CheckEndpoint("http://127.0.0.1:9/hook", true);
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(local->scheme, "http");
}

}  // namespace
}  // namespace vivrovert::webhooks
