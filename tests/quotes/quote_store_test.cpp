// The quote store (domain/quotes) on the backend under test: requests and their answer,
// numbering, amendments priced to the contract's end, and acceptance making the contract
// whose subscriptions switch the options on at the service start.
#include "domain/quotes/quote_store.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "domain/accounts/user_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/quotes/quote_pricing.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "support/test_accounts.hpp"
#include "support/test_database.hpp"

namespace vivrovert::quotes {
namespace {

using billing::ProductCode;
using storage::Connection;
using subscriptions::SubscriptionStore;

constexpr int64_t kNow = 1'800'000'000;
constexpr const char* kToday = "2027-01-10";

class QuoteStoreTest : public ::testing::Test {
 protected:
  QuoteStoreTest() : connection_(database_.db().Acquire()) {
    partner_id_ =
        CreatePartner("Grand Cahors", "grand-cahors", partners::PartnerKind::kEpci, {"46042"}, {});
    user_id_ =
        testing::CreateUser(connection_, "admin@causse.fr", accounts::Role::kPartnerStaff, kNow);
  }

  int64_t CreatePartner(const std::string& name, const std::string& slug,
                        partners::PartnerKind kind, std::vector<std::string> communes,
                        std::vector<int64_t> members) {
    partners::PartnerInput input;
    input.kind = kind;
    input.name = name;
    input.slug = slug;
    input.territory.communes = std::move(communes);
    input.member_ids = std::move(members);
    auto created = partners::PartnerStore::Create(connection_, input, kNow);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created->id;
  }

  static billing::QuoteRequestText Request(const std::string& type, const std::string& options,
                                           const std::string& start = "2027-02-01") {
    billing::QuoteRequestText text;
    text.type = type;
    text.start = start;
    text.options = options;
    return text;
  }

  QuoteRecord CreateSent(const billing::QuoteRequestText& text,
                         std::optional<int64_t> amendment_of = std::nullopt,
                         int64_t partner_id = 0) {
    auto created = QuoteStore::Create(
        connection_, {partner_id ? partner_id : partner_id_, text, amendment_of, 0}, kToday, kNow);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    EXPECT_TRUE(QuoteStore::Send(connection_, created->id, kToday, kNow).ok());
    return *QuoteStore::Get(connection_, created->id);
  }

  Acceptance AcceptanceOf(const QuoteRecord& quote, const std::string& today = kToday) {
    Acceptance acceptance;
    acceptance.quote_id = quote.id;
    acceptance.partner_id = quote.partner_id;
    acceptance.user_id = user_id_;
    acceptance.name = "Camille Martin";
    acceptance.agreed = true;
    acceptance.ip = "192.0.2.7";
    acceptance.today = today;
    return acceptance;
  }

  testing::TestDatabase database_;
  Connection connection_;
  int64_t partner_id_ = 0;
  int64_t user_id_ = 0;
};

TEST_F(QuoteStoreTest, RequestsWaitUntilAnsweredAndNameTheBadField) {
  QuoteRequestForm form{"Ville de Figeac",
                        "commune",
                        "Camille Martin",
                        "camille@figeac.fr",
                        "05 65 00 00 00",
                        "1,3",
                        "",
                        "24",
                        "Bonjour",
                        true};
  auto first = QuoteRequestStore::Create(connection_, form, kNow);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  form.consent = false;
  EXPECT_EQ(QuoteRequestStore::Create(connection_, form, kNow).status().field(), "consent");
  form.consent = true;
  form.email = "pas-une-adresse";
  EXPECT_EQ(QuoteRequestStore::Create(connection_, form, kNow).status().field(), "email");
  form.email = "camille@figeac.fr";
  form.options = "4";
  EXPECT_EQ(QuoteRequestStore::Create(connection_, form, kNow).status().field(), "options");
  form.options = "2";
  form.months = "61";
  EXPECT_EQ(QuoteRequestStore::Create(connection_, form, kNow).status().field(), "months");
  form.months = "";
  auto second = QuoteRequestStore::Create(connection_, form, kNow + 60);
  ASSERT_TRUE(second.ok());

  std::vector<QuoteRequestRecord> waiting = QuoteRequestStore::Waiting(connection_);
  ASSERT_EQ(waiting.size(), 2u);
  EXPECT_EQ(waiting[0].id, *first);
  EXPECT_EQ(waiting[0].options, "1,3");
  EXPECT_EQ(waiting[0].months, 24);
  EXPECT_EQ(waiting[1].months, 12);
  ASSERT_TRUE(QuoteRequestStore::MarkAnswered(connection_, *first, user_id_, kNow + 100).ok());
  EXPECT_EQ(QuoteRequestStore::MarkAnswered(connection_, *first, user_id_, kNow + 200).code(),
            StatusCode::kFailedPrecondition);
  waiting = QuoteRequestStore::Waiting(connection_);
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].id, *second);
  EXPECT_EQ(QuoteRequestStore::Get(connection_, *first)->answered_by, user_id_);
}

