// vivrovert: the one binary. Each subcommand parses its arguments and calls a library;
// no logic of its own lives here.
#include <CLI/CLI.hpp>

#include <iostream>

#include "config/config.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace {

using vivrovert::Config;
using vivrovert::Result;

int Fail(const vivrovert::Status& status) {
  std::cerr << "vivrovert: " << status.ToString() << "\n";
  return status.code() == vivrovert::StatusCode::kInvalidArgument ? 2 : 1;
}

int RunMigrate(const Config& config) {
  auto database = vivrovert::storage::Database::Open(config.database_url);
  if (!database.ok()) return Fail(database.status());
  auto applied = vivrovert::storage::Migrate(**database);
  if (!applied.ok()) return Fail(applied.status());
  for (const auto& migration : *applied) {
    std::cout << "applied " << migration.version << " " << migration.name << "\n";
  }
  std::cout << "schema at version " << vivrovert::storage::SchemaVersion(**database) << " on "
            << (*database)->url().Redacted() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"VivroVert: find where to live in rural France, and help territories attract newcomers"};
  app.require_subcommand(1);
  std::string config_path;
  app.add_option("-c,--config", config_path, "INI configuration file (environment VIVROVERT_* overrides it)")
      ->envname("VIVROVERT_CONFIG");

  CLI::App* migrate = app.add_subcommand("migrate", "Apply the database schema migrations");

  CLI11_PARSE(app, argc, argv);

  Result<Config> config = Config::Load(config_path);
  if (!config.ok()) return Fail(config.status());

  try {
    if (migrate->parsed()) return RunMigrate(*config);
  } catch (const std::exception& error) {
    std::cerr << "vivrovert: fatal: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
