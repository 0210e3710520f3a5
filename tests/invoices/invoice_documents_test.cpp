// The invoice as documents: its PDF's extracted text (pdftotext), and its CII XML parsed
// back with libxml2 and checked against the written list of EN 16931 mandatory business
// terms (no schema file can be obtained here).
#include "domain/invoices/invoice_documents.hpp"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "invoice_fixture.hpp"
#include "support/pdf_text.hpp"

namespace vivrovert::invoices {
namespace {

using billing::FormatEurosFrench;

// pdftotext writes the narrow no-break space of French amounts as a plain space or keeps
// it: compare with both turned into plain spaces.
std::string Plain(std::string text) {
  for (const std::string nbsp : {"\u202f", "\u00a0"}) {
    for (size_t at = text.find(nbsp); at != std::string::npos; at = text.find(nbsp, at))
      text.replace(at, nbsp.size(), " ");
  }
  return text;
}

class InvoiceDocumentsTest : public InvoiceTest {
 protected:
  Invoice Issued() {
    storage::Connection connection = database_.db().Acquire();
    NewInvoice input = Simple("2027-04-01", 1200000);  // 12 000 € HT
    input.contract_id = Contract("2027-01-01", "2027-04-01", 24, 200000);
    input.instalment_index = 1;
    input.period_first = "2027-01-01";
    input.period_last = "2027-12-31";
    input.label = "50 % du montant annuel, à la mise en service";
    input.lines = {
        {"Abonnement — 50 % du montant annuel", 1, 1200000, 1200000, "2027-01-01", "2027-12-31"}};
    Result<Invoice> invoice = InvoiceStore::Issue(connection, input, kNow);
    EXPECT_TRUE(invoice.ok());
    return *invoice;
  }
};

TEST_F(InvoiceDocumentsTest, ThePdfCarriesTheNumberAmountsAndLegalMentions) {
  const Invoice invoice = Issued();
  Result<std::string> pdf = InvoicePdf(invoice);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string text = Plain(vivrovert::testing::PdfText(*pdf));
  ASSERT_FALSE(text.empty()) << "pdftotext failed";
  for (const std::string& expected : std::vector<std::string>{
           "Facture n° " + invoice.number,
           "VivroVert SAS",
           "SIRET : 12345678900017",
           "N° TVA intracommunautaire : FR12123456789",
           "Communauté de communes du Causse",  // the name wraps in its column
           "Labastide-Murat",
           "SIRET : 20006672800014",
           "Code service : SERV-FIN-01",
           "N° d'engagement : EJ-2027-0042",
           "Date d'émission : 01/04/2027",
           "Date d'échéance : 01/05/2027",
           "Période : du 01/01/2027 au 31/12/2027",
           Plain(FormatEurosFrench(invoice.total_ht)),   // 12 000,00 €
           Plain(FormatEurosFrench(invoice.tva)),        // 2 400,00 €
           Plain(FormatEurosFrench(invoice.total_ttc)),  // 14 400,00 €
           "Total TTC à payer",
           "pénalités de retard au taux de trois fois le taux d'intérêt légal",
           "indemnité forfaitaire pour frais",
           "40 €",
           "Paiement à 30 jours",
           "FR7630001007941234567890185",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
  EXPECT_EQ(Plain(FormatEurosFrench(invoice.total_ttc)), "14 400,00 €");
}

TEST_F(InvoiceDocumentsTest, MissingSellerMentionsSayTheyAreToBeFilledIn) {
  Invoice invoice = Issued();
  invoice.seller = Seller{};
  Result<std::string> pdf = InvoicePdf(invoice);
  ASSERT_TRUE(pdf.ok());
  const std::string text = vivrovert::testing::PdfText(*pdf);
  EXPECT_NE(text.find("TVA intracommunautaire : à renseigner"), std::string::npos) << text;
  EXPECT_NE(text.find("taux de à renseigner"), std::string::npos) << text;
}

// XPath over a CII document with its namespaces.
class Cii {
 public:
  explicit Cii(const std::string& xml)
      : document_(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "cii.xml", "UTF-8",
                                XML_PARSE_NONET)) {
    if (document_ == nullptr) return;
    context_ = xmlXPathNewContext(document_);
    auto ns = [this](const char* prefix, const char* uri) {
      xmlXPathRegisterNs(context_, reinterpret_cast<const xmlChar*>(prefix),
                         reinterpret_cast<const xmlChar*>(uri));
    };
    ns("rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100");
    ns("ram", "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100");
    ns("udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100");
    ns("qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100");
  }
  ~Cii() {
    if (context_ != nullptr) xmlXPathFreeContext(context_);
    if (document_ != nullptr) xmlFreeDoc(document_);
  }
  Cii(const Cii&) = delete;
  Cii& operator=(const Cii&) = delete;

  bool parsed() const { return document_ != nullptr; }

  // The texts of the nodes `path` selects.
  std::vector<std::string> All(const std::string& path) const {
    std::vector<std::string> texts;
    xmlXPathObjectPtr result =
        xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(path.c_str()), context_);
    if (result == nullptr) return texts;
    if (result->nodesetval != nullptr) {
      for (int node_idx = 0; node_idx < result->nodesetval->nodeNr; ++node_idx) {
        xmlChar* content = xmlNodeGetContent(result->nodesetval->nodeTab[node_idx]);
        texts.emplace_back(content != nullptr ? reinterpret_cast<const char*>(content) : "");
        xmlFree(content);
      }
    }
    xmlXPathFreeObject(result);
    return texts;
  }

 private:
  xmlDocPtr document_ = nullptr;
  xmlXPathContextPtr context_ = nullptr;
};

struct BusinessTerm {
  std::string term;
  std::string path;  // absolute XPath
  std::string expected;
};

constexpr const char* kDoc = "/rsm:CrossIndustryInvoice/";
constexpr const char* kTx = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/";

std::string P(const char* base, const std::string& rest) { return base + rest; }

// The EN 16931 business terms every invoice must carry (those the standard marks 1..1,
// plus the ones French public buyers require through Chorus Pro: BT-10, BT-13, BT-46/47,
// BT-29/30/31), where CII puts them, and the value this invoice must give.
std::vector<BusinessTerm> MandatoryTerms(const Invoice& invoice, const char* type_code) {
  const std::string agreement = P(kTx, "ram:ApplicableHeaderTradeAgreement/");
  const std::string settlement = P(kTx, "ram:ApplicableHeaderTradeSettlement/");
  const std::string totals = settlement + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/";
  const std::string vat = settlement + "ram:ApplicableTradeTax/";
  const std::string line = P(kTx, "ram:IncludedSupplyChainTradeLineItem[1]/");
  const std::string seller = agreement + "ram:SellerTradeParty/";
  const std::string buyer = agreement + "ram:BuyerTradeParty/";
  const InvoiceLine& first = invoice.lines.at(0);
  return {
      {"BT-24",
       P(kDoc,
         "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"),
       "urn:cen.eu:en16931:2017"},
      {"BT-1", P(kDoc, "rsm:ExchangedDocument/ram:ID"), invoice.number},
      {"BT-2", P(kDoc, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString[@format='102']"),
       "20270401"},
      {"BT-3", P(kDoc, "rsm:ExchangedDocument/ram:TypeCode"), type_code},
      {"BT-5", (settlement + "ram:InvoiceCurrencyCode"), "EUR"},
      {"BT-10", (agreement + "ram:BuyerReference"), "SERV-FIN-01"},
      {"BT-13", (agreement + "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
       "EJ-2027-0042"},
      {"BT-27", (seller + "ram:Name"), "VivroVert SAS"},
      {"BT-29", (seller + "ram:GlobalID[@schemeID='0009']"), "12345678900017"},
      {"BT-30", (seller + "ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0009']"),
       "12345678900017"},
      {"BT-31", (seller + "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"), "FR12123456789"},
      {"BT-40", (seller + "ram:PostalTradeAddress/ram:CountryID"), "FR"},
      {"BT-44", (buyer + "ram:Name"), invoice.buyer.name},
      {"BT-46", (buyer + "ram:GlobalID[@schemeID='0009']"), "20006672800014"},
      {"BT-47", (buyer + "ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0009']"),
       "20006672800014"},
      {"BT-55", (buyer + "ram:PostalTradeAddress/ram:CountryID"), "FR"},
      {"BT-106", (totals + "ram:LineTotalAmount"), CiiAmount(invoice.total_ht)},
      {"BT-109", (totals + "ram:TaxBasisTotalAmount"), CiiAmount(invoice.total_ht)},
      {"BT-110", (totals + "ram:TaxTotalAmount[@currencyID='EUR']"), CiiAmount(invoice.tva)},
      {"BT-112", (totals + "ram:GrandTotalAmount"), CiiAmount(invoice.total_ttc)},
      {"BT-115", (totals + "ram:DuePayableAmount"), CiiAmount(invoice.total_ttc)},
      {"BT-116", (vat + "ram:BasisAmount"), CiiAmount(invoice.total_ht)},
      {"BT-117", (vat + "ram:CalculatedAmount"), CiiAmount(invoice.tva)},
      {"BT-118", (vat + "ram:CategoryCode"), "S"},
      {"BT-119", (vat + "ram:RateApplicablePercent"), "20"},
      {"BT-126", (line + "ram:AssociatedDocumentLineDocument/ram:LineID"), "1"},
      {"BT-129", (line + "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
       std::to_string(first.quantity)},
      {"BT-130", (line + "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode"), "C62"},
      {"BT-131",
       (line + "ram:SpecifiedLineTradeSettlement/"
               "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"),
       CiiAmount(first.total_ht)},
      {"BT-146",
       (line + "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"),
       CiiAmount(first.unit_ht)},
      {"BT-151",
       (line + "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode"), "S"},
      {"BT-152",
       (line + "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent"),
       "20"},
      {"BT-153", (line + "ram:SpecifiedTradeProduct/ram:Name"), first.label},
  };
}

// Each term of `terms` is there exactly once, with its value.
void ExpectTerms(const Cii& cii, const std::vector<BusinessTerm>& terms) {
  for (const BusinessTerm& term : terms) {
    const std::vector<std::string> found = cii.All(term.path);
    ASSERT_EQ(found.size(), 1u) << term.term << " at " << term.path;
    EXPECT_EQ(found[0], term.expected) << term.term;
  }
}

TEST_F(InvoiceDocumentsTest, TheCiiXmlCarriesEveryMandatoryBusinessTerm) {
  const Invoice invoice = Issued();
  Result<std::string> xml = InvoiceCii(invoice);
  ASSERT_TRUE(xml.ok()) << xml.status().ToString();
  Cii cii(*xml);
  ASSERT_TRUE(cii.parsed()) << *xml;
  const std::vector<BusinessTerm> terms = MandatoryTerms(invoice, "380");
  EXPECT_GE(terms.size(), 33u);
  ExpectTerms(cii, terms);
  const std::string settlement = P(kTx, "ram:ApplicableHeaderTradeSettlement/");
  ExpectTerms(
      cii,
      {{"BT-9",
        settlement + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
        "20270501"},
       {"BT-81", settlement + "ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode", "30"},
       {"BT-84",
        settlement +
            "ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/"
            "ram:IBANID",
        "FR7630001007941234567890185"},
       {"BT-73", settlement + "ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString",
        "20270101"},
       {"BT-74", settlement + "ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString",
        "20271231"}});
  // BT-20: the payment terms state the penalties and the 40 € indemnity.
  const std::vector<std::string> terms_text =
      cii.All(settlement + "ram:SpecifiedTradePaymentTerms/ram:Description");
  ASSERT_EQ(terms_text.size(), 1u);
  EXPECT_NE(terms_text[0].find("40 €"), std::string::npos);
  EXPECT_NE(terms_text[0].find("trois fois le taux d'intérêt légal"), std::string::npos);
  // The totals add up: BT-112 = BT-109 + BT-110.
  EXPECT_EQ(invoice.total_ttc, invoice.total_ht + invoice.tva);
}

TEST_F(InvoiceDocumentsTest, ACreditNoteIsType381AndNamesTheInvoiceItCorrects) {
  const Invoice invoice = Issued();
  storage::Connection connection = database_.db().Acquire();
  Result<Invoice> note = InvoiceStore::IssueCreditNote(connection, invoice.id, std::nullopt,
                                                       "2027-04-02", "erreur de période", kNow);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  Result<std::string> xml = InvoiceCii(*note);
  ASSERT_TRUE(xml.ok());
  Cii cii(*xml);
  ASSERT_TRUE(cii.parsed());
  std::vector<BusinessTerm> terms = MandatoryTerms(*note, "381");
  for (BusinessTerm& term : terms) {
    if (term.term == "BT-2") term.expected = "20270402";
  }
  ExpectTerms(cii, terms);
  const std::string referenced =
      P(kTx, "ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument/");
  ExpectTerms(
      cii, {{"BT-25", referenced + "ram:IssuerAssignedID", invoice.number},
            {"BT-26", referenced + "ram:FormattedIssueDateTime/qdt:DateTimeString", "20270401"}});
  Result<std::string> pdf = InvoicePdf(*note);
  ASSERT_TRUE(pdf.ok());
  const std::string text = Plain(vivrovert::testing::PdfText(*pdf));
  EXPECT_NE(text.find("Avoir n° " + note->number), std::string::npos) << text;
  EXPECT_NE(text.find("Avoir sur la facture n° " + invoice.number + " du 01/04/2027"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("14 400,00 €"), std::string::npos) << text;
}

TEST(CiiAmountTest, TwoDecimalsWithADot) {
  EXPECT_EQ(CiiAmount(0), "0.00");
  EXPECT_EQ(CiiAmount(5), "0.05");
  EXPECT_EQ(CiiAmount(123456), "1234.56");
  EXPECT_EQ(CiiAmount(-1999), "-19.99");
}

}  // namespace
}  // namespace vivrovert::invoices