TEST_F(QuoteStoreTest, NumbersFollowEachOtherWithinAYear) {
  std::vector<std::string> numbers;
  for (const char* today : {"2027-01-10", "2027-03-01", "2028-01-02", "2028-01-03"}) {
    auto created = QuoteStore::Create(
        connection_, {partner_id_, Request("epci", "1"), {}, user_id_}, today, kNow);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    numbers.push_back(created->number);
  }
  EXPECT_EQ(numbers,
            (std::vector<std::string>{"D-2027-0001", "D-2027-0002", "D-2028-0001", "D-2028-0002"}));
  // A refused quote takes no number.
  billing::QuoteRequestText bad = Request("epci", "1");
  bad.months = "70";
  auto refused =
      QuoteStore::Create(connection_, {partner_id_, bad, {}, user_id_}, "2028-01-04", kNow);
  EXPECT_EQ(refused.status().field(), "months");
  auto next = QuoteStore::Create(connection_, {partner_id_, Request("epci", ""), {}, user_id_},
                                 "2028-01-05", kNow);
  EXPECT_EQ(next->number, "D-2028-0003");
}

TEST_F(QuoteStoreTest, StoresTheComputedPriceAndValidity) {
  auto created = QuoteStore::Create(
      connection_, {partner_id_, Request("epci", "1,2"), {}, user_id_}, kToday, kNow);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->monthly_ht, billing::Euros(2000));
  EXPECT_EQ(created->total_ht, billing::Euros(24000));
  EXPECT_EQ(created->valid_until, "2027-02-08");  // 30 days, the 10th of January included
  EXPECT_EQ(created->StatusOn("2027-02-08"), QuoteStatus::kDraft);
  EXPECT_EQ(created->StatusOn("2027-02-09"), QuoteStatus::kExpired);
  auto priced = QuoteStore::Price(connection_, *created);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->schedule.size(), 3u);
  ASSERT_EQ(priced->warnings.size(), 1u);  // option 2 recommends 24 months
}

TEST_F(QuoteStoreTest, AcceptanceMakesTheContractAndSwitchesOptionsOnAtServiceStart) {
  QuoteRecord quote = CreateSent(Request("epci", "1,3"));
  auto contract = QuoteStore::Accept(connection_, AcceptanceOf(quote), kNow + 10);
  ASSERT_TRUE(contract.ok()) << contract.status().ToString();
  EXPECT_EQ(contract->quote_id, quote.id);
  EXPECT_EQ(contract->start_date, "2027-02-01");
  EXPECT_EQ(contract->service_start, "2027-03-01");
  EXPECT_FALSE(
      SubscriptionStore::For(connection_, partner_id_, "2027-02-28").Has(ProductCode::kOption1));
  const subscriptions::Entitlements on =
      SubscriptionStore::For(connection_, partner_id_, "2027-03-01");
  EXPECT_TRUE(on.Has(ProductCode::kBase));
  EXPECT_TRUE(on.Has(ProductCode::kOption1));
  EXPECT_TRUE(on.Has(ProductCode::kOption3));
  EXPECT_FALSE(on.Has(ProductCode::kOption2));

  QuoteRecord accepted = *QuoteStore::Get(connection_, quote.id);
  EXPECT_EQ(accepted.stored_status, QuoteStatus::kAccepted);
  EXPECT_EQ(accepted.accepted_name, "Camille Martin");
  EXPECT_EQ(accepted.accepted_ip, "192.0.2.7");
  EXPECT_EQ(accepted.accepted_by, user_id_);
  EXPECT_EQ(accepted.accepted_at, kNow + 10);
  EXPECT_EQ(accepted.contract_id, contract->id);

  auto again = QuoteStore::Accept(connection_, AcceptanceOf(quote), kNow + 20);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message(), "Ce devis a déjà été accepté.");
  EXPECT_EQ(SubscriptionStore::ContractsOf(connection_, partner_id_).size(), 1u);
}

