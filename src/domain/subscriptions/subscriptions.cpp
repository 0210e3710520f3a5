#include "domain/subscriptions/subscriptions.hpp"

#include <algorithm>
#include <map>

#include "core/storage/batch.hpp"
#include "domain/billing/calendar.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/subscriptions/pvd_changes.hpp"

namespace vivrovert::subscriptions {

namespace {

constexpr const char* kContractColumns =
    "id, partner_id, quote_id, amends_contract_id, start_date, end_date, service_start, months, "
    "is_demo, created_at, monthly_ht_cents";

Contract ContractFromRow(const storage::Row& row) {
  Contract contract;
  contract.id = row.Int(0);
  contract.partner_id = row.Int(1);
  contract.quote_id = row.OptionalInt(2);
  contract.amends_contract_id = row.OptionalInt(3);
  contract.start_date = row.Text(4);
  contract.end_date = row.Text(5);
  contract.service_start = row.Text(6);
  contract.months = static_cast<int>(row.Int(7));
  contract.is_demo = row.Int(8) != 0;
  contract.created_at = row.Int(9);
  contract.monthly_ht_cents = row.OptionalInt(10);
  return contract;
}

// Loads the price changes of `contracts` (one batch read).
void LoadPriceChanges(storage::Connection& connection, std::vector<Contract>& contracts) {
  if (contracts.empty()) return;
  std::map<int64_t, Contract*> by_id;
  std::vector<int64_t> ids;
  for (Contract& contract : contracts) {
    by_id[contract.id] = &contract;
    ids.push_back(contract.id);
  }
  for (const storage::Row& row : connection.Query(
           "SELECT contract_id, subscription_id, member_id, from_date, monthly_delta_cents FROM "
           "contract_price_changes WHERE contract_id IN " +
               storage::InList(ids.size()) + " ORDER BY from_date, id",
           storage::BoundIds(ids))) {
    by_id[row.Int(0)]->price_changes.push_back({row.Int(1), row.Int(2), row.Text(3), row.Int(4)});
  }
}

}  // namespace

const char* ProductPitch(ProductCode product) {
  switch (product) {
    case ProductCode::kBase:
      return "Publier vos annonces par l'API ou par fichier, recevoir vos contacts et prospects et "
             "leur rapport périodique.";
    case ProductCode::kOption1:
      return "Mesurer l'attractivité de votre territoire : combien le voient en vert, sur quels "
             "critères il gagne ou perd des candidats, comparé aux territoires voisins.";
    case ProductCode::kOption2:
      return "Une plateforme à votre nom pour présenter votre territoire, ses annonces et ses "
             "services aux candidats à l'installation.";
    case ProductCode::kOption3:
      return "Être alerté quand des personnes dont les compétences vous manquent cherchent un "
             "territoire comme le vôtre, et voir les territoires qui vous ressemblent.";
  }
  return "";
}

std::optional<billing::CollectivityKind> PricedKind(partners::PartnerKind kind) {
  switch (kind) {
    case partners::PartnerKind::kCommune:
      return billing::CollectivityKind::kCommune;
    case partners::PartnerKind::kEpci:
      return billing::CollectivityKind::kEpci;
    case partners::PartnerKind::kDepartement:
      return billing::CollectivityKind::kDepartement;
    case partners::PartnerKind::kGrouping:
      return std::nullopt;
  }
  return std::nullopt;
}

MissingProduct DescribeMissing(ProductCode product, partners::PartnerKind kind) {
  MissingProduct missing;
  missing.product = product;
  missing.label = std::string(billing::ProductLabel(product));
  missing.pitch = ProductPitch(product);
  const std::optional<billing::CollectivityKind> priced = PricedKind(kind);
  if (priced) {
    missing.price_text = billing::FormatEurosFrench(billing::MonthlyPrice(product, *priced)) +
                         " HT par mois pour " +
                         (*priced == billing::CollectivityKind::kCommune ? "une commune"
                          : *priced == billing::CollectivityKind::kEpci  ? "un EPCI"
                                                                         : "un département");
  } else {
    missing.price_text =
        "selon le nombre de collectivités membres du groupement (option 4, « Petites villes de "
        "demain »)";
  }
  missing.quote_path = "/tarifs";
  if (priced) {
    missing.quote_path += "?type=" + std::string(billing::CollectivityKindName(*priced));
    if (product != ProductCode::kBase)
      missing.quote_path += "&options=" + std::to_string(billing::OptionNumber(product));
  }
  missing.message = product == ProductCode::kBase
                        ? "Aucun abonnement en cours pour ce partenaire : le service de base (" +
                              missing.price_text +
                              ") n'est pas actif. Demandez un devis : " + missing.quote_path + "."
                        : "Cette fonction fait partie de l'" + missing.label +
                              ", non souscrite par ce partenaire (" + missing.price_text +
                              "). Demandez un devis : " + missing.quote_path + ".";
  return missing;
}

std::optional<std::string> ContractEndDate(const std::string& start_date, int months) {
  std::optional<billing::Date> start = billing::ParseIsoDate(start_date);
  if (!start || months < 1) return std::nullopt;
  return billing::FormatIsoDate(billing::PreviousDay(billing::AddMonths(*start, months)));
}

namespace {

// The product stored as `code` ("base", "option1"…).
std::optional<ProductCode> ParseStoredProduct(std::string_view code) {
  for (ProductCode product : kProducts) {
    if (code == billing::ProductCodeName(product)) return product;
  }
  return std::nullopt;
}

}  // namespace

Result<Contract> SubscriptionStore::CreateContract(storage::Connection& connection,
                                                   const NewContract& input, int64_t now) {
  if (!billing::ParseIsoDate(input.start_date))
    return InvalidArgument("Date de signature illisible (AAAA-MM-JJ).", "start");
  if (!billing::ParseIsoDate(input.service_start) || input.service_start < input.start_date)
    return InvalidArgument("Date de mise en service illisible ou avant la signature.",
                           "service_start");
  // An amendment ends with the contract it amends: the 12-month minimum is not its own.
  const int min_months = input.amends_contract_id ? 1 : 12;
  if (input.months < min_months || input.months > 60)
    return InvalidArgument("La durée d'un contrat va de 12 à 60 mois.", "months");
  if (input.lines.empty())
    return InvalidArgument("Un contrat porte sur au moins un produit.", "options");
  std::string end_date = *ContractEndDate(input.start_date, input.months);
  if (input.amends_contract_id) {
    std::optional<Contract> amended = GetContract(connection, *input.amends_contract_id);
    if (!amended || amended->partner_id != input.partner_id)
      return NotFound("Contrat modifié introuvable pour ce partenaire.");
    end_date = amended->end_date;  // an amendment ends with its contract
  }
  if (input.service_start > end_date)
    return InvalidArgument("La mise en service est après la fin du contrat.", "service_start");
  std::optional<storage::Row> row = connection.QueryOne(
      "INSERT INTO contracts (partner_id, quote_id, amends_contract_id, start_date, end_date, "
      "service_start, months, is_demo, created_at, monthly_ht_cents) VALUES ($1, $2, $3, $4, $5, "
      "$6, $7, $8, $9, $10) "
      "RETURNING id",
      {input.partner_id,
       input.quote_id ? storage::SqlValue(*input.quote_id) : storage::SqlValue(nullptr),
       input.amends_contract_id ? storage::SqlValue(*input.amends_contract_id)
                                : storage::SqlValue(nullptr),
       input.start_date, end_date, input.service_start, int64_t{input.months},
       int64_t{input.is_demo ? 1 : 0}, now,
       input.monthly_ht_cents ? storage::SqlValue(*input.monthly_ht_cents)
                              : storage::SqlValue(nullptr)});
  const int64_t contract_id = row->Int(0);
  for (const ContractLine& line : input.lines) {
    std::optional<storage::Row> subscription = connection.QueryOne(
        "INSERT INTO subscriptions (contract_id, partner_id, product, start_date, end_date, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        {contract_id, input.partner_id, std::string(billing::ProductCodeName(line.product)),
         input.service_start, end_date, now});
    // The members an option is bought for are those granted it: grants prepared for more
    // members than the contract buys go (the grouping may move them later within the
    // members bought for: SetGrants).
    if (line.product != ProductCode::kBase && !line.member_ids.empty()) {
      connection.Execute("DELETE FROM grouping_grants WHERE grouping_id = $1 AND product = $2",
                         {input.partner_id, std::string(billing::ProductCodeName(line.product))});
    }
    for (int64_t member : line.member_ids) {
      connection.Execute(
          "INSERT INTO subscription_members (subscription_id, member_id) VALUES ($1, $2) "
          "ON CONFLICT DO NOTHING",
          {subscription->Int(0), member});
      if (line.product != ProductCode::kBase) {
        connection.Execute(
            "INSERT INTO grouping_grants (grouping_id, member_id, product, granted_at) VALUES "
            "($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            {input.partner_id, member, std::string(billing::ProductCodeName(line.product)), now});
      }
    }
  }
  return *GetContract(connection, contract_id);
}

std::optional<Contract> SubscriptionStore::GetContract(storage::Connection& connection,
                                                       int64_t id) {
  std::optional<storage::Row> row = connection.QueryOne(
      std::string("SELECT ") + kContractColumns + " FROM contracts WHERE id = $1", {id});
  if (!row) return std::nullopt;
  std::vector<Contract> contract = {ContractFromRow(*row)};
  LoadPriceChanges(connection, contract);
  return std::move(contract.front());
}

std::vector<Contract> SubscriptionStore::ContractsOf(storage::Connection& connection,
                                                     int64_t partner_id) {
  std::vector<Contract> contracts;
  for (const storage::Row& row : connection.Query(
           std::string("SELECT ") + kContractColumns +
               " FROM contracts WHERE partner_id = $1 ORDER BY start_date DESC, id DESC",
           {partner_id})) {
    contracts.push_back(ContractFromRow(row));
  }
  LoadPriceChanges(connection, contracts);
  return contracts;
}

std::vector<Contract> SubscriptionStore::Contracts(storage::Connection& connection,
                                                   const std::vector<int64_t>& ids) {
  std::vector<Contract> contracts;
  for (const storage::Row& row : storage::QueryIdsIn(
           connection, std::string("SELECT ") + kContractColumns + " FROM contracts WHERE id IN ",
           ids)) {
    contracts.push_back(ContractFromRow(row));
  }
  std::sort(contracts.begin(), contracts.end(),
            [](const Contract& a, const Contract& b) { return a.id < b.id; });
  LoadPriceChanges(connection, contracts);
  return contracts;
}

std::vector<int64_t> SubscriptionStore::InvoicedContractIds(storage::Connection& connection,
                                                            const std::string& today,
                                                            int64_t after_id, int limit) {
  std::vector<int64_t> ids;
  for (const storage::Row& row : connection.Query(
           "SELECT id FROM contracts WHERE id > $1 AND is_demo = 0 AND monthly_ht_cents IS NOT "
           "NULL AND start_date <= $2 ORDER BY id LIMIT $3",
           {after_id, today, int64_t{limit}})) {
    ids.push_back(row.Int(0));
  }
  return ids;
}

std::vector<Subscription> SubscriptionStore::SubscriptionsOf(storage::Connection& connection,
                                                             int64_t partner_id) {
  std::vector<Subscription> subscriptions;
  for (const storage::Row& row : connection.Query(
           "SELECT s.id, s.contract_id, s.partner_id, s.product, s.start_date, s.end_date, "
           "s.ended_at, c.is_demo FROM subscriptions s JOIN contracts c ON c.id = s.contract_id "
           "WHERE s.partner_id = $1 ORDER BY s.start_date DESC, s.id DESC",
           {partner_id})) {
    Subscription subscription;
    subscription.id = row.Int(0);
    subscription.contract_id = row.Int(1);
    subscription.partner_id = row.Int(2);
    subscription.product = ParseStoredProduct(row.Text(3)).value_or(ProductCode::kBase);
    subscription.start_date = row.Text(4);
    subscription.end_date = row.Text(5);
    subscription.ended_at = row.OptionalInt(6);
    subscription.is_demo = row.Int(7) != 0;
    subscriptions.push_back(std::move(subscription));
  }
  if (subscriptions.empty()) return subscriptions;
  std::map<int64_t, Subscription*> by_id;
  std::vector<int64_t> ids;
  for (Subscription& subscription : subscriptions) {
    by_id[subscription.id] = &subscription;
    ids.push_back(subscription.id);
  }
  for (const storage::Row& row : connection.Query(
           "SELECT subscription_id, member_id FROM subscription_members WHERE subscription_id IN " +
               storage::InList(ids.size()) + " ORDER BY member_id",
           storage::BoundIds(ids))) {
    by_id[row.Int(0)]->member_ids.push_back(row.Int(1));
  }
  return subscriptions;
}

Status SubscriptionStore::End(storage::Connection& connection, int64_t partner_id,
                              int64_t subscription_id, const std::string& today, int64_t now) {
  std::optional<storage::Row> row =
      connection.QueryOne("SELECT end_date FROM subscriptions WHERE id = $1 AND partner_id = $2",
                          {subscription_id, partner_id});
  if (!row) return NotFound("Abonnement introuvable pour ce partenaire.");
  if (row->Text(0) <= today) return FailedPrecondition("Cet abonnement est déjà terminé.");
  // Its last day is today (one not begun yet then ends before it starts: never in force).
  connection.Execute("UPDATE subscriptions SET end_date = $1, ended_at = $2 WHERE id = $3",
                     {today, now, subscription_id});
  return Status::Ok();
}

Result<bool> SubscriptionStore::SeedDemoContract(storage::Connection& connection,
                                                 int64_t partner_id, const std::string& today,
                                                 int64_t now) {
  for (const Subscription& subscription : SubscriptionsOf(connection, partner_id)) {
    if (subscription.InForceOn(today)) return false;
  }
  NewContract contract;
  contract.partner_id = partner_id;
  contract.start_date = today;
  contract.service_start = today;
  contract.months = 12;
  contract.is_demo = true;
  contract.lines = {
      {ProductCode::kBase, {}}, {ProductCode::kOption1, {}}, {ProductCode::kOption2, {}}};
  VV_RETURN_IF_ERROR(CreateContract(connection, contract, now).status());
  return true;
}

Entitlements SubscriptionStore::For(storage::Connection& connection, int64_t partner_id,
                                    const std::string& date) {
  Entitlements entitlements;
  for (const storage::Row& row : connection.Query(
           "SELECT product FROM subscriptions WHERE partner_id = $1 AND start_date <= $2 AND "
           "end_date >= $2",
           {partner_id, date})) {
    if (std::optional<ProductCode> product = ParseStoredProduct(row.Text(0)))
      entitlements.products.insert(*product);
  }
  // Only the groupings it is a member of that day count.
  const std::vector<int64_t> groupings =
      partners::PartnerStore::GroupingsOn(connection, partner_id, date);
  if (groupings.empty()) return entitlements;
  std::vector<storage::SqlValue> params = {date, partner_id};
  for (int64_t grouping : groupings) params.emplace_back(grouping);
  // A grouping's base covers every member; its options, the members it granted them to.
  for (const storage::Row& row : connection.Query(
           "SELECT s.product, s.partner_id FROM subscriptions s WHERE s.start_date <= $1 AND "
           "s.end_date >= $1 AND s.partner_id IN " +
               storage::InList(groupings.size(), 3) +
               " AND (s.product = 'base' OR EXISTS (SELECT 1 FROM grouping_grants g WHERE "
               "g.grouping_id = s.partner_id AND g.member_id = $2 AND g.product = s.product)) "
               "ORDER BY s.partner_id",
           params)) {
    if (std::optional<ProductCode> product = ParseStoredProduct(row.Text(0))) {
      entitlements.products.insert(*product);
      entitlements.through_groupings.emplace_back(*product, row.Int(1));
    }
  }
  return entitlements;
}

Grants SubscriptionStore::GrantsOf(storage::Connection& connection, int64_t grouping_id) {
  Grants grants;
  for (const storage::Row& row : connection.Query(
           "SELECT member_id, product FROM grouping_grants WHERE grouping_id = $1 ORDER BY "
           "member_id, product",
           {grouping_id})) {
    if (std::optional<ProductCode> product = ParseStoredProduct(row.Text(1)))
      grants[row.Int(0)].insert(*product);
  }
  return grants;
}

std::map<ProductCode, std::set<int64_t>> SubscriptionStore::SeatsOn(storage::Connection& connection,
                                                                    int64_t grouping_id,
                                                                    const std::string& date) {
  std::map<ProductCode, std::set<int64_t>> seats;
  std::map<int64_t, ProductCode> in_force;
  for (const storage::Row& row : connection.Query(
           "SELECT id, product FROM subscriptions WHERE partner_id = $1 AND product <> 'base' AND "
           "start_date <= $2 AND end_date >= $2",
           {grouping_id, date})) {
    if (std::optional<ProductCode> product = ParseStoredProduct(row.Text(1))) {
      in_force.emplace(row.Int(0), *product);
      seats[*product];  // in force, even if bought for nobody
    }
  }
  if (in_force.empty()) return seats;
  std::vector<storage::SqlValue> params = {date};
  for (const auto& [id, product] : in_force) params.emplace_back(id);
  // A seat released by a departure counts until its last day.
  for (const storage::Row& row : connection.Query(
           "SELECT subscription_id, member_id FROM subscription_members WHERE (released_on IS "
           "NULL OR released_on >= $1) AND subscription_id IN " +
               storage::InList(in_force.size(), 2),
           params)) {
    seats[in_force.at(row.Int(0))].insert(row.Int(1));
  }
  return seats;
}

Status SubscriptionStore::SetGrants(storage::Connection& connection, int64_t grouping_id,
                                    const Grants& grants, const std::string& today,
                                    std::optional<int64_t> granted_by, int64_t now,
                                    bool accept_amendment) {
  const std::vector<int64_t> members =
      partners::PartnerStore::MembersOn(connection, grouping_id, today);
  std::map<ProductCode, int> counts;
  for (const auto& [member, options] : grants) {
    if (!std::binary_search(members.begin(), members.end(), member)) {
      return InvalidArgument(
          "Ce partenaire (" + std::to_string(member) + ") n'est pas membre du groupement ce jour.",
          "grants");
    }
    for (ProductCode option : options) {
      if (option == ProductCode::kBase)
        return InvalidArgument("La redevance de base couvre tous les membres.", "grants");
      ++counts[option];
    }
  }
  std::string over;
  for (const auto& [option, seats] : SeatsOn(connection, grouping_id, today)) {
    const int granted = counts.contains(option) ? counts.at(option) : 0;
    if (granted > static_cast<int>(seats.size())) {
      over += std::string(over.empty() ? "" : " ") + std::string(billing::ProductLabel(option)) +
              " : " + std::to_string(granted) +
              " membres choisis, l'abonnement en cours en compte " + std::to_string(seats.size()) +
              ".";
    }
  }
  if (!over.empty()) {
    const std::vector<SeatAmendment> amendments =
        PlanSeatAmendments(connection, grouping_id, grants, today);
    if (!accept_amendment) {
      return Status(StatusCode::kFailedPrecondition,
                    over +
                        " Un avenant permet d'en ajouter : " + DescribeSeatAmendments(amendments) +
                        " Cochez « J'accepte l'avenant » pour le conclure.",
                    "grants");
    }
    VV_RETURN_IF_ERROR(CreateSeatAmendments(connection, grouping_id, amendments, now).status());
  }
  std::vector<storage::SqlValue> params = {grouping_id};
  for (int64_t member : members) params.emplace_back(member);
  if (!members.empty()) {
    connection.Execute("DELETE FROM grouping_grants WHERE grouping_id = $1 AND member_id IN " +
                           storage::InList(members.size(), 2),
                       params);
  }
  for (const auto& [member, options] : grants) {
    for (ProductCode option : options) {
      connection.Execute(
          "INSERT INTO grouping_grants (grouping_id, member_id, product, granted_by, granted_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          {grouping_id, member, std::string(billing::ProductCodeName(option)),
           granted_by ? storage::SqlValue(*granted_by) : storage::SqlValue(nullptr), now});
    }
  }
  return Status::Ok();
}

std::vector<PvdPriceLine> PvdPrice(
    const std::vector<std::pair<billing::CollectivityKind, std::set<ProductCode>>>& members) {
  std::map<billing::CollectivityKind, std::map<ProductCode, int>> counts;
  for (const auto& [kind, options] : members) {
    std::map<ProductCode, int>& of_kind = counts[kind];
    for (ProductCode option : options) {
      if (option != ProductCode::kBase) ++of_kind[option];
    }
  }
  std::vector<PvdPriceLine> lines;
  for (const auto& [kind, by_option] : counts) {
    PvdPriceLine line;
    line.kind = kind;
    line.members = by_option;
    line.monthly_ht = billing::kBaseMonthly;
    for (const auto& [option, count] : by_option) {
      line.monthly_ht += billing::PvdMonthly(option, kind, count);
      const std::string number = std::to_string(billing::OptionNumber(option));
      line.options_text += (line.options_text.empty() ? "" : ",") + number;
      line.pvd_members_text +=
          (line.pvd_members_text.empty() ? "" : ",") + number + "=" + std::to_string(count);
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace vivrovert::subscriptions
