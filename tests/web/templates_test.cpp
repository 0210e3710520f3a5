#include "web/http/templates.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/common/mstch_json.hpp"
#include "support/mustache_values.hpp"
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

// Issue 25: each template is rendered with only the partials it reaches; every template of
// templates/pages (the layout too: a page inside it is the two rendered one after the
// other), filled with values that open every section
// and with values that hide them, gives the same bytes as with every template handed to
// every render (the way before).
TEST(TemplateRendererTest, EveryPageRendersTheSameBytesWithOnlyItsPartials) {
  const std::filesystem::path folder =
      std::filesystem::path(VIVROVERT_SOURCE_ROOT) / "templates" / "pages";
  auto reachable = TemplateRenderer::Load(folder.string());
  auto every = TemplateRenderer::Load(folder.string(), true);
  ASSERT_TRUE(reachable.ok()) << reachable.status().ToString();
  ASSERT_TRUE(every.ok()) << every.status().ToString();
  const vivrovert::testing::MustacheValues values(folder);
  ASSERT_GT(values.variable_count(), 50u);
  const mstch::map full = boost::get<mstch::map>(MstchFromJson(values.Full(1)));
  const mstch::map hidden = boost::get<mstch::map>(MstchFromJson(values.Hidden()));
  int pages = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".mustache") continue;
    const std::string name = entry.path().stem().string();
    ++pages;
    for (const mstch::map* data : {&full, &hidden}) {
      SCOPED_TRACE(name + (data == &full ? " (sections shown)" : " (sections hidden)"));
      auto got = reachable->Render(name, *data);
      auto expected = every->Render(name, *data);
      ASSERT_TRUE(got.ok() && expected.ok());
      EXPECT_EQ(*got, *expected);
      // A page wholly inside a section (partner_home) is empty with the sections hidden.
      if (data == &full) {
        EXPECT_FALSE(got->empty());
      }
    }
  }
  EXPECT_GT(pages, 40);
}

}  // namespace
}  // namespace vivrovert::web
