// `vivrovert import <source> FILE…`: reads national files into an import layer
// (var/imports/<source>.json), then rebuilds the grid so the criteria they measure get
// their values. The layer and the grid are each written atomically: a failed or
// interrupted import leaves the previous ones in force.
#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "core/common/env.hpp"
#include "core/common/text.hpp"
#include "data/grid_builder/grid_builder.hpp"
#include "data/grid_builder/imported_sources.hpp"
#include "data/importers/climate.hpp"
#include "data/importers/commune_figures.hpp"
#include "data/importers/dem.hpp"
#include "data/importers/dvf.hpp"
#include "data/importers/osm.hpp"
#include "data/importers/point_sources.hpp"
#include "engine/engine.hpp"

namespace vivrovert::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct ImportArguments {
  std::string source;
  std::vector<std::string> files;
  bool no_build = false;
  std::string departements;                 // for the rebuild; default: the current grid's scope
  std::string publisher, dataset, vintage;  // altitude: a DEM carries none
  std::string covers;                       // osm: départements the extract covers, or "france"
  int threads = 2;
};

// Prints progress on stderr at most every two seconds, and at the end of each file.
class ProgressPrinter {
 public:
  void operator()(std::string_view what, double fraction) {
    const auto now = Clock::now();
    if (fraction < 1.0 && now - last_ < std::chrono::seconds(2)) return;
    if (fraction >= 1.0 && what == last_what_ && last_fraction_ >= 1.0) return;
    last_ = now;
    last_what_ = what;
    last_fraction_ = fraction;
    std::cerr << "  " << what << ": " << std::fixed << std::setprecision(0) << 100 * fraction
              << " %\n";
  }

 private:
  Clock::time_point last_ = Clock::now();
  std::string last_what_;
  double last_fraction_ = 0;
};

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

std::vector<std::string> CurrentScope(const std::string& grid_path) {
  auto grid = engine::GridFile::Open(grid_path);
  if (!grid.ok()) return {};
  const std::string scope = (*grid)->header().value("scope", "");
  std::vector<std::string> codes;
  std::stringstream words(scope);
  std::string word;
  words >> word;
  if (word != "départements") return {};
  while (words >> word) codes.push_back(word);
  return codes;
}

namespace {

Result<importers::ImportLayer> ReadSource(const Config& config, const ImportArguments& arguments) {
  ProgressPrinter printer;
  importers::ProgressFn progress = [&printer](std::string_view what, double fraction) {
    printer(what, fraction);
  };
  const std::string classes_dir = config.resource_dir + "/data/";
  if (arguments.source == "bpe") {
    VV_ASSIGN_OR_RETURN(auto classes, importers::LoadBpeClasses(classes_dir + "bpe_classes.json"));
    return importers::ImportBpe(arguments.files, classes, progress);
  }
  if (arguments.source == "education") {
    VV_ASSIGN_OR_RETURN(auto classes,
                        importers::LoadEducationClasses(classes_dir + "education_classes.json"));
    return importers::ImportEducationAnnuaire(arguments.files, classes, progress);
  }
  if (arguments.source == "altitude") {
    importers::LayerSource source;
    source.publisher = arguments.publisher;
    source.dataset = arguments.dataset;
    source.vintage = arguments.vintage;
    return importers::ImportDem(arguments.files, source, progress);
  }
  if (arguments.source == "dvf")
    return importers::ImportDvf(arguments.files, importers::DvfRules{}, progress);
  if (arguments.source == "insee")
    return importers::ImportInseeComparateur(arguments.files, progress);
  if (arguments.source == "arcep") return importers::ImportArcepFibre(arguments.files, progress);
  if (arguments.source == "osm") {
    if (arguments.covers.empty()) {
      return InvalidArgument(
          "osm: say which départements the extract covers entirely (--covers 46,19 or --covers "
          "france)",
          "covers");
    }
    VV_ASSIGN_OR_RETURN(auto classes, importers::LoadOsmClasses(classes_dir + "osm_classes.json"));
    const std::vector<std::string> covered =
        arguments.covers == "france" ? std::vector<std::string>{} : SplitList(arguments.covers);
    return importers::ImportOsm(arguments.files, classes, covered, progress);
  }
  if (arguments.source == "climate") {
    return importers::ImportClimateNormals(arguments.files, importers::ClimateRules{}, progress);
  }
  return InvalidArgument("unknown source '" + arguments.source +
                             "' (bpe, education, altitude, dvf, insee, arcep, climate, osm)",
                         "source");
}

// Reads the files into the layer and writes it; prints what was read on stdout.
Status ImportLayerFrom(const Config& config, const ImportArguments& arguments,
                       std::vector<std::string>& measured) {
  const auto start = Clock::now();
  std::cerr << "import " << arguments.source << ": reading " << arguments.files.size()
            << " file(s)\n";
  auto layer = ReadSource(config, arguments);
  if (!layer.ok()) {
    std::cerr << "nothing imported; the previous import and grid stay in force\n";
    return layer.status();
  }
  const importers::LayerSource& source = layer->source;
  std::cout << "read " << source.rows_read << " rows in " << std::fixed << std::setprecision(1)
            << SecondsSince(start) << " s: " << source.rows_kept << " kept, " << source.rows_skipped
            << " skipped\n";
  for (const std::string& note : source.notes) std::cout << "  skipped: " << note << "\n";
  for (const auto& [criterion, points] : layer->points)
    std::cout << "  " << criterion << ": " << points.size() << " points\n";
  for (const auto& [criterion, cells] : layer->cells)
    std::cout << "  " << criterion << ": " << cells.size() << " cells of 1 km\n";
  for (const auto& [criterion, figures] : layer->communes)
    std::cout << "  " << criterion << ": " << figures.size() << " communes\n";
  for (const auto& [criterion, stations] : layer->stations)
    std::cout << "  " << criterion << ": " << stations.size() << " stations\n";
  if (!layer->departements.empty()) {
    std::cout << "  covers départements:";
    for (const std::string& code : layer->departements) std::cout << " " << code;
    std::cout << (layer->points.empty()
                      ? " (values only on their tiles)\n"
                      : " (values only where no point outside could be nearer)\n");
  }
  const std::string imports_dir = grid_builder::ImportsDirIn(config.var_dir);
  const std::string layer_path = grid_builder::LayerPath(imports_dir, layer->kind);
  VV_RETURN_IF_ERROR(importers::WriteLayer(*layer, layer_path));
  std::cout << "import layer written to " << layer_path << "\n";
  for (const auto& entry : layer->points) measured.push_back(entry.first);
  for (const auto& entry : layer->cells) measured.push_back(entry.first);
  for (const auto& entry : layer->communes) measured.push_back(entry.first);
  for (const auto& entry : layer->stations) measured.push_back(entry.first);
  return Status::Ok();
}

int RunImport(const Config& config, const ImportArguments& arguments) {
  std::vector<std::string> measured;
  if (Status imported = ImportLayerFrom(config, arguments, measured); !imported.ok())
    return Fail(imported);
  if (arguments.no_build) return 0;
  return RebuildGrid(config, arguments.departements, arguments.threads, measured);
}

}  // namespace

