#include "domain/billing/tariff.hpp"

#include <algorithm>

namespace vivrovert::billing {

namespace {

// Index of a kind in the price rows below.
int KindIndex(CollectivityKind kind) {
  switch (kind) {
    case CollectivityKind::kDepartement:
      return 0;
    case CollectivityKind::kEpci:
      return 1;
    case CollectivityKind::kCommune:
      return 2;
  }
  return 2;
}

// € HT a month, for a département / an EPCI / a commune.
constexpr int64_t kOptionEuros[3][3] = {
    {300, 250, 200},  // option 1: baromètre d'attractivité
    {800, 650, 500},  // option 2: plateforme territoriale
    {500, 400, 300},  // option 3: compétences
};

}  // namespace

std::string_view CollectivityKindName(CollectivityKind kind) {
  switch (kind) {
    case CollectivityKind::kCommune:
      return "commune";
    case CollectivityKind::kEpci:
      return "epci";
    case CollectivityKind::kDepartement:
      return "departement";
  }
  return "commune";
}

std::string_view CollectivityKindLabel(CollectivityKind kind) {
  switch (kind) {
    case CollectivityKind::kCommune:
      return "commune";
    case CollectivityKind::kEpci:
      return "EPCI";
    case CollectivityKind::kDepartement:
      return "département";
  }
  return "commune";
}

std::optional<CollectivityKind> ParseCollectivityKind(std::string_view name) {
  if (name == "commune") return CollectivityKind::kCommune;
  if (name == "epci" || name == "cc" || name == "ca" || name == "cu" || name == "metropole" ||
      name == "métropole")
    return CollectivityKind::kEpci;
  if (name == "departement" || name == "département") return CollectivityKind::kDepartement;
  return std::nullopt;
}

std::string_view ProductCodeName(ProductCode code) {
  switch (code) {
    case ProductCode::kBase:
      return "base";
    case ProductCode::kOption1:
      return "option1";
    case ProductCode::kOption2:
      return "option2";
    case ProductCode::kOption3:
      return "option3";
  }
  return "base";
}

std::string_view ProductLabel(ProductCode code) {
  switch (code) {
    case ProductCode::kBase:
      return "Redevance de base";
    case ProductCode::kOption1:
      return "Option 1 : baromètre d'attractivité";
    case ProductCode::kOption2:
      return "Option 2 : plateforme territoriale";
    case ProductCode::kOption3:
      return "Option 3 : compétences";
  }
  return "";
}

std::optional<ProductCode> OptionFromNumber(int number) {
  switch (number) {
    case 1:
      return ProductCode::kOption1;
    case 2:
      return ProductCode::kOption2;
    case 3:
      return ProductCode::kOption3;
    default:
      return std::nullopt;
  }
}

int OptionNumber(ProductCode code) {
  switch (code) {
    case ProductCode::kBase:
      return 0;
    case ProductCode::kOption1:
      return 1;
    case ProductCode::kOption2:
      return 2;
    case ProductCode::kOption3:
      return 3;
  }
  return 0;
}

Cents MonthlyPrice(ProductCode code, CollectivityKind kind) {
  if (code == ProductCode::kBase) return kBaseMonthly;
  return Euros(kOptionEuros[OptionNumber(code) - 1][KindIndex(kind)]);
}

int PvdRatePercent(ProductCode code) {
  switch (code) {
    case ProductCode::kBase:
      return 100;
    case ProductCode::kOption1:
      return 50;
    case ProductCode::kOption2:
    case ProductCode::kOption3:
      return 40;
  }
  return 100;
}

Cents PvdMonthly(ProductCode code, CollectivityKind kind, int members) {
  if (code == ProductCode::kBase) return kBaseMonthly;
  const Cents full = MonthlyPrice(code, kind);
  return std::max(full, PercentOf(full * members, PvdRatePercent(code)));
}

}  // namespace vivrovert::billing
