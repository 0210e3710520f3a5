#include <pthread.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/lead_report_hooks.hpp"
#include "core/common/env.hpp"
#include "core/common/periodic_worker.hpp"
#include "core/storage/database.hpp"
#include "core/storage/migrations.hpp"
#include "data/amenities/amenity_sources.hpp"
#include "data/grid_builder/imported_sources.hpp"
#include "domain/accounts/account_service.hpp"
#include "domain/accounts/deletion_log.hpp"
#include "domain/accounts/outbox_account_mailer.hpp"
#include "domain/leads/lead_recorder.hpp"
#include "domain/limits/rate_limiter.hpp"
#include "domain/listings/listing_service.hpp"
#include "domain/mail/sender.hpp"
#include "domain/mail/smtp_transport.hpp"
#include "domain/mail/templates.hpp"
#include "domain/matching/matcher.hpp"
#include "domain/matching/matching_listener.hpp"
#include "domain/notifications/notification_pass.hpp"
#include "domain/privacy/personal_data.hpp"
#include "jobs/nightly/calendar.hpp"
#include "jobs/nightly/nightly_run.hpp"
#include "web/accounts/account_routes.hpp"
#include "web/accounts/session_authenticator.hpp"
#include "web/accounts/unsubscribe_routes.hpp"
#include "web/api/map_api.hpp"
#include "web/api/partner_api.hpp"
#include "web/api/search_api.hpp"
#include "web/audience/audience_counter.hpp"
#include "web/discover/listing_page.hpp"
#include "web/discover/search_page.hpp"
#include "web/http/app.hpp"
#include "web/http/server.hpp"
#include "web/http/shell_routes.hpp"
#include "web/interests/interests_api.hpp"
#include "web/leads/lead_pages.hpp"
#include "web/legal/legal_pages.hpp"
#include "web/notifications/notification_pages.hpp"
#include "web/operator/operator_pages.hpp"
#include "web/partners/partner_pages.hpp"
#include "web/profiles/cv_pages.hpp"
#include "web/profiles/profile_pages.hpp"
#include "web/properties/property_routes.hpp"

