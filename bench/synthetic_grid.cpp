#include "synthetic_grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <unordered_map>

#include "data/grid_builder/coverage.hpp"
#include "data/grid_builder/nearest.hpp"
#include "deterministic_random.hpp"

namespace vivrovert::bench {

namespace {

using engine::Aggregation;
using engine::CommuneRef;
using engine::CommuneShare;
using engine::CriterionSpec;
using engine::Level;
using engine::LevelData;
using engine::TileId;

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// Outline of metropolitan France in EPSG:3035 kilometres, traced from the 1 km tiles of
// the national grid: per 25 km band of northing, the westmost and eastmost tile. Bands
// span bays between capes, so the outline is shrunk by kOutlineScale about its centre to
// hold about as many tiles as the national grid.
constexpr int32_t kMainlandOutlineKm[][2] = {
    {3659, 2150}, {3659, 2162}, {3640, 2187}, {3548, 2212}, {3454, 2237}, {3424, 2262},
    {3388, 2287}, {3367, 2312}, {3367, 2337}, {3397, 2362}, {3407, 2387}, {3415, 2412},
    {3423, 2437}, {3429, 2462}, {3433, 2487}, {3440, 2512}, {3446, 2537}, {3448, 2562},
    {3445, 2587}, {3440, 2612}, {3432, 2637}, {3417, 2662}, {3378, 2687}, {3377, 2712},
    {3389, 2737}, {3330, 2762}, {3324, 2787}, {3311, 2812}, {3251, 2837}, {3237, 2862},
    {3220, 2887}, {3220, 2912}, {3209, 2937}, {3337, 2962}, {3466, 2987}, {3462, 3012},
    {3463, 3037}, {3719, 3062}, {3724, 3087}, {3726, 3112}, {3741, 3137}, {3741, 3150},
    {3802, 3150}, {3802, 3137}, {3810, 3112}, {3846, 3087}, {3872, 3062}, {3910, 3037},
    {3957, 3012}, {3963, 2987}, {3992, 2962}, {4073, 2937}, {4135, 2912}, {4192, 2887},
    {4192, 2862}, {4172, 2837}, {4159, 2812}, {4150, 2787}, {4144, 2762}, {4140, 2737},
    {4140, 2712}, {4099, 2687}, {4081, 2662}, {4052, 2637}, {4035, 2612}, {4080, 2587},
    {4087, 2562}, {4092, 2537}, {4087, 2512}, {4101, 2487}, {4097, 2462}, {4068, 2437},
    {4089, 2412}, {4081, 2387}, {4090, 2362}, {4138, 2337}, {4134, 2312}, {4121, 2287},
    {4089, 2262}, {4053, 2237}, {4037, 2212}, {3758, 2187}, {3759, 2162}, {3759, 2150},
};
constexpr int32_t kCorsicaOutlineKm[][2] = {
    {4222, 2025}, {4222, 2037}, {4209, 2062}, {4203, 2087}, {4201, 2112},
    {4199, 2137}, {4209, 2162}, {4243, 2187}, {4266, 2212}, {4266, 2225},
    {4278, 2225}, {4278, 2212}, {4280, 2187}, {4284, 2162}, {4285, 2137},
    {4285, 2112}, {4276, 2087}, {4272, 2062}, {4268, 2037}, {4268, 2025},
};
constexpr double kOutlineScale = 0.94;

// Procedural communes: squares of this side (≈ 35,000 communes, as in France).
constexpr int32_t kCommuneSideKm = 4;
constexpr int32_t kEpciSideKm = 20;
constexpr int32_t kDepartementSideKm = 75;

// Settlement model.
constexpr int kTownCount = 1000;
constexpr double kTownMinPopulation = 1e4;
constexpr double kTownMaxPopulation = 2.2e6;
constexpr double kTownParetoAlpha = 1.1;
constexpr double kRuralDensityMedian = 28;  // inhabitants per km²
constexpr int kShopCount = 300000;
constexpr double kShopRadiusMetres = 5000;

// Distance criteria measured to sampled facilities: how many, and how strongly they
// follow population (sampling weight = density^beta).
struct FacilityModel {
  const char* id;
  int count;
  double beta;
};
constexpr FacilityModel kFacilities[] = {
    {"dist_gp_km", 24000, 0.8},          {"dist_pharmacy_km", 20000, 0.8},
    {"dist_emergency_km", 650, 0.6},     {"dist_hospital_km", 1300, 0.7},
    {"dist_nursing_home_km", 7500, 0.5}, {"dist_daycare_km", 12000, 0.9},
    {"dist_school_km", 36000, 0.45},     {"dist_college_km", 5300, 0.6},
    {"dist_lycee_km", 2600, 0.7},        {"dist_supermarket_km", 11000, 0.7},
    {"dist_bakery_km", 33000, 0.6},      {"dist_post_office_km", 16000, 0.5},
    {"dist_bank_km", 18000, 0.8},        {"dist_station_km", 2800, 0.4},
    {"dist_major_station_km", 230, 1.0},
};
// Any other "km" criterion of the catalogue.
constexpr FacilityModel kDefaultFacility = {"", 5000, 0.6};

struct TownThreshold {
  const char* id;
  double min_population;
};
constexpr TownThreshold kTownThresholds[] = {
    {"dist_town_10k_km", 1e4}, {"dist_town_50k_km", 5e4}, {"dist_city_200k_km", 2e5}};

bool IsCommuneFigure(const std::string& id) {
  static const char* const kIds[] = {
      "unemployment_pct", "share_employed_pct",       "price_m2_house",
      "price_m2_flat",    "household_size",           "commune_pop",
      "pop_change_pct",   "natural_balance_per_1000", "share_under15_pct"};
  return std::find(std::begin(kIds), std::end(kIds), id) != std::end(kIds);
}

double Logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double Logit(double p) { return std::log(p / (1.0 - p)); }

uint64_t Key(int32_t east, int32_t north) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(east)) << 32) | static_cast<uint32_t>(north);
}

