#include "app/site.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <array>
#include <cassert>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>

#include "app/data_update_schedule.hpp"
#include "app/lead_report_hooks.hpp"
#include "core/common/periodic_worker.hpp"
#include "core/storage/leader_lock.hpp"
#include "core/storage/migrations.hpp"
#include "data/amenities/amenity_sources.hpp"
#include "data/amenities/poi_layer.hpp"
#include "data/geo/geography.hpp"
#include "data/grid_builder/imported_sources.hpp"
#include "domain/accounts/deletion_log.hpp"
#include "domain/accounts/outbox_account_mailer.hpp"
#include "domain/demand/comparable.hpp"
#include "domain/demand/demand_recorder.hpp"
#include "domain/display/labels.hpp"
#include "domain/invoices/invoice_store.hpp"
#include "domain/invoices/invoicing.hpp"
#include "domain/leads/lead_recorder.hpp"
#include "domain/limits/rate_limiter.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/matching/matching_listener.hpp"
#include "domain/privacy/personal_data.hpp"
#include "domain/skills/skill_alerts.hpp"
#include "domain/webhooks/partner_app_events.hpp"
#include "jobs/nightly/calendar.hpp"
#include "web/accounts/account_routes.hpp"
#include "web/accounts/session_authenticator.hpp"
#include "web/accounts/unsubscribe_routes.hpp"
#include "web/api/map_api.hpp"
#include "web/api/partner_api.hpp"
#include "web/api/poi_api.hpp"
#include "web/api/search_api.hpp"
#include "web/audience/audience_counter.hpp"
#include "web/axes/axes_pages.hpp"
#include "web/barometer/barometer_pages.hpp"
#include "web/campaigns/campaign_pages.hpp"
#include "web/communes/commune_pages.hpp"
#include "web/compatibility/compatibility_pages.hpp"
#include "web/discover/listing_page.hpp"
#include "web/discover/search_page.hpp"
#include "web/groupings/grouping_pages.hpp"
#include "web/http/shell_routes.hpp"
#include "web/interests/interests_api.hpp"
#include "web/invoices/invoice_pages.hpp"
#include "web/leads/lead_pages.hpp"
#include "web/legal/legal_pages.hpp"
#include "web/notifications/notification_pages.hpp"
#include "web/operator/operator_pages.hpp"
#include "web/partners/partner_pages.hpp"
#include "web/partners/partner_sites_web.hpp"
#include "web/profiles/cv_pages.hpp"
#include "web/profiles/profile_pages.hpp"
#include "web/properties/property_routes.hpp"
#include "web/quotes/quote_pages.hpp"
#include "web/relocation/relocation_pages.hpp"

namespace vivrovert::app {

using web::Readiness;

namespace {

// Between two looks at the outbox when nobody nudges the mail worker (account pages
// nudge it as soon as they queue a mail; retries come due on their own).
constexpr std::chrono::seconds kMailPollInterval{30};
// Between two matching passes (a listing's instant mails leave within this delay; the
// partner pages and API do not nudge: imports from the command line write listings too).
constexpr std::chrono::seconds kMatchingInterval{10};
// Between two looks at the webhook deliveries due (retries wait for their time).
constexpr std::chrono::seconds kWebhookInterval{5};
// Between two writes of the audience counters (views still in memory are lost on a crash).
constexpr std::chrono::seconds kAudienceFlushInterval{60};
// Between two looks at whether the night's run is due.
constexpr std::chrono::minutes kNightlyCheckInterval{5};
// Between two rounds of the cluster worker: take or keep the leadership, follow the
// changes and deletions made through the other processes (docs/DEPLOY.md, "One truth").
constexpr std::chrono::seconds kClusterInterval{2};
// How often the leader writes the matching index's snapshot (a million people: a few
// seconds of writing, ~1.6 GB); a node starting from it replays the changes since.
constexpr int64_t kIndexSnapshotSeconds = 3600;
// Between two writes of the barometer's demand (the partner page is up to date within it;
// a crash loses at most this much, a stop nothing).
constexpr std::chrono::seconds kDemandFlushInterval{5};
// Between two looks at the grid file (a new file is served within this delay).
constexpr std::chrono::seconds kGridWatchInterval{3};
// Between two looks at whether the scheduled data update is due.
constexpr std::chrono::minutes kDataUpdateCheckInterval{5};

// Which file a path names: another inode, size or modification time is another grid.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  int64_t modified_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

std::optional<FileIdentity> IdentityOf(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  return FileIdentity{info.st_dev, info.st_ino, info.st_size,
                      int64_t{info.st_mtim.tv_sec} * 1'000'000'000 + info.st_mtim.tv_nsec};
}

// What a new grid must keep of the served one: every criterion (saved searches, profiles
// and the matching index name them), and tiles at each level.
Status CheckReplacement(const engine::GridFile& served, const engine::GridFile& candidate) {
  std::set<std::string> offered;
  for (const engine::CriterionSpec& spec : candidate.catalogue().criteria())
    offered.insert(spec.id);
  for (const engine::CriterionSpec& spec : served.catalogue().criteria()) {
    if (offered.count(spec.id) == 0)
      return InvalidArgument("the new grid has no criterion \"" + spec.id +
                             "\", which the served grid has");
  }
  for (engine::Level level : {engine::Level::k1km, engine::Level::k5km}) {
    if (served.level(level) == nullptr) continue;
    const engine::LevelView* view = candidate.level(level);
    if (view == nullptr || view->tile_count() == 0)
      return InvalidArgument("the new grid has no tile at level " +
                             std::string(engine::LevelName(level)));
  }
  return Status::Ok();
}

// Everything built from one grid (site.hpp): requests and workers hold it through a
// shared_ptr, so it lives until the last of them lets go. Members in construction order;
// the destructor stops the demand recorder (its last searches are written or spooled), then
// tears the rest down bottom-up.
struct Generation {
  std::shared_ptr<const engine::SearchBackend> search;
  Readiness::GridServed served;  // its build date, scope, checksum
  std::optional<FileIdentity> file;
  // Seconds its build took: checksum, jobs (matching index…), web (routes, map…).
  std::array<double, 3> build_seconds{};

  // kJobs. The matching index is built on this grid's tiles (saved searches' green tiles
  // stored with the grid's stamp are recomputed when the stamp differs): a new grid gets a
  // new index, rebuilt from the database before the switch, which then follows the change
  // log (and the deletions) from its build on, as a second node would.
  std::unique_ptr<display::Labels> labels;  // commune names of this grid
  std::unique_ptr<matching::Matcher> matcher;
  std::unique_ptr<accounts::DeletionFollower> deletions;
  std::unique_ptr<notifications::NotificationPass> notification_pass;
  std::unique_ptr<skills::LiveSkillIndex> skill_index;  // the skills alerts' people
  std::unique_ptr<skills::SkillAlertAudience> skill_alerts;
  std::unique_ptr<nightly::NightlyRun> nightly_run;

  // kWeb: the App with every route, and what its routes read of the grid. Caches keyed by
  // tile or by search (the map renderer's green tiles and PNG tiles, the commune index, the
  // partner sites' communes) belong to the generation and go with it; nothing keyed by tile
  // outlives its grid. The map outlines come from the communes' contours, not from the grid
  // (their disk cache under var/ stays valid).
  std::unique_ptr<web::App> app;
  std::shared_ptr<partners::PartnerSiteResolver> site_resolver;
  std::unique_ptr<api::MapBackend> map_backend;
  nlohmann::json search_profiles;
  std::unique_ptr<leads::LeadRecorder> lead_recorder;
  std::unique_ptr<compatibility::CompatibilityRecorder> compatibility_recorder;
  std::unique_ptr<similarity::SimilarityIndex> similar_territories;
  std::unique_ptr<campaigns::CampaignSender> campaign_sender;  // reads similar_territories
  std::unique_ptr<matching::MatchingListener> matching_listener;
  std::unique_ptr<skills::SkillIndexListener> skill_index_listener;
  std::unique_ptr<interests::InterestListeners> interest_listeners;
  std::unique_ptr<properties::PropertyBackend> property_backend;
  std::unique_ptr<listings::ListingService> listings;  // places new listings on this grid
  std::unique_ptr<communes::CommuneIndex> commune_index;
  // The barometer's demand is evaluated on this grid's tiles: each generation records its
  // own searches, and the retired one writes what it buffered when it is freed.
  std::unique_ptr<demand::DemandRecorder> demand_recorder;

  ~Generation() {
    if (demand_recorder) demand_recorder->Stop();
  }
};

}  // namespace

// Members in construction order: each is built from the ones above it, and the destructor
// tears them down bottom-up (the current generation first).
struct Site::Parts {
  Config config;
  SiteScope scope = SiteScope::kMail;
  SiteParts given;  // what the caller supplied (borrowed pointers outlive the site)
  const Clock* clock = nullptr;
  Random* random = nullptr;
  std::ostream* error_log = nullptr;
  std::ostream* progress = nullptr;