TEST_F(QuoteStoreTest, RefusesExpiredDraftForeignUnsignedQuotes) {
  auto draft = QuoteStore::Create(connection_, {partner_id_, Request("epci", "1"), {}, user_id_},
                                  kToday, kNow);
  EXPECT_EQ(QuoteStore::Accept(connection_, AcceptanceOf(*draft), kNow).status().code(),
            StatusCode::kNotFound);
  QuoteRecord quote = CreateSent(Request("epci", "1"));
  auto expired = QuoteStore::Accept(connection_, AcceptanceOf(quote, "2027-02-09"), kNow);
  EXPECT_EQ(expired.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(expired.status().message().find("a expiré le 08/02/2027"), std::string::npos);
  Acceptance foreign = AcceptanceOf(quote);
  foreign.partner_id =
      CreatePartner("Ville de Figeac", "figeac", partners::PartnerKind::kCommune, {"46102"}, {});
  EXPECT_EQ(QuoteStore::Accept(connection_, foreign, kNow).status().code(), StatusCode::kNotFound);
  Acceptance unsigned_ = AcceptanceOf(quote);
  unsigned_.agreed = false;
  EXPECT_EQ(QuoteStore::Accept(connection_, unsigned_, kNow).status().field(), "accord");
  unsigned_ = AcceptanceOf(quote);
  unsigned_.name = "  ";
  EXPECT_EQ(QuoteStore::Accept(connection_, unsigned_, kNow).status().field(), "name");
  EXPECT_TRUE(SubscriptionStore::ContractsOf(connection_, partner_id_).empty());
  ASSERT_TRUE(QuoteStore::Withdraw(connection_, quote.id).ok());
  EXPECT_EQ(QuoteStore::Accept(connection_, AcceptanceOf(quote), kNow).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(QuoteStoreTest, AmendmentRunsToTheContractsEndWithoutTheMinimum) {
  auto base = QuoteStore::Accept(connection_, AcceptanceOf(CreateSent(Request("epci", "1"))), kNow);
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  EXPECT_EQ(base->end_date, "2028-01-31");
  // Option 3 from 2027-09-01: five months to the end of January 2028.
  billing::QuoteRequestText text = Request("epci", "3", "2027-09-01");
  QuoteRecord amendment = CreateSent(text, base->id);
  EXPECT_EQ(amendment.monthly_ht, billing::Euros(400));
  EXPECT_EQ(amendment.total_ht, billing::Euros(2000));
  auto priced = QuoteStore::Price(connection_, amendment);
  ASSERT_TRUE(priced.ok());
  ASSERT_EQ(priced->lines.size(), 1u);
  EXPECT_EQ(priced->lines[0].code, ProductCode::kOption3);
  billing::Cents sum = 0;
  for (const billing::Instalment& instalment : priced->schedule) sum += instalment.amount_ht;
  EXPECT_EQ(sum, billing::Euros(2000));
  EXPECT_EQ(billing::FormatIsoDate(priced->schedule.back().due), "2028-01-01");

  // Already subscribed options are refused.
  auto twice = QuoteStore::Create(
      connection_, {partner_id_, Request("epci", "1", "2027-09-01"), base->id, user_id_}, kToday,
      kNow);
  EXPECT_EQ(twice.status().field(), "options");

  auto contract = QuoteStore::Accept(connection_, AcceptanceOf(amendment), kNow);
  ASSERT_TRUE(contract.ok()) << contract.status().ToString();
  EXPECT_EQ(contract->amends_contract_id, base->id);
  EXPECT_EQ(contract->end_date, "2028-01-31");
  EXPECT_FALSE(
      SubscriptionStore::For(connection_, partner_id_, "2027-09-30").Has(ProductCode::kOption3));
  EXPECT_TRUE(
      SubscriptionStore::For(connection_, partner_id_, "2027-10-01").Has(ProductCode::kOption3));
  EXPECT_FALSE(
      SubscriptionStore::For(connection_, partner_id_, "2028-02-01").Has(ProductCode::kOption3));
}

TEST_F(QuoteStoreTest, PvdAcceptanceGrantsOptionsToTheChosenMembers) {
  const int64_t a = CreatePartner("CC A", "cc-a", partners::PartnerKind::kEpci, {"46102"}, {});
  const int64_t b = CreatePartner("CC B", "cc-b", partners::PartnerKind::kEpci, {"46127"}, {});
  const int64_t c = CreatePartner("CC C", "cc-c", partners::PartnerKind::kEpci, {"46064"}, {});
  const int64_t grouping =
      CreatePartner("PVD du Lot", "pvd-lot", partners::PartnerKind::kGrouping, {}, {a, b, c});
  billing::QuoteRequestText text = Request("epci", "1,3");
  text.pvd_members = "1=3,3=1";
  QuoteRecord quote = CreateSent(text, std::nullopt, grouping);
  Acceptance acceptance = AcceptanceOf(quote);
  acceptance.members[ProductCode::kOption3] = {a, b};
  EXPECT_EQ(QuoteStore::Accept(connection_, acceptance, kNow).status().field(), "members");
  acceptance.members[ProductCode::kOption3] = {c};
  auto contract = QuoteStore::Accept(connection_, acceptance, kNow);
  ASSERT_TRUE(contract.ok()) << contract.status().ToString();
  EXPECT_TRUE(SubscriptionStore::For(connection_, c, "2027-03-01").Has(ProductCode::kOption3));
  EXPECT_FALSE(SubscriptionStore::For(connection_, a, "2027-03-01").Has(ProductCode::kOption3));
  EXPECT_TRUE(SubscriptionStore::For(connection_, a, "2027-03-01").Has(ProductCode::kOption1));
  EXPECT_TRUE(SubscriptionStore::For(connection_, b, "2027-03-01").Has(ProductCode::kBase));
}

}  // namespace
}  // namespace vivrovert::quotes
