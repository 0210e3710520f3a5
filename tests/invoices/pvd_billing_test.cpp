// What a PVD grouping's changes bill (issue 22, option 4; docs/BILLING.md "Groupings: grants
// and departures billed"), on each backend: granting an option in force to more members
// than bought is an amendment from the grant's day to the contract's end, at the price the
// added members add under the PVD rule, which the night's run invoices; a member's
// departure lowers the contract's price from the first quarter after it (the first year is
// due in full); running the invoicing again bills nothing twice. Every amount expected is
// computed here from the tariff (commune, option 1: 200 € a month, 50 % per PVD member,
// never below 200 €; option 3: 300 €, 40 %, floor 300 €), not by the code under test.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "domain/billing/money.hpp"
#include "domain/invoices/invoice_store.hpp"
#include "domain/invoices/invoicing.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/subscriptions/pvd_changes.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "invoice_fixture.hpp"
#include "support/test_database.hpp"

namespace vivrovert::invoices {
namespace {

using billing::Euros;
using billing::ProductCode;
using storage::Connection;
using subscriptions::Grants;
using subscriptions::SubscriptionStore;

constexpr const char* kToday = "2026-03-01";
// When the partners are made: the members join the grouping that day, 2025-12-01 (Paris).
constexpr int64_t kCreated = 1'764'590'400;

class PvdBillingTest : public ::testing::Test {
 protected:
  PvdBillingTest() {
    for (const char* name : {"Figeac", "Gramat", "Souillac", "Martel"})
      members_.push_back(Create(partners::PartnerKind::kCommune, std::string("Ville de ") + name));
    grouping_ = Create(partners::PartnerKind::kGrouping, "Petites villes du Lot", members_);
  }

  int64_t Create(partners::PartnerKind kind, const std::string& name,
                 std::vector<int64_t> members = {}) {
    Connection connection = database_.db().Acquire();
    partners::PartnerInput input;
    input.kind = kind;
    input.name = name;
    if (kind != partners::PartnerKind::kGrouping) input.territory = {{"46102"}, {}, {}};
    input.member_ids = std::move(members);
    auto created = partners::PartnerStore::Create(connection, input, kCreated);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created->id : 0;
  }

  // The grouping's contract signed and in service on 2026-01-01 for 24 months (to
  // 2027-12-31): the base and `option` for `seated`, at `monthly` a month.
  subscriptions::Contract Sign(ProductCode option, std::vector<int64_t> seated,
                               billing::Cents monthly) {
    Connection connection = database_.db().Acquire();
    subscriptions::NewContract contract;
    contract.partner_id = grouping_;
    contract.start_date = "2026-01-01";
    contract.service_start = "2026-01-01";
    contract.months = 24;
    contract.monthly_ht_cents = monthly;
    contract.lines = {{ProductCode::kBase, {}}, {option, std::move(seated)}};
    auto created = SubscriptionStore::CreateContract(connection, contract, kNow);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return *created;
  }

  Status Grant(const Grants& grants, bool accept) {
    Connection connection = database_.db().Acquire();
    storage::Transaction transaction(connection);
    Status status = SubscriptionStore::SetGrants(connection, grouping_, grants, kToday,
                                                 std::nullopt, kNow, accept);
    if (status.ok()) transaction.Commit();
    return status;
  }

  int Run(const std::string& day) {
    return IssueDueInvoices(database_.db(), day, kNow, TestSeller()).invoices;
  }

  // The invoices of `contract_id`, by instalment.
  std::vector<Invoice> InvoicesOf(int64_t contract_id) {
    Connection connection = database_.db().Acquire();
    std::vector<Invoice> found;
    for (Invoice& invoice : InvoiceStore::OfPartner(connection, grouping_)) {
      if (invoice.contract_id == contract_id) found.push_back(std::move(invoice));
    }
    std::sort(found.begin(), found.end(), [](const Invoice& a, const Invoice& b) {
      return *a.instalment_index < *b.instalment_index;
    });
    return found;
  }

  static billing::Cents Sum(const std::vector<Invoice>& invoices) {
    billing::Cents total = 0;
    for (const Invoice& invoice : invoices) total += invoice.total_ht;
    return total;
  }

