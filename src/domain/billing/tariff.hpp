// The tariff of the proposal ("Tarification et conditions générales de vente", docs/BILLING.md):
// what one month of the base service and of each option costs a collectivité, by kind, and
// what a PVD grouping (option 4) pays for its members.
//
// Thread safety: pure functions over constant tables.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/billing/money.hpp"

namespace vivrovert::billing {

// The kind the options are priced for. Every EPCI (communauté de communes,
// d'agglomération, urbaine, métropole) takes the price of the seed's "communauté de
// communes".
enum class CollectivityKind { kCommune, kEpci, kDepartement };

// "commune", "epci", "departement": the names of the interface (CLI, API, JSON).
std::string_view CollectivityKindName(CollectivityKind kind);
// "commune", "EPCI", "département": for French text.
std::string_view CollectivityKindLabel(CollectivityKind kind);
// The kind named `name`: the three names above, "département", and the EPCI forms "cc",
// "ca", "cu", "metropole", "métropole" (all kEpci); nullopt for anything else. Case-sensitive.
std::optional<CollectivityKind> ParseCollectivityKind(std::string_view name);

// What a line of a quote is for. Option 4 (PVD) is not a line: it is a way of buying the
// other options for several members (PvdOptionMonthly).
enum class ProductCode { kBase, kOption1, kOption2, kOption3 };

// "base", "option1", "option2", "option3": the codes of the JSON.
std::string_view ProductCodeName(ProductCode code);
// "Redevance de base", "Option 1 : baromètre d'attractivité", …: for French text.
std::string_view ProductLabel(ProductCode code);
// The option numbered `number` (1, 2 or 3); nullopt for any other number, 4 included.
std::optional<ProductCode> OptionFromNumber(int number);
// 1, 2 or 3 for the options; 0 for the base.
int OptionNumber(ProductCode code);

// Base fee, whatever the size: 1 100 € HT a month.
inline constexpr Cents kBaseMonthly = Euros(1100);

// The full monthly price (HT) of `code` for one collectivité of `kind`: the base 1 100 €;
// option 1 300/250/200, option 2 800/650/500, option 3 500/400/300 € for a département /
// an EPCI / a commune.
Cents MonthlyPrice(ProductCode code, CollectivityKind kind);

// Option 4's rate for `code`, in percent of the full price per member: 50 for option 1,
// 40 for options 2 and 3 (the seed's "réduction de 60 %", as its own examples compute).
// 100 for the base, which a grouping pays once.
int PvdRatePercent(ProductCode code);

// What a PVD grouping pays a month for `code` bought for `members` (≥ 1) collectivités of
// `kind`: full price × members × PvdRatePercent, never below one collectivité's full price
// (the floor applies to the option's total). The base is paid once: kBaseMonthly.
// Example (the seed's): 4 EPCI → option 1 500 €, option 2 1 040 €, option 3 640 €.
Cents PvdMonthly(ProductCode code, CollectivityKind kind, int members);

}  // namespace vivrovert::billing
