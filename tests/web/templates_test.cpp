#include "web/http/templates.hpp"

#include <gtest/gtest.h>

#include "web_test_support.hpp"

namespace vivrovert::web {
namespace {

using testing::TempDir;

TEST(TemplateRendererTest, WrapsPagesInTheLayoutAndEscapes) {
  TempDir dir;
  dir.Write("layout.mustache", "<title>{{title}}</title><main>{{{content}}}</main>");
  dir.Write("page.mustache", "<p>{{name}}</p>{{> part}}");
  dir.Write("part.mustache", "<i>{{name}}</i>");
  dir.Write("notes.txt", "not a template");
  auto renderer = TemplateRenderer::Load(dir.path().string());
  ASSERT_TRUE(renderer.ok()) << renderer.status().ToString();
  auto html =
      renderer->RenderPage("page", mstch::map{{"title", std::string("Élodie & co")},
                                              {"name", std::string("<script>alert(1)</script>")}});
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(*html,
            "<title>Élodie &amp; co</title><main><p>&lt;script&gt;alert(1)&lt;&#x2F;script&gt;</p>"
            "<i>&lt;script&gt;alert(1)&lt;&#x2F;script&gt;</i></main>");
  EXPECT_FALSE(renderer->Has("notes"));
}

TEST(TemplateRendererTest, ReportsMissingTemplates) {
  TempDir dir;
  EXPECT_EQ(TemplateRenderer::Load(dir.path().string()).status().code(), StatusCode::kNotFound)
      << "no layout";
  EXPECT_EQ(TemplateRenderer::Load((dir.path() / "absent").string()).status().code(),
            StatusCode::kNotFound);
  dir.Write("layout.mustache", "{{{content}}}");
  auto renderer = TemplateRenderer::Load(dir.path().string());
  ASSERT_TRUE(renderer.ok());
  EXPECT_EQ(renderer->RenderPage("absent", {}).status().code(), StatusCode::kNotFound);
}

TEST(TemplateRendererTest, TheSourceTreeTemplatesLoad) {
  auto renderer = TemplateRenderer::Load(testing::SourceTemplates());
  ASSERT_TRUE(renderer.ok()) << renderer.status().ToString();
  EXPECT_TRUE(renderer->Has("home"));
  EXPECT_TRUE(renderer->Has("error"));
}

TEST(AssetManifestTest, MissingBuildGivesAnEmptyManifest) {
  TempDir dir;
  auto manifest = AssetManifest::Load((dir.path() / "dist").string());
  ASSERT_TRUE(manifest.ok());
  EXPECT_TRUE(manifest->empty());
  EXPECT_EQ(manifest->Url("main.js"), std::nullopt);
}

TEST(AssetManifestTest, NamesTheHashedBundles) {
  TempDir dir;
  dir.Write("manifest.json", R"({"main.js": "main-ABC123.js", "styles.css": "styles-XYZ.css"})");
  auto manifest = AssetManifest::Load(dir.path().string());
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(manifest->Url("main.js"), "/static/main-ABC123.js");
  EXPECT_TRUE(manifest->IsHashedFile("main-ABC123.js"));
  EXPECT_TRUE(manifest->IsHashedFile("main-ABC123.js.map"));
  EXPECT_FALSE(manifest->IsHashedFile("manifest.json"));
  mstch::map assets = manifest->ForTemplates();
  EXPECT_EQ(boost::get<std::string>(assets.at("main_js")), "/static/main-ABC123.js");
  EXPECT_EQ(boost::get<std::string>(assets.at("styles_css")), "/static/styles-XYZ.css");
}

TEST(AssetManifestTest, RefusesBrokenManifests) {
  for (const char* text : {"not json", R"(["main.js"])", R"({"main.js": "../etc/passwd"})",
                           R"({"main.js": 3})", R"x({"main.js": "x\"onload=\"alert(1)"})x"}) {
    TempDir dir;
    dir.Write("manifest.json", text);
    EXPECT_EQ(AssetManifest::Load(dir.path().string()).status().code(), StatusCode::kDataLoss)
        << text;
  }
}

}  // namespace
}  // namespace vivrovert::web
