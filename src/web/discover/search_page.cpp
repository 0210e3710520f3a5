#include "web/discover/search_page.hpp"

#include <cmath>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "engine/engine.hpp"

namespace vivrovert::discover {

namespace {

using nlohmann::json;

// A bound shown in French ("12,5").
std::string French(double value) {
  std::ostringstream out;
  out.precision(value >= 100 ? 0 : 2);
  out << std::fixed << value;
  std::string text = out.str();
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  for (char& c : text) {
    if (c == '.') c = ',';
  }
  return text;
}

// A step that gives about a hundred positions over the criterion's range.
double StepFor(double low, double high) {
  const double span = high - low;
  if (span <= 0) return 1;
  const double raw = span / 100;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= factor * magnitude) return factor * magnitude;
  }
  return 10 * magnitude;
}

// Below this share of tiles with a value, a criterion is said to be partial.
constexpr double kPartialCoverage = 0.95;

std::string Number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

Result<json> LoadProfiles(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read " + path);
  json profiles = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (profiles.is_discarded() || !profiles.contains("profiles") ||
      !profiles["profiles"].is_array()) {
    return InvalidArgument(path + ": a JSON object with a \"profiles\" array was expected");
  }
  return profiles;
}

void RegisterSearchPage(web::App& app, const engine::SearchBackend& backend, const json& profiles) {
  app.Get("/recherche", [&backend, &profiles](web::Context& context) -> Result<web::Response> {
    if (!backend.engine) {
      return Unavailable(
          "La grille des dalles n'est pas encore construite : la recherche reviendra dans un "
          "instant.");
    }
    const engine::GridFile& grid = *backend.grid;
    const json catalogue = engine::CatalogueToJson(grid);
    const auto& specs = grid.catalogue().criteria();
    std::set<std::string> available;
    mstch::array groups;
    for (const json& group_name : catalogue["groups"]) {
      mstch::array criteria;
      for (size_t criterion_idx = 0; criterion_idx < specs.size(); ++criterion_idx) {
        const json& entry = catalogue["criteria"][criterion_idx];
        if (entry["group"] != group_name) continue;
        const bool is_available = entry["available"].get<bool>();
        if (is_available) available.insert(entry["id"].get<std::string>());
        const bool lower = entry["direction"] == "lower";
        auto range = backend.engine->ValueRange(engine::Level::k1km, criterion_idx);
        const double low = range ? std::floor(range->first) : 0,
                     high = range ? std::ceil(range->second) : 0;
        const json& source = entry["source"];
        std::string source_text = source.value("publisher", "");
        if (!source.value("dataset", "").empty()) source_text += ", " + source.value("dataset", "");
        if (!source.value("vintage", "").empty())
          source_text += " (" + source.value("vintage", "") + ")";
        const double coverage =
            std::max(entry["coverage"].value("1km", 0.0), entry["coverage"].value("5km", 0.0));
        // The search counts 5 km tiles: its coverage there, and where its values lie.
        const double coverage_5km = entry["coverage"].value("5km", coverage);
        std::string coverage_where;
        if (entry["coverage_where"].contains("5km")) {
          const json& where = entry["coverage_where"]["5km"];
          const json& named = where["departements"];
          for (size_t named_idx = 0; named_idx < named.size(); ++named_idx) {
            std::string name = named[named_idx].value("name", std::string());
            if (name.empty()) name = named[named_idx].value("code", std::string());
            if (named_idx > 0)
              coverage_where +=
                  named_idx + 1 == named.size() && !where["others"].get<bool>() ? " et " : ", ";
            coverage_where += name;
          }
          if (!coverage_where.empty() && where["others"].get<bool>())
            coverage_where += " et quelques dalles ailleurs";
        }
        criteria.push_back(mstch::map{
            {"id", entry["id"].get<std::string>()},
            {"label", entry["label"].get<std::string>()},
            {"help", entry["help"].get<std::string>()},
            {"unit", entry["unit"].get<std::string>()},
            {"available", is_available},
            {"partial", is_available && coverage < kPartialCoverage},
            {"coverage", French(coverage * 100)},
            {"partial_5km", is_available && coverage_5km < kPartialCoverage},
            {"coverage_5km", Number(coverage_5km)},
            {"coverage_where", coverage_where},
            {"reason",
             entry.value("unavailable_reason", std::string("Pas de données pour ce critère."))},
            {"source", source_text},
            {"source_url", source.value("url", "")},
            {"bound_name", std::string(lower ? "max" : "min")},
            {"bound_label", std::string(lower ? "au plus" : "au moins")},
            {"direction", std::string(lower ? "lower" : "higher")},
            {"range_min", Number(low)},
            {"range_max", Number(high)},
            {"range_min_text", French(low)},
            {"range_max_text", French(high)},
            {"step", Number(StepFor(low, high))},
            {"default_bound", Number(lower ? high : low)}});
      }
      if (criteria.empty()) continue;
      groups.push_back(mstch::map{{"name", group_name.get<std::string>()}, {"criteria", criteria}});
    }
    mstch::array profile_items;
    json usable = json::array();
    for (const json& profile : profiles["profiles"]) {
      std::vector<std::string> missing;
      for (const json& constraint : profile["criteria"]) {
        const std::string id = constraint.value("criterion", "");
        if (!available.contains(id) && constraint.value("importance", "required") == "required") {
          for (const json& entry : catalogue["criteria"]) {
            if (entry["id"] == id) missing.push_back(entry["label"].get<std::string>());
          }
          if (missing.empty() || missing.back().empty()) missing.push_back(id);
        }
      }
      std::string missing_text;
      for (const std::string& label : missing)
        missing_text += (missing_text.empty() ? "" : ", ") + label;
      profile_items.push_back(mstch::map{{"id", profile.value("id", "")},
                                         {"label", profile.value("label", "")},
                                         {"description", profile.value("description", "")},
                                         {"usable", missing.empty()},
                                         {"missing", missing_text}});
      if (missing.empty()) usable.push_back(profile);
    }
    // Profiles travel to the script as JSON inside <script type="application/json">: "<"
    // is escaped so that no "</script>" can end the element early.
    std::string profiles_json = usable.dump();
    std::string escaped;
    for (char c : profiles_json) escaped += c == '<' ? std::string("\\u003c") : std::string(1, c);
    mstch::map data{{"title", std::string("Rechercher où vivre — VivroVert")},
                    {"search_page", true},
                    {"meta_description",
                     std::string("Rechercher où vivre : réglez vos critères (distance à une gare, "
                                 "un hôpital, une école, débit internet, climat…) et voyez les "
                                 "dalles de 1 ou 5 km qui y répondent, avec leurs communes et "
                                 "les annonces.")},
                    {"groups", groups},
                    {"profiles", profile_items},
                    {"profiles_json", escaped},
                    {"grid_scope", grid.header().value("scope", std::string())}};
    return context.Page("search", std::move(data));
  });
}

}  // namespace vivrovert::discover
