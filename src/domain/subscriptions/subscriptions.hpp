// What a collectivité bought, and what it may use: contracts, the subscriptions they hold
// (tables `contracts`, `subscriptions`, `subscription_members`, migration 0015), and the
// entitlements they give on a day. Every feature of the offer asks Entitlements whether it
// is switched on for a partner; nothing else grants it (docs/BILLING.md).
//
// Dates are Paris calendar days "AAAA-MM-JJ"; a subscription is in force from its start to
// its end date inclusive. Stateless functions on the caller's connection; expected
// outcomes are Status values (French message, field), database faults throw
// storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/billing/tariff.hpp"
#include "domain/partners/partner_store.hpp"

namespace vivrovert::subscriptions {

// The products are billing's (base, options 1 to 3; option 4, PVD, is a way of buying them
// for a grouping's members, not a product).
using billing::ProductCode;
inline constexpr ProductCode kProducts[] = {ProductCode::kBase, ProductCode::kOption1,
                                            ProductCode::kOption2, ProductCode::kOption3};
// What the product gives, one French sentence (shown where it is not subscribed).
const char* ProductPitch(ProductCode product);

// The kind a partner's options are priced for (every EPCI at the EPCI price); nullopt for a
// grouping, whose price depends on its members (option 4, PVD).
std::optional<billing::CollectivityKind> PricedKind(partners::PartnerKind kind);

// Why a partner cannot use `product`, in French, for the page or the API answer that says
// so: what the product offers, its monthly price for the partner's kind, how to ask for it.
struct MissingProduct {
  ProductCode product = ProductCode::kBase;
  std::string label;       // "Option 1 — baromètre d'attractivité"
  std::string pitch;       // ProductPitch
  std::string price_text;  // "250,00 € HT par mois pour un EPCI" / PVD: "selon le nombre…"
  std::string message;     // one sentence for an error answer
  std::string quote_path;  // the price simulator, pre-filled ("/tarifs?type=epci&options=1")
};
MissingProduct DescribeMissing(ProductCode product, partners::PartnerKind kind);

struct ContractLine {
  ProductCode product = ProductCode::kBase;
  // For a grouping (PVD): the members this product is granted to. Empty: the partner
  // itself (a grouping's base is then the grouping's own, and every member's).
  std::vector<int64_t> member_ids;
};

struct NewContract {
  int64_t partner_id = 0;
  std::optional<int64_t> quote_id;
  std::optional<int64_t> amends_contract_id;
  std::string start_date;     // signature
  std::string service_start;  // put in service; the products are in force from then
  int months = 12;            // 12 to 60
  bool is_demo = false;
  // The price a month, HT, in cents, that the contract's invoices are scheduled from
  // (billing::ScheduleOf); nullopt: not invoiced (migration 0017).
  std::optional<int64_t> monthly_ht_cents;
  std::vector<ContractLine> lines;
};

// A change of a contract's monthly price from a day on (migration 0034): a PVD member's
// departure lowers the price of the contract holding its seat (pvd_changes.hpp).
struct PriceChange {
  int64_t subscription_id = 0;
  int64_t member_id = 0;
  std::string from_date;             // the first day of the schedule's period it applies from
  billing::Cents monthly_delta = 0;  // negative: a reduction
};

struct Contract {
  int64_t id = 0;
  int64_t partner_id = 0;
  std::optional<int64_t> quote_id;
  std::optional<int64_t> amends_contract_id;
  std::string start_date;
  std::string end_date;  // last day in force: start + months − 1 day
  std::string service_start;
  int months = 0;
  bool is_demo = false;
  int64_t created_at = 0;
  std::optional<int64_t> monthly_ht_cents;  // see NewContract
  std::vector<PriceChange> price_changes;   // by day; InvoicedSchedule applies them
};

struct Subscription {
  int64_t id = 0;
  int64_t contract_id = 0;
  int64_t partner_id = 0;
  ProductCode product = ProductCode::kBase;
  std::string start_date;
  std::string end_date;
  std::optional<int64_t> ended_at;  // ended early, at
  std::vector<int64_t> member_ids;
  bool is_demo = false;

  bool InForceOn(const std::string& date) const { return start_date <= date && date <= end_date; }
};

// What a partner may use on a day, and through what.
struct Entitlements {
  std::set<ProductCode> products;
  // The grouping(s) whose subscription grants a product to this partner, by product.
  std::vector<std::pair<ProductCode, int64_t>> through_groupings;

