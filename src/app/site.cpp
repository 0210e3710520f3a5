#include "app/site.hpp"

#include <cassert>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>

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
#include "jobs/nightly/calendar.hpp"
#include "web/accounts/account_routes.hpp"
#include "web/accounts/session_authenticator.hpp"
#include "web/accounts/unsubscribe_routes.hpp"
#include "web/api/map_api.hpp"
#include "web/api/partner_api.hpp"
#include "web/api/poi_api.hpp"
#include "web/api/search_api.hpp"
#include "web/audience/audience_counter.hpp"
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
// Between two writes of the barometer's demand (the partner page is up to date within it;
// a crash loses at most this much, a stop nothing).
constexpr std::chrono::seconds kDemandFlushInterval{5};

}  // namespace

// Members in construction order: each is built from the ones above it, and the destructor
// tears them down bottom-up.
struct Site::Parts {
  Config config;
  SiteScope scope = SiteScope::kMail;
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

  // kJobs
  engine::SearchBackend owned_search;
  const engine::SearchBackend* search = nullptr;
  std::unique_ptr<matching::Matcher> matcher;
  // Accounts deleted through another process are dropped from the matching index before
  // each matching pass; made before the index is loaded so that none deleted meanwhile
  // is missed.
  std::unique_ptr<accounts::DeletionFollower> deletions;
  std::unique_ptr<notifications::NotificationPass> notification_pass;
  std::unique_ptr<skills::SkillAlertAudience> skill_alerts;
  std::unique_ptr<nightly::NightlyRun> nightly_run;
  // The one process (of those sharing a PostgreSQL database) that runs the matching pass
  // and the night's run; taken over when it dies.
  std::unique_ptr<storage::LeaderLock> leader;
  web::Readiness readiness;
  // What pages, exports and mails show for stored codes (ROME titles, commune names).
  display::RomeTitles rome_titles;
  std::unique_ptr<display::Labels> labels;

  // kWeb
  std::unique_ptr<accounts::PasswordHasher> owned_hasher;
  std::unique_ptr<accounts::OutboxAccountMailer> account_mailer;
  std::unique_ptr<accounts::AccountService> accounts;
  std::unique_ptr<web::App> app;
  std::unique_ptr<api::SharedRateLimiter> search_limiter;
  std::unique_ptr<api::SharedRateLimiter> map_view_limiter;
  std::unique_ptr<api::SharedRateLimiter> click_limiter;
  std::unique_ptr<api::SharedRateLimiter> key_limiter;
  std::unique_ptr<api::MapBackend> map_backend;
  nlohmann::json search_profiles;  // the search page's ready-made profiles
  std::unique_ptr<leads::LeadRecorder> lead_recorder;
  std::unique_ptr<compatibility::CompatibilityRecorder> compatibility_recorder;  // needs the grid
  std::unique_ptr<similarity::SimilarityIndex> similar_territories;              // needs the grid
  std::unique_ptr<campaigns::CampaignSender> campaign_sender;
  std::unique_ptr<webhooks::WebhookSender> webhook_sender;
  std::unique_ptr<matching::MatchingListener> matching_listener;
  std::unique_ptr<interests::InterestListeners> interest_listeners;
  std::optional<amenities::AmenityIndex> owned_amenities;
  const amenities::AmenityIndex* amenity_index = nullptr;
  std::optional<amenities::PoiLayer> poi_layer;           // the map's points, over amenity_index
  demand::RegionsOfDepartements regions_of_departements;  // the barometer's comparisons
  std::unique_ptr<properties::PropertyBackend> property_backend;
  std::unique_ptr<listings::ListingService> listings;
  std::shared_ptr<audience::AudienceCounter> audience_counter;
  std::shared_ptr<web::Metrics> metrics;
  std::shared_ptr<partners::PartnerSiteResolver> site_resolver;  // partners' own hosts
  std::unique_ptr<communes::CommuneIndex> commune_index;         // needs the grid
  std::unique_ptr<demand::DemandRecorder> demand_recorder;       // needs the grid

  // The server's background work (StartWorkers).
  std::unique_ptr<PeriodicWorker> matching_worker;
  std::unique_ptr<PeriodicWorker> nightly_scheduler;
  std::unique_ptr<PeriodicWorker> audience_flusher;
  std::unique_ptr<PeriodicWorker> cluster_worker;
  int64_t last_change_purge = 0;  // by the cluster worker's thread only
  std::unique_ptr<PeriodicWorker> demand_flusher;
  std::unique_ptr<PeriodicWorker> webhook_worker;
  bool workers_started = false;

