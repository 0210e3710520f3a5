#include "domain/skills/skill_alerts.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "core/storage/batch.hpp"
#include "domain/compatibility/compatibility_store.hpp"
#include "domain/leads/lead_rules.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/matching/fit_rules.hpp"
#include "domain/notifications/notification_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/profiles/profile.hpp"
#include "domain/subscriptions/subscriptions.hpp"

namespace vivrovert::skills {

namespace {

std::vector<int64_t> Intersect(const std::vector<int64_t>& sorted,
                               const std::vector<int64_t>& candidates) {
  std::vector<int64_t> out;
  std::set_intersection(sorted.begin(), sorted.end(), candidates.begin(), candidates.end(),
                        std::back_inserter(out));
  return out;
}

}  // namespace

void SkillAlertStore::Record(storage::Connection& connection, int64_t listing_id,
                             const std::vector<Recipient>& recipients, int64_t now) {
  for (const Recipient& recipient : recipients) {
    connection.Execute(
        "INSERT INTO skill_alerts (listing_id, user_id, unvisited, sent_at) VALUES ($1, $2, $3, "
        "$4) ON CONFLICT (listing_id, user_id) DO NOTHING",
        {listing_id, recipient.user_id, int64_t{recipient.unvisited ? 1 : 0}, now});
  }
}

int64_t SkillAlertStore::CountFor(storage::Connection& connection, int64_t listing_id) {
  auto row =
      connection.QueryOne("SELECT COUNT(*) FROM skill_alerts WHERE listing_id = $1", {listing_id});
  return row ? row->Int(0) : 0;
}

std::unordered_map<int64_t, int> SkillAlertStore::CountsSince(storage::Connection& connection,
                                                              const std::vector<int64_t>& user_ids,
                                                              int64_t since) {
  std::unordered_map<int64_t, int> counts;
  for (size_t first = 0; first < user_ids.size(); first += storage::kIdsPerStatement) {
    const size_t count = std::min(storage::kIdsPerStatement, user_ids.size() - first);
    std::vector<storage::SqlValue> params{since};
    for (size_t idx = first; idx < first + count; ++idx) params.emplace_back(user_ids[idx]);
    for (const storage::Row& row : connection.Query(
             "SELECT user_id, COUNT(*) FROM skill_alerts WHERE sent_at > $1 AND user_id IN " +
                 storage::InList(count, 2) + " GROUP BY user_id",
             params))
      counts[row.Int(0)] = static_cast<int>(row.Int(1));
  }
  return counts;
}

std::vector<SkillAlertStore::Sent> SkillAlertStore::OfListing(storage::Connection& connection,
                                                              int64_t listing_id) {
  std::vector<Sent> sent;
  for (const storage::Row& row : connection.Query(
           "SELECT listing_id, user_id, unvisited, sent_at FROM skill_alerts WHERE listing_id = "
           "$1 ORDER BY user_id",
           {listing_id}))
    sent.push_back({row.Int(0), row.Int(1), row.Int(2) != 0, row.Int(3)});
  return sent;
}

std::vector<SkillAlertStore::Sent> SkillAlertStore::OfUser(storage::Connection& connection,
                                                           int64_t user_id) {
  std::vector<Sent> sent;
  for (const storage::Row& row : connection.Query(
           "SELECT listing_id, user_id, unvisited, sent_at FROM skill_alerts WHERE user_id = $1 "
           "ORDER BY sent_at, listing_id",
           {user_id}))
    sent.push_back({row.Int(0), row.Int(1), row.Int(2) != 0, row.Int(3)});
  return sent;
}

std::vector<int64_t> PeopleWithRomeCode(storage::Connection& connection, const std::string& code,
                                        const std::string& today) {
  std::vector<int64_t> people = profiles::ProfileStore::WithRomeCode(connection, code);
  // Active CVs, page by page ("user:<id>" sources).
  listings::ListingFilter filter;
  filter.kind = listings::Kind::kCv;
  filter.status = listings::kStatusActive;
  filter.today = today;
  filter.limit = 500;
  for (;;) {
    const std::vector<listings::Listing> page = listings::ListingStore::List(connection, filter);
    for (const listings::Listing& cv : page) {
      const nlohmann::json& codes =
          cv.details.contains("rome_codes") ? cv.details["rome_codes"] : nlohmann::json::array();
      if (!codes.is_array() || std::find(codes.begin(), codes.end(), code) == codes.end()) continue;
      const std::string prefix = "user:";
      if (cv.source_key.rfind(prefix, 0) != 0) continue;
      if (auto user_id = ParsePositiveId(cv.source_key.substr(prefix.size())))
        people.push_back(*user_id);
    }
    if (page.size() < static_cast<size_t>(filter.limit)) break;
    filter.after_id = page.back().id;
  }
  std::sort(people.begin(), people.end());
  people.erase(std::unique(people.begin(), people.end()), people.end());
  return people;
}

namespace {

// The partner's contacts and prospects, ascending.
std::vector<int64_t> LookedAt(storage::Connection& connection, int64_t partner_id, int64_t now) {
  std::vector<int64_t> looked;
  for (const leads::Lead& lead :
       leads::LeadsAt(leads::LeadStore::Load(connection, partner_id), now))
    looked.push_back(lead.user_id);
  std::sort(looked.begin(), looked.end());
  looked.erase(std::unique(looked.begin(), looked.end()), looked.end());
  return looked;
}

std::vector<int64_t> Minus(const std::vector<int64_t>& sorted,
                           const std::vector<int64_t>& removed) {
  std::vector<int64_t> out;
  std::set_difference(sorted.begin(), sorted.end(), removed.begin(), removed.end(),
                      std::back_inserter(out));
  return out;
}

std::vector<int64_t> Union(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  std::vector<int64_t> out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

std::vector<Recipient> ChooseFromDatabase(storage::Connection& connection,
                                          const listings::Listing& listing,
                                          const std::set<int64_t>& matched,
                                          const SkillAlertLimits& limits, int64_t now) {
  const std::string code = listing.details.value("rome_code", std::string());
  const std::vector<int64_t> candidates = PeopleWithRomeCode(connection, code, UtcDate(now));
  if (candidates.empty() || !listing.partner_id) return {};
  const int64_t partner_id = *listing.partner_id;

  AudienceFacts facts;
  facts.looked = Intersect(LookedAt(connection, partner_id, now), candidates);
  facts.compatible =
      compatibility::CompatibilityStore::FullyCompatible(connection, partner_id, candidates);
  facts.consented =
      profiles::ProfileStore::Granted(connection, profiles::kUnvisitedJobsConsent, candidates);
  // Excluded: the matcher's own (told as matches), those who want no notification or are
  // gone, and those already told of this listing.
  std::set<int64_t> excluded(matched.begin(), matched.end());
  const std::map<int64_t, notifications::Recipient> recipients =
      notifications::LoadRecipients(connection, candidates);
  const std::map<int64_t, std::set<int64_t>> told =
      notifications::NotificationStore::ListingsToldTo(connection, candidates);
  for (int64_t user_id : candidates) {
    auto recipient = recipients.find(user_id);
    auto listings_told = told.find(user_id);
    if (recipient == recipients.end() ||
        recipient->second.notification == matching::Notification::kNone ||
        (listings_told != told.end() && listings_told->second.contains(listing.id)))
      excluded.insert(user_id);
  }
  facts.excluded.assign(excluded.begin(), excluded.end());
  for (const auto& [user_id, count] :
       SkillAlertStore::CountsSince(connection, candidates, now - kWeekSeconds))
    facts.alerts_this_week.emplace_back(user_id, count);
  std::sort(facts.alerts_this_week.begin(), facts.alerts_this_week.end());
  facts.already_for_job = SkillAlertStore::CountFor(connection, listing.id);
  return ChooseRecipients(candidates, facts, limits);
}

std::vector<Recipient> ChooseFromIndex(storage::Connection& connection, const LiveSkillIndex& index,
                                       const listings::Listing& listing,
                                       const std::set<int64_t>& matched,
                                       const SkillAlertLimits& limits, int64_t now) {
  const std::optional<uint32_t> code =
      matching::RomeCodeNumber(listing.details.value("rome_code", std::string()));
  if (!code || !listing.partner_id) return {};
  const int64_t partner_id = *listing.partner_id;
  SkillCandidates found = index.Candidates(*code, UtcDate(now), partner_id);
  if (found.people.empty()) return {};

  AudienceFacts facts;
  facts.already_for_job = SkillAlertStore::CountFor(connection, listing.id);
  const int64_t room = std::max<int64_t>(0, limits.per_job - facts.already_for_job);
  if (room == 0) return {};
  facts.looked = std::move(found.looked);
  facts.consented = std::move(found.consented);
  // Known without the database: the matcher's own and those who want no notification.
  std::vector<int64_t> matched_here;
  std::set_intersection(matched.begin(), matched.end(), found.people.begin(), found.people.end(),
                        std::back_inserter(matched_here));
  facts.excluded = Union(found.silent, matched_here);

  // The people the rule may still choose, in its order: who looked, then the consenting
  // others (compatibility decides for them), each ascending. Their facts are read a page
  // at a time, until the job's room is filled: the reads follow the cap, not the trade.
  const std::vector<int64_t> looking = Minus(facts.looked, facts.excluded);
  const std::vector<int64_t> others = Minus(Minus(facts.consented, facts.excluded), facts.looked);
  std::vector<int64_t> examined;
  std::vector<int64_t> told;
  int64_t eligible = 0;
  // Reads the page's facts; counts those who would be told.
  auto examine = [&](std::vector<int64_t> page, bool needs_compatibility) {
    const std::vector<int64_t> page_told =
        notifications::NotificationStore::ToldOfListing(connection, listing.id, page);
    told.insert(told.end(), page_told.begin(), page_told.end());
    std::vector<int64_t> open = Minus(page, page_told);
    if (needs_compatibility) {
      open = compatibility::CompatibilityStore::FullyCompatible(connection, partner_id, open);
      facts.compatible.insert(facts.compatible.end(), open.begin(), open.end());
    }
    const std::unordered_map<int64_t, int> week =
        SkillAlertStore::CountsSince(connection, open, now - kWeekSeconds);
    for (int64_t user_id : open) {
      auto count = week.find(user_id);
      if (count == week.end() || count->second < limits.per_person_week) ++eligible;
    }
    for (const auto& [user_id, count] : week) facts.alerts_this_week.emplace_back(user_id, count);
    examined.insert(examined.end(), page.begin(), page.end());
  };
  for (const std::vector<int64_t>* group : {&looking, &others}) {
    for (size_t first = 0; first < group->size() && eligible < room;
         first += storage::kIdsPerStatement) {
      const auto begin = group->begin() + static_cast<std::ptrdiff_t>(first);
      const auto end = group->begin() + static_cast<std::ptrdiff_t>(std::min(
                                            group->size(), first + storage::kIdsPerStatement));
      examine(std::vector<int64_t>(begin, end), group == &others);
    }
  }
  std::sort(examined.begin(), examined.end());
  std::sort(told.begin(), told.end());
  facts.excluded = Union(facts.excluded, told);
  std::sort(facts.compatible.begin(), facts.compatible.end());
  std::sort(facts.alerts_this_week.begin(), facts.alerts_this_week.end());
  return ChooseRecipients(examined, facts, limits);
}

std::vector<notifications::ExtraAudience::Person> SkillAlertAudience::PeopleFor(
    storage::Connection& connection, const listings::Listing& listing,
    const std::set<int64_t>& matched, int64_t now) {
  std::vector<Person> people;
  if (listing.kind != listings::Kind::kJob || !listing.partner_id) return people;
  const std::string code = listing.details.value("rome_code", std::string());
  if (code.empty()) return people;
  const int64_t partner_id = *listing.partner_id;
  if (!subscriptions::SubscriptionStore::For(connection, partner_id, ParisDate(now))
           .Has(subscriptions::ProductCode::kOption3))
    return people;
  const std::vector<Recipient> chosen =
      index_ != nullptr ? ChooseFromIndex(connection, *index_, listing, matched, limits_, now)
                        : ChooseFromDatabase(connection, listing, matched, limits_, now);
  if (chosen.empty()) return people;
  std::string partner_name;
  if (auto partner = partners::PartnerStore::Get(connection, partner_id))
    partner_name = partner->name;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Recipient& recipient : chosen) {
    pending_[{listing.id, recipient.user_id}] = recipient.unvisited;
    people.push_back({recipient.user_id,
                      {{"partner_name", partner_name},
                       {"rome_code", code},
                       {"unvisited", recipient.unvisited}}});
  }
  return people;
}

void SkillAlertAudience::Told(storage::Connection& connection, const listings::Listing& listing,
                              const std::vector<int64_t>& user_ids, int64_t now) {
  std::vector<Recipient> recipients;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int64_t user_id : user_ids) {
      auto found = pending_.find({listing.id, user_id});
      recipients.push_back({user_id, found != pending_.end() && found->second});
      if (found != pending_.end()) pending_.erase(found);
    }
  }
  SkillAlertStore::Record(connection, listing.id, recipients, now);
}

}  // namespace vivrovert::skills
