#include "domain/quotes/quote_pricing.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "domain/subscriptions/pvd_changes.hpp"

namespace vivrovert::quotes {

namespace {

using billing::Date;
using billing::Instalment;

bool Before(Date a, Date b) { return std::chrono::sys_days(a) < std::chrono::sys_days(b); }

}  // namespace

int MonthsUntil(Date start, Date contract_end) {
  return subscriptions::MonthsUntil(start, contract_end);
}

Result<billing::Quote> PriceQuote(const billing::QuoteRequestText& text,
                                  const std::optional<subscriptions::Contract>& amended,
                                  const std::vector<billing::ProductCode>& in_force) {
  if (!amended) {
    VV_ASSIGN_OR_RETURN(billing::QuoteRequest request, billing::ParseQuoteRequest(text));
    return billing::ComputeQuote(request);
  }
  // The request is checked as a 12-month contract; its real length is the contract's rest.
  billing::QuoteRequestText checked = text;
  checked.months = std::to_string(billing::kMinMonths);
  VV_ASSIGN_OR_RETURN(billing::QuoteRequest request, billing::ParseQuoteRequest(checked));
  const std::optional<Date> contract_start = billing::ParseIsoDate(amended->start_date);
  const std::optional<Date> contract_end = billing::ParseIsoDate(amended->end_date);
  if (!contract_start || !contract_end)
    return InvalidArgument("Contrat modifié illisible.", "amendment_of");
  if (Before(request.start, *contract_start) || Before(*contract_end, request.start)) {
    return InvalidArgument("La signature de l'avenant doit tomber pendant le contrat (du " +
                               billing::FormatFrenchDate(*contract_start) + " au " +
                               billing::FormatFrenchDate(*contract_end) + ").",
                           "start");
  }
  if (request.options.empty())
    return InvalidArgument("Un avenant ajoute au moins une option.", "options");
  for (billing::ProductCode option : request.options) {
    if (std::find(in_force.begin(), in_force.end(), option) != in_force.end()) {
      return InvalidArgument(
          std::string(billing::ProductLabel(option)) + " : déjà souscrite dans ce contrat.",
          "options");
    }
  }
  VV_ASSIGN_OR_RETURN(billing::Quote quote, billing::ComputeQuote(request));
  if (Before(*contract_end, quote.service_start)) {
    return InvalidArgument("La mise en service de l'avenant tombe après la fin du contrat.",
                           "service_start");
  }
  const int months = MonthsUntil(request.start, *contract_end);
  std::erase_if(quote.lines, [](const billing::QuoteLine& line) {
    return line.code == billing::ProductCode::kBase;
  });
  quote.monthly_ht = 0;
  for (const billing::QuoteLine& line : quote.lines) quote.monthly_ht += line.monthly_ht;
  quote.monthly_tva = billing::PercentOf(quote.monthly_ht, billing::kTvaPercent);
  quote.monthly_ttc = quote.monthly_ht + quote.monthly_tva;
  quote.months = months;
  quote.end = *contract_end;
  quote.annual_ht = 12 * quote.monthly_ht;
  quote.total_ht = quote.monthly_ht * months;
  quote.schedule = billing::ScheduleOf(request.start, quote.service_start, *contract_end, months,
                                       quote.monthly_ht);
  quote.total_tva = 0;
  for (const Instalment& instalment : quote.schedule) quote.total_tva += instalment.tva;
  quote.total_ttc = quote.total_ht + quote.total_tva;
  // The 12-month duration warnings speak of a new contract; an amendment ends with its own.
  std::erase_if(quote.warnings,
                [](const std::string& warning) { return warning.starts_with("L'option 2"); });
  quote.warnings.insert(quote.warnings.begin(),
                        "Avenant au contrat n° " + std::to_string(amended->id) + " : du " +
                            billing::FormatFrenchDate(request.start) + " au " +
                            billing::FormatFrenchDate(*contract_end) + " (" +
                            std::to_string(months) +
                            " mois, tout mois commencé compté) ; la durée minimale de 12 mois ne "
                            "s'applique pas à un avenant.");
  return quote;
}

}  // namespace vivrovert::quotes
