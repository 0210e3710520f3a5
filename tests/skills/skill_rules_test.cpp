// The skills alert rule (domain/skills/skill_rules.hpp) on hand-made facts: the index, the
// consent for unvisited territories, exclusions and both caps.
#include "domain/skills/skill_rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace vivrovert::skills {
namespace {

TEST(SkillIndex, ListsThePeopleOfACodeOnceInOrder) {
  const SkillIndex index =
      SkillIndex::Build({{7, {91506, 11101}}, {3, {91506}}, {5, {91506, 91506}}, {9, {}}});
  const auto people = index.People(91506);
  EXPECT_EQ(std::vector<int64_t>(people.begin(), people.end()), (std::vector<int64_t>{3, 5, 7}));
  EXPECT_EQ(index.People(11101).size(), 1u);
  EXPECT_TRUE(index.People(12345).empty());
  EXPECT_EQ(index.code_count(), 2u);
  EXPECT_EQ(index.posting_count(), 4u);
}

class ChooseRecipientsTest : public ::testing::Test {
 protected:
  // 1, 2 looked at the territory; 3, 4 did not but are compatible; 5 is neither.
  // 3 and 5 consented to unvisited territories, 4 did not.
  ChooseRecipientsTest() {
    facts_.looked = {1, 2};
    facts_.compatible = {3, 4};
    facts_.consented = {3, 5};
  }
  std::vector<Recipient> Choose() { return ChooseRecipients(candidates_, facts_, limits_); }

  std::vector<int64_t> candidates_{1, 2, 3, 4, 5};
  AudienceFacts facts_;
  SkillAlertLimits limits_{100, 3};
};

TEST_F(ChooseRecipientsTest, UnvisitedTerritoriesNeedCompatibilityAndConsent) {
  EXPECT_EQ(Choose(), (std::vector<Recipient>{{1, false}, {2, false}, {3, true}}));
  facts_.consented.clear();
  EXPECT_EQ(Choose(), (std::vector<Recipient>{{1, false}, {2, false}}));
}

TEST_F(ChooseRecipientsTest, ExcludedPeopleAreNeverChosen) {
  facts_.excluded = {2, 3};
  EXPECT_EQ(Choose(), (std::vector<Recipient>{{1, false}}));
}

TEST_F(ChooseRecipientsTest, TheWeeklyCapSkipsPeopleAlreadyAlertedEnough) {
  facts_.alerts_this_week = {{1, 3}, {3, 2}};  // ascending ids
  EXPECT_EQ(Choose(), (std::vector<Recipient>{{2, false}, {3, true}}));
  limits_.per_person_week = 2;
  EXPECT_EQ(Choose(), (std::vector<Recipient>{{2, false}}));
}

TEST_F(ChooseRecipientsTest, TheJobCapKeepsThoseWhoLookedFirst) {
  limits_.per_job = 2;
  EXPECT_EQ(Choose(), (std::vector<Recipient>{{1, false}, {2, false}}));
  facts_.already_for_job = 1;
  EXPECT_EQ(Choose(), (std::vector<Recipient>{{1, false}}));
  facts_.already_for_job = 2;
  EXPECT_TRUE(Choose().empty());
  // Unvisited people come after every visitor, even with lower ids.
  candidates_ = {1, 2, 3};
  facts_.looked = {2, 3};
  facts_.compatible = {1};
  facts_.consented = {1};
  facts_.already_for_job = 0;
  EXPECT_EQ(Choose(), (std::vector<Recipient>{{2, false}, {3, false}}));
}

// The galloping cursors against plain binary searches, on random sorted lists.
TEST(ChooseRecipients, AgreesWithBinarySearchesOnRandomFacts) {
  std::mt19937 random(3);
  auto sorted_sample = [&](int size, int range) {
    std::vector<int64_t> ids;
    for (int idx = 0; idx < size; ++idx) ids.push_back(1 + static_cast<int64_t>(random() % range));
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
  };
  for (int round = 0; round < 200; ++round) {
    const int range = 50 + static_cast<int>(random() % 2000);
    const std::vector<int64_t> candidates = sorted_sample(static_cast<int>(random() % 300), range);
    AudienceFacts facts;
    facts.looked = sorted_sample(static_cast<int>(random() % 400), range);
    facts.compatible = sorted_sample(static_cast<int>(random() % 900), range);
    facts.consented = sorted_sample(static_cast<int>(random() % 900), range);
    facts.excluded = sorted_sample(static_cast<int>(random() % 100), range);
    for (int64_t id : sorted_sample(static_cast<int>(random() % 300), range))
      facts.alerts_this_week.emplace_back(id, 1 + static_cast<int>(random() % 4));
    const SkillAlertLimits limits{1 + static_cast<int>(random() % 200), 3};

    auto in = [](const std::vector<int64_t>& ids, int64_t id) {
      return std::binary_search(ids.begin(), ids.end(), id);
    };
    std::vector<Recipient> visitors, others;
    for (int64_t id : candidates) {
      auto week = std::find_if(facts.alerts_this_week.begin(), facts.alerts_this_week.end(),
                               [id](const auto& entry) { return entry.first == id; });
      if (in(facts.excluded, id) ||
          (week != facts.alerts_this_week.end() && week->second >= limits.per_person_week))
        continue;
      if (in(facts.looked, id)) {
        visitors.push_back({id, false});
      } else if (in(facts.compatible, id) && in(facts.consented, id)) {
        others.push_back({id, true});
      }
    }
    visitors.insert(visitors.end(), others.begin(), others.end());
    if (visitors.size() > static_cast<size_t>(limits.per_job)) visitors.resize(limits.per_job);
    EXPECT_EQ(ChooseRecipients(candidates, facts, limits), visitors) << "round " << round;
  }
}

}  // namespace
}  // namespace vivrovert::skills
