// Quotes through the request pipeline, with the site `vivrovert serve` builds (TestSite):
// the public simulator and its JSON API, the "Bon pour demande de devis" form (CSRF, bad
// input naming the field, the per-network limit), the operator's list of requests waiting,
// quote creation with its preview, and the partner administrator's acceptance making the
// contract whose options switch on at the service start.
#include "web/quotes/quote_pages.hpp"

#include <gtest/gtest.h>

#include <string>

#include "domain/billing/money.hpp"
#include "domain/invoices/invoice_store.hpp"
#include "domain/invoices/invoicing.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/quotes/quote_store.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "support/pdf_text.hpp"
#include "support/test_site.hpp"

namespace vivrovert::quotes {
namespace {

using accounts::Role;
using billing::ProductCode;
using storage::Connection;
using subscriptions::SubscriptionStore;
using vivrovert::testing::Browser;
using vivrovert::testing::Contains;
using vivrovert::testing::Page;

// kTestNow is 2026-03-01 (Paris).
constexpr const char* kStart = "2026-03-10";

class QuotePagesTest : public ::testing::Test {
 protected:
  QuotePagesTest() {
    Connection connection = site_.db().Acquire();
    cahors_ =
        CreatePartner(connection, "CA du Grand Cahors", "grand-cahors", {{}, {"200023737"}, {}});
    figeac_ = CreatePartner(connection, "Ville de Figeac", "figeac", {{"46102"}, {}, {}});
    site_.CreateUser("operateur@exemple.fr", Role::kOperator);
    for (const auto& [email, partner, role] :
         std::vector<std::tuple<std::string, int64_t, partners::StaffRole>>{
             {"admin@cahors.fr", cahors_, partners::StaffRole::kAdmin},
             {"lecture@cahors.fr", cahors_, partners::StaffRole::kViewer},
             {"admin@figeac.fr", figeac_, partners::StaffRole::kAdmin}}) {
      const int64_t user_id = site_.CreateUser(email, Role::kPartnerStaff);
      EXPECT_TRUE(partners::PartnerStore::SetStaff(connection, partner, user_id, role,
                                                   site_.clock().NowSeconds())
                      .ok());
    }
  }

  int64_t CreatePartner(Connection& connection, const std::string& name, const std::string& slug,
                        engine::TerritoryCodes codes) {
    partners::PartnerInput input;
    input.kind =
        codes.communes.empty() ? partners::PartnerKind::kEpci : partners::PartnerKind::kCommune;
    input.name = name;
    input.slug = slug;
    input.territory = std::move(codes);
    auto created = partners::PartnerStore::Create(connection, input, site_.clock().NowSeconds());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    return created->id;
  }

  // An operator's quote for Cahors (options 1 and 3), sent to the partner: its id.
  int64_t SentQuote(Browser& operator_browser) {
    Page preview =
        operator_browser.Get("/operateur/devis/nouveau?partenaire=" + std::to_string(cahors_) +
                             "&type=epci&option1=1&option3=1&start=" + kStart);
    EXPECT_EQ(preview.status, 200) << preview.body;
    Page saved = operator_browser.Post("/operateur/devis", {{"partenaire", std::to_string(cahors_)},
                                                            {"amendment_of", ""},
                                                            {"type", "epci"},
                                                            {"options", "1,3"},
                                                            {"pvd_members", ""},
                                                            {"months", "12"},
                                                            {"start", kStart},
                                                            {"service_start", ""}});
    EXPECT_EQ(saved.status, 303) << saved.body;
    const std::string path = saved.location;
    EXPECT_TRUE(path.starts_with("/operateur/devis/")) << path;
    operator_browser.Get(path);
    Page sent = operator_browser.Post(path + "/envoyer", {});
    EXPECT_EQ(sent.status, 303) << sent.body;
    return std::stoll(path.substr(std::string("/operateur/devis/").size()));
  }

