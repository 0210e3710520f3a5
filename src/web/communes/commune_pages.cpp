#include "web/communes/commune_pages.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/display/labels.hpp"
#include "domain/listings/listing_schema.hpp"
#include "domain/partners/partner_store.hpp"

namespace vivrovert::communes {

namespace {

using engine::CommuneRef;
using engine::GridFile;
using nlohmann::json;
using web::Context;
using web::Response;

constexpr const char* kPathPrefix = "/vivre-a/";

// JSON inside <script type="application/ld+json">: nothing in it may close the element.
std::string ScriptSafeJson(const json& value) {
  const std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else {
      out += c;
    }
  }
  return out;
}

int DecimalsOf(const engine::CriterionSpec& spec) {
  if (spec.step >= 1) return 0;
  if (spec.step >= 0.1) return 1;
  return 2;
}

std::string WithUnit(const engine::CriterionSpec& spec, double value) {
  std::string text = display::Labels::Number(value, DecimalsOf(spec));
  if (!spec.unit.empty()) text += " " + spec.unit;
  return text;
}

// The commune's tiles as squares of an SVG picture, north up (EPSG:3035 corners).
std::string TilesSvg(const engine::LevelView& level, const std::vector<uint32_t>& tiles,
                     const std::string& label) {
  if (tiles.empty()) return {};
  int32_t min_east = INT32_MAX, max_east = INT32_MIN, min_north = INT32_MAX, max_north = INT32_MIN;
  for (uint32_t tile_idx : tiles) {
    const engine::TileId id = level.tile(tile_idx);
    min_east = std::min(min_east, id.east);
    max_east = std::max(max_east, id.east);
    min_north = std::min(min_north, id.north);
    max_north = std::max(max_north, id.north);
  }
  const int32_t size = engine::CellSizeMetres(engine::Level::k1km);
  const int32_t width = (max_east - min_east) / size + 1;
  const int32_t height = (max_north - min_north) / size + 1;
  std::string svg =
      "<svg class=\"commune-map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
      std::to_string(width) + " " + std::to_string(height) + "\" role=\"img\" aria-label=\"" +
      EscapeXml(label) + "\">";
  for (uint32_t tile_idx : tiles) {
    const engine::TileId id = level.tile(tile_idx);
    svg += "<rect x=\"" + std::to_string((id.east - min_east) / size) + "\" y=\"" +
           std::to_string((max_north - id.north) / size) +
           "\" width=\"1\" height=\"1\" fill=\"#3f8f5c\" stroke=\"#fff\" stroke-width=\"0.05\"/>";
  }
  svg += "</svg>";
  return svg;
}

// Text for HTML, escaped as the templates escape values (mstch: & < > " ' /).
void AppendHtml(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '/':
        out += "&#x2F;";
        break;
      default:
        out += c;
    }
  }
}

