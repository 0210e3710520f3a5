// The fit rules of domain/matching/fit_rules.hpp, one rule at a time.
#include "domain/matching/fit_rules.hpp"

#include <gtest/gtest.h>

namespace vivrovert::matching {
namespace {

using nlohmann::json;

ListingFacts House(json fields) {
  return ListingFacts::FromFields(listings::Kind::kHousing, "", "", "46042", fields);
}

TEST(FitRulesTest, NoProfileWantsEveryOfferButNotPoiNorCv) {
  const Wishes wishes = Wishes::FromProfile(json::object());
  EXPECT_EQ(wishes.kinds, kAllWantedKinds);
  EXPECT_TRUE(FitsWishes(
      wishes, House({{"transaction", "sale"}, {"property_type", "house"}, {"price_eur", 1e6}})));
  EXPECT_TRUE(FitsWishes(wishes, ListingFacts::FromFields(listings::Kind::kJob, "", "", "",
                                                          {{"rome_code", "J1506"}})));
  EXPECT_TRUE(FitsWishes(wishes, ListingFacts::FromFields(listings::Kind::kLeisure, "", "", "",
                                                          {{"category", "sport"}})));
  EXPECT_FALSE(FitsWishes(wishes, ListingFacts::FromFields(listings::Kind::kPoi, "", "", "",
                                                           {{"category", "health"}})));
  EXPECT_FALSE(FitsWishes(wishes, ListingFacts::FromFields(listings::Kind::kCv, "", "", "",
                                                           {{"rome_codes", {"J1506"}}})));
  // Fields that express no wish (household, horizon, funds) leave every kind wanted.
  EXPECT_EQ(Wishes::FromProfile({{"household_adults", 2}, {"funds_eur", 50000}}).kinds,
            kAllWantedKinds);
}

TEST(FitRulesTest, KindsWantedFollowTheFilledFields) {
  const Wishes housing = Wishes::FromProfile({{"housing_type", "house"}});
  EXPECT_EQ(housing.kinds, KindBit(WantedKind::kHousing));
  const Wishes job =
      Wishes::FromProfile({{"work_rome_codes", {"J1506", "M1805"}}, {"leisure", "randonnée"}});
  EXPECT_EQ(job.kinds, KindBit(WantedKind::kJob) | KindBit(WantedKind::kLeisure));
  EXPECT_FALSE(FitsWishes(
      job, House({{"transaction", "sale"}, {"property_type", "house"}, {"price_eur", 1}})));
  EXPECT_EQ(Wishes::FromProfile({{"business_budget_eur", 1000}}).kinds,
            KindBit(WantedKind::kBusiness));
}

TEST(FitRulesTest, HousingConditions) {
  const Wishes wishes = Wishes::FromProfile({{"housing_tenure", "buy"},
                                             {"housing_type", "house"},
                                             {"housing_rooms_min", 4},
                                             {"housing_surface_min", 90},
                                             {"housing_price_max", 200000}});
  const json fitting = {{"transaction", "sale"},
                        {"property_type", "house"},
                        {"rooms", 4},
                        {"surface_m2", 90},
                        {"price_eur", 200000}};
  EXPECT_TRUE(FitsWishes(wishes, House(fitting)));  // bounds are inclusive
  auto with = [&](const char* key, json value) {
    json fields = fitting;
    fields[key] = std::move(value);
    return House(fields);
  };
  EXPECT_FALSE(FitsWishes(wishes, with("transaction", "rent")));
  EXPECT_FALSE(FitsWishes(wishes, with("property_type", "flat")));
  EXPECT_FALSE(FitsWishes(wishes, with("rooms", 3)));
  EXPECT_FALSE(FitsWishes(wishes, with("surface_m2", 89.5)));
  EXPECT_FALSE(FitsWishes(wishes, with("price_eur", 200001)));
  json no_rooms = fitting;
  no_rooms.erase("rooms");
  EXPECT_FALSE(FitsWishes(wishes, House(no_rooms)))
      << "an unstated value does not meet a condition";

  const Wishes renter = Wishes::FromProfile({{"housing_tenure", "rent"}, {"housing_type", "any"}});
  EXPECT_TRUE(FitsWishes(renter, with("transaction", "rent")));
  EXPECT_TRUE(FitsWishes(
      renter, House({{"transaction", "rent"}, {"property_type", "farm"}, {"price_eur", 700}})));
  EXPECT_FALSE(FitsWishes(renter, House(fitting)));
  const Wishes either =
      Wishes::FromProfile({{"housing_tenure", "either"}, {"housing_rooms_min", 0}});
  EXPECT_TRUE(FitsWishes(either, House(no_rooms))) << "a minimum of 0 is no condition";
  EXPECT_TRUE(FitsWishes(either, with("transaction", "rent")));
}

TEST(FitRulesTest, JobNeedsOneOfTheSkillsAndIgnoresTheContract) {
  const Wishes wishes = Wishes::FromProfile({{"work_rome_codes", {"J1506", "M1805"}}});
  auto job = [](const char* code, const char* contract) {
    return ListingFacts::FromFields(listings::Kind::kJob, "", "", "",
                                    {{"rome_code", code}, {"contract", contract}});
  };
  EXPECT_TRUE(FitsWishes(wishes, job("M1805", "cdd")));
  EXPECT_TRUE(FitsWishes(wishes, job("J1506", "seasonal")));
  EXPECT_FALSE(FitsWishes(wishes, job("J1507", "cdi")));
  EXPECT_EQ(RomeCodeNumber("J1506"), 9 * 10000 + 1506u);
  EXPECT_FALSE(RomeCodeNumber("J15X6").has_value());
}

TEST(FitRulesTest, BusinessSectorAndBudget) {
  const Wishes wishes =
      Wishes::FromProfile({{"business_sector", "food_service"}, {"business_budget_eur", 150000}});
  auto business = [](json fields) {
    return ListingFacts::FromFields(listings::Kind::kBusiness, "", "", "", fields);
  };
  EXPECT_TRUE(FitsWishes(wishes, business({{"sector", "food_service"}, {"price_eur", 150000}})));
  EXPECT_FALSE(FitsWishes(wishes, business({{"sector", "retail"}, {"price_eur", 100000}})));
  EXPECT_FALSE(FitsWishes(wishes, business({{"sector", "food_service"}, {"price_eur", 150001}})));
  EXPECT_FALSE(FitsWishes(wishes, business({{"sector", "food_service"}})));
}

TEST(FitRulesTest, NotificationPreferenceRoundTrips) {
  for (const char* name : {"instant", "daily", "weekly", "none"}) {
    EXPECT_STREQ(NotificationName(ParseNotification(name)), name);
  }
  EXPECT_EQ(ParseNotification("?"), Notification::kDaily);
}

}  // namespace
}  // namespace vivrovert::matching