Status ImportFiles(const Config& config, const std::string& source,
                   const std::vector<std::string>& files, const std::string& covers,
                   std::vector<std::string>& measured) {
  ImportArguments arguments;
  arguments.source = source;
  arguments.files = files;
  arguments.covers = covers;
  return ImportLayerFrom(config, arguments, measured);
}

int RebuildGrid(const Config& config, const std::string& departements, int threads,
                const std::vector<std::string>& measured) {
  const std::string imports_dir = grid_builder::ImportsDirIn(config.var_dir);
  grid_builder::GridBuildOptions options;
  options.data_dir = config.data_dir;
  options.catalogue_path = config.CataloguePath();
  options.departements =
      departements.empty() ? CurrentScope(config.grid_file) : SplitList(departements);
  options.threads = threads;
  options.built_at = SystemClock::Instance().NowSeconds();
  options.imports_dir = imports_dir;
  const auto build_start = Clock::now();
  std::string scope = options.departements.empty() ? "metropolitan France" : "départements";
  for (const std::string& code : options.departements) scope += " " + code;
  std::cerr << "rebuilding the grid (" << scope << ")\n";
  auto grid = grid_builder::BuildGrid(options, nullptr);
  if (!grid.ok()) {
    std::cerr << "the previous grid stays in force\n";
    return Fail(grid.status());
  }
  if (Status written = engine::WriteGridFile(*grid, config.grid_file); !written.ok())
    return Fail(written);
  std::cout << "grid written to " << config.grid_file << " (" << grid->scope << ") in "
            << std::fixed << std::setprecision(1) << SecondsSince(build_start) << " s"
            << (measured.empty() ? "\n" : "; coverage at 1 km:\n");
  const auto& fine = grid->levels.front();
  for (const std::string& criterion : measured) {
    const auto index = grid->catalogue.Find(criterion);
    if (!index) continue;
    const uint32_t missing = grid->catalogue.criteria()[*index].MissingCode();
    size_t present = 0;
    for (uint32_t code : fine.codes[*index]) present += code != missing;
    std::cout << "  " << std::left << std::setw(24) << criterion << std::right << std::setw(6)
              << std::setprecision(1)
              << (fine.tiles.empty() ? 0.0
                                     : 100.0 * static_cast<double>(present) / fine.tiles.size())
              << " %\n";
  }
  return 0;
}

void RegisterImportCommand(CLI::App& app, std::vector<Command>& commands) {
  auto arguments = std::make_shared<ImportArguments>();
  arguments->threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  CLI::App* command =
      app.add_subcommand("import",
                         "Import national files (bpe, education, altitude, dvf, insee, arcep, "
                         "climate, osm) into var/imports, then rebuild the grid");
  command
      ->add_option("source", arguments->source,
                   "bpe | education | altitude | dvf | insee | arcep | climate | osm")
      ->required()
      ->check(CLI::IsMember(
          {"bpe", "education", "altitude", "dvf", "insee", "arcep", "climate", "osm"}));
  command
      ->add_option("files", arguments->files,
                   "The files as published (CSV, or DEM rasters for altitude)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_flag("--no-build", arguments->no_build,
                    "Only write the import layer; build the grid later");
  command->add_option("--departements", arguments->departements,
                      "Départements of the rebuilt grid (default: those of the current grid)");
  command->add_option("--publisher", arguments->publisher, "altitude: publisher of the DEM")
      ->default_val("IGN");
  command->add_option("--dataset", arguments->dataset, "altitude: dataset of the DEM")
      ->default_val("RGE ALTI / BD ALTI (modèle numérique de terrain)");
  command->add_option("--vintage", arguments->vintage, "altitude: vintage of the DEM, e.g. 2023");
  command->add_option("--covers", arguments->covers,
                      "osm: départements the extract covers entirely (46,19), or 'france'");
  command->add_option("--threads", arguments->threads, "Worker threads of the rebuild")
      ->check(CLI::Range(1, 64));
  commands.push_back(
      {command, [arguments](const Config& config) { return RunImport(config, *arguments); }});
}

}  // namespace vivrovert::cli
