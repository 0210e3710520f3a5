#include "domain/quotes/quote_document.hpp"

#include <utility>

#include "core/common/paris_time.hpp"
#include "domain/billing/calendar.hpp"
#include "domain/billing/money.hpp"

namespace vivrovert::quotes {

namespace {

std::string FrenchDay(const std::string& iso) {
  std::optional<billing::Date> date = billing::ParseIsoDate(iso);
  return date ? billing::FormatFrenchDate(*date) : iso;
}

std::string LineDetail(const billing::QuoteLine& line) {
  if (line.members <= 1 && line.rate_percent == 100) return "";
  std::string detail = std::to_string(line.members) + " × " +
                       billing::FormatEurosFrench(line.unit_monthly_ht) + " × " +
                       std::to_string(line.rate_percent) + " %";
  if (line.floor_applied) detail += " (plancher : prix d'une collectivité)";
  return detail;
}

}  // namespace

documents::PdfDocument QuoteDocument(const QuoteRecord& record, const billing::Quote& quote,
                                     std::vector<std::string> seller,
                                     std::vector<std::string> buyer) {
  documents::PdfDocument document;
  document.SetTitle("Devis n° " + record.number);
  document.AddParties({"Émetteur", std::move(seller)}, {"Destinataire", std::move(buyer)});
  std::string object =
      std::string(record.amendment_of
                      ? "Avenant au contrat n° " + std::to_string(*record.amendment_of) + " : "
                      : "") +
      "abonnement VivroVert pour une collectivité de type " +
      std::string(billing::CollectivityKindLabel(quote.kind)) +
      (quote.pvd ? " (option 4 : groupement « Petites villes de demain »)" : "") + ", " +
      std::to_string(quote.months) + " mois, du " + billing::FormatFrenchDate(quote.start) +
      " au " + billing::FormatFrenchDate(quote.end) + " ; mise en service le " +
      billing::FormatFrenchDate(quote.service_start) + ".";
  document.AddParagraph(std::move(object));
  document.AddParagraph("Devis valable jusqu'au " + FrenchDay(record.valid_until) + " inclus.",
                        true);

  document.AddHeading("Prix mensuel");
  documents::Table lines;
  lines.columns = {{"Prestation", 3, false}, {"Détail", 2, false}, {"€ HT / mois", 1.2, true}};
  for (const billing::QuoteLine& line : quote.lines) {
    lines.rows.push_back({std::string(billing::ProductLabel(line.code)), LineDetail(line),
                          billing::FormatEurosFrench(line.monthly_ht)});
  }
  lines.summary_rows = {{"Total mensuel HT", "", billing::FormatEurosFrench(quote.monthly_ht)},
                        {"TVA 20 %", "", billing::FormatEurosFrench(quote.monthly_tva)},
                        {"Total mensuel TTC", "", billing::FormatEurosFrench(quote.monthly_ttc)}};
  document.AddTable(std::move(lines));

  document.AddHeading("Échéancier");
  documents::Table schedule;
  schedule.columns = {{"Échéance", 1.1, false},
                      {"Objet", 3.4, false},
                      {"HT", 1.2, true},
                      {"TVA", 1, true},
                      {"TTC", 1.2, true}};
  for (const billing::Instalment& instalment : quote.schedule) {
    schedule.rows.push_back({billing::FormatFrenchDate(instalment.due), instalment.label,
                             billing::FormatEurosFrench(instalment.amount_ht),
                             billing::FormatEurosFrench(instalment.tva),
                             billing::FormatEurosFrench(instalment.amount_ttc)});
  }
  schedule.summary_rows = {{"", "Total du contrat", billing::FormatEurosFrench(quote.total_ht),
                            billing::FormatEurosFrench(quote.total_tva),
                            billing::FormatEurosFrench(quote.total_ttc)}};
  document.AddTable(std::move(schedule));
  for (const std::string& warning : quote.warnings) document.AddParagraph("À noter : " + warning);

  document.AddHeading("Conditions");
  document.AddParagraph(
      "Durée minimale du contrat : 12 mois ; durée maximale : 5 ans. Un avenant ajoute des "
      "options jusqu'à la fin du contrat qu'il modifie.");
  document.AddParagraph(
      "Paiement : 30 % du montant de la première année à la signature, 50 % du montant annuel "
      "à la mise en service du service de base et des options choisies, 20 % onze mois après "
      "la signature ; à partir de la deuxième année, une facture par trimestre.");
  document.AddParagraph(
      "L'option 2 (plateforme territoriale) est recommandée pour une durée de 24 mois au moins.");

  document.AddHeading("Bon pour accord");
  if (record.accepted_at) {
    document.AddParagraph("Bon pour accord donné en ligne le " +
                              FrenchDay(ParisDate(*record.accepted_at)) + " par " +
                              record.accepted_name + " (adresse IP " + record.accepted_ip + ").",
                          true);
  } else {
    document.AddParagraph(
        "À accepter en ligne par un administrateur de la collectivité, dans son espace "
        "partenaire, avant le " +
        FrenchDay(record.valid_until) +
        " inclus : nom et prénom, mention « Bon pour accord ». Date et signature :");
  }
  document.SetFooter({"Devis n° " + record.number + " — prix en euros hors taxes, TVA 20 %."});
  return document;
}

}  // namespace vivrovert::quotes
