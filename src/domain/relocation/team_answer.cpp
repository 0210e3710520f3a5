#include "domain/relocation/team_answer.hpp"

#include <algorithm>
#include <bit>
#include <iterator>
#include <map>

#include "core/common/json_input.hpp"
#include "domain/listings/placement.hpp"

namespace vivrovert::relocation {

namespace {

const char* kPlaceLabel = "Distance à un lieu personnel";

}  // namespace

Result<CheckedAnswer> CheckAnswer(const engine::GridFile& grid, std::string_view text) {
  Result<nlohmann::json> body = ParseUntrustedJsonObject(text, "answer");
  if (!body.ok())
    return InvalidArgument("Votre réponse n'est pas une recherche lisible (JSON) : " +
                               std::string(body.status().message()),
                           "answer");
  if (!body->contains("level")) (*body)["level"] = "1km";
  if (!(*body)["level"].is_string() || (*body)["level"] != "1km")
    return InvalidArgument(
        "Un projet d'installation compare des dalles de 1 km : « level » "
        "vaut « 1km ».",
        "answer.level");
  Result<engine::SearchRequest> parsed =
      engine::ParseSearchRequest(*body, grid, listings::PlaceLocatorFor(grid));
  if (!parsed.ok())
    return Status(parsed.status().code(), parsed.status().message(),
                  "answer." + parsed.status().field());
  CheckedAnswer checked;
  checked.normalised = engine::SearchRequestToJson(*parsed, grid).dump();
  checked.request = std::move(*parsed);
  return checked;
}

ParsedAnswers ParseAnswers(const engine::GridFile& grid, const std::vector<Member>& members) {
  ParsedAnswers parsed;
  for (const Member& member : members) {
    if (!member.answer) continue;
    Result<CheckedAnswer> checked = CheckAnswer(grid, *member.answer);
    if (!checked.ok() || parsed.requests.size() >= engine::kMaxGroupMembers) {
      parsed.unreadable++;
      continue;
    }
    parsed.members.push_back(member);
    parsed.requests.push_back(std::move(checked->request));
  }
  return parsed;
}

TeamAnswer ComputeTeamAnswer(const engine::SearchEngine& engine,
                             const std::vector<engine::SearchRequest>& answers, size_t k,
                             size_t map_k) {
  TeamAnswer answer;
  answer.answered = std::min(answers.size(), engine::kMaxGroupMembers);
  engine::GroupResult group = engine.SearchGroup(answers, std::max(k, map_k));
  answer.suits_everyone = group.suits_everyone;
  answer.suited_by = std::move(group.suited_by);
  answer.best.assign(group.best.begin(), group.best.begin() + static_cast<std::ptrdiff_t>(
                                                                  std::min(k, group.best.size())));
  if (map_k > 0) {
    group.best.resize(std::min(map_k, group.best.size()));
    answer.map = std::move(group.best);
  }

  const engine::CriteriaCatalogue& catalogue = engine.grid().catalogue();
  struct Tally {
    uint64_t exclusions = 0;
    uint64_t members = 0;  // bit per member
  };
  std::map<std::string, Tally> tallies;
  for (const engine::GroupTile& tile : answer.best) {
    for (size_t member_idx = 0; member_idx < answer.answered; ++member_idx) {
      const uint64_t bit = uint64_t{1} << member_idx;
      if ((tile.failing & bit) == 0) continue;
      const engine::SearchRequest& request = answers[member_idx];
      const engine::Explanation explanation = engine.Explain(request, tile.tile);
      for (const engine::ConstraintCheck& check : explanation.checks) {
        const engine::Constraint& constraint = request.constraints[check.constraint];
        if (constraint.importance != engine::Importance::kRequired || check.passes) continue;
        Tally& tally = tallies[catalogue.criteria()[constraint.criterion].id];
        tally.exclusions++;
        tally.members |= bit;
      }
      bool place_fails = false;
      for (const engine::PlaceCheck& check : explanation.places) {
        place_fails = place_fails ||
                      (request.places[check.place].importance == engine::Importance::kRequired &&
                       !check.passes);
      }
      if (place_fails) {
        Tally& tally = tallies[kPlaceKey];
        tally.exclusions++;
        tally.members |= bit;
      }
    }
  }
  for (const auto& [id, tally] : tallies) {
    ExcludingCriterion criterion;
    criterion.criterion = id;
    if (id == kPlaceKey) {
      criterion.label = kPlaceLabel;
    } else {
      for (const engine::CriterionSpec& spec : catalogue.criteria()) {
        if (spec.id == id) criterion.label = spec.label;
      }
    }
    criterion.exclusions = tally.exclusions;
    criterion.members = static_cast<uint32_t>(std::popcount(tally.members));
    answer.excluding.push_back(std::move(criterion));
  }
  std::stable_sort(answer.excluding.begin(), answer.excluding.end(),
                   [](const ExcludingCriterion& a, const ExcludingCriterion& b) {
                     return a.exclusions > b.exclusions;
                   });
  return answer;
}

TerritoryShare ShareOfTerritory(const engine::SearchEngine& engine,
                                const std::vector<engine::SearchRequest>& answers,
                                const std::vector<uint32_t>& territory_communes) {
  TerritoryShare share;
  if (answers.empty()) return share;
  const engine::Level level = answers.front().level;
  const engine::LevelView* view = engine.grid().level(level);
  if (view == nullptr) return share;
  std::map<uint32_t, uint32_t> suited;  // tile → members
  for (const engine::SearchRequest& answer : answers) {
    if (answer.level != level) continue;
    engine::SearchRequest within = answer;
    if (answer.has_territory) {
      std::vector<uint32_t> own = answer.territory_communes;
      std::sort(own.begin(), own.end());
      within.territory_communes.clear();
      std::set_intersection(own.begin(), own.end(), territory_communes.begin(),
                            territory_communes.end(),
                            std::back_inserter(within.territory_communes));
      if (within.territory_communes.empty()) continue;
    } else {
      within.territory_communes = territory_communes;
    }
    within.has_territory = true;
    for (uint32_t tile : engine.GreenTiles(within)) suited[tile]++;
  }
  engine::Territory territory = engine::Territory::FromCommunes(territory_communes);
  share.tiles = territory.Tiles(*view).size();
  for (const auto& [tile, members] : suited) {
    if (members > share.best_suited) {
      share.best_suited = members;
      share.tiles_at_best = 0;
    }
    if (members == share.best_suited) share.tiles_at_best++;
  }
  return share;
}

std::vector<Need> SummariseNeeds(const engine::GridFile& grid,
                                 const std::vector<engine::SearchRequest>& answers) {
  const engine::CriteriaCatalogue& catalogue = grid.catalogue();
  std::map<size_t, uint32_t> by_criterion;
  uint32_t with_places = 0;
  for (const engine::SearchRequest& answer : answers) {
    std::vector<size_t> required;
    for (const engine::Constraint& constraint : answer.constraints) {
      if (constraint.importance == engine::Importance::kRequired)
        required.push_back(constraint.criterion);
    }
    std::sort(required.begin(), required.end());
    required.erase(std::unique(required.begin(), required.end()), required.end());
    for (size_t criterion : required) by_criterion[criterion]++;
    with_places += std::any_of(answer.places.begin(), answer.places.end(),
                               [](const engine::PlaceConstraint& place) {
                                 return place.importance == engine::Importance::kRequired;
                               });
  }
  std::vector<Need> needs;
  for (const auto& [criterion, members] : by_criterion) {
    const engine::CriterionSpec& spec = catalogue.criteria()[criterion];
    needs.push_back({spec.id, spec.label, members});
  }
  if (with_places > 0) needs.push_back({kPlaceKey, kPlaceLabel, with_places});
  std::stable_sort(needs.begin(), needs.end(),
                   [](const Need& a, const Need& b) { return a.members > b.members; });
  return needs;
}

}  // namespace vivrovert::relocation