  vivrovert::testing::TestDatabase database_;
  std::vector<int64_t> members_;
  int64_t grouping_ = 0;
};

TEST_F(PvdBillingTest, AGrantToMoreMembersIsAnAmendmentTheNightInvoicesOnce) {
  // Option 1 for Figeac and Gramat: 1 100 + max(2 × 200 × 50 %, 200) = 1 300 € a month.
  const subscriptions::Contract contract =
      Sign(ProductCode::kOption1, {members_[0], members_[1]}, Euros(1300));
  const Grants three = {{members_[0], {ProductCode::kOption1}},
                        {members_[1], {ProductCode::kOption1}},
                        {members_[2], {ProductCode::kOption1}}};

  // Not accepted: refused, saying what the amendment would be (3 × 100 − 200 = 100 € a
  // month, 2026-03-01 to 2027-12-31: 22 months), and nothing changes.
  const Status refused = Grant(three, false);
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.field(), "grants");
  EXPECT_NE(refused.message().find(billing::FormatEurosFrench(Euros(100)) + " HT par mois"),
            std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("22 mois"), std::string::npos) << refused.message();
  {
    Connection connection = database_.db().Acquire();
    EXPECT_FALSE(
        SubscriptionStore::For(connection, members_[2], kToday).Has(ProductCode::kOption1));
    EXPECT_EQ(SubscriptionStore::ContractsOf(connection, grouping_).size(), 1u);
  }

  // Accepted: the amendment is recorded and Souillac has the option from today.
  ASSERT_TRUE(Grant(three, true).ok());
  subscriptions::Contract amendment;
  {
    Connection connection = database_.db().Acquire();
    EXPECT_TRUE(SubscriptionStore::For(connection, members_[2], kToday).Has(ProductCode::kOption1));
    const std::vector<subscriptions::Contract> contracts =
        SubscriptionStore::ContractsOf(connection, grouping_);
    ASSERT_EQ(contracts.size(), 2u);
    amendment = contracts.front().amends_contract_id ? contracts.front() : contracts.back();
    EXPECT_EQ(SubscriptionStore::SeatsOn(connection, grouping_, kToday)[ProductCode::kOption1],
              (std::set<int64_t>{members_[0], members_[1], members_[2]}));
  }
  ASSERT_EQ(amendment.amends_contract_id, contract.id);
  EXPECT_EQ(amendment.start_date, kToday);
  EXPECT_EQ(amendment.service_start, kToday);
  EXPECT_EQ(amendment.end_date, "2027-12-31");
  EXPECT_EQ(amendment.months, 22);
  EXPECT_EQ(amendment.monthly_ht_cents, Euros(100));

  // Tonight: the amendment's 30 % and 50 % of its first twelve months (12 × 100 €), both
  // due today, besides the contract's own; again, nothing more.
  EXPECT_GT(Run(kToday), 0);
  std::vector<Invoice> billed = InvoicesOf(amendment.id);
  ASSERT_EQ(billed.size(), 2u);
  EXPECT_EQ(billed[0].total_ht, Euros(360));
  EXPECT_EQ(billed[1].total_ht, Euros(600));
  EXPECT_NE(billed[0].label.find("Avenant"), std::string::npos) << billed[0].label;
  EXPECT_EQ(Run(kToday), 0) << "no double billing";
  EXPECT_EQ(InvoicesOf(amendment.id).size(), 2u);

