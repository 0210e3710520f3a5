#include "domain/subscriptions/pvd_changes.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "core/common/text.hpp"
#include "domain/billing/calendar.hpp"
#include "domain/billing/money.hpp"
#include "domain/partners/partner_store.hpp"

namespace vivrovert::subscriptions {

namespace {

using billing::CollectivityKind;
using billing::Date;

bool Before(Date a, Date b) { return std::chrono::sys_days(a) < std::chrono::sys_days(b); }

// The kind each partner's options are priced for (groupings and unknown ids left out).
std::map<int64_t, CollectivityKind> KindsOf(storage::Connection& connection,
                                            const std::set<int64_t>& ids) {
  std::map<int64_t, CollectivityKind> kinds;
  for (int64_t id : ids) {
    std::optional<partners::Partner> partner = partners::PartnerStore::Get(connection, id);
    if (!partner) continue;
    if (std::optional<CollectivityKind> kind = PricedKind(partner->kind)) kinds[id] = *kind;
  }
  return kinds;
}

// The root of `contract`: itself, or the contract it amends.
Contract RootOf(storage::Connection& connection, const Contract& contract) {
  if (!contract.amends_contract_id) return contract;
  std::optional<Contract> root =
      SubscriptionStore::GetContract(connection, *contract.amends_contract_id);
  return root ? *root : contract;
}

}  // namespace

int MonthsUntil(Date start, Date contract_end) {
  if (Before(contract_end, start)) return 0;
  int months = 1;
  while (Before(billing::PreviousDay(billing::AddMonths(start, months)), contract_end)) ++months;
  return months;
}

billing::Cents PvdOptionTotal(ProductCode option, CollectivityKind kind, int members) {
  return members <= 0 ? 0 : billing::PvdMonthly(option, kind, members);
}

std::vector<SeatAmendment> PlanSeatAmendments(storage::Connection& connection, int64_t grouping_id,
                                              const Grants& grants, const std::string& today) {
  std::vector<SeatAmendment> amendments;
  const std::map<ProductCode, std::set<int64_t>> seats =
      SubscriptionStore::SeatsOn(connection, grouping_id, today);
  // The contract each option in force belongs to (its root when bought by an amendment).
  std::map<ProductCode, int64_t> contract_of;
  for (const storage::Row& row : connection.Query(
           "SELECT product, contract_id FROM subscriptions WHERE partner_id = $1 AND product <> "
           "'base' AND start_date <= $2 AND end_date >= $2 ORDER BY id",
           {grouping_id, today})) {
    for (ProductCode product : kProducts) {
      if (row.Text(0) == billing::ProductCodeName(product) && !contract_of.contains(product))
        contract_of[product] = row.Int(1);
    }
  }
  std::map<int64_t, SeatAmendment> by_contract;
  for (const auto& [option, seated] : seats) {
    std::vector<int64_t> granted;
    for (const auto& [member, options] : grants) {
      if (options.contains(option)) granted.push_back(member);
    }
    if (granted.size() <= seated.size() || !contract_of.contains(option)) continue;
    const size_t excess = granted.size() - seated.size();
    std::vector<int64_t> added;
    for (int64_t member : granted) {
      if (added.size() < excess && !seated.contains(member)) added.push_back(member);
    }
    std::set<int64_t> everyone(seated.begin(), seated.end());
    everyone.insert(added.begin(), added.end());
    const std::map<int64_t, CollectivityKind> kinds = KindsOf(connection, everyone);
    std::map<CollectivityKind, int> before, after;
    for (int64_t member : seated) {
      if (auto kind = kinds.find(member); kind != kinds.end()) ++before[kind->second];
    }
    after = before;
    for (int64_t member : added) {
      if (auto kind = kinds.find(member); kind != kinds.end()) ++after[kind->second];
    }
    billing::Cents added_price = 0;
    for (const auto& [kind, count] : after) {
      const int was = before.contains(kind) ? before.at(kind) : 0;
      added_price += PvdOptionTotal(option, kind, count) - PvdOptionTotal(option, kind, was);
    }
    std::optional<Contract> holder =
        SubscriptionStore::GetContract(connection, contract_of.at(option));
    if (!holder) continue;
    const Contract root = RootOf(connection, *holder);
    SeatAmendment& amendment = by_contract[root.id];
    if (amendment.start_date.empty()) {
      amendment.amended = root;
      amendment.start_date = today;
      const std::optional<Date> start = billing::ParseIsoDate(today);
      const std::optional<Date> end = billing::ParseIsoDate(root.end_date);
      amendment.months = start && end ? MonthsUntil(*start, *end) : 0;
    }
    amendment.monthly_ht += added_price;
    amendment.lines.push_back({option, added});
  }
  for (auto& [id, amendment] : by_contract) amendments.push_back(std::move(amendment));
  return amendments;
}

std::string DescribeSeatAmendments(const std::vector<SeatAmendment>& amendments) {
  std::string text;
  for (const SeatAmendment& amendment : amendments) {
    std::string options;
    for (const ContractLine& line : amendment.lines) {
      options += (options.empty() ? "" : ", ") + std::string(billing::ProductLabel(line.product)) +
                 " : " + std::to_string(line.member_ids.size()) + " membre(s) de plus";
    }
    const bool invoiced = !amendment.amended.is_demo && amendment.amended.monthly_ht_cents;
    text += (text.empty() ? "" : " ") + options + " ; avenant au contrat n° " +
            std::to_string(amendment.amended.id) + " du " + FrenchDay(amendment.start_date) +
            " au " + FrenchDay(amendment.amended.end_date) + " (" +
            std::to_string(amendment.months) + " mois, tout mois commencé compté) : " +
            (invoiced ? billing::FormatEurosFrench(amendment.monthly_ht) + " HT par mois."
                      : "non facturé (contrat de démonstration ou sans prix).");
  }
  return text;
}

Result<std::vector<int64_t>> CreateSeatAmendments(storage::Connection& connection,
                                                  int64_t grouping_id,
                                                  const std::vector<SeatAmendment>& amendments,
                                                  int64_t now) {
  std::vector<int64_t> ids;
  for (const SeatAmendment& amendment : amendments) {
    NewContract contract;
    contract.partner_id = grouping_id;
    contract.amends_contract_id = amendment.amended.id;
    contract.start_date = amendment.start_date;
    contract.service_start = amendment.start_date;
    contract.months = amendment.months;
    contract.is_demo = amendment.amended.is_demo;
    // Invoiced as its contract is; nothing to invoice when the floor absorbs the members.
    if (!amendment.amended.is_demo && amendment.amended.monthly_ht_cents &&
        amendment.monthly_ht > 0)
      contract.monthly_ht_cents = amendment.monthly_ht;
    contract.lines = amendment.lines;
    VV_ASSIGN_OR_RETURN(Contract created,
                        SubscriptionStore::CreateContract(connection, contract, now));
    ids.push_back(created.id);
  }
  return ids;
}

int RecordDeparture(storage::Connection& connection, int64_t grouping_id, int64_t member_id,
                    const std::string& last_day, const std::string& today, int64_t now) {
  struct Seat {
    int64_t subscription_id;
    int64_t contract_id;
    std::string product;
  };
  std::vector<Seat> held;
  for (const storage::Row& row : connection.Query(
           "SELECT s.id, s.contract_id, s.product FROM subscriptions s JOIN subscription_members "
           "m ON m.subscription_id = s.id WHERE s.partner_id = $1 AND m.member_id = $2 AND "
           "m.released_on IS NULL AND s.product <> 'base' AND s.end_date > $3 ORDER BY s.id",
           {grouping_id, member_id, last_day})) {
    held.push_back({row.Int(0), row.Int(1), row.Text(2)});
  }
  if (held.empty()) return 0;
  const std::map<int64_t, CollectivityKind> member_kind = KindsOf(connection, {member_id});
  const std::map<ProductCode, std::set<int64_t>> seats =
      SubscriptionStore::SeatsOn(connection, grouping_id, last_day);
  const std::string threshold = std::max(last_day, today);
  int changes = 0;
  for (const Seat& seat : held) {
    std::optional<ProductCode> option;
    for (ProductCode product : kProducts) {
      if (seat.product == billing::ProductCodeName(product)) option = product;
    }
    std::optional<Contract> contract = SubscriptionStore::GetContract(connection, seat.contract_id);
    std::optional<billing::Cents> monthly =
        contract && !contract->is_demo ? contract->monthly_ht_cents : std::nullopt;
    if (option && monthly && member_kind.contains(member_id)) {
      // What the member adds to the option's total among the seats of its kind that day.
      const CollectivityKind kind = member_kind.at(member_id);
      int count = 0;
      if (auto found = seats.find(*option); found != seats.end()) {
        const std::map<int64_t, CollectivityKind> kinds = KindsOf(connection, found->second);
        for (const auto& [id, seat_kind] : kinds) count += seat_kind == kind;
      }
      count = std::max(count, 1);
      const billing::Cents reduction =
          PvdOptionTotal(*option, kind, count) - PvdOptionTotal(*option, kind, count - 1);
      // The first quarterly period of the seat's contract after the departure.
      const std::vector<billing::Instalment> schedule = InvoicedSchedule(*contract);
      for (const billing::Instalment& instalment : schedule) {
        const std::string first = billing::FormatIsoDate(instalment.period_first);
        if (instalment.kind != billing::InstalmentKind::kQuarter || first <= threshold) continue;
        // Never below zero: at most the price the period is at.
        const billing::Cents at =
            instalment.period_months > 0 ? instalment.amount_ht / instalment.period_months : 0;
        const billing::Cents delta = std::min(reduction, at);
        if (delta > 0) {
          connection.Execute(
              "INSERT INTO contract_price_changes (contract_id, subscription_id, member_id, "
              "from_date, monthly_delta_cents, created_at) VALUES ($1, $2, $3, $4, $5, $6) "
              "ON CONFLICT DO NOTHING",
              {seat.contract_id, seat.subscription_id, member_id, first, -delta, now});
          ++changes;
        }
        break;
      }
    }
    connection.Execute(
        "UPDATE subscription_members SET released_on = $1 WHERE subscription_id = $2 AND "
        "member_id = $3 AND released_on IS NULL",
        {last_day, seat.subscription_id, member_id});
  }
  return changes;
}

std::vector<billing::Instalment> InvoicedSchedule(const Contract& contract) {
  const std::optional<Date> start = billing::ParseIsoDate(contract.start_date);
  const std::optional<Date> service = billing::ParseIsoDate(contract.service_start);
  const std::optional<Date> end = billing::ParseIsoDate(contract.end_date);
  if (!start || !service || !end || !contract.monthly_ht_cents) return {};
  std::vector<billing::Instalment> schedule =
      billing::ScheduleOf(*start, *service, *end, contract.months, *contract.monthly_ht_cents);
  if (contract.price_changes.empty()) return schedule;
  for (billing::Instalment& instalment : schedule) {
    if (instalment.kind != billing::InstalmentKind::kQuarter) continue;
    const std::string first = billing::FormatIsoDate(instalment.period_first);
    billing::Cents monthly = *contract.monthly_ht_cents;
    for (const PriceChange& change : contract.price_changes) {
      if (change.from_date <= first) monthly += change.monthly_delta;
    }
    if (monthly == *contract.monthly_ht_cents) continue;
    instalment.amount_ht = std::max<billing::Cents>(monthly, 0) * instalment.period_months;
    instalment.tva = billing::PercentOf(instalment.amount_ht, billing::kTvaPercent);
    instalment.amount_ttc = instalment.amount_ht + instalment.tva;
  }
  return schedule;
}

}  // namespace vivrovert::subscriptions