  // kMail
  std::unique_ptr<storage::Database> owned_database;
  storage::Database* database = nullptr;
  // The hot standby for lag-tolerant reads (database.replica_url), falling back to the
  // primary; `read_database` is it, or the primary without one.
  std::unique_ptr<storage::Database> replica;
  storage::Database* read_database = nullptr;
  std::string secret_key;
  std::optional<mail::MailTemplates> mail_templates;
  std::unique_ptr<mail::SmtpTransport> owned_transport;
  std::unique_ptr<mail::MailSender> sender;
  std::unique_ptr<mail::MailWorker> mail_worker;

  // kJobs, across generations.
  // The one process (of those sharing a PostgreSQL database) that runs the matching pass
  // and the night's run; taken over when it dies.
  std::unique_ptr<storage::LeaderLock> leader;
  web::Readiness readiness;
  // ROME job titles, for what pages, exports and mails show of stored codes.
  display::RomeTitles rome_titles;
  // lead.created and listing.matched for partners' apps, from the leads and the matching
  // pass of every generation (stateless).
  webhooks::PartnerAppEvents partner_app_events;

  // kWeb, across generations: nothing here holds the grid.
  std::unique_ptr<accounts::PasswordHasher> owned_hasher;
  std::unique_ptr<accounts::OutboxAccountMailer> account_mailer;
  std::unique_ptr<accounts::AccountService> accounts;
  std::unique_ptr<api::SharedRateLimiter> search_limiter;
  std::unique_ptr<api::SharedRateLimiter> map_view_limiter;
  std::unique_ptr<api::SharedRateLimiter> click_limiter;
  std::unique_ptr<api::SharedRateLimiter> key_limiter;
  std::optional<amenities::PoiLayer> poi_layer;             // the map's points, over amenity_index
  demand::RegionsOfDepartements regions_of_departements;    // the barometer's comparisons
  std::unique_ptr<webhooks::WebhookSender> webhook_sender;  // holds no grid
  std::optional<amenities::AmenityIndex> owned_amenities;
  const amenities::AmenityIndex* amenity_index = nullptr;
  std::shared_ptr<audience::AudienceCounter> audience_counter;
  std::shared_ptr<web::Metrics> metrics;

  // The grid switch: the current generation, read under `current_mutex` (a pointer copy);
  // `switch_mutex` lets one switch build at a time.
  mutable std::mutex current_mutex;
  std::shared_ptr<Generation> current;
  std::mutex switch_mutex;
  std::optional<FileIdentity> refused_file;  // said once; by switch_mutex's holder
  std::atomic<int64_t> grid_switches{0};
  std::atomic<int64_t> grid_refusals{0};
  std::atomic<double> last_switch_seconds{0};
  std::unique_ptr<DataUpdateSchedule> data_update_schedule;

  // The server's background work (StartWorkers).
  std::unique_ptr<PeriodicWorker> matching_worker;
  std::unique_ptr<PeriodicWorker> nightly_scheduler;
  std::unique_ptr<PeriodicWorker> audience_flusher;
  std::unique_ptr<PeriodicWorker> cluster_worker;
  int64_t last_change_purge = 0;  // by the cluster worker's thread only
  // 0: written at the leader's next round (a start, a new grid's index).
  std::atomic<int64_t> last_index_snapshot{0};
  // The matching index's snapshot (domain/matching/index_snapshot.hpp): written by the
  // leader, read at a start.
  std::string IndexSnapshotPath() const { return config.var_dir + "/matching-index.snapshot"; }
  std::unique_ptr<PeriodicWorker> demand_flusher;
  std::unique_ptr<PeriodicWorker> webhook_worker;
  std::unique_ptr<PeriodicWorker> grid_watcher;
  std::unique_ptr<PeriodicWorker> data_updater;
  bool workers_started = false;

