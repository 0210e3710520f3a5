// The three axes of a partner's action (domain/axes, web/axes), on each backend over the
// grid of the Lot: listings online and people told per axis, counted against known
// listings and notifications; goals set, cleared and refused by field; who may see and set
// them; the option 2 gate.
#include "domain/axes/axes.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/common/paris_time.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/notifications/notification_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::axes {
namespace {

using storage::Connection;
using vivrovert::testing::Browser;
using vivrovert::testing::Contains;
using vivrovert::testing::TestSite;

constexpr int64_t kDay = 86400;

class AxesTest : public ::testing::Test {
 protected:
  AxesTest() {
    Connection connection = site_.db().Acquire();
    cahors_ = Partner(connection, "cahors", "46042");
    figeac_ = Partner(connection, "figeac", "46102");
    testing::Subscribe(connection, cahors_,
                       {subscriptions::ProductCode::kBase, subscriptions::ProductCode::kOption2});
    testing::Subscribe(connection, figeac_, {subscriptions::ProductCode::kBase});
    Staff(connection, cahors_, "editeur@cahors.fr", partners::StaffRole::kEditor);
    Staff(connection, cahors_, "lecteur@cahors.fr", partners::StaffRole::kViewer);
    Staff(connection, figeac_, "agent@figeac.fr", partners::StaffRole::kEditor);
  }

  int64_t Partner(Connection& connection, const std::string& slug, const std::string& commune) {
    partners::PartnerInput input;
    input.kind = partners::PartnerKind::kCommune;
    input.name = "Ville de " + slug;
    input.slug = slug;
    input.territory = {{commune}, {}, {}};
    return partners::PartnerStore::Create(connection, input, site_.clock().NowSeconds())->id;
  }

  void Staff(Connection& connection, int64_t partner, const std::string& email,
             partners::StaffRole role) {
    const int64_t user = site_.CreateUser(email, accounts::Role::kPartnerStaff);
    ASSERT_TRUE(partners::PartnerStore::SetStaff(connection, partner, user, role,
                                                 site_.clock().NowSeconds())
                    .ok());
  }

  // A listing of `partner`; `until` (AAAA-MM-JJ) in the past makes it expired.
  int64_t Listing(int64_t partner, listings::Kind kind,
                  std::optional<std::string> until = std::nullopt) {
    Connection connection = site_.db().Acquire();
    listings::Listing listing;
    listing.source_key = "partner:" + std::to_string(partner);
    listing.partner_id = partner;
    listing.external_id = "annonce-" + std::to_string(++listings_);
    listing.kind = kind;
    listing.title = *listing.external_id;
    listing.commune_code = "46042";
    listing.longitude = 1.44;
    listing.latitude = 44.45;
    listing.tile_1km = "CRS3035RES1000mN2410000E3639000";
    listing.tile_5km = "CRS3035RES5000mN2410000E3635000";
    listing.valid_until = until;
    listing.content_hash = *listing.external_id;
    return listings::ListingStore::Insert(connection, listing);
  }

  // `user` told of `listing` `days_ago` days ago.
  void Told(int64_t user, int64_t listing, int64_t days_ago) {
    Connection connection = site_.db().Acquire();
    notifications::NewNotification row;
    row.user_id = user;
    row.listing_id = listing;
    notifications::NotificationStore::RecordMany(connection, {row},
                                                 site_.clock().NowSeconds() - days_ago * kDay);
  }

