// Public pages per commune (/vivre-a/…) and the sitemap, through the request pipeline
// (App::Handle, no sockets), on each backend, over the grid of the Lot (département 46):
// the values of a commune's tiles with their sources, its active listings, the map, the
// links, the head's canonical, OpenGraph and schema.org data, and every sitemap address.
#include "web/communes/commune_pages.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mstch/mstch.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "../similarity/brute_similarity.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "engine/grid_file.hpp"
#include "support/test_site.hpp"

namespace vivrovert::communes {
namespace {

using nlohmann::json;
using vivrovert::testing::Browser;
using vivrovert::testing::Contains;
using vivrovert::testing::Occurrences;
using vivrovert::testing::Page;

// `text` as the templates escape it: mstch's own rendering of a value.
std::string Escaped(const std::string& text) {
  return mstch::render("{{text}}", mstch::map{{"text", text}});
}

// Every <loc> of a sitemap document.
std::vector<std::string> Locations(const std::string& xml) {
  std::vector<std::string> found;
  const std::regex loc("<loc>([^<]*)</loc>");
  for (auto match = std::sregex_iterator(xml.begin(), xml.end(), loc);
       match != std::sregex_iterator(); ++match) {
    found.push_back((*match)[1]);
  }
  return found;
}

class CommunePagesTest : public ::testing::Test {
 protected:
  CommunePagesTest() {
    storage::Connection connection = site_.db().Acquire();
    partners::PartnerInput input;
    input.kind = partners::PartnerKind::kEpci;
    input.name = "CA du Grand Cahors";
    input.slug = "grand-cahors";
    input.territory = {{}, {"200023737"}, {}};
    auto created = partners::PartnerStore::Create(connection, input, site_.clock().NowSeconds());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    cahors_ = *created;
  }

  int64_t Publish(const json& fields) {
    storage::Connection connection = site_.db().Acquire();
    auto territory = partners::ResolveTerritory(connection, site_.grid(), cahors_);
    if (!territory.ok()) throw std::runtime_error(territory.status().ToString());
    std::vector<listings::FieldError> errors;
    auto written = site_.site().listings().Upsert(partners::PublisherFor(cahors_, *territory),
                                                  listings::Kind::kHousing, fields, &errors);
    if (!written.ok()) throw std::runtime_error(written.status().ToString());
    return written->listing.id;
  }

  vivrovert::testing::TestSite site_;
  partners::Partner cahors_;
};

TEST_F(CommunePagesTest, ACommunePageShowsItsTilesValuesWithSources) {
  const engine::GridFile& grid = site_.grid();
  Browser browser(site_.app());
  Page page = browser.Get("/vivre-a/cahors-46042");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Contains(page.body, "<h1>Vivre à Cahors <span class=\"muted\">(46042)</span></h1>"));
  EXPECT_TRUE(Contains(page.body, "<title>Vivre à Cahors (46042) — VivroVert</title>"));
  EXPECT_TRUE(Contains(page.body,
                       "<link rel=\"canonical\" href=\"http:&#x2F;&#x2F;localhost:8080&#x2F;"
                       "vivre-a&#x2F;cahors-46042\">"))
      << page.body.substr(0, 2000);
  EXPECT_TRUE(
      Contains(page.body, "<meta property=\"og:title\" content=\"Vivre à Cahors — VivroVert\">"));
  EXPECT_TRUE(
      Contains(page.body, "<meta name=\"description\" content=\"Vivre à Cahors (46042), Lot"));
  // The links to its EPCI and département.
  EXPECT_TRUE(Contains(page.body, "href=\"&#x2F;vivre-a&#x2F;epci&#x2F;200023737\""));
  EXPECT_TRUE(Contains(page.body, "href=\"&#x2F;vivre-a&#x2F;departement&#x2F;46\""));

  // schema.org Place, as JSON inside its script element.
  const std::string open = "<script type=\"application/ld+json\">";
  const size_t start = page.body.find(open);
  ASSERT_NE(start, std::string::npos);
  const size_t end = page.body.find("</script>", start);
  const json place = json::parse(page.body.substr(start + open.size(), end - start - open.size()));
  EXPECT_EQ(place["@type"], "Place");
  EXPECT_EQ(place["name"], "Cahors");
  EXPECT_EQ(place["identifier"]["value"], "46042");
  EXPECT_EQ(place["url"], "http://localhost:8080/vivre-a/cahors-46042");
  EXPECT_EQ(place["address"]["addressRegion"], "Lot");
  EXPECT_TRUE(place["geo"]["latitude"].is_number());

