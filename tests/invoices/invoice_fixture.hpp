// Shared set-up of the invoices' tests: a partner with billing details, a seller, contracts.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "domain/invoices/invoice_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "support/test_database.hpp"

namespace vivrovert::invoices {

inline constexpr int64_t kNow = 1'800'000'000;

inline Seller TestSeller() {
  return Seller{"VivroVert SAS",
                "SAS au capital de 10 000 €",
                "12345678900017",
                "FR12123456789",
                "1 place de la Mairie, 46000 Cahors",
                "facturation@vivrovert.example",
                "FR7630001007941234567890185",
                "BDFEFRPPCCT",
                "trois fois le taux d'intérêt légal"};
}

class InvoiceTest : public ::testing::Test {
 protected:
  InvoiceTest() {
    storage::Connection connection = database_.db().Acquire();
    partners::PartnerInput input;
    input.kind = partners::PartnerKind::kEpci;
    input.name = "CC du Causse de Labastide-Murat";
    input.territory = {{}, {"200066728"}, {}};
    partner_id_ = partners::PartnerStore::Create(connection, input, kNow)->id;
    BillingDetails details;
    details.partner_id = partner_id_;
    details.legal_name = "Communauté de communes du Causse de Labastide-Murat";
    details.address = "Place de la Mairie, 46240 Cœur-de-Causse";
    details.siret = "20006672800014";
    details.code_service = "SERV-FIN-01";
    details.engagement_number = "EJ-2027-0042";
    details.billing_email = "comptabilite@causse.example";
    EXPECT_TRUE(BillingDetailsStore::Put(connection, details, kNow).ok());
  }

  // A contract signed on `start` for `months` at `monthly_ht` cents a month.
  int64_t Contract(const std::string& start, const std::string& service_start, int months,
                   std::optional<int64_t> monthly_ht, bool demo = false) {
    storage::Connection connection = database_.db().Acquire();
    subscriptions::NewContract contract;
    contract.partner_id = partner_id_;
    contract.start_date = start;
    contract.service_start = service_start;
    contract.months = months;
    contract.is_demo = demo;
    contract.monthly_ht_cents = monthly_ht;
    contract.lines = {{billing::ProductCode::kBase, {}}};
    Result<subscriptions::Contract> created =
        subscriptions::SubscriptionStore::CreateContract(connection, contract, kNow);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created->id : 0;
  }

  // A one-line invoice issued on `issue_date`, in its own transaction.
  Invoice IssueSimple(storage::Database& database, const std::string& issue_date,
                      billing::Cents amount_ht) {
    storage::Connection connection = database.Acquire();
    storage::Transaction transaction(connection);
    Result<Invoice> invoice = InvoiceStore::Issue(connection, Simple(issue_date, amount_ht), kNow);
    EXPECT_TRUE(invoice.ok()) << invoice.status().ToString();
    transaction.Commit();
    return invoice.ok() ? *invoice : Invoice{};
  }

  NewInvoice Simple(const std::string& issue_date, billing::Cents amount_ht) const {
    NewInvoice invoice;
    invoice.partner_id = partner_id_;
    invoice.issue_date = issue_date;
    invoice.label = "Prestation";
    invoice.lines = {{"Redevance de base", 1, amount_ht, amount_ht, "", ""}};
    invoice.buyer = {"Communauté de communes du Causse de Labastide-Murat",
                     "Place de la Mairie, 46240 Cœur-de-Causse", "20006672800014", "SERV-FIN-01",
                     "EJ-2027-0042"};
    invoice.seller = TestSeller();
    return invoice;
  }

  testing::TestDatabase database_;
  int64_t partner_id_ = 0;
};

}  // namespace vivrovert::invoices
