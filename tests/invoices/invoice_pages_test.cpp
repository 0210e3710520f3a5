// Invoices on the web, through the server's own wiring (TestSite): the operator's list, the
// PDF and XML downloads, payments, credit notes, billing details and the ledger with its
// exports; the partner's own page; and who may see what.
#include "web/invoices/invoice_pages.hpp"

#include <gtest/gtest.h>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/invoices/invoice_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "support/test_site.hpp"
#include "support/test_text.hpp"
#include "test_browser.hpp"

namespace vivrovert::invoices {
namespace {

using vivrovert::testing::Browser;
using vivrovert::testing::Contains;
using vivrovert::testing::kTestNow;

class InvoicePagesTest : public ::testing::Test {
 protected:
  InvoicePagesTest() {
    site_.CreateUser("operateur@exemple.fr", accounts::Role::kOperator);
    site_.CreateUser("personne@exemple.fr", accounts::Role::kUser);
    storage::Connection connection = site_.db().Acquire();
    partners::PartnerInput input;
    input.kind = partners::PartnerKind::kCommune;
    input.name = "Commune de Figeac";
    input.slug = "figeac";
    input.territory = {{"46102"}, {}, {}};
    partner_id_ = partners::PartnerStore::Create(connection, input, kTestNow)->id;
    slug_ = partners::PartnerStore::Get(connection, partner_id_)->slug;
    EXPECT_TRUE(BillingDetailsStore::Put(connection,
                                         {partner_id_, "", "Hôtel de ville, 46100 Figeac",
                                          "21460102600011", "MAIRIE-FIN", "EJ-7", "", kTestNow},
                                         kTestNow)
                    .ok());
    storage::Transaction transaction(connection);
    NewInvoice input_invoice;
    input_invoice.partner_id = partner_id_;
    input_invoice.issue_date = "2026-01-15";  // overdue on the test clock's day (2026-03-01)
    input_invoice.label = "Redevance";
    input_invoice.lines = {{"Redevance de base", 1, 110000, 110000, "", ""}};
    input_invoice.buyer = {"Commune de Figeac", "Hôtel de ville, 46100 Figeac", "21460102600011",
                           "MAIRIE-FIN", "EJ-7"};
    invoice_ = *InvoiceStore::Issue(connection, input_invoice, kTestNow);
    transaction.Commit();
  }

  std::string InvoicePath() const { return "/operateur/factures/" + std::to_string(invoice_.id); }

  Invoice Reread() {
    storage::Connection connection = site_.db().Acquire();
    return *InvoiceStore::Get(connection, invoice_.id);
  }