  // One square per 1 km tile the commune overlaps.
  const uint32_t commune_idx = *grid.FindCommune("46042");
  size_t tiles = 0;
  const engine::LevelView& level = *grid.level(engine::Level::k1km);
  for (size_t tile_idx = 0; tile_idx < level.tile_count(); ++tile_idx) {
    auto [first, last] = level.communes(tile_idx);
    for (auto share = first; share != last; ++share) tiles += share->commune == commune_idx;
  }
  ASSERT_GT(tiles, 10u);
  EXPECT_EQ(static_cast<size_t>(Occurrences(page.body, "<rect ")), tiles);
  EXPECT_TRUE(Contains(page.body, "de " + std::to_string(tiles) + " dalles d'un kilomètre"));

  // Every criterion of the catalogue, with its source and vintage.
  for (const engine::CriterionSpec& spec : grid.catalogue().criteria()) {
    EXPECT_TRUE(Contains(page.body, "<th scope=\"row\">" + Escaped(spec.label) + "</th>"))
        << spec.id;
    const std::string vintage =
        spec.source.vintage.empty() ? "non renseigné" : Escaped(spec.source.vintage);
    EXPECT_TRUE(Contains(page.body, "<td>" + vintage + "</td>")) << spec.id;
  }
}

// "Communes au profil proche": the communes nearest to Cahors by the similarity computed
// the plain way over the Lot's communes, in order, each linking to its page.
TEST_F(CommunePagesTest, ACommunePageListsTheCommunesMostLikeIt) {
  const engine::GridFile& grid = site_.grid();
  const std::map<std::string, std::vector<double>> profiles = similarity::testing::BruteProfiles(
      grid, [](const engine::CommuneRef& commune) { return commune.code; });
  const std::vector<std::pair<double, std::string>> expected =
      similarity::testing::BruteNearest(profiles, "46042");
  ASSERT_GE(expected.size(), kSimilarCommunes);
  Browser browser(site_.app());
  Page page = browser.Get("/vivre-a/cahors-46042");
  ASSERT_EQ(page.status, 200);
  const size_t start = page.body.find("<ol class=\"commune-similar\">");
  ASSERT_NE(start, std::string::npos) << "no similar communes on the page";
  const std::string list = page.body.substr(start, page.body.find("</ol>", start) - start);
  size_t at = 0;
  for (size_t rank = 0; rank < kSimilarCommunes; ++rank) {
    const uint32_t commune_idx = *grid.FindCommune(expected[rank].second);
    const std::string link = "<a href=\"" + Escaped(CommunePath(grid.communes()[commune_idx])) +
                             "\">" + Escaped(grid.communes()[commune_idx].name) + "</a>";
    const size_t found = list.find(link, at);
    ASSERT_NE(found, std::string::npos) << "rank " << rank << ": " << link << " in " << list;
    at = found + link.size();
  }
  EXPECT_EQ(static_cast<size_t>(Occurrences(list, "<li>")), kSimilarCommunes);
  EXPECT_FALSE(Contains(list, "cahors-46042"));
  EXPECT_TRUE(Contains(page.body, "ressemblent le plus à celles de Cahors, sur"));
}

TEST_F(CommunePagesTest, AddressesAreCanonical) {
  Browser browser(site_.app());
  Page renamed = browser.Get("/vivre-a/ancien-nom-46042");
  EXPECT_EQ(renamed.status, 301);
  EXPECT_EQ(renamed.location, "/vivre-a/cahors-46042");
  EXPECT_EQ(browser.Get("/vivre-a/46042").status, 404);
  EXPECT_EQ(browser.Get("/vivre-a/cahors-99999").status, 404);
  EXPECT_EQ(browser.Get("/vivre-a/cahors").status, 404);
  Page accented = browser.Get("/vivre-a/saint-cirq-lapopie-46256");
  EXPECT_EQ(accented.status, 200) << accented.location;
}

TEST_F(CommunePagesTest, ActiveListingsOnly) {
  const int64_t house = Publish({{"external_id", "M-1"},
                                 {"title", "Maison de bourg"},
                                 {"commune_code", "46042"},
                                 {"transaction", "sale"},
                                 {"property_type", "house"},
                                 {"price_eur", 185000}});
  Publish({{"external_id", "M-2"},
           {"title", "Maison ailleurs"},
           {"commune_code", "46224"},
           {"transaction", "sale"},
           {"property_type", "house"},
           {"price_eur", 185000}});
  const int64_t later = Publish({{"external_id", "M-3"},
                                 {"title", "Maison plus tard"},
                                 {"commune_code", "46042"},
                                 {"transaction", "sale"},
                                 {"property_type", "house"},
                                 {"valid_from", "2030-01-01"},
                                 {"price_eur", 185000}});
  Browser browser(site_.app());
  Page page = browser.Get("/vivre-a/cahors-46042");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body,
                       "&#x2F;annonces&#x2F;" + std::to_string(house) + "\">Maison de bourg</a>"));
  EXPECT_FALSE(Contains(page.body, "Maison ailleurs"));
  EXPECT_FALSE(Contains(page.body, "&#x2F;annonces&#x2F;" + std::to_string(later) + "\""));
  EXPECT_FALSE(Contains(page.body, "Aucune annonce en ligne"));
}

