#include "domain/billing/calendar.hpp"

#include <cstdio>

#include "core/common/text.hpp"

namespace vivrovert::billing {

std::optional<Date> ParseIsoDate(std::string_view text) {
  const std::optional<int64_t> epoch_seconds = ParseUtcDate(text);
  if (!epoch_seconds) return std::nullopt;
  return Date{std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds(std::chrono::seconds(*epoch_seconds)))};
}

std::string FormatIsoDate(Date date) {
  char text[48];  // room for any values, which the compiler cannot rule out
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::string FormatFrenchDate(Date date) {
  char text[48];
  std::snprintf(text, sizeof text, "%02u/%02u/%04d", static_cast<unsigned>(date.day()),
                static_cast<unsigned>(date.month()), static_cast<int>(date.year()));
  return text;
}

Date AddMonths(Date date, int months) {
  const std::chrono::year_month target =
      std::chrono::year_month(date.year(), date.month()) + std::chrono::months(months);
  const std::chrono::year_month_day_last last{target.year(),
                                              std::chrono::month_day_last(target.month())};
  const std::chrono::day day = date.day() <= last.day() ? date.day() : last.day();
  return Date{target.year(), target.month(), day};
}

Date PreviousDay(Date date) { return Date{std::chrono::sys_days(date) - std::chrono::days(1)}; }

}  // namespace vivrovert::billing
