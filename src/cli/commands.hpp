// Subcommands of the `vivrovert` binary. Each Register* function declares its
// subcommand(s) and options on the app and returns what to run when it is chosen; the
// runner gets the loaded configuration and returns the process exit code
// (0 success, 1 failure, 2 bad usage or input).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
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
