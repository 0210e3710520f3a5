#include "domain/billing/money.hpp"

#include <cstdlib>

namespace vivrovert::billing {

Cents DivideRounded(Cents numerator, int64_t denominator) {
  const Cents quotient = numerator / denominator;
  const Cents remainder = numerator % denominator;  // same sign as the numerator
  // Compare 2 |r| with d rather than r with d / 2, so odd denominators round right.
  if (2 * std::llabs(remainder) >= denominator) return numerator < 0 ? quotient - 1 : quotient + 1;
  return quotient;
}

Cents PercentOf(Cents amount, int64_t percent) { return DivideRounded(amount * percent, 100); }

double CentsToEuros(Cents amount) {
  // Division of an exact integer by 100 gives the double nearest the decimal value, which
  // JSON writers print in its shortest form (1234.56, not 1234.5599999).
  return static_cast<double>(amount) / 100.0;
}

std::string FormatEurosFrench(Cents amount) {
  const bool negative = amount < 0;
  const uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(amount + 1)) + 1 : static_cast<uint64_t>(amount);
  const std::string euros = std::to_string(magnitude / 100);
  const unsigned cents = static_cast<unsigned>(magnitude % 100);
  std::string grouped;
  for (size_t digit_idx = 0; digit_idx < euros.size(); ++digit_idx) {
    if (digit_idx > 0 && (euros.size() - digit_idx) % 3 == 0) grouped += "\u202f";
    grouped.push_back(euros[digit_idx]);
  }
  std::string text = negative ? "-" : "";
  text += grouped;
  text += ',';
  text.push_back(static_cast<char>('0' + cents / 10));
  text.push_back(static_cast<char>('0' + cents % 10));
  text += "\u00a0€";
  return text;
}

}  // namespace vivrovert::billing
