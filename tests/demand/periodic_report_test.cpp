// The periodic barometer, on each backend, over the grid of the Lot: the schedule from the
// day option 1 starts (the clock and the run dates injected), the figures of each period
// and their comparison with the previous report, one mail per report and recipient, the
// report's PDF (text extracted: the comparison and the charts' captions), the frequency
// operators set, and the entitlement gate.
#include "domain/demand/periodic_report.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "domain/demand/demand_recorder.hpp"
#include "domain/demand/report_store.hpp"
#include "domain/mail/opt_outs.hpp"
#include "domain/mail/unsubscribe.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "engine/engine.hpp"
#include "support/pdf_text.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"
#include "support/zip_parts.hpp"

namespace vivrovert::demand {
namespace {

using nlohmann::json;
using storage::Connection;
using subscriptions::ProductCode;
using vivrovert::testing::Browser;
using vivrovert::testing::TestSite;

json Request(json criteria) { return {{"level", "1km"}, {"criteria", std::move(criteria)}}; }
// Green on every tile of the Lot.
json StationAnywhere() {
  return {{"criterion", "dist_station_km"}, {"max", 1000}, {"importance", "required"}};
}
// Green nowhere, and this criterion alone to blame.
json ImpossibleDensity() {
  return {{"criterion", "density"}, {"min", 1e9}, {"importance", "required"}};
}

// Whitespace runs as one space: pdftotext -layout pads table cells.
std::string Squeezed(const std::string& text) {
  return std::regex_replace(text, std::regex("[ \t]+"), " ");
}

TEST(ReportScheduleTest, TheDiagnosticBeforeTheStartThenEveryNMonths) {
  std::optional<DueReport> due = NextReport("2026-01-01", 6, std::nullopt);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(due->kind, ReportKind::kDiagnostic);
  EXPECT_EQ(due->first_day, "2025-10-03");  // the 90 days before the start
  EXPECT_EQ(due->last_day, "2025-12-31");
  EXPECT_EQ(due->due_on, "2026-01-01");
  EXPECT_EQ(PeriodDays(due->first_day, due->last_day), kDiagnosticDays);

  due = NextReport("2026-01-01", 6, "2025-12-31");
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(due->kind, ReportKind::kBarometer);
  EXPECT_EQ(due->first_day, "2026-01-01");
  EXPECT_EQ(due->last_day, "2026-06-30");
  EXPECT_EQ(due->due_on, "2026-07-01");
  EXPECT_EQ(due->months, 6);

  // Three months from the end of a month, then a new contract after a gap.
  due = NextReport("2026-01-01", 3, "2026-01-30");
  EXPECT_EQ(due->first_day, "2026-01-31");
  EXPECT_EQ(due->last_day, "2026-04-29");
  EXPECT_EQ(due->due_on, "2026-04-30");
  due = NextReport("2027-03-01", 12, "2026-06-30");
  EXPECT_EQ(due->first_day, "2027-03-01");
  EXPECT_EQ(due->last_day, "2028-02-29");
  EXPECT_FALSE(NextReport("2026-02-30", 6, std::nullopt).has_value());
}

TEST(ReportScheduleTest, ComparisonKeepsBothPeriodsCriteria) {
  BarometerFigures before;
  before.first_day = "2025-10-03";
  before.last_day = "2025-12-31";
  before.searches = 2;
  before.green = 1;
  before.criteria = {{"density", "Densité", "", 1, 0, 1, std::nullopt, std::nullopt, false},
                     {"dist_gp_km", "Médecin", "km", 1, 1, 0, std::nullopt, std::nullopt, true}};
  BarometerFigures now = before;
  now.first_day = "2026-01-01";
  now.last_day = "2026-06-30";
  now.searches = 5;
  now.green = 3;
  now.criteria = {{"density", "Densité", "", 2, 0, 2, std::nullopt, std::nullopt, false}};
  const ReportComparison comparison = CompareReports(before, now);
  EXPECT_EQ(comparison.days_before, 90);
  EXPECT_EQ(comparison.days_now, 181);
  ASSERT_EQ(comparison.criteria.size(), 2u);
  EXPECT_EQ(comparison.criteria[0].criterion, "density");
  EXPECT_EQ(comparison.criteria[0].blocked_before, 1);
  EXPECT_EQ(comparison.criteria[0].blocked_now, 2);
  EXPECT_EQ(comparison.criteria[1].criterion, "dist_gp_km");  // no longer asked
  EXPECT_EQ(comparison.criteria[1].asked_before, 1);
  EXPECT_EQ(comparison.criteria[1].asked_now, 0);
  EXPECT_EQ(SignedCount(3), "+3");
  EXPECT_EQ(SignedCount(-2), "−2");
  EXPECT_EQ(SignedPoints(0.1), "+10 pt");
  // Stored and read back unchanged.
  std::optional<BarometerFigures> read = FiguresFromJson(FiguresToJson(now));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(FiguresToJson(*read), FiguresToJson(now));
  EXPECT_FALSE(FiguresFromJson("{\"first_day\": 1}").has_value());
}

class PeriodicReportTest : public ::testing::Test {
 protected:
  PeriodicReportTest() {
    Connection connection = site_.db().Acquire();
    cahors_ = CreatePartner(connection, "cahors", "46042");
    figeac_ = CreatePartner(connection, "figeac", "46102");
    testing::Subscribe(connection, cahors_, {ProductCode::kBase, ProductCode::kOption1});
    testing::Subscribe(connection, figeac_);  // the base service only
    for (const char* email : {"agent@cahors.fr", "elu@cahors.fr", "parti@cahors.fr"})
      AddStaff(connection, cahors_, email);
    AddStaff(connection, figeac_, "agent@figeac.fr");
    mail::OptOut(connection, staff_["parti@cahors.fr"], mail::MailList::kLeadReports,
                 site_.clock().NowSeconds());
    site_.CreateUser("operateur@vivrovert.fr", accounts::Role::kOperator);
  }