  Status OpenMail(const SiteParts& parts);
  Status OpenJobs();
  Status OpenWeb();
  // Builds a generation on `search` (kJobs parts, then kWeb's). Errors: what the site
  // cannot serve without (templates, assets, profiles).
  Result<std::shared_ptr<Generation>> BuildGeneration(
      std::shared_ptr<const engine::SearchBackend> search);
  Status BuildJobs(Generation& generation);
  Status BuildWeb(Generation& generation);
  void Install(std::shared_ptr<Generation> generation);
  std::shared_ptr<Generation> Current() const {
    std::lock_guard<std::mutex> lock(current_mutex);
    return current;
  }
  Result<bool> SwitchGrid(std::shared_ptr<const engine::SearchBackend> backend,
                          std::optional<FileIdentity> file);
  Result<bool> CheckGridFile();
  void RunDataUpdateIfDue();
  void RegisterMetrics();
  void FollowCluster();
  void RunNightlyIfDue();
  void Warn(const std::string& message) const {
    *error_log << "vivrovert: warning: " << message << "\n";
  }
};

Status Site::Parts::OpenMail(const SiteParts& parts) {
  if (parts.database != nullptr) {
    database = parts.database;
  } else {
    storage::PoolOptions pool;
    pool.max_sessions = config.database_pool_size;
    auto opened = storage::Database::Open(config.database_url, pool);
    if (!opened.ok()) return opened.status();
    owned_database = std::move(*opened);
    database = owned_database.get();
  }
  read_database = database;
  if (!config.database_replica_url.empty()) {
    storage::PoolOptions pool;
    pool.max_sessions = config.database_pool_size;
    pool.probe = false;
    auto opened = storage::Database::Open(config.database_replica_url, pool);
    if (!opened.ok()) return opened.status();
    if ((*opened)->dialect().backend != database->dialect().backend) {
      return InvalidArgument("database.replica_url must be of the same backend as database.url",
                             "database.replica_url");
    }
    replica = std::move(*opened);
    replica->SetFallback(database);
    read_database = replica.get();
  }
  if (parts.migrate) {
    auto applied = storage::Migrate(*database);
    if (!applied.ok()) return applied.status();
    if (progress != nullptr) {
      for (const auto& migration : *applied)
        *progress << "applied migration " << migration.version << " " << migration.name << "\n";
    }
  }
  auto key = config.SecretKey();
  if (!key.ok()) return key.status();
  secret_key = std::move(*key);
  auto templates = mail::MailTemplates::Load(config.resource_dir);
  if (!templates.ok()) return templates.status();
  mail_templates.emplace(std::move(*templates));

  mail::SmtpTransport* transport = parts.transport;
  if (transport == nullptr) {
    owned_transport = std::make_unique<mail::PocoSmtpTransport>(config.smtp);
    transport = owned_transport.get();
  }
  sender = std::make_unique<mail::MailSender>(*database, *transport, *clock);
  mail_worker = std::make_unique<mail::MailWorker>(*sender, kMailPollInterval);
  return Status::Ok();
}

Status Site::Parts::OpenJobs() {
  // ROME job titles; without them, codes are shown as such and say their title is unknown.
  if (Result<display::RomeTitles> titles =
          display::RomeTitles::Load(display::RomeTitles::PathIn(config.data_dir));
      titles.ok()) {
    rome_titles = std::move(*titles);
  } else {
    Warn("ROME titles: " + std::string(titles.status().message()));
  }
  leader = std::make_unique<storage::LeaderLock>(*database, storage::kLeaderLockKey);
  data_update_schedule =
      std::make_unique<DataUpdateSchedule>(config.data_update_day, config.data_update_hour, *clock,
                                           config.var_dir + "/data-update-last-run");
  return Status::Ok();
}

namespace {

// The hex sha256 of a file's bytes, read in blocks; empty when unreadable.
std::string FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<char> block(1 << 20);
  while (in.read(block.data(), static_cast<std::streamsize>(block.size())) || in.gcount() > 0) {
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(block.data()),
                              static_cast<unsigned long long>(in.gcount()));
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0xF];
  }
  return hex;
}

// The grid's checksum and header facts, for /readyz and /metrics.
Readiness::GridServed DescribeGrid(const engine::GridFile& grid) {
  Readiness::GridServed served;
  served.built_at = grid.header().value("built_at", int64_t{0});
  served.scope = grid.header().value("scope", std::string());
  served.sha256 = FileSha256(grid.path());
  return served;
}

}  // namespace

Status Site::Parts::BuildJobs(Generation& g) {
  const engine::SearchBackend& search = *g.search;
  g.labels = std::make_unique<display::Labels>(&rome_titles, search.grid.get());
  // Listings are matched to the people they fit (matching/), from an index of everyone's
  // places and wishes built now and kept in step with their edits.
  g.matcher = std::make_unique<matching::Matcher>(*database, search.engine.get());
  // Accounts deleted through another process are dropped from the matching index before
  // each matching pass; made before the index is loaded so that none deleted meanwhile
  // is missed.
  g.deletions = std::make_unique<accounts::DeletionFollower>(*database, *clock);
  // From the leader's snapshot when it is still valid for this database and grid (then
  // the changes since it are replayed), otherwise rebuilt from the database.
  matching::LoadStats loaded = g.matcher->Start(IndexSnapshotPath(), clock->NowSeconds());
  if (progress != nullptr && loaded.from_snapshot) {
    *progress << "matching index: " << loaded.people << " people from the snapshot, "
              << loaded.changes_replayed << " changed and " << loaded.deletions_replayed
              << " deleted since, in " << loaded.seconds << " s" << std::endl;
  } else if (progress != nullptr) {
    if (!loaded.snapshot_refused.empty())
      *progress << "matching index: snapshot not used: " << loaded.snapshot_refused << std::endl;
    *progress << "matching index: " << loaded.people << " people, " << loaded.searches
              << " saved searches (" << loaded.recomputed << " recomputed, "
              << loaded.stale_searches << " left out) in " << loaded.seconds << " s" << std::endl;
  }
  g.notification_pass = std::make_unique<notifications::NotificationPass>(
      *database, *g.matcher, *mail_templates, search.grid.get(), *clock,
      notifications::PassOptions{config.public_base_url, secret_key, given.batch});
  // Skills alerts (option 3) ride on the same pass: told at once, never twice. Their
  // candidates come from an index of everyone's ROME codes, built now and kept in step as
  // the matching index is (the change log, the deletions).
  g.skill_index = std::make_unique<skills::LiveSkillIndex>(*database);
  const skills::LiveSkillIndex::BuildStats skills_loaded =
      g.skill_index->Rebuild(clock->NowSeconds());
  if (progress != nullptr) {
    *progress << "skills index: " << skills_loaded.people << " people, " << skills_loaded.postings
              << " codes held in " << skills_loaded.seconds << " s" << std::endl;
  }
  g.skill_alerts = std::make_unique<skills::SkillAlertAudience>(
      skills::SkillAlertLimits{config.skills_alerts_per_job, config.skills_alerts_per_person_week},
      g.skill_index.get());
  g.notification_pass->SetExtraAudience(g.skill_alerts.get());
  g.notification_pass->SetMatchListener(&partner_app_events);
  std::ostream* progress_out = progress;
  nightly::RetentionPolicy retention;
  retention.demand_raw_seconds =
      int64_t{config.barometer_raw_retention_days} * nightly::kDaySeconds;
  nightly::NightlyOptions options{config.public_base_url,
                                  secret_key,
                                  given.batch,
                                  given.pause_ms,
                                  [progress_out](const std::string& line) {
                                    if (progress_out != nullptr) *progress_out << line << std::endl;
                                  },
                                  retention,
                                  invoices::Seller::FromConfig(config.publisher)};
  g.nightly_run = std::make_unique<nightly::NightlyRun>(
      *database, *g.notification_pass, *mail_templates, search.grid.get(), *clock, options,
      NightlyLeadReports(config, *mail_templates, secret_key, *g.labels));
  return Status::Ok();
}

