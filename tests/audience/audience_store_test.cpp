// The audience table and the counter's batched writes, on each backend.
#include "domain/audience/audience_store.hpp"

#include <gtest/gtest.h>

#include "support/test_database.hpp"
#include "web/audience/audience_counter.hpp"

namespace vivrovert::audience {
namespace {

web::VisitFacts PageVisit(std::string pattern, std::string referer = "") {
  web::VisitFacts visit;
  visit.route_pattern = std::move(pattern);
  visit.status = 200;
  visit.content_type = "text/html; charset=utf-8";
  visit.user_agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
  visit.referer = std::move(referer);
  return visit;
}

class AudienceStoreTest : public ::testing::Test {
 protected:
  int64_t Rows() {
    storage::Connection connection = database_.db().Acquire();
    return connection.QueryOne("SELECT COUNT(*) FROM audience_daily")->Int(0);
  }

  testing::TestDatabase database_;
  ManualClock clock_{1'800'000'000};
};

TEST_F(AudienceStoreTest, AddsViewsToTheCountsOfTheirDayPageAndSource) {
  storage::Connection connection = database_.db().Acquire();
  AudienceStore::Add(connection, {{"2027-01-15", "/", "direct", 3},
                                  {"2027-01-15", "/annonces/{id}", "lemonde.fr", 2},
                                  {"2027-01-16", "/", "direct", 1}});
  AudienceStore::Add(connection, {{"2027-01-15", "/", "direct", 4}});
  std::vector<DailyViews> rows = AudienceStore::Since(connection, "2027-01-15");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].page, "/");
  EXPECT_EQ(rows[0].views, 7);
  EXPECT_EQ(AudienceStore::Since(connection, "2027-01-16").size(), 1u);

  std::vector<ViewTotal> by_day =
      AudienceStore::Totals(connection, "2027-01-01", AudienceDimension::kDay);
  ASSERT_EQ(by_day.size(), 2u);
  EXPECT_EQ(by_day[0].key, "2027-01-15");
  EXPECT_EQ(by_day[0].views, 9);
  std::vector<ViewTotal> by_page =
      AudienceStore::Totals(connection, "2027-01-01", AudienceDimension::kPage);
  ASSERT_EQ(by_page.size(), 2u);
  EXPECT_EQ(by_page[0].key, "/");
  EXPECT_EQ(by_page[0].views, 8);
  std::vector<ViewTotal> by_source =
      AudienceStore::Totals(connection, "2027-01-16", AudienceDimension::kSource);
  ASSERT_EQ(by_source.size(), 1u);
  EXPECT_EQ(by_source[0].key, "direct");
  EXPECT_EQ(by_source[0].views, 1);
}

TEST_F(AudienceStoreTest, TheCounterWritesOneRowPerDayPageAndSourceNotPerView) {
  AudienceCounter counter({"vivrovert.fr", false}, clock_, [this](int64_t utc) {
    return utc < 1'800'050'000 ? std::string("2027-01-15") : std::string("2027-01-16");
  });
  for (int view_idx = 0; view_idx < 300; ++view_idx) {
    counter.Observe(PageVisit("/annonces/{id}", view_idx % 3 == 0 ? "https://www.google.fr/" : ""));
  }
  EXPECT_EQ(Rows(), 0) << "a view costs no SQL";
  EXPECT_EQ(counter.Flush(database_.db()), 300);
  EXPECT_EQ(Rows(), 2);
  EXPECT_EQ(counter.PendingViews(), 0);
  EXPECT_EQ(counter.Flush(database_.db()), 0);

  clock_.Advance(60'000);  // the next day
  counter.Observe(PageVisit("/annonces/{id}"));
  counter.Observe(PageVisit("/"));
  EXPECT_EQ(counter.Flush(database_.db()), 2);
  storage::Connection connection = database_.db().Acquire();
  std::vector<DailyViews> rows = AudienceStore::Since(connection, "2027-01-01");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].day, "2027-01-15");
  EXPECT_EQ(rows[0].source, "direct");
  EXPECT_EQ(rows[0].views, 200);
  EXPECT_EQ(rows[1].source, "moteur de recherche");
  EXPECT_EQ(rows[1].views, 100);
  EXPECT_EQ(rows[2].day, "2027-01-16");
}

TEST_F(AudienceStoreTest, ForgedReferrersCannotMakeUnboundedSources) {
  AudienceCounter counter({"vivrovert.fr", false}, clock_,
                          [](int64_t) { return std::string("2027-01-15"); });
  for (size_t source_idx = 0; source_idx < kMaxSourcesPerDay + 100; ++source_idx) {
    counter.Observe(PageVisit("/", "https://site" + std::to_string(source_idx) + ".example/"));
  }
  counter.Flush(database_.db());
  EXPECT_EQ(Rows(), static_cast<int64_t>(kMaxSourcesPerDay + 1));
  storage::Connection connection = database_.db().Acquire();
  std::vector<ViewTotal> by_source =
      AudienceStore::Totals(connection, "2027-01-15", AudienceDimension::kSource);
  EXPECT_EQ(by_source.front().key, "autres");
  EXPECT_EQ(by_source.front().views, 100);
}

TEST_F(AudienceStoreTest, TheTableHoldsNothingAboutVisitors) {
  storage::Connection connection = database_.db().Acquire();
  // Only the day, the page, the source and a count: no address, agent, cookie or time.
  std::optional<storage::Row> row =
      connection.QueryOne("SELECT day, page, source, views FROM audience_daily");
  EXPECT_FALSE(row.has_value());
  EXPECT_THROW(connection.QueryOne("SELECT ip FROM audience_daily"), storage::StorageError);
}

}  // namespace
}  // namespace vivrovert::audience