// The criteria tables, one per theme, written here rather than by the templates: about
// fifty rows through mstch cost several milliseconds a page (bench/commune_page_bench.cpp).
std::string CriteriaTables(const GridFile& grid, const std::vector<uint32_t>& tiles,
                           size_t& with_values) {
  const engine::LevelView* level = grid.level(engine::Level::k1km);
  const std::vector<engine::CriterionSpec>& criteria = grid.catalogue().criteria();
  std::vector<std::string> group_order;
  std::map<std::string, std::string> rows_by_group;
  std::vector<double> values;
  with_values = 0;
  for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
    const engine::CriterionSpec& spec = criteria[criterion_idx];
    values.clear();
    if (level != nullptr) {
      for (uint32_t tile_idx : tiles) {
        if (std::optional<double> value = level->Value(criterion_idx, tile_idx))
          values.push_back(*value);
      }
    }
    if (!rows_by_group.contains(spec.group)) group_order.push_back(spec.group);
    std::string& row = rows_by_group[spec.group];
    row += "<tr><th scope=\"row\">";
    AppendHtml(row, spec.label);
    row += "</th>";
    if (values.empty()) {
      row += "<td colspan=\"2\">non disponible</td>";
    } else {
      ++with_values;
      std::sort(values.begin(), values.end());
      const double median = values.size() % 2 == 1
                                ? values[values.size() / 2]
                                : (values[values.size() / 2 - 1] + values[values.size() / 2]) / 2;
      row += "<td>";
      AppendHtml(row, values.front() == values.back()
                          ? WithUnit(spec, values.front())
                          : WithUnit(spec, values.front()) + " à " + WithUnit(spec, values.back()));
      row += "</td><td>";
      AppendHtml(row, WithUnit(spec, median));
      row += "</td>";
    }
    row += "<td>";
    AppendHtml(row, spec.source.publisher);
    if (!spec.source.dataset.empty()) {
      row += " — ";
      AppendHtml(row, spec.source.dataset);
    }
    row += "</td><td>";
    if (spec.source.vintage.empty()) {
      row += "non renseigné";
    } else {
      AppendHtml(row, spec.source.vintage);
    }
    row += "</td></tr>\n";
  }
  std::string html;
  for (const std::string& group : group_order) {
    html += "<table class=\"commune-criteria\"><caption>";
    AppendHtml(html, group);
    html +=
        "</caption><thead><tr><th scope=\"col\">Critère</th><th scope=\"col\">Valeurs des "
        "dalles</th><th scope=\"col\">Médiane</th><th scope=\"col\">Source</th><th "
        "scope=\"col\">Millésime</th></tr></thead><tbody>\n";
    html += rows_by_group[group];
    html += "</tbody></table>\n";
  }
  return html;
}

mstch::map CommuneLink(const CommuneIndex& index, uint32_t commune_idx) {
  const CommuneRef& commune = index.grid().communes()[commune_idx];
  return mstch::map{{"name", commune.name},
                    {"code", commune.code},
                    {"path", kPathPrefix + index.SlugOf(commune_idx) + "-" + commune.code}};
}

Result<Response> AreaPage(Context& context, const CommuneIndex& index, GridFile::CodeKind kind,
                          const std::string& code, const std::string& base_url) {
  const GridFile& grid = index.grid();
  std::vector<uint32_t> members = index.CommunesOf(kind, code);
  if (members.empty()) return NotFound("Territoire introuvable.");
  const bool is_epci = kind == GridFile::CodeKind::kEpci;
  const std::string name = is_epci ? grid.EpciName(code) : grid.DepartementName(code);
  const std::string heading = (name.empty() ? code : name) + (is_epci ? "" : " (" + code + ")");
  std::sort(members.begin(), members.end(), [&grid](uint32_t left, uint32_t right) {
    return grid.communes()[left].name < grid.communes()[right].name;
  });
  mstch::array links;
  for (uint32_t commune_idx : members) links.emplace_back(CommuneLink(index, commune_idx));
  const std::string path = std::string(kPathPrefix) + (is_epci ? "epci/" : "departement/") + code;
  return context.Page(
      "commune_area",
      mstch::map{
          {"title", "Vivre dans " + heading + " — VivroVert"},
          {"heading", heading},
          {"kind_label", std::string(is_epci ? "Intercommunalité (EPCI)" : "Département")},
          {"communes", links},
          {"count", display::Labels::Integer(static_cast<int64_t>(links.size()))},
          {"canonical_url", base_url + path},
          {"meta_description", "Les " + std::to_string(links.size()) + " communes de " + heading +
                                   " : où vivre, d'après les données publiques ouvertes."},
      });
}

}  // namespace

std::string CommunePath(const CommuneRef& commune) {
  std::string slug = partners::Slugify(commune.name);
  if (slug.empty()) slug = "commune";
  return kPathPrefix + slug + "-" + commune.code;
}