Status Site::Parts::OpenWeb() {
  accounts::PasswordHasher* hasher = given.hasher;
  if (hasher == nullptr) {
    owned_hasher = std::make_unique<accounts::PasswordHasher>();
    hasher = owned_hasher.get();
  }
  account_mailer = std::make_unique<accounts::OutboxAccountMailer>(*mail_templates);
  // Deleting an account erases everything of the person in its transaction (privacy/).
  accounts = std::make_unique<accounts::AccountService>(
      *database, *hasher, *account_mailer, *clock, *random, config.public_base_url,
      accounts::AccountPolicy{}, privacy::MakePersonEraser(secret_key));
  metrics = std::make_shared<web::Metrics>();
  RegisterMetrics();
  search_limiter = std::make_unique<api::SharedRateLimiter>(
      *database, *clock, api::RateLimit{config.api_rate_limit, config.api_rate_window_seconds});
  map_view_limiter = std::make_unique<api::SharedRateLimiter>(
      *database, *clock, api::RateLimit{config.api_map_rate_limit, config.api_rate_window_seconds},
      api::kMapLimitPrefix);
  click_limiter = std::make_unique<api::SharedRateLimiter>(
      *database, *clock, api::RateLimit{config.api_click_rate_limit, 3600}, api::kClickLimitPrefix);
  // Partners publish through their API keys, each key limited like an IP.
  key_limiter = std::make_unique<api::SharedRateLimiter>(
      *database, *clock, api::RateLimit{config.api_rate_limit, config.api_rate_window_seconds});
  // Amenities around saved properties, from the open data and import layers the grid uses;
  // without them the property pages still serve and say the amenities are not available.
  if (given.amenities != nullptr) {
    amenity_index = given.amenities;
  } else {
    auto loaded = amenities::LoadAmenities(
        {config.data_dir, grid_builder::ImportsDirIn(config.var_dir), config.CataloguePath(), {}});
    if (loaded.ok()) {
      amenity_index = &owned_amenities.emplace(std::move(*loaded));
    } else {
      Warn("amenities: " + std::string(loaded.status().message()));
    }
  }
  // The same points on the map, by bounding box.
  if (amenity_index != nullptr) {
    auto layer = amenities::PoiLayer::Build(amenity_index->kinds());
    if (layer.ok()) {
      poi_layer.emplace(std::move(*layer));
    } else {
      Warn("points of interest: " + std::string(layer.status().message()));
    }
  }
  // The régions of the COG, to compare a partner with the territories of its région.
  if (auto regions = geo::LoadRegionsOfDepartements(config.data_dir); regions.ok()) {
    for (auto& [departement, region] : *regions)
      regions_of_departements.emplace(departement, demand::Region{region.code, region.name});
  } else {
    Warn("barometer: no comparison among territories: " + std::string(regions.status().message()));
  }
  // Signed webhooks for partners' apps (option 3): deliveries hold no grid.
  webhooks::SenderOptions webhook_options;
  webhook_options.secret_key = secret_key;
  webhook_options.allow_private = config.webhooks_allow_private_addresses;
  webhook_options.ca_file = config.webhooks_ca_file;
  webhook_sender = std::make_unique<webhooks::WebhookSender>(*database, *clock, webhook_options);
  // Audience figures without tracking: views counted in memory, written every minute.
  audience_counter = std::make_shared<audience::AudienceCounter>(
      audience::CountingRules{audience::HostOf(config.public_base_url),
                              config.audience_count_operators},
      *clock, ParisDate);
  return Status::Ok();
}

