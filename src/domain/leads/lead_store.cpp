#include "domain/leads/lead_store.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "core/storage/batch.hpp"

namespace vivrovert::leads {

using storage::SqlValue;

std::string JoinCodes(const std::vector<std::string>& codes) {
  std::string out;
  for (const std::string& code : codes) out += (out.empty() ? "" : " ") + code;
  return out;
}

std::vector<std::string> SplitCodes(const std::string& text) {
  std::vector<std::string> codes;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) codes.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return codes;
}

int64_t LeadStore::RecordVersion(storage::Connection& connection, int64_t search_id,
                                 int64_t user_id, const std::string& level, int64_t green_tiles,
                                 int64_t recorded_at) {
  return connection
      .QueryOne(
          "INSERT INTO search_versions (search_id, user_id, level, green_tiles, recorded_at) "
          "VALUES ($1, $2, $3, $4, $5) RETURNING id",
          {search_id, user_id, level, green_tiles, recorded_at})
      ->Int(0);
}

std::optional<int64_t> LeadStore::LatestVersion(storage::Connection& connection,
                                                int64_t search_id) {
  auto row =
      connection.QueryOne("SELECT MAX(id) FROM search_versions WHERE search_id = $1", {search_id});
  if (!row || row->IsNull(0)) return std::nullopt;
  return row->Int(0);
}

std::map<int64_t, int64_t> LeadStore::LatestVersions(storage::Connection& connection,
                                                     const std::vector<int64_t>& search_ids) {
  std::map<int64_t, int64_t> versions;
  for (const storage::Row& row : storage::QueryIdsIn(
           connection, "SELECT search_id, MAX(id) FROM search_versions WHERE search_id IN ",
           search_ids, " GROUP BY search_id")) {
    versions[row.Int(0)] = row.Int(1);
  }
  return versions;
}

std::set<int64_t> LeadStore::ClickedSince(storage::Connection& connection, int64_t partner_id,
                                          const std::vector<int64_t>& user_ids, int64_t since) {
  std::set<int64_t> clicked;
  for (size_t first = 0; first < user_ids.size(); first += storage::kIdsPerStatement) {
    const size_t count = std::min(storage::kIdsPerStatement, user_ids.size() - first);
    std::vector<storage::SqlValue> params{partner_id, since};
    for (size_t idx = first; idx < first + count; ++idx) params.emplace_back(user_ids[idx]);
    for (const storage::Row& row : connection.Query(
             "SELECT DISTINCT user_id FROM partner_clicks WHERE partner_id = $1 AND clicked_at > "
             "$2 AND user_id IN " +
                 storage::InList(count, 3),
             params))
      clicked.insert(row.Int(0));
  }
  return clicked;
}

std::vector<LeadStore::SearchHit> LeadStore::LatestHitsOf(storage::Connection& connection,
                                                          const std::vector<int64_t>& user_ids) {
  std::vector<SearchHit> hits;
  for (const storage::Row& row : storage::QueryIdsIn(
           connection,
           "SELECT v.search_id, h.partner_id, h.communes FROM search_territory_hits h "
           "JOIN search_versions v ON v.id = h.version_id WHERE h.user_id IN ",
           user_ids,
           " AND v.id = (SELECT MAX(v2.id) FROM search_versions v2 WHERE v2.search_id = "
           "v.search_id)")) {
    SearchHit hit{row.Int(0), row.Int(1), {}};
    std::istringstream communes(row.Text(2));
    for (std::string code; communes >> code;) hit.communes.push_back(code);
    hits.push_back(std::move(hit));
  }
  std::sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) {
    return std::tie(a.search_id, a.partner_id) < std::tie(b.search_id, b.partner_id);
  });
  return hits;
}

