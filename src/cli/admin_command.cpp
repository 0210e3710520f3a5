// `vivrovert admin create-operator`, `admin seed-demo` and `admin list-users`: account
// administration from the command line (accounts/).
//
// create-operator reads the password from the environment variable
// VIVROVERT_ADMIN_PASSWORD when it is set, else as one line on standard input (the
// terminal echoes it: pipe it in, e.g. from a password manager, rather than typing it in
// a shared session).
#include <Poco/URI.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.hpp"
#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "core/storage/migrations.hpp"
#include "domain/accounts/account_service.hpp"
#include "domain/accounts/demo_accounts.hpp"
#include "domain/accounts/outbox_account_mailer.hpp"
#include "domain/demand/demo_demand.hpp"
#include "domain/leads/demo_leads.hpp"
#include "domain/leads/lead_recorder.hpp"
#include "domain/listings/listing_service.hpp"
#include "domain/mail/templates.hpp"
#include "domain/partners/demo_partner.hpp"
#include "domain/partners/partner_sites.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "engine/engine.hpp"
#include "jobs/nightly/calendar.hpp"

namespace vivrovert::cli {

namespace {

constexpr const char* kPasswordVariable = "VIVROVERT_ADMIN_PASSWORD";
constexpr const char* kDemoPasswordVariable = "VIVROVERT_DEMO_PASSWORD";

// The database of `config`, refused unless fully migrated: the account tables must exist.
Result<std::unique_ptr<storage::Database>> OpenMigrated(const Config& config) {
  VV_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> database,
                      storage::Database::Open(config.database_url));
  const int expected =
      storage::KnownMigrations().empty() ? 0 : storage::KnownMigrations().back().version;
  if (storage::SchemaVersion(*database) < expected) {
    return FailedPrecondition("the database schema is not up to date: run `vivrovert migrate`");
  }
  return database;
}

Result<std::string> ReadPassword() {
  if (const char* from_env = std::getenv(kPasswordVariable); from_env && *from_env) {
    return std::string(from_env);
  }
  if (isatty(STDIN_FILENO)) std::cerr << "Password (input is echoed): " << std::flush;
  std::string password;
  if (!std::getline(std::cin, password)) {
    return InvalidArgument(
        std::string("no password: set ") + kPasswordVariable + " or write it on standard input",
        "password");
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

}  // namespace

void RegisterAdminCommand(CLI::App& app, std::vector<Command>& commands) {
  CLI::App* admin = app.add_subcommand("admin", "Account administration");
  admin->require_subcommand(1);

  CLI::App* create = admin->add_subcommand(
      "create-operator", std::string("Create a verified operator account; password from ") +
                             kPasswordVariable + " or standard input");
  auto email = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>("Opérateur");
  create->add_option("--email", *email, "E-mail address of the operator")->required();
  create->add_option("--name", *name, "Display name")->capture_default_str();
  commands.push_back(
      {create, [email, name](const Config& config) {
         auto database = OpenMigrated(config);
         if (!database.ok()) return Fail(database.status());
         auto templates = mail::MailTemplates::Load(config.resource_dir);
         if (!templates.ok()) return Fail(templates.status());
         auto password = ReadPassword();
         if (!password.ok()) return Fail(password.status());
         accounts::PasswordHasher hasher;
         accounts::OutboxAccountMailer mailer(*templates);
         accounts::AccountService service(**database, hasher, mailer, SystemClock::Instance(),
                                          SecureRandom::Instance(), config.public_base_url);
         auto created = service.CreateOperator(*email, *password, *name);
         if (!created.ok()) return Fail(created.status());
         std::cout << "created operator #" << created->id << " " << created->email << "\n";
         return 0;
       }});

  CLI::App* seed = admin->add_subcommand(
      "seed-demo",
      std::string("Create the demo accounts of `make run` (idempotent); password from ") +
          kDemoPasswordVariable + " or, in demo mode only (demo.enabled), the documented default");
  commands.push_back(
      {seed, [](const Config& config) {
         auto database = OpenMigrated(config);
         if (!database.ok()) return Fail(database.status());
         const char* from_env = std::getenv(kDemoPasswordVariable);
         auto chosen = accounts::ChooseDemoPassword(config.demo_mode, from_env ? from_env : "");
         if (!chosen.ok()) return Fail(chosen.status());
         const std::string password = *chosen;
         accounts::PasswordHasher hasher;
         auto seeded =
             accounts::SeedDemoAccounts(**database, hasher, SystemClock::Instance(), password);
         if (!seeded.ok()) return Fail(seeded.status());
         for (const accounts::DemoAccount& account : *seeded) {
           std::cout << (account.created ? "created " : "kept    ")
                     << accounts::RoleName(account.user.role) << "\t" << account.user.email
                     << "\tpassword: " << password << "\n";
         }
         // The demo partner needs the grid to place its listings.
         auto grid = engine::GridFile::Open(config.grid_file);
         if (!grid.ok()) {
           std::cout << "demo partner: not seeded yet (" << grid.status().message() << ")\n";
           return 0;
         }
         listings::ListingService listing_service(**database, grid->get(), SystemClock::Instance());
         auto partner =
             partners::SeedDemoPartner(**database, listing_service, seeded->back().user.id);
         if (!partner.ok()) return Fail(partner.status());
         std::cout << "demo partner: " << partner->partner.name << " (/partenaire/"
                   << partner->partner.slug << "), " << partner->listings_created
                   << " demo listings created, " << partner->listings_kept << " kept\n";
         {
           // What the demo partner bought: the base service and options 1 and 2 (a contract
           // marked demo, never invoiced).
           storage::Connection connection = (*database)->Acquire();
           const int64_t now = SystemClock::Instance().NowSeconds();
           auto contract = subscriptions::SubscriptionStore::SeedDemoContract(
               connection, partner->partner.id, ParisDate(now), now);
           if (!contract.ok()) return Fail(contract.status());
           std::cout << "demo contract: " << (*contract ? "created" : "kept")
                     << " (base service, options 1 and 2)\n";
           // Option 2's own site, on a name every browser sends to this machine.
           auto site =
               partners::PartnerSiteStore::SeedDemoSite(connection, partner->partner.id, now);
           if (!site.ok()) return Fail(site.status());
           Poco::URI base(config.public_base_url);
           base.setHost(partners::kDemoSiteHost);
           std::cout << "demo partner site: " << base.toString() << " ("
                     << (*site ? "created" : "kept") << "; hosts at /operateur/partenaires/"
                     << partner->partner.id << "/site)\n";
         }
         // Demo exodeurs whose searches and clicks make the demo partner's leads.
         engine::SearchEngine engine(**grid);
         leads::LeadRecorder recorder(**grid, engine);
         auto people = leads::SeedDemoLeads(**database, **grid, recorder, hasher,
                                            SystemClock::Instance(), password, partner->partner.id);
         if (!people.ok()) return Fail(people.status());
         std::cout << "demo leads: " << people->people_created << " demo exodeurs created, "
                   << people->people_kept << " kept (/partenaire/" << partner->partner.slug
                   << "/contacts)\n";
         // The barometer's demonstration demand: the ready-made profiles replayed with a
         // fixed seed through the engine, marked "démo" wherever shown.
         std::ifstream profiles_file(config.resource_dir + "/data/profiles.json");
         const nlohmann::json profiles = nlohmann::json::parse(profiles_file, nullptr, false);
         auto demand =
             demand::SeedDemoDemand(**database, **grid, SystemClock::Instance(), profiles);
         if (!demand.ok()) return Fail(demand.status());
         std::cout << "demo demand: " << demand->searches << " generated searches from "
                   << demand->profiles << " profiles, marked demo (/partenaire/"
                   << partner->partner.slug << "/barometre)\n";
         return 0;
       }});

  CLI::App* list = admin->add_subcommand("list-users", "List accounts, oldest first");
  auto limit = std::make_shared<int64_t>(100);
  list->add_option("--limit", *limit, "At most this many accounts")->check(CLI::PositiveNumber);
  commands.push_back(
      {list, [limit](const Config& config) {
         auto database = OpenMigrated(config);
         if (!database.ok()) return Fail(database.status());
         storage::Connection connection = (*database)->Acquire();
         std::vector<accounts::User> users = accounts::UserStore::List(connection, 0, *limit);
         std::cout << "id\temail\trole\tverified\tcreated\tname\n";
         for (const accounts::User& user : users) {
           std::cout << user.id << "\t" << user.email << "\t" << accounts::RoleName(user.role)
                     << "\t" << (user.email_verified() ? "yes" : "no") << "\t"
                     << FormatUtc(user.created_at, "%Y-%m-%d") << "\t" << user.display_name << "\n";
         }
         return 0;
       }});
}

}  // namespace vivrovert::cli
