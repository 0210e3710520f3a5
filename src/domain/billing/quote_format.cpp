#include "domain/billing/quote_format.hpp"

#include <sstream>

namespace vivrovert::billing {

namespace {

// `text` padded with spaces to `width` UTF-8 code points (never cut), left or right aligned.
std::string Pad(const std::string& text, size_t width, bool right_aligned) {
  size_t characters = 0;
  for (const char byte : text) {
    if ((static_cast<unsigned char>(byte) & 0xC0) != 0x80) ++characters;
  }
  const std::string fill(characters < width ? width - characters : 0, ' ');
  return right_aligned ? fill + text : text + fill;
}

std::string LineLabel(const Quote& quote, const QuoteLine& line) {
  std::string label(ProductLabel(line.code));
  if (quote.pvd && line.code != ProductCode::kBase) {
    label += " — " + std::to_string(line.members) + " membre" + (line.members > 1 ? "s" : "") +
             " × " + FormatEurosFrench(line.unit_monthly_ht) + " × " +
             std::to_string(line.rate_percent) + " %";
    if (line.floor_applied) label += ", minimum d'une collectivité";
  }
  return label;
}

}  // namespace

nlohmann::ordered_json QuoteToJson(const Quote& quote) {
  nlohmann::ordered_json lines = nlohmann::ordered_json::array();
  for (const QuoteLine& line : quote.lines) {
    lines.push_back({{"code", ProductCodeName(line.code)},
                     {"label", LineLabel(quote, line)},
                     {"monthly_ht", CentsToEuros(line.monthly_ht)},
                     {"unit_monthly_ht", CentsToEuros(line.unit_monthly_ht)},
                     {"members", line.members},
                     {"rate_percent", line.rate_percent},
                     {"floor_applied", line.floor_applied}});
  }
  nlohmann::ordered_json schedule = nlohmann::ordered_json::array();
  for (const Instalment& instalment : quote.schedule) {
    schedule.push_back({{"due", FormatIsoDate(instalment.due)},
                        {"label", instalment.label},
                        {"kind", InstalmentKindName(instalment.kind)},
                        {"amount_ht", CentsToEuros(instalment.amount_ht)},
                        {"tva", CentsToEuros(instalment.tva)},
                        {"amount_ttc", CentsToEuros(instalment.amount_ttc)},
                        {"period_start", FormatIsoDate(instalment.period_first)},
                        {"period_end", FormatIsoDate(instalment.period_last)},
                        {"period_months", instalment.period_months}});
  }
  nlohmann::ordered_json json;
  json["type"] = CollectivityKindName(quote.kind);
  json["pvd"] = quote.pvd;
  json["months"] = quote.months;
  json["start"] = FormatIsoDate(quote.start);
  json["service_start"] = FormatIsoDate(quote.service_start);
  json["end"] = FormatIsoDate(quote.end);
  json["monthly_ht"] = CentsToEuros(quote.monthly_ht);
  json["monthly_tva"] = CentsToEuros(quote.monthly_tva);
  json["monthly_ttc"] = CentsToEuros(quote.monthly_ttc);
  json["tva_percent"] = kTvaPercent;
  json["total_ht"] = CentsToEuros(quote.total_ht);
  json["total_tva"] = CentsToEuros(quote.total_tva);
  json["total_ttc"] = CentsToEuros(quote.total_ttc);
  json["lines"] = std::move(lines);
  json["schedule"] = std::move(schedule);
  json["warnings"] = quote.warnings;
  return json;
}

std::string QuoteToText(const Quote& quote) {
  std::ostringstream out;
  out << "Devis VivroVert — " << CollectivityKindLabel(quote.kind)
      << (quote.pvd ? " (option 4, PVD)" : "") << ", " << quote.months << " mois du "
      << FormatFrenchDate(quote.start) << " au " << FormatFrenchDate(quote.end)
      << ", mise en service le " << FormatFrenchDate(quote.service_start) << "\n\n";
  constexpr size_t kLabelWidth = 80, kAmountWidth = 16;
  out << Pad("Par mois", kLabelWidth, false) << Pad("HT", kAmountWidth, true) << "\n";
  for (const QuoteLine& line : quote.lines) {
    out << Pad(LineLabel(quote, line), kLabelWidth, false)
        << Pad(FormatEurosFrench(line.monthly_ht), kAmountWidth, true) << "\n";
  }
  out << Pad("Total mensuel HT", kLabelWidth, false)
      << Pad(FormatEurosFrench(quote.monthly_ht), kAmountWidth, true) << "\n"
      << Pad("TVA " + std::to_string(kTvaPercent) + " %", kLabelWidth, false)
      << Pad(FormatEurosFrench(quote.monthly_tva), kAmountWidth, true) << "\n"
      << Pad("Total mensuel TTC", kLabelWidth, false)
      << Pad(FormatEurosFrench(quote.monthly_ttc), kAmountWidth, true) << "\n\n";

  out << "Échéancier\n"
      << Pad("Échéance", 12, false) << Pad("Objet", kLabelWidth - 12, false)
      << Pad("HT", kAmountWidth, true) << Pad("TTC", kAmountWidth, true) << "\n";
  for (const Instalment& instalment : quote.schedule) {
    out << Pad(FormatFrenchDate(instalment.due), 12, false)
        << Pad(instalment.label, kLabelWidth - 12, false)
        << Pad(FormatEurosFrench(instalment.amount_ht), kAmountWidth, true)
        << Pad(FormatEurosFrench(instalment.amount_ttc), kAmountWidth, true) << "\n";
  }
  out << Pad("", 12, false) << Pad("Total du contrat", kLabelWidth - 12, false)
      << Pad(FormatEurosFrench(quote.total_ht), kAmountWidth, true)
      << Pad(FormatEurosFrench(quote.total_ttc), kAmountWidth, true) << "\n";
  if (!quote.warnings.empty()) {
    out << "\n";
    for (const std::string& warning : quote.warnings) out << "Attention : " << warning << "\n";
  }
  return out.str();
}

}  // namespace vivrovert::billing