struct Box {
  double x0, y0, x1, y1;  // km
};

// Gaussian value noise: N(0, 1) on a square lattice, smoothstep-interpolated.
class ValueNoise {
 public:
  ValueNoise(DeterministicRandom rng, const Box& box, double spacing_km)
      : x0_(box.x0 - spacing_km), y0_(box.y0 - spacing_km), spacing_(spacing_km) {
    nx_ = static_cast<size_t>((box.x1 - x0_) / spacing_km) + 3;
    ny_ = static_cast<size_t>((box.y1 - y0_) / spacing_km) + 3;
    nodes_.resize(nx_ * ny_);
    for (double& node : nodes_) node = rng.Normal();
  }
  double At(double x, double y) const {
    const double gx = std::clamp((x - x0_) / spacing_, 0.0, static_cast<double>(nx_ - 2));
    const double gy = std::clamp((y - y0_) / spacing_, 0.0, static_cast<double>(ny_ - 2));
    const size_t ix = std::min(static_cast<size_t>(gx), nx_ - 2);
    const size_t iy = std::min(static_cast<size_t>(gy), ny_ - 2);
    auto smooth = [](double t) { return t * t * (3 - 2 * t); };
    const double tx = smooth(gx - static_cast<double>(ix)),
                 ty = smooth(gy - static_cast<double>(iy));
    const double* row0 = &nodes_[iy * nx_ + ix];
    const double* row1 = row0 + nx_;
    return (row0[0] * (1 - tx) + row0[1] * tx) * (1 - ty) +
           (row1[0] * (1 - tx) + row1[1] * tx) * ty;
  }

 private:
  double x0_, y0_, spacing_;
  size_t nx_ = 0, ny_ = 0;
  std::vector<double> nodes_;
};

// A smooth, spatially correlated field: a few broad Gaussian bumps (40–250 km) plus two
// octaves of value noise (60 km, 15 km), standardised to mean 0, sd 1 over the points it
// is calibrated on.
class SmoothField {
 public:
  SmoothField(DeterministicRandom rng, const Box& box)
      : coarse_(DeterministicRandom(rng.Next()), box, 60),
        fine_(DeterministicRandom(rng.Next()), box, 15) {
    for (int bump_idx = 0; bump_idx < kBumps; ++bump_idx) {
      bumps_.push_back({rng.Uniform(box.x0, box.x1), rng.Uniform(box.y0, box.y1),
                        rng.LogUniform(40, 250), rng.Normal()});
    }
  }
  double Raw(double x, double y) const {
    double total = 0.7 * coarse_.At(x, y) + 0.35 * fine_.At(x, y);
    for (const Bump& bump : bumps_) {
      const double dx = x - bump.x, dy = y - bump.y;
      total += bump.amplitude * std::exp(-(dx * dx + dy * dy) / (2 * bump.sigma * bump.sigma));
    }
    return total;
  }
  // Standardised values at the points; later At() calls use the same mean and sd.
  std::vector<double> Calibrate(const std::vector<double>& xs, const std::vector<double>& ys) {
    std::vector<double> values(xs.size());
    double sum = 0, sum_squares = 0;
    for (size_t point_idx = 0; point_idx < xs.size(); ++point_idx) {
      values[point_idx] = Raw(xs[point_idx], ys[point_idx]);
      sum += values[point_idx];
      sum_squares += values[point_idx] * values[point_idx];
    }
    const double count = std::max<double>(1, static_cast<double>(xs.size()));
    mean_ = sum / count;
    sd_ = std::sqrt(std::max(1e-12, sum_squares / count - mean_ * mean_));
    for (double& value : values) value = (value - mean_) / sd_;
    return values;
  }
  double At(double x, double y) const { return (Raw(x, y) - mean_) / sd_; }

