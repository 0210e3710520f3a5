#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "core/common/env.hpp"
#include "core/common/text.hpp"
#include "data/grid_builder/grid_builder.hpp"
#include "data/grid_builder/imported_sources.hpp"
#include "engine/engine.hpp"

namespace vivrovert::cli {

namespace {

// Shortest text that reads back to the same double; values are multiples of their step.
std::string FormatValue(double value, double step) {
  int decimals = 0;
  for (double scaled = step; decimals < 6 && std::abs(scaled - std::round(scaled)) > 1e-9;
       scaled *= 10)
    ++decimals;
  std::ostringstream out;
  out << std::fixed << std::setprecision(decimals) << value;
  return out.str();
}

int RunBuild(const Config& config, const std::string& departements, const std::string& output,
             int threads) {
  grid_builder::GridBuildOptions options;
  options.data_dir = config.data_dir;
  options.catalogue_path = config.CataloguePath();
  options.departements = SplitList(departements);
  options.threads = threads;
  options.built_at = SystemClock::Instance().NowSeconds();
  options.imports_dir = grid_builder::ImportsDirIn(config.var_dir);
  const auto start = std::chrono::steady_clock::now();
  grid_builder::GridBuildReport report;
  auto grid = grid_builder::BuildGrid(options, &report);
  if (!grid.ok()) return Fail(grid.status());
  const std::string path = output.empty() ? config.grid_file : output;
  Status written = engine::WriteGridFile(*grid, path);
  if (!written.ok()) return Fail(written);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "grid written to " << path << " (" << grid->scope << ", " << report.communes
            << " communes)\n";
  for (const engine::LevelData& level : grid->levels) {
    std::cout << "  " << engine::LevelName(level.level) << ": " << level.tiles.size() << " tiles\n";
  }
  for (const auto& [phase, phase_seconds] : report.phase_seconds) {
    std::cout << "  " << std::left << std::setw(10) << phase << std::fixed << std::setprecision(1)
              << phase_seconds << " s\n";
  }
  std::cout << "built in " << std::fixed << std::setprecision(1) << seconds << " s\n";
  return 0;
}

const char* AggregationName(engine::Aggregation aggregation) {
  switch (aggregation) {
    case engine::Aggregation::kMean:
      return "mean";
    case engine::Aggregation::kDensity:
      return "density";
    case engine::Aggregation::kMajor:
      return "major";
  }
  return "mean";
}

// A share as the documents print it: "100 %" only when every tile has a value, else one
// decimal rounded down (never "100 %" for 99.96 %), "< 0.1 %" for a few tiles.
std::string SharePercent(double share) {
  if (share >= 1.0) return "100 %";
  if (share <= 0.0) return "0 %";
  const double tenths = std::floor(share * 1000.0 + 1e-9) / 10.0;
  if (tenths <= 0.0) return "< 0.1 %";
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << tenths << " %";
  return out.str();
}

std::string WithThousands(uint64_t number) {
  std::string digits = std::to_string(number);
  for (int position = static_cast<int>(digits.size()) - 3; position > 0; position -= 3) {
    digits.insert(static_cast<size_t>(position), ",");
  }
  return digits;
}

// A partial criterion names the départements holding its values when at most this many
// hold kNamedShare of them, with the share of each one's tiles having a value.
constexpr size_t kNamedDepartements = 3;
constexpr double kNamedShare = 0.95;

// A markdown table cell: a '|' would end it.
std::string MarkdownCell(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '|') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

// The catalogue table of docs/CRITERIA.md, from the grid file: what each criterion is and
// its coverage at 1 km. A tile belongs to the département of the commune covering most of it.
void PrintMarkdown(const engine::GridFile& grid) {
  const auto& header = grid.header();
  const auto& criteria = grid.catalogue().criteria();
  const engine::LevelView* view = grid.level(engine::Level::k1km);
  const size_t tile_count = view ? view->tile_count() : 0;
  std::map<std::string, size_t> departement_tiles;
  std::vector<std::map<std::string, size_t>> valued(criteria.size());
  for (size_t tile_idx = 0; tile_idx < tile_count; ++tile_idx) {
    auto [first, last] = view->communes(tile_idx);
    const engine::CommuneShare* largest = first;
    for (auto share = first; share != last; ++share) {
      if (share->share > largest->share) largest = share;
    }
    const std::string departement =
        first == last ? std::string() : grid.communes()[largest->commune].departement;
    ++departement_tiles[departement];
    for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
      if (view->Code(criterion_idx, tile_idx) != criteria[criterion_idx].MissingCode()) {
        ++valued[criterion_idx][departement];
      }
    }
  }
  std::cout << "Coverage: share of the " << WithThousands(tile_count) << " 1 km tiles ("
            << header["scope"].get<std::string>() << ") with a value; where at most "
            << kNamedDepartements << " départements hold " << static_cast<int>(kNamedShare * 100)
            << " % of a criterion's values, the share of their tiles with a value follows (a "
               "tile counts in the département of the commune covering most of it).\n\n"
            << "| id | label | unit | group | source (vintage) | 5 km | coverage |\n"
            << "|---|---|---|---|---|---|---|\n";
  for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
    const engine::CriterionSpec& spec = criteria[criterion_idx];
    std::string source = spec.source.publisher + ", " + spec.source.dataset;
    if (!spec.source.vintage.empty()) source += " (" + spec.source.vintage + ")";
    size_t present = 0;
    for (const auto& [departement, count] : valued[criterion_idx]) present += count;
    std::string coverage = "not available";
    if (!header["unavailable_reasons"].contains(spec.id) || present > 0) {
      coverage = SharePercent(tile_count ? static_cast<double>(present) / tile_count : 0.0);
      // The départements holding most values, most first (then by code).
      std::vector<std::pair<std::string, size_t>> where(valued[criterion_idx].begin(),
                                                        valued[criterion_idx].end());
      std::stable_sort(where.begin(), where.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      size_t named = 0, held = 0;
      while (named < where.size() && static_cast<double>(held) < kNamedShare * present) {
        held += where[named++].second;
      }
      if (present > 0 && present < tile_count && named <= kNamedDepartements) {
        coverage += " (";
        for (size_t where_idx = 0; where_idx < named; ++where_idx) {
          const auto& [departement, count] = where[where_idx];
          coverage += (where_idx ? ", " : "") + grid.DepartementName(departement) + " " +
                      SharePercent(static_cast<double>(count) / departement_tiles[departement]);
        }
        coverage += named < where.size() ? ", …)" : ")";
      }
    }
    std::cout << "| `" << spec.id << "` | " << MarkdownCell(spec.label) << " | "
              << MarkdownCell(spec.unit) << " | " << MarkdownCell(spec.group) << " | "
              << MarkdownCell(source) << " | " << AggregationName(spec.aggregation) << " | "
              << coverage << " |\n";
  }
}

int RunInfo(const std::string& path, bool markdown) {
  auto grid = engine::GridFile::Open(path);
  if (!grid.ok()) return Fail(grid.status());
  if (markdown) {
    PrintMarkdown(**grid);
    return std::cout ? 0 : 1;
  }
  const auto& header = (*grid)->header();
  std::cout << "file:           " << path << "\n"
            << "format version: " << header["format_version"] << "\n"
            << "built:          "
            << FormatUtc(header["built_at"].get<int64_t>(), "%Y-%m-%d %H:%M:%S UTC") << "\n"
            << "scope:          " << header["scope"].get<std::string>() << "\n"
            << "crs:            " << header["crs"].get<std::string>() << "\n"
            << "communes:       " << (*grid)->communes().size() << "\n";
  for (const auto& level : header["levels"]) {
    std::cout << "level " << level["level"].get<std::string>() << ": " << level["tile_count"]
              << " tiles\n";
  }
  std::cout << "sources:\n";
  for (const auto& source : header["sources"]) {
    std::cout << "  " << source["publisher"].get<std::string>() << ", "
              << source["dataset"].get<std::string>() << " ("
              << source["vintage"].get<std::string>() << ")\n";
  }
  std::cout << "criteria (coverage at 1km / 5km):\n";
  const auto& levels = header["levels"];
  for (const auto& spec : (*grid)->catalogue().criteria()) {
    std::cout << "  " << std::left << std::setw(26) << spec.id;
    for (const auto& level : levels) {
      std::cout << std::right << std::setw(7) << std::fixed << std::setprecision(1)
                << 100.0 * level["coverage"][spec.id].get<double>() << " %";
    }
    if (header["unavailable_reasons"].contains(spec.id)) {
      std::cout << "  not available: " << header["unavailable_reasons"][spec.id].get<std::string>();
    }
    std::cout << "\n";
  }
  return 0;
}

// A CSV cell: quoted when it holds the separator, a quote or a line break.
std::string CsvCell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// The commune table of the grid file: every commune some tile overlaps, with its legal
// population, its centre (empty when the statistics lack it) and its postcodes.
int ExportCommunes(const engine::GridFile& grid) {
  std::ostream& out = std::cout;
  out << "code,name,departement,epci,population,longitude,latitude,postcodes\n";
  for (const engine::CommuneRef& commune : grid.communes()) {
    out << commune.code << ',' << CsvCell(commune.name) << ',' << commune.departement << ','
        << commune.epci << ',' << commune.population << ',';
    if (commune.has_centre()) out << FormatValue(commune.longitude, 1e-5);
    out << ',';
    if (commune.has_centre()) out << FormatValue(commune.latitude, 1e-5);
    out << ',';
    for (size_t postcode_idx = 0; postcode_idx < commune.postcodes.size(); ++postcode_idx) {
      out << (postcode_idx ? "|" : "") << commune.postcodes[postcode_idx];
    }
    out << '\n';
  }
  return out ? 0 : 1;
}

int RunExport(const std::string& path, const std::string& format, const std::string& level_name,
              const std::string& table) {
  if (format != "csv")
    return Fail(InvalidArgument("unknown export format '" + format + "' (csv)", "format"));
  if (table != "tiles" && table != "communes")
    return Fail(InvalidArgument("unknown table '" + table + "' (tiles, communes)", "table"));
  if (table == "communes") {
    auto grid = engine::GridFile::Open(path);
    if (!grid.ok()) return Fail(grid.status());
    return ExportCommunes(**grid);
  }
  std::optional<engine::Level> level = engine::ParseLevel(level_name);
  if (!level) return Fail(InvalidArgument("level must be 1km or 5km", "level"));
  auto grid = engine::GridFile::Open(path);
  if (!grid.ok()) return Fail(grid.status());
  const engine::LevelView* view = (*grid)->level(*level);
  if (view == nullptr) return Fail(NotFound("the grid has no " + level_name + " level", "level"));
  const auto& criteria = (*grid)->catalogue().criteria();
  std::ostream& out = std::cout;
  out << "tile_id,level,commune_codes";
  for (const auto& spec : criteria) out << ',' << spec.id;
  out << '\n';
  for (size_t tile_idx = 0; tile_idx < view->tile_count(); ++tile_idx) {
    out << view->tile(tile_idx).ToString() << ',' << level_name << ',';
    auto [first, last] = view->communes(tile_idx);
    for (auto share = first; share != last; ++share) {
      if (share != first) out << '|';
      out << (*grid)->communes()[share->commune].code;
    }
    for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
      out << ',';
      if (auto value = view->Value(criterion_idx, tile_idx))
        out << FormatValue(*value, criteria[criterion_idx].step);
    }
    out << '\n';
  }
  return out ? 0 : 1;
}

}  // namespace

