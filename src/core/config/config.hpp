// Configuration: an INI file plus environment overrides.
//
// Every key `section.name` of the file can be overridden by the environment variable
// `VIVROVERT_SECTION_NAME` (upper case, dots to underscores), e.g. `database.url` by
// `VIVROVERT_DATABASE_URL`. Without a file, defaults suit `make run` on a development
// machine. See config/vivrovert.example.ini for every key with its meaning.
#pragma once

#include <cstdint>
#include <string>

#include "core/common/status.hpp"

namespace vivrovert {

// When the connection to the SMTP relay is encrypted with STARTTLS.
enum class SmtpTls {
  kAuto,      // required unless the relay is on this machine (localhost, 127.0.0.0/8, ::1)
  kRequired,  // always: a relay that does not offer STARTTLS gets no mail
  kNone,      // never (a relay on a trusted private network)
};

struct SmtpConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 2525;
  std::string username;  // empty: no authentication
  std::string password;
  std::string from_address = "VivroVert <ne-pas-repondre@vivrovert.localhost>";
  int timeout_seconds = 20;
  SmtpTls tls = SmtpTls::kAuto;  // smtp.tls: auto | starttls | none
};

// Who publishes the site, for the mentions légales (LCEN art. 6). Empty fields are shown
// as "à renseigner": the site never invents them.
struct PublisherConfig {
  std::string name;        // raison sociale
  std::string legal_form;  // forme juridique et capital
  std::string siret;
  std::string address;
  std::string email;                 // contact, and the exercise of RGPD rights
  std::string publication_director;  // directeur de la publication
  std::string dpo_email;             // délégué à la protection des données, if any
  std::string host_name;             // hébergeur: raison sociale
  std::string host_address;
  std::string host_phone;
  // Invoices (docs/BILLING.md "Invoices"): the seller's intra-community VAT number, the
  // account invoices are paid to, and the late-payment penalty rate the invoices state
  // (art. L441-10 Code de commerce). Empty: "à renseigner" on the documents.
  std::string vat_number;  // numéro de TVA intracommunautaire, "FR…"
  std::string iban;
  std::string bic;
  std::string late_penalty_rate;  // e.g. "trois fois le taux d'intérêt légal"
};

// The base map under the maps' tiles (docs/DEPLOY.md, "A base map"): an XYZ raster tile
// source. Empty url: the maps draw the outlines of départements and communes alone (the
// offline default; nothing is fetched from outside).
struct MapConfig {
  // "https://tile.example.org/{z}/{x}/{y}.png"; {s} (subdomains, first in the host name) and
  // {r} (retina suffix) are allowed, as Leaflet reads them.
  std::string base_url;
  std::string base_attribution;  // HTML-free text, required with a url (the tiles' licence)
  std::string base_subdomains = "abc";
  int base_min_zoom = 0;
  int base_max_zoom = 19;
};

// The origin a browser fetches `map`'s tiles from, as a Content-Security-Policy source
// ("https://tile.example.org", "https://*.tile.example.org" for a {s} host); empty when no
// base map is set. Errors: InvalidArgument naming the map.* key (no http(s) scheme, a
// placeholder missing or misplaced, no attribution, min_zoom above max_zoom).
Result<std::string> BaseMapOrigin(const MapConfig& map);

struct Config {
  // Storage.
  std::string database_url = "sqlite:var/vivrovert.db";
  int database_pool_size = 16;
  // A hot standby of the PostgreSQL primary, for the reads that tolerate a second of lag
  // (docs/DEPLOY.md, "Reads on the standby"); empty: every read goes to database_url.
  std::string database_replica_url;

