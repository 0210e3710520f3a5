// The price of a quote: a new contract (billing::ComputeQuote as is) or an amendment
// (avenant) adding options to a contract in force, priced from the amendment's signature to
// the contract's end (docs/BILLING.md, "Amendments").
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <vector>

#include "core/common/status.hpp"
#include "domain/billing/quote.hpp"
#include "domain/subscriptions/subscriptions.hpp"

namespace vivrovert::quotes {

// The months an amendment signed on `start` runs until `contract_end` (inclusive), a month
// begun counting in full; 0 when `start` is after the end.
int MonthsUntil(billing::Date start, billing::Date contract_end);

// The quote of `text`. Without `amended`, billing::ComputeQuote of the parsed request. With
// it, an amendment: the options of `text` (at least one, none already in `in_force` — the
// products the contract holds) from `start` to the contract's end; the base is not billed
// again, the 12-month minimum does not apply (the months are the contract's remaining
// months, whatever `text.months` says), and the schedule is billing::BuildSchedule when 12
// months or more remain, else 30 % / 50 % / 20 % of the whole amount, the 20 % due 11
// months after signature or on the first day of the amendment's last month, whichever
// comes first. Errors: InvalidArgument naming the field.
Result<billing::Quote> PriceQuote(const billing::QuoteRequestText& text,
                                  const std::optional<subscriptions::Contract>& amended,
                                  const std::vector<billing::ProductCode>& in_force = {});

}  // namespace vivrovert::quotes