  bool Has(ProductCode product) const { return products.contains(product); }
};

// The last day of a contract of `months` months signed on `start_date` "AAAA-MM-JJ": the
// day before the same day `months` months later (2027-01-15, 12 → 2028-01-14), as quotes
// compute it (billing::ComputeQuote). nullopt on a bad date.
std::optional<std::string> ContractEndDate(const std::string& start_date, int months);

// PVD groupings (option 4): the options a grouping grants each of its members (table
// `grouping_grants`, migration 0031). A member has an option through the grouping on a day
// when the grouping's subscription to it is in force, the option is granted to it, and it
// is a member that day (partners::Membership).
using Grants = std::map<int64_t, std::set<ProductCode>>;  // member id → options 1–3

// One quote's worth of a grouping's price: the PVD rule (billing::PvdMonthly) over the
// members of one kind and the options granted to them. A grouping with members of several
// kinds gets one per kind, as quotes do.
struct PvdPriceLine {
  billing::CollectivityKind kind = billing::CollectivityKind::kCommune;
  std::map<ProductCode, int> members;  // granted members by option (only options granted)
  billing::Cents monthly_ht = 0;       // base once + each option's PVD price
  // The `pvd_members` text quotes take ("1=4,3=2") and the options ("1,3").
  std::string pvd_members_text;
  std::string options_text;
};
// Pure: `members` are each member's kind and grants (members not priced — groupings —
// are left out by the caller).
std::vector<PvdPriceLine> PvdPrice(
    const std::vector<std::pair<billing::CollectivityKind, std::set<ProductCode>>>& members);

class SubscriptionStore {
 public:
  // Records the contract and one subscription per line, in force from the service start
  // to the contract's end (an amendment: to the amended contract's end). InvalidArgument
  // naming the field on a bad date, duration or empty contract; NotFound when the amended
  // contract is not the partner's.
  static Result<Contract> CreateContract(storage::Connection& connection,
                                         const NewContract& contract, int64_t now);
  static std::optional<Contract> GetContract(storage::Connection& connection, int64_t id);
  static std::vector<Contract> ContractsOf(storage::Connection& connection, int64_t partner_id);
  // Batch read for invoices/: the contracts of these ids (unknown ids are left out), by id.
  static std::vector<Contract> Contracts(storage::Connection& connection,
                                         const std::vector<int64_t>& ids);
  // Batch read for invoices/: the ids above `after_id`, in order, at most `limit`, of the
  // contracts that are invoiced (not demo, with a monthly price) and signed by `today`.
  static std::vector<int64_t> InvoicedContractIds(storage::Connection& connection,
                                                  const std::string& today, int64_t after_id,
                                                  int limit);
  // Every subscription of the partner, newest first, with their members.
  static std::vector<Subscription> SubscriptionsOf(storage::Connection& connection,
                                                   int64_t partner_id);
  // Ends a subscription on `today` (in force until the end of that day; its feature is off
  // the next day; nothing of the partner's data is deleted). NotFound when it is not the
  // partner's; FailedPrecondition when it has already ended.
  static Status End(storage::Connection& connection, int64_t partner_id, int64_t subscription_id,
                    const std::string& today, int64_t now);

  // The demonstration's contract (`make run`): when the partner has no subscription in
  // force on `today`, a contract marked demo, never invoiced, of 12 months from `today` with
  // the base service and options 1 and 2 (option 3 is left for the walk-through of
  // docs/BILLING.md). Returns whether it was created.
  static Result<bool> SeedDemoContract(storage::Connection& connection, int64_t partner_id,
                                       const std::string& today, int64_t now);

  // What `partner_id` may use on `date`: its own subscriptions in force, and what the
  // groupings it belongs to hold for it (their base service, and each option granted to
  // it).
  static Entitlements For(storage::Connection& connection, int64_t partner_id,
                          const std::string& date);

  // The grouping's grants, every member's (those that left included), by member.
  static Grants GrantsOf(storage::Connection& connection, int64_t grouping_id);
  // The members the grouping's subscriptions in force on `date` were bought for, by option
  // (subscription_members, less the seats released before `date` by a departure): only
  // options with a subscription in force have an entry.
  static std::map<ProductCode, std::set<int64_t>> SeatsOn(storage::Connection& connection,
                                                          int64_t grouping_id,
                                                          const std::string& date);
  // Replaces the grants of the grouping's members on `today` with `grants` (a member left
  // out of `grants` is granted nothing). Refused, nothing changed: InvalidArgument (field
  // "grants") for a partner that is not a member on `today` or a product that is not an
  // option; FailedPrecondition (field "grants") when an option with a subscription in force
  // would go to more members than it was bought for, unless `accept_amendment`: then the
  // members beyond are bought by an amendment of the contract from `today` to its end, at
  // the PVD price they add (pvd_changes.hpp), which the night's invoicing bills; the
  // refusal's message says what that amendment would be. Options without a subscription
  // in force may be granted freely: they are what the next quote counts. Call inside a
  // Transaction.
  static Status SetGrants(storage::Connection& connection, int64_t grouping_id,
                          const Grants& grants, const std::string& today,
                          std::optional<int64_t> granted_by, int64_t now,
                          bool accept_amendment = false);
};

}  // namespace vivrovert::subscriptions
