#include "domain/invoices/invoice_documents.hpp"

#include <libxml/xmlwriter.h>

#include <memory>

#include "domain/billing/calendar.hpp"
#include "domain/documents/pdf_document.hpp"

namespace vivrovert::invoices {

namespace {

using billing::FormatEurosFrench;

std::string FrenchDate(const std::string& iso) {
  std::optional<billing::Date> date = billing::ParseIsoDate(iso);
  return date ? billing::FormatFrenchDate(*date) : iso;
}

// "20270101", the CII date format 102.
std::string CiiDate(const std::string& iso) {
  std::string digits;
  for (char c : iso) {
    if (c != '-') digits += c;
  }
  return digits;
}

std::vector<std::string> LegalMentions(const Invoice& invoice) {
  const Seller& seller = invoice.seller;
  std::vector<std::string> mentions = {
      OrToFill(seller.name) + " — " + OrToFill(seller.legal_form) + " — SIRET " +
          OrToFill(seller.siret) + " — TVA intracommunautaire " + OrToFill(seller.vat_number) +
          " — " + OrToFill(seller.address),
  };
  if (invoice.kind == InvoiceKind::kInvoice) {
    mentions.push_back("Paiement à " + std::to_string(kPaymentDelayDays) +
                       " jours à compter de la date d'émission, par virement (IBAN " +
                       OrToFill(seller.iban) + ", BIC " + OrToFill(seller.bic) +
                       "). Pas d'escompte pour paiement anticipé.");
    mentions.push_back(
        "En cas de retard de paiement : pénalités de retard au taux de " +
        OrToFill(seller.late_penalty_rate) +
        ", exigibles dès le lendemain de la date d'échéance, et indemnité forfaitaire pour frais "
        "de recouvrement de 40 € (art. L441-10 et D441-5 du Code de commerce).");
  }
  return mentions;
}

}  // namespace

Result<std::string> InvoicePdf(const Invoice& invoice) {
  const bool credit = invoice.kind == InvoiceKind::kCreditNote;
  documents::PdfDocument document;
  document.SetTitle((credit ? "Avoir n° " : "Facture n° ") + invoice.number);
  const Seller& seller = invoice.seller;
  documents::PartyBlock seller_block{
      "Émetteur",
      {OrToFill(seller.name), OrToFill(seller.address), "SIRET : " + OrToFill(seller.siret),
       "N° TVA intracommunautaire : " + OrToFill(seller.vat_number),
       "Contact : " + OrToFill(seller.email)}};
  documents::PartyBlock buyer_block{"Destinataire",
                                    {OrToFill(invoice.buyer.name), OrToFill(invoice.buyer.address),
                                     "SIRET : " + OrToFill(invoice.buyer.siret)}};
  if (!invoice.buyer.code_service.empty())
    buyer_block.lines.push_back("Code service : " + invoice.buyer.code_service);
  if (!invoice.buyer.engagement_number.empty())
    buyer_block.lines.push_back("N° d'engagement : " + invoice.buyer.engagement_number);
  document.AddParties(std::move(seller_block), std::move(buyer_block));
  document.AddParagraph("Date d'émission : " + FrenchDate(invoice.issue_date));
  if (credit) {
    document.AddParagraph("Avoir sur la facture n° " + invoice.credited_number + " du " +
                              FrenchDate(invoice.credited_issue_date) +
                              ", qu'il annule à due concurrence.",
                          true);
  } else {
    document.AddParagraph("Date d'échéance : " + FrenchDate(invoice.due_date), true);
  }
  if (!invoice.period_first.empty()) {
    document.AddParagraph("Période : du " + FrenchDate(invoice.period_first) + " au " +
                          FrenchDate(invoice.period_last));
  }
  documents::Table table;
  table.columns = {{"Désignation", 5, false},
                   {"Qté", 0.6, true},
                   {"Prix unitaire HT", 1.6, true},
                   {"Montant HT", 1.6, true}};
  for (const InvoiceLine& line : invoice.lines) {
    table.rows.push_back({line.label, std::to_string(line.quantity),
                          FormatEurosFrench(line.unit_ht), FormatEurosFrench(line.total_ht)});
  }
  table.summary_rows = {
      {"Total HT", "", "", FormatEurosFrench(invoice.total_ht)},
      {"TVA " + std::to_string(invoice.tva_percent) + " %", "", "", FormatEurosFrench(invoice.tva)},
      {credit ? "Total TTC à déduire" : "Total TTC à payer", "", "",
       FormatEurosFrench(invoice.total_ttc)}};
  document.AddTable(std::move(table));
  document.SetFooter(LegalMentions(invoice));
  return document.Render();
}

std::string CiiAmount(billing::Cents amount) {
  const bool negative = amount < 0;
  const billing::Cents magnitude = negative ? -amount : amount;
  std::string cents = std::to_string(magnitude % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (negative ? "-" : "") + std::to_string(magnitude / 100) + "." + cents;
}

namespace {

// Thin checked wrappers over xmlTextWriter: the first failure is kept, the rest skipped.
class XmlWriter {
 public:
  XmlWriter() : buffer_(xmlBufferCreate()) {
    if (buffer_ != nullptr) writer_ = xmlNewTextWriterMemory(buffer_, 0);
    ok_ = writer_ != nullptr && xmlTextWriterSetIndent(writer_, 1) >= 0 &&
          xmlTextWriterStartDocument(writer_, "1.0", "UTF-8", nullptr) >= 0;
  }
  ~XmlWriter() {
    if (writer_ != nullptr) xmlFreeTextWriter(writer_);
    if (buffer_ != nullptr) xmlBufferFree(buffer_);
  }
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;

  void Start(const char* name) { Check(xmlTextWriterStartElement(writer_, Name(name))); }
  void End() { Check(xmlTextWriterEndElement(writer_)); }
  void Attribute(const char* name, const std::string& value) {
    Check(xmlTextWriterWriteAttribute(writer_, Name(name), Name(value.c_str())));
  }
  // <name attribute="…">text</name>
  void Element(const char* name, const std::string& text, const char* attribute = nullptr,
               const std::string& attribute_value = {}) {
    Start(name);
    if (attribute != nullptr) Attribute(attribute, attribute_value);
    Check(xmlTextWriterWriteString(writer_, Name(text.c_str())));
    End();
  }
  void Date(const char* name, const std::string& iso) {
    Start(name);
    Element("udt:DateTimeString", CiiDate(iso), "format", "102");
    End();
  }

  Result<std::string> Finish() {
    Check(xmlTextWriterEndDocument(writer_));
    if (!ok_) return Internal("CII: libxml2 n'a pas pu écrire le document.");
    xmlFreeTextWriter(writer_);  // flushes into the buffer
    writer_ = nullptr;
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_)),
                       static_cast<size_t>(xmlBufferLength(buffer_)));
  }