CommuneIndex::CommuneIndex(const GridFile& grid)
    : grid_(grid),
      similarity_(similarity::SimilarityIndex::Build(grid, engine::Level::k1km,
                                                     similarity::Unit::kCommune)) {
  const std::vector<CommuneRef>& communes = grid.communes();
  tiles_.resize(communes.size());
  slugs_.reserve(communes.size());
  for (const CommuneRef& commune : communes) {
    std::string slug = partners::Slugify(commune.name);
    slugs_.push_back(slug.empty() ? std::string("commune") : std::move(slug));
  }
  if (const engine::LevelView* level = grid.level(engine::Level::k1km)) {
    for (size_t tile_idx = 0; tile_idx < level->tile_count(); ++tile_idx) {
      auto [first, last] = level->communes(tile_idx);
      for (auto share = first; share != last; ++share)
        tiles_[share->commune].push_back(static_cast<uint32_t>(tile_idx));
    }
  }
}

std::vector<uint32_t> CommuneIndex::CommunesOf(GridFile::CodeKind kind,
                                               const std::string& code) const {
  const std::vector<uint32_t>* found = grid_.CommunesWithCode(kind, code);
  return found == nullptr ? std::vector<uint32_t>() : *found;
}

std::vector<similarity::Neighbour> CommuneIndex::SimilarTo(uint32_t commune_idx, size_t k) const {
  const std::string& code = grid_.communes()[commune_idx].code;
  const std::vector<double> profile = similarity_.ProfileOfUnit(code);
  if (profile.empty()) return {};
  return similarity_.Nearest(profile, k, {code});
}

