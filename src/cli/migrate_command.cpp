#include <iostream>

#include "cli/commands.hpp"
#include "core/storage/database.hpp"
#include "core/storage/migrations.hpp"

namespace vivrovert::cli {

void RegisterMigrateCommand(CLI::App& app, std::vector<Command>& commands) {
  CLI::App* migrate = app.add_subcommand("migrate", "Apply the database schema migrations");
  commands.push_back({migrate, [](const Config& config) {
                        auto database = storage::Database::Open(config.database_url);
                        if (!database.ok()) return Fail(database.status());
                        auto applied = storage::Migrate(**database);
                        if (!applied.ok()) return Fail(applied.status());
                        for (const auto& migration : *applied) {
                          std::cout << "applied " << migration.version << " " << migration.name
                                    << "\n";
                        }
                        std::cout << "schema at version " << storage::SchemaVersion(**database)
                                  << " on " << (*database)->url().Redacted() << "\n";
                        return 0;
                      }});
}

}  // namespace vivrovert::cli