 private:
  static const xmlChar* Name(const char* text) { return reinterpret_cast<const xmlChar*>(text); }
  void Check(int result) { ok_ = ok_ && result >= 0; }

  xmlBufferPtr buffer_ = nullptr;
  xmlTextWriterPtr writer_ = nullptr;
  bool ok_ = false;
};

void Party(XmlWriter& xml, const char* element, const std::string& name, const std::string& siret,
           const std::string& address, const std::string& vat_number) {
  xml.Start(element);
  if (!siret.empty()) xml.Element("ram:GlobalID", siret, "schemeID", "0009");  // BT-29 / BT-46
  xml.Element("ram:Name", name);                                               // BT-27 / BT-44
  if (!siret.empty()) {
    xml.Start("ram:SpecifiedLegalOrganization");
    xml.Element("ram:ID", siret, "schemeID", "0009");  // BT-30 / BT-47 (SIRET)
    xml.End();
  }
  xml.Start("ram:PostalTradeAddress");
  if (!address.empty()) xml.Element("ram:LineOne", address);
  xml.Element("ram:CountryID", "FR");  // BT-40 / BT-55
  xml.End();
  if (!vat_number.empty()) {
    xml.Start("ram:SpecifiedTaxRegistration");
    xml.Element("ram:ID", vat_number, "schemeID", "VA");  // BT-31
    xml.End();
  }
  xml.End();
}

}  // namespace

