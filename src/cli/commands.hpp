// Subcommands of the `vivrovert` binary. Each Register* function declares its
// subcommand(s) and options on the app and returns what to run when it is chosen; the
// runner gets the loaded configuration and returns the process exit code
// (0 success, 1 failure, 2 bad usage or input).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/config/config.hpp"

namespace vivrovert::cli {

using CommandRunner = std::function<int(const Config&)>;

struct Command {
  CLI::App* app;
  CommandRunner run;
};

// Prints the status on stderr and returns its exit code (2 for invalid input, else 1).
int Fail(const Status& status);

// The exit code of a command line CLI11 refused: CLI11's own, printed its way, except for the
// subcommands whose interface promises 2 for any bad argument (billing), which get 2 and
// CLI11's message naming the argument.
int ExitOnParseError(const CLI::App& app, const CLI::ParseError& error);

// An epoch time in UTC, formatted with strftime's `format`.
std::string FormatUtc(int64_t epoch_seconds, const char* format);

// Shared by `import` and `data update` (import_command.cpp).
// Reads `files` of `source` (bpe, education, altitude, dvf, insee, arcep, climate, osm) into
// its import layer under var/imports, written atomically; prints what was read. `covers`:
// osm's départements ("france" for a national extract). The criteria the layer measures are
// added to `measured`.
Status ImportFiles(const Config& config, const std::string& source,
                   const std::vector<std::string>& files, const std::string& covers,
                   std::vector<std::string>& measured);
// Rebuilds the grid with the import layers (départements: "46,19", empty: the current
// grid's scope) and prints the 1 km coverage of the `measured` criteria; an exit code.
int RebuildGrid(const Config& config, const std::string& departements, int threads,
                const std::vector<std::string>& measured);
// The départements of the grid file's scope ("départements 46 19"); empty for the nation
// or when there is no readable grid.
std::vector<std::string> CurrentScope(const std::string& grid_path);

void RegisterDataCommand(CLI::App& app, std::vector<Command>& commands);
void RegisterMigrateCommand(CLI::App& app, std::vector<Command>& commands);
void RegisterAdminCommand(CLI::App& app, std::vector<Command>& commands);
void RegisterGridCommand(CLI::App& app, std::vector<Command>& commands);
void RegisterSearchCommand(CLI::App& app, std::vector<Command>& commands);
void RegisterServeCommand(CLI::App& app, std::vector<Command>& commands);
void RegisterMailCommand(CLI::App& app, std::vector<Command>& commands);
void RegisterImportCommand(CLI::App& app, std::vector<Command>& commands);
void RegisterNightlyCommand(CLI::App& app, std::vector<Command>& commands);
void RegisterBillingCommand(CLI::App& app, std::vector<Command>& commands);
void RegisterBackupCommand(CLI::App& app, std::vector<Command>& commands);

}  // namespace vivrovert::cli