void LeadStore::RecordHit(storage::Connection& connection, int64_t version_id, int64_t partner_id,
                          int64_t user_id, int64_t green_tiles,
                          const std::vector<std::string>& communes, int64_t recorded_at) {
  connection.Execute("DELETE FROM search_territory_hits WHERE version_id = $1 AND partner_id = $2",
                     {version_id, partner_id});
  connection.Execute(
      "INSERT INTO search_territory_hits (version_id, partner_id, user_id, green_tiles, communes, "
      "recorded_at) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      {version_id, partner_id, user_id, green_tiles, JoinCodes(communes), recorded_at});
}

void LeadStore::RecordClick(storage::Connection& connection, int64_t click_id, int64_t partner_id,
                            std::optional<int64_t> user_id, const std::string& tile,
                            const std::vector<std::string>& communes, bool linked,
                            int64_t clicked_at) {
  connection.Execute(
      "INSERT INTO partner_clicks (click_id, partner_id, user_id, tile, communes, linked, "
      "clicked_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (click_id, partner_id) DO NOTHING",
      {click_id, partner_id, user_id ? SqlValue(*user_id) : SqlValue(nullptr), tile,
       JoinCodes(communes), static_cast<int64_t>(linked ? 1 : 0), clicked_at});
}

void LeadStore::ForgetPartner(storage::Connection& connection, int64_t partner_id) {
  connection.Execute("DELETE FROM search_territory_hits WHERE partner_id = $1", {partner_id});
  connection.Execute("DELETE FROM partner_clicks WHERE partner_id = $1", {partner_id});
}

PartnerEvents LeadStore::Load(storage::Connection& connection, int64_t partner_id) {
  PartnerEvents events;
  // Every version of the searches that hit the territory at least once: a later version
  // without green tiles there ends the person's status as a contact.
  for (const storage::Row& row : connection.Query(
           "SELECT v.search_id, v.id, v.user_id, v.recorded_at, h.green_tiles, h.communes "
           "FROM search_versions v LEFT JOIN search_territory_hits h ON h.version_id = v.id AND "
           "h.partner_id = $1 "
           "WHERE v.search_id IN (SELECT v2.search_id FROM search_territory_hits h2 "
           "JOIN search_versions v2 ON v2.id = h2.version_id WHERE h2.partner_id = $1) "
           "ORDER BY v.search_id, v.id",
           {partner_id})) {
    VersionEvent version;
    version.search_id = row.Int(0);
    version.version_id = row.Int(1);
    version.user_id = row.Int(2);
    version.recorded_at = row.Int(3);
    version.green_tiles = row.IsNull(4) ? 0 : row.Int(4);
    if (!row.IsNull(5)) version.communes = SplitCodes(row.Text(5));
    events.versions.push_back(std::move(version));
  }
  for (const storage::Row& row :
       connection.Query("SELECT user_id, tile, communes, linked, clicked_at FROM partner_clicks "
                        "WHERE partner_id = $1 "
                        "ORDER BY clicked_at, click_id",
                        {partner_id})) {
    ClickEvent click;
    click.user_id = row.OptionalInt(0);
    click.tile = row.Text(1);
    click.communes = SplitCodes(row.Text(2));
    click.linked = row.Int(3) != 0;
    click.clicked_at = row.Int(4);
    events.clicks.push_back(std::move(click));
  }
  return events;
}

std::vector<int64_t> LeadStore::PartnersOfPerson(storage::Connection& connection, int64_t user_id,
                                                 int64_t as_of) {
  std::set<int64_t> partners;
  // Prospect: a click of theirs on the partner's territory.
  for (const storage::Row& row :
       connection.Query("SELECT DISTINCT partner_id FROM partner_clicks WHERE user_id = $1 AND "
                        "clicked_at <= $2",
                        {user_id, as_of}))
    partners.insert(row.Int(0));
  // Contact: the version in force of one of their searches (its latest by then) has green
  // tiles in the territory.
  std::map<int64_t, int64_t> in_force;  // search → version
  for (const storage::Row& row : connection.Query(
           "SELECT search_id, id FROM search_versions WHERE user_id = $1 AND recorded_at <= $2",
           {user_id, as_of})) {
    int64_t& version = in_force[row.Int(0)];
    version = std::max(version, row.Int(1));
  }
  std::vector<int64_t> versions;
  for (const auto& [search_id, version] : in_force) versions.push_back(version);
  for (const storage::Row& row : storage::QueryIdsIn(
           connection,
           "SELECT partner_id FROM search_territory_hits WHERE green_tiles > 0 AND version_id IN ",
           versions))
    partners.insert(row.Int(0));
  return {partners.begin(), partners.end()};
}

}  // namespace vivrovert::leads