Status Site::Parts::BuildWeb(Generation& g) {
  const engine::SearchBackend& search = *g.search;
  std::filesystem::path resources(config.resource_dir);
  auto templates = web::TemplateRenderer::Load((resources / "templates" / "pages").string());
  if (!templates.ok()) return templates.status();
  const std::string dist = (resources / "frontend" / "dist").string();
  auto assets = web::AssetManifest::Load(dist);
  if (!assets.ok()) return assets.status();
  if (assets->empty() && !current) {
    Warn("no front-end bundles in " + dist +
         " (run `make frontend`): pages are served without styles and scripts");
  }
  auto static_files = web::StaticFiles::Load(dist, *assets);
  if (!static_files.ok()) return static_files.status();
  const accounts::SessionCookies session_cookies{accounts::SessionCookieName(config.IsHttps()),
                                                 config.IsHttps()};

  web::AppOptions options;
  options.public_base_url = config.public_base_url;
  // The maps' base layer, when one is configured (Config::Load checked it).
  if (!config.map.base_url.empty()) {
    VV_ASSIGN_OR_RETURN(options.base_map_origin, BaseMapOrigin(config.map));
    options.base_map_json = nlohmann::json{{"url", config.map.base_url},
                                           {"attribution", config.map.base_attribution},
                                           {"subdomains", config.map.base_subdomains},
                                           {"min_zoom", config.map.base_min_zoom},
                                           {"max_zoom", config.map.base_max_zoom}}
                                .dump();
  }
  options.secret_key = secret_key;
  options.session_cookie_name = session_cookies.name;
  options.access_log = given.access_log;
  options.error_log = error_log;
  g.app = std::make_unique<web::App>(std::move(options), std::move(*templates), std::move(*assets),
                                     std::move(*static_files), *clock, *random);
  web::App& site = *g.app;
  mail::MailWorker* worker = mail_worker.get();
  matching::Matcher* index = g.matcher.get();
  skills::LiveSkillIndex* skill_index = g.skill_index.get();
  const Clock* now = clock;
  const auto nudge_mail = [worker] { worker->Nudge(); };
  // The matcher records the change in the change log, which the other processes follow
  // (both indexes).
  const auto person_changed = [index, skill_index, now](storage::Connection& connection,
                                                        int64_t user_id) {
    index->PersonChanged(connection, user_id, now->NowSeconds());
    skill_index->PersonChanged(connection, user_id, now->NowSeconds());
  };

  web::RegisterShellRoutes(site, *database, &readiness);
  web::RegisterMetricsRoute(site, *metrics);
  site.SetMetrics(metrics);
  // Partners' own sites (option 2): the Host header picks the partner's look and territory.
  g.site_resolver = std::make_shared<partners::PartnerSiteResolver>(
      *database, *clock, search.grid.get(), config.public_base_url);
  site.SetSiteResolver(g.site_resolver);
  partners::RegisterPartnerSitePages(site, *database, *g.site_resolver);
  site.SetAuthenticator(
      std::make_shared<accounts::SessionAuthenticator>(*accounts, session_cookies.name));
  accounts::RegisterAccountRoutes(
      site, *accounts, {session_cookies, nudge_mail, [index, skill_index](int64_t user_id) {
                          index->PersonDeleted(user_id);
                          skill_index->PersonDeleted(user_id);
                        }});

  // The barometer's demand: every answered search, without any person, written by a
  // worker; what a previous stop could not write is replayed first.
  if (search.engine) {
    g.demand_recorder = std::make_unique<demand::DemandRecorder>(
        *database, *search.grid, *clock, config.var_dir + "/demand-spool.jsonl");
    try {
      Result<size_t> replayed = g.demand_recorder->ReplaySpool();
      if (!replayed.ok()) Warn("demand: " + std::string(replayed.status().message()));
    } catch (const std::exception& error) {
      Warn(std::string("demand: the spool stays for the next start: ") + error.what());
    }
  }
  api::RegisterSearchApi(site, search, *search_limiter, g.demand_recorder.get());
  const std::shared_ptr<Generation> previous = Current();
  // The outlines (from the communes' contours, not the grid) are the first generation's,
  // shared by the next: a switch neither computes them again nor waits for their thread.
  g.map_backend = std::make_unique<api::MapBackend>(api::MapBackend::Load(
      search, {.outlines = {config.data_dir, config.var_dir + "/map-outlines"},
               .warm_outlines = given.warm_map_outlines,
               .shared_outlines =
                   previous && previous->map_backend ? previous->map_backend->outlines : nullptr}));
  api::RegisterMapApi(site, search, *g.map_backend, *search_limiter, *map_view_limiter);
  auto profiles = discover::LoadProfiles((resources / "data" / "profiles.json").string());
  if (!profiles.ok()) return profiles.status();
  g.search_profiles = std::move(*profiles);
  discover::RegisterSearchPage(site, search, g.search_profiles);

  // Leads are recorded as people save searches and open tiles (needs the grid).
  if (search.engine)
    g.lead_recorder = std::make_unique<leads::LeadRecorder>(*search.grid, *search.engine);
  if (g.lead_recorder) g.lead_recorder->SetListener(&partner_app_events);
  g.matching_listener = std::make_unique<matching::MatchingListener>(*g.matcher);
  // Compatibility with partner territories follows saved searches too (option 3).
  if (search.engine)
    g.compatibility_recorder =
        std::make_unique<compatibility::CompatibilityRecorder>(*search.grid, *search.engine);
  // The skills index follows who became a lead of which partner (after the lead recorder).
  g.skill_index_listener = std::make_unique<skills::SkillIndexListener>(*g.skill_index);
  g.interest_listeners =
      std::make_unique<interests::InterestListeners>(std::vector<interests::InterestListener*>{
          g.lead_recorder.get(), g.matching_listener.get(), g.compatibility_recorder.get(),
          g.skill_index_listener.get()});
  interests::RegisterInterestsApi(site, *database, search, *clock, g.interest_listeners.get(),
                                  click_limiter.get());
  profiles::RegisterProfilePages(site, *database, *clock, person_changed);
  // Leaving the listing mails by their link changes the profile's notification too.
  accounts::RegisterUnsubscribeRoutes(site, *database, person_changed);
  notifications::RegisterNotificationPages(site, {*database, search.grid.get(), *clock});
  // Public and lag-tolerant: read on the standby when there is one.
  discover::RegisterListingPage(site, *read_database, search.grid.get(), *g.labels, *clock);

  g.property_backend = std::make_unique<properties::PropertyBackend>(
      properties::PropertyBackend{*database, search, amenity_index, *clock});
  properties::RegisterPropertyApi(site, *g.property_backend);
  properties::RegisterPropertyPages(site, *g.property_backend);
  api::RegisterPoiApi(site, poi_layer ? &*poi_layer : nullptr, *map_view_limiter);

  g.listings = std::make_unique<listings::ListingService>(*database, search.grid.get(), *clock);
  api::RegisterPartnerApi(site, *database, *g.listings, *key_limiter, *random, *g.labels);
  profiles::RegisterCvPages(site, *g.listings, person_changed);
  leads::LeadRecorder* recorder = g.lead_recorder.get();
  std::ostream* errors = error_log;
  const partners::PartnerPagesEnv partner_env{
      *database,
      *g.listings,
      *accounts,
      *random,
      nudge_mail,
      [recorder, now, errors](storage::Connection& connection, int64_t partner_id) {
        if (recorder == nullptr) return;
        Status refreshed = recorder->RefreshPartner(connection, partner_id, now->NowSeconds());
        if (!refreshed.ok()) *errors << "vivrovert: leads: " << refreshed.message() << "\n";
      },
      ParisDate,
      *g.labels};
  partners::RegisterPartnerPages(site, partner_env);
  partners::RegisterOperatorPages(site, partner_env);
  groupings::RegisterGroupingPages(site, partner_env);
  axes::RegisterAxesPages(site, *database, *clock);
  invoices::RegisterInvoicePages(site, *database, *clock);
  leads::RegisterLeadPages(site, *database, *clock, search.grid.get(), *g.labels);
  barometer::RegisterBarometerPages(
      site, *database, *clock, search.grid.get(),
      regions_of_departements.empty() ? nullptr : &regions_of_departements, *g.labels);
  // Similar territories: every EPCI's profile, once per grid (docs/SKILLS.md).
  if (search.grid)
    g.similar_territories = std::make_unique<similarity::SimilarityIndex>(
        similarity::SimilarityIndex::Build(*search.grid));
  compatibility::RegisterCompatibilityPages(
      site, {*database, *clock, g.compatibility_recorder.get(), search.grid.get(),
             g.similar_territories.get()});
  // Relocation projects: employers, their teams' private answers, partners' leads.
  relocation::RegisterRelocationPages(
      site, {*database, *clock, *random, *mail_templates, config.public_base_url, search,
             g.interest_listeners.get(), nudge_mail});
  // Campaigns (option 3): their audience reads this grid's similar territories.
  g.campaign_sender = std::make_unique<campaigns::CampaignSender>(
      *mail_templates, search.grid.get(), g.similar_territories.get(),
      campaigns::SenderOptions{config.public_base_url, secret_key});
  campaigns::RegisterCampaignPages(site, {*database, *clock, *g.campaign_sender, secret_key,
                                          config.webhooks_allow_private_addresses, nudge_mail});
  legal::RegisterLegalPages(site, config.publisher);
  // Public pages per commune and the sitemap (national; lag-tolerant reads).
  if (search.grid) g.commune_index = std::make_unique<communes::CommuneIndex>(*search.grid);
  communes::RegisterCommunePages(
      site, {*read_database, g.commune_index.get(), *clock, config.public_base_url});
  // Tariffs, quote requests and quotes: the public simulator, the console, the acceptance.
  const PublisherConfig& publisher = config.publisher;
  std::vector<std::string> seller{publisher.name.empty() ? "VivroVert" : publisher.name};
  for (const std::string& line :
       {publisher.legal_form, publisher.siret.empty() ? "" : "SIRET " + publisher.siret,
        publisher.address, publisher.email}) {
    if (!line.empty()) seller.push_back(line);
  }
  // An accepted quote's first invoice (the 30 % at signature) is issued there and then.
  storage::Database* invoiced = database;
  const invoices::Seller invoice_seller = invoices::Seller::FromConfig(config.publisher);
  const invoices::InvoiceMail invoice_mail{*mail_templates, config.public_base_url};
  quotes::RegisterQuotePages(
      site, {*database, *clock, *search_limiter, std::move(seller),
             [invoiced, now, invoice_seller, invoice_mail, worker,
              errors](const subscriptions::Contract& contract) {
               try {
                 const int64_t seconds = now->NowSeconds();
                 if (invoices::IssueDueInvoicesOf(*invoiced, {contract.id}, ParisDate(seconds),
                                                  seconds, invoice_seller, &invoice_mail) > 0 &&
                     worker != nullptr)
                   worker->Nudge();
               } catch (const storage::StorageError& error) {
                 // The night's run issues what is left.
                 *errors << "vivrovert: invoices: " << error.what() << "\n";
               }
             }});
  site.SetVisitObserver(audience_counter);
  return Status::Ok();
}