  // Web server.
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;
  int http_threads = 16;
  // The reverse proxies in front (addresses and CIDR ranges, comma-separated) whose
  // X-Forwarded-For names the client; empty: the TCP peer is the client.
  std::string trusted_proxies;
  // A request must arrive whole (headers and body) within this delay (slow clients).
  int request_deadline_seconds = 30;
  int64_t max_body_bytes = 11 << 20;  // a 10 MB import file and its form
  // Address people reach the site at; links in e-mails start with it. An https URL marks
  // session cookies Secure.
  std::string public_base_url = "http://localhost:8080";

  SmtpConfig smtp;

  // Public API: requests per client IP and window, shared by all processes (0: no limit).
  int64_t api_rate_limit = 600;
  int64_t api_rate_window_seconds = 60;
  // The map's PNG tiles and outlines: their own budget per client IP and window (one map
  // view asks for dozens of tiles), apart from the searches' (0: no limit).
  int64_t api_map_rate_limit = 6000;
  // Tiles opened (POST /api/v1/clicks) per client network and hour: clicks make partners'
  // prospects, which one client must not inflate (0: no limit).
  int64_t api_click_rate_limit = 300;

  // The server starts the night's run (digests, lead reports) from this hour, Paris time,
  // if it has not run yet that day; never between midnight and 1 a.m. (maintenance).
  // -1: the server never starts it (`vivrovert nightly` from cron instead).
  int nightly_hour = 2;
  // The server runs `vivrovert data update` on this day (-1: never, the default; 0: every
  // day; 1–7: Monday–Sunday) from this hour, Paris time, at most once that day, then serves
  // the grid it rebuilt without a restart (docs/DATA.md, "Scheduled updates").
  int data_update_day = -1;
  int data_update_hour = 3;

  PublisherConfig publisher;

  MapConfig map;

  // Audience figures (src/domain/audience): whether operators' own page views count.
  bool audience_count_operators = false;

  // The barometer (src/domain/demand): how many days raw demand records (searches without
  // any person) are kept; the daily aggregates are kept five years regardless.
  int barometer_raw_retention_days = 396;

  // Skills alerts (option 3, src/domain/skills): at most this many people told of one job,
  // and this many skills alerts to one person in any 7 days.
  int skills_alerts_per_job = 200;
  int skills_alerts_per_person_week = 3;
  // Webhooks (src/domain/webhooks): endpoints must be https URLs on public addresses; true
  // also allows http and private, loopback and link-local addresses (tests only: never in
  // production, it opens the server to SSRF).
  bool webhooks_allow_private_addresses = false;
  // The CA certificates (a PEM file) webhook deliveries over https trust, instead of the
  // system's store; empty: the system's CA store. For a private CA in front of partners'
  // apps, and for the tests' https receiver. Deliveries are always verified.
  std::string webhooks_ca_file;

  // Demonstration mode (`make run`): `vivrovert admin seed-demo` may then give the demo
  // accounts the documented default password. Off: it needs VIVROVERT_DEMO_PASSWORD.
  bool demo_mode = false;

  // Files.
  std::string data_dir;         // open-data files (default: ../shared/data when present)
  std::string var_dir = "var";  // runtime files: database, grids, logs, mail spool
  std::string resource_dir;     // templates/, frontend/dist/, catalogue data (default: source tree)
  std::string grid_file;        // the built grid (default: var_dir/grid/vivrovert.grid)

  // The criteria catalogue shipped in resource_dir.
  std::string CataloguePath() const { return resource_dir + "/data/criteria.json"; }

  // Secrets. When empty, a random key is created once in var_dir/secret.key.
  std::string secret_key;

  // Where each value came from, for `vivrovert config` ("file", "env", "default").
  std::string source_file;

  // Loads `path` when not empty (it must exist), then applies environment overrides and
  // fills derived defaults. Errors name the key and the reason.
  static Result<Config> Load(const std::string& path);

  // The secret key, created (0600) under var_dir when neither configured nor present.
  Result<std::string> SecretKey() const;

  bool IsHttps() const { return public_base_url.starts_with("https://"); }
};

}  // namespace vivrovert
