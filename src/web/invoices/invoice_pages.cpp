#include "web/invoices/invoice_pages.hpp"

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/billing/calendar.hpp"
#include "domain/invoices/invoice_documents.hpp"
#include "domain/invoices/invoice_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "web/http/errors.hpp"
#include "web/partners/page_parts.hpp"
#include "web/partners/partner_access.hpp"

namespace vivrovert::invoices {

namespace {

using web::Context;
using web::Response;

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

const char* PaymentMethodLabel(PaymentMethod method) {
  switch (method) {
    case PaymentMethod::kTransfer:
      return "virement";
    case PaymentMethod::kCheque:
      return "chèque";
    case PaymentMethod::kCard:
      return "carte";
    case PaymentMethod::kOther:
      break;
  }
  return "autre";
}

// One row of an invoice table; `base` is where its documents are ("/operateur/factures"
// or the partner's "/partenaire/{slug}/factures").
mstch::map InvoiceRow(const Invoice& invoice, const std::string& today, const std::string& base) {
  const bool credit = invoice.kind == InvoiceKind::kCreditNote;
  const std::string file = base + "/" + std::to_string(invoice.id);
  return mstch::map{{"number", invoice.number},
                    {"kind", std::string(credit ? "Avoir" : "Facture")},
                    {"issue_date", FrenchDate(invoice.issue_date)},
                    {"due_date", credit ? std::string() : FrenchDate(invoice.due_date)},
                    {"label", invoice.label},
                    {"buyer", invoice.buyer.name},
                    {"total_ht", billing::FormatEurosFrench(invoice.total_ht)},
                    {"total_ttc", billing::FormatEurosFrench(invoice.total_ttc)},
                    {"outstanding", billing::FormatEurosFrench(invoice.Outstanding())},
                    {"status", std::string(StatusLabel(invoice, today))},
                    {"late", !credit && invoice.Outstanding() > 0 && invoice.due_date < today},
                    {"link", file},
                    {"pdf", file + ".pdf"},
                    {"xml", file + ".xml"}};
}

// The invoice `id_text` names, or NotFound.
Result<Invoice> InvoiceOf(storage::Connection& connection, const std::string& id_text) {
  VV_ASSIGN_OR_RETURN(int64_t id, partners::ParsePageId(id_text));
  std::optional<Invoice> invoice = InvoiceStore::Get(connection, id);
  if (!invoice) return NotFound("Facture introuvable.");
  return std::move(*invoice);
}

// "{id}.pdf" or "{id}.xml" of `invoice` as a download; NotFound for another extension.
Result<Response> Document(const Invoice& invoice, const std::string& extension) {
  if (extension == "pdf") {
    VV_ASSIGN_OR_RETURN(std::string pdf, InvoicePdf(invoice));
    return Response::Attachment(std::move(pdf), "application/pdf", invoice.number + ".pdf");
  }
  if (extension == "xml") {
    VV_ASSIGN_OR_RETURN(std::string xml, InvoiceCii(invoice));
    return Response::Attachment(std::move(xml), "application/xml", invoice.number + ".xml");
  }
  return NotFound("Page introuvable.");
}

// Splits a route's "{id}.{extension}" segment ("12.pdf" → "12", "pdf"; "12" → "12", "").
std::pair<std::string, std::string> SplitFile(const std::string& file) {
  const size_t dot = file.rfind('.');
  if (dot == std::string::npos) return {file, ""};
  return {file.substr(0, dot), file.substr(dot + 1)};
}

// What the operator typed in the invoice page's forms, given back when refused.
struct InvoiceForms {
  std::string amount;
  std::string paid_on;
  std::string method = "transfer";
  std::string reference;
  std::string credit_amount;
  std::string credit_date;
  std::string reason;
};

Result<Response> InvoicePage(Context& context, storage::Connection& connection,
                             const Invoice& invoice, const std::string& today,
                             const InvoiceForms& forms, const Status& problem,
                             const std::string& problem_form) {
  const bool credit = invoice.kind == InvoiceKind::kCreditNote;
  mstch::array lines;
  for (const InvoiceLine& line : invoice.lines) {
    lines.push_back(mstch::map{{"label", line.label},
                               {"quantity", std::to_string(line.quantity)},
                               {"unit_ht", billing::FormatEurosFrench(line.unit_ht)},
                               {"total_ht", billing::FormatEurosFrench(line.total_ht)}});
  }
  mstch::array payments;
  for (const Payment& payment : InvoiceStore::Payments(connection, invoice.id)) {
    payments.push_back(mstch::map{{"paid_on", FrenchDate(payment.paid_on)},
                                  {"amount", billing::FormatEurosFrench(payment.amount)},
                                  {"method", std::string(PaymentMethodLabel(payment.method))},
                                  {"reference", payment.reference}});
  }
  mstch::array credit_notes;
  if (!credit) {
    for (const Invoice& other : InvoiceStore::OfPartner(connection, invoice.partner_id)) {
      if (other.credited_invoice_id == invoice.id)
        credit_notes.push_back(InvoiceRow(other, today, "/operateur/factures"));
    }
  }
  mstch::array methods;
  for (PaymentMethod method : {PaymentMethod::kTransfer, PaymentMethod::kCheque,
                               PaymentMethod::kCard, PaymentMethod::kOther}) {
    const std::string name = PaymentMethodName(method);
    methods.push_back(mstch::map{{"value", name},
                                 {"label", std::string(PaymentMethodLabel(method))},
                                 {"selected", name == forms.method}});
  }
  const bool open = !credit && invoice.Outstanding() > 0;
  const std::string error = problem.ok() ? "" : problem.message();
  const int status = problem.ok() ? 200 : web::HttpStatusFor(problem.code());
  return context.Page(
      "operator_invoice",
      mstch::map{
          {"title", (credit ? "Avoir " : "Facture ") + invoice.number + " — VivroVert"},
          {"operator_nav", mstch::map{{"factures", true}}},
          {"invoice", InvoiceRow(invoice, today, "/operateur/factures")},
          {"is_credit_note", credit},
          {"credited_number", invoice.credited_number},
          {"credited_link",
           invoice.credited_invoice_id
               ? "/operateur/factures/" + std::to_string(*invoice.credited_invoice_id)
               : std::string()},
          {"partner_invoices",
           "/operateur/partenaires/" + std::to_string(invoice.partner_id) + "/factures"},
          {"period", invoice.period_first.empty() ? std::string()
                                                  : "du " + FrenchDate(invoice.period_first) +
                                                        " au " + FrenchDate(invoice.period_last)},
          {"tva", billing::FormatEurosFrench(invoice.tva)},
          {"paid", billing::FormatEurosFrench(invoice.paid)},
          {"credited", billing::FormatEurosFrench(invoice.credited)},
          {"lines", lines},
          {"payments", payments},
          {"has_payments", !payments.empty()},
          {"credit_notes", credit_notes},
          {"has_credit_notes", !credit_notes.empty()},
          {"open", open},
          {"may_credit", !credit && invoice.status != InvoiceStatus::kCredited},
          {"methods", methods},
          {"amount", forms.amount.empty() && open
                         ? billing::FormatEurosFrench(invoice.Outstanding())
                         : forms.amount},
          {"paid_on", forms.paid_on.empty() ? FrenchDay(today) : forms.paid_on},
          {"reference", forms.reference},
          {"credit_amount", forms.credit_amount},
          {"credit_date", forms.credit_date.empty() ? FrenchDay(today) : forms.credit_date},
          {"reason", forms.reason},
          {"payment_error", problem_form == "payment" ? error : std::string()},
          {"credit_error", problem_form == "credit" ? error : std::string()},
          {"error_field", problem.ok() ? std::string() : problem.field()}},
      status);
}

// The ledger's period from the query: ?du=…&au=… (default: the current calendar year).
struct Period {
  std::string first;
  std::string last;
};

Period CurrentYear(const std::string& today) {
  return {today.substr(0, 4) + "-01-01", today.substr(0, 4) + "-12-31"};
}

// A day typed in a form (JJ/MM/AAAA, or AAAA-MM-JJ from links): "AAAA-MM-JJ", or an error
// naming `field` and quoting what was typed.
Result<std::string> TypedDay(const std::string& typed, const char* field, const char* what) {
  if (std::optional<std::string> iso = ParseTypedDay(typed)) return *iso;
  return InvalidArgument(std::string(what) + " illisible : « " + typed.substr(0, 40) +
                             " » (attendu : JJ/MM/AAAA, par exemple 31/01/2027).",
                         field);
}

Result<Period> LedgerPeriod(const web::Request& request, const std::string& today) {
  Period period = CurrentYear(today);
  const std::string first = Trim(request.Query("du").value_or(""));
  const std::string last = Trim(request.Query("au").value_or(""));
  if (!first.empty()) {
    VV_ASSIGN_OR_RETURN(period.first, TypedDay(first, "du", "Date de début"));
  }
  if (!last.empty()) {
    VV_ASSIGN_OR_RETURN(period.last, TypedDay(last, "au", "Date de fin"));
  }
  if (period.last < period.first)
    return InvalidArgument("La fin de la période précède son début.", "au");
  return period;
}

void RegisterOperatorRoutes(web::App& app, storage::Database& database, const Clock& clock) {
  app.Get(
      "/operateur/factures",
      [&database, &clock](Context& context) -> Result<Response> {
        const std::string today = ParisDate(clock.NowSeconds());
        const web::Request& request = context.request();
        Result<Period> period = LedgerPeriod(request, today);
        const std::string format = request.Query("format").value_or("");
        storage::Connection connection = database.Acquire();
        if (period.ok() && (format == "csv" || format == "xlsx")) {
          const exports::Table table =
              LedgerTable(InvoiceStore::Ledger(connection, period->first, period->last));
          const std::string name = "journal-des-ventes-" + period->first + "-" + period->last;
          if (format == "csv") {
            return Response::Attachment(exports::TableCsv(table), "text/csv; charset=utf-8",
                                        name + ".csv");
          }
          VV_ASSIGN_OR_RETURN(std::string xlsx, exports::TableXlsx(table));
          return Response::Attachment(
              std::move(xlsx), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              name + ".xlsx");
        }
        mstch::array overdue;
        billing::Cents overdue_total = 0;
        for (const Invoice& invoice : InvoiceStore::Overdue(connection, today)) {
          overdue_total += invoice.Outstanding();
          overdue.push_back(InvoiceRow(invoice, today, "/operateur/factures"));
        }
        mstch::array ledger;
        billing::Cents ledger_ht = 0;
        billing::Cents ledger_ttc = 0;
        const Period shown = period.ok() ? *period : CurrentYear(today);
        for (const Invoice& invoice : InvoiceStore::Ledger(connection, shown.first, shown.last)) {
          const billing::Cents sign = invoice.kind == InvoiceKind::kCreditNote ? -1 : 1;
          ledger_ht += sign * invoice.total_ht;
          ledger_ttc += sign * invoice.total_ttc;
          ledger.push_back(InvoiceRow(invoice, today, "/operateur/factures"));
        }
        const std::string query = "?du=" + shown.first + "&au=" + shown.last;
        return context.Page(
            "operator_billing",
            mstch::map{{"title", std::string("Factures — VivroVert")},
                       {"operator_nav", mstch::map{{"factures", true}}},
                       {"overdue", overdue},
                       {"has_overdue", !overdue.empty()},
                       {"overdue_total", billing::FormatEurosFrench(overdue_total)},
                       {"first", period.ok() ? FrenchDay(shown.first)
                                             : Trim(request.Query("du").value_or(""))},
                       {"last", period.ok() ? FrenchDay(shown.last)
                                            : Trim(request.Query("au").value_or(""))},
                       {"ledger", ledger},
                       {"has_ledger", !ledger.empty()},
                       {"ledger_ht", billing::FormatEurosFrench(ledger_ht)},
                       {"ledger_ttc", billing::FormatEurosFrench(ledger_ttc)},
                       {"csv", "/operateur/factures" + query + "&format=csv"},
                       {"xlsx", "/operateur/factures" + query + "&format=xlsx"},
                       {"error", period.ok() ? std::string() : period.status().message()}},
            period.ok() ? 200 : 400);
      },
      {.access = web::Access::kOperator});

  const auto partner_page = [&database, &clock](Context& context, int64_t partner_id,
                                                const BillingDetails* typed,
                                                const Status& problem) -> Result<Response> {
    storage::Connection connection = database.Acquire();
    std::optional<partners::Partner> partner = partners::PartnerStore::Get(connection, partner_id);
    if (!partner) return NotFound("Partenaire introuvable.");
    const std::string today = ParisDate(clock.NowSeconds());
    mstch::array rows;
    billing::Cents outstanding = 0;
    for (const Invoice& invoice : InvoiceStore::OfPartner(connection, partner_id)) {
      outstanding += invoice.Outstanding();
      rows.push_back(InvoiceRow(invoice, today, "/operateur/factures"));
    }
    std::optional<BillingDetails> details = typed
                                                ? std::optional<BillingDetails>(*typed)
                                                : BillingDetailsStore::Get(connection, partner_id);
    if (!details) details = BillingDetails{};
    const std::string base = "/operateur/partenaires/" + std::to_string(partner_id);
    return context.Page("operator_invoices",
                        mstch::map{{"title", "Factures de " + partner->name + " — VivroVert"},
                                   {"operator_nav", mstch::map{{"factures", true}}},
                                   {"name", partner->name},
                                   {"partner_url", base},
                                   {"details_action", base + "/facturation"},
                                   {"invoices", rows},
                                   {"has_invoices", !rows.empty()},
                                   {"outstanding", billing::FormatEurosFrench(outstanding)},
                                   {"legal_name", details->legal_name},
                                   {"address", details->address},
                                   {"siret", details->siret},
                                   {"code_service", details->code_service},
                                   {"engagement", details->engagement_number},
                                   {"billing_email", details->billing_email},
                                   {"saved", context.request().Query("enregistre").has_value()},
                                   {"error", problem.ok() ? std::string() : problem.message()},
                                   {"error_field", problem.ok() ? std::string() : problem.field()}},
                        problem.ok() ? 200 : web::HttpStatusFor(problem.code()));
  };

  app.Get("/operateur/partenaires/{id}/factures",
          [partner_page](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(int64_t partner_id, partners::ParsePageId(context.Param("id")));
            return partner_page(context, partner_id, nullptr, Status::Ok());
          },
          {.access = web::Access::kOperator});

  app.Post("/operateur/partenaires/{id}/facturation",
           [&database, &clock, partner_page](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(int64_t partner_id, partners::ParsePageId(context.Param("id")));
             const web::Request& request = context.request();
             BillingDetails details;
             details.partner_id = partner_id;
             details.legal_name = Trim(request.Form("legal_name").value_or(""));
             details.address = Trim(request.Form("address").value_or(""));
             details.siret = Trim(request.Form("siret").value_or(""));
             details.code_service = Trim(request.Form("code_service").value_or(""));
             details.engagement_number = Trim(request.Form("engagement").value_or(""));
             details.billing_email = Trim(request.Form("billing_email").value_or(""));
             {
               storage::Connection connection = database.Acquire();
               if (!partners::PartnerStore::Get(connection, partner_id))
                 return NotFound("Partenaire introuvable.");
               Status saved = BillingDetailsStore::Put(connection, details, clock.NowSeconds());
               if (!saved.ok()) return partner_page(context, partner_id, &details, saved);
             }
             return Response::Redirect("/operateur/partenaires/" + std::to_string(partner_id) +
                                       "/factures?enregistre=1");
           },
           {.access = web::Access::kOperator});

  // "{id}": the invoice's page; "{id}.pdf", "{id}.xml": its documents.
  app.Get("/operateur/factures/{file}",
          [&database, &clock](Context& context) -> Result<Response> {
            const auto [id, extension] = SplitFile(context.Param("file"));
            storage::Connection connection = database.Acquire();
            VV_ASSIGN_OR_RETURN(Invoice invoice, InvoiceOf(connection, id));
            if (!extension.empty()) return Document(invoice, extension);
            return InvoicePage(context, connection, invoice, ParisDate(clock.NowSeconds()), {},
                               Status::Ok(), "");
          },
          {.access = web::Access::kOperator});

  app.Post("/operateur/factures/{file}/paiements",
           [&database, &clock](Context& context) -> Result<Response> {
             const web::Request& request = context.request();
             InvoiceForms forms;
             forms.amount = Trim(request.Form("amount").value_or(""));
             forms.paid_on = Trim(request.Form("paid_on").value_or(""));
             forms.method = request.Form("method").value_or("transfer");
             forms.reference = Trim(request.Form("reference").value_or("")).substr(0, 200);
             storage::Connection connection = database.Acquire();
             VV_ASSIGN_OR_RETURN(Invoice invoice, InvoiceOf(connection, context.Param("file")));
             const std::string today = ParisDate(clock.NowSeconds());
             const std::optional<billing::Cents> amount = billing::ParseEuros(forms.amount);
             const std::optional<PaymentMethod> method = ParsePaymentMethod(forms.method);
             const Result<std::string> paid_on =
                 TypedDay(forms.paid_on, "paid_on", "Date de paiement");
             Status problem;
             if (!amount) {
               problem = InvalidArgument(
                   "Montant illisible : tapez des euros, par exemple 1 234,56.", "amount");
             } else if (!paid_on.ok()) {
               problem = paid_on.status();
             } else if (!method) {
               problem = InvalidArgument("Mode de paiement inconnu.", "method");
             } else {
               storage::Transaction transaction(connection);
               std::optional<int64_t> recorded_by;
               if (context.user()) recorded_by = context.user()->user_id;
               Result<Payment> payment =
                   InvoiceStore::RecordPayment(connection, invoice.id, *amount, *paid_on, *method,
                                               forms.reference, recorded_by, clock.NowSeconds());
               if (payment.ok()) {
                 transaction.Commit();
                 return Response::Redirect("/operateur/factures/" + std::to_string(invoice.id));
               }
               problem = payment.status();
             }
             return InvoicePage(context, connection, invoice, today, forms, problem, "payment");
           },
           {.access = web::Access::kOperator});

  app.Post("/operateur/factures/{file}/avoir",
           [&database, &clock](Context& context) -> Result<Response> {
             const web::Request& request = context.request();
             InvoiceForms forms;
             forms.credit_amount = Trim(request.Form("credit_amount").value_or(""));
             forms.credit_date = Trim(request.Form("credit_date").value_or(""));
             forms.reason = Trim(request.Form("reason").value_or("")).substr(0, 500);
             storage::Connection connection = database.Acquire();
             VV_ASSIGN_OR_RETURN(Invoice invoice, InvoiceOf(connection, context.Param("file")));
             const std::string today = ParisDate(clock.NowSeconds());
             std::optional<billing::Cents> amount;
             Status problem;
             if (!forms.credit_amount.empty()) {
               amount = billing::ParseEuros(forms.credit_amount);
               if (!amount || *amount == 0) {
                 problem = InvalidArgument(
                     "Montant HT illisible : tapez des euros, ou laissez vide pour tout annuler.",
                     "credit_amount");
               }
             }
             std::string credit_date = today;
             if (problem.ok() && !forms.credit_date.empty()) {
               Result<std::string> typed =
                   TypedDay(forms.credit_date, "credit_date", "Date de l'avoir");
               if (typed.ok())
                 credit_date = *typed;
               else
                 problem = typed.status();
             }
             if (problem.ok() && forms.reason.empty())
               problem = InvalidArgument("Donnez le motif de l'avoir.", "reason");
             if (problem.ok()) {
               storage::Transaction transaction(connection);
               Result<Invoice> note = InvoiceStore::IssueCreditNote(
                   connection, invoice.id, amount, credit_date, forms.reason, clock.NowSeconds());
               if (note.ok()) {
                 transaction.Commit();
                 return Response::Redirect("/operateur/factures/" + std::to_string(note->id));
               }
               problem = note.status();
             }
             return InvoicePage(context, connection, invoice, today, forms, problem, "credit");
           },
           {.access = web::Access::kOperator});
}

void RegisterPartnerRoutes(web::App& app, storage::Database& database) {
  app.Get("/partenaire/{slug}/factures",
          partners::SignedIn([&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, database));
            storage::Connection connection = database.Acquire();
            const std::string base = partners::PartnerBase(access.partner) + "/factures";
            mstch::array rows;
            billing::Cents outstanding = 0;
            billing::Cents late = 0;
            for (const Invoice& invoice : InvoiceStore::OfPartner(connection, access.partner.id)) {
              outstanding += invoice.Outstanding();
              if (invoice.kind == InvoiceKind::kInvoice && invoice.due_date < access.today)
                late += invoice.Outstanding();
              rows.push_back(InvoiceRow(invoice, access.today, base));
            }
            return context.Page("partner_invoices",
                                mstch::map{{"title", "Factures — " + access.partner.name},
                                           {"partner", partners::PartnerData(access)},
                                           {"invoices", rows},
                                           {"has_invoices", !rows.empty()},
                                           {"outstanding", billing::FormatEurosFrench(outstanding)},
                                           {"late", billing::FormatEurosFrench(late)},
                                           {"has_late", late > 0}});
          }));

  app.Get("/partenaire/{slug}/factures/{file}",
          partners::SignedIn([&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, database));
            const auto [id, extension] = SplitFile(context.Param("file"));
            storage::Connection connection = database.Acquire();
            VV_ASSIGN_OR_RETURN(Invoice invoice, InvoiceOf(connection, id));
            // Another partner's invoice is not revealed.
            if (invoice.partner_id != access.partner.id || extension.empty())
              return NotFound("Facture introuvable.");
            return Document(invoice, extension);
          }));
}

}  // namespace

void RegisterInvoicePages(web::App& app, storage::Database& database, const Clock& clock) {
  RegisterOperatorRoutes(app, database, clock);
  RegisterPartnerRoutes(app, database);
}

}  // namespace vivrovert::invoices