  Status OpenMail(const SiteParts& parts);
  Status OpenJobs(const SiteParts& parts);
  Status OpenWeb(const SiteParts& parts);
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

Status Site::Parts::OpenJobs(const SiteParts& parts) {
  // The grid is read once; without it the site still serves, and the API says why.
  if (parts.search != nullptr) {
    search = parts.search;
  } else {
    owned_search = engine::SearchBackend::Load(config.grid_file);
    search = &owned_search;
  }
  if (!search->engine) Warn(std::string(search->load_status.message()));
  // ROME job titles; without them, codes are shown as such and say their title is unknown.
  if (Result<display::RomeTitles> titles =
          display::RomeTitles::Load(display::RomeTitles::PathIn(config.data_dir));
      titles.ok()) {
    rome_titles = std::move(*titles);
  } else {
    Warn("ROME titles: " + std::string(titles.status().message()));
  }
  labels = std::make_unique<display::Labels>(&rome_titles, search->grid.get());

  // Listings are matched to the people they fit (matching/), from an index of everyone's
  // places and wishes built now and kept in step with their edits.
  matcher = std::make_unique<matching::Matcher>(*database, search->engine.get());
  deletions = std::make_unique<accounts::DeletionFollower>(*database, *clock);
  matching::LoadStats loaded = matcher->Rebuild(clock->NowSeconds());
  if (progress != nullptr) {
    *progress << "matching index: " << loaded.people << " people, " << loaded.searches
              << " saved searches (" << loaded.recomputed << " recomputed, "
              << loaded.stale_searches << " left out) in " << loaded.seconds << " s" << std::endl;
  }
  readiness.SetGridLoaded(search->engine != nullptr);
  readiness.SetIndexBuilt(true);
  leader = std::make_unique<storage::LeaderLock>(*database, storage::kLeaderLockKey);
  notification_pass = std::make_unique<notifications::NotificationPass>(
      *database, *matcher, *mail_templates, search->grid.get(), *clock,
      notifications::PassOptions{config.public_base_url, secret_key, parts.batch});
  // Skills alerts (option 3) ride on the same pass: told at once, never twice.
  skill_alerts = std::make_unique<skills::SkillAlertAudience>(
      skills::SkillAlertLimits{config.skills_alerts_per_job, config.skills_alerts_per_person_week});
  notification_pass->SetExtraAudience(skill_alerts.get());
  std::ostream* progress_out = progress;
  nightly::RetentionPolicy retention;
  retention.demand_raw_seconds =
      int64_t{config.barometer_raw_retention_days} * nightly::kDaySeconds;
  nightly::NightlyOptions options{config.public_base_url,
                                  secret_key,
                                  parts.batch,
                                  parts.pause_ms,
                                  [progress_out](const std::string& line) {
                                    if (progress_out != nullptr) *progress_out << line << std::endl;
                                  },
                                  retention,
                                  invoices::Seller::FromConfig(config.publisher)};
  nightly_run = std::make_unique<nightly::NightlyRun>(
      *database, *notification_pass, *mail_templates, search->grid.get(), *clock, options,
      NightlyLeadReports(config, *mail_templates, secret_key, *labels));
  return Status::Ok();
}

Status Site::Parts::OpenWeb(const SiteParts& parts) {
  std::filesystem::path resources(config.resource_dir);
  auto templates = web::TemplateRenderer::Load((resources / "templates" / "pages").string());
  if (!templates.ok()) return templates.status();
  const std::string dist = (resources / "frontend" / "dist").string();
  auto assets = web::AssetManifest::Load(dist);
  if (!assets.ok()) return assets.status();
  if (assets->empty()) {
    Warn("no front-end bundles in " + dist +
         " (run `make frontend`): pages are served without styles and scripts");
  }
  auto static_files = web::StaticFiles::Load(dist, *assets);
  if (!static_files.ok()) return static_files.status();

  accounts::PasswordHasher* hasher = parts.hasher;
  if (hasher == nullptr) {
    owned_hasher = std::make_unique<accounts::PasswordHasher>();
    hasher = owned_hasher.get();
  }
  account_mailer = std::make_unique<accounts::OutboxAccountMailer>(*mail_templates);
  // Deleting an account erases everything of the person in its transaction (privacy/).
  accounts = std::make_unique<accounts::AccountService>(
      *database, *hasher, *account_mailer, *clock, *random, config.public_base_url,
      accounts::AccountPolicy{}, privacy::MakePersonEraser(secret_key));
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
  options.access_log = parts.access_log;
  options.error_log = error_log;
  app = std::make_unique<web::App>(std::move(options), std::move(*templates), std::move(*assets),
                                   std::move(*static_files), *clock, *random);
  web::App& site = *app;
  mail::MailWorker* worker = mail_worker.get();
  matching::Matcher* index = matcher.get();
  const Clock* now = clock;
  const auto nudge_mail = [worker] { worker->Nudge(); };
  const auto person_changed = [index, now](storage::Connection& connection, int64_t user_id) {
    index->PersonChanged(connection, user_id, now->NowSeconds());
  };

  web::RegisterShellRoutes(site, *database, &readiness);
  metrics = std::make_shared<web::Metrics>();
  RegisterMetrics();
  web::RegisterMetricsRoute(site, *metrics);
  site.SetMetrics(metrics);
  // Partners' own sites (option 2): the Host header picks the partner's look and territory.
  site_resolver = std::make_shared<partners::PartnerSiteResolver>(
      *database, *clock, search->grid.get(), config.public_base_url);
  site.SetSiteResolver(site_resolver);
  partners::RegisterPartnerSitePages(site, *database, *site_resolver);
  site.SetAuthenticator(
      std::make_shared<accounts::SessionAuthenticator>(*accounts, session_cookies.name));
  accounts::RegisterAccountRoutes(
      site, *accounts,
      {session_cookies, nudge_mail, [index](int64_t user_id) { index->PersonDeleted(user_id); }});

  search_limiter = std::make_unique<api::SharedRateLimiter>(
      *database, *clock, api::RateLimit{config.api_rate_limit, config.api_rate_window_seconds});
  // The barometer's demand: every answered search, without any person, written by a
  // worker; what a previous stop could not write is replayed first.
  if (search->engine) {
    demand_recorder = std::make_unique<demand::DemandRecorder>(
        *database, *search->grid, *clock, config.var_dir + "/demand-spool.jsonl");
    try {
      Result<size_t> replayed = demand_recorder->ReplaySpool();
      if (!replayed.ok()) Warn("demand: " + std::string(replayed.status().message()));
    } catch (const std::exception& error) {
      Warn(std::string("demand: the spool stays for the next start: ") + error.what());
    }
  }
  api::RegisterSearchApi(site, *search, *search_limiter, demand_recorder.get());
  map_backend = std::make_unique<api::MapBackend>(api::MapBackend::Load(
      *search, {.outlines = {config.data_dir, config.var_dir + "/map-outlines"},
                .warm_outlines = parts.warm_map_outlines}));
  map_view_limiter = std::make_unique<api::SharedRateLimiter>(
      *database, *clock, api::RateLimit{config.api_map_rate_limit, config.api_rate_window_seconds},
      api::kMapLimitPrefix);
  api::RegisterMapApi(site, *search, *map_backend, *search_limiter, *map_view_limiter);
  auto profiles = discover::LoadProfiles((resources / "data" / "profiles.json").string());
  if (!profiles.ok()) return profiles.status();
  search_profiles = std::move(*profiles);
  discover::RegisterSearchPage(site, *search, search_profiles);

  // Leads are recorded as people save searches and open tiles (needs the grid).
  if (search->engine)
    lead_recorder = std::make_unique<leads::LeadRecorder>(*search->grid, *search->engine);
  matching_listener = std::make_unique<matching::MatchingListener>(*matcher);
  // Compatibility with partner territories follows saved searches too (option 3).
  if (search->engine)
    compatibility_recorder =
        std::make_unique<compatibility::CompatibilityRecorder>(*search->grid, *search->engine);
  interest_listeners =
      std::make_unique<interests::InterestListeners>(std::vector<interests::InterestListener*>{
          lead_recorder.get(), matching_listener.get(), compatibility_recorder.get()});
  click_limiter = std::make_unique<api::SharedRateLimiter>(
      *database, *clock, api::RateLimit{config.api_click_rate_limit, 3600}, api::kClickLimitPrefix);
  interests::RegisterInterestsApi(site, *database, *search, *clock, interest_listeners.get(),
                                  click_limiter.get());
  profiles::RegisterProfilePages(site, *database, *clock, person_changed);
  // Leaving the listing mails by their link changes the profile's notification too.
  accounts::RegisterUnsubscribeRoutes(site, *database, person_changed);
  notifications::RegisterNotificationPages(site, {*database, search->grid.get(), *clock});
  // Public and lag-tolerant: read on the standby when there is one.
  discover::RegisterListingPage(site, *read_database, search->grid.get(), *labels, *clock);

  // Amenities around saved properties, from the open data and import layers the grid uses;
  // without them the property pages still serve and say the amenities are not available.
  if (parts.amenities != nullptr) {
    amenity_index = parts.amenities;
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
  api::RegisterPoiApi(site, poi_layer ? &*poi_layer : nullptr, *map_view_limiter);
  property_backend = std::make_unique<properties::PropertyBackend>(
      properties::PropertyBackend{*database, *search, amenity_index, *clock});
  properties::RegisterPropertyApi(site, *property_backend);
  properties::RegisterPropertyPages(site, *property_backend);

  // Partners publish through their API keys, each key limited like an IP.
  listings = std::make_unique<listings::ListingService>(*database, search->grid.get(), *clock);
  key_limiter = std::make_unique<api::SharedRateLimiter>(
      *database, *clock, api::RateLimit{config.api_rate_limit, config.api_rate_window_seconds});
  api::RegisterPartnerApi(site, *database, *listings, *key_limiter, *random, *labels);
  profiles::RegisterCvPages(site, *listings);
  leads::LeadRecorder* recorder = lead_recorder.get();
  std::ostream* errors = error_log;
  const partners::PartnerPagesEnv partner_env{
      *database,
      *listings,
      *accounts,
      *random,
      nudge_mail,
      [recorder, now, errors](storage::Connection& connection, int64_t partner_id) {
        if (recorder == nullptr) return;
        Status refreshed = recorder->RefreshPartner(connection, partner_id, now->NowSeconds());
        if (!refreshed.ok()) *errors << "vivrovert: leads: " << refreshed.message() << "\n";
      },
      ParisDate,
      *labels};
  partners::RegisterPartnerPages(site, partner_env);
  partners::RegisterOperatorPages(site, partner_env);
  groupings::RegisterGroupingPages(site, partner_env);
  invoices::RegisterInvoicePages(site, *database, *clock);
  leads::RegisterLeadPages(site, *database, *clock, search->grid.get(), *labels);
  // The régions of the COG, to compare a partner with the territories of its région.
  auto regions = geo::LoadRegionsOfDepartements(config.data_dir);
  if (regions.ok()) {
    for (auto& [departement, region] : *regions)
      regions_of_departements.emplace(departement, demand::Region{region.code, region.name});
  } else {
    Warn("barometer: no comparison among territories: " + std::string(regions.status().message()));
  }
  barometer::RegisterBarometerPages(site, *database, *clock, search->grid.get(),
                                    regions.ok() ? &regions_of_departements : nullptr);
  // Similar territories: every EPCI's profile, once per grid (docs/SKILLS.md).
  if (search->grid)
    similar_territories = std::make_unique<similarity::SimilarityIndex>(
        similarity::SimilarityIndex::Build(*search->grid));
  compatibility::RegisterCompatibilityPages(site, {*database, *clock, compatibility_recorder.get(),
                                                   search->grid.get(), similar_territories.get()});
  // Relocation projects: employers, their teams' private answers, partners' leads.
  relocation::RegisterRelocationPages(
      site, {*database, *clock, *random, *mail_templates, config.public_base_url, *search,
             interest_listeners.get(), nudge_mail});
  // Campaigns and signed webhooks (option 3).
  campaign_sender = std::make_unique<campaigns::CampaignSender>(
      *mail_templates, search->grid.get(), similar_territories.get(),
      campaigns::SenderOptions{config.public_base_url, secret_key});
  webhooks::SenderOptions webhook_options;
  webhook_options.secret_key = secret_key;
  webhook_options.allow_private = config.webhooks_allow_private_addresses;
  webhook_sender = std::make_unique<webhooks::WebhookSender>(*database, *clock, webhook_options);
  campaigns::RegisterCampaignPages(site, {*database, *clock, *campaign_sender, secret_key,
                                          config.webhooks_allow_private_addresses, nudge_mail});
  legal::RegisterLegalPages(site, config.publisher);
  // Public pages per commune and the sitemap (national; lag-tolerant reads).
  if (search->grid) commune_index = std::make_unique<communes::CommuneIndex>(*search->grid);
  communes::RegisterCommunePages(
      site, {*read_database, commune_index.get(), *clock, config.public_base_url});
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

  // Audience figures without tracking: views counted in memory, written every minute.
  audience_counter = std::make_shared<audience::AudienceCounter>(
      audience::CountingRules{audience::HostOf(config.public_base_url),
                              config.audience_count_operators},
      *clock, ParisDate);
  site.SetVisitObserver(audience_counter);
  return Status::Ok();
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
             [this] { return static_cast<double>(matcher->person_count()); });
  m.AddGauge("vivrovert_matching_changes_followed",
             "People reloaded from changes made through other processes, since the start.",
             [this] { return static_cast<double>(matcher->changes_followed()); });
  m.AddGauge("vivrovert_grid_loaded", "1 when the grid of tiles is loaded.",
             [this] { return search->engine ? 1.0 : 0.0; });
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
  matcher->FollowChanges(now);
  for (int64_t user_id : deletions->Poll()) matcher->PersonDeleted(user_id);
  if (leads && now - last_change_purge >= 3600) {
    storage::Connection connection = database->Acquire();
    matching::Matcher::PurgeChanges(connection, now);
    last_change_purge = now;
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
  nightly::NightlyReport report = nightly_run->Run(run_date);
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
  built->clock = parts.clock != nullptr ? parts.clock : &SystemClock::Instance();
  built->random = parts.random != nullptr ? parts.random : &SecureRandom::Instance();
  built->error_log = parts.error_log != nullptr ? parts.error_log : &std::cerr;
  built->progress = parts.progress;
  if (Status opened = built->OpenMail(parts); !opened.ok()) return opened;
  if (scope != SiteScope::kMail) {
    if (Status opened = built->OpenJobs(parts); !opened.ok()) return opened;
  }
  if (scope == SiteScope::kWeb) {
    if (Status opened = built->OpenWeb(parts); !opened.ok()) return opened;
  }
  return std::unique_ptr<Site>(new Site(std::move(built)));
}

Site::Site(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Site::~Site() {
  StopWorkers();
  if (parts_ && parts_->demand_recorder) parts_->demand_recorder->Stop();
}

SiteScope Site::scope() const { return parts_->scope; }
const Config& Site::config() const { return parts_->config; }
storage::Database& Site::database() { return *parts_->database; }
const Clock& Site::clock() const { return *parts_->clock; }
const std::string& Site::secret_key() const { return parts_->secret_key; }
const mail::MailTemplates& Site::mail_templates() const { return *parts_->mail_templates; }
mail::MailSender& Site::mail_sender() { return *parts_->sender; }
mail::MailWorker& Site::mail_worker() { return *parts_->mail_worker; }

const engine::SearchBackend& Site::search() const {
  assert(parts_->search != nullptr);
  return *parts_->search;
}
matching::Matcher& Site::matcher() {
  assert(parts_->matcher);
  return *parts_->matcher;
}
notifications::NotificationPass& Site::notification_pass() {
  assert(parts_->notification_pass);
  return *parts_->notification_pass;
}
compatibility::CompatibilityRecorder* Site::compatibility_recorder() {
  return parts_->compatibility_recorder.get();
}
nightly::NightlyRun& Site::nightly_run() {
  assert(parts_->nightly_run);
  return *parts_->nightly_run;
}
web::App& Site::app() {
  assert(parts_->app);
  return *parts_->app;
}
accounts::AccountService& Site::accounts() {
  assert(parts_->accounts);
  return *parts_->accounts;
}
web::Readiness& Site::readiness() { return parts_->readiness; }
const storage::LeaderLock* Site::leader() const { return parts_->leader.get(); }
listings::ListingService& Site::listings() {
  assert(parts_->listings);
  return *parts_->listings;
}
demand::DemandRecorder* Site::demand() { return parts_->demand_recorder.get(); }
campaigns::CampaignSender& Site::campaign_sender() {
  assert(parts_->campaign_sender);
  return *parts_->campaign_sender;
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
    if (p.notification_pass->Run().instant_mails > 0) p.mail_worker->Nudge();
  });
  p.nightly_scheduler = std::make_unique<PeriodicWorker>("nightly run", kNightlyCheckInterval,
                                                         [&p] { p.RunNightlyIfDue(); });
  p.audience_flusher = std::make_unique<PeriodicWorker>(
      "audience", kAudienceFlushInterval, [&p] { p.audience_counter->Flush(*p.database); });
  if (p.demand_recorder) {
    p.demand_flusher = std::make_unique<PeriodicWorker>("demand", kDemandFlushInterval,
                                                        [&p] { p.demand_recorder->Flush(); });
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
  if (p.demand_flusher) p.demand_flusher->Start();
  p.nightly_scheduler->Start();
  p.audience_flusher->Start();
  p.workers_started = true;
}

void Site::StopWorkers() {
  if (!parts_ || !parts_->workers_started) return;
  Parts& p = *parts_;
  p.audience_flusher->Stop();
  p.audience_counter->Flush(*p.database);  // the last minute's views
  if (p.demand_flusher) p.demand_flusher->Stop();
  if (p.demand_recorder) p.demand_recorder->Stop();  // the last searches, or the spool
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
