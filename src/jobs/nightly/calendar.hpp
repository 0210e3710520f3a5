// Dates of the nightly run: the run of a night is named by its date in Europe/Paris (the
// product's users and partners live there), and digests and lead reports by periods of
// that calendar.
//
// Paris time: core/common/paris_time.hpp.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"

namespace vivrovert::nightly {

// True from 00:00 to 00:59 Paris time: the maintenance window, when no nightly run starts.
bool InMaintenanceWindow(int64_t utc);

// ISO 8601 week of a date: "2026-W48" for "2026-11-28" (core/common/text.hpp).
using ::vivrovert::IsoWeekKey;
// The date `days` after (or before, negative) `date`.
std::string AddDays(const std::string& date, int days);
// True for a well-formed existing calendar date "YYYY-MM-DD".
bool IsDate(const std::string& date);

}  // namespace vivrovert::nightly