void RegisterGridCommand(CLI::App& app, std::vector<Command>& commands) {
  CLI::App* grid = app.add_subcommand("grid", "Build and inspect the grid of tiles");
  grid->require_subcommand(1);

  CLI::App* build = grid->add_subcommand("build", "Build the grid file from the open data");
  auto departements = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto threads =
      std::make_shared<int>(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  build->add_option("--departements", *departements,
                    "Only these départements, e.g. 46,19 (default: all of metropolitan France)");
  build->add_option("-o,--output", *output,
                    "Grid file to write (default: the configured paths.grid_file)");
  build->add_option("--threads", *threads, "Worker threads")->check(CLI::Range(1, 64));
  commands.push_back({build, [=](const Config& config) {
                        return RunBuild(config, *departements, *output, *threads);
                      }});

  auto info_path = std::make_shared<std::string>();
  CLI::App* info = grid->add_subcommand(
      "info", "Print the grid file's header: build, sources, criteria coverage");
  auto markdown = std::make_shared<bool>(false);
  info->add_option("--grid", *info_path, "Grid file (default: the configured paths.grid_file)");
  info->add_flag("--markdown", *markdown,
                 "Print the catalogue table of docs/CRITERIA.md with this grid's coverage");
  commands.push_back({info, [=](const Config& config) {
                        return RunInfo(info_path->empty() ? config.grid_file : *info_path,
                                       *markdown);
                      }});

  auto export_path = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("csv");
  auto level = std::make_shared<std::string>("1km");
  auto table = std::make_shared<std::string>("tiles");
  CLI::App* exporter = grid->add_subcommand(
      "export", "Write every tile with its communes and values (or the commune table) to stdout");
  exporter->add_option("--grid", *export_path,
                       "Grid file (default: the configured paths.grid_file)");
  exporter->add_option("--format", *format, "Output format: csv");
  exporter->add_option("--level", *level, "1km or 5km");
  exporter->add_option("--table", *table,
                       "tiles (default) or communes: code, name, département, EPCI, population, "
                       "centre and postcodes of every commune of the grid");
  commands.push_back({exporter, [=](const Config& config) {
                        return RunExport(export_path->empty() ? config.grid_file : *export_path,
                                         *format, *level, *table);
                      }});
}

}  // namespace vivrovert::cli
