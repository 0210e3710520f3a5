#include "domain/skills/skill_rules.hpp"

#include <algorithm>

namespace vivrovert::skills {

namespace {

bool In(const std::vector<int64_t>& sorted, int64_t id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

}  // namespace

SkillIndex SkillIndex::Build(const std::vector<PersonSkills>& people) {
  std::vector<std::pair<uint32_t, int64_t>> pairs;
  for (const PersonSkills& person : people) {
    for (uint32_t code : person.rome_codes) pairs.emplace_back(code, person.user_id);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  SkillIndex index;
  index.users_.reserve(pairs.size());
  for (const auto& [code, user_id] : pairs) {
    if (index.codes_.empty() || index.codes_.back() != code) {
      index.codes_.push_back(code);
      index.offsets_.push_back(static_cast<uint32_t>(index.users_.size()));
    }
    index.users_.push_back(user_id);
  }
  index.offsets_.push_back(static_cast<uint32_t>(index.users_.size()));
  return index;
}

std::span<const int64_t> SkillIndex::People(uint32_t rome_code) const {
  auto found = std::lower_bound(codes_.begin(), codes_.end(), rome_code);
  if (found == codes_.end() || *found != rome_code) return {};
  const size_t code_idx = static_cast<size_t>(found - codes_.begin());
  return {users_.data() + offsets_[code_idx], offsets_[code_idx + 1] - offsets_[code_idx]};
}

std::vector<Recipient> ChooseRecipients(std::span<const int64_t> candidates,
                                        const AudienceFacts& facts,
                                        const SkillAlertLimits& limits) {
  const int64_t room = std::max<int64_t>(0, limits.per_job - facts.already_for_job);
  std::vector<Recipient> chosen;
  if (room == 0) return chosen;
  auto under_weekly_cap = [&](int64_t user_id) {
    auto found = facts.alerts_this_week.find(user_id);
    return found == facts.alerts_this_week.end() || found->second < limits.per_person_week;
  };
  // First those who looked at the territory, then the consenting compatible others.
  std::vector<Recipient> unvisited;
  for (int64_t user_id : candidates) {
    if (In(facts.excluded, user_id) || !under_weekly_cap(user_id)) continue;
    if (In(facts.looked, user_id)) {
      chosen.push_back({user_id, false});
      if (static_cast<int64_t>(chosen.size()) == room) return chosen;
    } else if (In(facts.compatible, user_id) && In(facts.consented, user_id)) {
      unvisited.push_back({user_id, true});
    }
  }
  for (const Recipient& recipient : unvisited) {
    if (static_cast<int64_t>(chosen.size()) == room) break;
    chosen.push_back(recipient);
  }
  return chosen;
}

}  // namespace vivrovert::skills
