// `vivrovert backup --to FILE`: an online copy of the SQLite database while the server runs
// (core/storage/backup.hpp). PostgreSQL is backed up with its own tools (docs/DEPLOY.md).
#include <iostream>

#include "cli/commands.hpp"
#include "core/storage/backup.hpp"

namespace vivrovert::cli {

void RegisterBackupCommand(CLI::App& app, std::vector<Command>& commands) {
  CLI::App* backup = app.add_subcommand(
      "backup", "Copy the SQLite database to FILE while it is in use (SQLite's backup API)");
  auto target = std::make_shared<std::string>();
  backup->add_option("--to", *target, "The backup file (written aside, then renamed)")->required();
  commands.push_back({backup, [target](const Config& config) {
                        Result<storage::DatabaseUrl> url =
                            storage::DatabaseUrl::Parse(config.database_url);
                        if (!url.ok()) return Fail(url.status());
                        Result<storage::BackupReport> report = storage::BackupSqlite(*url, *target);
                        if (!report.ok()) return Fail(report.status());
                        std::cout << "backed up " << url->Redacted() << " to " << *target << " ("
                                  << report->pages << " pages, " << report->bytes << " bytes)"
                                  << std::endl;
                        return 0;
                      }});
}

}  // namespace vivrovert::cli
