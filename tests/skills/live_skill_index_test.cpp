// The skills alerts' live path (domain/skills/live_skill_index.hpp, ChooseFromIndex) against
// the database path (ChooseFromDatabase, the reference) on each backend, over a generated
// population (fixed seed): profiles and CVs (dated, expired, withdrawn) holding a few ROME
// codes, notification choices, the consent granted and withdrawn, prospects of the
// partner, compatibility, the week's alerts, people already told of the job. Both paths
// must choose the same people, in the same order, under several caps; again after consent
// withdrawals, profile and CV changes and clicks followed by the index, after the chosen
// were told (never twice), and on a second process that follows the change log. Contacts
// (a search green in the territory, or no longer) and prospects (a click) both count.
#include "domain/skills/live_skill_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "domain/accounts/user_store.hpp"
#include "domain/compatibility/compatibility_store.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/matching/change_log.hpp"
#include "domain/matching/fit_rules.hpp"
#include "domain/notifications/notification_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/profiles/profile.hpp"
#include "domain/skills/skill_alerts.hpp"
#include "support/test_database.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::skills {
namespace {

using nlohmann::json;
using storage::Connection;

constexpr int64_t kNow = 1781517600;  // 2026-06-15 10:00 UTC
constexpr int kPeople = 400;
const std::vector<std::string> kCodes = {"J1506", "A1101", "K2111", "M1805"};
const std::string kTile = "CRS3035RES1000mN2400000E3600000";

class LiveSkillIndexTest : public ::testing::Test {
 protected:
  LiveSkillIndexTest() : random_(2222) {
    Connection connection = database_.db().Acquire();
    partners::PartnerInput input;
    input.kind = partners::PartnerKind::kEpci;
    input.name = "CA du Grand Cahors";
    input.slug = "grand-cahors";
    input.territory = {{}, {"200023737"}, {}};
    partner_id_ = partners::PartnerStore::Create(connection, input, kNow)->id;
    vivrovert::testing::Subscribe(
        connection, partner_id_,
        {subscriptions::ProductCode::kBase, subscriptions::ProductCode::kOption3});
    for (const std::string& code : kCodes) jobs_.push_back(Job(connection, code, "job-" + code));
    std::vector<int64_t> past_jobs;
    for (int job_idx = 0; job_idx < 4; ++job_idx)
      past_jobs.push_back(Job(connection, "J1506", "past-" + std::to_string(job_idx)).id);

    for (int person_idx = 0; person_idx < kPeople; ++person_idx) {
      accounts::NewUser user{"p" + std::to_string(person_idx) + "@exemple.fr", "hash",
                             accounts::Role::kUser, "Personne", true};
      const int64_t id = accounts::UserStore::Create(connection, user, kNow - 86400)->id;
      people_.push_back(id);
      if (Chance(80)) {
        const char* notifications[] = {"instant", "daily", "weekly", "none"};
        profiles::ProfileStore::Put(
            connection, id,
            {{{"work_rome_codes", SomeCodes()}}, Chance(12) ? "none" : notifications[Pick(3)], 0},
            kNow - 3600);
      }
      if (Chance(30)) Cv(connection, id);
      if (Chance(45)) {
        profiles::ProfileStore::SetConsents(connection, id,
                                            {{profiles::kUnvisitedJobsConsent, true}}, kNow - 3000);
        if (Chance(20))
          profiles::ProfileStore::SetConsents(
              connection, id, {{profiles::kUnvisitedJobsConsent, false}}, kNow - 2000);
      }
      if (Chance(20)) {
        const int64_t click =
            interests::InterestStore::RecordClick(connection, id, kTile, false, kNow - 5000);
        leads::LeadStore::RecordClick(connection, click, partner_id_, id, kTile, {"46042"}, false,
                                      kNow - 5000);
      }
      if (Chance(15)) {
        // A contact: the search's version in force is green in the territory; or no longer
        // (a later version without green tiles there).
        auto search = interests::InterestStore::SaveSearch(connection, id, "Recherche",
                                                           R"({"level":"1km"})", kNow - 4800);
        const int64_t version =
            leads::LeadStore::RecordVersion(connection, search->id, id, "1km", 3, kNow - 4800);
        leads::LeadStore::RecordHit(connection, version, partner_id_, id, 3, {"46042"},
                                    kNow - 4800);
        if (Chance(30))
          leads::LeadStore::RecordVersion(connection, search->id, id, "1km", 0, kNow - 4700);
      }
      if (Chance(50)) {
        compatibility::Compatibility row;
        row.user_id = id;
        row.partner_id = partner_id_;
        row.search_id = 1;
        row.criteria_total = 4;
        row.criteria_met = Chance(70) ? 4 : 3;
        row.best_tile = kTile;
        row.computed_at = kNow - 4000;
        compatibility::CompatibilityStore::ReplaceUser(connection, id, {row});
      }
      if (Chance(30)) {
        // Alerts of other jobs, this week or before it.
        const int alerts = 1 + Pick(3);
        for (int alert_idx = 0; alert_idx < alerts; ++alert_idx) {
          SkillAlertStore::Record(connection, past_jobs[static_cast<size_t>(alert_idx)],
                                  {{id, false}}, Chance(70) ? kNow - 86400 : kNow - 9 * 86400);
        }
      }
      if (Chance(8)) Tell(connection, id, jobs_[0].id);
      if (Chance(5)) matched_.insert(id);
    }
  }

