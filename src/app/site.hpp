// The application, built in one place: every store, service, background worker and route of
// VivroVert, from one Config. `vivrovert serve`, `vivrovert nightly`, `vivrovert mail` and
// the tests' TestSite all build it here, so what the tests exercise is what the server runs.
//
// A program asks for the scope it needs (SiteScope); the parts of a wider scope are simply
// not built, and their accessors must not be called (they assert). Everything is built in
// Open() and torn down in reverse order by the destructor; nothing is built lazily.
//
// The grid file can be replaced while the site serves. Everything built from one grid (the
// grid and its engine, the matching index, the notification pass and the night's run, the
// web App with every route and the grid-bound parts behind them: map renderer, commune
// index, lead, compatibility and demand recorders, similar territories, listing placement,
// labels) is one *generation*. A request takes a snapshot of the current generation at its
// start (current_app()) and keeps it to its end; a switch builds the new generation beside
// the old one and swaps a pointer, and the old one is freed when its last request ends. So
// a request never sees half of two grids. What lives across generations (database, mail,
// accounts, rate limiters, audience counter, metrics, readiness, leadership, amenities)
// holds nothing of the grid.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "core/common/env.hpp"
#include "core/common/status.hpp"
#include "core/config/config.hpp"
#include "core/storage/database.hpp"
#include "data/amenities/amenity_index.hpp"
#include "domain/accounts/account_service.hpp"
#include "domain/accounts/password_hasher.hpp"
#include "domain/campaigns/campaigns.hpp"
#include "domain/compatibility/compatibility_store.hpp"
#include "domain/demand/demand_recorder.hpp"
#include "domain/listings/listing_service.hpp"
#include "domain/mail/sender.hpp"
#include "domain/mail/smtp_transport.hpp"
#include "domain/mail/templates.hpp"
#include "domain/matching/matcher.hpp"
#include "domain/notifications/notification_pass.hpp"
#include "domain/skills/live_skill_index.hpp"
#include "domain/webhooks/webhook_sender.hpp"
#include "engine/engine.hpp"
#include "jobs/nightly/nightly_run.hpp"
#include "web/http/app.hpp"
#include "web/http/readiness.hpp"

namespace vivrovert::storage {
class LeaderLock;
}

namespace vivrovert::app {

// How much of the application a program needs; each scope includes the ones before it.
enum class SiteScope {
  // The database (migrated unless told not to), the secret key, the mail templates and the
  // outbox's SMTP sender and worker: `vivrovert mail`.
  kMail,
  // + the grid, the matching index (rebuilt from the database), the notification pass and
  // the night's run: `vivrovert nightly`.
  kJobs,
  // + the web application with every route, the amenities of the property pages and the
  // audience counter, and the background workers of a server: `vivrovert serve`, the tests.
  kWeb,
};

// What a caller supplies instead of the defaults, and how the site reports. Every pointer
// is borrowed and must outlive the site; null means the default.
struct SiteParts {
  storage::Database* database = nullptr;               // default: opens Config::database_url
  const Clock* clock = nullptr;                        // default: SystemClock
  Random* random = nullptr;                            // default: SecureRandom
  mail::SmtpTransport* transport = nullptr;            // default: SMTP as Config::smtp says
  accounts::PasswordHasher* hasher = nullptr;          // default: the interactive argon2id cost
  const engine::SearchBackend* search = nullptr;       // default: loads Config::grid_file
  const amenities::AmenityIndex* amenities = nullptr;  // default: loads Config::data_dir's
  bool warm_map_outlines = true;  // build the map's commune outlines at opening, not at first use
  std::ostream* access_log = nullptr;  // one line per request; null: none
  std::ostream* error_log = nullptr;   // warnings and errors; null: std::cerr
  std::ostream* progress = nullptr;    // start-up lines (migrations, index); null: none
  bool migrate = true;                 // apply pending migrations at opening
  // Runs `vivrovert data update` (serve: the same binary, as a child process) when
  // data.update_day and data.update_hour say so; null: the schedule is off.
  std::function<Status()> data_update;
  int batch = 200;   // people or listings per transaction in jobs
  int pause_ms = 0;  // wait between the night's batches
};

class Site {
 public:
  // Builds the scope's parts, in dependency order. Fails on what a program cannot run
  // without (database, migrations, secret key, templates, the trusted proxies list); a
  // missing grid or amenity data is a warning on the error log, and the site serves and
  // says why (the API answers 503, the property pages say "non disponible").
  static Result<std::unique_ptr<Site>> Open(const Config& config, SiteScope scope,
                                            SiteParts parts = {});
  ~Site();
  Site(const Site&) = delete;
  Site& operator=(const Site&) = delete;

