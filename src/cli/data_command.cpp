// `vivrovert data update [--sources …] [--departements …]`: fetches the national sources
// from the addresses of the sources file (config/data-sources.json by default), imports
// those that changed, and rebuilds the grid only when one did (src/data/update,
// docs/DATA.md).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>

#include "cli/commands.hpp"
#include "core/common/text.hpp"
#include "data/update/data_update.hpp"
#include "engine/engine.hpp"

namespace vivrovert::cli {

namespace {

struct DataArguments {
  std::string sources;
  std::string departements;
  std::string sources_file;
  bool no_build = false;
  int threads = 2;
  int timeout_seconds = 60;
};

// The départements the update covers: those given, else those of the current grid's scope;
// for a national grid, every département of its commune table (per-département files).
Result<std::vector<std::string>> Departements(const Config& config, const DataArguments& arguments,
                                              bool& national) {
  if (!arguments.departements.empty()) {
    national = false;
    return SplitList(arguments.departements);
  }
  std::vector<std::string> scope = CurrentScope(config.grid_file);
  if (!scope.empty()) {
    national = false;
    return scope;
  }
  national = true;
  auto grid = engine::GridFile::Open(config.grid_file);
  if (!grid.ok()) {
    return FailedPrecondition("no grid to take the départements from (" + grid.status().message() +
                              "): give --departements 46,19, or build the grid first");
  }
  std::set<std::string> codes;
  for (const engine::CommuneRef& commune : (*grid)->communes()) codes.insert(commune.departement);
  return std::vector<std::string>(codes.begin(), codes.end());
}

int RunUpdate(const Config& config, const DataArguments& arguments) {
  std::string sources_path = arguments.sources_file;
  if (sources_path.empty()) {
    const char* configured = std::getenv("VIVROVERT_DATA_SOURCES_FILE");
    sources_path = configured != nullptr && *configured != '\0'
                       ? std::string(configured)
                       : config.resource_dir + "/config/data-sources.json";
  }
  auto sources = data_update::LoadSourcesFile(sources_path);
  if (!sources.ok()) return Fail(sources.status());
  data_update::UpdateOptions options;
  options.sources = SplitList(arguments.sources);
  bool national = true;
  auto departements = Departements(config, arguments, national);
  if (!departements.ok()) return Fail(departements.status());
  options.departements = *departements;
  options.national = national;
  options.download_dir = (std::filesystem::path(config.var_dir) / "downloads").string();

  // One line per file: rewritten in place on a terminal, printed once at its end otherwise.
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  data_update::FetchOptions fetch;
  fetch.timeout_seconds = arguments.timeout_seconds;
  fetch.progress = [terminal](const std::string& text, bool done) {
    if (terminal) {
      std::cerr << "\r  " << text << "\033[K" << (done ? "\n" : "") << std::flush;
    } else if (done) {
      std::cerr << "  " << text << "\n";
    }
  };
  std::vector<std::string> measured;
  auto import_files = [&](const data_update::SourceSpec& source,
                          const std::vector<std::string>& files) -> Status {
    std::string covers = source.covers;
    if (source.import == "osm" && covers.empty()) {
      for (const std::string& code : options.departements)
        covers += (covers.empty() ? "" : ",") + code;
    }
    return ImportFiles(config, source.import, files, covers, measured);
  };
  auto outcomes = data_update::UpdateSources(*sources, options, fetch, import_files, std::cerr);
  if (!outcomes.ok()) return Fail(outcomes.status());
  bool imported = false, failed = false;
  std::cout << "data update:\n";
  for (const data_update::SourceOutcome& outcome : *outcomes) {
    const char* word = "unchanged";
    switch (outcome.outcome) {
      case data_update::Outcome::kUnchanged:
        word = "unchanged";
        break;
      case data_update::Outcome::kImported:
        word = "imported";
        imported = true;
        break;
      case data_update::Outcome::kFailed:
        word = "FAILED";
        failed = true;
        break;
      case data_update::Outcome::kNoAddress:
        word = "skipped";
        break;
    }
    std::cout << "  " << outcome.id << ": " << word << " — " << outcome.message << "\n";
  }
  if (!imported) {
    std::cout << "no source changed: the grid stays as it is\n";
  } else if (arguments.no_build) {
    std::cout << "layers written; the grid is rebuilt by the next `vivrovert grid build`\n";
  } else {
    const std::string scope = arguments.departements;
    if (int code = RebuildGrid(config, scope, arguments.threads, measured); code != 0) return code;
  }
  return failed ? 1 : 0;
}

}  // namespace

void RegisterDataCommand(CLI::App& app, std::vector<Command>& commands) {
  CLI::App* data = app.add_subcommand("data", "Keep the national open data current");
  data->require_subcommand(1);
  auto arguments = std::make_shared<DataArguments>();
  arguments->threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  CLI::App* update = data->add_subcommand(
      "update",
      "Download the national sources from their official addresses, import those that "
      "changed, rebuild the grid when one did");
  update->add_option("--sources", arguments->sources,
                     "Sources to update, comma-separated (default: every source of the file)");
  update->add_option("--departements", arguments->departements,
                     "Départements of the per-département files and of the rebuilt grid "
                     "(default: those of the current grid)");
  update->add_option("--sources-file", arguments->sources_file,
                     "The sources and their addresses (default: VIVROVERT_DATA_SOURCES_FILE, "
                     "else config/data-sources.json)");
  update->add_flag("--no-build", arguments->no_build,
                   "Only write the layers; build the grid later");
  update->add_option("--threads", arguments->threads, "Worker threads of the rebuild")
      ->check(CLI::Range(1, 64));
  update
      ->add_option("--timeout", arguments->timeout_seconds,
                   "Seconds without progress before a network operation fails")
      ->check(CLI::Range(1, 3600));
  commands.push_back(
      {update, [arguments](const Config& config) { return RunUpdate(config, *arguments); }});
}

}  // namespace vivrovert::cli