Result<std::shared_ptr<Generation>> Site::Parts::BuildGeneration(
    std::shared_ptr<const engine::SearchBackend> search) {
  using Seconds = std::chrono::duration<double>;
  auto generation = std::make_shared<Generation>();
  generation->search = std::move(search);
  auto step = std::chrono::steady_clock::now();
  if (generation->search->grid) {
    generation->served = DescribeGrid(*generation->search->grid);
  }
  generation->build_seconds[0] = Seconds(std::chrono::steady_clock::now() - step).count();
  step = std::chrono::steady_clock::now();
  if (Status built = BuildJobs(*generation); !built.ok()) return built;
  generation->build_seconds[1] = Seconds(std::chrono::steady_clock::now() - step).count();
  step = std::chrono::steady_clock::now();
  if (scope == SiteScope::kWeb) {
    if (Status built = BuildWeb(*generation); !built.ok()) return built;
  }
  generation->build_seconds[2] = Seconds(std::chrono::steady_clock::now() - step).count();
  return generation;
}

void Site::Parts::Install(std::shared_ptr<Generation> generation) {
  Readiness::GridServed served = generation->served;
  served.switches = grid_switches.load();
  const bool loaded = generation->search->engine != nullptr;
  std::shared_ptr<Generation> retired;
  {
    std::lock_guard<std::mutex> lock(current_mutex);
    retired = std::move(current);
    current = std::move(generation);
  }
  // Said after the swap: a request that starts once /readyz names the new grid is served
  // by it.
  readiness.SetGridLoaded(loaded);
  readiness.SetIndexBuilt(true);
  readiness.SetGridServed(std::move(served));
  // The snapshot on disk describes the old grid's index: the leader writes the new one.
  last_index_snapshot.store(0);
  // `retired` lets go here; the requests that still hold it free it when they end.
}

Result<bool> Site::Parts::SwitchGrid(std::shared_ptr<const engine::SearchBackend> backend,
                                     std::optional<FileIdentity> file) {
  std::lock_guard<std::mutex> lock(switch_mutex);
  const auto start = std::chrono::steady_clock::now();
  if (!backend || !backend->engine) {
    if (backend) return backend->load_status;
    return InvalidArgument("no grid to switch to");
  }
  std::shared_ptr<Generation> served = Current();
  // The watcher and the scheduled update may both find the same new file: the second
  // finds it served already.
  if (file && served && served->file == file) return false;
  if (served && served->search->grid) {
    if (Status fits = CheckReplacement(*served->search->grid, *backend->grid); !fits.ok())
      return fits;
  }
  Result<std::shared_ptr<Generation>> built = BuildGeneration(std::move(backend));
  if (!built.ok()) return built.status();
  (*built)->file = file;
  ++grid_switches;
  const Readiness::GridServed facts = (*built)->served;
  const std::array<double, 3> steps = (*built)->build_seconds;
  Install(std::move(*built));
  served.reset();  // the old generation, unless requests still hold it
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  last_switch_seconds.store(seconds);
  if (progress != nullptr) {
    *progress << "grid: switched to " << facts.scope << " built at " << facts.built_at
              << " (sha256 " << facts.sha256.substr(0, 16) << "…) in " << seconds << " s (checksum "
              << steps[0] << " s, matching index and jobs " << steps[1] << " s, routes and map "
              << steps[2] << " s)" << std::endl;
  }
  return true;
}

Result<bool> Site::Parts::CheckGridFile() {
  const std::string& path = config.grid_file;
  std::optional<FileIdentity> before = IdentityOf(path);
  if (!before) return false;  // gone or unreadable: the served grid stays
  {
    std::shared_ptr<Generation> served = Current();
    if (served && served->file == before) return false;
  }
  {
    std::lock_guard<std::mutex> lock(switch_mutex);
    if (refused_file == before) return false;
  }
  auto backend = std::make_shared<engine::SearchBackend>(engine::SearchBackend::Load(path));
  // Written in place rather than renamed in, the file may have changed while it was read:
  // try again at the next round.
  if (IdentityOf(path) != before) return false;
  Result<bool> switched = SwitchGrid(std::move(backend), before);
  if (!switched.ok()) {
    std::lock_guard<std::mutex> lock(switch_mutex);
    refused_file = before;
    ++grid_refusals;
    *error_log << "vivrovert: grid: refused the new file " << path << ": "
               << switched.status().message() << "; the previous grid keeps serving" << std::endl;
  }
  return switched;
}

// The scheduled `vivrovert data update`, then the switch to the grid it rebuilt.
void Site::Parts::RunDataUpdateIfDue() {
  if (!given.data_update || !data_update_schedule->Due()) return;
  if (Status marked = data_update_schedule->MarkRun(); !marked.ok())
    Warn("data update schedule: " + std::string(marked.message()));
  if (progress != nullptr) *progress << "data update: scheduled run starts" << std::endl;
  Status updated = given.data_update();
  if (!updated.ok()) {
    *error_log << "vivrovert: data update: " << updated.message() << std::endl;
  } else if (progress != nullptr) {
    *progress << "data update: scheduled run finished" << std::endl;
  }
  // Even after a partial failure: the sources that did change may have rebuilt the grid.
  (void)CheckGridFile();
}

