#include "domain/demand/demo_demand.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "domain/demand/demand_recorder.hpp"
#include "domain/demand/demand_store.hpp"

namespace vivrovert::demand {

namespace {

// A fraction in [0, 1) from the generator's 53 high bits (the same on every platform,
// unlike the standard distributions).
double Fraction(std::mt19937_64& random) { return static_cast<double>(random() >> 11) * 0x1.0p-53; }

}  // namespace

Result<DemoDemandSummary> SeedDemoDemand(storage::Database& database, const engine::GridFile& grid,
                                         const Clock& clock, const nlohmann::json& profiles,
                                         int searches) {
  // The profiles as the search page offers them, without the criteria the grid lacks.
  std::vector<nlohmann::json> usable;
  if (profiles.is_object() && profiles.contains("profiles") && profiles["profiles"].is_array()) {
    for (const nlohmann::json& profile : profiles["profiles"]) {
      if (!profile.is_object() || !profile.contains("criteria")) continue;
      nlohmann::json criteria = nlohmann::json::array();
      for (const nlohmann::json& constraint : profile["criteria"]) {
        if (constraint.is_object() && grid.catalogue().Find(constraint.value("criterion", "")))
          criteria.push_back(constraint);
      }
      nlohmann::json request = {{"level", "1km"}, {"criteria", criteria}};
      if (!criteria.empty() && engine::ParseSearchRequest(request, grid).ok())
        usable.push_back(std::move(request));
    }
  }
  if (usable.empty())
    return InvalidArgument("Aucun profil de data/profiles.json n'est utilisable sur cette grille.");

  {
    storage::Connection connection = database.Acquire();
    storage::Transaction transaction(connection);
    DemandStore::DeleteDemo(connection);
    transaction.Commit();
  }
  DemandRecorder recorder(database, grid, clock, "");
  std::mt19937_64 random(kDemoDemandSeed);
  const int64_t now = clock.NowSeconds();
  constexpr int64_t kSpan = int64_t{kDemoDemandDays} * 24 * 3600;
  DemoDemandSummary summary;
  summary.profiles = static_cast<int64_t>(usable.size());
  for (int search = 0; search < searches; ++search) {
    nlohmann::json request =
        usable[static_cast<size_t>(Fraction(random) * static_cast<double>(usable.size()))];
    // Half the searches keep the profile's bounds; the others vary each bound.
    const bool vary = Fraction(random) < 0.5;
    for (nlohmann::json& constraint : request["criteria"]) {
      for (const char* side : {"min", "max"}) {
        if (!vary || !constraint.contains(side) || !constraint[side].is_number()) continue;
        const double factor = 0.5 + Fraction(random);
        constraint[side] = std::round(constraint[side].get<double>() * factor * 10.0) / 10.0;
      }
    }
    Result<engine::SearchRequest> parsed = engine::ParseSearchRequest(request, grid);
    if (!parsed.ok()) continue;  // a varied window that became empty
    const int64_t at = now - static_cast<int64_t>(Fraction(random) * static_cast<double>(kSpan));
    recorder.RecordAt(*parsed, "", at, true);
    ++summary.searches;
    if (recorder.buffered() >= kFlushBatch) recorder.Flush();
  }
  recorder.Flush();
  return summary;
}

}  // namespace vivrovert::demand