  // To the contract's end: the amendment comes to 22 × 100 € exactly, the contract to
  // 24 × 1 300 €, each invoiced once however often the run goes.
  Run("2027-12-31");
  Run("2027-12-31");
  EXPECT_EQ(Sum(InvoicesOf(amendment.id)), Euros(22 * 100));
  EXPECT_EQ(Sum(InvoicesOf(contract.id)), Euros(24 * 1300));
}

TEST_F(PvdBillingTest, UnderTheFloorTheAddedMemberCostsNothingAndIsNotInvoiced) {
  // Option 3 for Figeac: max(300 × 40 %, 300) = 300 €; for two, max(2 × 120, 300) = 300 €.
  const subscriptions::Contract contract = Sign(ProductCode::kOption3, {members_[0]}, Euros(1400));
  ASSERT_TRUE(
      Grant({{members_[0], {ProductCode::kOption3}}, {members_[1], {ProductCode::kOption3}}}, true)
          .ok());
  Connection connection = database_.db().Acquire();
  EXPECT_TRUE(SubscriptionStore::For(connection, members_[1], kToday).Has(ProductCode::kOption3));
  const std::vector<subscriptions::Contract> contracts =
      SubscriptionStore::ContractsOf(connection, grouping_);
  ASSERT_EQ(contracts.size(), 2u);
  const subscriptions::Contract& amendment =
      contracts.front().amends_contract_id ? contracts.front() : contracts.back();
  EXPECT_EQ(amendment.monthly_ht_cents, std::nullopt) << "nothing to invoice";
  Run(kToday);
  EXPECT_TRUE(InvoicesOf(amendment.id).empty());
  EXPECT_FALSE(InvoicesOf(contract.id).empty());
}

TEST_F(PvdBillingTest, ADepartureStopsTheMembersOptionFromTheNextQuarter) {
  // Option 1 for three communes: 1 100 + 3 × 200 × 50 % = 1 400 € a month; without one,
  // 1 100 + 2 × 100 = 1 300 €.
  const subscriptions::Contract contract =
      Sign(ProductCode::kOption1, {members_[0], members_[1], members_[2]}, Euros(1400));
  {
    // Souillac leaves on 30/06/2026, recorded today (the operator's page does the same).
    Connection connection = database_.db().Acquire();
    storage::Transaction transaction(connection);
    ASSERT_TRUE(partners::PartnerStore::SetMemberLeft(connection, grouping_, members_[2],
                                                      "30/06/2026", kNow)
                    .ok());
    EXPECT_EQ(subscriptions::RecordDeparture(connection, grouping_, members_[2], "2026-06-30",
                                             kToday, kNow),
              1);
    // Recorded again: its seat is already released, nothing more changes.
    EXPECT_EQ(subscriptions::RecordDeparture(connection, grouping_, members_[2], "2026-06-30",
                                             kToday, kNow),
              0);
    transaction.Commit();
  }
  {
    Connection connection = database_.db().Acquire();
    EXPECT_EQ(SubscriptionStore::SeatsOn(connection, grouping_, "2026-06-30")[ProductCode::kOption1]
                  .size(),
              3u);
    EXPECT_EQ(SubscriptionStore::SeatsOn(connection, grouping_, "2026-07-01")[ProductCode::kOption1]
                  .size(),
              2u)
        << "the seat goes with the member";
  }

  // The first year is due in full: the eleventh month's 20 % of 12 × 1 400 €.
  Run("2026-12-01");
  std::vector<Invoice> billed = InvoicesOf(contract.id);
  ASSERT_EQ(billed.size(), 3u);
  EXPECT_EQ(billed[0].total_ht, Euros(5040));  // 30 % of 16 800 €
  EXPECT_EQ(billed[1].total_ht, Euros(8400));  // 50 %
  EXPECT_EQ(billed[2].total_ht, Euros(3360));  // 20 %
  // The next invoice, the first quarter of 2027, no longer counts Souillac: 3 × 1 300 €.
  EXPECT_EQ(Run("2027-01-01"), 1);
  billed = InvoicesOf(contract.id);
  ASSERT_EQ(billed.size(), 4u);
  EXPECT_EQ(billed[3].total_ht, Euros(3900));
  EXPECT_EQ(billed[3].period_first, "2027-01-01");
  EXPECT_EQ(Run("2027-01-01"), 0) << "no double billing";

  // Over the contract: the first year at 1 400 €, the second at 1 300 €.
  Run("2027-12-31");
  EXPECT_EQ(Sum(InvoicesOf(contract.id)), Euros(12 * 1400 + 12 * 1300));
}

TEST_F(PvdBillingTest, ADepartureInTheSecondYearCountsFromTheQuarterAfterIt) {
  const subscriptions::Contract contract =
      Sign(ProductCode::kOption1, {members_[0], members_[1], members_[2]}, Euros(1400));
  // Gramat leaves on 10/02/2027, recorded that day: the quarter begun on 01/01/2027 is
  // billed in full; the one from 01/04/2027 is at 1 300 €.
  {
    Connection connection = database_.db().Acquire();
    storage::Transaction transaction(connection);
    ASSERT_TRUE(partners::PartnerStore::SetMemberLeft(connection, grouping_, members_[1],
                                                      "10/02/2027", kNow)
                    .ok());
    EXPECT_EQ(subscriptions::RecordDeparture(connection, grouping_, members_[1], "2027-02-10",
                                             "2027-02-10", kNow),
              1);
    transaction.Commit();
  }
  Run("2027-04-01");
  std::vector<Invoice> billed = InvoicesOf(contract.id);
  ASSERT_EQ(billed.size(), 5u);
  EXPECT_EQ(billed[3].total_ht, Euros(3 * 1400));
  EXPECT_EQ(billed[4].total_ht, Euros(3 * 1300));
  EXPECT_EQ(billed[4].period_first, "2027-04-01");
}

}  // namespace
}  // namespace vivrovert::invoices
