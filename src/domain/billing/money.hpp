// Money in VivroVert's billing: integer cents, and the one rounding rule of every amount.
//
// Every amount is an `int64_t` count of euro cents (`Cents`), never a floating-point
// number; euros appear only at the edges (JSON numbers, French text). Whenever a rule
// divides money (a percentage, a share, the TVA), it calls `DivideRounded`, the one place
// where a fraction of a cent is rounded:
//
//   rounding rule: round half away from zero, to the cent
//   (1 234,565 € → 1 234,57 €; −0,005 € → −0,01 €).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vivrovert::billing {

using Cents = int64_t;

// Whole euros as cents (Euros(1100) == 110000).
constexpr Cents Euros(int64_t euros) { return euros * 100; }

// `numerator / denominator` rounded half away from zero: the rounding rule of billing.
// `denominator` must be positive. Overflow is the caller's to avoid (amounts here stay
// far below 2^63 cents).
Cents DivideRounded(Cents numerator, int64_t denominator);

// `percent` % of `amount`, through DivideRounded (PercentOf(Euros(7200), 30) == Euros(2160)).
Cents PercentOf(Cents amount, int64_t percent);

// The euros of `amount` as a JSON number: 200000 → 2000.0, 123456 → 1234.56. Exact for
// every amount below 2^53 cents, which is the only reason it may be a double.
double CentsToEuros(Cents amount);

// French text: "1 100,00 €" (narrow no-break space between thousands, comma decimals).
std::string FormatEurosFrench(Cents amount);

// An amount typed by a person, in euros: digits with an optional decimal comma or point and
// at most two decimals, spaces (also no-break ones) between thousands, an optional "€"
// ("1 234,56", "1234.5 €", "80"). Never negative; nullopt for anything else or beyond
// 10^12 €.
std::optional<Cents> ParseEuros(std::string_view text);

}  // namespace vivrovert::billing