  vivrovert::testing::TestSite site_;
  int64_t partner_id_ = 0;
  std::string slug_;
  Invoice invoice_;  // 1 100 € HT, 1 320 € TTC
};

TEST_F(InvoicePagesTest, TheOperatorSeesTheInvoicesAndDownloadsTheirDocuments) {
  Browser browser = site_.SignedIn("operateur@exemple.fr");
  const auto page =
      browser.Get("/operateur/partenaires/" + std::to_string(partner_id_) + "/factures");
  ASSERT_EQ(page.status, 200) << site_.errors();
  EXPECT_NE(page.body.find(invoice_.number), std::string::npos);
  EXPECT_NE(page.body.find("MAIRIE-FIN"), std::string::npos);
  EXPECT_NE(page.body.find("en retard"), std::string::npos);
  const std::string base = "/operateur/factures/" + std::to_string(invoice_.id);
  const auto pdf = browser.Get(base + ".pdf");
  ASSERT_EQ(pdf.status, 200) << site_.errors();
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  const auto xml = browser.Get(base + ".xml");
  ASSERT_EQ(xml.status, 200);
  EXPECT_NE(xml.body.find("<ram:ID>" + invoice_.number + "</ram:ID>"), std::string::npos);
  EXPECT_NE(xml.body.find("<ram:BuyerReference>MAIRIE-FIN</ram:BuyerReference>"),
            std::string::npos);
  EXPECT_EQ(browser.Get(base + ".doc").status, 404);
  EXPECT_EQ(browser.Get("/operateur/factures/999999.pdf").status, 404);
  EXPECT_EQ(browser.Get("/operateur/partenaires/999999/factures").status, 404);
}

TEST_F(InvoicePagesTest, OthersSeeNothing) {
  Browser person = site_.SignedIn("personne@exemple.fr");
  const std::string pdf = "/operateur/factures/" + std::to_string(invoice_.id) + ".pdf";
  EXPECT_EQ(person.Get(pdf).status, 404);
  EXPECT_EQ(
      person.Get("/operateur/partenaires/" + std::to_string(partner_id_) + "/factures").status,
      404);
  Browser anonymous(site_.app());
  const auto page = anonymous.Get(pdf);
  EXPECT_NE(page.status, 200);
  EXPECT_EQ(page.body.find("%PDF"), std::string::npos);
}

TEST_F(InvoicePagesTest, PaymentsSettleTheInvoiceAndBadAmountsAreRefusedByField) {
  Browser browser = site_.SignedIn("operateur@exemple.fr");
  const auto page = browser.Get(InvoicePath());
  ASSERT_EQ(page.status, 200) << site_.errors();
  EXPECT_TRUE(Contains(page.body, "id=\"payment-form\""));
  const std::string payments = InvoicePath() + "/paiements";

  const auto bad = browser.Post(payments, {{"amount", "douze"}, {"paid_on", "2026-02-20"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Contains(bad.body, "data-field=\"amount\""));
  const auto too_much = browser.Post(payments, {{"amount", "2 000,00"}, {"paid_on", "2026-02-20"}});
  EXPECT_EQ(too_much.status, 400);
  EXPECT_EQ(Reread().paid, 0);

  ASSERT_EQ(browser
                .Post(payments, {{"amount", "1 000,00"},
                                 {"paid_on", "2026-02-20"},
                                 {"method", "transfer"},
                                 {"reference", "Mandat 2026-118"}})
                .status,
            303);
  EXPECT_EQ(Reread().Outstanding(), 32000);
  const auto partly = browser.Get(InvoicePath());
  EXPECT_TRUE(Contains(partly.body, "Mandat 2026-118"));
  ASSERT_EQ(
      browser.Post(payments, {{"amount", "320"}, {"paid_on", "2026-02-25"}, {"method", "cheque"}})
          .status,
      303);
  const Invoice paid = Reread();
  EXPECT_EQ(paid.status, InvoiceStatus::kPaid);
  EXPECT_EQ(paid.Outstanding(), 0);
  const auto settled = browser.Get(InvoicePath());
  EXPECT_TRUE(Contains(settled.body, "id=\"invoice-status\">payée"));
  EXPECT_FALSE(Contains(settled.body, "id=\"payment-form\""));
}

TEST_F(InvoicePagesTest, CreditNotesCorrectTheInvoiceInTheSameSequence) {
  Browser browser = site_.SignedIn("operateur@exemple.fr");
  browser.Get(InvoicePath());
  const std::string credit = InvoicePath() + "/avoir";
  const auto no_reason = browser.Post(credit, {{"credit_amount", "100"}, {"reason", ""}});
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_TRUE(Contains(no_reason.body, "data-field=\"reason\""));
  EXPECT_EQ(site_.Count("invoices"), 1);

  const auto partial = browser.Post(
      credit,
      {{"credit_amount", "100,00"}, {"credit_date", "2026-03-01"}, {"reason", "Geste commercial"}});
  ASSERT_EQ(partial.status, 303) << partial.body;
  EXPECT_EQ(site_.Count("invoices"), 2);
  const auto note = browser.Get(partial.location);
  ASSERT_EQ(note.status, 200);
  EXPECT_TRUE(Contains(note.body, FormatInvoiceNumber(2026, 2)));
  EXPECT_TRUE(Contains(note.body, invoice_.number));  // what it corrects
  // 100 € HT credited: 120 € TTC off what is owed.
  EXPECT_EQ(Reread().Outstanding(), 132000 - 12000);

  browser.Get(InvoicePath());
  ASSERT_EQ(browser.Post(credit, {{"credit_amount", ""}, {"reason", "Contrat résilié"}}).status,
            303);
  EXPECT_EQ(Reread().status, InvoiceStatus::kCredited);
  EXPECT_EQ(Reread().Outstanding(), 0);
  const auto page = browser.Get(InvoicePath());
  EXPECT_TRUE(Contains(page.body, "annulée par avoir"));
  EXPECT_FALSE(Contains(page.body, "id=\"credit-form\""));
}

TEST_F(InvoicePagesTest, BillingDetailsAreEditedAndCheckedByField) {
  Browser browser = site_.SignedIn("operateur@exemple.fr");
  const std::string page_path =
      "/operateur/partenaires/" + std::to_string(partner_id_) + "/factures";
  browser.Get(page_path);
  const std::string action =
      "/operateur/partenaires/" + std::to_string(partner_id_) + "/facturation";
  const auto bad = browser.Post(action, {{"siret", "1234"}, {"billing_email", "compta@figeac.fr"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Contains(bad.body, "data-field=\"siret\""));
  EXPECT_TRUE(Contains(bad.body, "compta@figeac.fr"));  // what was typed is kept
  {
    storage::Connection connection = site_.db().Acquire();
    EXPECT_EQ(BillingDetailsStore::Get(connection, partner_id_)->siret, "21460102600011");
  }
  const auto saved = browser.Post(action, {{"legal_name", "Commune de Figeac"},
                                           {"address", "Place Vival, 46100 Figeac"},
                                           {"siret", "21460102600011"},
                                           {"code_service", "FINANCES"},
                                           {"engagement", "EJ-2027-4"},
                                           {"billing_email", "compta@figeac.fr"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  const auto shown = browser.Get(saved.location);
  EXPECT_TRUE(Contains(shown.body, "id=\"details-saved\""));
  EXPECT_TRUE(Contains(shown.body, "value=\"FINANCES\""));
  storage::Connection connection = site_.db().Acquire();
  EXPECT_EQ(BillingDetailsStore::Get(connection, partner_id_)->billing_email, "compta@figeac.fr");
}

TEST_F(InvoicePagesTest, TheLedgerListsThePeriodAndExportsItForTheAccountant) {
  Browser browser = site_.SignedIn("operateur@exemple.fr");
  const auto page = browser.Get("/operateur/factures");
  ASSERT_EQ(page.status, 200) << site_.errors();
  EXPECT_TRUE(Contains(page.body, "id=\"overdue\""));  // due 2026-02-14, unpaid
  EXPECT_TRUE(Contains(page.body, invoice_.number));
  const auto csv = browser.Get("/operateur/factures?du=2026-01-01&au=2026-01-31&format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_TRUE(Contains(csv.body, invoice_.number));
  EXPECT_TRUE(Contains(csv.body, "1320"));
  const auto xlsx = browser.Get("/operateur/factures?du=2026-01-01&au=2026-01-31&format=xlsx");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.rfind("PK", 0), 0u);
  const auto february = browser.Get("/operateur/factures?du=2026-02-01&au=2026-02-28&format=csv");
  EXPECT_FALSE(Contains(february.body, invoice_.number));
  const auto bad = browser.Get("/operateur/factures?du=2026-13-01");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Contains(bad.body, "Date de début illisible"));
}

// Days are shown and typed as JJ/MM/AAAA on the operator's forms and filter bar; an
// unreadable day names its field and quotes what was typed.
TEST_F(InvoicePagesTest, DaysAreTypedAndShownTheFrenchWay) {
  Browser browser = site_.SignedIn("operateur@exemple.fr");
  const auto page = browser.Get(InvoicePath());
  ASSERT_EQ(page.status, 200) << site_.errors();
  std::string today = FrenchDay(ParisDate(site_.clock().NowSeconds()));
  today.replace(5, 1, "&#x2F;").replace(2, 1, "&#x2F;");  // as the page escapes it
  EXPECT_TRUE(Contains(page.body,
                       "name=\"paid_on\" type=\"text\" inputmode=\"numeric\" "
                       "class=\"date\" value=\"" +
                           today + "\""));
  EXPECT_TRUE(Contains(page.body, "placeholder=\"jj/mm/aaaa\""));
  EXPECT_FALSE(Contains(page.body, "type=\"date\""));

  const std::string payments = InvoicePath() + "/paiements";
  const auto us_day = browser.Post(payments, {{"amount", "320"}, {"paid_on", "02/25/2026"}});
  EXPECT_EQ(us_day.status, 400);
  EXPECT_TRUE(Contains(us_day.body, "data-field=\"paid_on\""));
  EXPECT_TRUE(Contains(us_day.body, "Date de paiement illisible : « 02&#x2F;25&#x2F;2026 »"))
      << us_day.body;
  EXPECT_TRUE(Contains(us_day.body, "value=\"02&#x2F;25&#x2F;2026\"")) << "kept as typed";
  EXPECT_EQ(Reread().paid, 0);
  ASSERT_EQ(browser.Post(payments, {{"amount", "320"}, {"paid_on", "25/02/2026"}}).status, 303);
  storage::Connection connection = site_.db().Acquire();
  const std::optional<storage::Row> payment = connection.QueryOne(
      "SELECT paid_on FROM invoice_payments WHERE invoice_id = $1", {invoice_.id});
  ASSERT_TRUE(payment.has_value());
  EXPECT_EQ(payment->Text(0), "2026-02-25");
  EXPECT_TRUE(Contains(browser.Get(InvoicePath()).body, "25&#x2F;02&#x2F;2026"));

  const auto credit = browser.Post(
      InvoicePath() + "/avoir",
      {{"credit_amount", "100,00"}, {"credit_date", "32/03/2026"}, {"reason", "Geste commercial"}});
  EXPECT_EQ(credit.status, 400);
  EXPECT_TRUE(Contains(credit.body, "data-field=\"credit_date\""));
  EXPECT_TRUE(Contains(credit.body, "Date de l&#39;avoir illisible"));

  const auto ledger = browser.Get("/operateur/factures?du=1%2F1%2F2026&au=31%2F01%2F2026");
  ASSERT_EQ(ledger.status, 200);
  EXPECT_TRUE(Contains(ledger.body, "value=\"01&#x2F;01&#x2F;2026\""));
  EXPECT_TRUE(Contains(ledger.body, "value=\"31&#x2F;01&#x2F;2026\""));
  EXPECT_TRUE(Contains(ledger.body, invoice_.number));
  const auto february =
      browser.Get("/operateur/factures?du=01%2F02%2F2026&au=28%2F02%2F2026&format=csv");
  ASSERT_EQ(february.status, 200);
  EXPECT_FALSE(Contains(february.body, invoice_.number));
  const auto bad = browser.Get("/operateur/factures?du=01%2F13%2F2026");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Contains(bad.body, "Date de début illisible : « 01&#x2F;13&#x2F;2026 »"));
  EXPECT_TRUE(Contains(bad.body, "value=\"01&#x2F;13&#x2F;2026\"")) << "kept as typed";
}

TEST_F(InvoicePagesTest, ThePartnersStaffReadTheirOwnInvoicesOnly) {
  const int64_t staff = site_.CreateUser("compta@figeac.fr", accounts::Role::kPartnerStaff);
  const int64_t stranger = site_.CreateUser("autre@cahors.fr", accounts::Role::kPartnerStaff);
  std::string other_slug;
  {
    storage::Connection connection = site_.db().Acquire();
    partners::PartnerInput input;
    input.kind = partners::PartnerKind::kCommune;
    input.name = "Ville de Cahors";
    input.slug = "cahors";
    input.territory = {{"46042"}, {}, {}};
    const int64_t other = partners::PartnerStore::Create(connection, input, kTestNow)->id;
    other_slug = partners::PartnerStore::Get(connection, other)->slug;
    ASSERT_TRUE(partners::PartnerStore::SetStaff(connection, partner_id_, staff,
                                                 partners::StaffRole::kViewer, kTestNow)
                    .ok());
    ASSERT_TRUE(partners::PartnerStore::SetStaff(connection, other, stranger,
                                                 partners::StaffRole::kAdmin, kTestNow)
                    .ok());
  }
  Browser browser = site_.SignedIn("compta@figeac.fr");
  const std::string base = "/partenaire/" + slug_ + "/factures";
  const auto page = browser.Get(base);
  ASSERT_EQ(page.status, 200) << site_.errors();
  EXPECT_TRUE(Contains(page.body, invoice_.number));
  EXPECT_TRUE(Contains(page.body, "en retard"));
  const auto pdf = browser.Get(base + "/" + std::to_string(invoice_.id) + ".pdf");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);

  Browser other = site_.SignedIn("autre@cahors.fr");
  EXPECT_EQ(other.Get(base).status, 404);
  const auto theirs = other.Get("/partenaire/" + other_slug + "/factures");
  ASSERT_EQ(theirs.status, 200);
  EXPECT_FALSE(Contains(theirs.body, invoice_.number));
  EXPECT_EQ(
      other.Get("/partenaire/" + other_slug + "/factures/" + std::to_string(invoice_.id) + ".pdf")
          .status,
      404);
  EXPECT_EQ(other.Get("/operateur/factures").status, 404);
}

}  // namespace
}  // namespace vivrovert::invoices
