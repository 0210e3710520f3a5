// Every back-office page, export and mail of the demo data reads out its stored values: no
// raw choice code ("job_seeker", "buy", "food_service"), no bare ROME code, no bare INSEE
// commune code. The demo is seeded as `vivrovert admin seed-demo` does (accounts, the Grand
// Cahors demo partner and its listings, its contract, four demo people and their leads) on a
// TestSite, then the partner's staff and the operator open each page and export, a visitor
// opens the public page of each demo listing, and the night's run writes the lead reports.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "domain/accounts/demo_accounts.hpp"
#include "domain/leads/demo_leads.hpp"
#include "domain/leads/lead_disclosure.hpp"
#include "domain/leads/lead_recorder.hpp"
#include "domain/leads/lead_rules.hpp"
#include "domain/listings/listing_schema.hpp"
#include "domain/partners/demo_partner.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/profiles/profile.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "jobs/nightly/nightly_run.hpp"
#include "support/test_site.hpp"
#include "support/zip_parts.hpp"

namespace vivrovert::display {
namespace {

using vivrovert::testing::Browser;
using vivrovert::testing::Page;

// Stored codes a person must never read: every choice code of the profile and listing
// fields, listing kinds and statuses, wish kinds; except those that read the same as their
// French label ("agriculture", "services").
std::set<std::string> RawCodes() {
  std::set<std::string> codes;
  auto add = [&codes](const std::string& code, const std::string& label) {
    std::string lower_label = label, lower_code = code;
    for (char& letter : lower_label) letter = static_cast<char>(std::tolower(letter));
    for (char& letter : lower_code) letter = static_cast<char>(std::tolower(letter));
    if (lower_label != lower_code) codes.insert(code);
  };
  std::vector<const listings::FieldSpec*> specs;
  for (const listings::FieldSpec& spec : profiles::ProfileFields()) specs.push_back(&spec);
  for (listings::Kind kind : listings::kAllKinds) {
    for (const listings::FieldSpec* spec : listings::AllFields(kind)) specs.push_back(spec);
    add(listings::KindName(kind), listings::KindLabel(kind));
  }
  for (const listings::FieldSpec* spec : specs) {
    for (const listings::Choice& choice : spec->choices) add(choice.code, choice.label);
  }
  for (const char* wish : leads::kWishKinds) add(wish, leads::WishKindLabel(wish));
  for (const char* status : {"active", "scheduled", "expired", "withdrawn"}) add(status, "");
  // Codes that are also words of French free text (a listing's title, "espace de coworking").
  codes.erase("coworking");
  return codes;
}

// What a person reads of an HTML page: no scripts, styles or tags (attributes hold codes on
// purpose: form values, data-* hooks).
std::string VisibleText(const std::string& html) {
  static const std::regex kScripts("<(script|style)[^>]*>[\\s\\S]*?</\\1>",
                                   std::regex::icase | std::regex::optimize);
  static const std::regex kTags("<[^>]*>", std::regex::optimize);
  return std::regex_replace(std::regex_replace(html, kScripts, " "), kTags, " ");
}

// The problems of `text`, one line each, naming `where`.
std::vector<std::string> Problems(const std::string& where, const std::string& text) {
  static const std::set<std::string> kRaw = RawCodes();
  std::vector<std::string> problems;
  auto context = [&text](size_t at) {
    const size_t from = at < 40 ? 0 : at - 40;
    return "…" + text.substr(from, 80) + "…";
  };
  // Words as typed: a reference such as "demo-poi-1" is one word, not the code "poi".
  static const std::regex kWord("[A-Za-z0-9_-]+", std::regex::optimize);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kWord);
       it != std::sregex_iterator(); ++it) {
    if (kRaw.count(it->str()) != 0) {
      problems.push_back(where + ": raw code « " + it->str() + " » in " +
                         context(static_cast<size_t>(it->position())));
    }
  }
  // A ROME code (letter A–N, four digits) or a commune code (five digits) stands alone
  // unless a name precedes it in parentheses: "Cahors (46042)".
  static const std::regex kCode("(^|[^A-Za-z0-9])([A-N][0-9]{4}|[0-9]{5})(?![0-9A-Za-z])",
                                std::regex::optimize);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kCode);
       it != std::sregex_iterator(); ++it) {
    const size_t at = static_cast<size_t>(it->position(2));
    const size_t after = at + it->str(2).size();
    const bool named = at >= 3 && text[at - 1] == '(' && text[at - 2] == ' ' &&
                       std::isspace(static_cast<unsigned char>(text[at - 3])) == 0 &&
                       after < text.size() && text[after] == ')';
    if (!named) problems.push_back(where + ": bare code « " + it->str(2) + " » in " + context(at));
  }
  return problems;
}