mstch::map CommunePageData(const CommuneIndex& index, uint32_t commune_idx,
                           const std::vector<listings::Listing>& listings,
                           const std::string& base_url) {
  const GridFile& grid = index.grid();
  const CommuneRef& commune = grid.communes()[commune_idx];
  const std::vector<uint32_t>& tiles = index.TilesOf(commune_idx);
  const std::string path = kPathPrefix + index.SlugOf(commune_idx) + "-" + commune.code;
  const std::string url = base_url + path;
  const std::string& epci_name = grid.EpciName(commune.epci);
  const std::string& departement_name = grid.DepartementName(commune.departement);
  const std::string heading = "Vivre à " + commune.name;

  size_t with_values = 0;
  const std::string criteria_html = CriteriaTables(grid, tiles, with_values);

  mstch::array listing_rows;
  for (const listings::Listing& listing : listings) {
    listing_rows.emplace_back(mstch::map{{"title", listing.title},
                                         {"kind", std::string(listings::KindLabel(listing.kind))},
                                         {"path", "/annonces/" + std::to_string(listing.id)},
                                         {"is_demo", listing.is_demo}});
  }

  // The communes most like it, each with its département and the distance in standard
  // deviations (docs/SKILLS.md, "Similar territories").
  mstch::array similar_rows;
  for (const similarity::Neighbour& neighbour : index.SimilarTo(commune_idx, kSimilarCommunes)) {
    const std::vector<uint32_t>* found =
        grid.CommunesWithCode(GridFile::CodeKind::kCommune, neighbour.code);
    if (found == nullptr || found->empty()) continue;
    const CommuneRef& other = grid.communes()[found->front()];
    const std::string& other_departement = grid.DepartementName(other.departement);
    similar_rows.emplace_back(mstch::map{
        {"name", other.name},
        {"path", std::string(kPathPrefix) + index.SlugOf(found->front()) + "-" + other.code},
        {"departement", (other_departement.empty() ? std::string("département ") + other.departement
                                                   : other_departement)},
        {"distance", display::Labels::Number(neighbour.distance, 2)}});
  }

  const std::string place = commune.name + " (" + commune.code + ")";
  const std::string description =
      "Vivre à " + place + (departement_name.empty() ? "" : ", " + departement_name) + " : " +
      std::to_string(with_values) + " critères mesurés sur ses " + std::to_string(tiles.size()) +
      " dalles d'un kilomètre (santé, écoles, transports, services, logement…), avec leurs "
      "sources, et ses annonces.";

  json ld = {
      {"@context", "https://schema.org"},
      {"@type", "Place"},
      {"name", commune.name},
      {"url", url},
      {"identifier",
       {{"@type", "PropertyValue"}, {"propertyID", "INSEE"}, {"value", commune.code}}},
      {"address",
       {{"@type", "PostalAddress"}, {"addressLocality", commune.name}, {"addressCountry", "FR"}}}};
  if (!commune.postcodes.empty()) ld["address"]["postalCode"] = commune.postcodes.front();
  if (!departement_name.empty()) ld["address"]["addressRegion"] = departement_name;
  if (commune.has_centre()) {
    ld["geo"] = {{"@type", "GeoCoordinates"},
                 {"latitude", std::round(commune.latitude * 1e5) / 1e5},
                 {"longitude", std::round(commune.longitude * 1e5) / 1e5}};
  }
  json contained = json::array();
  if (!epci_name.empty())
    contained.push_back({{"@type", "AdministrativeArea"}, {"name", epci_name}});
  if (!departement_name.empty())
    contained.push_back({{"@type", "AdministrativeArea"}, {"name", departement_name}});
  if (!contained.empty()) ld["containedInPlace"] = contained;

  mstch::array postcodes;
  for (const std::string& postcode : commune.postcodes) postcodes.emplace_back(postcode);
  const engine::LevelView* level = grid.level(engine::Level::k1km);
  return mstch::map{
      {"title", heading + " (" + commune.code + ") — VivroVert"},
      {"heading", heading},
      {"code", commune.code},
      {"postcodes", postcodes},
      {"has_postcodes", !postcodes.empty()},
      {"epci_name", epci_name},
      {"epci_path",
       epci_name.empty() ? std::string() : std::string(kPathPrefix) + "epci/" + commune.epci},
      {"departement_name", departement_name},
      {"departement_code", commune.departement},
      {"departement_path", std::string(kPathPrefix) + "departement/" + commune.departement},
      {"tile_count", std::to_string(tiles.size())},
      {"criteria_html", criteria_html},
      {"has_values", with_values > 0},
      {"listings", listing_rows},
      {"has_listings", !listing_rows.empty()},
      {"similar", similar_rows},
      {"has_similar", !similar_rows.empty()},
      {"similar_criteria", std::to_string(index.similarity().criterion_count())},
      {"commune_name", commune.name},
      {"map_svg", level == nullptr ? std::string()
                                   : TilesSvg(*level, tiles,
                                              "Les " + std::to_string(tiles.size()) +
                                                  " dalles d'un kilomètre de " + commune.name)},
      {"search_path", "/recherche"},
      {"meta_description", description},
      {"canonical_url", url},
      {"og",
       mstch::map{{"title", heading + " — VivroVert"}, {"description", description}, {"url", url}}},
      {"json_ld", ScriptSafeJson(ld)},
  };
}

std::string SitemapIndexXml(const CommuneIndex& index, const std::string& base_url,
                            size_t per_file) {
  const size_t count = index.grid().communes().size();
  const size_t files = std::max<size_t>(1, (count + per_file - 1) / per_file);
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (size_t file = 1; file <= files; ++file) {
    xml += "<sitemap><loc>" +
           EscapeXml(base_url + "/sitemaps/communes-" + std::to_string(file) + ".xml") +
           "</loc></sitemap>\n";
  }
  xml += "</sitemapindex>\n";
  return xml;
}

std::optional<std::string> SitemapXml(const CommuneIndex& index, const std::string& base_url,
                                      size_t file, size_t per_file) {
  const std::vector<CommuneRef>& communes = index.grid().communes();
  const size_t files = std::max<size_t>(1, (communes.size() + per_file - 1) / per_file);
  if (file < 1 || file > files) return std::nullopt;
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  const size_t end = std::min(communes.size(), file * per_file);
  for (size_t commune_idx = (file - 1) * per_file; commune_idx < end; ++commune_idx) {
    xml += "<url><loc>" +
           EscapeXml(base_url + kPathPrefix + index.SlugOf(static_cast<uint32_t>(commune_idx)) +
                     "-" + communes[commune_idx].code) +
           "</loc></url>\n";
  }
  xml += "</urlset>\n";
  return xml;
}

