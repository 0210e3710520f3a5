#include "domain/demand/barometer_report.hpp"

#include <algorithm>
#include <cstdio>

#include "core/common/text.hpp"

namespace vivrovert::demand {

namespace {

std::string WithUnit(double value, const std::string& unit) {
  return unit.empty() ? FrenchNumber(value) : FrenchNumber(value) + " " + unit;
}

std::string BoundsText(const CriterionRetreat& row) {
  if (!row.bounds) return "—";
  const BoundsAsked& bounds = *row.bounds;
  return std::string(bounds.upper ? "maximum" : "minimum") + " : " +
         WithUnit(bounds.lowest, row.unit) + " · " + WithUnit(bounds.quartile1, row.unit) + " · " +
         WithUnit(bounds.median, row.unit) + " · " + WithUnit(bounds.quartile3, row.unit) + " · " +
         WithUnit(bounds.highest, row.unit);
}

std::string NeededText(const CriterionRetreat& row) {
  if (!row.needed) return "—";
  return std::string(row.needed_upper ? "≤ " : "≥ ") + WithUnit(*row.needed, row.unit);
}

}  // namespace

std::string FrenchNumber(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  std::string text(buffer);
  if (text.find('.') != std::string::npos) {
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

std::string FrenchPercent(double share) { return FrenchNumber(share * 100.0, 1) + " %"; }

documents::BarChart WeeksChart(const BarometerFigures& figures) {
  documents::BarChart chart;
  chart.caption = "Recherches par semaine : toutes, et celles rendant le territoire vert";
  for (const WeekPoint& week : figures.weeks) {
    chart.labels.push_back("semaine du " + FrenchDay(week.first_day));
    chart.totals.push_back(static_cast<double>(week.searches));
    chart.parts.push_back(static_cast<double>(week.green));
  }
  chart.total_legend = "Recherches pouvant atteindre le territoire";
  chart.part_legend = "dont rendant le territoire vert";
  return chart;
}

documents::BarChart RetreatChart(const BarometerFigures& figures) {
  documents::BarChart chart;
  chart.caption =
      "Par critère : recherches l'exigeant, et celles qu'il a seul empêchées de rendre le "
      "territoire vert";
  chart.horizontal = true;
  chart.part_is_alert = true;
  const size_t shown = std::min(figures.criteria.size(), kRetreatChartRows);
  for (size_t row_idx = 0; row_idx < shown; ++row_idx) {
    const CriterionRetreat& row = figures.criteria[row_idx];
    chart.labels.push_back(row.label);
    chart.totals.push_back(static_cast<double>(row.asked));
    chart.parts.push_back(static_cast<double>(row.blocked));
  }
  chart.total_legend = "Recherches exigeant le critère";
  chart.part_legend = "dont bloquées par lui seul";
  return chart;
}

void AddDemoNotice(documents::PdfDocument& pdf, const BarometerFigures& figures) {
  if (!figures.demo) return;
  pdf.AddParagraph(
      "Démo : ces chiffres comprennent une demande de démonstration, générée à partir des "
      "profils prêts à l'emploi de la recherche ; elle ne vient d'aucune personne réelle.",
      true);
}

void AddBarometerSections(documents::PdfDocument& pdf, const BarometerFigures& figures) {
  pdf.AddHeading("Demande");
  pdf.AddParagraph(
      std::to_string(figures.searches) + " recherche(s) pouvaient atteindre votre territoire ; " +
      std::to_string(figures.green) + " l'ont rendu vert" +
      (figures.searches > 0 ? " (" +
                                  FrenchPercent(static_cast<double>(figures.green) /
                                                static_cast<double>(figures.searches)) +
                                  ")."
                            : "."));
  if (figures.share_recent && figures.share_before) {
    pdf.AddParagraph("Part des recherches rendant votre territoire vert : " +
                     FrenchPercent(*figures.share_recent) + " sur les 30 derniers jours, contre " +
                     FrenchPercent(*figures.share_before) + " sur les 30 jours précédents.");
  }
  if (!figures.weeks.empty()) {
    pdf.AddBarChart(WeeksChart(figures));
    documents::Table weeks;
    weeks.columns = {{"Semaine du", 2, false},
                     {"Recherches", 1, true},
                     {"Rendant le territoire vert", 1.5, true}};
    for (const WeekPoint& week : figures.weeks) {
      weeks.rows.push_back(
          {FrenchDay(week.first_day), std::to_string(week.searches), std::to_string(week.green)});
    }
    weeks.summary_rows.push_back(
        {"Total", std::to_string(figures.searches), std::to_string(figures.green)});
    pdf.AddTable(std::move(weeks));
  }
  pdf.AddHeading("Critères en recul");
  if (figures.criteria.empty()) {
    pdf.AddParagraph("Aucun critère exigé sur la période.");
  } else {
    pdf.AddParagraph(
        "Pour chaque critère exigé : les recherches l'exigeant, celles que ce seul critère a "
        "empêchées de rendre votre territoire vert (calcul exact du moteur), les seuils "
        "demandés (min. · 1er quartile · médiane · 3e quartile · max.), la part de vos dalles "
        "les respectant et le seuil qu'il aurait fallu (médiane).");
    pdf.AddBarChart(RetreatChart(figures));
    documents::Table table;
    table.columns = {{"Critère", 2, false},         {"Exigé", 0.8, true},
                     {"Bloqué seul", 0.9, true},    {"Seuils demandés", 3, false},
                     {"Dalles conformes", 1, true}, {"Seuil nécessaire", 1.3, false}};
    for (const CriterionRetreat& row : figures.criteria) {
      table.rows.push_back(
          {row.label, std::to_string(row.asked), std::to_string(row.blocked), BoundsText(row),
           row.bounds ? FrenchPercent(row.bounds->territory_share) : "—", NeededText(row)});
    }
    pdf.AddTable(std::move(table));
  }
}

std::vector<std::string> BarometerSources(const ReportHeading& heading) {
  return {
      "Sources : les recherches faites sur VivroVert (heure, critères et seuils, sans "
      "aucune donnée sur la personne) ; les valeurs des dalles de la grille construite "
      "le " +
      heading.grid_built + " à partir des données publiques décrites sur chaque critère."};
}

documents::PdfDocument BarometerPdf(const BarometerFigures& figures, const ReportHeading& heading) {
  documents::PdfDocument pdf;
  pdf.SetTitle("Diagnostic d'attractivité — " + heading.partner_name);
  pdf.AddParagraph("Établi le " + FrenchDay(heading.issued_on) + ", sur la demande du " +
                   FrenchDay(figures.first_day) + " au " + FrenchDay(figures.last_day) + ".");
  AddDemoNotice(pdf, figures);
  AddBarometerSections(pdf, figures);
  pdf.SetFooter(BarometerSources(heading));
  return pdf;
}

exports::Table BarometerTable(const BarometerFigures& figures) {
  exports::Table table;
  table.sheet_name = "Baromètre";
  table.columns = {"Critère",
                   "Identifiant",
                   "Recherches l'exigeant",
                   "dont rendant le territoire vert",
                   "Bloquées par ce seul critère",
                   "Sens du seuil",
                   "Seuil min.",
                   "1er quartile",
                   "Médiane",
                   "3e quartile",
                   "Seuil max.",
                   "Part des dalles respectant le seuil",
                   "Seuil qu'il aurait fallu (médiane)",
                   "Période",
                   "Démo"};
  const std::string period = figures.first_day + " / " + figures.last_day;
  const std::string demo = figures.demo ? "oui" : "non";
  using exports::Cell;
  table.rows.push_back({Cell::Text("(toutes les recherches)"), Cell::Text(""),
                        Cell::Number(static_cast<double>(figures.searches)),
                        Cell::Number(static_cast<double>(figures.green)), Cell::Empty(),
                        Cell::Empty(), Cell::Empty(), Cell::Empty(), Cell::Empty(), Cell::Empty(),
                        Cell::Empty(), Cell::Empty(), Cell::Empty(), Cell::Text(period),
                        Cell::Text(demo)});
  for (const CriterionRetreat& row : figures.criteria) {
    std::vector<Cell> cells = {Cell::Text(row.label), Cell::Text(row.criterion),
                               Cell::Number(static_cast<double>(row.asked)),
                               Cell::Number(static_cast<double>(row.green)),
                               Cell::Number(static_cast<double>(row.blocked))};
    if (row.bounds) {
      cells.push_back(Cell::Text(row.bounds->upper ? "maximum" : "minimum"));
      for (double value : {row.bounds->lowest, row.bounds->quartile1, row.bounds->median,
                           row.bounds->quartile3, row.bounds->highest})
        cells.push_back(Cell::Number(value));
      cells.push_back(Cell::Number(row.bounds->territory_share));
    } else {
      for (int empty = 0; empty < 7; ++empty) cells.push_back(Cell::Empty());
    }
    cells.push_back(row.needed ? Cell::Number(*row.needed) : Cell::Empty());
    cells.push_back(Cell::Text(period));
    cells.push_back(Cell::Text(demo));
    table.rows.push_back(std::move(cells));
  }
  return table;
}

}  // namespace vivrovert::demand