namespace vivrovert::cli {

namespace {

// Between two looks at the outbox when nobody nudges the mail worker (account pages
// nudge it as soon as they queue a mail; retries come due on their own).
constexpr std::chrono::seconds kMailPollInterval{30};
// Between two matching passes (a listing's instant mails leave within this delay; the
// partner pages and API do not nudge: imports from the command line write listings too).
constexpr std::chrono::seconds kMatchingInterval{10};
// Between two writes of the audience counters (views still in memory are lost on a crash).
constexpr std::chrono::seconds kAudienceFlushInterval{60};
// Between two looks at whether the night's run is due.
constexpr std::chrono::minutes kNightlyCheckInterval{5};

struct ServeFlags {
  bool no_migrate = false;
  bool no_access_log = false;
};

int Serve(const Config& config, const ServeFlags& flags) {
  // Every thread started from here on (database pool, HTTP server) inherits this mask,
  // so SIGINT/SIGTERM reach only the sigwait below, which then stops the server cleanly.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  storage::PoolOptions pool;
  pool.max_sessions = config.database_pool_size;
  auto database = storage::Database::Open(config.database_url, pool);
  if (!database.ok()) return Fail(database.status());
  if (!flags.no_migrate) {
    auto applied = storage::Migrate(**database);
    if (!applied.ok()) return Fail(applied.status());
    for (const auto& migration : *applied)
      std::cout << "applied migration " << migration.version << " " << migration.name << "\n";
  }
  auto secret_key = config.SecretKey();
  if (!secret_key.ok()) return Fail(secret_key.status());

  std::filesystem::path resources(config.resource_dir);
  auto templates = web::TemplateRenderer::Load((resources / "templates" / "pages").string());
  if (!templates.ok()) return Fail(templates.status());
  std::string dist = (resources / "frontend" / "dist").string();
  auto assets = web::AssetManifest::Load(dist);
  if (!assets.ok()) return Fail(assets.status());
  if (assets->empty()) {
    std::cerr << "vivrovert: warning: no front-end bundles in " << dist
              << " (run `make frontend`): pages are served without styles and scripts\n";
  }
  auto static_files = web::StaticFiles::Load(dist, *assets);
  if (!static_files.ok()) return Fail(static_files.status());
  auto mail_templates = mail::MailTemplates::Load(config.resource_dir);
  if (!mail_templates.ok()) return Fail(mail_templates.status());

  // Mail queued by the pages leaves through SMTP from a background thread.
  mail::PocoSmtpTransport transport(config.smtp);
  mail::MailSender sender(**database, transport, SystemClock::Instance());
  mail::MailWorker mail_worker(sender, kMailPollInterval);

  accounts::PasswordHasher hasher;
  accounts::OutboxAccountMailer account_mailer(*mail_templates);
  // Deleting an account erases everything of the person in its transaction (privacy/).
  accounts::AccountService account_service(
      **database, hasher, account_mailer, SystemClock::Instance(), SecureRandom::Instance(),
      config.public_base_url, {}, privacy::MakePersonEraser(*secret_key));
  const accounts::SessionCookies session_cookies{accounts::SessionCookieName(config.IsHttps()),
                                                 config.IsHttps()};

  web::AppOptions options;
  options.public_base_url = config.public_base_url;
  options.secret_key = *secret_key;
  options.session_cookie_name = session_cookies.name;
  options.access_log = flags.no_access_log ? nullptr : &std::cout;
  options.error_log = &std::cerr;
  auto app = std::make_unique<web::App>(std::move(options), std::move(*templates),
                                        std::move(*assets), std::move(*static_files),
                                        SystemClock::Instance(), SecureRandom::Instance());
  web::RegisterShellRoutes(*app, **database);
  app->SetAuthenticator(
      std::make_shared<accounts::SessionAuthenticator>(account_service, session_cookies.name));
  // The matcher exists further down; account deletion reaches it through this slot.
  std::function<void(int64_t)> forget_person;
  accounts::RegisterAccountRoutes(*app, account_service,
                                  {session_cookies, [&mail_worker] { mail_worker.Nudge(); },
                                   [&forget_person](int64_t user_id) {
                                     if (forget_person) forget_person(user_id);
                                   }});

  // The grid is read once; without it the site still serves, and the API says why.
  engine::SearchBackend search_backend = engine::SearchBackend::Load(config.grid_file);
  if (!search_backend.engine) {
    std::cerr << "vivrovert: warning: " << search_backend.load_status.message() << "\n";
  }
  api::SharedRateLimiter rate_limiter(**database, SystemClock::Instance(),
                                      {config.api_rate_limit, config.api_rate_window_seconds});
  api::RegisterSearchApi(*app, search_backend, rate_limiter);
  api::MapBackend map_backend = api::MapBackend::Load(
      search_backend,
      {.outlines = {config.data_dir, config.var_dir + "/map-outlines"}, .warm_outlines = true});
  api::SharedRateLimiter map_view_limiter(
      **database, SystemClock::Instance(),
      {config.api_map_rate_limit, config.api_rate_window_seconds}, api::kMapLimitPrefix);
  api::RegisterMapApi(*app, search_backend, map_backend, rate_limiter, map_view_limiter);
  auto profiles = discover::LoadProfiles((resources / "data" / "profiles.json").string());
  if (!profiles.ok()) return Fail(profiles.status());
  discover::RegisterSearchPage(*app, search_backend, *profiles);
  // Leads are recorded as people save searches and open tiles (needs the grid).
  std::unique_ptr<leads::LeadRecorder> lead_recorder;
  if (search_backend.engine) {
    lead_recorder =
        std::make_unique<leads::LeadRecorder>(*search_backend.grid, *search_backend.engine);
  }
  // Listings are matched to the people they fit (matching/), from an index of everyone's
  // places and wishes built now and kept in step with their edits.
  matching::Matcher matcher(**database, search_backend.engine.get());
  // Accounts deleted through another process are dropped from this index before each
  // matching pass; made before the load so that none deleted meanwhile is missed.
  accounts::DeletionFollower deletions(**database, SystemClock::Instance());
  {
    matching::LoadStats loaded = matcher.Rebuild(SystemClock::Instance().NowSeconds());
    std::cout << "matching index: " << loaded.people << " people, " << loaded.searches
              << " saved searches (" << loaded.recomputed << " recomputed, "
              << loaded.stale_searches << " left out) in " << loaded.seconds << " s" << std::endl;
  }
  matching::MatchingListener matching_listener(matcher);
  interests::InterestListeners interest_listeners({lead_recorder.get(), &matching_listener});
  api::SharedRateLimiter click_limiter(**database, SystemClock::Instance(),
                                       {config.api_click_rate_limit, 3600}, api::kClickLimitPrefix);
  interests::RegisterInterestsApi(*app, **database, search_backend, SystemClock::Instance(),
                                  &interest_listeners, &click_limiter);
  profiles::RegisterProfilePages(*app, **database, SystemClock::Instance(),
                                 [&matcher](storage::Connection& connection, int64_t user_id) {
                                   matcher.PersonChanged(connection, user_id,
                                                         SystemClock::Instance().NowSeconds());
                                 });
  // Leaving the listing mails by their link changes the profile's notification too.
  accounts::RegisterUnsubscribeRoutes(
      *app, **database, [&matcher](storage::Connection& connection, int64_t user_id) {
        matcher.PersonChanged(connection, user_id, SystemClock::Instance().NowSeconds());
      });
  notifications::RegisterNotificationPages(
      *app, {**database, search_backend.grid.get(), SystemClock::Instance()});
  discover::RegisterListingPage(*app, **database, search_backend.grid.get(),
                                SystemClock::Instance());

  // Amenities around saved properties, from the open data and import layers the grid uses;
  // without them the property pages still serve and say the amenities are not available.
  auto amenity_index = amenities::LoadAmenities(
      {config.data_dir, grid_builder::ImportsDirIn(config.var_dir), config.CataloguePath(), {}});
  if (!amenity_index.ok())
    std::cerr << "vivrovert: warning: amenities: " << amenity_index.status().message() << "\n";
  const properties::PropertyBackend property_backend{**database, search_backend,
                                                     amenity_index.ok() ? &*amenity_index : nullptr,
                                                     SystemClock::Instance()};
  properties::RegisterPropertyApi(*app, property_backend);
  properties::RegisterPropertyPages(*app, property_backend);

  // Partners publish through their API keys, each key limited like an IP.
  listings::ListingService listing_service(**database, search_backend.grid.get(),
                                           SystemClock::Instance());
  api::SharedRateLimiter key_limiter(**database, SystemClock::Instance(),
                                     {config.api_rate_limit, config.api_rate_window_seconds});
  api::RegisterPartnerApi(*app, **database, listing_service, key_limiter, SecureRandom::Instance());
  profiles::RegisterCvPages(*app, listing_service);
  const partners::PartnerPagesEnv partner_env{
      **database,
      listing_service,
      account_service,
      SecureRandom::Instance(),
      [&mail_worker] { mail_worker.Nudge(); },
      [&lead_recorder](storage::Connection& connection, int64_t partner_id) {
        if (!lead_recorder) return;
        Status refreshed = lead_recorder->RefreshPartner(connection, partner_id,
                                                         SystemClock::Instance().NowSeconds());
        if (!refreshed.ok()) std::cerr << "vivrovert: leads: " << refreshed.message() << "\n";
      },
      nightly::ParisDate};
  partners::RegisterPartnerPages(*app, partner_env);
  partners::RegisterOperatorPages(*app, partner_env);
  leads::RegisterLeadPages(*app, **database, SystemClock::Instance(), search_backend.grid.get());
  legal::RegisterLegalPages(*app, config.publisher);

  forget_person = [&matcher](int64_t user_id) { matcher.PersonDeleted(user_id); };

  // Instant notifications: new and changed listings are matched every few seconds.
  notifications::NotificationPass notification_pass(
      **database, matcher, *mail_templates, search_backend.grid.get(), SystemClock::Instance(),
      {config.public_base_url, *secret_key, 200});
  PeriodicWorker matching_worker("matching pass", kMatchingInterval,
                                 [&notification_pass, &mail_worker, &matcher, &deletions] {
                                   for (int64_t user_id : deletions.Poll())
                                     matcher.PersonDeleted(user_id);
                                   if (notification_pass.Run().instant_mails > 0)
                                     mail_worker.Nudge();
                                 });
  // The night's run (digests, lead reports), once a day from nightly.hour, never during
  // the maintenance window; a run cut short (restart) is resumed.
  nightly::NightlyRun nightly_run(
      **database, notification_pass, *mail_templates, search_backend.grid.get(),
      SystemClock::Instance(),
      {config.public_base_url, *secret_key, 200, 0, {}, nightly::RetentionPolicy{}},
      NightlyLeadReports(config, *mail_templates, *secret_key, search_backend.grid.get()));
  PeriodicWorker nightly_scheduler("nightly run", kNightlyCheckInterval, [&] {
    const int64_t now = SystemClock::Instance().NowSeconds();
    if (config.nightly_hour < 0 || nightly::InMaintenanceWindow(now) ||
        nightly::ParisHour(now) < config.nightly_hour) {
      return;
    }
    const std::string run_date = nightly::ParisDate(now);
    {
      storage::Connection connection = (*database)->Acquire();
      if (nightly::NightlyRun::Finished(connection, run_date)) return;
    }
    nightly::NightlyReport report = nightly_run.Run(run_date);
    std::cout << "nightly run " << run_date << ": " << report.digests_queued << " digests, "
              << report.report_mails << " lead report mails, "
              << nightly::RetentionSummary(report.retention) << ", "
              << (report.finished ? "finished" : "not finished") << " in " << report.seconds << " s"
              << std::endl;
    mail_worker.Nudge();
  });

  // Audience figures without tracking: views counted in memory, written every minute.
  auto audience_counter = std::make_shared<audience::AudienceCounter>(
      audience::CountingRules{audience::HostOf(config.public_base_url),
                              config.audience_count_operators},
      SystemClock::Instance(), nightly::ParisDate);
  app->SetVisitObserver(audience_counter);
  PeriodicWorker audience_flusher(
      "audience", kAudienceFlushInterval,
      [&audience_counter, &database] { audience_counter->Flush(**database); });

  web::ServerOptions server_options;
  server_options.host = config.listen_host;
  server_options.port = config.listen_port;
  server_options.threads = config.http_threads;
  server_options.max_body_bytes = config.max_body_bytes;
  server_options.request_deadline_seconds = config.request_deadline_seconds;
  Result<web::TrustedProxies> trusted_proxies = web::TrustedProxies::Parse(config.trusted_proxies);
  if (!trusted_proxies.ok()) return Fail(trusted_proxies.status());
  server_options.trusted_proxies = std::move(trusted_proxies).value();
  web::HttpServer server(*app, server_options);
  mail_worker.Start();
  matching_worker.Start();
  nightly_scheduler.Start();
  audience_flusher.Start();
  if (Status started = server.Start(); !started.ok()) return Fail(started);
  std::cout << "listening on http://" << config.listen_host << ":" << server.port() << " ("
            << config.public_base_url << ", database " << (*database)->url().Redacted() << ")"
            << std::endl;

  int received = 0;
  sigwait(&stop_signals, &received);
  std::cout << "stopping on " << strsignal(received) << std::endl;
  server.Stop();
  audience_flusher.Stop();
  audience_counter->Flush(**database);  // the last minute's views
  nightly_scheduler.Stop();
  matching_worker.Stop();
  mail_worker.Stop();
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, std::vector<Command>& commands) {
  CLI::App* serve =
      app.add_subcommand("serve", "Serve the web site and its JSON API until SIGINT or SIGTERM");
  auto flags = std::make_shared<ServeFlags>();
  serve->add_flag("--no-migrate", flags->no_migrate,
                  "Do not apply pending schema migrations at start-up");
  serve->add_flag("--no-access-log", flags->no_access_log,
                  "Do not print one line per request on stdout");
  commands.push_back({serve, [flags](const Config& config) { return Serve(config, *flags); }});
}

}  // namespace vivrovert::cli
