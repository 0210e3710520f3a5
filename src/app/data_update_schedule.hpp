// When a server runs `vivrovert data update` by itself: data.update_day (-1 never, the
// default; 0 every day; 1–7 Monday–Sunday) from data.update_hour (0–23), Paris time, like
// the night's run from nightly.hour. At most once per Paris day: the day it last ran is kept
// in a small state file under var/, so a restart the same day does not run it again.
//
// Each node of a cluster decides for itself (its own var/): with one grid file shared by
// every node, set the schedule on one node only; with a copy per node, on each
// (docs/DEPLOY.md, "Data updates and the grid switch").
//
// Thread safety: one thread (the server's scheduler) calls Due and MarkRun.
#pragma once

#include <cstdint>
#include <string>

#include "core/common/env.hpp"
#include "core/common/status.hpp"

namespace vivrovert::app {

// ISO day of the week (1 Monday … 7 Sunday) of `utc` in Paris.
int ParisWeekday(int64_t utc);

class DataUpdateSchedule {
 public:
  // `clock` must outlive the schedule. `state_path`: the file naming the last day it ran.
  DataUpdateSchedule(int day, int hour, const Clock& clock, std::string state_path);

  bool enabled() const { return day_ >= 0; }
  // The configured day and hour are reached (Paris time) and the update has not run that
  // day yet.
  bool Due() const;
  // Records that it ran today, whatever the outcome: a failing source is tried again on the
  // next scheduled day, not in a loop. A state file that cannot be written is an error on
  // the caller's log, and the update may run again after a restart that day.
  Status MarkRun();

 private:
  std::string LastRunDate() const;

  int day_;
  int hour_;
  const Clock& clock_;
  std::string state_path_;
  std::string last_run_date_;  // in memory too, when the file cannot be written
};

}  // namespace vivrovert::app
