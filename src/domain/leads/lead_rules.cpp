#include "domain/leads/lead_rules.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace vivrovert::leads {

const char* LeadKindName(LeadKind kind) {
  return kind == LeadKind::kContact ? "contact" : "prospect";
}

const char* LeadKindLabel(LeadKind kind) {
  return kind == LeadKind::kContact ? "Contact" : "Prospect";
}

std::vector<Lead> LeadsAt(const PartnerEvents& events, int64_t as_of) {
  std::map<int64_t, Lead> prospects;  // by user
  for (const ClickEvent& click : events.clicks) {
    if (!click.user_id || click.clicked_at > as_of) continue;
    auto [it, inserted] = prospects.try_emplace(*click.user_id);
    Lead& lead = it->second;
    if (inserted) {
      lead.user_id = *click.user_id;
      lead.kind = LeadKind::kProspect;
      lead.first_at = click.clicked_at;
      lead.last_at = click.clicked_at;
    }
    lead.first_at = std::min(lead.first_at, click.clicked_at);
    lead.last_at = std::max(lead.last_at, click.clicked_at);
    lead.communes.insert(click.communes.begin(), click.communes.end());
    if (std::find(lead.tiles.begin(), lead.tiles.end(), click.tile) == lead.tiles.end())
      lead.tiles.push_back(click.tile);
  }

  // The version in force of each search at `as_of`: its latest version recorded by then.
  std::unordered_map<int64_t, const VersionEvent*> in_force;
  for (const VersionEvent& version : events.versions) {
    if (version.recorded_at > as_of) continue;
    const VersionEvent*& current = in_force[version.search_id];
    if (current == nullptr || version.version_id > current->version_id) current = &version;
  }
  std::map<int64_t, Lead> contacts;
  for (const auto& [search_id, version] : in_force) {
    if (version->green_tiles <= 0 || prospects.count(version->user_id) != 0) continue;
    auto [it, inserted] = contacts.try_emplace(version->user_id);
    Lead& lead = it->second;
    if (inserted) {
      lead.user_id = version->user_id;
      lead.kind = LeadKind::kContact;
      lead.first_at = version->recorded_at;
      lead.last_at = version->recorded_at;
    }
    lead.first_at = std::min(lead.first_at, version->recorded_at);
    lead.last_at = std::max(lead.last_at, version->recorded_at);
    lead.communes.insert(version->communes.begin(), version->communes.end());
    lead.green_tiles += version->green_tiles;
    lead.search_ids.push_back(search_id);
  }

  std::vector<Lead> leads;
  leads.reserve(prospects.size() + contacts.size());
  for (auto& [user, lead] : prospects) leads.push_back(std::move(lead));
  for (auto& [user, lead] : contacts) {
    std::sort(lead.search_ids.begin(), lead.search_ids.end());
    leads.push_back(std::move(lead));
  }
  std::sort(leads.begin(), leads.end(), [](const Lead& a, const Lead& b) {
    return a.last_at != b.last_at ? a.last_at > b.last_at : a.user_id < b.user_id;
  });
  return leads;
}

std::vector<LeadCounts> CountsOverTime(const PartnerEvents& events,
                                       const std::vector<int64_t>& dates) {
  std::vector<LeadCounts> counts;
  counts.reserve(dates.size());
  for (int64_t date : dates) {
    LeadCounts point;
    point.at = date;
    for (const Lead& lead : LeadsAt(events, date)) {
      (lead.kind == LeadKind::kContact ? point.contacts : point.prospects) += 1;
    }
    for (const ClickEvent& click : events.clicks) {
      if (!click.user_id && !click.linked && click.clicked_at <= date) ++point.anonymous_clicks;
    }
    counts.push_back(point);
  }
  return counts;
}

}  // namespace vivrovert::leads
