// The counting rules of the audience figures, and the in-memory counter (no database).
#include "web/audience/visit_rules.hpp"

#include <gtest/gtest.h>

#include "web/audience/audience_counter.hpp"

namespace vivrovert::audience {
namespace {

constexpr const char* kFirefox =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

web::VisitFacts PageVisit(std::string pattern, std::string referer = "") {
  web::VisitFacts visit;
  visit.method = web::Method::kGet;
  visit.route_pattern = std::move(pattern);
  visit.status = 200;
  visit.content_type = "text/html; charset=utf-8";
  visit.user_agent = kFirefox;
  visit.referer = std::move(referer);
  return visit;
}

const CountingRules kRules{"vivrovert.fr", false};

TEST(VisitRulesTest, APageViewCountsUnderItsRoutePatternNotItsPath) {
  std::optional<PageView> view = CountableVisit(PageVisit("/annonces/{id}"), kRules);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->page, "/annonces/{id}");
  EXPECT_EQ(view->source, "direct");
}

TEST(VisitRulesTest, AssetsApiHealthChecksRedirectsErrorsAndPostsDoNotCount) {
  for (const char* pattern : {"/static/{file}", "/api/v1/search", "/healthz", "/readyz"}) {
    EXPECT_FALSE(CountableVisit(PageVisit(pattern), kRules).has_value()) << pattern;
  }
  web::VisitFacts unrouted = PageVisit("");
  EXPECT_FALSE(CountableVisit(unrouted, kRules).has_value());
  web::VisitFacts redirect = PageVisit("/compte");
  redirect.status = 303;
  EXPECT_FALSE(CountableVisit(redirect, kRules).has_value());
  web::VisitFacts missing = PageVisit("/annonces/{id}");
  missing.status = 404;
  EXPECT_FALSE(CountableVisit(missing, kRules).has_value());
  web::VisitFacts post = PageVisit("/compte/connexion");
  post.method = web::Method::kPost;
  EXPECT_FALSE(CountableVisit(post, kRules).has_value());
  web::VisitFacts json = PageVisit("/compte/mes-donnees.json");
  json.content_type = "application/json";
  EXPECT_FALSE(CountableVisit(json, kRules).has_value());
}

TEST(VisitRulesTest, RobotsAndOperatorsDoNotCount) {
  for (const char* agent :
       {"", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)", "curl/7.88.1", "Wget/1.21", "python-requests/2.31",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36",
        "facebookexternalhit/1.1", "Mozilla/5.0 AhrefsBot/7.0"}) {
    web::VisitFacts visit = PageVisit("/");
    visit.user_agent = agent;
    EXPECT_FALSE(CountableVisit(visit, kRules).has_value()) << agent;
  }
  web::VisitFacts operator_visit = PageVisit("/operateur");
  operator_visit.role = "operator";
  EXPECT_FALSE(CountableVisit(operator_visit, kRules).has_value());
  EXPECT_TRUE(CountableVisit(operator_visit, {"vivrovert.fr", true}).has_value());
  web::VisitFacts staff_visit = PageVisit("/partenaire/{slug}");
  staff_visit.role = "partner_staff";
  EXPECT_TRUE(CountableVisit(staff_visit, kRules).has_value());
}

TEST(VisitRulesTest, TheSourceIsTheReferrersHostOnlyWithSearchEnginesGrouped) {
  EXPECT_EQ(SourceOf("", "vivrovert.fr"), "direct");
  EXPECT_EQ(SourceOf("android-app://com.google.android.gm/", "vivrovert.fr"), "direct");
  EXPECT_EQ(SourceOf("pas une adresse", "vivrovert.fr"), "direct");
  EXPECT_EQ(SourceOf("https://www.LeMonde.fr/campagne/article?id=42&utm=x", "vivrovert.fr"),
            "lemonde.fr");
  EXPECT_EQ(SourceOf("https://user:pw@blog.exemple.org:8443/page", "vivrovert.fr"),
            "blog.exemple.org");
  EXPECT_EQ(SourceOf("https://vivrovert.fr/recherche", "vivrovert.fr"), "interne");
  for (const char* engine :
       {"https://www.google.fr/", "https://www.google.co.uk/search?q=x", "https://www.bing.com/",
        "https://duckduckgo.com/", "https://www.qwant.com/?q=lot", "https://www.ecosia.org/search",
        "https://fr.search.yahoo.com/", "https://search.brave.com/search?q=x"}) {
    EXPECT_EQ(SourceOf(engine, "vivrovert.fr"), "moteur de recherche") << engine;
  }
  // A forged referrer cannot put arbitrary text in the figures.
  EXPECT_EQ(SourceOf("https://<script>alert(1)</script>/", "vivrovert.fr"), "direct");
  EXPECT_EQ(HostOf("http://[2001:db8::1]:8080/x"), "[2001:db8::1]");
}

TEST(AudienceCounterTest, CountsViewsPerDayPageAndSourceInMemory) {
  ManualClock clock(1'800'000'000);
  int day_lookups = 0;
  AudienceCounter counter(kRules, clock, [&day_lookups](int64_t utc) {
    ++day_lookups;
    return utc < 1'800'050'000 ? std::string("2027-01-15") : std::string("2027-01-16");
  });
  for (int view_idx = 0; view_idx < 1000; ++view_idx) counter.Observe(PageVisit("/"));
  counter.Observe(PageVisit("/static/{file}"));
  EXPECT_EQ(counter.PendingViews(), 1000);
  EXPECT_EQ(day_lookups, 1) << "the day is looked up once a minute, not per view";
}

}  // namespace
}  // namespace vivrovert::audience