  vivrovert::testing::TestSite site_;
  int64_t cahors_ = 0;
  int64_t figeac_ = 0;
};

TEST_F(QuotePagesTest, SimulatorComputesOnTheServerWithoutSignIn) {
  Browser browser(site_.app());
  Page empty = browser.Get("/tarifs");
  ASSERT_EQ(empty.status, 200);
  EXPECT_TRUE(Contains(empty.body, "id=\"simulator\""));
  EXPECT_FALSE(Contains(empty.body, "id=\"quote-request\""));

  Page page = browser.Get("/tarifs?type=epci&option1=1&option2=1&start=2027-01-01&months=24");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(
      Contains(page.body, "id=\"monthly-ht\">" + billing::FormatEurosFrench(billing::Euros(2000))));
  EXPECT_TRUE(
      Contains(page.body, "id=\"total-ht\">" + billing::FormatEurosFrench(billing::Euros(48000))));
  // The 50 % at service start, three months after signature with option 2.
  // (mustache escapes '/'.)
  EXPECT_TRUE(Contains(page.body, "<td>01&#x2F;04&#x2F;2027</td><td>50 % du montant annuel"));
  EXPECT_TRUE(Contains(page.body, "id=\"quote-request\""));

  Page bad = browser.Get("/tarifs?type=ville&option1=1");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Contains(bad.body, "data-field=\"type\""));
  Page short_ = browser.Get("/tarifs?type=commune&months=6");
  EXPECT_EQ(short_.status, 400);
  EXPECT_TRUE(Contains(short_.body, "data-field=\"months\""));
}

TEST_F(QuotePagesTest, ApiAnswersTheCommandsJsonAndNamesTheBadField) {
  Browser browser(site_.app());
  Page quote = browser.Api("POST", "/api/v1/billing/quote",
                           R"({"type": "epci", "options": [1, 2], "start": "2027-01-01"})", false);
  ASSERT_EQ(quote.status, 200) << quote.body;
  EXPECT_EQ(quote.Json()["monthly_ht"], 2000.0);
  EXPECT_EQ(quote.Json()["lines"].size(), 3u);
  EXPECT_EQ(quote.Json()["schedule"][0]["amount_ht"], 7200.0);

  Page pvd = browser.Api(
      "POST", "/api/v1/billing/quote",
      R"({"type": "epci", "options": "1,2,3", "pvd_members": 4, "start": "2027-01-01"})", false);
  ASSERT_EQ(pvd.status, 200) << pvd.body;
  EXPECT_EQ(pvd.Json()["monthly_ht"], 3280.0);

  for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"type": "epci", "start": "2027-01-01", "months": 61})", "months"},
           {R"({"type": "epci", "start": "2027-02-30"})", "start"},
           {R"({"type": "epci", "start": "2027-01-01", "options": "4"})", "options"},
           {R"({"start": "2027-01-01"})", "type"}}) {
    Page refused = browser.Api("POST", "/api/v1/billing/quote", body, false);
    EXPECT_EQ(refused.status, 400) << body;
    EXPECT_EQ(refused.Json()["error"]["field"], field) << refused.body;
  }
}

TEST_F(QuotePagesTest, RequestFormNeedsCsrfConsentAndAGoodAddress) {
  Browser browser(site_.app());
  browser.Get("/tarifs?type=commune&option3=1");
  web::Fields form{{"type", "commune"},
                   {"options", "3"},
                   {"months", "24"},
                   {"start", "2026-03-01"},
                   {"organisation", "Mairie de Souillac"},
                   {"contact_name", "Camille Martin"},
                   {"email", "camille@souillac.fr"},
                   {"phone", ""},
                   {"message", "Bonjour"},
                   {"consent", "1"}};
  const std::string token = browser.csrf_token;
  browser.csrf_token = "faux";
  EXPECT_EQ(browser.Post("/tarifs/demande", form).status, 403);
  browser.csrf_token = token;
  EXPECT_EQ(site_.Count("quote_requests"), 0);

  web::Fields bad_email = form;
  bad_email[6].second = "camille";
  Page refused = browser.Post("/tarifs/demande", bad_email);
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(Contains(refused.body, "id=\"request-error\" data-field=\"email\""));
  EXPECT_TRUE(Contains(refused.body, "value=\"Mairie de Souillac\""));  // kept for correction
  web::Fields no_consent(form.begin(), form.end() - 1);
  EXPECT_TRUE(Contains(browser.Post("/tarifs/demande", no_consent).body, "data-field=\"consent\""));
  EXPECT_EQ(site_.Count("quote_requests"), 0);

  Page sent = browser.Post("/tarifs/demande", form);
  ASSERT_EQ(sent.status, 303) << sent.body;
  EXPECT_EQ(sent.location, "/tarifs/demande-envoyee");
  EXPECT_EQ(site_.Count("quote_requests",
                        "organisation = 'Mairie de Souillac' AND options = '3' "
                        "AND months = 24 AND consent = 1"),
            1);
  // Five a network an hour, the refused ones counted too (three so far): the sixth is refused.
  EXPECT_EQ(browser.Post("/tarifs/demande", form).status, 303);
  EXPECT_EQ(browser.Post("/tarifs/demande", form).status, 303);
  EXPECT_EQ(browser.Post("/tarifs/demande", form).status, 429);
  EXPECT_EQ(site_.Count("quote_requests"), 3);
}

