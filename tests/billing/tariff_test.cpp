// Every rule of the seed's tariff ("Tarification et conditions générales de vente").
#include "domain/billing/tariff.hpp"

#include <gtest/gtest.h>

namespace vivrovert::billing {
namespace {

using K = CollectivityKind;
using P = ProductCode;

TEST(TariffTest, BaseFeeWhateverTheSize) {
  for (K kind : {K::kCommune, K::kEpci, K::kDepartement}) {
    EXPECT_EQ(MonthlyPrice(P::kBase, kind), Euros(1100)) << CollectivityKindName(kind);
  }
}

TEST(TariffTest, OptionPricesByKind) {
  struct Row {
    P code;
    int64_t departement, epci, commune;
  };
  const Row rows[] = {
      {P::kOption1, 300, 250, 200}, {P::kOption2, 800, 650, 500}, {P::kOption3, 500, 400, 300}};
  for (const Row& row : rows) {
    EXPECT_EQ(MonthlyPrice(row.code, K::kDepartement), Euros(row.departement));
    EXPECT_EQ(MonthlyPrice(row.code, K::kEpci), Euros(row.epci));
    EXPECT_EQ(MonthlyPrice(row.code, K::kCommune), Euros(row.commune));
  }
}

TEST(TariffTest, EveryEpciKindTakesTheCommunauteDeCommunesPrice) {
  for (const char* name : {"epci", "cc", "ca", "cu", "metropole", "métropole"}) {
    const std::optional<K> kind = ParseCollectivityKind(name);
    ASSERT_TRUE(kind.has_value()) << name;
    EXPECT_EQ(*kind, K::kEpci) << name;
    EXPECT_EQ(MonthlyPrice(P::kOption1, *kind), Euros(250)) << name;
    EXPECT_EQ(MonthlyPrice(P::kOption2, *kind), Euros(650)) << name;
    EXPECT_EQ(MonthlyPrice(P::kOption3, *kind), Euros(400)) << name;
  }
}

TEST(TariffTest, KindNames) {
  EXPECT_EQ(ParseCollectivityKind("commune"), K::kCommune);
  EXPECT_EQ(ParseCollectivityKind("departement"), K::kDepartement);
  EXPECT_EQ(ParseCollectivityKind("département"), K::kDepartement);
  for (const char* name : {"", "region", "Commune", "epci ", "communes"}) {
    EXPECT_FALSE(ParseCollectivityKind(name).has_value()) << name;
  }
  for (K kind : {K::kCommune, K::kEpci, K::kDepartement}) {
    EXPECT_EQ(ParseCollectivityKind(CollectivityKindName(kind)), kind);
  }
}

TEST(TariffTest, OptionCodes) {
  EXPECT_EQ(OptionFromNumber(1), P::kOption1);
  EXPECT_EQ(OptionFromNumber(2), P::kOption2);
  EXPECT_EQ(OptionFromNumber(3), P::kOption3);
  EXPECT_FALSE(OptionFromNumber(4).has_value());  // option 4 is PVD, not a line
  EXPECT_FALSE(OptionFromNumber(0).has_value());
  EXPECT_EQ(ProductCodeName(P::kBase), "base");
  EXPECT_EQ(ProductCodeName(P::kOption2), "option2");
}

// The seed's own examples: "si vous gérez 4 communautés de communes … 500 € par mois",
// "4 × 650 × 60 % de réduction soit 1040 €", "4 × 400 × 60 % de réduction = 640 €".
TEST(PvdTest, TheSeedsExamplesExactly) {
  EXPECT_EQ(PvdMonthly(P::kOption1, K::kEpci, 4), Euros(500));
  EXPECT_EQ(PvdMonthly(P::kOption2, K::kEpci, 4), Euros(1040));
  EXPECT_EQ(PvdMonthly(P::kOption3, K::kEpci, 4), Euros(640));
}

TEST(PvdTest, Rates) {
  EXPECT_EQ(PvdRatePercent(P::kOption1), 50);
  EXPECT_EQ(PvdRatePercent(P::kOption2), 40);
  EXPECT_EQ(PvdRatePercent(P::kOption3), 40);
  EXPECT_EQ(PvdMonthly(P::kOption1, K::kCommune, 10), Euros(1000));    // 10 × 200 × 50 %
  EXPECT_EQ(PvdMonthly(P::kOption2, K::kDepartement, 3), Euros(960));  // 3 × 800 × 40 %
  EXPECT_EQ(PvdMonthly(P::kOption3, K::kCommune, 7), Euros(840));      // 7 × 300 × 40 %
}

TEST(PvdTest, NeverBelowOneCollectivitysFullPrice) {
  // 1 × 500 × 40 % = 200 would be less than one commune's option 2.
  EXPECT_EQ(PvdMonthly(P::kOption2, K::kCommune, 1), Euros(500));
  EXPECT_EQ(PvdMonthly(P::kOption2, K::kEpci, 2), Euros(650));     // 520 → 650
  EXPECT_EQ(PvdMonthly(P::kOption2, K::kEpci, 3), Euros(780));     // above the floor
  EXPECT_EQ(PvdMonthly(P::kOption1, K::kCommune, 1), Euros(200));  // 100 → 200
  EXPECT_EQ(PvdMonthly(P::kOption1, K::kCommune, 2), Euros(200));  // exactly the floor
  EXPECT_EQ(PvdMonthly(P::kOption1, K::kCommune, 3), Euros(300));
  EXPECT_EQ(PvdMonthly(P::kOption3, K::kDepartement, 2), Euros(500));  // 400 → 500
}

TEST(PvdTest, BasePaidOnceByTheGrouping) {
  EXPECT_EQ(PvdMonthly(P::kBase, K::kCommune, 12), Euros(1100));
  EXPECT_EQ(PvdMonthly(P::kBase, K::kEpci, 1), Euros(1100));
}

}  // namespace
}  // namespace vivrovert::billing
