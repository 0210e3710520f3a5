#include "core/common/paris_time.hpp"

#include <unicode/timezone.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace vivrovert {

int64_t ParisOffsetSeconds(int64_t utc) {
  // ICU's own copy of the time-zone database: the same answer on any host.
  static const std::unique_ptr<icu::TimeZone> paris(icu::TimeZone::createTimeZone("Europe/Paris"));
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  paris->getOffset(static_cast<UDate>(utc) * 1000.0, /*local=*/false, raw, dst, status);
  if (U_FAILURE(status))
    throw std::runtime_error(std::string("ICU time zone: ") + u_errorName(status));
  return (raw + dst) / 1000;
}

std::string ParisDate(int64_t utc) {
  const int64_t local = utc + ParisOffsetSeconds(utc);
  const std::chrono::year_month_day day{
      std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(std::chrono::seconds(local)))};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

int ParisHour(int64_t utc) {
  const int64_t local = utc + ParisOffsetSeconds(utc);
  return static_cast<int>(((local % 86400) + 86400) % 86400 / 3600);
}

}  // namespace vivrovert