TEST_F(QuotePagesTest, OperatorsSeeRequestsWaitingAndLateOnes) {
  {
    Connection connection = site_.db().Acquire();
    QuoteRequestForm form{"Mairie de Gourdon",
                          "commune",
                          "Alex Durand",
                          "alex@gourdon.fr",
                          "",
                          "1",
                          "",
                          "12",
                          "",
                          true};
    ASSERT_TRUE(QuoteRequestStore::Create(connection, form, site_.clock().NowSeconds()).ok());
  }
  Browser staff = site_.SignedIn("admin@cahors.fr");
  EXPECT_EQ(staff.Get("/operateur/devis").status, 404);

  Browser operator_browser = site_.SignedIn("operateur@exemple.fr");
  Page list = operator_browser.Get("/operateur/devis");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(Contains(list.body, "Mairie de Gourdon"));
  EXPECT_FALSE(Contains(list.body, "plus de 3 jours"));
  site_.clock().Advance(3 * 86400 + 60);
  list = operator_browser.Get("/operateur/devis");
  EXPECT_TRUE(Contains(list.body, "class=\"late\""));
  EXPECT_TRUE(Contains(list.body, "3 j 0 h <strong class=\"badge\">plus de 3 jours"));

  Connection connection = site_.db().Acquire();
  const std::string id = std::to_string(QuoteRequestStore::Waiting(connection).at(0).id);
  Page answered = operator_browser.Post("/operateur/demandes-devis/" + id + "/traitee", {});
  EXPECT_EQ(answered.status, 303);
  EXPECT_TRUE(Contains(operator_browser.Get("/operateur/devis").body, "id=\"no-requests\""));
}

