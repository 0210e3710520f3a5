#include "data/importers/dvf.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "core/common/text.hpp"
#include "data/csv/csv_reader.hpp"
#include "data/importers/import_helpers.hpp"

namespace vivrovert::importers {

namespace {

namespace fs = std::filesystem;

enum class Dwelling : uint8_t { kHouse = 0, kFlat = 1 };
constexpr const char* kPriceCriteria[] = {"price_m2_house", "price_m2_flat"};
constexpr const char* kSalesCriteria[] = {"price_m2_house_sales", "price_m2_flat_sales"};
constexpr int32_t kCell = 1000;

// A kept sale, small: national files give a few million.
struct Sale {
  int32_t day = 0;  // days since 1970-01-01
  Dwelling kind = Dwelling::kHouse;
  float east = 0, north = 0;  // EPSG:3035 (float: half a metre at most at these values)
  float price_m2 = 0;
};

// "YYYY-MM-DD" → days since the epoch; nullopt when it is not a valid date.
std::optional<int32_t> ParseDay(std::string_view text) {
  std::optional<int64_t> seconds = ParseUtcDate(text);
  if (!seconds) return std::nullopt;
  return static_cast<int32_t>(*seconds / 86400);
}

std::string FormatDay(int32_t day) {
  const std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(day))};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

// The same date `years` earlier (29 February → 28 February).
int32_t YearsBefore(int32_t day, int years) {
  std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(day))};
  std::chrono::year_month_day earlier = date - std::chrono::years(years);
  if (!earlier.ok()) earlier = earlier.year() / earlier.month() / std::chrono::last;
  return static_cast<int32_t>(std::chrono::sys_days(earlier).time_since_epoch().count());
}

// The rows of one mutation, as read.
struct Mutation {
  std::string id;
  std::string file;
  bool is_sale = false;
  std::optional<double> value;
  int32_t day = 0;
  // Distinct dwellings: (parcel, kind, surface) → location of their first row.
  std::map<std::tuple<std::string, int, double>, std::optional<geo::Point>> dwellings;
  bool has_business = false;
};

struct Counts {
  int64_t not_sale = 0, no_value = 0, several = 0, business = 0, small = 0, unlocated = 0,
          outside = 0, overseas = 0;
};

// The median of `prices` (reordered): the middle value, or the mean of the two middle ones.
double Median(std::vector<float>& prices) {
  const size_t middle = prices.size() / 2;
  std::nth_element(prices.begin(), prices.begin() + static_cast<std::ptrdiff_t>(middle),
                   prices.end());
  double median = prices[middle];
  if (prices.size() % 2 == 0) {
    const float lower =
        *std::max_element(prices.begin(), prices.begin() + static_cast<std::ptrdiff_t>(middle));
    median = (median + lower) / 2.0;
  }
  return median;
}

// Sales of one kind bucketed by 1 km cell over their bounding box (CSR), with a 2-D prefix
// sum of the counts, so that a square of cells is counted in O(1).
class SaleGrid {
 public:
  explicit SaleGrid(const std::vector<const Sale*>& sales) {
    if (sales.empty()) return;
    min_col_ = max_col_ = Col(*sales.front());
    min_row_ = max_row_ = Row(*sales.front());
    for (const Sale* sale : sales) {
      min_col_ = std::min(min_col_, Col(*sale));
      max_col_ = std::max(max_col_, Col(*sale));
      min_row_ = std::min(min_row_, Row(*sale));
      max_row_ = std::max(max_row_, Row(*sale));
    }
    width_ = max_col_ - min_col_ + 1;
    height_ = max_row_ - min_row_ + 1;
    offsets_.assign(static_cast<size_t>(width_) * height_ + 1, 0);
    for (const Sale* sale : sales) ++offsets_[Index(Col(*sale), Row(*sale)) + 1];
    prefix_.assign(static_cast<size_t>(width_ + 1) * (height_ + 1), 0);
    for (int32_t row = 0; row < height_; ++row) {
      for (int32_t col = 0; col < width_; ++col) {
        const uint32_t here = offsets_[static_cast<size_t>(row) * width_ + col + 1];
        prefix_[Prefix(col + 1, row + 1)] = here + prefix_[Prefix(col, row + 1)] +
                                            prefix_[Prefix(col + 1, row)] -
                                            prefix_[Prefix(col, row)];
      }
    }
    for (size_t index = 1; index < offsets_.size(); ++index) offsets_[index] += offsets_[index - 1];
    sales_.resize(sales.size());
    std::vector<uint32_t> next(offsets_.begin(), offsets_.end() - 1);
    for (const Sale* sale : sales) sales_[next[Index(Col(*sale), Row(*sale))]++] = sale;
  }

