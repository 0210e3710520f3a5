// Skills alerts (option 3, issue #22): when a partner with option 3 publishes a job
// listing, the people whose skills fit it are told at once, through the matching pass
// (notifications/notification_pass.hpp, as its ExtraAudience): in the same transaction as
// the listing's matches, recorded once in the notification ledger, as each person chose
// (instant mail "skill_alert", next digest, or never). skill_rules.hpp has the rule; this
// file loads its facts through the owners' batch reads and keeps `skill_alerts` (migration
// 0022), which the caps count. The candidates come from the in-memory index
// (live_skill_index.hpp) when the audience has one, from the database otherwise.
//
// Thread safety: SkillAlertAudience may serve several passes at once (its pending choices
// are behind a mutex). Database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/notifications/notification_pass.hpp"
#include "domain/skills/live_skill_index.hpp"
#include "domain/skills/skill_rules.hpp"

namespace vivrovert::skills {

inline constexpr int64_t kWeekSeconds = 7 * 24 * 3600;

class SkillAlertStore {
 public:
  // Records that these people were told of the listing (pairs already there are kept).
  static void Record(storage::Connection& connection, int64_t listing_id,
                     const std::vector<Recipient>& recipients, int64_t now);
  // How many people were alerted of the listing.
  static int64_t CountFor(storage::Connection& connection, int64_t listing_id);
  // Skills alerts of each of `user_ids` sent after `since` (absent: none).
  static std::unordered_map<int64_t, int> CountsSince(storage::Connection& connection,
                                                      const std::vector<int64_t>& user_ids,
                                                      int64_t since);
  struct Sent {
    int64_t listing_id = 0;
    int64_t user_id = 0;
    bool unvisited = false;
    int64_t sent_at = 0;
  };
  static std::vector<Sent> OfListing(storage::Connection& connection, int64_t listing_id);
  // A person's skills alerts, oldest first (the RGPD export).
  static std::vector<Sent> OfUser(storage::Connection& connection, int64_t user_id);
};

// The people with a ROME code ("J1506") in their profile or in their active CV, ascending.
std::vector<int64_t> PeopleWithRomeCode(storage::Connection& connection, const std::string& code,
                                        const std::string& today);

// Who the skills alert of one job reaches, from the database alone (the reference): the
// people by ROME code (a scan of `profiles` and of the active CVs), then every fact of every
// candidate in batch reads.
std::vector<Recipient> ChooseFromDatabase(storage::Connection& connection,
                                          const listings::Listing& listing,
                                          const std::set<int64_t>& matched,
                                          const SkillAlertLimits& limits, int64_t now);

// The same choice with the candidates, their consent, notification choice and whether they
// are leads of the partner from the in-memory index; what only the database knows
// (compatibility, the ledger, the week's alerts) is read in batches for the people the
// rule may still choose: those who looked at the territory first, then the consenting
// others, each ascending, a page at a time until the job's room is filled. The answer is
// ChooseFromDatabase's.
std::vector<Recipient> ChooseFromIndex(storage::Connection& connection, const LiveSkillIndex& index,
                                       const listings::Listing& listing,
                                       const std::set<int64_t>& matched,
                                       const SkillAlertLimits& limits, int64_t now);

class SkillAlertAudience final : public notifications::ExtraAudience {
 public:
  // `index` (may be null: the database path) must outlive the audience.
  explicit SkillAlertAudience(SkillAlertLimits limits, const LiveSkillIndex* index = nullptr)
      : limits_(limits), index_(index) {}

  std::vector<Person> PeopleFor(storage::Connection& connection, const listings::Listing& listing,
                                const std::set<int64_t>& matched, int64_t now) override;
  std::string MailTemplate() const override { return "skill_alert"; }
  void Told(storage::Connection& connection, const listings::Listing& listing,
            const std::vector<int64_t>& user_ids, int64_t now) override;

 private:
  SkillAlertLimits limits_;
  const LiveSkillIndex* index_;
  std::mutex mutex_;
  // (listing, person) → reached through the consent, between PeopleFor and Told.
  std::map<std::pair<int64_t, int64_t>, bool> pending_;
};

}  // namespace vivrovert::skills
