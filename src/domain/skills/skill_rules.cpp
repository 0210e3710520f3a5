#include "domain/skills/skill_rules.hpp"

#include <algorithm>

namespace vivrovert::skills {

namespace {

// A position in an ascending list, moved forward only, by galloping (exponential then binary
// search): asked ascending ids, it costs O(k log(n / k)) over k questions.
template <typename T, typename Key>
class Cursor {
 public:
  Cursor(const std::vector<T>& sorted, Key key) : sorted_(sorted), key_(key) {}
  // The element whose key is `id`, or nullptr; `id` must not decrease between calls.
  const T* Find(int64_t id) {
    size_t step = 1, low = position_;
    while (low + step < sorted_.size() && key_(sorted_[low + step]) < id) {
      low += step;
      step *= 2;
    }
    const size_t high = std::min(sorted_.size(), low + step + 1);
    position_ = static_cast<size_t>(
        std::partition_point(sorted_.begin() + static_cast<std::ptrdiff_t>(low),
                             sorted_.begin() + static_cast<std::ptrdiff_t>(high),
                             [&](const T& item) { return key_(item) < id; }) -
        sorted_.begin());
    return position_ < sorted_.size() && key_(sorted_[position_]) == id ? &sorted_[position_]
                                                                        : nullptr;
  }

 private:
  const std::vector<T>& sorted_;
  Key key_;
  size_t position_ = 0;
};

auto Ids(const std::vector<int64_t>& sorted) {
  return Cursor(sorted, [](int64_t id) { return id; });
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
  auto excluded = Ids(facts.excluded), looked = Ids(facts.looked),
       compatible = Ids(facts.compatible), consented = Ids(facts.consented);
  Cursor weekly(facts.alerts_this_week,
                [](const std::pair<int64_t, int>& entry) { return entry.first; });
  // First those who looked at the territory, then the consenting compatible others.
  std::vector<Recipient> unvisited;
  for (int64_t user_id : candidates) {
    // Every cursor is asked every id, in order, so none skips past a later one.
    const bool is_excluded = excluded.Find(user_id) != nullptr;
    const std::pair<int64_t, int>* week = weekly.Find(user_id);
    const bool has_looked = looked.Find(user_id) != nullptr;
    const bool is_compatible = compatible.Find(user_id) != nullptr;
    const bool has_consented = consented.Find(user_id) != nullptr;
    if (is_excluded || (week != nullptr && week->second >= limits.per_person_week)) continue;
    if (has_looked) {
      chosen.push_back({user_id, false});
      if (static_cast<int64_t>(chosen.size()) == room) return chosen;
    } else if (is_compatible && has_consented) {
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