  bool empty() const { return sales_.empty(); }
  int32_t min_col() const { return min_col_; }
  int32_t max_col() const { return max_col_; }
  int32_t min_row() const { return min_row_; }
  int32_t max_row() const { return max_row_; }

  // Sales in the square of cells [col0, col1] × [row0, row1] (clipped).
  uint32_t CountSquare(int32_t col0, int32_t row0, int32_t col1, int32_t row1) const {
    col0 = std::max(col0, min_col_) - min_col_;
    row0 = std::max(row0, min_row_) - min_row_;
    col1 = std::min(col1, max_col_) - min_col_;
    row1 = std::min(row1, max_row_) - min_row_;
    if (col0 > col1 || row0 > row1) return 0;
    return prefix_[Prefix(col1 + 1, row1 + 1)] - prefix_[Prefix(col0, row1 + 1)] -
           prefix_[Prefix(col1 + 1, row0)] + prefix_[Prefix(col0, row0)];
  }

  // Prices of the sales within `radius` of (east, north), searched in the cells around;
  // radius 0: the sales of cell (col, row).
  void Collect(int32_t col, int32_t row, double radius, std::vector<float>& prices) const {
    prices.clear();
    const int32_t reach = static_cast<int32_t>(std::ceil(radius / kCell));
    const double centre_east = (static_cast<double>(col) + 0.5) * kCell;
    const double centre_north = (static_cast<double>(row) + 0.5) * kCell;
    for (int32_t at_row = std::max(row - reach, min_row_);
         at_row <= std::min(row + reach, max_row_); ++at_row) {
      for (int32_t at_col = std::max(col - reach, min_col_);
           at_col <= std::min(col + reach, max_col_); ++at_col) {
        const size_t index = Index(at_col, at_row);
        for (uint32_t sale_idx = offsets_[index]; sale_idx < offsets_[index + 1]; ++sale_idx) {
          const Sale& sale = *sales_[sale_idx];
          if (radius > 0) {
            const double east = sale.east - centre_east, north = sale.north - centre_north;
            if (east * east + north * north > radius * radius) continue;
          }
          prices.push_back(sale.price_m2);
        }
      }
    }
  }

  static int32_t Col(const Sale& sale) {
    return static_cast<int32_t>(std::floor(sale.east / kCell));
  }
  static int32_t Row(const Sale& sale) {
    return static_cast<int32_t>(std::floor(sale.north / kCell));
  }

 private:
  size_t Index(int32_t col, int32_t row) const {
    return static_cast<size_t>(row - min_row_) * width_ + (col - min_col_);
  }
  size_t Prefix(int32_t col, int32_t row) const {
    return static_cast<size_t>(row) * (width_ + 1) + col;
  }

  int32_t min_col_ = 0, max_col_ = -1, min_row_ = 0, max_row_ = -1, width_ = 0, height_ = 0;
  std::vector<uint32_t> offsets_;
  std::vector<uint32_t> prefix_;
  std::vector<const Sale*> sales_;
};

// The cells of one kind: price and number of sales, by the rule of dvf.hpp.
void MeasureCells(const std::vector<const Sale*>& sales, const DvfRules& rules,
                  std::vector<CellValue>& prices, std::vector<CellValue>& counts) {
  const SaleGrid grid(sales);
  if (grid.empty()) return;
  const double widest = rules.radii_m.empty() ? 0 : rules.radii_m.back();
  const int32_t margin = static_cast<int32_t>(std::ceil(widest / kCell));
  const uint32_t min_sales = static_cast<uint32_t>(std::max(1, rules.min_sales));
  std::vector<float> found;
  for (int32_t row = grid.min_row() - margin; row <= grid.max_row() + margin; ++row) {
    for (int32_t col = grid.min_col() - margin; col <= grid.max_col() + margin; ++col) {
      // The square around the widest circle holds at least its sales: most empty
      // countryside is skipped here.
      if (grid.CountSquare(col - margin, row - margin, col + margin, row + margin) < min_sales)
        continue;
      bool done = false;
      if (grid.CountSquare(col, row, col, row) >= min_sales) {
        grid.Collect(col, row, 0, found);
        done = true;
      }
      for (size_t radius_idx = 0; !done && radius_idx < rules.radii_m.size(); ++radius_idx) {
        const double radius = rules.radii_m[radius_idx];
        const int32_t reach = static_cast<int32_t>(std::ceil(radius / kCell));
        if (grid.CountSquare(col - reach, row - reach, col + reach, row + reach) < min_sales)
          continue;
        grid.Collect(col, row, radius, found);
        done = found.size() >= min_sales;
      }
      if (!done) continue;
      const int32_t east = col * kCell, north = row * kCell;
      const size_t used = found.size();
      prices.push_back({east, north, std::round(Median(found))});
      counts.push_back({east, north, static_cast<double>(used)});
    }
  }
}

}  // namespace