// The cells of a CSV export (';', RFC 4180 quotes), by row.
std::vector<std::vector<std::string>> CsvCells(const std::string& body) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (size_t at = 0; at < body.size(); ++at) {
    const char c = body[at];
    if (quoted) {
      if (c == '"' && at + 1 < body.size() && body[at + 1] == '"') {
        cell += '"';
        ++at;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ';') {
      rows.back().push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      rows.back().push_back(std::move(cell));
      cell.clear();
      rows.emplace_back();
    } else if (c != '\r') {
      cell += c;
    }
  }
  if (!cell.empty()) rows.back().push_back(cell);
  return rows;
}

class DemoLabelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::Database& database = site_.db();
    const Clock& clock = site_.clock();
    auto accounts = accounts::SeedDemoAccounts(database, vivrovert::testing::TestHasher(), clock,
                                               vivrovert::testing::kTestPassword);
    ASSERT_TRUE(accounts.ok()) << accounts.status().message();
    auto partner =
        partners::SeedDemoPartner(database, site_.site().listings(), accounts->back().user.id);
    ASSERT_TRUE(partner.ok()) << partner.status().message();
    partner_ = partner->partner;
    storage::Connection connection = database.Acquire();
    ASSERT_TRUE(subscriptions::SubscriptionStore::SeedDemoContract(connection, partner_.id,
                                                                   "2026-03-01", clock.NowSeconds())
                    .ok());
    const engine::SearchBackend& search = site_.site().search();
    leads::LeadRecorder recorder(*search.grid, *search.engine);
    auto people =
        leads::SeedDemoLeads(database, *search.grid, recorder, vivrovert::testing::TestHasher(),
                             clock, vivrovert::testing::kTestPassword, partner_.id);
    ASSERT_TRUE(people.ok()) << people.status().message();
    ASSERT_EQ(people->people_created, 4);
  }

  void Check(const std::string& where, const std::string& text) {
    for (const std::string& problem : Problems(where, text)) ADD_FAILURE() << problem;
  }

  vivrovert::testing::TestSite site_;
  partners::Partner partner_;
};

TEST(DemoLabelsRuleTest, TheCheckFindsRawValuesAndBareCodes) {
  EXPECT_EQ(Problems("t", "Situation : job_seeker").size(), 1u);
  EXPECT_EQ(Problems("t", "Métiers : A1405, N4101").size(), 2u);
  EXPECT_EQ(Problems("t", "Commune : 46191 ≈").size(), 1u);
  EXPECT_EQ(Problems("t", "Code ROME N9999 (intitulé inconnu)").size(), 1u);
  EXPECT_TRUE(Problems("t", "Référence demo-poi-1, espace de coworking").empty());
  EXPECT_EQ(Problems("t", "Commune 46042 (nom inconnu)").size(), 1u);
  EXPECT_TRUE(Problems("t", "Situation : En recherche d'emploi").empty());
  EXPECT_TRUE(Problems("t", "Arboriculture et viticulture (A1405), Cahors (46042)").empty());
  EXPECT_TRUE(Problems("t", "Dalle CRS3035RES1000mN2410000E3639000, 230\u00a0000 €").empty());
}

