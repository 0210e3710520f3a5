// What a PVD grouping's changes bill (issue 22, option 4; docs/BILLING.md "Groupings:
// grants and departures billed"):
//  - granting an option in force to more members than its subscriptions were bought for
//    makes an amendment (avenant) of the contract from the grant's day to the contract's end
//    (a month begun counting in full, no 12-month minimum), priced by the PVD rule: what the
//    added members add to the option's total, kind by kind (the floor included);
//  - a member's departure releases its seats on its last day, and lowers the monthly price
//    of the contract holding each seat by what that member adds to the option's total, from
//    the first quarterly period of the contract's schedule that starts after the departure
//    (and after the day it is recorded): the first year is due in full (12-month minimum).
// The night's invoicing bills both: an amendment is a contract with its own schedule
// (billing::ScheduleOf), and InvoicedSchedule applies the price changes to the periods.
//
// Tables: contract_price_changes and subscription_members.released_on (migration 0034),
// owned here with the rest of subscriptions. Stateless functions on the caller's connection
// (call inside a Transaction); database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/billing/quote.hpp"
#include "domain/subscriptions/subscriptions.hpp"

namespace vivrovert::subscriptions {

// The months from `start` to `contract_end` (inclusive), a month begun counting in full
// (2027-09-01 → 2028-01-31: 5); 0 when the contract has ended before `start`.
int MonthsUntil(billing::Date start, billing::Date contract_end);

// What a PVD grouping pays a month for `option` bought for `members` (≥ 0) collectivités
// of `kind`: billing::PvdMonthly, 0 for no member.
billing::Cents PvdOptionTotal(ProductCode option, billing::CollectivityKind kind, int members);

// One amendment that granting more members makes: the seats added to one contract.
struct SeatAmendment {
  Contract amended;                 // the contract in force (not itself an amendment)
  std::string start_date;           // the grant's day: signature and service start
  int months = 0;                   // to the amended contract's end, a month begun counted
  billing::Cents monthly_ht = 0;    // what the added members add, every option together
  std::vector<ContractLine> lines;  // per option, the members added
};

// The amendments that granting `grants` (the grouping's grants of every member of the day,
// as SetGrants takes them) on `today` calls for: for each option with a subscription in
// force granted to more members than its seats, the members granted without a seat (in id
// order, as many as exceed the seats). Empty when every option stays within its seats.
std::vector<SeatAmendment> PlanSeatAmendments(storage::Connection& connection, int64_t grouping_id,
                                              const Grants& grants, const std::string& today);

// "Option 1 — baromètre d'attractivité : 1 membre de plus ; avenant au contrat n° 3 du
// 01/03/2026 au 31/12/2027 (22 mois) : 100,00 € HT par mois." (one sentence per amendment)
std::string DescribeSeatAmendments(const std::vector<SeatAmendment>& amendments);

// Records `amendments` (SubscriptionStore::CreateContract: an amendment of each contract,
// invoiced when the contract is, at its monthly price). Returns the amendments' ids.
Result<std::vector<int64_t>> CreateSeatAmendments(storage::Connection& connection,
                                                  int64_t grouping_id,
                                                  const std::vector<SeatAmendment>& amendments,
                                                  int64_t now);

// A member's departure on `last_day` (its last day as a member, "AAAA-MM-JJ"), recorded on
// `today`: releases its seats in the grouping's option subscriptions (they count until
// `last_day`) and records the price change of each seat's contract (see above). A seat is
// released once: recording the departure again changes nothing. Returns the price changes
// recorded.
int RecordDeparture(storage::Connection& connection, int64_t grouping_id, int64_t member_id,
                    const std::string& last_day, const std::string& today, int64_t now);

// The schedule `contract`'s invoices follow: billing::ScheduleOf at its monthly price, with
// every quarterly period starting on or after a price change's day at the changed price
// (never below zero). `contract.price_changes` must be loaded (Contracts() loads them).
std::vector<billing::Instalment> InvoicedSchedule(const Contract& contract);

}  // namespace vivrovert::subscriptions
