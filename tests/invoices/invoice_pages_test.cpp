// The operator's pages of a partner's invoices, through the server's own wiring (TestSite):
// the list, the PDF and XML downloads, and who may see them.
#include "web/invoices/invoice_pages.hpp"

#include <gtest/gtest.h>

#include "domain/invoices/invoice_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "support/test_site.hpp"
#include "test_browser.hpp"

namespace vivrovert::invoices {
namespace {

using vivrovert::testing::Browser;
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
    input.territory = {{"46102"}, {}, {}};
    partner_id_ = partners::PartnerStore::Create(connection, input, kTestNow)->id;
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

  vivrovert::testing::TestSite site_;
  int64_t partner_id_ = 0;
  Invoice invoice_;
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

}  // namespace
}  // namespace vivrovert::invoices