  int64_t CreatePartner(Connection& connection, const std::string& slug, const std::string& code) {
    partners::PartnerInput input;
    input.kind = partners::PartnerKind::kCommune;
    input.name = "Ville " + slug;
    input.slug = slug;
    input.territory = {{code}, {}, {}};
    auto created = partners::PartnerStore::Create(connection, input, site_.clock().NowSeconds());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    return created->id;
  }

  void AddStaff(Connection& connection, int64_t partner, const std::string& email) {
    const int64_t user = site_.CreateUser(email, accounts::Role::kPartnerStaff, "Agent");
    staff_[email] = user;
    ASSERT_TRUE(partners::PartnerStore::SetStaff(connection, partner, user,
                                                 partners::StaffRole::kViewer,
                                                 site_.clock().NowSeconds())
                    .ok());
  }

  // Noon (Paris) of `day`.
  int64_t Noon(const std::string& day) { return *ParisDayStart(day) + 12 * 3600; }

  void Record(const json& request, const std::string& day) {
    site_.site().demand()->RecordAt(*engine::ParseSearchRequest(request, site_.grid()), "",
                                    Noon(day), false);
  }

  nightly::NightlyReport RunNight(const std::string& day) {
    site_.clock().Set(Noon(day) - 10 * 3600);  // 2 a.m. in Paris, at most
    return site_.site().nightly_run().Run(day);
  }

  int64_t Mails(const std::string& where = "") {
    return site_.Count("mail_outbox", "idempotency_key LIKE 'barometer_report:%'" +
                                          (where.empty() ? "" : " AND " + where));
  }