 private:
  static constexpr int kBumps = 12;
  struct Bump {
    double x, y, sigma, amplitude;
  };
  ValueNoise coarse_, fine_;
  std::vector<Bump> bumps_;
  double mean_ = 0, sd_ = 1;
};

// The 1 km tiles and their communes, real or procedural.
struct TileBase {
  std::vector<TileId> tiles;  // Hilbert order
  std::vector<uint32_t> share_offsets;
  std::vector<CommuneShare> shares;
  std::vector<CommuneRef> communes;
  std::string source;  // for the scope
};

TileBase TilesFromGrid(const engine::GridFile& grid, const engine::LevelView& level) {
  TileBase base;
  base.communes = grid.communes();
  base.tiles.reserve(level.tile_count());
  base.share_offsets.reserve(level.tile_count() + 1);
  base.share_offsets.push_back(0);
  for (size_t tile_idx = 0; tile_idx < level.tile_count(); ++tile_idx) {
    base.tiles.push_back(level.tile(tile_idx));
    auto [first, last] = level.communes(tile_idx);
    base.shares.insert(base.shares.end(), first, last);
    base.share_offsets.push_back(static_cast<uint32_t>(base.shares.size()));
  }
  base.source = "tiles and communes of " + grid.header().value("scope", std::string("a grid")) +
                " (" + grid.path() + ")";
  return base;
}

template <size_t N>
bool InsideOutline(double x, double y, const int32_t (&outline)[N][2]) {
  double centre_x = 0, centre_y = 0;
  for (const auto& vertex : outline) {
    centre_x += vertex[0];
    centre_y += vertex[1];
  }
  centre_x /= N;
  centre_y /= N;
  // Test the point against the outline shrunk about its centre: scale the point up.
  x = centre_x + (x - centre_x) / kOutlineScale;
  y = centre_y + (y - centre_y) / kOutlineScale;
  bool inside = false;
  for (size_t vertex_idx = 0, previous = N - 1; vertex_idx < N; previous = vertex_idx++) {
    const double xi = outline[vertex_idx][0], yi = outline[vertex_idx][1];
    const double xj = outline[previous][0], yj = outline[previous][1];
    if ((yi > y) != (yj > y) && x < xi + (y - yi) * (xj - xi) / (yj - yi)) inside = !inside;
  }
  return inside;
}

TileBase ProceduralTiles() {
  TileBase base;
  for (int32_t north_km = 2000; north_km < 3200; ++north_km) {
    for (int32_t east_km = 3150; east_km < 4350; ++east_km) {
      const double x = east_km + 0.5, y = north_km + 0.5;
      if (InsideOutline(x, y, kMainlandOutlineKm) || InsideOutline(x, y, kCorsicaOutlineKm)) {
        base.tiles.push_back({Level::k1km, east_km * 1000, north_km * 1000});
      }
    }
  }
  grid_builder::SortHilbert(base.tiles);
  std::unordered_map<uint64_t, uint32_t> commune_of_square, departement_of_square, epci_of_square;
  auto square_index = [](std::unordered_map<uint64_t, uint32_t>& index, const TileId& tile,
                         int32_t side_km) {
    const uint64_t key = Key(tile.east / (side_km * 1000), tile.north / (side_km * 1000));
    return index.emplace(key, static_cast<uint32_t>(index.size())).first->second;
  };
  base.share_offsets.push_back(0);
  for (const TileId& tile : base.tiles) {
    const uint32_t commune = square_index(commune_of_square, tile, kCommuneSideKm);
    if (commune == base.communes.size()) {
      const uint32_t departement = square_index(departement_of_square, tile, kDepartementSideKm);
      const uint32_t epci = square_index(epci_of_square, tile, kEpciSideKm);
      char code[16];
      std::snprintf(code, sizeof(code), "S%05u", static_cast<unsigned>(commune + 1));
      char departement_code[8];
      std::snprintf(departement_code, sizeof(departement_code), "D%03u",
                    static_cast<unsigned>(departement + 1));
      char epci_code[16];
      std::snprintf(epci_code, sizeof(epci_code), "E%05u", static_cast<unsigned>(epci + 1));
      base.communes.push_back(
          {code, std::string("Commune synthétique ") + code, departement_code, epci_code});
    }
    base.shares.push_back({commune, 1.0f});
    base.share_offsets.push_back(static_cast<uint32_t>(base.shares.size()));
  }
  base.source =
      "procedural France-shaped outline, " + std::to_string(kCommuneSideKm) + " km communes";
  return base;
}

