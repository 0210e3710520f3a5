#include "matching_data.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "deterministic_random.hpp"
#include "engine/grid_file.hpp"

namespace vivrovert::bench {

namespace {

using engine::Level;
using engine::TileId;
using matching::KindBit;
using matching::WantedKind;

// A buffered CSV writer: values separated by commas, "" for NULL (none contains a comma).
class CsvOut {
 public:
  CsvOut(const std::string& path, const char* header) : file_(std::fopen(path.c_str(), "w")) {
    if (file_ == nullptr) throw std::runtime_error("cannot write " + path);
    std::fputs(header, file_);
    std::fputc('\n', file_);
  }
  ~CsvOut() { std::fclose(file_); }
  template <typename... Values>
  void Row(const Values&... values) {
    bool first = true;
    ((Cell(values, first)), ...);
    std::fputc('\n', file_);
  }

 private:
  void Separator(bool& first) {
    if (!first) std::fputc(',', file_);
    first = false;
  }
  void Cell(int64_t value, bool& first) {
    Separator(first);
    std::fprintf(file_, "%lld", static_cast<long long>(value));
  }
  void Cell(int value, bool& first) { Cell(static_cast<int64_t>(value), first); }
  void Cell(uint32_t value, bool& first) { Cell(static_cast<int64_t>(value), first); }
  void Cell(const std::string& value, bool& first) {
    Separator(first);
    std::fputs(value.c_str(), file_);
  }
  void Cell(const std::optional<int64_t>& value, bool& first) {
    if (value)
      Cell(*value, first);
    else
      Separator(first);
  }
  // Whole euros and m²: the generator draws integers, so the text is exact.
  void Cell(const std::optional<double>& value, bool& first) {
    if (value)
      Cell(static_cast<int64_t>(*value), first);
    else
      Separator(first);
  }
  std::FILE* file_;
};

std::vector<std::string> ReadRomeCodes(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::string> codes;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const std::string code = line.substr(0, line.find(','));
    if (matching::RomeCodeNumber(code)) codes.push_back(code);
  }
  if (codes.empty()) throw std::runtime_error(path + ": no ROME code");
  return codes;
}

// Popular items first: index floor(n · u²) favours the start of a shuffled list.
size_t Skewed(DeterministicRandom& random, size_t count) {
  const double u = random.Uniform();
  return std::min(count - 1, static_cast<size_t>(static_cast<double>(count) * u * u));
}

}  // namespace