TEST_F(QuotePagesTest, OperatorPreviewsThenCreatesANumberedQuote) {
  Browser operator_browser = site_.SignedIn("operateur@exemple.fr");
  Page preview =
      operator_browser.Get("/operateur/devis/nouveau?partenaire=" + std::to_string(cahors_) +
                           "&type=epci&option2=1&start=" + kStart);
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_TRUE(Contains(preview.body, "data-line=\"option2\""));
  EXPECT_TRUE(Contains(preview.body, "<option value=\"" + std::to_string(cahors_) +
                                         "\" selected>CA du Grand Cahors</option>"))
      << preview.body.substr(preview.body.find("q-partner"), 400);
  EXPECT_TRUE(Contains(preview.body, "recommandée pour 24 mois"));
  EXPECT_EQ(site_.Count("quotes"), 0);  // a preview saves nothing

  const int64_t id = SentQuote(operator_browser);
  Page page = operator_browser.Get("/operateur/devis/" + std::to_string(id));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Contains(page.body, "Devis n° D-2026-0001"));
  EXPECT_TRUE(Contains(page.body, "data-status=\"sent\""));
  EXPECT_TRUE(Contains(page.body, "Durée minimale du contrat : 12 mois"));
  EXPECT_EQ(site_.Count("quotes", "monthly_ht = 175000 AND status = 'sent'"), 1);

  Page pdf = operator_browser.Get("/operateur/devis/" + std::to_string(id) + "/devis.pdf");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.content_type, "application/pdf");
  const std::string text = vivrovert::testing::PdfText(pdf.body);
  for (const char* expected :
       {"Devis n° D-2026-0001", "CA du Grand Cahors", "Option 3 : compétences",
        "Devis valable jusqu'au 30/03/2026 inclus", "Durée minimale du contrat : 12 mois",
        "Bon pour accord", "30 % du montant de la première année"}) {
    EXPECT_TRUE(Contains(text, expected)) << expected << "\n" << text;
  }
  // The partner's staff get it too; another partner does not.
  Browser viewer = site_.SignedIn("lecture@cahors.fr");
  EXPECT_EQ(
      viewer.Get("/partenaire/grand-cahors/devis/" + std::to_string(id) + "/devis.pdf").status,
      200);
  Browser figeac = site_.SignedIn("admin@figeac.fr");
  EXPECT_EQ(figeac.Get("/partenaire/figeac/devis/" + std::to_string(id) + "/devis.pdf").status,
            404);

  Page missing = operator_browser.Post("/operateur/devis", {{"partenaire", ""}, {"type", "epci"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(Contains(missing.body, "data-field=\"partenaire\""));
}

TEST_F(QuotePagesTest, AdministratorAcceptsAndTheOptionsSwitchOnAtServiceStart) {
  Browser operator_browser = site_.SignedIn("operateur@exemple.fr");
  const int64_t id = SentQuote(operator_browser);
  const std::string path = "/partenaire/grand-cahors/devis/" + std::to_string(id);
  const web::Fields signature{{"name", "Dominique Admin"}, {"accord", "1"}};

  // Another partner's administrator does not see it; a viewer sees it but cannot accept.
  Browser figeac = site_.SignedIn("admin@figeac.fr");
  EXPECT_EQ(figeac.Get("/partenaire/figeac/devis/" + std::to_string(id)).status, 404);
  EXPECT_EQ(
      figeac.Post("/partenaire/figeac/devis/" + std::to_string(id) + "/accepter", signature).status,
      404);
  EXPECT_EQ(figeac.Post(path + "/accepter", signature).status, 404);
  Browser viewer = site_.SignedIn("lecture@cahors.fr");
  Page viewed = viewer.Get(path);
  ASSERT_EQ(viewed.status, 200);
  EXPECT_FALSE(Contains(viewed.body, "id=\"quote-accept\""));
  EXPECT_EQ(viewer.Post(path + "/accepter", signature).status, 403);
  // Operators act as administrators elsewhere, never as the collectivité's signature.
  EXPECT_EQ(operator_browser.Post(path + "/accepter", signature).status, 403);
  EXPECT_EQ(site_.Count("contracts"), 0);

  Browser admin = site_.SignedIn("admin@cahors.fr");
  Page page = admin.Get(path);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Contains(page.body, "id=\"quote-accept\""));
  Page unsigned_ = admin.Post(path + "/accepter", {{"name", "Dominique Admin"}});
  EXPECT_EQ(unsigned_.status, 400);
  EXPECT_TRUE(Contains(unsigned_.body, "data-field=\"accord\""));
  EXPECT_EQ(site_.Count("contracts"), 0);

  Page accepted = admin.Post(path + "/accepter", signature);
  ASSERT_EQ(accepted.status, 303) << accepted.body;
  EXPECT_TRUE(
      Contains(admin.Get(path).body, "Devis accepté (« Bon pour accord ») par Dominique Admin"));
  Connection connection = site_.db().Acquire();
  std::optional<QuoteRecord> quote = QuoteStore::Get(connection, id);
  EXPECT_EQ(quote->accepted_name, "Dominique Admin");
  EXPECT_FALSE(quote->accepted_ip.empty());
  ASSERT_TRUE(quote->contract_id.has_value());
  // Signed 2026-03-10, in service a month later.
  EXPECT_FALSE(
      SubscriptionStore::For(connection, cahors_, "2026-04-09").Has(ProductCode::kOption1));
  const subscriptions::Entitlements on = SubscriptionStore::For(connection, cahors_, "2026-04-10");
  EXPECT_TRUE(on.Has(ProductCode::kBase));
  EXPECT_TRUE(on.Has(ProductCode::kOption1));
  EXPECT_TRUE(on.Has(ProductCode::kOption3));
  EXPECT_FALSE(on.Has(ProductCode::kOption2));

  Page again = admin.Post(path + "/accepter", signature);
  EXPECT_EQ(again.status, 409);
  EXPECT_TRUE(Contains(again.body, "Ce devis a déjà été accepté."));
  EXPECT_EQ(site_.Count("contracts"), 1);
}

// The walk-through of issue 19: option 3 added to a contract in force, as an amendment.
TEST_F(QuotePagesTest, AmendmentAddsAnOptionUntilTheContractsEnd) {
  int64_t contract_id = 0;
  {
    Connection connection = site_.db().Acquire();
    subscriptions::NewContract contract;
    contract.partner_id = cahors_;
    contract.start_date = "2026-01-01";
    contract.service_start = "2026-01-01";
    contract.months = 12;
    contract.lines = {{ProductCode::kBase, {}}, {ProductCode::kOption1, {}}};
    auto created =
        SubscriptionStore::CreateContract(connection, contract, site_.clock().NowSeconds());
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    contract_id = created->id;
  }
  Browser operator_browser = site_.SignedIn("operateur@exemple.fr");
  const std::string query = "/operateur/devis/nouveau?partenaire=" + std::to_string(cahors_) +
                            "&amendment_of=" + std::to_string(contract_id) +
                            "&type=epci&option3=1&start=2026-03-10";
  Page preview = operator_browser.Get(query);
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_FALSE(Contains(preview.body, "data-line=\"base\""));  // the contract pays it
  EXPECT_TRUE(Contains(preview.body, "data-line=\"option3\""));
  EXPECT_TRUE(Contains(preview.body, "la durée minimale de 12 mois ne s&#39;applique pas"));
  // Ten months, 2026-03-10 to 2026-12-31, a month begun counting in full: 10 × 400 €.
  EXPECT_TRUE(Contains(preview.body,
                       "id=\"total-ht\">" + billing::FormatEurosFrench(billing::Euros(4000))));
  EXPECT_EQ(operator_browser.Get(query + "&option1=1").status, 400);  // already subscribed

  Page saved =
      operator_browser.Post("/operateur/devis", {{"partenaire", std::to_string(cahors_)},
                                                 {"amendment_of", std::to_string(contract_id)},
                                                 {"type", "epci"},
                                                 {"options", "3"},
                                                 {"start", "2026-03-10"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  operator_browser.Get(saved.location);
  ASSERT_EQ(operator_browser.Post(saved.location + "/envoyer", {}).status, 303);
  const std::string id = saved.location.substr(saved.location.rfind('/') + 1);

  Browser admin = site_.SignedIn("admin@cahors.fr");
  const std::string path = "/partenaire/grand-cahors/devis/" + id;
  EXPECT_TRUE(
      Contains(admin.Get(path).body, "avenant au contrat n° " + std::to_string(contract_id)));
  ASSERT_EQ(admin.Post(path + "/accepter", {{"name", "Dominique Admin"}, {"accord", "1"}}).status,
            303);
  // Once accepted, the amendment's page still shows it (what it added is not "already
  // subscribed" to itself).
  Page accepted = admin.Get(path);
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(admin.Get(path + "/devis.pdf").status, 200);
  Connection connection = site_.db().Acquire();
  std::vector<subscriptions::Contract> contracts =
      SubscriptionStore::ContractsOf(connection, cahors_);
  ASSERT_EQ(contracts.size(), 2u);
  const subscriptions::Contract& amendment =
      contracts[0].amends_contract_id ? contracts[0] : contracts[1];
  EXPECT_EQ(amendment.amends_contract_id, contract_id);
  EXPECT_EQ(amendment.end_date, "2026-12-31");
  EXPECT_FALSE(
      SubscriptionStore::For(connection, cahors_, "2026-04-09").Has(ProductCode::kOption3));
  EXPECT_TRUE(SubscriptionStore::For(connection, cahors_, "2026-04-10").Has(ProductCode::kOption3));
  EXPECT_FALSE(
      SubscriptionStore::For(connection, cahors_, "2027-01-01").Has(ProductCode::kOption3));

  // Signed for 2026-03-10: nothing is due yet. That night, the amendment's own short
  // schedule starts: 30 % of its 4 000 € HT.
  EXPECT_EQ(site_.Count("invoices"), 0);
  const invoices::IssueReport night = invoices::IssueDueInvoices(
      site_.db(), "2026-03-10", site_.clock().NowSeconds(), invoices::Seller{});
  EXPECT_EQ(night.invoices, 1);
  std::vector<invoices::Invoice> issued = invoices::InvoiceStore::OfPartner(connection, cahors_);
  ASSERT_EQ(issued.size(), 1u);
  EXPECT_EQ(issued[0].contract_id, amendment.id);
  EXPECT_EQ(issued[0].total_ht, billing::Euros(1200));
  EXPECT_TRUE(Contains(issued[0].label, "avenant")) << issued[0].label;
}

// The signature's invoice is issued at acceptance, and the partner reads it at once.
TEST_F(QuotePagesTest, AcceptanceIssuesTheInvoiceDueAtSignature) {
  Browser operator_browser = site_.SignedIn("operateur@exemple.fr");
  operator_browser.Get("/operateur/devis/nouveau?partenaire=" + std::to_string(cahors_));
  Page saved = operator_browser.Post("/operateur/devis", {{"partenaire", std::to_string(cahors_)},
                                                          {"amendment_of", ""},
                                                          {"type", "epci"},
                                                          {"options", "1"},
                                                          {"months", "12"},
                                                          {"start", "2026-03-01"}});  // today
  ASSERT_EQ(saved.status, 303) << saved.body;
  operator_browser.Get(saved.location);
  ASSERT_EQ(operator_browser.Post(saved.location + "/envoyer", {}).status, 303);
  const std::string id = saved.location.substr(saved.location.rfind('/') + 1);

  Browser admin = site_.SignedIn("admin@cahors.fr");
  const std::string path = "/partenaire/grand-cahors/devis/" + id;
  admin.Get(path);
  ASSERT_EQ(admin.Post(path + "/accepter", {{"name", "Dominique Admin"}, {"accord", "1"}}).status,
            303);
  // 1 100 + 250 € a month: 30 % of the first year, 4 860 € HT, 5 832 € TTC.
  EXPECT_EQ(site_.Count("invoices"), 1);
  Page invoices = admin.Get("/partenaire/grand-cahors/factures");
  ASSERT_EQ(invoices.status, 200) << site_.errors();
  EXPECT_TRUE(Contains(invoices.body, invoices::FormatInvoiceNumber(2026, 1)));
  EXPECT_TRUE(Contains(invoices.body, billing::FormatEurosFrench(billing::Euros(5832))));
  // The night's run finds it done.
  EXPECT_EQ(invoices::IssueDueInvoices(site_.db(), "2026-03-01", site_.clock().NowSeconds(),
                                       invoices::Seller{})
                .invoices,
            0);
}

TEST_F(QuotePagesTest, ExpiredQuoteCannotBeAccepted) {
  Browser operator_browser = site_.SignedIn("operateur@exemple.fr");
  const int64_t id = SentQuote(operator_browser);
  site_.clock().Advance(31 * 86400);
  Browser admin = site_.SignedIn("admin@cahors.fr");
  const std::string path = "/partenaire/grand-cahors/devis/" + std::to_string(id);
  EXPECT_TRUE(Contains(admin.Get(path).body, "Ce devis a expiré"));
  Page refused = admin.Post(path + "/accepter", {{"name", "Dominique Admin"}, {"accord", "1"}});
  EXPECT_EQ(refused.status, 409);
  EXPECT_TRUE(Contains(refused.body, "a expiré le 30&#x2F;03&#x2F;2026"));
  EXPECT_EQ(site_.Count("contracts"), 0);
}

}  // namespace
}  // namespace vivrovert::quotes