struct Town {
  double x, y;  // km
  double population;
};

// Everything the criteria are derived from, computed once.
class SyntheticModel {
 public:
  SyntheticModel(const TileBase& base, const SyntheticGridOptions& options)
      : base_(base), options_(options) {
    const size_t tile_count = base.tiles.size();
    xs_.resize(tile_count);
    ys_.resize(tile_count);
    box_ = {std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
            std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
    for (size_t tile_idx = 0; tile_idx < tile_count; ++tile_idx) {
      xs_[tile_idx] = base.tiles[tile_idx].CentreEast() / 1000;
      ys_[tile_idx] = base.tiles[tile_idx].CentreNorth() / 1000;
      box_.x0 = std::min(box_.x0, xs_[tile_idx]);
      box_.y0 = std::min(box_.y0, ys_[tile_idx]);
      box_.x1 = std::max(box_.x1, xs_[tile_idx]);
      box_.y1 = std::max(box_.y1, ys_[tile_idx]);
    }
    PlaceTowns();
    ComputeDensity();
    ComputeCommunes();
  }

  // Values of a criterion per 1 km tile (NaN = missing), and for commune figures the
  // value per commune (for the 5 km "major commune" aggregation).
  std::vector<double> TileValues(const CriterionSpec& spec,
                                 std::vector<double>* commune_values) const {
    if (IsCommuneFigure(spec.id)) {
      *commune_values = CommuneValues(spec.id);
      std::vector<double> values(base_.tiles.size(), kMissing);
      for (size_t tile_idx = 0; tile_idx < values.size(); ++tile_idx) {
        if (base_.share_offsets[tile_idx] == base_.share_offsets[tile_idx + 1]) continue;
        values[tile_idx] = (*commune_values)[base_.shares[base_.share_offsets[tile_idx]].commune];
      }
      return values;
    }
    std::vector<double> values = TileFigure(spec);
    ScatterMissing(spec.id, values);
    return values;
  }

  const std::vector<double>& density() const { return density_; }

 private:
  DeterministicRandom Stream(const std::string& name) const {
    return DeterministicRandom::Stream(options_.seed, name);
  }

  void PlaceTowns() {
    DeterministicRandom rng = Stream("towns");
    for (int town_idx = 0; town_idx < kTownCount; ++town_idx) {
      const size_t tile_idx =
          static_cast<size_t>(rng.UniformInt(0, static_cast<int64_t>(xs_.size()) - 1));
      const double x = xs_[tile_idx] + rng.Uniform(-0.5, 0.5);
      const double y = ys_[tile_idx] + rng.Uniform(-0.5, 0.5);
      const double population =
          std::min(kTownMaxPopulation,
                   kTownMinPopulation * std::pow(1.0 - rng.Uniform(), -1.0 / kTownParetoAlpha));
      towns_.push_back({x, y, population});
    }
    std::stable_sort(towns_.begin(), towns_.end(),
                     [](const Town& a, const Town& b) { return a.population > b.population; });
  }

  // Rural background (log-normal, smooth regional variation) + one Gaussian population
  // bump per town, accumulated on a dense 1 km raster over the bounding box.
  void ComputeDensity() {
    const int32_t x0 = static_cast<int32_t>(std::floor(box_.x0)),
                  y0 = static_cast<int32_t>(std::floor(box_.y0));
    const int32_t width = static_cast<int32_t>(std::floor(box_.x1)) - x0 + 1;
    const int32_t height = static_cast<int32_t>(std::floor(box_.y1)) - y0 + 1;
    std::vector<float> urban(static_cast<size_t>(width) * static_cast<size_t>(height), 0.0f);
    for (const Town& town : towns_) {
      const double sigma = 1.2 * std::pow(town.population / 1e4, 0.35);
      const double peak = town.population / (2 * std::numbers::pi * sigma * sigma);
      const int32_t reach = static_cast<int32_t>(std::ceil(4 * sigma));
      const int32_t cx = static_cast<int32_t>(std::floor(town.x)) - x0;
      const int32_t cy = static_cast<int32_t>(std::floor(town.y)) - y0;
      for (int32_t row = std::max(0, cy - reach); row <= std::min(height - 1, cy + reach); ++row) {
        for (int32_t col = std::max(0, cx - reach); col <= std::min(width - 1, cx + reach); ++col) {
          const double dx = x0 + col + 0.5 - town.x, dy = y0 + row + 0.5 - town.y;
          urban[static_cast<size_t>(row) * static_cast<size_t>(width) + static_cast<size_t>(col)] +=
              static_cast<float>(peak * std::exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)));
        }
      }
    }
    SmoothField rural_field(Stream("rural"), box_);
    const std::vector<double> rural = rural_field.Calibrate(xs_, ys_);
    DeterministicRandom noise = Stream("density-noise");
    density_.resize(xs_.size());
    for (size_t tile_idx = 0; tile_idx < xs_.size(); ++tile_idx) {
      const size_t col = static_cast<size_t>(std::floor(xs_[tile_idx]) - x0);
      const size_t row = static_cast<size_t>(std::floor(ys_[tile_idx]) - y0);
      density_[tile_idx] =
          kRuralDensityMedian * std::exp(0.9 * rural[tile_idx] + 0.35 * noise.Normal()) +
          urban[row * static_cast<size_t>(width) + col];
    }
  }

  // Area (sum of shares, km²), population and centroid of each commune; its urban
  // z-score (log density around 40 inhabitants/km²).
  void ComputeCommunes() {
    const size_t commune_count = base_.communes.size();
    std::vector<double> area(commune_count, 0), population(commune_count, 0);
    commune_x_.assign(commune_count, 0);
    commune_y_.assign(commune_count, 0);
    for (size_t tile_idx = 0; tile_idx < base_.tiles.size(); ++tile_idx) {
      for (uint32_t share_idx = base_.share_offsets[tile_idx];
           share_idx < base_.share_offsets[tile_idx + 1]; ++share_idx) {
        const CommuneShare& share = base_.shares[share_idx];
        area[share.commune] += share.share;
        population[share.commune] += share.share * density_[tile_idx];
        commune_x_[share.commune] += share.share * xs_[tile_idx];
        commune_y_[share.commune] += share.share * ys_[tile_idx];
      }
    }
    commune_present_.assign(commune_count, false);
    commune_population_ = population;
    commune_urban_.assign(commune_count, 0);
    for (size_t commune_idx = 0; commune_idx < commune_count; ++commune_idx) {
      if (area[commune_idx] <= 0) continue;
      commune_present_[commune_idx] = true;
      commune_x_[commune_idx] /= area[commune_idx];
      commune_y_[commune_idx] /= area[commune_idx];
      commune_urban_[commune_idx] =
          (std::log(std::max(0.1, population[commune_idx] / area[commune_idx])) - std::log(40.0)) /
          1.3;
      present_x_.push_back(commune_x_[commune_idx]);
      present_y_.push_back(commune_y_[commune_idx]);
    }
  }

  // A smooth field standardised over the communes, at each commune, and one N(0, 1)
  // draw per commune, both specific to `name`.
  std::vector<double> CommuneField(const std::string& name) const {
    SmoothField field(Stream("field:" + name), box_);
    field.Calibrate(present_x_, present_y_);
    std::vector<double> values(base_.communes.size(), 0);
    for (size_t commune_idx = 0; commune_idx < values.size(); ++commune_idx) {
      if (commune_present_[commune_idx])
        values[commune_idx] = field.At(commune_x_[commune_idx], commune_y_[commune_idx]);
    }
    return values;
  }
  std::vector<double> CommuneNoise(const std::string& name) const {
    DeterministicRandom rng = Stream("commune-noise:" + name);
    std::vector<double> values(base_.communes.size());
    for (double& value : values) value = rng.Normal();
    return values;
  }

  std::vector<double> CommuneValues(const std::string& id) const {
    const size_t commune_count = base_.communes.size();
    std::vector<double> values(commune_count, kMissing);
    const std::vector<double> field = CommuneField(id), noise = CommuneNoise(id);
    std::vector<double> unemployment_field, unemployment_noise, house_field, house_noise;
    if (id == "share_employed_pct") {
      unemployment_field = CommuneField("unemployment_pct");
      unemployment_noise = CommuneNoise("unemployment_pct");
    }
    if (id == "price_m2_flat") {
      house_field = CommuneField("price_m2_house");
      house_noise = CommuneNoise("price_m2_house");
    }
    DeterministicRandom missing = Stream("commune-missing:" + id);
    for (size_t commune_idx = 0; commune_idx < commune_count; ++commune_idx) {
      const bool is_missing = missing.Uniform() < options_.missing_share;
      if (!commune_present_[commune_idx] || is_missing) continue;
      const double f = field[commune_idx], e = noise[commune_idx],
                   urban = commune_urban_[commune_idx];
      double value = 0;
      if (id == "unemployment_pct") {
        value = 100 * Logistic(Logit(0.075) + 0.30 * f + 0.25 * e + 0.10 * urban);
      } else if (id == "share_employed_pct") {
        const double unemployment =
            0.30 * unemployment_field[commune_idx] + 0.25 * unemployment_noise[commune_idx];
        value = 100 * Logistic(Logit(0.43) - 0.5 * unemployment + 0.15 * f + 0.10 * e);
      } else if (id == "price_m2_house" || id == "price_m2_flat") {
        const double hf = id == "price_m2_house" ? f : house_field[commune_idx];
        const double he = id == "price_m2_house" ? e : house_noise[commune_idx];
        value = std::exp(std::log(1800.0) + 0.40 * hf + 0.25 * urban + 0.15 * he);
        if (id == "price_m2_flat") value *= std::exp(0.12 + 0.08 * f + 0.10 * e);
      } else if (id == "household_size") {
        value = std::clamp(2.3 + 0.15 * f - 0.08 * urban + 0.08 * e, 1.3, 3.8);
      } else if (id == "commune_pop") {
        value = std::round(commune_population_[commune_idx]);
      } else if (id == "pop_change_pct") {
        value = 0.35 + 0.45 * f + 0.10 * urban + 0.5 * e;
      } else if (id == "natural_balance_per_1000") {
        value = 0.5 + 2.5 * f + 1.0 * urban + 2.0 * e;
      } else if (id == "share_under15_pct") {
        value = std::clamp(17.5 + 2.0 * f + 0.5 * urban + 1.5 * e, 5.0, 35.0);
      }
      values[commune_idx] = value;
    }
    return values;
  }

  // Facilities sampled among the tiles with weight density^beta, jittered in the tile.
  std::vector<geo::Point> SampleFacilities(const std::string& name, int count, double beta) const {
    std::vector<double> cumulative(xs_.size());
    double total = 0;
    for (size_t tile_idx = 0; tile_idx < xs_.size(); ++tile_idx) {
      total += std::pow(density_[tile_idx], beta);
      cumulative[tile_idx] = total;
    }
    DeterministicRandom rng = Stream("facilities:" + name);
    std::vector<geo::Point> points;
    points.reserve(static_cast<size_t>(count));
    for (int point_idx = 0; point_idx < count; ++point_idx) {
      const double target = rng.Uniform() * total;
      const size_t tile_idx = std::min(
          xs_.size() - 1,
          static_cast<size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), target) -
                              cumulative.begin()));
      points.push_back({(xs_[tile_idx] + rng.Uniform(-0.5, 0.5)) * 1000,
                        (ys_[tile_idx] + rng.Uniform(-0.5, 0.5)) * 1000});
    }
    return points;
  }

  std::vector<double> DistancesTo(std::vector<geo::Point> points) const {
    std::vector<double> values(xs_.size(), kMissing);
    if (points.empty()) return values;
    grid_builder::NearestPoints nearest(std::move(points));
    for (size_t tile_idx = 0; tile_idx < xs_.size(); ++tile_idx) {
      values[tile_idx] =
          nearest.NearestDistance({xs_[tile_idx] * 1000, ys_[tile_idx] * 1000}) / 1000;
    }
    return values;
  }

  std::vector<double> TileFigure(const CriterionSpec& spec) const {
    const std::string& id = spec.id;
    for (const FacilityModel& facility : kFacilities) {
      if (id == facility.id)
        return DistancesTo(SampleFacilities(id, facility.count, facility.beta));
    }
    for (const TownThreshold& threshold : kTownThresholds) {
      if (id != threshold.id) continue;
      std::vector<geo::Point> points;
      for (const Town& town : towns_) {
        if (town.population >= threshold.min_population)
          points.push_back({town.x * 1000, town.y * 1000});
      }
      return DistancesTo(std::move(points));
    }
    if (id == "dist_prefecture_km") {
      // The largest town of each 75 km square (towns are sorted by population).
      std::map<uint64_t, geo::Point> prefectures;
      for (const Town& town : towns_) {
        const uint64_t square =
            Key(static_cast<int32_t>(std::floor((town.x - box_.x0) / kDepartementSideKm)),
                static_cast<int32_t>(std::floor((town.y - box_.y0) / kDepartementSideKm)));
        prefectures.emplace(square, geo::Point{town.x * 1000, town.y * 1000});
      }
      std::vector<geo::Point> points;
      for (const auto& [square, point] : prefectures) points.push_back(point);
      return DistancesTo(std::move(points));
    }
    if (id == "density") return density_;
    if (id == "shops_5km_count") {
      grid_builder::NearestPoints shops(SampleFacilities(id, kShopCount, 1.15));
      std::vector<double> values(xs_.size());
      for (size_t tile_idx = 0; tile_idx < xs_.size(); ++tile_idx) {
        values[tile_idx] = static_cast<double>(
            shops.CountWithin({xs_[tile_idx] * 1000, ys_[tile_idx] * 1000}, kShopRadiusMetres));
      }
      return values;
    }
    if (spec.unit == "km")
      return DistancesTo(SampleFacilities(id, kDefaultFacility.count, kDefaultFacility.beta));
    // Anything else: log-normal around 2,000 storage steps, following a smooth field.
    SmoothField field(Stream("field:" + id), box_);
    std::vector<double> values = field.Calibrate(xs_, ys_);
    DeterministicRandom noise = Stream("tile-noise:" + id);
    for (double& value : values) {
      value =
          spec.offset + spec.step * std::exp(std::log(2000.0) + 0.8 * value + 0.3 * noise.Normal());
    }
    return values;
  }

  // Half the missing share on scattered tiles, half on the hottest spots of a 12 km
  // value-noise field (missing data comes in patches too).
  void ScatterMissing(const std::string& id, std::vector<double>& values) const {
    const double half = options_.missing_share / 2;
    ValueNoise clusters(Stream("missing-cluster:" + id), box_, 12);
    std::vector<double> heat(values.size());
    for (size_t tile_idx = 0; tile_idx < values.size(); ++tile_idx)
      heat[tile_idx] = clusters.At(xs_[tile_idx], ys_[tile_idx]);
    std::vector<double> sorted = heat;
    const size_t cut = std::min(
        sorted.size() - 1, static_cast<size_t>((1.0 - half) * static_cast<double>(sorted.size())));
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(cut),
                     sorted.end());
    const double threshold = sorted[cut];
    DeterministicRandom scatter = Stream("missing:" + id);
    for (size_t tile_idx = 0; tile_idx < values.size(); ++tile_idx) {
      const bool scattered = scatter.Uniform() < half;
      if (scattered || heat[tile_idx] > threshold) values[tile_idx] = kMissing;
    }
  }

  const TileBase& base_;
  const SyntheticGridOptions& options_;
  Box box_{};
  std::vector<double> xs_, ys_;  // tile centres, km
  std::vector<Town> towns_;      // largest first
  std::vector<double> density_;
  std::vector<bool> commune_present_;
  std::vector<double> commune_x_, commune_y_, commune_population_, commune_urban_;
  std::vector<double> present_x_, present_y_;  // centroids of the communes that have tiles
};

