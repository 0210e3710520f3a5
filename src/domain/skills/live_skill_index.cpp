#include "domain/skills/live_skill_index.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "core/common/text.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/leads/lead_rules.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/matching/change_log.hpp"
#include "domain/matching/fit_rules.hpp"
#include "domain/matching/matcher.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/profiles/profile.hpp"

namespace vivrovert::skills {

namespace {

constexpr int64_t kUsersPerPage = 5000;

// The parsed codes of a JSON array of strings, sorted and distinct; anything else is left
// out (the database path compares the strings, and a job's code is always a valid one).
std::vector<uint32_t> CodesOf(const nlohmann::json& data, const char* field) {
  std::vector<uint32_t> codes;
  if (!data.is_object() || !data.contains(field) || !data[field].is_array()) return codes;
  for (const nlohmann::json& listed : data[field]) {
    if (!listed.is_string()) continue;
    if (std::optional<uint32_t> code = matching::RomeCodeNumber(listed.get<std::string>()))
      codes.push_back(*code);
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

PersonSkillFacts::Cv CvOf(const listings::Listing& cv) {
  return {CodesOf(cv.details, "rome_codes"), cv.valid_from, cv.valid_until};
}

// The owner of a CV ("user:<id>"), if it is a person's.
std::optional<int64_t> CvOwner(const listings::Listing& cv) {
  const std::string prefix = "user:";
  if (cv.source_key.rfind(prefix, 0) != 0) return std::nullopt;
  return ParsePositiveId(cv.source_key.substr(prefix.size()));
}

// Every CV not withdrawn of the people of `source_key` (one person), or of everyone.
std::vector<listings::Listing> CvsOf(storage::Connection& connection,
                                     std::optional<std::string> source_key) {
  std::vector<listings::Listing> cvs;
  listings::ListingFilter filter;
  filter.kind = listings::Kind::kCv;
  filter.source_key = std::move(source_key);
  filter.limit = 500;
  for (;;) {
    std::vector<listings::Listing> page = listings::ListingStore::List(connection, filter);
    const size_t size = page.size();
    if (size > 0) filter.after_id = page.back().id;
    for (listings::Listing& cv : page) cvs.push_back(std::move(cv));
    if (size < static_cast<size_t>(filter.limit)) break;
  }
  return cvs;
}

bool HasCodes(const PersonSkillFacts& person) {
  if (!person.profile_codes.empty()) return true;
  return std::any_of(person.cvs.begin(), person.cvs.end(),
                     [](const PersonSkillFacts::Cv& cv) { return !cv.codes.empty(); });
}

bool ActiveOn(const PersonSkillFacts::Cv& cv, const std::string& today) {
  return (!cv.valid_from || *cv.valid_from <= today) &&
         (!cv.valid_until || *cv.valid_until >= today);
}

bool Holds(const std::vector<uint32_t>& sorted, uint32_t code) {
  return std::binary_search(sorted.begin(), sorted.end(), code);
}

}  // namespace

std::optional<PersonSkillFacts> LoadSkillFacts(storage::Connection& connection, int64_t user_id,
                                               int64_t now) {
  if (!accounts::UserStore::Exists(connection, user_id)) return std::nullopt;
  PersonSkillFacts person;
  person.user_id = user_id;
  const profiles::Profile profile = profiles::ProfileStore::Get(connection, user_id);
  person.profile_codes = CodesOf(profile.data, "work_rome_codes");
  person.silent =
      matching::ParseNotification(profile.notification) == matching::Notification::kNone;
  person.consented =
      !profiles::ProfileStore::Granted(connection, profiles::kUnvisitedJobsConsent, {user_id})
           .empty();
  for (const listings::Listing& cv : CvsOf(connection, listings::PersonSourceKey(user_id)))
    person.cvs.push_back(CvOf(cv));
  if (!HasCodes(person)) return std::nullopt;
  person.looked_partners = leads::LeadStore::PartnersOfPerson(connection, user_id, now);
  return person;
}

void LiveSkillIndex::ReadAllLeads(storage::Connection& connection, int64_t now,
                                  std::vector<PersonSkillFacts>& people) {
  std::unordered_map<int64_t, PersonSkillFacts*> by_id;
  by_id.reserve(people.size());
  for (PersonSkillFacts& person : people) {
    person.looked_partners.clear();
    by_id[person.user_id] = &person;
  }
  // Partners in ascending id: each person's list comes out ascending.
  std::vector<partners::Partner> all = partners::PartnerStore::List(connection);
  std::sort(all.begin(), all.end(),
            [](const partners::Partner& a, const partners::Partner& b) { return a.id < b.id; });
  for (const partners::Partner& partner : all) {
    for (const leads::Lead& lead :
         leads::LeadsAt(leads::LeadStore::Load(connection, partner.id), now)) {
      auto found = by_id.find(lead.user_id);
      if (found == by_id.end()) continue;
      std::vector<int64_t>& looked = found->second->looked_partners;
      if (looked.empty() || looked.back() != partner.id) looked.push_back(partner.id);
    }
  }
}

LiveSkillIndex::BuildStats LiveSkillIndex::Rebuild(int64_t now) {
  const auto started = std::chrono::steady_clock::now();
  {
    // Changes recorded from now on (less the overlap) are followed after the load.
    std::lock_guard follow(follow_mutex_);
    follow_since_ = now - matching::Matcher::kFollowOverlapSeconds;
    followed_.clear();
  }
  storage::Connection connection = database_.Acquire();
  // CVs first, in one pass, by owner; then the accounts page by page.
  std::unordered_map<int64_t, std::vector<PersonSkillFacts::Cv>> cvs;
  for (const listings::Listing& cv : CvsOf(connection, std::nullopt)) {
    if (std::optional<int64_t> owner = CvOwner(cv)) cvs[*owner].push_back(CvOf(cv));
  }
  std::vector<PersonSkillFacts> everyone;
  int64_t after = 0;
  while (true) {
    const std::vector<int64_t> ids =
        accounts::UserStore::IdsAfter(connection, after, kUsersPerPage);
    if (ids.empty()) break;
    after = ids.back();
    const std::map<int64_t, profiles::Profile> page_profiles =
        profiles::ProfileStore::ProfilesBetween(connection, ids.front(), ids.back());
    const std::vector<int64_t> granted =
        profiles::ProfileStore::Granted(connection, profiles::kUnvisitedJobsConsent, ids);
    for (int64_t user_id : ids) {
      PersonSkillFacts person;
      person.user_id = user_id;
      if (auto profile = page_profiles.find(user_id); profile != page_profiles.end()) {
        person.profile_codes = CodesOf(profile->second.data, "work_rome_codes");
        person.silent = matching::ParseNotification(profile->second.notification) ==
                        matching::Notification::kNone;
      }
      if (auto owned = cvs.find(user_id); owned != cvs.end()) person.cvs = std::move(owned->second);
      if (!HasCodes(person)) continue;
      person.consented = std::binary_search(granted.begin(), granted.end(), user_id);
      everyone.push_back(std::move(person));
    }
  }
  const std::string territories = partners::PartnerStore::TerritoriesFingerprint(connection);
  ReadAllLeads(connection, now, everyone);
  {
    std::lock_guard follow(follow_mutex_);
    territories_ = territories;
  }
  Replace(std::move(everyone));
  BuildStats stats;
  {
    std::shared_lock lock(mutex_);
    stats.people = static_cast<int64_t>(people_.size());
    for (const auto& [code, entries] : postings_)
      stats.postings += static_cast<int64_t>(entries.size());
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return stats;
}

std::vector<std::pair<uint32_t, LiveSkillIndex::Entry>> LiveSkillIndex::PostingsOf(
    const PersonSkillFacts& person) {
  std::vector<uint32_t> codes = person.profile_codes;
  for (const PersonSkillFacts::Cv& cv : person.cvs)
    codes.insert(codes.end(), cv.codes.begin(), cv.codes.end());
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  std::vector<std::pair<uint32_t, Entry>> postings;
  const uint8_t flags =
      static_cast<uint8_t>((person.consented ? kConsented : 0) | (person.silent ? kSilent : 0));
  for (uint32_t code : codes) {
    // Held through the profile or an undated CV: always; otherwise only on some days.
    bool always = Holds(person.profile_codes, code);
    for (const PersonSkillFacts::Cv& cv : person.cvs)
      always = always || (!cv.valid_from && !cv.valid_until && Holds(cv.codes, code));
    postings.emplace_back(
        code, Entry{person.user_id, static_cast<uint8_t>(flags | (always ? 0 : kThroughDatedCv))});
  }
  return postings;
}

void LiveSkillIndex::Replace(std::vector<PersonSkillFacts> people) {
  std::unordered_map<uint32_t, std::vector<Entry>> postings;
  std::unordered_map<int64_t, std::vector<int64_t>> looked;
  std::unordered_map<int64_t, PersonSkillFacts> by_id;
  by_id.reserve(people.size());
  for (PersonSkillFacts& person : people) {
    for (const auto& [code, entry] : PostingsOf(person)) postings[code].push_back(entry);
    for (int64_t partner_id : person.looked_partners) looked[partner_id].push_back(person.user_id);
    const int64_t user_id = person.user_id;
    by_id[user_id] = std::move(person);
  }
  for (auto& [code, entries] : postings) {
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.user_id < b.user_id; });
  }
  for (auto& [partner_id, people_looking] : looked)
    std::sort(people_looking.begin(), people_looking.end());
  std::unique_lock lock(mutex_);
  postings_ = std::move(postings);
  people_ = std::move(by_id);
  looked_ = std::move(looked);
}

void LiveSkillIndex::RemoveLocked(int64_t user_id) {
  auto found = people_.find(user_id);
  if (found == people_.end()) return;
  for (const auto& [code, entry] : PostingsOf(found->second)) {
    auto posting = postings_.find(code);
    if (posting == postings_.end()) continue;
    std::vector<Entry>& entries = posting->second;
    auto at = std::lower_bound(entries.begin(), entries.end(), user_id,
                               [](const Entry& item, int64_t id) { return item.user_id < id; });
    if (at != entries.end() && at->user_id == user_id) entries.erase(at);
    if (entries.empty()) postings_.erase(posting);
  }
  for (int64_t partner_id : found->second.looked_partners) {
    std::vector<int64_t>& people_looking = looked_[partner_id];
    auto at = std::lower_bound(people_looking.begin(), people_looking.end(), user_id);
    if (at != people_looking.end() && *at == user_id) people_looking.erase(at);
  }
  people_.erase(found);
}

void LiveSkillIndex::PutLocked(PersonSkillFacts person) {
  RemoveLocked(person.user_id);
  for (const auto& [code, entry] : PostingsOf(person)) {
    std::vector<Entry>& entries = postings_[code];
    auto at = std::lower_bound(entries.begin(), entries.end(), entry.user_id,
                               [](const Entry& item, int64_t id) { return item.user_id < id; });
    entries.insert(at, entry);
  }
  for (int64_t partner_id : person.looked_partners) {
    std::vector<int64_t>& people_looking = looked_[partner_id];
    people_looking.insert(
        std::lower_bound(people_looking.begin(), people_looking.end(), person.user_id),
        person.user_id);
  }
  const int64_t user_id = person.user_id;
  people_[user_id] = std::move(person);
}

void LiveSkillIndex::LeadsChanged(storage::Connection& connection, int64_t user_id, int64_t now) {
  {
    std::shared_lock lock(mutex_);
    if (!people_.contains(user_id)) return;
  }
  PersonChanged(connection, user_id, now);
}

void LiveSkillIndex::PersonChanged(storage::Connection& connection, int64_t user_id, int64_t now) {
  std::optional<PersonSkillFacts> person = LoadSkillFacts(connection, user_id, now);
  std::unique_lock lock(mutex_);
  if (person)
    PutLocked(std::move(*person));
  else
    RemoveLocked(user_id);
}

void LiveSkillIndex::PersonDeleted(int64_t user_id) {
  std::unique_lock lock(mutex_);
  RemoveLocked(user_id);
}

int64_t LiveSkillIndex::FollowChanges(int64_t now) {
  std::lock_guard follow(follow_mutex_);
  storage::Connection connection = database_.Acquire();
  int64_t reloaded = 0;
  for (const matching::PersonChange& change :
       matching::ChangeLog::Since(connection, follow_since_)) {
    if (!followed_.emplace(change.id, change.changed_at).second) continue;
    PersonChanged(connection, change.user_id, now);
    ++reloaded;
  }
  // A partner's territory changed (or a partner came or went): everyone's leads again.
  const std::string territories = partners::PartnerStore::TerritoriesFingerprint(connection);
  if (territories != territories_) {
    std::vector<PersonSkillFacts> everyone;
    {
      std::shared_lock lock(mutex_);
      for (const auto& [user_id, person] : people_) everyone.push_back(person);
    }
    ReadAllLeads(connection, now, everyone);
    Replace(std::move(everyone));
    territories_ = territories;
  }
  follow_since_ = now - matching::Matcher::kFollowOverlapSeconds;
  // Rows older than the overlap are never read again: forget their ids.
  std::erase_if(followed_, [this](const auto& entry) { return entry.second < follow_since_; });
  return reloaded;
}

SkillCandidates LiveSkillIndex::Candidates(uint32_t rome_code, const std::string& today,
                                           int64_t partner_id) const {
  SkillCandidates found;
  std::shared_lock lock(mutex_);
  auto posting = postings_.find(rome_code);
  if (posting == postings_.end()) return found;
  static const std::vector<int64_t> kNobody;
  auto looking = looked_.find(partner_id);
  const std::vector<int64_t>& looked = looking != looked_.end() ? looking->second : kNobody;
  auto looked_at = looked.begin();
  found.people.reserve(posting->second.size());
  for (const Entry& entry : posting->second) {
    if ((entry.flags & kThroughDatedCv) != 0) {
      const PersonSkillFacts& person = people_.at(entry.user_id);
      const bool active =
          std::any_of(person.cvs.begin(), person.cvs.end(), [&](const PersonSkillFacts::Cv& cv) {
            return Holds(cv.codes, rome_code) && ActiveOn(cv, today);
          });
      if (!active) continue;
    }
    found.people.push_back(entry.user_id);
    if ((entry.flags & kConsented) != 0) found.consented.push_back(entry.user_id);
    if ((entry.flags & kSilent) != 0) found.silent.push_back(entry.user_id);
    // Both ascending: one merge.
    while (looked_at != looked.end() && *looked_at < entry.user_id) ++looked_at;
    if (looked_at != looked.end() && *looked_at == entry.user_id)
      found.looked.push_back(entry.user_id);
  }
  return found;
}

size_t LiveSkillIndex::person_count() const {
  std::shared_lock lock(mutex_);
  return people_.size();
}

void SkillIndexListener::SearchSaved(storage::Connection& connection,
                                     const interests::SavedSearch& search, int64_t now) {
  index_.LeadsChanged(connection, search.user_id, now);
}

void SkillIndexListener::TileClicked(storage::Connection& connection, int64_t /*click_id*/,
                                     std::optional<int64_t> user_id, const std::string& /*tile*/,
                                     bool /*linked*/, int64_t at) {
  if (user_id) index_.LeadsChanged(connection, *user_id, at);
}

void SkillIndexListener::InterestsChanged(storage::Connection& connection, int64_t user_id,
                                          int64_t now) {
  index_.LeadsChanged(connection, user_id, now);
}

}  // namespace vivrovert::skills
