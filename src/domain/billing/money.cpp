#include "domain/billing/money.hpp"

#include <algorithm>
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

std::optional<Cents> ParseEuros(std::string_view text) {
  // Spaces a person or a copied figure may carry: ASCII, no-break, narrow no-break.
  std::string compact;
  for (size_t byte_idx = 0; byte_idx < text.size(); ++byte_idx) {
    const std::string_view rest = text.substr(byte_idx);
    if (rest.starts_with(" ") || rest.starts_with("\t")) continue;
    if (rest.starts_with("\u00a0")) {
      byte_idx += std::string_view("\u00a0").size() - 1;
      continue;
    }
    if (rest.starts_with("\u202f")) {
      byte_idx += std::string_view("\u202f").size() - 1;
      continue;
    }
    compact.push_back(text[byte_idx]);
  }
  if (compact.ends_with("€")) compact.resize(compact.size() - std::string_view("€").size());
  const size_t separator = compact.find_first_of(",.");
  const std::string whole = compact.substr(0, separator);
  const std::string decimals = separator == std::string::npos ? "" : compact.substr(separator + 1);
  const auto all_digits = [](const std::string& part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || whole.size() > 12 || !all_digits(whole) || !all_digits(decimals) ||
      decimals.size() > 2 || (separator != std::string::npos && decimals.empty()))
    return std::nullopt;
  Cents cents = std::stoll(whole) * 100;
  if (!decimals.empty()) cents += std::stoll(decimals) * (decimals.size() == 1 ? 10 : 1);
  return cents;
}

}  // namespace vivrovert::billing