uint32_t EncodeOrMissing(const CriterionSpec& spec, double value) {
  return std::isnan(value) ? spec.MissingCode() : spec.Encode(value);
}

// The 5 km level from the 1 km one: parents of the tiles, shares summed (area / 25 km²),
// values aggregated as the grid builder does.
LevelData Aggregate5km(const TileBase& base, const engine::CriteriaCatalogue& catalogue,
                       const std::vector<std::vector<double>>& fine_values,
                       const std::vector<std::vector<double>>& commune_values) {
  LevelData level;
  level.level = Level::k5km;
  std::unordered_map<uint64_t, uint32_t> index;
  for (const TileId& tile : base.tiles) {
    const TileId parent = tile.Parent();
    if (index.emplace(Key(parent.east, parent.north), 0).second) level.tiles.push_back(parent);
  }
  grid_builder::SortHilbert(level.tiles);
  for (uint32_t tile_idx = 0; tile_idx < level.tiles.size(); ++tile_idx) {
    index[Key(level.tiles[tile_idx].east, level.tiles[tile_idx].north)] = tile_idx;
  }
  const size_t coarse_count = level.tiles.size();
  std::vector<uint32_t> parent(base.tiles.size());
  std::vector<uint32_t> children(coarse_count, 0);
  std::vector<std::vector<CommuneShare>> shares(coarse_count);
  for (size_t tile_idx = 0; tile_idx < base.tiles.size(); ++tile_idx) {
    const TileId up = base.tiles[tile_idx].Parent();
    parent[tile_idx] = index.at(Key(up.east, up.north));
    children[parent[tile_idx]]++;
    auto& target = shares[parent[tile_idx]];
    for (uint32_t share_idx = base.share_offsets[tile_idx];
         share_idx < base.share_offsets[tile_idx + 1]; ++share_idx) {
      const CommuneShare& share = base.shares[share_idx];
      auto found = std::find_if(target.begin(), target.end(), [&](const CommuneShare& entry) {
        return entry.commune == share.commune;
      });
      if (found == target.end()) {
        target.push_back({share.commune, share.share / 25.0f});
      } else {
        found->share += share.share / 25.0f;
      }
    }
  }
  level.share_offsets.push_back(0);
  for (auto& tile_shares : shares) {
    std::sort(tile_shares.begin(), tile_shares.end(),
              [](const CommuneShare& a, const CommuneShare& b) {
                return a.share != b.share ? a.share > b.share : a.commune < b.commune;
              });
    level.shares.insert(level.shares.end(), tile_shares.begin(), tile_shares.end());
    level.share_offsets.push_back(static_cast<uint32_t>(level.shares.size()));
  }
  const auto& criteria = catalogue.criteria();
  level.codes.resize(criteria.size());
  for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
    const CriterionSpec& spec = criteria[criterion_idx];
    std::vector<double> sums(coarse_count, 0);
    std::vector<uint32_t> present(coarse_count, 0);
    for (size_t tile_idx = 0; tile_idx < base.tiles.size(); ++tile_idx) {
      const double value = fine_values[criterion_idx][tile_idx];
      if (std::isnan(value)) continue;
      sums[parent[tile_idx]] += value;
      present[parent[tile_idx]]++;
    }
    auto& column = level.codes[criterion_idx];
    column.resize(coarse_count);
    const bool by_major_commune =
        spec.aggregation == Aggregation::kMajor && !commune_values[criterion_idx].empty();
    for (size_t tile_idx = 0; tile_idx < coarse_count; ++tile_idx) {
      double value = kMissing;
      if (by_major_commune) {
        if (level.share_offsets[tile_idx] != level.share_offsets[tile_idx + 1]) {
          value =
              commune_values[criterion_idx][level.shares[level.share_offsets[tile_idx]].commune];
        }
      } else if (present[tile_idx] > 0) {
        // Density: population over every 1 km tile of the 5 km tile; otherwise the mean
        // of the 1 km tiles that have a value.
        const double count =
            spec.aggregation == Aggregation::kDensity ? children[tile_idx] : present[tile_idx];
        value = sums[tile_idx] / count;
      }
      column[tile_idx] = EncodeOrMissing(spec, value);
    }
  }
  return level;
}

