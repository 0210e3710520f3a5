// The SIRET check of employers: 14 digits and the Luhn key (La Poste's own rule aside).
#include <gtest/gtest.h>

#include "domain/relocation/relocation_store.hpp"

namespace vivrovert::relocation {
namespace {

TEST(SiretTest, AcceptsAValidNumberWithSpaces) {
  Result<std::string> siret = CheckSiret("732 829 320 00074");
  ASSERT_TRUE(siret.ok()) << siret.status().ToString();
  EXPECT_EQ(*siret, "73282932000074");
}

TEST(SiretTest, RefusesAWrongKeyNamingTheField) {
  Result<std::string> siret = CheckSiret("73282932000075");
  ASSERT_FALSE(siret.ok());
  EXPECT_EQ(siret.status().field(), "siret");
  EXPECT_NE(siret.status().message().find("clé de contrôle"), std::string::npos);
}

TEST(SiretTest, RefusesAWrongLengthOrLetters) {
  EXPECT_NE(CheckSiret("7328293200007").status().message().find("14 chiffres (ici 13)"),
            std::string::npos);
  EXPECT_FALSE(CheckSiret("7328293200007A").ok());
  EXPECT_FALSE(CheckSiret("").ok());
}

TEST(SiretTest, LaPosteEstablishmentsFollowTheirOwnRule) {
  // Luhn fails, the sum of the digits (15) is a multiple of 5.
  EXPECT_TRUE(CheckSiret("35600000000001").ok());
  EXPECT_FALSE(CheckSiret("35600000000002").ok());
  // The exception is La Poste's only.
  // The exception is La Poste's only: the same sum under another SIREN fails its Luhn key.
  EXPECT_FALSE(CheckSiret("45600000000000").ok());
}

}  // namespace
}  // namespace vivrovert::relocation
