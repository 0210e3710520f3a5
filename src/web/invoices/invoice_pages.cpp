#include "web/invoices/invoice_pages.hpp"

#include <charconv>

#include "core/common/paris_time.hpp"
#include "domain/billing/calendar.hpp"
#include "domain/invoices/invoice_documents.hpp"
#include "domain/invoices/invoice_store.hpp"
#include "domain/partners/partner_store.hpp"

namespace vivrovert::invoices {

namespace {

using web::Context;
using web::Response;

Result<int64_t> ParseId(const std::string& text) {
  int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0)
    return NotFound("Page introuvable.");
  return id;
}

std::string FrenchDate(const std::string& iso) {
  std::optional<billing::Date> date = billing::ParseIsoDate(iso);
  return date ? billing::FormatFrenchDate(*date) : iso;
}

const char* StatusLabel(const Invoice& invoice, const std::string& today) {
  if (invoice.kind == InvoiceKind::kCreditNote) return "avoir";
  switch (invoice.status) {
    case InvoiceStatus::kPaid:
      return "payée";
    case InvoiceStatus::kCredited:
      return "annulée par avoir";
    case InvoiceStatus::kIssued:
      break;
  }
  return invoice.due_date < today ? "en retard" : "à payer";
}

// The invoice of a download route, or NotFound.
Result<Invoice> InvoiceOf(storage::Database& database, const std::string& id_text) {
  VV_ASSIGN_OR_RETURN(int64_t id, ParseId(id_text));
  storage::Connection connection = database.Acquire();
  std::optional<Invoice> invoice = InvoiceStore::Get(connection, id);
  if (!invoice) return NotFound("Facture introuvable.");
  return std::move(*invoice);
}

}  // namespace

void RegisterInvoicePages(web::App& app, storage::Database& database, const Clock& clock) {
  app.Get("/operateur/partenaires/{id}/factures",
          [&database, &clock](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(int64_t partner_id, ParseId(context.Param("id")));
            storage::Connection connection = database.Acquire();
            std::optional<partners::Partner> partner =
                partners::PartnerStore::Get(connection, partner_id);
            if (!partner) return NotFound("Partenaire introuvable.");
            const std::string today = ParisDate(clock.NowSeconds());
            mstch::array rows;
            billing::Cents outstanding = 0;
            for (const Invoice& invoice : InvoiceStore::OfPartner(connection, partner_id)) {
              const bool credit = invoice.kind == InvoiceKind::kCreditNote;
              outstanding += invoice.Outstanding();
              const std::string base = "/operateur/factures/" + std::to_string(invoice.id);
              rows.push_back(
                  mstch::map{{"number", invoice.number},
                             {"kind", std::string(credit ? "Avoir" : "Facture")},
                             {"issue_date", FrenchDate(invoice.issue_date)},
                             {"due_date", credit ? std::string() : FrenchDate(invoice.due_date)},
                             {"label", invoice.label},
                             {"total_ht", billing::FormatEurosFrench(invoice.total_ht)},
                             {"total_ttc", billing::FormatEurosFrench(invoice.total_ttc)},
                             {"outstanding", billing::FormatEurosFrench(invoice.Outstanding())},
                             {"status", std::string(StatusLabel(invoice, today))},
                             {"pdf", base + ".pdf"},
                             {"xml", base + ".xml"}});
            }
            const std::optional<BillingDetails> details =
                BillingDetailsStore::Get(connection, partner_id);
            return context.Page(
                "operator_invoices",
                mstch::map{{"title", "Factures de " + partner->name + " — VivroVert"},
                           {"name", partner->name},
                           {"partner_url", "/operateur/partenaires/" + std::to_string(partner_id)},
                           {"invoices", rows},
                           {"has_invoices", !rows.empty()},
                           {"outstanding", billing::FormatEurosFrench(outstanding)},
                           {"siret", OrToFill(details ? details->siret : "")},
                           {"code_service", OrToFill(details ? details->code_service : "")},
                           {"engagement", OrToFill(details ? details->engagement_number : "")},
                           {"billing_email", OrToFill(details ? details->billing_email : "")}});
          },
          {.access = web::Access::kOperator});

  // "{id}.pdf" or "{id}.xml": the route's segment is the file's name.
  app.Get("/operateur/factures/{file}",
          [&database](Context& context) -> Result<Response> {
            const std::string file = context.Param("file");
            const size_t dot = file.rfind('.');
            const std::string extension = dot == std::string::npos ? "" : file.substr(dot + 1);
            if (extension != "pdf" && extension != "xml") return NotFound("Page introuvable.");
            VV_ASSIGN_OR_RETURN(Invoice invoice, InvoiceOf(database, file.substr(0, dot)));
            if (extension == "pdf") {
              VV_ASSIGN_OR_RETURN(std::string pdf, InvoicePdf(invoice));
              return Response::Attachment(std::move(pdf), "application/pdf",
                                          invoice.number + ".pdf");
            }
            VV_ASSIGN_OR_RETURN(std::string xml, InvoiceCii(invoice));
            return Response::Attachment(std::move(xml), "application/xml", invoice.number + ".xml");
          },
          {.access = web::Access::kOperator});
}

}  // namespace vivrovert::invoices
