// The lead rules on hand-made events (no database): who is a contact, who a prospect, as
// of which date.
#include "domain/leads/lead_rules.hpp"

#include <gtest/gtest.h>

namespace vivrovert::leads {
namespace {

VersionEvent Version(int64_t search, int64_t version, int64_t user, int64_t at, int64_t green,
                     std::vector<std::string> communes = {"46042"}) {
  return VersionEvent{search, version, user, at, green, std::move(communes)};
}

ClickEvent Click(std::optional<int64_t> user, const std::string& tile, int64_t at,
                 bool linked = false) {
  return ClickEvent{user, tile, {"46042"}, linked, at};
}

const Lead* Find(const std::vector<Lead>& leads, int64_t user) {
  for (const Lead& lead : leads) {
    if (lead.user_id == user) return &lead;
  }
  return nullptr;
}

TEST(LeadRulesTest, ASavedSearchWithGreenTilesMakesAContact) {
  PartnerEvents events;
  events.versions = {Version(1, 10, 7, 100, 12, {"46042", "46102"})};
  std::vector<Lead> leads = LeadsAt(events, 200);
  ASSERT_EQ(leads.size(), 1u);
  EXPECT_EQ(leads[0].kind, LeadKind::kContact);
  EXPECT_EQ(leads[0].user_id, 7);
  EXPECT_EQ(leads[0].green_tiles, 12);
  EXPECT_EQ(leads[0].communes, (std::set<std::string>{"46042", "46102"}));
  EXPECT_EQ(leads[0].search_ids, std::vector<int64_t>{1});
  EXPECT_TRUE(LeadsAt(events, 99).empty()) << "not yet saved at that date";
}

TEST(LeadRulesTest, OnlyTheVersionInForceCounts) {
  PartnerEvents events;
  // Version 11 moved the search elsewhere: no green tile in the territory any more.
  events.versions = {Version(1, 10, 7, 100, 12), Version(1, 11, 7, 300, 0, {})};
  EXPECT_EQ(LeadsAt(events, 200).size(), 1u) << "version 10 in force at 200";
  EXPECT_TRUE(LeadsAt(events, 300).empty()) << "version 11 in force from 300";
  // A third version comes back.
  events.versions.push_back(Version(1, 12, 7, 400, 3));
  ASSERT_EQ(LeadsAt(events, 500).size(), 1u);
  EXPECT_EQ(LeadsAt(events, 500)[0].green_tiles, 3);
}

TEST(LeadRulesTest, SeveralSearchesOfOnePersonMakeOneContact) {
  PartnerEvents events;
  events.versions = {Version(1, 10, 7, 100, 12, {"46042"}), Version(2, 20, 7, 150, 5, {"46102"})};
  std::vector<Lead> leads = LeadsAt(events, 200);
  ASSERT_EQ(leads.size(), 1u);
  EXPECT_EQ(leads[0].green_tiles, 17);
  EXPECT_EQ(leads[0].first_at, 100);
  EXPECT_EQ(leads[0].last_at, 150);
  EXPECT_EQ(leads[0].search_ids, (std::vector<int64_t>{1, 2}));
}

TEST(LeadRulesTest, AClickMakesAProspectWhoIsNoLongerAContact) {
  PartnerEvents events;
  events.versions = {Version(1, 10, 7, 100, 12)};
  events.clicks = {Click(7, "1km_E3620N2400", 250), Click(7, "1km_E3620N2400", 260),
                   Click(7, "1km_E3621N2400", 270)};
  const std::vector<Lead> at_200 = LeadsAt(events, 200);
  const Lead* before = Find(at_200, 7);
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(before->kind, LeadKind::kContact);
  std::vector<Lead> after = LeadsAt(events, 300);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].kind, LeadKind::kProspect);
  EXPECT_EQ(after[0].first_at, 250);
  EXPECT_EQ(after[0].last_at, 270);
  EXPECT_EQ(after[0].tiles, (std::vector<std::string>{"1km_E3620N2400", "1km_E3621N2400"}))
      << "each tile once";
}

TEST(LeadRulesTest, AnonymousClicksOnlyCountInAggregates) {
  PartnerEvents events;
  events.clicks = {
      Click(std::nullopt, "1km_E3620N2400", 100), Click(std::nullopt, "1km_E3621N2400", 110),
      // The same click sent again after login: a prospect, not a second anonymous click.
      Click(9, "1km_E3621N2400", 110, /*linked=*/true)};
  std::vector<Lead> leads = LeadsAt(events, 200);
  ASSERT_EQ(leads.size(), 1u);
  EXPECT_EQ(leads[0].user_id, 9);
  EXPECT_EQ(leads[0].kind, LeadKind::kProspect);
  std::vector<LeadCounts> counts = CountsOverTime(events, {105, 200});
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].anonymous_clicks, 1);
  EXPECT_EQ(counts[1].anonymous_clicks, 2);
  EXPECT_EQ(counts[1].prospects, 1);
}

TEST(LeadRulesTest, CountsOverTimeFollowEachDate) {
  PartnerEvents events;
  events.versions = {Version(1, 10, 1, 100, 4), Version(2, 20, 2, 200, 4),
                     Version(2, 21, 2, 400, 0, {})};
  events.clicks = {Click(1, "1km_E3620N2400", 300)};
  std::vector<LeadCounts> counts = CountsOverTime(events, {50, 150, 250, 350, 450});
  std::vector<std::pair<int64_t, int64_t>> seen;
  for (const LeadCounts& point : counts) seen.emplace_back(point.contacts, point.prospects);
  EXPECT_EQ(seen,
            (std::vector<std::pair<int64_t, int64_t>>{{0, 0}, {1, 0}, {2, 0}, {1, 1}, {0, 1}}));
}

TEST(LeadRulesTest, NewestFirst) {
  PartnerEvents events;
  events.versions = {Version(1, 10, 1, 100, 4), Version(2, 20, 2, 300, 4)};
  events.clicks = {Click(3, "1km_E3620N2400", 200)};
  std::vector<Lead> leads = LeadsAt(events, 400);
  ASSERT_EQ(leads.size(), 3u);
  EXPECT_EQ(leads[0].user_id, 2);
  EXPECT_EQ(leads[1].user_id, 3);
  EXPECT_EQ(leads[2].user_id, 1);
}

}  // namespace
}  // namespace vivrovert::leads