  bool Chance(int percent) { return static_cast<int>(random_() % 100) < percent; }
  int Pick(int count) { return static_cast<int>(random_() % static_cast<uint32_t>(count)); }
  json SomeCodes() {
    json codes = json::array();
    const int count = Pick(3);
    for (int code_idx = 0; code_idx < count; ++code_idx)
      codes.push_back(kCodes[static_cast<size_t>(Pick(static_cast<int>(kCodes.size())))]);
    return codes;
  }

  listings::Listing Job(Connection& connection, const std::string& code, const std::string& key) {
    listings::Listing job;
    job.source_key = "partner:" + std::to_string(partner_id_);
    job.partner_id = partner_id_;
    job.external_id = key;
    job.kind = listings::Kind::kJob;
    job.title = "Emploi " + key;
    job.commune_code = "46042";
    job.tile_1km = kTile;
    job.tile_5km = "CRS3035RES5000mN2400000E3600000";
    job.details = {{"rome_code", code}, {"contract", "cdi"}};
    job.content_hash = key;
    job.created_at = job.updated_at = kNow;
    job.id = listings::ListingStore::Insert(connection, job);
    return job;
  }

  // A CV: undated, expired, current with an end, not yet valid, or withdrawn.
  void Cv(Connection& connection, int64_t user_id) {
    listings::Listing cv;
    cv.source_key = listings::PersonSourceKey(user_id);
    cv.external_id = "cv-" + std::to_string(++cvs_);
    cv.kind = listings::Kind::kCv;
    cv.title = "CV";
    cv.commune_code = "46042";
    cv.tile_1km = kTile;
    cv.tile_5km = "CRS3035RES5000mN2400000E3600000";
    cv.details = {{"rome_codes", SomeCodes()}};
    cv.content_hash = cv.source_key;
    cv.created_at = cv.updated_at = kNow - 86400;
    switch (Pick(5)) {
      case 1:
        cv.valid_until = "2026-06-01";
        break;
      case 2:
        cv.valid_until = "2026-12-31";
        break;
      case 3:
        cv.valid_from = "2026-07-01";
        break;
      case 4:
        cv.withdrawn_at = kNow - 3600;
        break;
      default:
        break;
    }
    listings::ListingStore::Insert(connection, cv);
  }

  static void Tell(Connection& connection, int64_t user_id, int64_t listing_id) {
    notifications::NotificationStore::RecordMany(
        connection,
        {{user_id, listing_id, notifications::Reason::kMatch, notifications::Channel::kDigest,
          std::nullopt, std::nullopt}},
        kNow - 60);
  }

  // Both paths for every job under several caps; returns how many were chosen in all.
  size_t ExpectSameChoices(const LiveSkillIndex& index, int64_t now, const char* when) {
    size_t chosen = 0;
    Connection connection = database_.db().Acquire();
    for (const SkillAlertLimits limits :
         {SkillAlertLimits{1000, 3}, SkillAlertLimits{7, 2}, SkillAlertLimits{30, 1}}) {
      for (const listings::Listing& job : jobs_) {
        const std::vector<Recipient> reference =
            ChooseFromDatabase(connection, job, matched_, limits, now);
        const std::vector<Recipient> live =
            ChooseFromIndex(connection, index, job, matched_, limits, now);
        EXPECT_EQ(live, reference) << when << ", job " << job.details["rome_code"] << ", caps "
                                   << limits.per_job << "/" << limits.per_person_week;
        chosen += reference.size();
        if (limits.per_job == 1000) {
          for (const Recipient& recipient : reference) {
            (recipient.unvisited ? unvisited_seen_ : looked_seen_) += 1;
          }
        }
        EXPECT_LE(reference.size(), static_cast<size_t>(limits.per_job));
      }
    }
    return chosen;
  }

