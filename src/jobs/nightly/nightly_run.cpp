#include "jobs/nightly/nightly_run.hpp"

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "core/common/text.hpp"
#include "core/storage/batch.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/demand/periodic_report.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/invoices/invoicing.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/mail/unsubscribe.hpp"
#include "domain/matching/matcher.hpp"
#include "domain/notifications/listing_summary.hpp"
#include "domain/notifications/notification_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/profiles/profile.hpp"
#include "jobs/nightly/calendar.hpp"
#include "jobs/nightly/digest.hpp"
#include "jobs/nightly/tasks.hpp"

namespace vivrovert::nightly {

namespace {

using storage::SqlValue;

constexpr int64_t kDay = 86400;
// News older than this is never shown (a person back after months gets a week of news).
constexpr int64_t kNewsDays = 8;
// What a mail lists at most; the rest is counted and in the in-site list.
constexpr size_t kMaxMatchedShown = 50;
constexpr size_t kMaxNewsShown = 10;
constexpr int kReportBatch = 20;

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
  // Invoices after the lead reports: claim a page of contracts, load, decide, write, a
  // transaction a page (invoices::IssueDueInvoices); then the reminders of overdue ones.
  const invoices::InvoiceMail invoice_mail{templates_, options_.public_base_url};
  const invoices::IssueReport issued = invoices::IssueDueInvoices(
      database_, run_date, clock_.NowSeconds(), options_.seller, 50, &invoice_mail);
  report.invoices_issued = issued.invoices;
  report.invoice_reminders =
      invoices::QueueReminders(database_, templates_, run_date, clock_.NowSeconds()).queued;
  if (options_.progress) {
    options_.progress("invoices: " + std::to_string(issued.contracts) + " contracts, " +
                      std::to_string(report.invoices_issued) + " issued, " +
                      std::to_string(report.invoice_reminders) + " reminders");
  }
  // The periodic barometers after the invoices: figures of the recorded demand, compared
  // with the partner's previous report, mailed to its staff.
  Result<demand::IssueSummary> barometers = demand::IssueDueReports(
      database_, grid_, templates_, {options_.public_base_url, options_.secret_key}, run_date,
      clock_.NowSeconds());
  if (barometers.ok()) {
    report.barometer_reports = barometers->reports;
    report.barometer_mails = barometers->mails;
  }
  if (options_.progress) {
    options_.progress(barometers.ok()
                          ? "barometers: " + std::to_string(report.barometer_reports) +
                                " issued, " + std::to_string(report.barometer_mails) + " mails"
                          : "barometers: failed: " + barometers.status().message());
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
  std::vector<storage::Row> run = storage::QueryForUpdate(
      connection, "SELECT tasks_created_at FROM nightly_runs WHERE run_date = $1", {run_date});
  if (run.empty() || !run.front().IsNull(0)) return;  // another worker made them
  // Everyone with a verified address who did not turn the digests off, read a page at a
  // time through their owners (accounts/, profiles/).
  constexpr int64_t kPage = 1000;
  for (int64_t after = 0;;) {
    const std::vector<int64_t> ids =
        accounts::UserStore::IdsAfter(connection, after, kPage, /*verified_only=*/true);
    if (ids.empty()) break;
    after = ids.back();
    const std::map<int64_t, std::string> choices =
        profiles::ProfileStore::Notifications(connection, ids);
    std::vector<int64_t> wanting;
    for (int64_t id : ids) {
      auto choice = choices.find(id);
      if (choice == choices.end() || choice->second != "none") wanting.push_back(id);
    }
    AddTasks(connection, run_date, TaskKind::kDigest, wanting);
  }
  if (reports_.partners_due)
    AddTasks(connection, run_date, TaskKind::kLeadReport,
             reports_.partners_due(connection, run_date));
  connection.Execute("UPDATE nightly_runs SET tasks_created_at = $1 WHERE run_date = $2",
                     {now, run_date});
  transaction.Commit();
}

// Everything one batch of digests needs, read through the owners' batch reads.
struct NightlyRun::DigestBatchData {
  std::vector<int64_t> users;
  std::map<int64_t, notifications::Recipient> recipients;
  struct DigestState {
    std::string last_period;
    int64_t last_digest_at = 0;
  };
  std::map<int64_t, DigestState> states;
  std::map<int64_t, std::vector<notifications::NotificationRecord>> waiting;
  std::map<int64_t, std::vector<std::string>> clicked_tiles;
  std::map<int64_t, std::vector<SearchForDigest>> searches;  // by user, by search id
  std::map<int64_t, std::set<int64_t>> told;
};

// What the batch writes, decided from the data alone.
struct NightlyRun::DigestBatchWrites {
  std::map<std::string, std::vector<int64_t>> outcomes;  // outcome → users
  std::vector<mail::OutgoingMessage> digests;
  std::vector<notifications::NewNotification> news_rows;
  std::map<std::string, std::vector<int64_t>> mailed;    // digest key → waiting rows it carries
  std::vector<std::pair<int64_t, std::string>> periods;  // user → period now served
  int64_t empty = 0;
  int64_t not_due = 0;
  int64_t undeliverable = 0;
};

NightlyRun::DigestBatchData NightlyRun::LoadDigestBatch(storage::Connection& connection,
                                                        std::vector<int64_t> users,
                                                        RunState& state) const {
  DigestBatchData data;
  data.users = std::move(users);
  const std::vector<int64_t>& ids = data.users;
  data.recipients = notifications::LoadRecipients(connection, ids);
  for (const storage::Row& row : connection.Query(
           "SELECT user_id, last_period, last_digest_at FROM digest_state WHERE user_id IN " +
               storage::InList(ids.size()),
           storage::BoundIds(ids))) {
    data.states[row.Int(0)] = {row.Text(1), row.Int(2)};
  }
  std::vector<notifications::NotificationRecord> waiting =
      notifications::NotificationStore::Waiting(connection, ids);
  // The listings the waiting rows name, kept for the whole run (most are tonight's news);
  // the others read in a few statements, not one per listing.
  std::set<int64_t> missing;
  for (const notifications::NotificationRecord& record : waiting) {
    if (!state.news_by_id.contains(record.listing_id) &&
        !state.other_listings.contains(record.listing_id))
      missing.insert(record.listing_id);
  }
  if (!missing.empty()) {
    for (auto& [id, listing] : listings::ListingStore::GetMany(
             connection, std::vector<int64_t>(missing.begin(), missing.end())))
      state.other_listings.emplace(id, std::move(listing));
  }
  for (notifications::NotificationRecord& record : waiting)
    data.waiting[record.user_id].push_back(std::move(record));
  if (grid_ != nullptr)
    data.clicked_tiles = interests::InterestStore::ClickedTilesOf(connection, ids);

  // Saved searches: their green tiles (matching/), names (interests/), where they are
  // green in partners' territories (leads/) and those partners' names (partners/).
  std::vector<matching::SearchGreenTiles> green = matching::GreenTilesOf(connection, ids);
  std::vector<int64_t> search_ids;
  for (const matching::SearchGreenTiles& search : green) search_ids.push_back(search.search_id);
  const std::map<int64_t, std::string> names =
      interests::InterestStore::SearchNames(connection, search_ids);
  const std::vector<leads::LeadStore::SearchHit> hits =
      leads::LeadStore::LatestHitsOf(connection, ids);
  std::vector<int64_t> partner_ids;
  for (const leads::LeadStore::SearchHit& hit : hits) partner_ids.push_back(hit.partner_id);
  const std::map<int64_t, std::string> partner_names =
      partners::PartnerStore::Names(connection, partner_ids);
  std::map<int64_t, std::vector<TerritoryHit>> hits_by_search;
  for (const leads::LeadStore::SearchHit& hit : hits) {
    auto partner = partner_names.find(hit.partner_id);
    if (partner == partner_names.end()) continue;
    hits_by_search[hit.search_id].push_back(
        {hit.partner_id, partner->second, {hit.communes.begin(), hit.communes.end()}});
  }
  for (matching::SearchGreenTiles& stored : green) {
    auto name = names.find(stored.search_id);
    if (name == names.end()) continue;  // deleted meanwhile
    SearchForDigest search;
    search.search_id = stored.search_id;
    search.name = name->second;
    for (const engine::TileId& tile : stored.tiles) search.green_tiles.insert(tile.ToString());
    search.tiles_5km = CountTiles5km(search.green_tiles);
    search.hits = std::move(hits_by_search[stored.search_id]);
    data.searches[stored.user_id].push_back(std::move(search));
  }
  data.told = notifications::NotificationStore::ListingsToldTo(connection, ids);
  return data;
}

NightlyRun::DigestBatchWrites NightlyRun::DecideDigests(const DigestBatchData& data,
                                                        const RunState& state) const {
  const int64_t now = state.now;
  DigestBatchWrites writes;
  auto listing_of = [&state](int64_t id) -> const listings::Listing* {
    if (auto found = state.news_by_id.find(id); found != state.news_by_id.end())
      return found->second;
    if (auto found = state.other_listings.find(id); found != state.other_listings.end())
      return &found->second;
    return nullptr;
  };
  static const std::vector<notifications::NotificationRecord> kNoneWaiting;
  for (int64_t user : data.users) {
    auto recipient = data.recipients.find(user);
    if (recipient == data.recipients.end()) {
      writes.outcomes["deleted"].push_back(user);
      continue;
    }
    const matching::Notification choice = recipient->second.notification;
    if (choice == matching::Notification::kNone) {
      writes.outcomes["none"].push_back(user);
      ++writes.not_due;
      continue;
    }
    const bool weekly = choice == matching::Notification::kWeekly;
    const std::string period = weekly ? IsoWeekKey(state.run_date) : state.run_date;
    auto previous = data.states.find(user);
    if (previous != data.states.end() && previous->second.last_period == period) {
      writes.outcomes["not due"].push_back(user);
      ++writes.not_due;
      continue;
    }
    if (!recipient->second.deliverable) {
      writes.outcomes["undeliverable"].push_back(user);
      ++writes.undeliverable;
      continue;
    }
    auto waiting_of = data.waiting.find(user);
    const std::vector<notifications::NotificationRecord>& waiting =
        waiting_of != data.waiting.end() ? waiting_of->second : kNoneWaiting;
    DigestInput input;
    input.window_start = previous != data.states.end() ? previous->second.last_digest_at
                                                       : now - (weekly ? 7 : 1) * kDay;
    std::vector<int64_t> waiting_ids;
    for (const notifications::NotificationRecord& record : waiting) {
      waiting_ids.push_back(record.id);
      const listings::Listing* listing = listing_of(record.listing_id);
      if (listing != nullptr && listing->StatusOn(UtcDate(now)) == listings::kStatusActive) {
        input.matched.push_back(listing);
      }
    }
    if (auto clicked = data.clicked_tiles.find(user); clicked != data.clicked_tiles.end())
      input.clicked_communes = CommunesOfTiles(clicked->second);
    if (auto searches = data.searches.find(user); searches != data.searches.end())
      input.searches = searches->second;
    if (auto told = data.told.find(user); told != data.told.end())
      input.already_told = told->second;
    for (const notifications::NotificationRecord& record : waiting)
      input.already_told.erase(record.listing_id);
    DigestContent content = BuildDigest(input, *state.news);
    if (content.empty()) {
      // Withdrawn matches leave the waiting list with nothing to say.
      writes.outcomes["nothing new"].push_back(user);
      ++writes.empty;
      continue;
    }
    const std::string digest_key = "digest:" + std::to_string(user) + ":" + period;
    writes.digests.push_back(RenderDigest(content, recipient->second, weekly, state.run_date,
                                          digest_key, writes.news_rows, now));
    writes.mailed[digest_key] = std::move(waiting_ids);
    writes.periods.emplace_back(user, period);
    writes.outcomes["sent"].push_back(user);
  }
  return writes;
}

std::set<std::string> NightlyRun::CommunesOfTiles(const std::vector<std::string>& tiles) const {
  std::set<std::string> communes;
  for (const std::string& text : tiles) {
    std::optional<engine::TileId> tile = engine::TileId::Parse(text);
    const engine::LevelView* level = tile ? grid_->level(tile->level) : nullptr;
    std::optional<size_t> index = level != nullptr ? level->Find(*tile) : std::nullopt;
    if (!index) continue;
    auto [first, last] = level->communes(*index);
    for (auto share = first; share != last; ++share)
      communes.insert(grid_->communes()[share->commune].code);
  }
  return communes;
}

mail::OutgoingMessage NightlyRun::RenderDigest(
    const DigestContent& content, const notifications::Recipient& recipient, bool weekly,
    const std::string& run_date, const std::string& digest_key,
    std::vector<notifications::NewNotification>& news_rows, int64_t now) const {
  const int64_t user = recipient.user_id;
  nlohmann::json values =
      notifications::PersonLinks(options_.public_base_url, options_.secret_key, user);
  values["display_name"] = recipient.display_name;
  values["period_label"] = weekly ? "de la semaine" : "du jour";
  values["date"] = FrenchDay(run_date);
  auto summaries = [&](const std::vector<const listings::Listing*>& listings, size_t cap) {
    nlohmann::json list = nlohmann::json::array();
    for (size_t i = 0; i < listings.size() && i < cap; ++i) {
      list.push_back(notifications::ListingSummary(*listings[i], grid_, options_.public_base_url));
    }
    return list;
  };
  auto more = [](size_t count, size_t cap) {
    return count > cap ? nlohmann::json(std::to_string(count - cap)) : nlohmann::json(false);
  };
  int64_t total = static_cast<int64_t>(content.matched.size());
  values["matched"] = summaries(content.matched, kMaxMatchedShown);
  values["has_matched"] = !content.matched.empty();
  values["matched_more"] = more(content.matched.size(), kMaxMatchedShown);
  nlohmann::json prospects = nlohmann::json::array();
  for (const CommuneNews& section : content.prospects) {
    std::string name = section.commune_code;
    if (grid_ != nullptr) {
      if (auto index = grid_->FindCommune(section.commune_code))
        name = grid_->communes()[*index].name;
    }
    total += static_cast<int64_t>(section.listings.size());
    prospects.push_back({{"commune", name},
                         {"commune_code", section.commune_code},
                         {"listings", summaries(section.listings, kMaxNewsShown)},
                         {"more", more(section.listings.size(), kMaxNewsShown)}});
    for (const listings::Listing* listing : section.listings) {
      news_rows.push_back({user, listing->id, notifications::Reason::kProspect,
                           notifications::Channel::kDigest, now, digest_key});
    }
  }
  nlohmann::json contacts = nlohmann::json::array();
  for (const TerritoryNews& section : content.contacts) {
    total += static_cast<int64_t>(section.listings.size());
    contacts.push_back({{"partner_name", section.partner_name},
                        {"search_name", section.search_name},
                        {"listings", summaries(section.listings, kMaxNewsShown)},
                        {"more", more(section.listings.size(), kMaxNewsShown)}});
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
  message->to_address = recipient.email;
  mail::AddUnsubscribeHeaders(*message, values["unsubscribe_url"].get<std::string>());
  return std::move(*message);
}

void NightlyRun::WriteDigests(storage::Connection& connection, const DigestBatchWrites& writes,
                              const RunState& state, NightlyReport& report) {
  const int64_t now = state.now;
  report.digests_queued += mail::EnqueueMany(connection, writes.digests, now);
  notifications::NotificationStore::RecordMany(connection, writes.news_rows, now);
  report.news_told += static_cast<int64_t>(writes.news_rows.size());
  report.digests_empty += writes.empty;
  report.digests_not_due += writes.not_due;
  report.undeliverable += writes.undeliverable;
  for (const auto& [key, ids] : writes.mailed) {
    if (!ids.empty()) notifications::NotificationStore::MarkMailed(connection, ids, key, now);
  }
  constexpr size_t kStatesPerStatement = 100;  // few parameters a statement: see RecordMany
  for (size_t start = 0; start < writes.periods.size(); start += kStatesPerStatement) {
    const size_t end = std::min(writes.periods.size(), start + kStatesPerStatement);
    std::string sql = "INSERT INTO digest_state (user_id, last_period, last_digest_at) VALUES ";
    std::vector<SqlValue> params;
    for (size_t i = start; i < end; ++i) {
      sql += (i == start ? "(" : ", (") + storage::Placeholders(3, params.size() + 1) + ")";
      params.emplace_back(writes.periods[i].first);
      params.emplace_back(writes.periods[i].second);
      params.emplace_back(now);
    }
    sql +=
        " ON CONFLICT (user_id) DO UPDATE SET last_period = excluded.last_period, last_digest_at = "
        "excluded.last_digest_at";
    connection.Execute(sql, params);
  }
  for (const auto& [outcome, ids] : writes.outcomes)
    FinishTasks(connection, state.run_date, TaskKind::kDigest, ids, outcome, clock_.NowSeconds());
}

// claim → load through the stores → decide in pure code → write, in one transaction.
bool NightlyRun::DigestBatch(RunState& state, NightlyReport& report) {
  storage::Connection connection = database_.Acquire();
  storage::Transaction transaction(connection);
  std::vector<int64_t> users =
      ClaimTasks(connection, state.run_date, TaskKind::kDigest, options_.batch);
  if (users.empty()) return false;
  const size_t claimed = users.size();
  const DigestBatchData data = LoadDigestBatch(connection, std::move(users), state);
  const DigestBatchWrites writes = DecideDigests(data, state);
  WriteDigests(connection, writes, state, report);
  transaction.Commit();
  report.digest_tasks_done += static_cast<int64_t>(claimed);
  return true;
}

bool NightlyRun::ReportBatch(const std::string& run_date, NightlyReport& report) {
  storage::Connection connection = database_.Acquire();
  storage::Transaction transaction(connection);
  const std::vector<int64_t> partners =
      ClaimTasks(connection, run_date, TaskKind::kLeadReport, kReportBatch);
  if (partners.empty()) return false;
  const int64_t now = clock_.NowSeconds();
  for (int64_t partner_id : partners) {
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
    FinishTasks(connection, run_date, TaskKind::kLeadReport, {partner_id}, outcome, now);
    ++report.report_tasks_done;
  }
  transaction.Commit();
  return true;
}

}  // namespace vivrovert::nightly