  TestSite site_;
  int64_t cahors_ = 0;
  int64_t figeac_ = 0;
  std::map<std::string, int64_t> staff_;
};

TEST_F(PeriodicReportTest, DiagnosticThenBarometerComparedAndMailedOncePerRecipient) {
  // Before option 1 starts (2026-01-01): 2 searches, 1 green, 1 blocked by the density
  // alone. In its first six months: 5 searches, 3 green, 2 blocked.
  Record(Request({StationAnywhere()}), "2025-12-10");
  Record(Request({StationAnywhere(), ImpossibleDensity()}), "2025-12-11");
  for (const char* day : {"2026-01-05", "2026-01-20", "2026-02-02"})
    Record(Request({StationAnywhere()}), day);
  for (const char* day : {"2026-01-06", "2026-02-03"})
    Record(Request({StationAnywhere(), ImpossibleDensity()}), day);
  site_.site().demand()->Flush();

  // The first night with option 1 in force issues the diagnostic; Figeac, without the
  // option, gets nothing.
  nightly::NightlyReport night = RunNight("2026-03-01");
  EXPECT_EQ(night.barometer_reports, 1);
  EXPECT_EQ(night.barometer_mails, 2);  // the third staff member left the reports list
  EXPECT_EQ(site_.Count("barometer_reports", "partner_id = " + std::to_string(figeac_)), 0);
  {
    Connection connection = site_.db().Acquire();
    const std::vector<StoredReport> reports = ReportStore::List(connection, cahors_);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0].kind, ReportKind::kDiagnostic);
    EXPECT_EQ(reports[0].first_day, "2025-10-03");
    EXPECT_EQ(reports[0].last_day, "2025-12-31");
    EXPECT_EQ(reports[0].issued_on, "2026-03-01");
    EXPECT_EQ(reports[0].recipients, 2);
    const BarometerFigures figures = *FiguresFromJson(reports[0].figures);
    EXPECT_EQ(figures.searches, 2);
    EXPECT_EQ(figures.green, 1);
  }
  for (const char* email : {"agent@cahors.fr", "elu@cahors.fr"})
    EXPECT_EQ(Mails("to_address = '" + std::string(email) + "'"), 1) << email;
  EXPECT_EQ(Mails("to_address = 'parti@cahors.fr'"), 0);

  // Run again that night, and the nights before the six months: nothing more.
  EXPECT_EQ(RunNight("2026-03-01").barometer_reports, 0);
  EXPECT_EQ(RunNight("2026-06-30").barometer_reports, 0);
  EXPECT_EQ(Mails(), 2);

  // Six months after the start: the barometer of 2026-01-01 … 2026-06-30, compared.
  night = RunNight("2026-07-01");
  EXPECT_EQ(night.barometer_reports, 1);
  EXPECT_EQ(night.barometer_mails, 2);
  EXPECT_EQ(RunNight("2026-07-01").barometer_mails, 0);
  EXPECT_EQ(Mails(), 4);
  StoredReport barometer;
  {
    Connection connection = site_.db().Acquire();
    const std::vector<StoredReport> reports = ReportStore::List(connection, cahors_);
    ASSERT_EQ(reports.size(), 2u);
    barometer = reports[0];
  }
  EXPECT_EQ(barometer.kind, ReportKind::kBarometer);
  EXPECT_EQ(barometer.first_day, "2026-01-01");
  EXPECT_EQ(barometer.last_day, "2026-06-30");
  EXPECT_EQ(barometer.months, 6);
  const BarometerFigures figures = *FiguresFromJson(barometer.figures);
  EXPECT_EQ(figures.searches, 5);
  EXPECT_EQ(figures.green, 3);

  // The mail says the change.
  Connection connection = site_.db().Acquire();
  std::optional<storage::Row> mailed =
      connection.QueryOne("SELECT subject, body_text FROM mail_outbox WHERE idempotency_key = $1",
                          {"barometer_report:" + std::to_string(barometer.id) + ":" +
                           std::to_string(staff_["agent@cahors.fr"])});
  ASSERT_TRUE(mailed.has_value());
  EXPECT_EQ(mailed->Text(0),
            "Ville cahors : Baromètre d'attractivité (du 01/01/2026 au 30/06/2026)");
  const std::string text = mailed->Text(1);
  for (const char* expected :
       {"Évolution depuis le rapport du 03/10/2025 au 31/12/2025",
        "- Recherches pouvant atteindre le territoire : 2 → 5 +3",
        "- Recherches rendant le territoire vert : 1 → 3 +2",
        "- Part rendant le territoire vert : 50 % → 60 % +10 pt", "- Densité de population : 2 ; 2",
        "/partenaire/cahors/barometre/rapports/"}) {
    EXPECT_TRUE(testing::Contains(text, expected)) << expected << " in\n" << text;
  }