Result<engine::CriteriaCatalogue> LoadCatalogueHead(const std::string& path, size_t count) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open the criteria catalogue " + path, "catalogue");
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& error) {
    return InvalidArgument(path + ": malformed JSON: " + error.what(), "catalogue");
  }
  if (!document.contains("criteria") || !document["criteria"].is_array() ||
      document["criteria"].size() < count) {
    return InvalidArgument(path + " has fewer than " + std::to_string(count) + " criteria",
                           "criteria");
  }
  document["criteria"].erase(document["criteria"].begin() + static_cast<std::ptrdiff_t>(count),
                             document["criteria"].end());
  return engine::CriteriaCatalogue::FromJson(document);
}

}  // namespace

std::string SyntheticScope(uint64_t seed) {
  return "SYNTHETIC benchmark grid (seed " + std::to_string(seed) + ")";
}

Result<engine::GridData> MakeSyntheticGrid(const SyntheticGridOptions& options) {
  if (options.criteria_count == 0)
    return InvalidArgument("at least one criterion is needed", "criteria");
  VV_ASSIGN_OR_RETURN(engine::CriteriaCatalogue catalogue,
                      LoadCatalogueHead(options.catalogue_path, options.criteria_count));
  TileBase base;
  if (options.tiles_from != nullptr) {
    const engine::LevelView* level = options.tiles_from->level(Level::k1km);
    if (level == nullptr || level->tile_count() == 0) {
      return InvalidArgument("the tile source " + options.tiles_from->path() + " has no 1km level",
                             "tiles-from");
    }
    base = TilesFromGrid(*options.tiles_from, *level);
  } else {
    base = ProceduralTiles();
  }

  SyntheticModel model(base, options);
  const auto& criteria = catalogue.criteria();
  std::vector<std::vector<double>> fine_values(criteria.size()), commune_values(criteria.size());
  LevelData fine;
  fine.level = Level::k1km;
  fine.codes.resize(criteria.size());
  for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
    const CriterionSpec& spec = criteria[criterion_idx];
    fine_values[criterion_idx] = model.TileValues(spec, &commune_values[criterion_idx]);
    auto& column = fine.codes[criterion_idx];
    column.reserve(base.tiles.size());
    for (double value : fine_values[criterion_idx]) column.push_back(EncodeOrMissing(spec, value));
  }
  LevelData coarse = Aggregate5km(base, catalogue, fine_values, commune_values);

  engine::GridData grid;
  grid.scope = SyntheticScope(options.seed);
  grid.built_at = kSyntheticBuiltAt;
  grid.sources = nlohmann::json::array(
      {{{"publisher", "VivroVert (bench/synthetic_grid.cpp)"},
        {"dataset", grid.scope + ": synthetic values, not real data; " + base.source},
        {"vintage", "synthetic"},
        {"folder", ""}}});
  fine.tiles = std::move(base.tiles);
  fine.share_offsets = std::move(base.share_offsets);
  fine.shares = std::move(base.shares);
  grid.communes = std::move(base.communes);
  grid.catalogue = std::move(catalogue);
  grid.levels.push_back(std::move(fine));
  grid.levels.push_back(std::move(coarse));
  return grid;
}

}  // namespace vivrovert::bench