// What /metrics reads at each scrape, besides the requests the App counts.
void Site::Parts::RegisterMetrics() {
  web::Metrics& m = *metrics;
  storage::Database* db = database;
  const Clock* now = clock;
  m.AddGauge("vivrovert_leader",
             "1 when this process leads (runs the matching pass and the night's run).",
             [this] { return leader->held() ? 1.0 : 0.0; });
  m.AddGauge("vivrovert_draining", "1 once the process was told to stop.",
             [this] { return readiness.draining() ? 1.0 : 0.0; });
  m.AddGauge("vivrovert_matching_index_people", "People in this process's matching index.",
             [this] { return static_cast<double>(Current()->matcher->person_count()); });
  m.AddGauge("vivrovert_matching_changes_followed",
             "People reloaded from changes made through other processes, since the index was "
             "built (at the start or the last grid switch).",
             [this] { return static_cast<double>(Current()->matcher->changes_followed()); });
  m.AddGauge("vivrovert_grid_loaded", "1 when the grid of tiles is loaded.",
             [this] { return Current()->search->engine ? 1.0 : 0.0; });
  m.AddGauge("vivrovert_grid_built_at_seconds",
             "Build date of the served grid file (its header's built_at), epoch seconds.",
             [this] { return static_cast<double>(Current()->served.built_at); });
  m.AddGauge("vivrovert_grid_sha256_prefix",
             "The first 12 hex digits of the served grid file's sha256, as a number (/readyz "
             "gives it whole).",
             [this] {
               const std::string& sha = Current()->served.sha256;
               return sha.size() < 12
                          ? 0.0
                          : static_cast<double>(std::stoull(sha.substr(0, 12), nullptr, 16));
             });
  m.AddGauge("vivrovert_grid_switches_total", "New grid files switched to since the start.",
             [this] { return static_cast<double>(grid_switches.load()); });
  m.AddGauge("vivrovert_grid_refused_total",
             "New grid files refused since the start (the previous grid kept serving).",
             [this] { return static_cast<double>(grid_refusals.load()); });
  m.AddGauge("vivrovert_grid_last_switch_seconds",
             "Time the last switch took: load, checks, a new matching index and routes.",
             [this] { return last_switch_seconds.load(); });
  m.AddGauge("vivrovert_matching_queue_listings", "Listings waiting for the matching pass.",
             [db, now] {
               storage::Connection connection = db->Acquire();
               return static_cast<double>(
                   listings::ListingStore::MatchQueueDepth(connection, now->NowSeconds()).first);
             });
  m.AddGauge("vivrovert_matching_queue_oldest_age_seconds",
             "Age of the oldest listing waiting for the matching pass (0: none).", [db, now] {
               storage::Connection connection = db->Acquire();
               return static_cast<double>(
                   listings::ListingStore::MatchQueueDepth(connection, now->NowSeconds()).second);
             });
  if (replica) {
    storage::Database* standby = replica.get();
    m.AddGauge("vivrovert_replica_fallbacks",
               "Standby reads sent to the primary because the standby gave no connection.",
               [standby] { return static_cast<double>(standby->fallbacks()); });
    m.AddGauge("vivrovert_replica_lag_seconds",
               "Age of the last transaction the standby replayed (grows while the primary is "
               "idle too).",
               [standby] {
                 storage::Connection connection = standby->Acquire();
                 std::optional<storage::Row> row = connection.QueryOne(
                     "SELECT COALESCE(EXTRACT(EPOCH FROM now() - "
                     "pg_last_xact_replay_timestamp()), 0)::float8");
                 return row ? row->Double(0) : 0.0;
               });
  }
  m.AddGauge("vivrovert_outbox_pending", "Mails waiting in the outbox, due or not.", [db, now] {
    storage::Connection connection = db->Acquire();
    return static_cast<double>(mail::CountOutbox(connection, now->NowSeconds()).pending);
  });
  m.AddGauge(
      "vivrovert_outbox_oldest_due_age_seconds",
      "Age of the oldest mail that should be leaving now (0: none).", [db, now] {
        storage::Connection connection = db->Acquire();
        return static_cast<double>(
            mail::CountOutbox(connection, now->NowSeconds()).oldest_due_age_seconds.value_or(0));
      });
  m.AddGauge("vivrovert_outbox_failed", "Mails given up, all time.", [db, now] {
    storage::Connection connection = db->Acquire();
    return static_cast<double>(mail::CountOutbox(connection, now->NowSeconds()).failed);
  });
}

// The cluster worker's round: leadership, then what the other processes changed.
void Site::Parts::FollowCluster() {
  const bool was_leader = leader->held();
  const bool leads = leader->Refresh();
  if (leads != was_leader && progress != nullptr)
    *progress << (leads ? "leader: this process leads" : "leader: lost") << std::endl;
  const int64_t now = clock->NowSeconds();
  // The current generation's index; one being built for a new grid follows from its build.
  std::shared_ptr<Generation> generation = Current();
  generation->matcher->FollowChanges(now);
  generation->skill_index->FollowChanges(now);
  for (int64_t user_id : generation->deletions->Poll()) {
    generation->matcher->PersonDeleted(user_id);
    generation->skill_index->PersonDeleted(user_id);
  }
  if (leads && now - last_change_purge >= 3600) {
    storage::Connection connection = database->Acquire();
    matching::Matcher::PurgeChanges(connection, now);
    last_change_purge = now;
  }
  // The leader keeps the index's snapshot fresh for the next start of any node: at its
  // first round as leader, then every kIndexSnapshotSeconds.
  if (leads && now - last_index_snapshot.load() >= kIndexSnapshotSeconds) {
    last_index_snapshot.store(now);
    if (Status written = generation->matcher->WriteSnapshot(IndexSnapshotPath(), now);
        !written.ok()) {
      Warn("matching index snapshot: " + std::string(written.message()));
    }
  }
}

// The night's run, once a day from nightly.hour, never during the maintenance window; a
// run cut short (restart) is resumed. The leader only.
void Site::Parts::RunNightlyIfDue() {
  const int64_t now = clock->NowSeconds();
  if (!leader->held() || config.nightly_hour < 0 || nightly::InMaintenanceWindow(now) ||
      ParisHour(now) < config.nightly_hour) {
    return;
  }
  const std::string run_date = ParisDate(now);
  {
    storage::Connection connection = database->Acquire();
    if (nightly::NightlyRun::Finished(connection, run_date)) return;
  }
  // A run in progress keeps the grid it started with, even across a switch.
  nightly::NightlyReport report = Current()->nightly_run->Run(run_date);
  if (progress != nullptr) {
    *progress << "nightly run " << run_date << ": " << report.digests_queued << " digests, "
              << report.report_mails << " lead report mails, " << report.invoices_issued
              << " invoices, " << report.invoice_reminders << " invoice reminders, "
              << nightly::RetentionSummary(report.retention) << ", "
              << (report.finished ? "finished" : "not finished") << " in " << report.seconds << " s"
              << std::endl;
  }
  mail_worker->Nudge();
}

Result<std::unique_ptr<Site>> Site::Open(const Config& config, SiteScope scope, SiteParts parts) {
  auto built = std::make_unique<Parts>();
  built->config = config;
  built->scope = scope;
  built->given = parts;
  built->clock = parts.clock != nullptr ? parts.clock : &SystemClock::Instance();
  built->random = parts.random != nullptr ? parts.random : &SecureRandom::Instance();
  built->error_log = parts.error_log != nullptr ? parts.error_log : &std::cerr;
  built->progress = parts.progress;
  if (Status opened = built->OpenMail(parts); !opened.ok()) return opened;
  if (scope != SiteScope::kMail) {
    if (Status opened = built->OpenJobs(); !opened.ok()) return opened;
    if (scope == SiteScope::kWeb) {
      if (Status opened = built->OpenWeb(); !opened.ok()) return opened;
    }
    // The grid is read here and again whenever its file changes (CheckGridFile); without
    // it the site still serves, and the API says why.
    std::shared_ptr<const engine::SearchBackend> search;
    std::optional<FileIdentity> file = IdentityOf(config.grid_file);
    if (parts.search != nullptr) {
      search = std::shared_ptr<const engine::SearchBackend>(
          std::shared_ptr<const engine::SearchBackend>(), parts.search);  // borrowed
    } else {
      search =
          std::make_shared<engine::SearchBackend>(engine::SearchBackend::Load(config.grid_file));
    }
    if (!search->engine) {
      built->Warn(std::string(search->load_status.message()));
      file.reset();  // a file that appears or is repaired later is switched to
    }
    Result<std::shared_ptr<Generation>> generation = built->BuildGeneration(std::move(search));
    if (!generation.ok()) return generation.status();
    (*generation)->file = file;
    built->Install(std::move(*generation));
  }
  return std::unique_ptr<Site>(new Site(std::move(built)));
}