GeneratorSummary GenerateMatchingData(const GeneratorOptions& options) {
  auto grid = engine::GridFile::Open(options.grid_path);
  if (!grid.ok()) throw std::runtime_error(grid.status().ToString());
  const engine::LevelView* view = (*grid)->level(Level::k1km);
  if (view == nullptr) throw std::runtime_error("the grid has no 1 km level");
  const size_t tile_count = view->tile_count();
  std::unordered_set<uint32_t> real;
  real.reserve(tile_count * 2);
  for (size_t tile_idx = 0; tile_idx < tile_count; ++tile_idx)
    real.insert(matching::TileKey(view->tile(tile_idx)));
  auto commune_of = [&](size_t tile_idx) -> const std::string& {
    return (*grid)->communes()[view->communes(tile_idx).first->commune].code;
  };

  std::vector<std::string> rome = ReadRomeCodes(options.rome_csv);
  {  // a fixed shuffle decides which codes are popular
    DeterministicRandom shuffle = DeterministicRandom::Stream(options.seed, "rome-order");
    for (size_t idx = rome.size() - 1; idx > 0; --idx) {
      std::swap(rome[idx],
                rome[static_cast<size_t>(shuffle.UniformInt(0, static_cast<int64_t>(idx)))]);
    }
  }

  std::filesystem::create_directories(options.out_dir);
  const std::string dir = options.out_dir + "/";
  GeneratorSummary summary;
  summary.grid_tiles_1km = static_cast<int64_t>(tile_count);
  {
    CsvOut persons(dir + "persons.csv",
                   "user_id,notification,kinds,tenure,property_type,rooms_min,surface_min,price_"
                   "max,business_sector,"
                   "business_budget,skill_count");
    CsvOut skills(dir + "person_skills.csv", "user_id,rome");
    CsvOut tiles(dir + "person_tiles.csv", "user_id,tile");
    CsvOut communes(dir + "person_communes.csv", "user_id,commune");
    CsvOut runs(dir + "search_runs.csv", "user_id,north,east_lo,east_hi");
    const char* sectors[] = {"retail",   "food_service", "craft",  "agriculture",
                             "services", "health",       "tourism"};
    for (int64_t user_id = 1; user_id <= options.people; ++user_id) {
      DeterministicRandom random =
          DeterministicRandom::Stream(options.seed, "person", static_cast<uint64_t>(user_id));
      // The profile, as a person fills the form; the wishes come from the product's rule.
      nlohmann::json profile = nlohmann::json::object();
      if (random.Uniform() >= 0.05) {
        const bool housing = random.Uniform() < 0.7;
        const bool job = random.Uniform() < 0.4;
        const bool business = random.Uniform() < 0.1;
        const bool leisure = random.Uniform() < 0.25;
        if (housing || (!job && !business && !leisure)) {
          const double tenure = random.Uniform();
          profile["housing_tenure"] = tenure < 0.6 ? "buy" : tenure < 0.9 ? "rent" : "either";
          const double type = random.Uniform();
          profile["housing_type"] = type < 0.5    ? "house"
                                    : type < 0.7  ? "flat"
                                    : type < 0.75 ? "land"
                                                  : "any";
          if (random.Uniform() < 0.6) profile["housing_rooms_min"] = random.UniformInt(1, 5);
          if (random.Uniform() < 0.5) profile["housing_surface_min"] = random.UniformInt(30, 150);
          if (random.Uniform() < 0.8) {
            profile["housing_price_max"] = profile["housing_tenure"] == "rent"
                                               ? random.UniformInt(400, 1500)
                                               : random.UniformInt(80, 500) * 1000;
          }
        }
        if (job) {
          nlohmann::json codes = nlohmann::json::array();
          const int64_t count = random.UniformInt(1, 3);
          for (int64_t code_idx = 0; code_idx < count; ++code_idx)
            codes.push_back(rome[Skewed(random, rome.size())]);
          profile["work_rome_codes"] = codes;
        }
        if (business) {
          if (random.Uniform() < 0.7) profile["business_sector"] = sectors[random.UniformInt(0, 6)];
          if (random.Uniform() < 0.7)
            profile["business_budget_eur"] = random.UniformInt(30, 400) * 1000;
          if (!profile.contains("business_sector") && !profile.contains("business_budget_eur")) {
            profile["business_sector"] = "retail";
          }
        }
        if (leisure) profile["leisure"] = "randonnée, musique";
      }
      const matching::Wishes wishes = matching::Wishes::FromProfile(profile);
      const double notify = random.Uniform();
      const int notification = notify < 0.2 ? 0 : notify < 0.7 ? 1 : notify < 0.9 ? 2 : 3;
      persons.Row(user_id, notification, static_cast<int>(wishes.kinds),
                  static_cast<int>(wishes.tenure), static_cast<int>(wishes.property_type),
                  wishes.rooms_min, wishes.surface_min, wishes.price_max, wishes.business_sector,
                  wishes.business_budget, static_cast<int>(wishes.rome_codes.size()));
      for (uint32_t code : wishes.rome_codes) skills.Row(user_id, code);
      summary.skills += static_cast<int64_t>(wishes.rome_codes.size());

      // 1–20 favourite tiles (a fifth at 5 km), 0–5 clicked tiles, 0–2 favourite communes.
      std::vector<uint32_t> keys;
      const int64_t favourites = random.UniformInt(1, 20);
      const int64_t clicks = random.UniformInt(0, 5);
      for (int64_t place_idx = 0; place_idx < favourites + clicks; ++place_idx) {
        const TileId tile = view->tile(
            static_cast<size_t>(random.UniformInt(0, static_cast<int64_t>(tile_count) - 1)));
        keys.push_back(matching::TileKey(random.Uniform() < 0.2 ? tile.Parent() : tile));
      }
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      for (uint32_t key : keys) tiles.Row(user_id, key);
      summary.tiles += static_cast<int64_t>(keys.size());
      std::vector<std::string> favourite_communes;
      for (int64_t commune_idx = random.UniformInt(0, 2); commune_idx > 0; --commune_idx) {
        favourite_communes.push_back(commune_of(
            static_cast<size_t>(random.UniformInt(0, static_cast<int64_t>(tile_count) - 1))));
      }
      std::sort(favourite_communes.begin(), favourite_communes.end());
      favourite_communes.erase(std::unique(favourite_communes.begin(), favourite_communes.end()),
                               favourite_communes.end());
      for (const std::string& code : favourite_communes) communes.Row(user_id, code);
      summary.communes += static_cast<int64_t>(favourite_communes.size());

      // Half of the people saved a search: 10–2,000 green 1 km tiles (log-uniform), in 1–4
      // discs of real tiles (a search's green tiles cluster; the sea and the border cut them).
      if (random.Uniform() < 0.5) {
        ++summary.searches;
        const double wanted = random.LogUniform(10, 2000);
        const int64_t discs = random.UniformInt(1, 4);
        std::vector<TileId> green;
        for (int64_t disc_idx = 0; disc_idx < discs; ++disc_idx) {
          const TileId centre = view->tile(
              static_cast<size_t>(random.UniformInt(0, static_cast<int64_t>(tile_count) - 1)));
          const double radius = std::sqrt(wanted / static_cast<double>(discs) / std::numbers::pi);
          const int reach = static_cast<int>(std::ceil(radius));
          for (int dy = -reach; dy <= reach; ++dy) {
            for (int dx = -reach; dx <= reach; ++dx) {
              if (dx * dx + dy * dy > radius * radius) continue;
              const TileId tile{Level::k1km, centre.east + dx * 1000, centre.north + dy * 1000};
              if (real.count(matching::TileKey(tile))) green.push_back(tile);
            }
          }
        }
        if (green.empty()) green.push_back(view->tile(0));
        std::sort(green.begin(), green.end(), [](const TileId& a, const TileId& b) {
          return a.north != b.north ? a.north < b.north : a.east < b.east;
        });
        green.erase(std::unique(green.begin(), green.end()), green.end());
        summary.search_tiles += static_cast<int64_t>(green.size());
        for (size_t tile_idx = 0; tile_idx < green.size();) {
          size_t end = tile_idx + 1;
          while (end < green.size() && green[end].north == green[tile_idx].north &&
                 green[end].east == green[end - 1].east + 1000) {
            ++end;
          }
          runs.Row(user_id, static_cast<int64_t>(green[tile_idx].north / 1000),
                   static_cast<int64_t>(green[tile_idx].east / 1000),
                   static_cast<int64_t>(green[end - 1].east / 1000));
          ++summary.search_runs;
          tile_idx = end;
        }
      }
      ++summary.people;
    }
  }
  {
    CsvOut listings(dir + "listings.csv",
                    "listing_id,kind,tile1,tile5,north,east,commune,is_rent,property_type,rooms,"
                    "surface,price,rome,sector");
    const char* sectors[] = {"retail", "food_service", "craft",   "agriculture", "services",
                             "health", "industry",     "tourism", "other"};
    for (int64_t listing_id = 1; listing_id <= options.listings; ++listing_id) {
      DeterministicRandom random =
          DeterministicRandom::Stream(options.seed, "listing", static_cast<uint64_t>(listing_id));
      const size_t tile_idx =
          static_cast<size_t>(random.UniformInt(0, static_cast<int64_t>(tile_count) - 1));
      const TileId tile = view->tile(tile_idx);
      const double pick = random.Uniform();
      const listings::Kind kind = pick < 0.5   ? listings::Kind::kHousing
                                  : pick < 0.8 ? listings::Kind::kJob
                                  : pick < 0.9 ? listings::Kind::kBusiness
                                               : listings::Kind::kLeisure;
      int64_t is_rent = 0, property_type = 0;
      std::optional<int64_t> rooms, rome_code;
      std::optional<double> surface, price;
      std::string sector;
      if (kind == listings::Kind::kHousing) {
        is_rent = random.Uniform() < 0.3 ? 1 : 0;
        const double type = random.Uniform();
        property_type = type < 0.6 ? 1 : type < 0.9 ? 2 : type < 0.95 ? 3 : type < 0.98 ? 4 : 5;
        if (random.Uniform() < 0.9) rooms = random.UniformInt(1, 8);
        if (random.Uniform() < 0.9) surface = static_cast<double>(random.UniformInt(20, 250));
        price = static_cast<double>(is_rent ? random.UniformInt(300, 2000)
                                            : random.UniformInt(50, 600) * 1000);
      } else if (kind == listings::Kind::kJob) {
        rome_code = *matching::RomeCodeNumber(rome[Skewed(random, rome.size())]);
      } else if (kind == listings::Kind::kBusiness) {
        sector = sectors[random.UniformInt(0, 8)];
        if (random.Uniform() < 0.8) price = static_cast<double>(random.UniformInt(10, 500) * 1000);
      }
      listings.Row(listing_id, static_cast<int>(kind), matching::TileKey(tile),
                   matching::TileKey(tile.Parent()), static_cast<int64_t>(tile.north / 1000),
                   static_cast<int64_t>(tile.east / 1000), commune_of(tile_idx), is_rent,
                   property_type, rooms, surface, price, rome_code, sector);
      ++summary.listings;
    }
  }
  return summary;
}