  // The page lists both; the report's PDF has the comparison and the charts.
  Browser agent = site_.SignedIn("agent@cahors.fr");
  testing::Page page = agent.Get("/partenaire/cahors/barometre");
  ASSERT_EQ(page.status, 200) << site_.errors();
  EXPECT_TRUE(testing::Contains(page.body, "id=\"barometer-reports\""));
  EXPECT_TRUE(
      testing::Contains(page.body, "<tr data-report=\"" + std::to_string(barometer.id) + "\">"));
  EXPECT_TRUE(
      testing::Contains(page.body, "<td class=\"searches\">5</td><td class=\"green\">3</td>"));
  EXPECT_TRUE(
      testing::Contains(page.body, "<td class=\"searches\">2</td><td class=\"green\">1</td>"));
  EXPECT_TRUE(testing::Contains(page.body, "<strong id=\"report-months\">6</strong>"));
  EXPECT_TRUE(testing::Contains(page.body, "la nuit du 01&#x2F;01&#x2F;2027") ||
              testing::Contains(page.body, "la nuit du 01/01/2027"))
      << page.body;
  EXPECT_FALSE(testing::Contains(page.body, "id=\"report-advice\""));
  EXPECT_FALSE(testing::Contains(page.body, "id=\"report-months-form\""));

