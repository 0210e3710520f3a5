#include "web/leads/lead_pages.hpp"

#include <Poco/URI.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/common/text.hpp"
#include "domain/exports/table_export.hpp"
#include "domain/leads/partner_leads.hpp"
#include "domain/listings/listing_schema.hpp"
#include "domain/partners/partner_territory.hpp"
#include "web/partners/partner_access.hpp"

namespace vivrovert::leads {

namespace {

using web::Context;
using web::Response;

constexpr size_t kShownPeople = 200;

// A line chart of contacts and prospects over time, as inline SVG (the page also gives
// the numbers as a table). Only numbers and escaped dates go into it.
std::string CountsChart(const std::vector<LeadCounts>& series) {
  if (series.empty()) return {};
  constexpr double kWidth = 640, kHeight = 220, kLeft = 40, kRight = 10, kTop = 10, kBottom = 30;
  int64_t top = 1;
  for (const LeadCounts& point : series) top = std::max({top, point.contacts, point.prospects});
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto x = [&](size_t index) {
    return kLeft + (series.size() == 1 ? plot_w / 2
                                       : plot_w * static_cast<double>(index) / (series.size() - 1));
  };
  auto y = [&](int64_t value) {
    return kTop + plot_h * (1.0 - static_cast<double>(value) / static_cast<double>(top));
  };
  std::ostringstream svg;
  svg.precision(1);
  svg << std::fixed;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lead-chart\" viewBox=\"0 0 " << kWidth
      << " " << kHeight
      << "\" role=\"img\" aria-labelledby=\"lead-chart-title\"><title "
         "id=\"lead-chart-title\">Contacts et prospects de "
      << EscapeXml(FrenchDate(series.front().at)) << " au "
      << EscapeXml(FrenchDate(series.back().at)) << "</title>";
  svg << "<line class=\"axis\" x1=\"" << kLeft << "\" y1=\"" << y(0) << "\" x2=\""
      << kWidth - kRight << "\" y2=\"" << y(0) << "\"/>";
  svg << "<line class=\"axis\" x1=\"" << kLeft << "\" y1=\"" << kTop << "\" x2=\"" << kLeft
      << "\" y2=\"" << y(0) << "\"/>";
  svg << "<text class=\"tick\" x=\"" << kLeft - 6 << "\" y=\"" << y(top) + 4
      << "\" text-anchor=\"end\">" << top << "</text>";
  svg << "<text class=\"tick\" x=\"" << kLeft - 6 << "\" y=\"" << y(0) + 4
      << "\" text-anchor=\"end\">0</text>";
  svg << "<text class=\"tick\" x=\"" << kLeft << "\" y=\"" << kHeight - 8 << "\">"
      << EscapeXml(FrenchDate(series.front().at)) << "</text>";
  svg << "<text class=\"tick\" x=\"" << kWidth - kRight << "\" y=\"" << kHeight - 8
      << "\" text-anchor=\"end\">" << EscapeXml(FrenchDate(series.back().at)) << "</text>";
  for (int kind = 0; kind < 2; ++kind) {
    svg << "<polyline class=\"" << (kind == 0 ? "contacts" : "prospects") << "\" points=\"";
    for (size_t index = 0; index < series.size(); ++index) {
      svg << (index ? " " : "") << x(index) << ","
          << y(kind == 0 ? series[index].contacts : series[index].prospects);
    }
    svg << "\"/>";
  }
  svg << "</svg>";
  return svg.str();
}

struct FilterForm {
  LeadFilter filter;
  std::string from_text, to_text;
  std::vector<std::string> errors;
};

// A filter's day as people type it (JJ/MM/AAAA, or AAAA-MM-JJ): its first second (UTC).
std::optional<int64_t> ParseFilterDay(const std::string& text) {
  std::optional<std::string> iso = listings::ParseDate(text);
  return iso ? ParseUtcDate(*iso) : std::nullopt;
}

FilterForm ReadFilter(const web::Request& request) {
  FilterForm form;
  form.from_text = Trim(request.Query("du").value_or(""));
  form.to_text = Trim(request.Query("au").value_or(""));
  if (!form.from_text.empty()) {
    form.filter.from = ParseFilterDay(form.from_text);
    if (!form.filter.from)
      form.errors.push_back("Date de début illisible (attendu : JJ/MM/AAAA) : « " +
                            form.from_text.substr(0, 20) + " ».");
  }
  if (!form.to_text.empty()) {
    std::optional<int64_t> to = ParseFilterDay(form.to_text);
    if (!to) {
      form.errors.push_back("Date de fin illisible (attendu : JJ/MM/AAAA) : « " +
                            form.to_text.substr(0, 20) + " ».");
    } else {
      form.filter.to = *to + 24 * 3600 - 1;  // the whole day
    }
  }
  if (form.filter.from && form.filter.to && *form.filter.from > *form.filter.to) {
    form.errors.push_back("La date de début est après la date de fin.");
    form.filter.to.reset();
  }
  form.filter.commune = Trim(request.Query("commune").value_or(""));
  const std::string wish = request.Query("souhait").value_or("");
  for (const char* kind : kWishKinds) {
    if (wish == kind) form.filter.wish = wish;
  }
  const std::string kind = request.Query("type").value_or("");
  if (kind == "contact" || kind == "prospect") form.filter.kind = kind;
  return form;
}

std::string QueryString(const FilterForm& form) {
  std::string query;
  auto add = [&query](const char* name, const std::string& value) {
    if (value.empty()) return;
    std::string encoded;
    Poco::URI::encode(value, "&=+?#/", encoded);
    query += (query.empty() ? "?" : "&") + std::string(name) + "=" + encoded;
  };
  add("du", form.from_text);
  add("au", form.to_text);
  add("commune", form.filter.commune);
  add("type", form.filter.kind);
  add("souhait", form.filter.wish);
  return query;
}

}  // namespace

void RegisterLeadPages(web::App& app, storage::Database& database, const Clock& clock,
                       const engine::GridFile* grid, const display::Labels& labels) {
  app.Get(
      "/partenaire/{slug}/contacts",
      partners::Entitled(
          database, subscriptions::ProductCode::kBase,
          [&database, &clock, grid, &labels](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, database));
            FilterForm form = ReadFilter(context.request());
            storage::Connection connection = database.Acquire();
            const int64_t now = clock.NowSeconds();
            const PartnerLeads leads =
                LoadPartnerLeads(connection, access.partner.id, form.filter, now, labels);

            mstch::array people;
            for (size_t index = 0; index < leads.people.size() && index < kShownPeople; ++index) {
              const DisclosedLead& item = leads.people[index];
              mstch::array communes, tiles, sections;
              for (const std::string& code : item.lead.communes) {
                communes.push_back(mstch::map{{"code", code}, {"name", labels.Commune(code)}});
              }
              for (const std::string& tile : item.lead.tiles)
                tiles.push_back(mstch::map{{"id", tile}});
              for (const DisclosedSection& section : item.person.sections) {
                mstch::array fields;
                for (const DisclosedField& field : section.fields) {
                  fields.push_back(mstch::map{{"label", field.label}, {"value", field.value}});
                }
                sections.push_back(mstch::map{{"label", section.label}, {"fields", fields}});
              }
              people.push_back(mstch::map{
                  {"kind", std::string(LeadKindName(item.lead.kind))},
                  {"kind_label", std::string(LeadKindLabel(item.lead.kind))},
                  {"identity", item.person.identity()},
                  {"name", item.person.display_name.empty() ? std::string("(nom non renseigné)")
                                                            : item.person.display_name},
                  {"email", item.person.email},
                  {"first", display::Labels::Date(item.lead.first_at)},
                  {"last", display::Labels::Date(item.lead.last_at)},
                  {"communes", communes},
                  {"tiles", tiles},
                  {"has_tiles", !tiles.empty()},
                  {"green_tiles", display::Labels::Integer(item.lead.green_tiles)},
                  {"is_contact", item.lead.kind == LeadKind::kContact},
                  {"sections", sections},
                  {"has_sections", !sections.empty()}});
            }
            mstch::array series;
            for (const LeadCounts& point : leads.series) {
              series.push_back(mstch::map{{"date", FrenchDate(point.at)},
                                          {"contacts", std::to_string(point.contacts)},
                                          {"prospects", std::to_string(point.prospects)}});
            }
            // Communes to filter on: the territory's, by name.
            mstch::array communes;
            if (grid != nullptr) {
              Result<engine::Territory> territory =
                  partners::ResolveTerritory(connection, *grid, access.partner);
              if (territory.ok()) {
                std::vector<std::pair<std::string, std::string>> named;
                for (uint32_t index : territory->communes()) {
                  named.emplace_back(grid->communes()[index].name, grid->communes()[index].code);
                }
                std::sort(named.begin(), named.end());
                for (const auto& [name, code] : named) {
                  communes.push_back(mstch::map{
                      {"code", code}, {"name", name}, {"selected", code == form.filter.commune}});
                }
              }
            }
            mstch::array wishes;
            for (const char* kind : kWishKinds) {
              wishes.push_back(mstch::map{{"code", std::string(kind)},
                                          {"label", std::string(WishKindLabel(kind))},
                                          {"selected", form.filter.wish == kind}});
            }
            mstch::array errors;
            for (const std::string& error : form.errors)
              errors.push_back(mstch::map{{"message", error}});
            const std::string base = partners::PartnerBase(access.partner) + "/contacts";
            const std::string query = QueryString(form);
            mstch::array frequencies;
            for (partners::ReportFrequency frequency : partners::kReportFrequencies) {
              frequencies.push_back(
                  mstch::map{{"code", std::string(partners::ReportFrequencyName(frequency))},
                             {"label", std::string(partners::ReportFrequencyLabel(frequency))},
                             {"selected", frequency == access.partner.lead_report_frequency}});
            }
            return context.Page(
                "partner_leads",
                mstch::map{
                    {"title", "Contacts et prospects — " + access.partner.name},
                    {"partner", partners::PartnerData(access)},
                    {"contacts", std::to_string(leads.now.contacts)},
                    {"prospects", std::to_string(leads.now.prospects)},
                    {"anonymous_clicks", std::to_string(leads.now.anonymous_clicks)},
                    {"disclosed_total", std::to_string(leads.disclosed_total)},
                    {"shown", std::to_string(std::min(leads.people.size(), kShownPeople))},
                    {"matching", std::to_string(leads.people.size())},
                    {"truncated", leads.people.size() > kShownPeople},
                    {"people", people},
                    {"has_people", !people.empty()},
                    {"chart", CountsChart(leads.series)},
                    {"series", series},
                    {"communes", communes},
                    {"wishes", wishes},
                    {"from",
                     form.filter.from ? display::Labels::Date(*form.filter.from) : form.from_text},
                    {"to", form.filter.to ? display::Labels::Date(*form.filter.to) : form.to_text},
                    {"kind_contact", form.filter.kind == "contact"},
                    {"kind_prospect", form.filter.kind == "prospect"},
                    {"errors", errors},
                    {"has_errors", !errors.empty()},
                    {"report_frequencies", frequencies},
                    {"csv_href", base + "/export.csv" + query},
                    {"xlsx_href", base + "/export.xlsx" + query}});
          }));

  // The lead report's frequency (domain/leads/lead_report.hpp): the partner's administrators and
  // operators choose it; other staff see it.
  app.Post(
      "/partenaire/{slug}/contacts/rapport",
      partners::Entitled(
          database, subscriptions::ProductCode::kBase,
          [&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, database));
            if (!access.can_administer()) {
              return PermissionDenied(
                  "Seuls les administrateurs du partenaire choisissent la fréquence du rapport.");
            }
            const std::string value = context.request().Form("frequence").value_or("");
            std::optional<partners::ReportFrequency> frequency =
                partners::ParseReportFrequency(value);
            if (!frequency) {
              return InvalidArgument(
                  "Fréquence du rapport inconnue : « " + value.substr(0, 20) +
                      " » (choisissez chaque jour, chaque semaine, chaque mois ou jamais).",
                  "frequence");
            }
            storage::Connection connection = database.Acquire();
            VV_RETURN_IF_ERROR(partners::PartnerStore::SetLeadReportFrequency(
                connection, access.partner.id, *frequency));
            return Response::Redirect(partners::PartnerBase(access.partner) + "/contacts#rapport");
          }));

  app.Get(
      "/partenaire/{slug}/contacts/{file}",
      partners::Entitled(
          database, subscriptions::ProductCode::kBase,
          [&database, &clock, &labels](Context& context) -> Result<Response> {
            const std::string file = context.Param("file");
            if (file != "export.csv" && file != "export.xlsx") return NotFound("Page introuvable.");
            VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, database));
            FilterForm form = ReadFilter(context.request());
            if (!form.errors.empty()) return InvalidArgument(form.errors.front(), "du");
            storage::Connection connection = database.Acquire();
            const int64_t now = clock.NowSeconds();
            const exports::Table table = LeadTable(
                LoadPartnerLeads(connection, access.partner.id, form.filter, now, labels), labels);
            const std::string stem = "contacts-" + access.partner.slug + "-" + UtcDate(now);
            if (file == "export.csv") {
              return Response::Attachment(exports::TableCsv(table), "text/csv; charset=utf-8",
                                          stem + ".csv");
            }
            VV_ASSIGN_OR_RETURN(std::string xlsx, exports::TableXlsx(table));
            return Response::Attachment(
                std::move(xlsx),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                stem + ".xlsx");
          }));
}

}  // namespace vivrovert::leads