TEST_F(CommunePagesTest, TheSitemapNamesEveryCommuneOnce) {
  const engine::GridFile& grid = site_.grid();
  Browser browser(site_.app());
  Page index = browser.Get("/sitemap.xml");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "application/xml; charset=utf-8");
  EXPECT_EQ(Locations(index.body),
            std::vector<std::string>{"http://localhost:8080/sitemaps/communes-1.xml"});
  Page file = browser.Get("/sitemaps/communes-1.xml");
  ASSERT_EQ(file.status, 200);
  const std::vector<std::string> urls = Locations(file.body);
  EXPECT_EQ(urls.size(), grid.communes().size());
  EXPECT_EQ(std::set<std::string>(urls.begin(), urls.end()).size(), urls.size());
  // Every address answers 200 (as the canonical address, not a redirect).
  const std::string base = "http://localhost:8080";
  for (const std::string& url : urls) {
    ASSERT_TRUE(url.starts_with(base + "/vivre-a/")) << url;
    EXPECT_EQ(browser.Get(url.substr(base.size())).status, 200) << url;
  }
  EXPECT_EQ(browser.Get("/sitemaps/communes-2.xml").status, 404);
  EXPECT_EQ(browser.Get("/sitemaps/communes-0.xml").status, 404);
  EXPECT_EQ(browser.Get("/sitemaps/autre.xml").status, 404);
}

TEST_F(CommunePagesTest, SitemapFilesSplitAtTheirSize) {
  const CommuneIndex index(site_.grid());
  const size_t count = site_.grid().communes().size();
  const size_t per_file = 100;
  const size_t files = (count + per_file - 1) / per_file;
  ASSERT_GT(files, 1u);
  const std::vector<std::string> named =
      Locations(SitemapIndexXml(index, "https://exemple.fr", per_file));
  ASSERT_EQ(named.size(), files);
  EXPECT_EQ(named.back(), "https://exemple.fr/sitemaps/communes-" + std::to_string(files) + ".xml");
  std::set<std::string> all;
  for (size_t file = 1; file <= files; ++file) {
    std::optional<std::string> xml = SitemapXml(index, "https://exemple.fr", file, per_file);
    ASSERT_TRUE(xml.has_value()) << file;
    const std::vector<std::string> urls = Locations(*xml);
    EXPECT_LE(urls.size(), per_file);
    all.insert(urls.begin(), urls.end());
  }
  EXPECT_EQ(all.size(), count);
  EXPECT_FALSE(SitemapXml(index, "https://exemple.fr", files + 1, per_file).has_value());
}

TEST_F(CommunePagesTest, EpciAndDepartementPagesListTheirCommunes) {
  Browser browser(site_.app());
  Page epci = browser.Get("/vivre-a/epci/200023737");
  ASSERT_EQ(epci.status, 200);
  EXPECT_TRUE(Contains(epci.body, "&#x2F;vivre-a&#x2F;cahors-46042\">Cahors (46042)</a>"));
  EXPECT_FALSE(Contains(epci.body, "Figeac (46102)"));
  Page departement = browser.Get("/vivre-a/departement/46");
  ASSERT_EQ(departement.status, 200);
  EXPECT_TRUE(Contains(departement.body, "Figeac (46102)"));
  EXPECT_EQ(static_cast<size_t>(Occurrences(departement.body, "<li><a href=\"&#x2F;vivre-a&#x2F;")),
            site_.grid().CommunesWithCode(engine::GridFile::CodeKind::kDepartement, "46")->size());
  EXPECT_EQ(browser.Get("/vivre-a/epci/999999999").status, 404);
  EXPECT_EQ(browser.Get("/vivre-a/departement/2A").status, 404);
}

}  // namespace
}  // namespace vivrovert::communes
