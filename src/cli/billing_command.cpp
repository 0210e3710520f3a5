// `vivrovert billing quote`: the price and payment schedule of a subscription, computed by
// domain/billing (docs/BILLING.md). Needs no database: answers depend on the arguments only.
//
// Bad input exits 2 and names the argument: the quote's own checks here, CLI11's parse
// errors in main.cpp (kStrictUsageCommands).
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "domain/billing/quote.hpp"
#include "domain/billing/quote_format.hpp"

namespace vivrovert::cli {

namespace {

struct QuoteFlags {
  billing::QuoteRequestText text;
  std::string format = "json";
};

// "pvd_members" → "--pvd-members": the argument a field of QuoteRequestText comes from.
std::string FlagOf(const std::string& field) {
  std::string flag = "--" + field;
  for (char& character : flag) {
    if (character == '_') character = '-';
  }
  return flag;
}

int RunQuote(const QuoteFlags& flags) {
  if (flags.format != "json" && flags.format != "text") {
    return Fail(InvalidArgument(
        "--format: format inconnu « " + flags.format + " » (attendu : json ou text).", "format"));
  }
  Result<billing::QuoteRequest> request = billing::ParseQuoteRequest(flags.text);
  if (!request.ok()) {
    const Status& status = request.status();
    return Fail({status.code(), FlagOf(status.field()) + ": " + status.message(), status.field()});
  }
  Result<billing::Quote> quote = billing::ComputeQuote(*request);
  if (!quote.ok()) return Fail(quote.status());
  if (flags.format == "json") {
    std::cout << billing::QuoteToJson(*quote).dump(2) << "\n";
  } else {
    std::cout << billing::QuoteToText(*quote);
  }
  return 0;
}

}  // namespace

void RegisterBillingCommand(CLI::App& app, std::vector<Command>& commands) {
  CLI::App* billing_app = app.add_subcommand("billing", "The tariff: quotes and payment schedules");
  billing_app->require_subcommand(1);

  CLI::App* quote_app = billing_app->add_subcommand(
      "quote", "The monthly price, the lines and the payment schedule of a subscription");
  auto flags = std::make_shared<QuoteFlags>();
  // Every value is taken as text and checked by billing::ParseQuoteRequest, so that each
  // error names its argument in the same words as the API will.
  const auto text_option = [quote_app](const char* name, std::optional<std::string>& target,
                                       const char* description) {
    quote_app->add_option_function<std::string>(
        name, [&target](const std::string& value) { target = value; }, description);
  };
  text_option("--type", flags->text.type,
              "The kind the options are priced for: commune, epci (any EPCI) or departement");
  text_option("--start", flags->text.start, "Signature date AAAA-MM-JJ (required)");
  text_option("--options", flags->text.options,
              "Options chosen, e.g. 1,2,3 (empty or absent: the base fee alone)");
  text_option("--pvd-members", flags->text.pvd_members,
              "Option 4 (PVD): N members for every option chosen, or counts per option 1=4,3=2");
  text_option("--months", flags->text.months, "Duration in months, 12 to 60 (default 12)");
  text_option("--service-start", flags->text.service_start,
              "Service start AAAA-MM-JJ (default: one month after signature, three with "
              "option 2)");
  quote_app->add_option("--format", flags->format, "json (default) or text");
  commands.push_back({quote_app, [flags](const Config&) { return RunQuote(*flags); }});
}

}  // namespace vivrovert::cli
