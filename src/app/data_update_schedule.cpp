#include "app/data_update_schedule.hpp"

#include <filesystem>
#include <fstream>
#include <utility>

#include "core/common/paris_time.hpp"

namespace vivrovert::app {

int ParisWeekday(int64_t utc) {
  const int64_t local = utc + ParisOffsetSeconds(utc);
  int64_t days = local / 86400;
  if (local % 86400 < 0) --days;
  // 1970-01-01 was a Thursday (ISO 4).
  return static_cast<int>(((days + 3) % 7 + 7) % 7) + 1;
}

DataUpdateSchedule::DataUpdateSchedule(int day, int hour, const Clock& clock,
                                       std::string state_path)
    : day_(day), hour_(hour), clock_(clock), state_path_(std::move(state_path)) {}

std::string DataUpdateSchedule::LastRunDate() const {
  std::ifstream in(state_path_);
  std::string date;
  if (in) std::getline(in, date);
  return date > last_run_date_ ? date : last_run_date_;
}

bool DataUpdateSchedule::Due() const {
  if (day_ < 0) return false;
  const int64_t now = clock_.NowSeconds();
  if (day_ > 0 && ParisWeekday(now) != day_) return false;
  if (ParisHour(now) < hour_) return false;
  return LastRunDate() != ParisDate(now);
}

Status DataUpdateSchedule::MarkRun() {
  last_run_date_ = ParisDate(clock_.NowSeconds());
  std::error_code ignored;
  const std::filesystem::path path(state_path_);
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ignored);
  const std::string temp = state_path_ + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << last_run_date_ << "\n";
    out.flush();
    if (!out) return Unavailable("cannot write " + temp);
  }
  std::error_code error;
  std::filesystem::rename(temp, state_path_, error);
  if (error) return Unavailable("cannot write " + state_path_ + ": " + error.message());
  return Status::Ok();
}

}  // namespace vivrovert::app
