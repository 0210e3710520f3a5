// Calendar days of billing: signature dates, due dates and invoiced periods, as
// `std::chrono::year_month_day` (no time of day, no time zone: a contract's dates are days).
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vivrovert::billing {

using Date = std::chrono::year_month_day;

// The day written "AAAA-MM-JJ" (exactly ten characters, a real calendar day); nullopt for
// anything else ("2027-02-30", "2027-1-01", "01/02/2027").
std::optional<Date> ParseIsoDate(std::string_view text);

// "AAAA-MM-JJ".
std::string FormatIsoDate(Date date);

// "JJ/MM/AAAA", as French text shows a day.
std::string FormatFrenchDate(Date date);

// `date` plus `months` calendar months; a day past the end of the target month becomes its
// last day (2027-01-31 + 1 → 2027-02-28). Always counted from `date` itself, so a series
// AddMonths(start, k) never drifts (2027-01-31 + 2 → 2027-03-31).
Date AddMonths(Date date, int months);

// The day before `date`.
Date PreviousDay(Date date);

}  // namespace vivrovert::billing
