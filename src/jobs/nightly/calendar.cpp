#include "jobs/nightly/calendar.hpp"

#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace vivrovert::nightly {

namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

std::string Format(sys_days date) {
  year_month_day ymd(date);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

bool Parse(const std::string& text, sys_days& out) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return false;
  year_month_day ymd{year(y), month(m), day(d)};
  if (!ymd.ok()) return false;
  out = sys_days(ymd);
  return true;
}

}  // namespace

bool InMaintenanceWindow(int64_t utc) { return ParisHour(utc) == 0; }

std::string AddDays(const std::string& date, int count) {
  sys_days day_of;
  if (!Parse(date, day_of)) return {};
  return Format(day_of + days(count));
}

bool IsDate(const std::string& date) {
  sys_days day_of;
  return Parse(date, day_of);
}

}  // namespace vivrovert::nightly