Result<std::string> InvoiceCii(const Invoice& invoice) {
  const bool credit = invoice.kind == InvoiceKind::kCreditNote;
  XmlWriter xml;
  xml.Start("rsm:CrossIndustryInvoice");
  xml.Attribute("xmlns:rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100");
  xml.Attribute(
      "xmlns:ram",
      "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100");
  xml.Attribute("xmlns:qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100");
  xml.Attribute("xmlns:udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100");

  xml.Start("rsm:ExchangedDocumentContext");
  xml.Start("ram:GuidelineSpecifiedDocumentContextParameter");
  xml.Element("ram:ID", "urn:cen.eu:en16931:2017");  // BT-24
  xml.End();
  xml.End();

  xml.Start("rsm:ExchangedDocument");
  xml.Element("ram:ID", invoice.number);                // BT-1
  xml.Element("ram:TypeCode", credit ? "381" : "380");  // BT-3
  xml.Date("ram:IssueDateTime", invoice.issue_date);    // BT-2
  xml.Start("ram:IncludedNote");                        // BT-22
  xml.Element("ram:Content", invoice.label);
  xml.End();
  xml.End();

  xml.Start("rsm:SupplyChainTradeTransaction");
  for (size_t line_idx = 0; line_idx < invoice.lines.size(); ++line_idx) {
    const InvoiceLine& line = invoice.lines[line_idx];
    xml.Start("ram:IncludedSupplyChainTradeLineItem");
    xml.Start("ram:AssociatedDocumentLineDocument");
    xml.Element("ram:LineID", std::to_string(line_idx + 1));  // BT-126
    xml.End();
    xml.Start("ram:SpecifiedTradeProduct");
    xml.Element("ram:Name", line.label);  // BT-153
    xml.End();
    xml.Start("ram:SpecifiedLineTradeAgreement");
    xml.Start("ram:NetPriceProductTradePrice");
    xml.Element("ram:ChargeAmount", CiiAmount(line.unit_ht));  // BT-146
    xml.End();
    xml.End();
    xml.Start("ram:SpecifiedLineTradeDelivery");
    xml.Element("ram:BilledQuantity", std::to_string(line.quantity), "unitCode",
                "C62");  // BT-129, BT-130
    xml.End();
    xml.Start("ram:SpecifiedLineTradeSettlement");
    xml.Start("ram:ApplicableTradeTax");
    xml.Element("ram:TypeCode", "VAT");
    xml.Element("ram:CategoryCode", "S");                                           // BT-151
    xml.Element("ram:RateApplicablePercent", std::to_string(invoice.tva_percent));  // BT-152
    xml.End();
    if (!line.period_first.empty()) {
      xml.Start("ram:BillingSpecifiedPeriod");
      xml.Date("ram:StartDateTime", line.period_first);  // BT-134
      xml.Date("ram:EndDateTime", line.period_last);     // BT-135
      xml.End();
    }
    xml.Start("ram:SpecifiedTradeSettlementLineMonetarySummation");
    xml.Element("ram:LineTotalAmount", CiiAmount(line.total_ht));  // BT-131
    xml.End();
    xml.End();
    xml.End();
  }

  xml.Start("ram:ApplicableHeaderTradeAgreement");
  if (!invoice.buyer.code_service.empty())
    xml.Element("ram:BuyerReference", invoice.buyer.code_service);  // BT-10
  Party(xml, "ram:SellerTradeParty", invoice.seller.name, invoice.seller.siret,
        invoice.seller.address, invoice.seller.vat_number);
  Party(xml, "ram:BuyerTradeParty", invoice.buyer.name, invoice.buyer.siret, invoice.buyer.address,
        "");
  if (!invoice.buyer.engagement_number.empty()) {
    xml.Start("ram:BuyerOrderReferencedDocument");
    xml.Element("ram:IssuerAssignedID", invoice.buyer.engagement_number);  // BT-13
    xml.End();
  }
  if (invoice.contract_id) {
    xml.Start("ram:ContractReferencedDocument");
    xml.Element("ram:IssuerAssignedID", std::to_string(*invoice.contract_id));  // BT-12
    xml.End();
  }
  xml.End();

  xml.Start("ram:ApplicableHeaderTradeDelivery");
  xml.End();

  xml.Start("ram:ApplicableHeaderTradeSettlement");
  xml.Element("ram:InvoiceCurrencyCode", "EUR");  // BT-5
  if (!credit) {
    xml.Start("ram:SpecifiedTradeSettlementPaymentMeans");
    xml.Element("ram:TypeCode", "30");  // BT-81: credit transfer
    if (!invoice.seller.iban.empty()) {
      xml.Start("ram:PayeePartyCreditorFinancialAccount");
      xml.Element("ram:IBANID", invoice.seller.iban);  // BT-84
      xml.End();
    }
    xml.End();
  }
  xml.Start("ram:ApplicableTradeTax");
  xml.Element("ram:CalculatedAmount", CiiAmount(invoice.tva));  // BT-117
  xml.Element("ram:TypeCode", "VAT");
  xml.Element("ram:BasisAmount", CiiAmount(invoice.total_ht));                    // BT-116
  xml.Element("ram:CategoryCode", "S");                                           // BT-118
  xml.Element("ram:RateApplicablePercent", std::to_string(invoice.tva_percent));  // BT-119
  xml.End();
  if (!invoice.period_first.empty()) {
    xml.Start("ram:BillingSpecifiedPeriod");
    xml.Date("ram:StartDateTime", invoice.period_first);  // BT-73
    xml.Date("ram:EndDateTime", invoice.period_last);     // BT-74
    xml.End();
  }
  xml.Start("ram:SpecifiedTradePaymentTerms");
  const std::vector<std::string> mentions = LegalMentions(invoice);
  std::string terms;
  for (size_t mention_idx = 1; mention_idx < mentions.size(); ++mention_idx)
    terms += (terms.empty() ? "" : " ") + mentions[mention_idx];
  if (!terms.empty()) xml.Element("ram:Description", terms);       // BT-20
  if (!credit) xml.Date("ram:DueDateDateTime", invoice.due_date);  // BT-9
  xml.End();
  const billing::Cents prepaid = credit ? 0 : invoice.paid;
  xml.Start("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
  xml.Element("ram:LineTotalAmount", CiiAmount(invoice.total_ht));                 // BT-106
  xml.Element("ram:TaxBasisTotalAmount", CiiAmount(invoice.total_ht));             // BT-109
  xml.Element("ram:TaxTotalAmount", CiiAmount(invoice.tva), "currencyID", "EUR");  // BT-110
  xml.Element("ram:GrandTotalAmount", CiiAmount(invoice.total_ttc));               // BT-112
  xml.Element("ram:TotalPrepaidAmount", CiiAmount(prepaid));                       // BT-113
  xml.Element("ram:DuePayableAmount", CiiAmount(invoice.total_ttc - prepaid));     // BT-115
  xml.End();
  if (credit && !invoice.credited_number.empty()) {
    xml.Start("ram:InvoiceReferencedDocument");
    xml.Element("ram:IssuerAssignedID", invoice.credited_number);  // BT-25
    xml.Start("ram:FormattedIssueDateTime");
    xml.Element("qdt:DateTimeString", CiiDate(invoice.credited_issue_date), "format",
                "102");  // BT-26
    xml.End();
    xml.End();
  }
  xml.End();  // ApplicableHeaderTradeSettlement
  xml.End();  // SupplyChainTradeTransaction
  xml.End();  // CrossIndustryInvoice
  return xml.Finish();
}

exports::Table LedgerTable(const std::vector<Invoice>& invoices) {
  exports::Table table;
  table.sheet_name = "Journal des ventes";
  table.columns = {"Numéro",
                   "Type",
                   "Date d'émission",
                   "Échéance",
                   "Client",
                   "SIRET client",
                   "Facture corrigée",
                   "Montant HT (€)",
                   "TVA (€)",
                   "Montant TTC (€)",
                   "Payé (€)",
                   "Reste dû (€)",
                   "Statut"};
  for (const Invoice& invoice : invoices) {
    const bool credit = invoice.kind == InvoiceKind::kCreditNote;
    const double sign = credit ? -1 : 1;
    const char* status = credit                                       ? "avoir"
                         : invoice.status == InvoiceStatus::kPaid     ? "payée"
                         : invoice.status == InvoiceStatus::kCredited ? "annulée par avoir"
                                                                      : "émise";
    table.rows.push_back(
        {exports::Cell::Text(invoice.number), exports::Cell::Text(credit ? "Avoir" : "Facture"),
         exports::Cell::Text(invoice.issue_date),
         exports::Cell::Text(credit ? "" : invoice.due_date),
         exports::Cell::Text(invoice.buyer.name), exports::Cell::Text(invoice.buyer.siret),
         exports::Cell::Text(invoice.credited_number),
         exports::Cell::Number(sign * billing::CentsToEuros(invoice.total_ht)),
         exports::Cell::Number(sign * billing::CentsToEuros(invoice.tva)),
         exports::Cell::Number(sign * billing::CentsToEuros(invoice.total_ttc)),
         exports::Cell::Number(billing::CentsToEuros(invoice.paid)),
         exports::Cell::Number(billing::CentsToEuros(invoice.Outstanding())),
         exports::Cell::Text(status)});
  }
  return table;
}

}  // namespace vivrovert::invoices