  SiteScope scope() const;
  const Config& config() const;
  storage::Database& database();
  const Clock& clock() const;
  const std::string& secret_key() const;
  const mail::MailTemplates& mail_templates() const;
  mail::MailSender& mail_sender();
  mail::MailWorker& mail_worker();

  // kJobs and wider. The references below are into the current generation: valid until the
  // next grid switch (the tests and one-shot commands, which do not switch, may keep them;
  // a server's request uses current_app()).
  const engine::SearchBackend& search() const;
  matching::Matcher& matcher();
  notifications::NotificationPass& notification_pass();
  skills::LiveSkillIndex& skill_index();  // the skills alerts' people (option 3)
  nightly::NightlyRun& nightly_run();
  // kWeb: compatibility with partner territories (null without a grid).
  compatibility::CompatibilityRecorder* compatibility_recorder();
  // What /readyz reports (grid, index, draining): `vivrovert serve` marks it draining on
  // SIGTERM. The leadership among the processes sharing the database (null before kJobs).
  web::Readiness& readiness();
  const storage::LeaderLock* leader() const;

  // kWeb.
  web::App& app();
  // The App of the current generation, kept alive (with every part built from its grid) by
  // the pointer: what a request holds from its start to its answer. Thread-safe.
  std::shared_ptr<const web::App> current_app() const;

  // kJobs and wider: the switch to a new grid. Builds every grid-bound part from `backend`
  // beside the current ones (the matching index is rebuilt from the database), then makes
  // it current; the old generation is freed when its last request ends. Errors (the old
  // grid keeps serving): no grid in `backend` (its load status), a criterion of the served
  // grid missing from the new one, a level without tiles. One switch at a time; thread-safe.
  Status SwitchGrid(std::shared_ptr<const engine::SearchBackend> backend);
  // The grid watcher's round (every few seconds in a server, and at once after a scheduled
  // data update): when the configured grid file is another file than the served one (inode,
  // size, modification time), loads, checks and switches to it. Returns whether it switched;
  // an error when the new file is refused, said once per file (the old one keeps serving).
  Result<bool> CheckGridFile();
  accounts::AccountService& accounts();
  listings::ListingService& listings();
  // The barometer's demand recorder; null without a grid.
  demand::DemandRecorder* demand();
  // Campaigns' approval and sending (option 3), and the webhooks' deliveries (a worker
  // runs them every few seconds once StartWorkers is called).
  campaigns::CampaignSender& campaign_sender();
  webhooks::WebhookSender& webhook_sender();

  // The background work of a server: the mail worker, the matching pass every few seconds
  // (instant notifications), the night's run once a day from nightly.hour, the grid watcher
  // (CheckGridFile every few seconds), the scheduled data update (data.update_day and
  // data.update_hour, when SiteParts::data_update is given), and the audience
  // counters written every minute; the matching pass and the night's run only while this
  // process leads (storage::LeaderLock), and a cluster worker that keeps the leadership and
  // follows the changes made through other processes every 2 s. StopWorkers() stops them in reverse
  // order and writes the last views; the destructor calls it when needed. kWeb only.
  void StartWorkers();
  void StopWorkers();

 private:
  struct Parts;
  explicit Site(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace vivrovert::app
