// vivrovert: the one binary. Subcommands are registered from cli/*_command.cpp; no
// product logic lives here.
#include <CLI/CLI.hpp>
#include <ctime>
#include <iostream>

#include "cli/commands.hpp"

namespace vivrovert::cli {

int Fail(const Status& status) {
  std::cerr << "vivrovert: " << status.ToString() << "\n";
  return status.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

int ExitOnParseError(const CLI::App& app, const CLI::ParseError& error) {
  // Subcommands whose interface promises exit 2 naming the argument for every bad argument,
  // CLI11's parse errors included (billing: issue 19). The others keep CLI11's own codes.
  static const char* const kStrictUsageCommands[] = {"billing"};
  if (error.get_exit_code() != static_cast<int>(CLI::ExitCodes::Success)) {
    for (const char* name : kStrictUsageCommands) {
      const CLI::App* command = app.get_subcommand(name);
      if (command->parsed()) {
        std::cerr << "vivrovert " << name << ": " << error.what() << "\n"
                  << "Run with --help for more information.\n";
        return 2;
      }
    }
  }
  return app.exit(error);
}

std::string FormatUtc(int64_t epoch_seconds, const char* format) {
  std::time_t time = static_cast<std::time_t>(epoch_seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[64];
  const size_t length = std::strftime(text, sizeof text, format, &utc);
  return std::string(text, length);
}

}  // namespace vivrovert::cli

int main(int argc, char** argv) {
  using namespace vivrovert;
  CLI::App app{
      "VivroVert: find where to live in rural France, and help territories attract newcomers"};
  app.require_subcommand(1);
  std::string config_path;
  app.add_option("-c,--config", config_path,
                 "INI configuration file (environment VIVROVERT_* overrides it)")
      ->envname("VIVROVERT_CONFIG");

  std::vector<cli::Command> commands;
  cli::RegisterMigrateCommand(app, commands);
  cli::RegisterAdminCommand(app, commands);
  cli::RegisterGridCommand(app, commands);
  cli::RegisterSearchCommand(app, commands);
  cli::RegisterServeCommand(app, commands);
  cli::RegisterMailCommand(app, commands);
  cli::RegisterImportCommand(app, commands);
  cli::RegisterDataCommand(app, commands);
  cli::RegisterNightlyCommand(app, commands);
  cli::RegisterBillingCommand(app, commands);
  cli::RegisterBackupCommand(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return cli::ExitOnParseError(app, error);
  }

  Result<Config> config = Config::Load(config_path);
  if (!config.ok()) return cli::Fail(config.status());
  try {
    for (const cli::Command& command : commands) {
      if (command.app->parsed()) return command.run(*config);
    }
  } catch (const std::exception& error) {
    std::cerr << "vivrovert: fatal: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