Result<ImportLayer> ImportDvf(const std::vector<std::string>& files, const DvfRules& rules,
                              const ProgressFn& progress) {
  ImportLayer layer;
  layer.kind = "dvf";
  layer.source.publisher = "DGFiP / Etalab";
  layer.source.dataset = "Demandes de valeurs foncières géolocalisées (geo-DVF)";
  layer.source.files = FileNames(files);
  VV_ASSIGN_OR_RETURN(geo::Projector projector, geo::Projector::Create(geo::kWgs84, geo::kLaea));
  FileProgress file_progress(files, progress);
  std::set<std::string> departements;
  std::vector<Sale> sales;
  Counts counts;
  Mutation mutation;
  int32_t latest = std::numeric_limits<int32_t>::min();

  // Keeps the mutation just finished when it is the sale of one dwelling.
  auto finish = [&]() {
    if (mutation.id.empty()) return;
    int dwellings_found = static_cast<int>(mutation.dwellings.size());
    if (dwellings_found == 0) return;  // land, outbuildings, business premises: not a dwelling sale
    if (!mutation.is_sale) {
      ++counts.not_sale;
      return;
    }
    if (!mutation.value || *mutation.value <= 0) {
      ++counts.no_value;
      return;
    }
    if (dwellings_found > 1) {
      ++counts.several;
      return;
    }
    if (mutation.has_business) {
      ++counts.business;
      return;
    }
    const auto& [key, location] = *mutation.dwellings.begin();
    const double surface = std::get<2>(key);
    if (surface < rules.min_surface_m2) {
      ++counts.small;
      return;
    }
    if (!location) {
      ++counts.unlocated;
      return;
    }
    geo::Point point = *location;
    if (!projector.Transform(point) || !InMetropolitanFrance(point)) {
      ++counts.outside;
      return;
    }
    Sale sale;
    sale.day = mutation.day;
    sale.kind = std::get<1>(key) == 1 ? Dwelling::kHouse : Dwelling::kFlat;
    sale.east = static_cast<float>(point.x);
    sale.north = static_cast<float>(point.y);
    sale.price_m2 = static_cast<float>(*mutation.value / surface);
    sales.push_back(sale);
  };

  for (const std::string& file : files) {
    CsvOptions options;
    options.delimiter = ',';
    options.required_columns = {"id_mutation",     "date_mutation",       "nature_mutation",
                                "valeur_fonciere", "code_departement",    "id_parcelle",
                                "code_type_local", "surface_reelle_bati", "longitude",
                                "latitude"};
    options.on_block = file_progress.ForFile("DVF " + fs::path(file).filename().string());
    VV_RETURN_IF_ERROR(ReadCsv(file, options, [&](const CsvRow& row) -> Status {
      ++layer.source.rows_read;
      VV_ASSIGN_OR_RETURN(std::string_view id, row.Get("id_mutation"));
      if (id.empty()) return row.Error("id_mutation", "empty mutation id");
      if (id != mutation.id || file != mutation.file) {
        finish();
        mutation = Mutation{};
        mutation.id = std::string(id);
        mutation.file = file;
        VV_ASSIGN_OR_RETURN(std::string_view date, row.Get("date_mutation"));
        std::optional<int32_t> day = ParseDay(date);
        if (!day)
          return row.Error("date_mutation", "not a date YYYY-MM-DD ('" + std::string(date) + "')");
        mutation.day = *day;
        latest = std::max(latest, *day);
        VV_ASSIGN_OR_RETURN(std::string_view nature, row.Get("nature_mutation"));
        mutation.is_sale = nature == "Vente";
        VV_ASSIGN_OR_RETURN(mutation.value, row.GetNumber("valeur_fonciere"));
      }
      VV_ASSIGN_OR_RETURN(std::string_view departement, row.Get("code_departement"));
      if (departement.size() == 3) {
        ++counts.overseas;
        return Status::Ok();
      }
      if (departement.size() != 2) {
        return row.Error("code_departement",
                         "not a département code ('" + std::string(departement) + "')");
      }
      departements.emplace(departement);
      VV_ASSIGN_OR_RETURN(std::string_view type, row.Get("code_type_local"));
      if (type.empty() || type == "3") return Status::Ok();  // land, outbuilding
      if (type == "4") {
        mutation.has_business = true;
        return Status::Ok();
      }
      if (type != "1" && type != "2") {
        return row.Error("code_type_local", "not a local type 1-4 ('" + std::string(type) + "')");
      }
      VV_ASSIGN_OR_RETURN(std::optional<double> surface, row.GetNumber("surface_reelle_bati"));
      VV_ASSIGN_OR_RETURN(std::string_view parcel, row.Get("id_parcelle"));
      VV_ASSIGN_OR_RETURN(std::optional<double> longitude, row.GetNumber("longitude"));
      VV_ASSIGN_OR_RETURN(std::optional<double> latitude, row.GetNumber("latitude"));
      if (longitude.has_value() != latitude.has_value()) {
        return row.Error(longitude ? "latitude" : "longitude",
                         "coordinate missing while the other is present");
      }
      std::optional<geo::Point> location;
      if (longitude) {
        if (*longitude < -180 || *longitude > 180) return row.Error("longitude", "not a longitude");
        if (*latitude < -90 || *latitude > 90) return row.Error("latitude", "not a latitude");
        location = geo::Point{*longitude, *latitude};
      }
      mutation.dwellings.emplace(
          std::make_tuple(std::string(parcel), type == "1" ? 1 : 2, surface.value_or(0)), location);
      return Status::Ok();
    }));
    finish();
    mutation = Mutation{};
  }

  const int32_t since =
      latest == std::numeric_limits<int32_t>::min() ? 0 : YearsBefore(latest, rules.years);
  std::vector<const Sale*> by_kind[2];
  int64_t older = 0;
  for (const Sale& sale : sales) {
    if (sale.day <= since) {
      ++older;
      continue;
    }
    by_kind[static_cast<int>(sale.kind)].push_back(&sale);
  }
  for (int kind = 0; kind < 2; ++kind) {
    std::vector<CellValue>& price_cells = layer.cells[kPriceCriteria[kind]];
    std::vector<CellValue>& count_cells = layer.cells[kSalesCriteria[kind]];
    MeasureCells(by_kind[kind], rules, price_cells, count_cells);
  }
  layer.source.rows_kept = static_cast<int64_t>(by_kind[0].size() + by_kind[1].size());
  if (latest != std::numeric_limits<int32_t>::min()) {
    layer.source.vintage = "ventes du " + FormatDay(since + 1) + " au " + FormatDay(latest);
  }
  layer.departements = CoveredDepartements(departements);
  layer.source.rows_skipped = counts.overseas + counts.not_sale + counts.no_value + counts.several +
                              counts.business + counts.small + counts.unlocated + counts.outside +
                              older;
  auto note = [&layer](int64_t count, const std::string& what) {
    if (count > 0) layer.source.notes.push_back(std::to_string(count) + " " + what);
  };
  note(counts.overseas, "rows overseas (the grid covers metropolitan France)");
  note(counts.not_sale, "dwelling mutations other than 'Vente' (VEFA, auction, exchange…)");
  note(counts.no_value, "dwelling sales without valeur_fonciere");
  note(counts.several, "sales of several dwellings at one price");
  note(counts.business, "sales of a dwelling with business premises");
  note(counts.small, "sales of a dwelling under " +
                         std::to_string(static_cast<int>(rules.min_surface_m2)) + " m²");
  note(counts.unlocated, "dwelling sales without coordinates");
  note(counts.outside, "dwelling sales with coordinates outside metropolitan France");
  note(older, "dwelling sales older than " + std::to_string(rules.years) +
                  " years before the latest mutation");
  layer.Normalise();
  return layer;
}

}  // namespace vivrovert::importers