  vivrovert::testing::TestDatabase database_;
  std::mt19937 random_;
  int64_t partner_id_ = 0;
  std::vector<listings::Listing> jobs_;
  std::vector<int64_t> people_;
  std::set<int64_t> matched_;
  int looked_seen_ = 0, unvisited_seen_ = 0;
  int cvs_ = 0;
  int64_t newcomer_ = 0;
};

TEST_F(LiveSkillIndexTest, ChoosesAsTheDatabasePathThroughChangesAndOnAnotherProcess) {
  LiveSkillIndex index(database_.db());
  const LiveSkillIndex::BuildStats built = index.Rebuild(kNow);
  EXPECT_GT(built.people, kPeople / 2);
  // A second process on the same database, started now too.
  std::unique_ptr<storage::Database> other_database = database_.OpenAnother();
  LiveSkillIndex other(*other_database);
  other.Rebuild(kNow);

  EXPECT_GT(ExpectSameChoices(index, kNow, "at start"), 0u);
  // Not vacuous: both kinds of recipients, and the caps cut.
  EXPECT_GT(looked_seen_, 0);
  EXPECT_GT(unvisited_seen_, 0);

  // Changes, each followed by this process (PersonChanged, as the pages do) and recorded in
  // the change log (as the matcher does for the others).
  {
    Connection connection = database_.db().Acquire();
    std::vector<int64_t> changed;
    const std::vector<Recipient> before =
        ChooseFromDatabase(connection, jobs_[0], matched_, {1000, 3}, kNow);
    for (size_t idx = 0; idx < before.size(); idx += 3) {
      // Consent withdrawn, or notifications stopped, or another trade.
      const int64_t user_id = before[idx].user_id;
      switch (idx % 9) {
        case 0:
          profiles::ProfileStore::SetConsents(connection, user_id,
                                              {{profiles::kUnvisitedJobsConsent, false}}, kNow);
          break;
        case 3:
          profiles::ProfileStore::SetNotification(connection, user_id, "none", kNow);
          break;
        default:
          profiles::ProfileStore::Put(connection, user_id,
                                      {{{"work_rome_codes", json::array({"M1805"})}}, "daily", 0},
                                      kNow);
          listings::ListingStore::DeleteBySource(connection, listings::PersonSourceKey(user_id));
          break;
      }
      changed.push_back(user_id);
    }
    // Someone new takes up the first job's trade with the consent, and a CV for another.
    accounts::NewUser user{"nouvelle@exemple.fr", "hash", accounts::Role::kUser, "Nouvelle", true};
    const int64_t newcomer = newcomer_ = accounts::UserStore::Create(connection, user, kNow)->id;
    profiles::ProfileStore::Put(
        connection, newcomer, {{{"work_rome_codes", json::array({"J1506"})}}, "instant", 0}, kNow);
    profiles::ProfileStore::SetConsents(connection, newcomer,
                                        {{profiles::kUnvisitedJobsConsent, true}}, kNow);
    compatibility::Compatibility row;
    row.user_id = newcomer;
    row.partner_id = partner_id_;
    row.search_id = 1;
    row.criteria_total = row.criteria_met = 2;
    row.best_tile = kTile;
    row.computed_at = kNow;
    compatibility::CompatibilityStore::ReplaceUser(connection, newcomer, {row});
    Cv(connection, people_[1]);
    changed.push_back(newcomer);
    changed.push_back(people_[1]);
    // Two people open the partner's territory: through the interests listener, as the
    // site's click route does.
    SkillIndexListener listener(index);
    int clicked = 0;
    for (const Recipient& recipient : before) {
      if (!recipient.unvisited || clicked == 2) continue;
      const int64_t click =
          interests::InterestStore::RecordClick(connection, recipient.user_id, kTile, false, kNow);
      leads::LeadStore::RecordClick(connection, click, partner_id_, recipient.user_id, kTile,
                                    {"46042"}, false, kNow);
      listener.TileClicked(connection, click, recipient.user_id, kTile, false, kNow);
      matching::ChangeLog::Record(connection, recipient.user_id, "node-a", kNow);
      ++clicked;
    }
    EXPECT_EQ(clicked, 2);
    ASSERT_GT(changed.size(), 4u);
    for (int64_t user_id : changed) {
      index.PersonChanged(connection, user_id, kNow);
      matching::ChangeLog::Record(connection, user_id, "node-a", kNow);
    }
    // The newcomer is now chosen (the cap lifted), through the consent.
    const std::vector<Recipient> after =
        ChooseFromIndex(connection, index, jobs_[0], matched_, {1000, 3}, kNow);
    EXPECT_NE(std::find(after.begin(), after.end(), Recipient{newcomer, true}), after.end());
  }
  ExpectSameChoices(index, kNow, "after changes");

  // The other process sees nothing until it follows the log, then chooses the same.
  {
    Connection connection = database_.db().Acquire();
    EXPECT_NE(ChooseFromIndex(connection, other, jobs_[0], matched_, {1000, 3}, kNow),
              ChooseFromDatabase(connection, jobs_[0], matched_, {1000, 3}, kNow))
        << "not followed yet";
  }
  EXPECT_GT(other.FollowChanges(kNow + 2), 6);
  EXPECT_EQ(other.FollowChanges(kNow + 4), 0) << "a change is followed once";
  ExpectSameChoices(other, kNow + 4, "on the other process");

  // Never twice: those chosen are told (the ledger and skill_alerts, as the pass records
  // them); the next choice leaves them out, on both paths.
  {
    Connection connection = database_.db().Acquire();
    const std::vector<Recipient> first =
        ChooseFromDatabase(connection, jobs_[0], matched_, {7, 3}, kNow);
    ASSERT_EQ(first.size(), 7u);
    for (const Recipient& recipient : first) Tell(connection, recipient.user_id, jobs_[0].id);
    SkillAlertStore::Record(connection, jobs_[0].id, first, kNow);
    const std::vector<Recipient> next =
        ChooseFromIndex(connection, index, jobs_[0], matched_, {14, 3}, kNow + 60);
    EXPECT_EQ(next, ChooseFromDatabase(connection, jobs_[0], matched_, {14, 3}, kNow + 60));
    EXPECT_EQ(next.size(), 7u);  // the job's cap counts those already told
    for (const Recipient& recipient : next)
      EXPECT_EQ(std::find(first.begin(), first.end(), recipient), first.end()) << recipient.user_id;
  }
  ExpectSameChoices(index, kNow + 60, "after telling");

  // A rebuild ("restart") answers as the index that followed the changes; a deleted
  // account leaves it.
  LiveSkillIndex restarted(database_.db());
  restarted.Rebuild(kNow + 60);
  EXPECT_EQ(restarted.person_count(), index.person_count());
  ExpectSameChoices(restarted, kNow + 60, "after a restart");
  const uint32_t code = *matching::RomeCodeNumber("J1506");
  const std::vector<int64_t> before = index.Candidates(code, "2026-06-15").people;
  ASSERT_TRUE(std::binary_search(before.begin(), before.end(), newcomer_));
  index.PersonDeleted(newcomer_);
  const std::vector<int64_t> after = index.Candidates(code, "2026-06-15").people;
  EXPECT_FALSE(std::binary_search(after.begin(), after.end(), newcomer_));
  EXPECT_EQ(after.size() + 1, before.size());
}

// One person at a time (PersonChanged: LeadStore::PartnersOfPerson) reads the same leads
// as the start (every partner's LeadsAt), contacts ended by a later version included.
TEST_F(LiveSkillIndexTest, APersonReloadedAloneHasTheLeadsOfAStart) {
  LiveSkillIndex started(database_.db());
  started.Rebuild(kNow);
  LiveSkillIndex one_by_one(database_.db());
  one_by_one.Replace({});
  {
    Connection connection = database_.db().Acquire();
    for (int64_t user_id : people_) one_by_one.PersonChanged(connection, user_id, kNow);
  }
  EXPECT_EQ(one_by_one.person_count(), started.person_count());
  size_t looked = 0;
  for (const std::string& code : kCodes) {
    const uint32_t number = *matching::RomeCodeNumber(code);
    const SkillCandidates expected = started.Candidates(number, "2026-06-15", partner_id_);
    const SkillCandidates found = one_by_one.Candidates(number, "2026-06-15", partner_id_);
    EXPECT_EQ(found.people, expected.people) << code;
    EXPECT_EQ(found.looked, expected.looked) << code;
    EXPECT_EQ(found.consented, expected.consented) << code;
    EXPECT_EQ(found.silent, expected.silent) << code;
    looked += expected.looked.size();
  }
  EXPECT_GT(looked, 0u);
}

// The CV's dates decide on the day of the job, not at load.
TEST_F(LiveSkillIndexTest, ACvCountsOnlyWhileItIsActive) {
  LiveSkillIndex index(database_.db());
  PersonSkillFacts person;
  person.user_id = 7;
  person.profile_codes = {*matching::RomeCodeNumber("A1101")};
  person.cvs.push_back({{*matching::RomeCodeNumber("J1506")}, "2026-07-01", "2026-07-31"});
  index.Replace({person});
  const uint32_t job = *matching::RomeCodeNumber("J1506");
  EXPECT_TRUE(index.Candidates(job, "2026-06-30").people.empty());
  EXPECT_EQ(index.Candidates(job, "2026-07-01").people, std::vector<int64_t>{7});
  EXPECT_EQ(index.Candidates(job, "2026-07-31").people, std::vector<int64_t>{7});
  EXPECT_TRUE(index.Candidates(job, "2026-08-01").people.empty());
  EXPECT_EQ(index.Candidates(*matching::RomeCodeNumber("A1101"), "2030-01-01").people,
            std::vector<int64_t>{7});
}

}  // namespace
}  // namespace vivrovert::skills
