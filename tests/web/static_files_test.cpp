#include "web/http/static_files.hpp"

#include <gtest/gtest.h>

#include "web_test_support.hpp"

namespace vivrovert::web {
namespace {

using testing::MustParse;
using testing::TempDir;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dist_.Write("manifest.json", R"({"main.js": "main-ABC.js"})");
    dist_.Write("main-ABC.js", "console.log('bonjour');");
    dist_.Write("main-ABC.js.map", "{}");
    dist_.Write("images/logo.svg", "<svg/>");
    auto manifest = AssetManifest::Load(dist_.path().string());
    ASSERT_TRUE(manifest.ok());
    auto files = StaticFiles::Load(dist_.path().string(), *manifest);
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    files_ = std::move(files).value();
  }

  TempDir dist_;
  StaticFiles files_;
};

TEST_F(StaticFilesTest, ServesHashedBundlesForever) {
  Response response = files_.Serve("main-ABC.js", MustParse("GET", "/static/main-ABC.js"));
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(response.body(), "console.log('bonjour');");
  EXPECT_EQ(response.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(response.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(files_.Serve("main-ABC.js.map", MustParse("GET", "/")).Header("Cache-Control"),
            "public, max-age=31536000, immutable");
}

TEST_F(StaticFilesTest, OtherFilesAreRevalidated) {
  Response response = files_.Serve("images/logo.svg", MustParse("GET", "/"));
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(response.Header("Content-Type"), "image/svg+xml");
  EXPECT_EQ(response.Header("Cache-Control"), "public, no-cache");
  std::string etag = response.Header("ETag").value_or("");
  ASSERT_FALSE(etag.empty());

  Response not_modified =
      files_.Serve("images/logo.svg", MustParse("GET", "/", {{"If-None-Match", etag}}));
  EXPECT_EQ(not_modified.status(), 304);
  EXPECT_TRUE(not_modified.body().empty());
  EXPECT_EQ(
      files_
          .Serve("images/logo.svg", MustParse("GET", "/", {{"If-None-Match", "\"x\", W/" + etag}}))
          .status(),
      304);
  EXPECT_EQ(files_.Serve("images/logo.svg", MustParse("GET", "/", {{"If-None-Match", "\"other\""}}))
                .status(),
            200);
}

TEST_F(StaticFilesTest, ServesOnlyWhatWasListed) {
  EXPECT_EQ(files_.size(), 4u);
  for (const char* path :
       {"absent.js", "../manifest.json", "images/../main-ABC.js", "/etc/passwd", "", "images"}) {
    EXPECT_EQ(files_.Serve(path, MustParse("GET", "/")).status(), 404) << path;
  }
}

TEST(StaticFilesLoadTest, MissingFolderServesNothing) {
  TempDir dir;
  auto files = StaticFiles::Load((dir.path() / "dist").string(), AssetManifest());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->size(), 0u);
}

TEST(StaticFilesLoadTest, RefusesAnOversizedFolder) {
  TempDir dir;
  dir.Write("big.bin", std::string(2048, 'x'));
  EXPECT_EQ(StaticFiles::Load(dir.path().string(), AssetManifest(), 1024).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ContentTypeTest, ByExtension) {
  EXPECT_EQ(ContentTypeFor("a/b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("tile.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("README"), "application/octet-stream");
}

}  // namespace
}  // namespace vivrovert::web
