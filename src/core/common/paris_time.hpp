// The product's calendar is Paris's (its users and partners live there): the night's run,
// digests, entitlements and invoices name their days in Europe/Paris.
//
// Paris time comes from ICU's time-zone data (Europe/Paris: UTC+1, UTC+2 in summer), so a
// server in any zone, or a container without tzdata, names the same day.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace vivrovert {

// Seconds to add to UTC for Paris time at `utc` (3600 or 7200).
int64_t ParisOffsetSeconds(int64_t utc);
// "YYYY-MM-DD" of `utc` in Paris.
std::string ParisDate(int64_t utc);
// Hour of the day (0–23) of `utc` in Paris.
int ParisHour(int64_t utc);

}  // namespace vivrovert