Site::Site(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Site::~Site() { StopWorkers(); }

SiteScope Site::scope() const { return parts_->scope; }
const Config& Site::config() const { return parts_->config; }
storage::Database& Site::database() { return *parts_->database; }
const Clock& Site::clock() const { return *parts_->clock; }
const std::string& Site::secret_key() const { return parts_->secret_key; }
const mail::MailTemplates& Site::mail_templates() const { return *parts_->mail_templates; }
mail::MailSender& Site::mail_sender() { return *parts_->sender; }
mail::MailWorker& Site::mail_worker() { return *parts_->mail_worker; }

const engine::SearchBackend& Site::search() const {
  assert(parts_->current);
  return *parts_->Current()->search;
}
matching::Matcher& Site::matcher() {
  assert(parts_->current);
  return *parts_->Current()->matcher;
}
skills::LiveSkillIndex& Site::skill_index() {
  assert(parts_->current);
  return *parts_->Current()->skill_index;
}
notifications::NotificationPass& Site::notification_pass() {
  assert(parts_->current);
  return *parts_->Current()->notification_pass;
}
compatibility::CompatibilityRecorder* Site::compatibility_recorder() {
  return parts_->current ? parts_->Current()->compatibility_recorder.get() : nullptr;
}
nightly::NightlyRun& Site::nightly_run() {
  assert(parts_->current);
  return *parts_->Current()->nightly_run;
}
web::App& Site::app() {
  assert(parts_->current && parts_->Current()->app);
  return *parts_->Current()->app;
}
std::shared_ptr<const web::App> Site::current_app() const {
  std::shared_ptr<Generation> generation = parts_->Current();
  assert(generation && generation->app);
  // The App's pointer owns the whole generation: every part its routes reference.
  return std::shared_ptr<const web::App>(generation, generation->app.get());
}
Status Site::SwitchGrid(std::shared_ptr<const engine::SearchBackend> backend) {
  assert(parts_->scope != SiteScope::kMail);
  Result<bool> switched = parts_->SwitchGrid(std::move(backend), std::nullopt);
  if (!switched.ok()) return switched.status();
  return Status::Ok();
}
Result<bool> Site::CheckGridFile() {
  assert(parts_->scope != SiteScope::kMail);
  return parts_->CheckGridFile();
}
accounts::AccountService& Site::accounts() {
  assert(parts_->accounts);
  return *parts_->accounts;
}
web::Readiness& Site::readiness() { return parts_->readiness; }
const storage::LeaderLock* Site::leader() const { return parts_->leader.get(); }
listings::ListingService& Site::listings() {
  assert(parts_->current && parts_->Current()->listings);
  return *parts_->Current()->listings;
}
demand::DemandRecorder* Site::demand() {
  return parts_->current ? parts_->Current()->demand_recorder.get() : nullptr;
}
campaigns::CampaignSender& Site::campaign_sender() {
  assert(parts_->current && parts_->Current()->campaign_sender);
  return *parts_->Current()->campaign_sender;
}
webhooks::WebhookSender& Site::webhook_sender() {
  assert(parts_->webhook_sender);
  return *parts_->webhook_sender;
}

void Site::StartWorkers() {
  assert(parts_->scope == SiteScope::kWeb);
  if (parts_->workers_started) return;
  Parts& p = *parts_;
  // Leadership first, so that the leader's first matching pass is not skipped.
  p.leader->Refresh();
  p.cluster_worker =
      std::make_unique<PeriodicWorker>("cluster", kClusterInterval, [&p] { p.FollowCluster(); });
  // Instant notifications: new and changed listings are matched every few seconds, by the
  // leader (the others' index follows the changes all the same, to take over).
  p.matching_worker = std::make_unique<PeriodicWorker>("matching pass", kMatchingInterval, [&p] {
    if (!p.leader->held()) return;
    if (p.Current()->notification_pass->Run().instant_mails > 0) p.mail_worker->Nudge();
  });
  p.nightly_scheduler = std::make_unique<PeriodicWorker>("nightly run", kNightlyCheckInterval,
                                                         [&p] { p.RunNightlyIfDue(); });
  p.audience_flusher = std::make_unique<PeriodicWorker>(
      "audience", kAudienceFlushInterval, [&p] { p.audience_counter->Flush(*p.database); });
  // Each generation's demand recorder: the current one here, a retired one when it is freed.
  p.demand_flusher = std::make_unique<PeriodicWorker>("demand", kDemandFlushInterval, [&p] {
    if (std::shared_ptr<Generation> generation = p.Current(); generation->demand_recorder)
      generation->demand_recorder->Flush();
  });
  p.grid_watcher = std::make_unique<PeriodicWorker>("grid watcher", kGridWatchInterval,
                                                    [&p] { (void)p.CheckGridFile(); });
  if (p.given.data_update && p.data_update_schedule->enabled()) {
    p.data_updater = std::make_unique<PeriodicWorker>("data update", kDataUpdateCheckInterval,
                                                      [&p] { p.RunDataUpdateIfDue(); });
  }
  p.webhook_worker = std::make_unique<PeriodicWorker>("webhooks", kWebhookInterval, [&p] {
    for (;;) {  // every due delivery, batch after batch (a failure waits for its retry)
      const webhooks::SendReport sent = p.webhook_sender->RunOnce();
      if (sent.delivered + sent.retried + sent.failed + sent.cancelled == 0) break;
    }
  });
  p.mail_worker->Start();
  p.webhook_worker->Start();
  p.cluster_worker->Start();
  p.matching_worker->Start();
  p.demand_flusher->Start();
  p.nightly_scheduler->Start();
  p.audience_flusher->Start();
  p.grid_watcher->Start();
  if (p.data_updater) p.data_updater->Start();
  p.workers_started = true;
}

void Site::StopWorkers() {
  if (!parts_ || !parts_->workers_started) return;
  Parts& p = *parts_;
  if (p.data_updater) p.data_updater->Stop();
  p.grid_watcher->Stop();
  p.audience_flusher->Stop();
  p.audience_counter->Flush(*p.database);  // the last minute's views
  p.demand_flusher->Stop();
  // The last searches, or the spool.
  if (std::shared_ptr<Generation> generation = p.Current(); generation->demand_recorder)
    generation->demand_recorder->Stop();
  p.nightly_scheduler->Stop();
  p.matching_worker->Stop();
  p.cluster_worker->Stop();
  // Another process takes the leadership at its next round, without waiting for this
  // session to end.
  p.leader->Release();
  p.webhook_worker->Stop();
  p.mail_worker->Stop();
  p.workers_started = false;
}

}  // namespace vivrovert::app