namespace {

// Splits one CSV line (no quoting: the generator writes none).
void SplitLine(const std::string& line, std::vector<std::string_view>& cells) {
  cells.clear();
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    cells.emplace_back(line.data() + start,
                       (comma == std::string::npos ? line.size() : comma) - start);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

template <typename Each>
void ForEachRow(const std::string& path, size_t columns, Each&& each) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string_view> cells;
  int64_t line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    SplitLine(line, cells);
    if (cells.size() != columns) {
      throw std::runtime_error(path + ":" + std::to_string(line_number) + ": " +
                               std::to_string(columns) + " columns expected");
    }
    each(cells);
  }
}

int64_t Int(std::string_view cell) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (error != std::errc() || end != cell.data() + cell.size()) {
    throw std::runtime_error("not an integer: " + std::string(cell));
  }
  return value;
}
std::optional<int64_t> OptionalInt(std::string_view cell) {
  if (cell.empty()) return std::nullopt;
  return Int(cell);
}
std::optional<double> OptionalDouble(std::string_view cell) {
  if (cell.empty()) return std::nullopt;
  return static_cast<double>(Int(cell));
}

}  // namespace

BenchData ReadMatchingData(const std::string& dir) {
  BenchData data;
  std::unordered_map<int64_t, size_t> index_of;
  ForEachRow(dir + "/persons.csv", 11, [&](const std::vector<std::string_view>& cells) {
    matching::PersonInterest person;
    person.user_id = Int(cells[0]);
    person.notification = static_cast<matching::Notification>(Int(cells[1]));
    person.wishes.kinds = static_cast<uint8_t>(Int(cells[2]));
    person.wishes.tenure = static_cast<matching::Tenure>(Int(cells[3]));
    person.wishes.property_type = static_cast<matching::PropertyType>(Int(cells[4]));
    person.wishes.rooms_min = OptionalInt(cells[5]);
    person.wishes.surface_min = OptionalDouble(cells[6]);
    person.wishes.price_max = OptionalDouble(cells[7]);
    person.wishes.business_sector = std::string(cells[8]);
    person.wishes.business_budget = OptionalDouble(cells[9]);
    index_of[person.user_id] = data.people.size();
    data.people.push_back(std::move(person));
  });
  auto person = [&](std::string_view cell) -> matching::PersonInterest& {
    return data.people.at(index_of.at(Int(cell)));
  };
  ForEachRow(dir + "/person_skills.csv", 2, [&](const std::vector<std::string_view>& cells) {
    person(cells[0]).wishes.rome_codes.push_back(static_cast<uint32_t>(Int(cells[1])));
  });
  for (matching::PersonInterest& entry : data.people) {
    std::sort(entry.wishes.rome_codes.begin(), entry.wishes.rome_codes.end());
  }
  ForEachRow(dir + "/person_tiles.csv", 2, [&](const std::vector<std::string_view>& cells) {
    person(cells[0]).tiles.push_back(static_cast<uint32_t>(Int(cells[1])));
  });
  ForEachRow(dir + "/person_communes.csv", 2, [&](const std::vector<std::string_view>& cells) {
    person(cells[0]).communes.emplace_back(cells[1]);
  });
  for (const matching::PersonInterest& entry : data.people)
    data.place_tile_counts.push_back(entry.tiles.size());
  ForEachRow(dir + "/search_runs.csv", 4, [&](const std::vector<std::string_view>& cells) {
    matching::PersonInterest& entry = person(cells[0]);
    const int64_t north = Int(cells[1]);
    for (int64_t east = Int(cells[2]); east <= Int(cells[3]); ++east) {
      entry.tiles.push_back(matching::TileKey(TileId{Level::k1km, static_cast<int32_t>(east * 1000),
                                                     static_cast<int32_t>(north * 1000)}));
    }
  });
  ForEachRow(dir + "/listings.csv", 14, [&](const std::vector<std::string_view>& cells) {
    BenchListing listing;
    listing.listing_id = Int(cells[0]);
    listing.tile_1km = static_cast<uint32_t>(Int(cells[2]));
    listing.tile_5km = static_cast<uint32_t>(Int(cells[3]));
    matching::ListingFacts& facts = listing.facts;
    facts.kind = static_cast<listings::Kind>(Int(cells[1]));
    facts.tile_1km = matching::TileOfKey(listing.tile_1km).ToString();
    facts.tile_5km = matching::TileOfKey(listing.tile_5km).ToString();
    facts.commune_code = std::string(cells[6]);
    facts.is_rent = Int(cells[7]) == 1;
    facts.property_type = static_cast<matching::PropertyType>(Int(cells[8]));
    facts.rooms = OptionalInt(cells[9]);
    facts.surface_m2 = OptionalDouble(cells[10]);
    facts.price_eur = OptionalDouble(cells[11]);
    if (auto code = OptionalInt(cells[12])) facts.rome_code = static_cast<uint32_t>(*code);
    facts.business_sector = std::string(cells[13]);
    data.listings.push_back(std::move(listing));
  });
  return data;
}

}  // namespace vivrovert::bench
