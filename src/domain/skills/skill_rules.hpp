// Who is told of a newly published job through a skills alert (option 3), as pure code: the
// index of people's ROME codes and the choice of recipients under consent and caps.
//
// The rule (docs/SKILLS.md, "Skills alerts"):
//  - candidates: the people one of whose ROME codes (profile, CV) is the job's;
//  - a candidate who looked at the partner's territory (a contact or prospect of the
//    partner) may be told; one who never did only when the territory meets every required
//    criterion of one of their saved searches (domain/compatibility) AND they granted the
//    consent "unvisited_jobs" (off by default);
//  - never: people who chose no notification, or already told of this listing;
//  - caps: at most `per_person_week` skills alerts to one person in any 7 days, at most
//    `per_job` people per job (those already told of it count); those who looked come
//    first, then the others, each group by ascending user id.
//
// Thread safety: SkillIndex is immutable once built; the functions are pure.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace vivrovert::skills {

class SkillIndex {
 public:
  struct PersonSkills {
    int64_t user_id = 0;
    std::vector<uint32_t> rome_codes;  // matching::RomeCodeNumber values
  };
  // Duplicates (of codes, of people) are merged.
  static SkillIndex Build(const std::vector<PersonSkills>& people);
  // The people with `rome_code`, ascending; empty when none.
  std::span<const int64_t> People(uint32_t rome_code) const;
  size_t code_count() const { return codes_.size(); }
  size_t posting_count() const { return users_.size(); }

 private:
  std::vector<uint32_t> codes_;    // sorted distinct codes
  std::vector<uint32_t> offsets_;  // codes_.size() + 1 offsets into users_
  std::vector<int64_t> users_;
};

struct SkillAlertLimits {
  int per_job = 200;
  int per_person_week = 3;
};

// What the rule knows of the candidates. Id lists are ascending.
struct AudienceFacts {
  std::vector<int64_t> looked;      // contacts and prospects of the partner
  std::vector<int64_t> compatible;  // the territory meets all criteria of one of their searches
  std::vector<int64_t> consented;   // "unvisited_jobs" granted
  std::vector<int64_t> excluded;    // no notification wanted, or already told of the listing
  // Skills alerts in the last 7 days, by ascending user id (absent: none).
  std::vector<std::pair<int64_t, int>> alerts_this_week;
  int64_t already_for_job = 0;  // people already alerted of this job
};

struct Recipient {
  int64_t user_id = 0;
  bool unvisited = false;  // reached through the consent, never looked at the territory
  friend bool operator==(const Recipient&, const Recipient&) = default;
};

// `candidates`: ascending user ids (SkillIndex::People, or a database read). The id lists
// are walked with galloping cursors, so the cost follows the candidates, not the lists.
std::vector<Recipient> ChooseRecipients(std::span<const int64_t> candidates,
                                        const AudienceFacts& facts, const SkillAlertLimits& limits);

}  // namespace vivrovert::skills