void RegisterCommunePages(web::App& app, CommunePagesEnv env) {
  // The main site's address without a trailing slash.
  std::string base = env.public_base_url;
  while (base.ends_with("/")) base.pop_back();
  const auto unavailable = [] {
    return Unavailable("Les pages des communes attendent la grille des dalles.");
  };

  app.Get("/vivre-a/{page}", [env, base, unavailable](Context& context) -> Result<Response> {
    if (env.index == nullptr) return unavailable();
    const std::string page = context.Param("page");
    const size_t dash = page.rfind('-');
    if (dash == std::string::npos) return NotFound("Commune introuvable.");
    const std::string code = page.substr(dash + 1);
    std::optional<uint32_t> commune_idx = env.index->grid().FindCommune(code);
    if (!commune_idx) return NotFound("Commune introuvable (code " + code + ").");
    const std::string slug = env.index->SlugOf(*commune_idx);
    if (page.compare(0, dash, slug) != 0 || dash != slug.size())
      return Response::Redirect(kPathPrefix + slug + "-" + code, 301);
    listings::ListingFilter filter;
    filter.commune_code = code;
    filter.status = "active";
    filter.today = ParisDate(context.Now());
    filter.limit = kCommuneListings;
    std::vector<listings::Listing> active;
    {
      storage::Connection connection = env.database.Acquire();
      active = listings::ListingStore::List(connection, filter);
    }
    return context.Page("commune", CommunePageData(*env.index, *commune_idx, active, base));
  });

  app.Get("/vivre-a/epci/{code}", [env, base, unavailable](Context& context) -> Result<Response> {
    if (env.index == nullptr) return unavailable();
    return AreaPage(context, *env.index, GridFile::CodeKind::kEpci, context.Param("code"), base);
  });
  app.Get("/vivre-a/departement/{code}",
          [env, base, unavailable](Context& context) -> Result<Response> {
            if (env.index == nullptr) return unavailable();
            return AreaPage(context, *env.index, GridFile::CodeKind::kDepartement,
                            context.Param("code"), base);
          });

  app.Get("/sitemap.xml", [env, base, unavailable](Context&) -> Result<Response> {
    if (env.index == nullptr) return unavailable();
    Response response(200);
    response.SetHeader("Content-Type", "application/xml; charset=utf-8");
    response.SetHeader("Cache-Control", "public, max-age=3600");
    response.set_body(SitemapIndexXml(*env.index, base, kSitemapUrls));
    return response;
  });
  app.Get("/sitemaps/{file}", [env, base, unavailable](Context& context) -> Result<Response> {
    if (env.index == nullptr) return unavailable();
    const std::string file = context.Param("file");
    constexpr std::string_view kPrefix = "communes-";
    constexpr std::string_view kSuffix = ".xml";
    if (!file.starts_with(kPrefix) || !file.ends_with(kSuffix))
      return NotFound("Page introuvable.");
    const std::string number =
        file.substr(kPrefix.size(), file.size() - kPrefix.size() - kSuffix.size());
    if (number.empty() || number.size() > 6 ||
        !std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return NotFound("Page introuvable.");
    std::optional<std::string> xml = SitemapXml(*env.index, base, std::stoul(number), kSitemapUrls);
    if (!xml) return NotFound("Page introuvable.");
    Response response(200);
    response.SetHeader("Content-Type", "application/xml; charset=utf-8");
    response.SetHeader("Cache-Control", "public, max-age=3600");
    response.set_body(std::move(*xml));
    return response;
  });
}

}  // namespace vivrovert::communes
