#include "web/http/compression.hpp"

#include <Poco/InflatingStream.h>
#include <gtest/gtest.h>

#include <sstream>

#include "web_test_support.hpp"

namespace vivrovert::web {
namespace {

using testing::MustParse;

std::string Gunzip(const std::string& bytes) {
  std::istringstream in(bytes);
  Poco::InflatingInputStream inflate(in, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::ostringstream out;
  out << inflate.rdbuf();
  return out.str();
}

Request WithEncoding(const std::string& accept_encoding) {
  return MustParse("GET", "/", {{"Accept-Encoding", accept_encoding}});
}

// A page long enough to be compressed.
Response LongPage() {
  std::string html = "<!doctype html><html lang=\"fr\"><body>";
  for (int line = 0; line < 100; ++line) html += "<p>Où vivre à la campagne ?</p>\n";
  return Response::Html(html + "</body></html>");
}

TEST(CompressionTest, ReadsAcceptEncoding) {
  EXPECT_TRUE(AcceptsGzip(WithEncoding("gzip, deflate, br")));
  EXPECT_TRUE(AcceptsGzip(WithEncoding("br;q=1.0, GZIP;q=0.5")));
  EXPECT_TRUE(AcceptsGzip(WithEncoding("x-gzip")));
  EXPECT_TRUE(AcceptsGzip(WithEncoding("*")));
  EXPECT_FALSE(AcceptsGzip(MustParse("GET", "/")));
  EXPECT_FALSE(AcceptsGzip(WithEncoding("identity")));
  EXPECT_FALSE(AcceptsGzip(WithEncoding("br, deflate")));
  EXPECT_FALSE(AcceptsGzip(WithEncoding("gzip;q=0")));
  EXPECT_FALSE(AcceptsGzip(WithEncoding("gzip; q=0.000, *")));
  EXPECT_FALSE(AcceptsGzip(WithEncoding("*;q=0")));
  EXPECT_FALSE(AcceptsGzip(WithEncoding("gzipped")));
}

TEST(CompressionTest, CompressesTextTypesOnly) {
  EXPECT_TRUE(IsCompressible("text/html; charset=utf-8"));
  EXPECT_TRUE(IsCompressible("text/javascript; charset=utf-8"));
  EXPECT_TRUE(IsCompressible("text/css"));
  EXPECT_TRUE(IsCompressible("Application/JSON"));
  EXPECT_TRUE(IsCompressible("image/svg+xml"));
  EXPECT_TRUE(IsCompressible("application/geo+json"));
  EXPECT_FALSE(IsCompressible("image/png"));
  EXPECT_FALSE(IsCompressible("application/pdf"));
  EXPECT_FALSE(IsCompressible("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
  EXPECT_FALSE(IsCompressible(""));
}

TEST(CompressionTest, GzipRoundTrips) {
  const std::string text = LongPage().body();
  const std::string packed = Gzip(text);
  ASSERT_GE(packed.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);
  EXPECT_LT(packed.size(), text.size() / 4);
  EXPECT_EQ(Gunzip(packed), text);
  EXPECT_EQ(Gunzip(Gzip("")), "");
}

TEST(CompressionTest, CompressesALongPageForAClientThatAcceptsGzip) {
  Response response = LongPage();
  const std::string text = response.body();
  response.SetHeader("ETag", "\"abc\"");
  CompressResponse(WithEncoding("gzip, deflate"), response);
  EXPECT_EQ(response.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(response.Header("Vary"), "Accept-Encoding");
  EXPECT_EQ(response.Header("ETag"), "W/\"abc\"") << "the bytes are not the identity ones";
  EXPECT_EQ(Gunzip(response.body()), text);
}

TEST(CompressionTest, LeavesOtherAnswersAsTheyAre) {
  // No Accept-Encoding: the same bytes, but caches are told that the encoding matters.
  Response plain = LongPage();
  const std::string text = plain.body();
  CompressResponse(MustParse("GET", "/"), plain);
  EXPECT_EQ(plain.body(), text);
  EXPECT_EQ(plain.Header("Content-Encoding"), std::nullopt);
  EXPECT_EQ(plain.Header("Vary"), "Accept-Encoding");

  Response small = Response::Html("<p>court</p>");
  CompressResponse(WithEncoding("gzip"), small);
  EXPECT_EQ(small.body(), "<p>court</p>");
  EXPECT_EQ(small.Header("Content-Encoding"), std::nullopt);

  Response png(200);
  png.SetHeader("Content-Type", "image/png");
  png.set_body(std::string(4096, 'x'));
  CompressResponse(WithEncoding("gzip"), png);
  EXPECT_EQ(png.body(), std::string(4096, 'x'));
  EXPECT_EQ(png.Header("Vary"), std::nullopt);

  Response encoded = LongPage();
  encoded.SetHeader("Content-Encoding", "br");
  encoded.SetHeader("Vary", "Cookie");
  const std::string brotli = encoded.body();
  CompressResponse(WithEncoding("gzip"), encoded);
  EXPECT_EQ(encoded.body(), brotli);
  EXPECT_EQ(encoded.Header("Content-Encoding"), "br");
  EXPECT_EQ(encoded.Header("Vary"), "Cookie, Accept-Encoding");

  Response not_modified(304);
  not_modified.SetHeader("Content-Type", "text/css");
  CompressResponse(WithEncoding("gzip"), not_modified);
  EXPECT_EQ(not_modified.Header("Content-Encoding"), std::nullopt);
}

}  // namespace
}  // namespace vivrovert::web
