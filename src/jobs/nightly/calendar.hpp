// Dates of the nightly run: the run of a night is named by its date in Europe/Paris (the
// product's users and partners live there), and digests and lead reports by periods of
// that calendar.
//
// Paris time comes from ICU's time-zone data (Europe/Paris: UTC+1, UTC+2 in summer), so a
// server in any zone, or a container without tzdata, names the same night.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "core/common/text.hpp"

namespace vivrovert::nightly {

// Seconds to add to UTC for Paris time at `utc` (3600 or 7200).
int64_t ParisOffsetSeconds(int64_t utc);
// "YYYY-MM-DD" of `utc` in Paris.
std::string ParisDate(int64_t utc);
// Hour of the day (0–23) of `utc` in Paris.
int ParisHour(int64_t utc);

// True from 00:00 to 00:59 Paris time: the maintenance window, when no nightly run starts.
bool InMaintenanceWindow(int64_t utc);

// ISO 8601 week of a date: "2026-W48" for "2026-11-28" (core/common/text.hpp).
using ::vivrovert::IsoWeekKey;
// The date `days` after (or before, negative) `date`.
std::string AddDays(const std::string& date, int days);
// True for a well-formed existing calendar date "YYYY-MM-DD".
bool IsDate(const std::string& date);

}  // namespace vivrovert::nightly