TEST_F(DemoLabelsTest, EveryBackOfficePageExportAndMailReadsOutItsValues) {
  const std::string base = "/partenaire/" + partner_.slug;
  Browser staff = site_.SignedIn(accounts::kDemoPartnerEmail);
  for (const std::string& page : {base, base + "/contacts", base + "/carte", base + "/import",
                                  base + "/equipe", base + "/abonnement", base + "/devis"}) {
    Page got = staff.Get(page);
    ASSERT_EQ(got.status, 200) << page;
    Check(page, VisibleText(got.body));
  }
  // The contacts page does show the details that were stored as codes.
  const std::string contacts = staff.Get(base + "/contacts").body;
  EXPECT_NE(contacts.find("En recherche d&#39;emploi"), std::string::npos);
  EXPECT_NE(contacts.find("Arboriculture et viticulture (A1405)"), std::string::npos);
  EXPECT_NE(contacts.find("Café, hôtel, restaurant"), std::string::npos);
  EXPECT_NE(contacts.find("Maison"), std::string::npos);

  Page csv = staff.Get(base + "/contacts/export.csv");
  ASSERT_EQ(csv.status, 200);
  // Each cell, but the numbers of numeric columns (amounts, counts), which stay numbers for
  // the spreadsheet.
  const auto cells = CsvCells(csv.body);
  ASSERT_GE(cells.size(), 2u);
  static const std::regex kNumber("[0-9]+([.,][0-9]+)?");
  for (size_t row = 0; row < cells.size(); ++row) {
    for (size_t column = 0; column < cells[row].size(); ++column) {
      const std::string& header = column < cells[0].size() ? cells[0][column] : "";
      if (std::regex_match(cells[row][column], kNumber) &&
          header.find("ommune") == std::string::npos)
        continue;
      Check("contacts/export.csv, " + header, cells[row][column]);
    }
  }
  EXPECT_NE(csv.body.find("Conduite de transport de marchandises sur longue distance (N4101)"),
            std::string::npos);
  Page xlsx = staff.Get(base + "/contacts/export.xlsx");
  ASSERT_EQ(xlsx.status, 200);
  const auto parts = vivrovert::testing::UnzipParts(xlsx.body);
  ASSERT_TRUE(parts.contains("xl/sharedStrings.xml"));
  Check("contacts/export.xlsx", VisibleText(parts.at("xl/sharedStrings.xml")));

  Browser operator_browser = site_.SignedIn(accounts::kDemoOperatorEmail);
  for (const std::string& page : {std::string("/operateur"), std::string("/operateur/devis")}) {
    Page got = operator_browser.Get(page);
    ASSERT_EQ(got.status, 200) << page;
    Check(page, VisibleText(got.body));
  }

  // The public page of each demo listing (/annonces/{id}, linked from the mails and the
  // search): job titles beside their ROME code, choices by their label.
  {
    Browser visitor(site_.app());
    int pages = 0;
    storage::Connection connection = site_.db().Acquire();
    for (const storage::Row& row : connection.Query(
             "SELECT id, kind FROM listings WHERE partner_id = $1 ORDER BY id", {partner_.id})) {
      const std::string page = "/annonces/" + std::to_string(row.Int(0));
      Page got = visitor.Get(page);
      if (row.Text(1) == "cv") {
        EXPECT_EQ(got.status, 404) << page << ": CVs are private";
        continue;
      }
      ASSERT_EQ(got.status, 200) << page;
      ++pages;
      // A postcode (and the address holding it) is five digits but no commune code.
      static const std::regex kPostal("<dt>(Code postal|Adresse)</dt><dd>[^<]*</dd>");
      Check(page, VisibleText(std::regex_replace(got.body, kPostal, " ")));
      if (got.body.find("Infirmier ou infirmière en EHPAD") != std::string::npos) {
        EXPECT_NE(got.body.find("(J1506)</dd>"), std::string::npos) << got.body;
        EXPECT_EQ(got.body.find("<dd>J1506</dd>"), std::string::npos);
        EXPECT_NE(got.body.find("<dd>CDI</dd>"), std::string::npos);
      }
    }
    EXPECT_GE(pages, 5);
  }

  // The lead reports of January and February (monthly, the demo partner's default).
  for (const char* run_date : {"2026-02-01", "2026-03-01"})
    site_.site().nightly_run().Run(run_date);
  storage::Connection connection = site_.db().Acquire();
  int reports = 0;
  for (const storage::Row& row :
       connection.Query("SELECT subject, body_text, body_html FROM mail_outbox WHERE "
                        "idempotency_key LIKE 'lead_report:%' ORDER BY id")) {
    ++reports;
    Check("lead report subject", row.Text(0));
    Check("lead report text", row.Text(1));
    Check("lead report html", VisibleText(row.Text(2)));
    if (row.Text(1).find("En recherche d'emploi") != std::string::npos) {
      EXPECT_NE(row.Text(1).find("Arboriculture et viticulture (A1405)"), std::string::npos);
    }
  }
  EXPECT_GE(reports, 2);
  EXPECT_GE(site_.Count("mail_outbox", "body_text LIKE '%En recherche d''emploi%'"), 1);
}

}  // namespace
}  // namespace vivrovert::display
