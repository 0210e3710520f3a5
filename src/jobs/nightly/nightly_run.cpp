#include "jobs/nightly/nightly_run.hpp"

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "core/common/text.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/mail/unsubscribe.hpp"
#include "domain/matching/tile_runs.hpp"
#include "domain/notifications/listing_summary.hpp"
#include "domain/notifications/notification_store.hpp"
#include "jobs/nightly/calendar.hpp"
#include "jobs/nightly/digest.hpp"

namespace vivrovert::nightly {

namespace {

using notifications::BoundIds;
using notifications::Placeholders;
using storage::SqlValue;

constexpr int64_t kDay = 86400;
// News older than this is never shown (a person back after months gets a week of news).
constexpr int64_t kNewsDays = 8;
// What a mail lists at most; the rest is counted and in the in-site list.
constexpr size_t kMaxMatchedShown = 50;
constexpr size_t kMaxNewsShown = 10;
constexpr int kReportBatch = 20;

std::string InList(size_t count) { return "(" + Placeholders(count, 1) + ")"; }

}  // namespace

// What one call of Run shares between its batches.
struct NightlyRun::RunState {
  std::string run_date;
  int64_t now = 0;
  std::vector<listings::Listing> news_listings;
  std::unique_ptr<NewsIndex> news;
  std::unordered_map<int64_t, const listings::Listing*> news_by_id;
  std::unordered_map<int64_t, listings::Listing> other_listings;  // matched, not news (cache)
};

NightlyRun::NightlyRun(storage::Database& database, notifications::NotificationPass& pass,
                       const mail::MailTemplates& templates, const engine::GridFile* grid,
                       const Clock& clock, NightlyOptions options, LeadReportHooks reports)
    : database_(database),
      pass_(pass),
      templates_(templates),
      grid_(grid),
      clock_(clock),
      options_(std::move(options)),
      reports_(std::move(reports)) {}

int64_t NightlyRun::PurgeRunsBefore(storage::Connection& connection, const std::string& run_date,
                                    int limit) {
  // The tasks go with their run (ON DELETE CASCADE).
  return connection.Execute(
      "DELETE FROM nightly_runs WHERE run_date IN (SELECT run_date FROM nightly_runs WHERE "
      "run_date < $1 "
      "AND finished_at IS NOT NULL ORDER BY run_date LIMIT $2)",
      {run_date, int64_t{limit}});
}

bool NightlyRun::Finished(storage::Connection& connection, const std::string& run_date) {
  std::optional<storage::Row> row =
      connection.QueryOne("SELECT finished_at FROM nightly_runs WHERE run_date = $1", {run_date});
  return row && !row->IsNull(0);
}

NightlyReport NightlyRun::Run(const std::string& run_date) {
  const auto started = std::chrono::steady_clock::now();
  NightlyReport report;
  report.run_date = run_date;
  RunState state;
  state.run_date = run_date;
  state.now = clock_.NowSeconds();
  {
    storage::Connection connection = database_.Acquire();
    connection.Execute(
        "INSERT INTO nightly_runs (run_date, started_at) VALUES ($1, $2) ON CONFLICT (run_date) DO "
        "NOTHING",
        {run_date, state.now});
  }
  // Matches first, so that tonight's digests carry everything published until now.
  report.pass = pass_.Run();
  CreateTasks(run_date, state.now);

  {
    storage::Connection connection = database_.Acquire();
    listings::ListingFilter filter;
    filter.today = UtcDate(state.now);
    filter.status = listings::kStatusActive;
    filter.updated_since = state.now - kNewsDays * kDay;
    filter.limit = 1000;
    while (true) {
      std::vector<listings::Listing> page = listings::ListingStore::List(connection, filter);
      if (page.empty()) break;
      filter.after_id = page.back().id;
      for (listings::Listing& listing : page) {
        if (listing.created_at > state.now - kNewsDays * kDay)
          state.news_listings.push_back(std::move(listing));
      }
    }
  }
  state.news = std::make_unique<NewsIndex>(state.news_listings);
  for (const listings::Listing& listing : state.news_listings)
    state.news_by_id[listing.id] = &listing;

  int batches = 0;
  while (DigestBatch(state, report)) {
    ++batches;
    if (options_.progress) {
      options_.progress("digests: batch " + std::to_string(batches) + " done, " +
                        std::to_string(report.digest_tasks_done) + " people, " +
                        std::to_string(report.digests_queued) + " mails");
    }
    if (options_.pause_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.pause_ms));
  }
  while (ReportBatch(run_date, report)) {
    if (options_.progress) {
      options_.progress("lead reports: " + std::to_string(report.report_tasks_done) +
                        " partners, " + std::to_string(report.report_mails) + " mails");
    }
  }
  report.retention = ApplyRetention(database_, clock_.NowSeconds(), options_.retention);
  {
    storage::Connection connection = database_.Acquire();
    connection.Execute(
        "UPDATE nightly_runs SET finished_at = $1 WHERE run_date = $2 AND finished_at IS NULL "
        "AND tasks_created_at IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM nightly_tasks WHERE run_date = $2 AND done_at IS NULL)",
        {clock_.NowSeconds(), run_date});
    report.finished = Finished(connection, run_date);
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

void NightlyRun::CreateTasks(const std::string& run_date, int64_t now) {
  storage::Connection connection = database_.Acquire();
  storage::Transaction transaction(connection);
  std::string select = "SELECT tasks_created_at FROM nightly_runs WHERE run_date = $1";
  if (connection.dialect().has_row_locks) select += " FOR UPDATE";
  std::optional<storage::Row> run = connection.QueryOne(select, {run_date});
  if (!run || !run->IsNull(0)) return;  // another worker made them
  connection.Execute(
      "INSERT INTO nightly_tasks (run_date, kind, subject_id) "
      "SELECT $1, 'digest', u.id FROM users u LEFT JOIN profiles p ON p.user_id = u.id "
      "WHERE u.email_verified_at IS NOT NULL AND COALESCE(p.notification, 'daily') <> 'none' "
      "ON CONFLICT DO NOTHING",
      {run_date});
  if (reports_.partners_due) {
    for (int64_t partner_id : reports_.partners_due(connection, run_date)) {
      connection.Execute(
          "INSERT INTO nightly_tasks (run_date, kind, subject_id) VALUES ($1, 'lead_report', $2) "
          "ON CONFLICT DO NOTHING",
          {run_date, partner_id});
    }
  }
  connection.Execute("UPDATE nightly_runs SET tasks_created_at = $1 WHERE run_date = $2",
                     {now, run_date});
  transaction.Commit();
}

bool NightlyRun::DigestBatch(RunState& state, NightlyReport& report) {
  const int64_t now = state.now;
  storage::Connection connection = database_.Acquire();
  storage::Transaction transaction(connection);
  std::string select =
      "SELECT subject_id FROM nightly_tasks WHERE run_date = $1 AND kind = 'digest' AND done_at IS "
      "NULL "
      "ORDER BY subject_id LIMIT $2";
  if (connection.dialect().has_row_locks) select += " FOR UPDATE SKIP LOCKED";
  std::vector<int64_t> users;
  for (const storage::Row& row :
       connection.Query(select, {state.run_date, int64_t{options_.batch}})) {
    users.push_back(row.Int(0));
  }
  if (users.empty()) return false;
  const std::vector<SqlValue> user_params = BoundIds(users);

  // Everything the batch needs, a query per kind of thing.
  const std::map<int64_t, notifications::Recipient> recipients =
      notifications::LoadRecipients(connection, users);
  struct DigestState {
    std::string last_period;
    int64_t last_digest_at = 0;
  };
  std::map<int64_t, DigestState> states;
  for (const storage::Row& row : connection.Query(
           "SELECT user_id, last_period, last_digest_at FROM digest_state WHERE user_id IN " +
               InList(users.size()),
           user_params)) {
    states[row.Int(0)] = {row.Text(1), row.Int(2)};
  }
  std::map<int64_t, std::vector<notifications::NotificationRecord>> waiting;
  for (notifications::NotificationRecord& record :
       notifications::NotificationStore::Waiting(connection, users)) {
    waiting[record.user_id].push_back(std::move(record));
  }
  auto listing_of = [&](int64_t id) -> const listings::Listing* {
    if (auto found = state.news_by_id.find(id); found != state.news_by_id.end())
      return found->second;
    if (auto found = state.other_listings.find(id); found != state.other_listings.end())
      return &found->second;
    std::optional<listings::Listing> listing = listings::ListingStore::Get(connection, id);
    if (!listing) return nullptr;
    return &state.other_listings.emplace(id, std::move(*listing)).first->second;
  };
  std::map<int64_t, std::set<std::string>> clicked_communes;
  if (grid_ != nullptr) {
    for (const storage::Row& row :
         connection.Query("SELECT DISTINCT user_id, tile FROM tile_clicks WHERE user_id IN " +
                              InList(users.size()),
                          user_params)) {
      std::optional<engine::TileId> tile = engine::TileId::Parse(row.Text(1));
      const engine::LevelView* level = tile ? grid_->level(tile->level) : nullptr;
      std::optional<size_t> index = level != nullptr ? level->Find(*tile) : std::nullopt;
      if (!index) continue;
      auto [first, last] = level->communes(*index);
      for (auto share = first; share != last; ++share) {
        clicked_communes[row.Int(0)].insert(grid_->communes()[share->commune].code);
      }
    }
  }
  std::map<int64_t, std::vector<SearchForDigest>> searches;  // by user
  std::map<int64_t, SearchForDigest*> search_by_id;
  for (const storage::Row& row :
       connection.Query("SELECT t.search_id, t.user_id, t.tiles, s.name FROM saved_search_tiles t "
                        "JOIN saved_searches s ON s.id = t.search_id WHERE t.user_id IN " +
                            InList(users.size()) + " ORDER BY t.search_id",
                        user_params)) {
    Result<matching::TileRuns> runs = matching::DecodeTileRuns(row.Text(2));
    if (!runs.ok()) continue;  // a damaged row: the matcher recomputes it at its next start
    SearchForDigest search;
    search.search_id = row.Int(0);
    search.name = row.Text(3);
    for (const engine::TileId& tile : runs->tiles) search.green_tiles.insert(tile.ToString());
    search.tiles_5km = CountTiles5km(search.green_tiles);
    searches[row.Int(1)].push_back(std::move(search));
  }
  for (auto& [user, list] : searches) {
    for (SearchForDigest& search : list) search_by_id[search.search_id] = &search;
  }
  for (const storage::Row& row : connection.Query(
           "SELECT v.search_id, h.partner_id, p.name, h.communes FROM search_territory_hits h "
           "JOIN search_versions v ON v.id = h.version_id JOIN partners p ON p.id = h.partner_id "
           "WHERE h.user_id IN " +
               InList(users.size()) +
               " AND v.id = (SELECT MAX(v2.id) FROM search_versions v2 WHERE v2.search_id = "
               "v.search_id) "
               "ORDER BY v.search_id, h.partner_id",
           user_params)) {
    auto search = search_by_id.find(row.Int(0));
    if (search == search_by_id.end()) continue;
    TerritoryHit hit{row.Int(1), row.Text(2), {}};
    std::istringstream communes(row.Text(3));
    for (std::string code; communes >> code;) hit.communes.insert(code);
    search->second->hits.push_back(std::move(hit));
  }
  std::map<int64_t, std::set<int64_t>> told;
  for (const storage::Row& row : connection.Query(
           "SELECT user_id, listing_id FROM notifications WHERE user_id IN " + InList(users.size()),
           user_params)) {
    told[row.Int(0)].insert(row.Int(1));
  }

  std::map<std::string, std::vector<int64_t>> outcomes;  // outcome → users
  std::vector<notifications::NewNotification> news_rows;
  std::vector<int64_t> mailed_ids;
  std::vector<std::pair<int64_t, std::string>> new_states;
  std::vector<mail::OutgoingMessage> digests;
  for (int64_t user : users) {
    auto recipient = recipients.find(user);
    if (recipient == recipients.end()) {
      outcomes["deleted"].push_back(user);
      continue;
    }
    const matching::Notification choice = recipient->second.notification;
    if (choice == matching::Notification::kNone) {
      outcomes["none"].push_back(user);
      ++report.digests_not_due;
      continue;
    }
    const bool weekly = choice == matching::Notification::kWeekly;
    const std::string period = weekly ? IsoWeekKey(state.run_date) : state.run_date;
    auto previous = states.find(user);
    if (previous != states.end() && previous->second.last_period == period) {
      outcomes["not due"].push_back(user);
      ++report.digests_not_due;
      continue;
    }
    if (!recipient->second.deliverable) {
      outcomes["undeliverable"].push_back(user);
      ++report.undeliverable;
      continue;
    }
    DigestInput input;
    input.window_start =
        previous != states.end() ? previous->second.last_digest_at : now - (weekly ? 7 : 1) * kDay;
    std::vector<int64_t> waiting_ids;
    for (const notifications::NotificationRecord& record : waiting[user]) {
      waiting_ids.push_back(record.id);
      const listings::Listing* listing = listing_of(record.listing_id);
      if (listing != nullptr && listing->StatusOn(UtcDate(now)) == listings::kStatusActive) {
        input.matched.push_back(listing);
      }
    }
    input.clicked_communes = clicked_communes[user];
    input.searches = searches[user];
    input.already_told = told[user];
    for (const notifications::NotificationRecord& record : waiting[user])
      input.already_told.erase(record.listing_id);
    DigestContent content = BuildDigest(input, *state.news);
    if (content.empty()) {
      // Withdrawn matches leave the waiting list with nothing to say.
      outcomes["nothing new"].push_back(user);
      ++report.digests_empty;
      continue;
    }

    const std::string digest_key = "digest:" + std::to_string(user) + ":" + period;
    nlohmann::json values =
        notifications::PersonLinks(options_.public_base_url, options_.secret_key, user);
    values["display_name"] = recipient->second.display_name;
    values["period_label"] = weekly ? "de la semaine" : "du jour";
    values["date"] = FrenchDay(state.run_date);
    auto summaries = [&](const std::vector<const listings::Listing*>& listings, size_t cap) {
      nlohmann::json list = nlohmann::json::array();
      for (size_t i = 0; i < listings.size() && i < cap; ++i) {
        list.push_back(
            notifications::ListingSummary(*listings[i], grid_, options_.public_base_url));
      }
      return list;
    };
    int64_t total = static_cast<int64_t>(content.matched.size());
    values["matched"] = summaries(content.matched, kMaxMatchedShown);
    values["has_matched"] = !content.matched.empty();
    values["matched_more"] =
        content.matched.size() > kMaxMatchedShown
            ? nlohmann::json(std::to_string(content.matched.size() - kMaxMatchedShown))
            : nlohmann::json(false);
    nlohmann::json prospects = nlohmann::json::array();
    for (const CommuneNews& section : content.prospects) {
      std::string name = section.commune_code;
      if (grid_ != nullptr) {
        if (auto index = grid_->FindCommune(section.commune_code))
          name = grid_->communes()[*index].name;
      }
      total += static_cast<int64_t>(section.listings.size());
      prospects.push_back(
          {{"commune", name},
           {"commune_code", section.commune_code},
           {"listings", summaries(section.listings, kMaxNewsShown)},
           {"more", section.listings.size() > kMaxNewsShown
                        ? nlohmann::json(std::to_string(section.listings.size() - kMaxNewsShown))
                        : nlohmann::json(false)}});
      for (const listings::Listing* listing : section.listings) {
        news_rows.push_back({user, listing->id, notifications::Reason::kProspect,
                             notifications::Channel::kDigest, now, digest_key});
      }
    }
    nlohmann::json contacts = nlohmann::json::array();
    for (const TerritoryNews& section : content.contacts) {
      total += static_cast<int64_t>(section.listings.size());
      contacts.push_back(
          {{"partner_name", section.partner_name},
           {"search_name", section.search_name},
           {"listings", summaries(section.listings, kMaxNewsShown)},
           {"more", section.listings.size() > kMaxNewsShown
                        ? nlohmann::json(std::to_string(section.listings.size() - kMaxNewsShown))
                        : nlohmann::json(false)}});
      for (const listings::Listing* listing : section.listings) {
        news_rows.push_back({user, listing->id, notifications::Reason::kContact,
                             notifications::Channel::kDigest, now, digest_key});
      }
    }
    values["prospects"] = prospects;
    values["contacts"] = contacts;
    values["count"] = std::to_string(total);
    Result<mail::OutgoingMessage> message = templates_.RenderNested("digest", values);
    if (!message.ok()) throw std::runtime_error("digest: " + message.status().message());
    message->idempotency_key = digest_key;
    message->to_address = recipient->second.email;
    mail::AddUnsubscribeHeaders(*message, values["unsubscribe_url"].get<std::string>());
    digests.push_back(std::move(*message));
    mailed_ids.insert(mailed_ids.end(), waiting_ids.begin(), waiting_ids.end());
    new_states.emplace_back(user, period);
    outcomes["sent"].push_back(user);
  }

  report.digests_queued += mail::EnqueueMany(connection, digests, now);
  notifications::NotificationStore::RecordMany(connection, news_rows, now);
  report.news_told += static_cast<int64_t>(news_rows.size());
  // Each mailed waiting row, by digest key: rows of one person share it.
  {
    std::map<int64_t, std::string> key_of_user;
    for (const auto& [user, period] : new_states)
      key_of_user[user] = "digest:" + std::to_string(user) + ":" + period;
    std::map<std::string, std::vector<int64_t>> by_key;
    for (int64_t user : users) {
      auto key = key_of_user.find(user);
      if (key == key_of_user.end()) continue;
      for (const notifications::NotificationRecord& record : waiting[user])
        by_key[key->second].push_back(record.id);
    }
    for (const auto& [key, ids] : by_key)
      notifications::NotificationStore::MarkMailed(connection, ids, key, now);
  }
  constexpr size_t kStatesPerStatement = 100;  // few parameters a statement: see RecordMany
  for (size_t start = 0; start < new_states.size(); start += kStatesPerStatement) {
    const size_t end = std::min(new_states.size(), start + kStatesPerStatement);
    std::string sql = "INSERT INTO digest_state (user_id, last_period, last_digest_at) VALUES ";
    std::vector<SqlValue> params;
    for (size_t i = start; i < end; ++i) {
      sql += (i == start ? "(" : ", (") + Placeholders(3, params.size() + 1) + ")";
      params.emplace_back(new_states[i].first);
      params.emplace_back(new_states[i].second);
      params.emplace_back(now);
    }
    sql +=
        " ON CONFLICT (user_id) DO UPDATE SET last_period = excluded.last_period, last_digest_at = "
        "excluded.last_digest_at";
    connection.Execute(sql, params);
  }
  for (const auto& [outcome, ids] : outcomes) {
    std::vector<SqlValue> params = {clock_.NowSeconds(), outcome, state.run_date};
    for (int64_t id : ids) params.emplace_back(id);
    connection.Execute(
        "UPDATE nightly_tasks SET done_at = $1, outcome = $2 WHERE run_date = $3 AND kind = "
        "'digest' "
        "AND subject_id IN (" +
            Placeholders(ids.size(), 4) + ")",
        params);
  }
  transaction.Commit();
  report.digest_tasks_done += static_cast<int64_t>(users.size());
  return true;
}

bool NightlyRun::ReportBatch(const std::string& run_date, NightlyReport& report) {
  storage::Connection connection = database_.Acquire();
  storage::Transaction transaction(connection);
  std::string select =
      "SELECT subject_id FROM nightly_tasks WHERE run_date = $1 AND kind = 'lead_report' AND "
      "done_at IS NULL "
      "ORDER BY subject_id LIMIT $2";
  if (connection.dialect().has_row_locks) select += " FOR UPDATE SKIP LOCKED";
  std::vector<storage::Row> partners = connection.Query(select, {run_date, int64_t{kReportBatch}});
  if (partners.empty()) return false;
  const int64_t now = clock_.NowSeconds();
  for (const storage::Row& row : partners) {
    const int64_t partner_id = row.Int(0);
    std::string outcome = "no report hook";
    if (reports_.enqueue) {
      Result<int> queued = reports_.enqueue(connection, partner_id, run_date, now);
      if (queued.ok()) {
        report.report_mails += *queued;
        outcome = "queued " + std::to_string(*queued);
      } else {
        outcome = "failed: " + queued.status().message();
      }
    }
    connection.Execute(
        "UPDATE nightly_tasks SET done_at = $1, outcome = $2 WHERE run_date = $3 AND kind = "
        "'lead_report' AND subject_id = $4",
        {now, outcome, run_date, partner_id});
    ++report.report_tasks_done;
  }
  transaction.Commit();
  return true;
}

}  // namespace vivrovert::nightly