  testing::Page pdf =
      agent.Get("/partenaire/cahors/barometre/rapports/" + std::to_string(barometer.id));
  ASSERT_EQ(pdf.status, 200) << pdf.body << site_.errors();
  EXPECT_EQ(pdf.content_type, "application/pdf");
  const std::string pdf_text = Squeezed(testing::PdfText(pdf.body));
  for (const char* expected :
       {"Baromètre d'attractivité — Ville cahors", "du 01/01/2026 au 30/06/2026 (181 jours)",
        "Évolution depuis le rapport précédent", "du 03/10/2025 au 31/12/2025 (90 jours)",
        "Recherches pouvant atteindre le territoire 2 5 +3",
        "Recherches rendant le territoire vert 1 3 +2",
        "Part rendant le territoire vert 50 % 60 % +10 pt",
        "Recherches par semaine : toutes, et celles rendant le territoire vert",
        "Recherches pouvant atteindre le territoire", "dont rendant le territoire vert",
        "Par critère : recherches l'exigeant", "dont bloquées par lui seul",
        "5 recherche(s) pouvaient atteindre votre territoire ; 3 l'ont rendu vert (60 %)"}) {
    EXPECT_TRUE(testing::Contains(pdf_text, expected)) << expected << " in\n" << pdf_text;
  }
  // The report's figures as an XLSX sheet: the searches and the criteria's labels.
  testing::Page xlsx = agent.Get("/partenaire/cahors/barometre/rapports/" +
                                 std::to_string(barometer.id) + "/chiffres.xlsx");
  ASSERT_EQ(xlsx.status, 200) << xlsx.body << site_.errors();
  EXPECT_EQ(xlsx.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  {
    const std::map<std::string, std::string> parts = testing::UnzipParts(xlsx.body);
    ASSERT_TRUE(parts.count("xl/worksheets/sheet1.xml")) << "not an XLSX workbook";
    const std::string& sheet = parts.at("xl/worksheets/sheet1.xml");
    const std::string& strings = parts.count("xl/sharedStrings.xml")
                                     ? parts.at("xl/sharedStrings.xml")
                                     : sheet;  // inline strings otherwise
    EXPECT_TRUE(testing::Contains(strings, "(toutes les recherches)"));
    EXPECT_TRUE(testing::Contains(strings, "Densité de population"));
    EXPECT_TRUE(testing::Contains(strings, "2026-01-01 / 2026-06-30")) << strings;
    // The first row's searches and green searches, as numbers (cells C2 and D2): 5 and 3.
    auto number_in = [&sheet](const std::string& cell) {
      std::smatch found;
      const std::regex value("<c r=\"" + cell + "\"[^>]*><v>([^<]*)</v>");
      return std::regex_search(sheet, found, value) ? found[1].str() : std::string("none");
    };
    EXPECT_EQ(number_in("C2"), "5") << sheet.substr(0, 3000);
    EXPECT_EQ(number_in("D2"), "3");
  }
  EXPECT_EQ(agent.Get("/partenaire/cahors/barometre/rapports/999999/chiffres.xlsx").status, 404);

  // The diagnostic's PDF, the first report: no comparison.
  {
    const std::vector<StoredReport> reports = ReportStore::List(connection, cahors_);
    testing::Page first =
        agent.Get("/partenaire/cahors/barometre/rapports/" + std::to_string(reports[1].id));
    ASSERT_EQ(first.status, 200);
    const std::string first_text = Squeezed(testing::PdfText(first.body));
    EXPECT_TRUE(testing::Contains(first_text, "Diagnostic initial d'attractivité — Ville cahors"));
    EXPECT_FALSE(testing::Contains(first_text, "Évolution depuis"));
  }
  // Another partner's report is not found; a partner without option 1 sees none.
  EXPECT_EQ(agent.Get("/partenaire/cahors/barometre/rapports/999999").status, 404);
  Browser figeac = site_.SignedIn("agent@figeac.fr");
  EXPECT_EQ(
      figeac.Get("/partenaire/figeac/barometre/rapports/" + std::to_string(barometer.id)).status,
      403);

  // The live diagnostic's PDF (the last 90 days) has its charts too.
  Record(Request({StationAnywhere(), ImpossibleDensity()}), "2026-06-20");
  site_.site().demand()->Flush();
  testing::Page diagnostic = agent.Get("/partenaire/cahors/barometre/diagnostic.pdf");
  ASSERT_EQ(diagnostic.status, 200);
  const std::string diagnostic_text = Squeezed(testing::PdfText(diagnostic.body));
  EXPECT_TRUE(testing::Contains(diagnostic_text, "Recherches par semaine"));
  EXPECT_TRUE(testing::Contains(diagnostic_text, "Par critère : recherches l'exigeant"));
}

TEST_F(PeriodicReportTest, OperatorsSetTheFrequencyWithTheAdviceBelowSixMonths) {
  RunNight("2026-03-01");  // the diagnostic
  Browser agent = site_.SignedIn("agent@cahors.fr");
  agent.Get("/partenaire/cahors/barometre");
  EXPECT_EQ(agent.Post("/partenaire/cahors/barometre/frequence", {{"mois", "3"}}).status, 403);

  Browser operator_browser = site_.SignedIn("operateur@vivrovert.fr");
  testing::Page page = operator_browser.Get("/partenaire/cahors/barometre");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(testing::Contains(page.body, "id=\"report-months-form\""));
  for (const char* bad : {"2", "13", "six", ""}) {
    testing::Page refused =
        operator_browser.Post("/partenaire/cahors/barometre/frequence", {{"mois", bad}});
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_TRUE(testing::Contains(refused.body, "Fréquence du baromètre invalide")) << bad;
  }
  testing::Page saved =
      operator_browser.Post("/partenaire/cahors/barometre/frequence", {{"mois", "3"}});
  EXPECT_EQ(saved.status, 303) << saved.body;
  page = agent.Get("/partenaire/cahors/barometre");
  EXPECT_TRUE(testing::Contains(page.body, "<strong id=\"report-months\">3</strong>"));
  EXPECT_TRUE(testing::Contains(page.body, "id=\"report-advice\""));
  EXPECT_TRUE(testing::Contains(page.body, "la nuit du 01&#x2F;04&#x2F;2026") ||
              testing::Contains(page.body, "la nuit du 01/04/2026"));

  // Three months after the start, the barometer of 2026-01-01 … 2026-03-31.
  EXPECT_EQ(RunNight("2026-03-31").barometer_reports, 0);
  EXPECT_EQ(RunNight("2026-04-01").barometer_reports, 1);
  Connection connection = site_.db().Acquire();
  const std::vector<StoredReport> reports = ReportStore::List(connection, cahors_);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].last_day, "2026-03-31");
  EXPECT_EQ(reports[0].months, 3);
  EXPECT_EQ(ReportStore::SetMonths(connection, cahors_, 13, 0).code(),
            StatusCode::kInvalidArgument);
}

// Missed nights are caught up in order; only the latest report is mailed.
TEST_F(PeriodicReportTest, MissedReportsAreIssuedInOrderAndOnlyTheLatestMailed) {
  Connection connection = site_.db().Acquire();
  ASSERT_TRUE(ReportStore::SetMonths(connection, cahors_, 3, 0).ok());
  RunNight("2026-10-02");  // diagnostic, then Jan–Mar, Apr–Jun, Jul–Sep
  const std::vector<StoredReport> reports = ReportStore::List(connection, cahors_);
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_EQ(reports[0].first_day, "2026-07-01");
  EXPECT_EQ(reports[0].last_day, "2026-09-30");
  EXPECT_EQ(reports[3].kind, ReportKind::kDiagnostic);
  EXPECT_EQ(Mails(), 2);
  EXPECT_EQ(
      Mails("idempotency_key LIKE 'barometer_report:" + std::to_string(reports[0].id) + ":%'"), 2);
}

}  // namespace
}  // namespace vivrovert::demand