  TestSite site_;
  int64_t cahors_ = 0;
  int64_t figeac_ = 0;
  int listings_ = 0;
};

TEST_F(AxesTest, ListingsAndPeopleToldPerAxis) {
  const int64_t job = Listing(cahors_, listings::Kind::kJob);
  Listing(cahors_, listings::Kind::kJob);
  const int64_t business = Listing(cahors_, listings::Kind::kBusiness);
  const int64_t expired_leisure = Listing(cahors_, listings::Kind::kLeisure, "2020-01-01");
  Listing(cahors_, listings::Kind::kLeisure);
  const int64_t housing = Listing(cahors_, listings::Kind::kHousing);
  Listing(cahors_, listings::Kind::kPoi);
  Listing(cahors_, listings::Kind::kCv);  // no axis
  const int64_t elsewhere = Listing(figeac_, listings::Kind::kJob);

  std::vector<int64_t> people;
  for (int person = 0; person < 4; ++person)
    people.push_back(
        site_.CreateUser("p" + std::to_string(person) + "@exemple.fr", accounts::Role::kUser));
  Told(people[0], job, 3);
  Told(people[0], business, 2);  // the same person twice on one axis: once
  Told(people[1], business, 10);
  Told(people[2], job, kToldDays + 1);  // too long ago
  Told(people[2], expired_leisure, 5);  // expired since, still reached them
  Told(people[3], housing, 1);
  Told(people[3], elsewhere, 1);  // another partner's

  Connection connection = site_.db().Acquire();
  const int64_t now = site_.clock().NowSeconds();
  const std::vector<AxisFigures> figures = ComputeAxes(connection, cahors_, ParisDate(now), now);
  ASSERT_EQ(figures.size(), 3u);
  EXPECT_EQ(figures[0].axis, Axis::kProduction);
  EXPECT_EQ(figures[0].listings, 3);
  EXPECT_EQ(figures[0].told, 2);
  EXPECT_EQ(figures[1].axis, Axis::kTourism);
  EXPECT_EQ(figures[1].listings, 1);
  EXPECT_EQ(figures[1].told, 1);
  EXPECT_EQ(figures[2].axis, Axis::kResidential);
  EXPECT_EQ(figures[2].listings, 2);
  EXPECT_EQ(figures[2].told, 1);
  EXPECT_FALSE(figures[0].listings_goal.has_value());
}

TEST_F(AxesTest, EditorsSetGoalsAndSeeTheirProgress) {
  Listing(cahors_, listings::Kind::kJob);
  Listing(cahors_, listings::Kind::kJob);
  Listing(cahors_, listings::Kind::kBusiness);

  Browser editor = site_.SignedIn("editeur@cahors.fr");
  testing::Page page = editor.Get("/partenaire/cahors/axes");
  ASSERT_EQ(page.status, 200) << site_.errors();
  EXPECT_TRUE(Contains(page.body, "id=\"axis-production\""));
  EXPECT_TRUE(Contains(page.body, "id=\"axis-goals-form\""));

  // A bad field refuses the whole form, by name, and changes nothing.
  testing::Page refused = editor.Post("/partenaire/cahors/axes/objectifs",
                                      {{"production_listings", "4"}, {"tourism_told", "-2"}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(Contains(refused.body, "tourism_told") || Contains(refused.body, "touristique"))
      << refused.body;
  {
    Connection connection = site_.db().Acquire();
    EXPECT_TRUE(AxisGoalStore::Of(connection, cahors_).empty());
  }

  testing::Page saved = editor.Post("/partenaire/cahors/axes/objectifs",
                                    {{"production_listings", "4"}, {"residential_told", "50"}});
  EXPECT_EQ(saved.status, 303) << saved.body;
  page = editor.Get("/partenaire/cahors/axes");
  // 3 of 4 listings: 75 %.
  EXPECT_TRUE(Contains(page.body,
                       "<tr data-measure=\"production_listings\"><th scope=\"row\">"
                       "Annonces en ligne</th><td class=\"value\">3</td><td "
                       "class=\"goal\">4</td>"))
      << page.body;
  EXPECT_TRUE(Contains(page.body, "value=\"75\""));
  EXPECT_TRUE(Contains(page.body,
                       "<tr data-measure=\"residential_told\"><th scope=\"row\">"
                       "Personnes prévenues (90 jours)</th><td class=\"value\">0</td><td "
                       "class=\"goal\">50</td>"));
  {
    Connection connection = site_.db().Acquire();
    const std::vector<Goal> goals = AxisGoalStore::Of(connection, cahors_);
    ASSERT_EQ(goals.size(), 2u);
  }
  // Reached at 4; an empty field clears a goal.
  Listing(cahors_, listings::Kind::kBusiness);
  page = editor.Get("/partenaire/cahors/axes");
  EXPECT_TRUE(Contains(page.body, "<span class=\"badge\">atteint</span>"));
  saved = editor.Post("/partenaire/cahors/axes/objectifs", {{"production_listings", "4"}});
  EXPECT_EQ(saved.status, 303);
  Connection connection = site_.db().Acquire();
  const std::vector<Goal> goals = AxisGoalStore::Of(connection, cahors_);
  ASSERT_EQ(goals.size(), 1u);
  EXPECT_EQ(goals[0].axis, Axis::kProduction);
  EXPECT_EQ(goals[0].target, 4);
}

TEST_F(AxesTest, ReadersSeeOthersAreRefusedAndTheOptionGates) {
  Browser reader = site_.SignedIn("lecteur@cahors.fr");
  testing::Page page = reader.Get("/partenaire/cahors/axes");
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(Contains(page.body, "id=\"axis-goals-form\""));
  EXPECT_EQ(reader.Post("/partenaire/cahors/axes/objectifs", {{"production_listings", "4"}}).status,
            403);
  Browser figeac = site_.SignedIn("agent@figeac.fr");
  EXPECT_EQ(figeac.Get("/partenaire/cahors/axes").status, 404);
  // Without option 2, the page says what the option offers instead.
  testing::Page gated = figeac.Get("/partenaire/figeac/axes");
  EXPECT_FALSE(Contains(gated.body, "id=\"axis-production\""));
}

}  // namespace
}  // namespace vivrovert::axes
