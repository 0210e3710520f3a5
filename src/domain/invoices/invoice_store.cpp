#include "domain/invoices/invoice_store.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "core/storage/batch.hpp"
#include "domain/billing/calendar.hpp"
#include "domain/billing/quote.hpp"

namespace vivrovert::invoices {

namespace {

using storage::SqlValue;

constexpr const char* kInvoiceColumns =
    "id, sequence, number, kind, partner_id, contract_id, instalment_index, credited_invoice_id, "
    "issue_date, due_date, period_first, period_last, label, total_ht_cents, tva_percent, "
    "tva_cents, total_ttc_cents, buyer_name, buyer_address, buyer_siret, buyer_code_service, "
    "buyer_engagement, seller_json, status, paid_at, created_at";

SqlValue OptionalText(const std::string& text) {
  return text.empty() ? SqlValue(nullptr) : SqlValue(text);
}

Invoice InvoiceFromRow(const storage::Row& row) {
  Invoice invoice;
  invoice.id = row.Int(0);
  invoice.sequence = row.Int(1);
  invoice.number = row.Text(2);
  invoice.kind = row.Text(3) == "credit_note" ? InvoiceKind::kCreditNote : InvoiceKind::kInvoice;
  invoice.partner_id = row.Int(4);
  invoice.contract_id = row.OptionalInt(5);
  if (std::optional<int64_t> index = row.OptionalInt(6))
    invoice.instalment_index = static_cast<int>(*index);
  invoice.credited_invoice_id = row.OptionalInt(7);
  invoice.issue_date = row.Text(8);
  invoice.due_date = row.Text(9);
  invoice.period_first = row.OptionalText(10).value_or("");
  invoice.period_last = row.OptionalText(11).value_or("");
  invoice.label = row.Text(12);
  invoice.total_ht = row.Int(13);
  invoice.tva_percent = static_cast<int>(row.Int(14));
  invoice.tva = row.Int(15);
  invoice.total_ttc = row.Int(16);
  invoice.buyer = {row.Text(17), row.Text(18), row.Text(19), row.Text(20), row.Text(21)};
  invoice.seller = Seller::FromJson(row.Text(22));
  const std::string status = row.Text(23);
  invoice.status = status == "paid"       ? InvoiceStatus::kPaid
                   : status == "credited" ? InvoiceStatus::kCredited
                                          : InvoiceStatus::kIssued;
  invoice.paid_at = row.OptionalInt(24);
  invoice.created_at = row.Int(25);
  return invoice;
}

// Visits the rows of `before` + "(ids…)" + `after` (storage::QueryIdsIn).
template <typename Visit>
void ForChunks(storage::Connection& connection, const std::vector<int64_t>& ids,
               const std::string& before, const std::string& after, Visit visit) {
  for (const storage::Row& row : storage::QueryIdsIn(connection, before, ids, after)) visit(row);
}

// Fills the lines, the payments' and credit notes' sums and the credited invoice's number.
void Complete(storage::Connection& connection, std::vector<Invoice>& invoices) {
  if (invoices.empty()) return;
  std::map<int64_t, Invoice*> by_id;
  std::vector<int64_t> ids;
  std::vector<int64_t> credited_ids;
  for (Invoice& invoice : invoices) {
    by_id[invoice.id] = &invoice;
    ids.push_back(invoice.id);
    if (invoice.credited_invoice_id) credited_ids.push_back(*invoice.credited_invoice_id);
  }
  ForChunks(connection, ids,
            "SELECT invoice_id, label, quantity, unit_ht_cents, total_ht_cents, period_first, "
            "period_last FROM invoice_lines WHERE invoice_id IN ",
            " ORDER BY invoice_id, line_no", [&](const storage::Row& row) {
              by_id[row.Int(0)]->lines.push_back({row.Text(1), row.Int(2), row.Int(3), row.Int(4),
                                                  row.OptionalText(5).value_or(""),
                                                  row.OptionalText(6).value_or("")});
            });
  ForChunks(connection, ids,
            "SELECT invoice_id, SUM(amount_cents) FROM invoice_payments WHERE invoice_id IN ",
            " GROUP BY invoice_id",
            [&](const storage::Row& row) { by_id[row.Int(0)]->paid = row.Int(1); });
  ForChunks(connection, ids,
            "SELECT credited_invoice_id, SUM(total_ttc_cents) FROM invoices WHERE kind = "
            "'credit_note' AND credited_invoice_id IN ",
            " GROUP BY credited_invoice_id",
            [&](const storage::Row& row) { by_id[row.Int(0)]->credited = row.Int(1); });
  std::map<int64_t, std::pair<std::string, std::string>> credited;
  ForChunks(connection, credited_ids, "SELECT id, number, issue_date FROM invoices WHERE id IN ",
            "", [&](const storage::Row& row) {
              credited[row.Int(0)] = {row.Text(1), row.Text(2)};
            });
  for (Invoice& invoice : invoices) {
    if (!invoice.credited_invoice_id) continue;
    auto found = credited.find(*invoice.credited_invoice_id);
    if (found == credited.end()) continue;
    invoice.credited_number = found->second.first;
    invoice.credited_issue_date = found->second.second;
  }
}

std::vector<Invoice> QueryInvoices(storage::Connection& connection, const std::string& where,
                                   const std::vector<SqlValue>& params) {
  std::vector<Invoice> invoices;
  for (const storage::Row& row : connection.Query(
           std::string("SELECT ") + kInvoiceColumns + " FROM invoices " + where, params))
    invoices.push_back(InvoiceFromRow(row));
  Complete(connection, invoices);
  return invoices;
}

bool IsDigits(const std::string& text, size_t count) {
  return text.size() == count &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Allocates the next number, inserts the invoice and its lines, returns its id. When the
// invoice may not take it, the number is given back: FailedPrecondition when its issue date
// is before the last one issued (numbers follow the dates), AlreadyExists when the insert
// collided (the contract's instalment is invoiced already).
Result<int64_t> InsertNumbered(storage::Connection& connection, InvoiceKind kind,
                               const NewInvoice& input, std::optional<int64_t> credited_invoice_id,
                               const std::string& due_date, Cents total_ht, Cents tva,
                               int64_t now) {
  // The counter's row lock is held until the caller's transaction ends: issuers queue here.
  const int64_t sequence =
      connection
          .QueryOne(
              "UPDATE invoice_counter SET last_sequence = last_sequence + 1 WHERE id = 1 "
              "RETURNING last_sequence")
          ->Int(0);
  // Still holding the counter's lock: nobody took a number since ours.
  auto give_back = [&connection, sequence] {
    connection.Execute(
        "UPDATE invoice_counter SET last_sequence = last_sequence - 1 WHERE id = 1 AND "
        "last_sequence = $1",
        {sequence});
  };
  // Under the lock, every earlier number is committed: the last one's date is final (and the
  // latest, dates following numbers).
  std::optional<storage::Row> last =
      connection.QueryOne("SELECT issue_date FROM invoices ORDER BY sequence DESC LIMIT 1");
  if (last && last->Text(0) > input.issue_date) {
    give_back();
    return FailedPrecondition("Une facture a déjà été émise le " + last->Text(0) +
                              " : la numérotation suit l'ordre des dates, pas d'émission "
                              "antidatée.");
  }
  const int year = std::stoi(input.issue_date.substr(0, 4));
  std::optional<storage::Row> row = connection.QueryOne(
      "INSERT INTO invoices (sequence, number, kind, partner_id, contract_id, instalment_index, "
      "credited_invoice_id, issue_date, due_date, period_first, period_last, label, "
      "total_ht_cents, tva_percent, tva_cents, total_ttc_cents, buyer_name, buyer_address, "
      "buyer_siret, buyer_code_service, buyer_engagement, seller_json, status, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
      "$19, $20, $21, $22, 'issued', $23) ON CONFLICT DO NOTHING RETURNING id",
      {sequence,
       FormatInvoiceNumber(year, sequence),
       std::string(InvoiceKindName(kind)),
       input.partner_id,
       input.contract_id ? SqlValue(*input.contract_id) : SqlValue(nullptr),
       input.instalment_index ? SqlValue(int64_t{*input.instalment_index}) : SqlValue(nullptr),
       credited_invoice_id ? SqlValue(*credited_invoice_id) : SqlValue(nullptr),
       input.issue_date,
       due_date,
       OptionalText(input.period_first),
       OptionalText(input.period_last),
       input.label,
       total_ht,
       int64_t{billing::kTvaPercent},
       tva,
       total_ht + tva,
       input.buyer.name,
       input.buyer.address,
       input.buyer.siret,
       input.buyer.code_service,
       input.buyer.engagement_number,
       input.seller.ToJson(),
       now});
  if (!row) {
    give_back();
    return AlreadyExists("Cette échéance du contrat est déjà facturée.", "instalment");
  }
  const int64_t id = row->Int(0);
  for (size_t line_idx = 0; line_idx < input.lines.size(); ++line_idx) {
    const InvoiceLine& line = input.lines[line_idx];
    connection.Execute(
        "INSERT INTO invoice_lines (invoice_id, line_no, label, quantity, unit_ht_cents, "
        "total_ht_cents, period_first, period_last) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {id, static_cast<int64_t>(line_idx + 1), line.label, line.quantity, line.unit_ht,
         line.total_ht, OptionalText(line.period_first), OptionalText(line.period_last)});
  }
  return id;
}

}  // namespace

Seller Seller::FromConfig(const PublisherConfig& publisher) {
  return Seller{publisher.name,       publisher.legal_form, publisher.siret,
                publisher.vat_number, publisher.address,    publisher.email,
                publisher.iban,       publisher.bic,        publisher.late_penalty_rate};
}

std::string Seller::ToJson() const {
  return nlohmann::json{{"name", name},
                        {"legal_form", legal_form},
                        {"siret", siret},
                        {"vat_number", vat_number},
                        {"address", address},
                        {"email", email},
                        {"iban", iban},
                        {"bic", bic},
                        {"late_penalty_rate", late_penalty_rate}}
      .dump();
}

Seller Seller::FromJson(const std::string& text) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  auto field = [&json](const char* key) {
    return json.is_object() && json.contains(key) && json[key].is_string()
               ? json[key].get<std::string>()
               : std::string();
  };
  return Seller{field("name"),       field("legal_form"), field("siret"),
                field("vat_number"), field("address"),    field("email"),
                field("iban"),       field("bic"),        field("late_penalty_rate")};
}

std::string OrToFill(const std::string& value) { return value.empty() ? "à renseigner" : value; }

const char* InvoiceKindName(InvoiceKind kind) {
  return kind == InvoiceKind::kCreditNote ? "credit_note" : "invoice";
}

const char* InvoiceStatusName(InvoiceStatus status) {
  switch (status) {
    case InvoiceStatus::kIssued:
      return "issued";
    case InvoiceStatus::kPaid:
      return "paid";
    case InvoiceStatus::kCredited:
      return "credited";
  }
  return "issued";
}

const char* PaymentMethodName(PaymentMethod method) {
  switch (method) {
    case PaymentMethod::kTransfer:
      return "transfer";
    case PaymentMethod::kCheque:
      return "cheque";
    case PaymentMethod::kCard:
      return "card";
    case PaymentMethod::kOther:
      return "other";
  }
  return "other";
}

std::optional<PaymentMethod> ParsePaymentMethod(std::string_view name) {
  for (PaymentMethod method : {PaymentMethod::kTransfer, PaymentMethod::kCheque,
                               PaymentMethod::kCard, PaymentMethod::kOther}) {
    if (name == PaymentMethodName(method)) return method;
  }
  return std::nullopt;
}

Cents Invoice::Outstanding() const {
  if (kind == InvoiceKind::kCreditNote) return 0;
  return std::max<Cents>(0, total_ttc - credited - paid);
}

std::string FormatInvoiceNumber(int year, int64_t sequence) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "F-%04d-%06lld", year, static_cast<long long>(sequence));
  return buffer;
}

std::optional<std::string> AddDays(const std::string& date, int days) {
  std::optional<billing::Date> parsed = billing::ParseIsoDate(date);
  if (!parsed) return std::nullopt;
  return billing::FormatIsoDate(
      billing::Date(std::chrono::sys_days(*parsed) + std::chrono::days(days)));
}

Status BillingDetailsStore::Put(storage::Connection& connection, const BillingDetails& details,
                                int64_t now) {
  if (!details.siret.empty() && !IsDigits(details.siret, 14))
    return InvalidArgument("Le SIRET compte 14 chiffres, sans espace.", "siret");
  if (!details.billing_email.empty() && details.billing_email.find('@') == std::string::npos)
    return InvalidArgument("Adresse e-mail de facturation illisible.", "billing_email");
  connection.Execute(
      "INSERT INTO partner_billing_details (partner_id, legal_name, address, siret, code_service, "
      "engagement_number, billing_email, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
      "ON CONFLICT (partner_id) DO UPDATE SET legal_name = excluded.legal_name, address = "
      "excluded.address, siret = excluded.siret, code_service = excluded.code_service, "
      "engagement_number = excluded.engagement_number, billing_email = excluded.billing_email, "
      "updated_at = excluded.updated_at",
      {details.partner_id, details.legal_name, details.address, details.siret, details.code_service,
       details.engagement_number, details.billing_email, now});
  return Status::Ok();
}

std::optional<BillingDetails> BillingDetailsStore::Get(storage::Connection& connection,
                                                       int64_t partner_id) {
  std::map<int64_t, BillingDetails> found = Of(connection, {partner_id});
  if (found.empty()) return std::nullopt;
  return found.begin()->second;
}

std::map<int64_t, BillingDetails> BillingDetailsStore::Of(storage::Connection& connection,
                                                          const std::vector<int64_t>& partner_ids) {
  std::map<int64_t, BillingDetails> details;
  ForChunks(connection, partner_ids,
            "SELECT partner_id, legal_name, address, siret, code_service, engagement_number, "
            "billing_email, updated_at FROM partner_billing_details WHERE partner_id IN ",
            "", [&](const storage::Row& row) {
              details[row.Int(0)] = {row.Int(0),  row.Text(1), row.Text(2), row.Text(3),
                                     row.Text(4), row.Text(5), row.Text(6), row.Int(7)};
            });
  return details;
}

Result<Invoice> InvoiceStore::Issue(storage::Connection& connection, const NewInvoice& input,
                                    int64_t now) {
  if (!billing::ParseIsoDate(input.issue_date))
    return InvalidArgument("Date d'émission illisible (AAAA-MM-JJ).", "issue_date");
  if (input.lines.empty()) return InvalidArgument("Une facture porte au moins une ligne.", "lines");
  Cents total_ht = 0;
  for (const InvoiceLine& line : input.lines) total_ht += line.total_ht;
  const Cents tva = billing::PercentOf(total_ht, billing::kTvaPercent);
  const std::string due_date = *AddDays(input.issue_date, kPaymentDelayDays);
  VV_ASSIGN_OR_RETURN(const int64_t id, InsertNumbered(connection, InvoiceKind::kInvoice, input,
                                                       std::nullopt, due_date, total_ht, tva, now));
  return *Get(connection, id);
}

Result<Invoice> InvoiceStore::IssueCreditNote(storage::Connection& connection, int64_t invoice_id,
                                              std::optional<Cents> amount_ht,
                                              const std::string& issue_date,
                                              const std::string& reason, int64_t now) {
  if (!billing::ParseIsoDate(issue_date))
    return InvalidArgument("Date d'émission illisible (AAAA-MM-JJ).", "issue_date");
  // Two credit notes at once must not credit more than the invoice.
  storage::QueryForUpdate(connection, "SELECT id FROM invoices WHERE id = $1", {invoice_id});
  std::vector<Invoice> found = QueryInvoices(connection, "WHERE id = $1", {invoice_id});
  if (found.empty()) return NotFound("Facture introuvable.");
  const Invoice& invoice = found.front();
  if (invoice.kind == InvoiceKind::kCreditNote)
    return FailedPrecondition("Un avoir ne se corrige pas par un autre avoir.");
  Cents credited_ht = 0;
  Cents credited_tva = 0;
  for (const storage::Row& row : connection.Query(
           "SELECT COALESCE(SUM(total_ht_cents), 0), COALESCE(SUM(tva_cents), 0) FROM invoices "
           "WHERE kind = 'credit_note' AND credited_invoice_id = $1",
           {invoice_id})) {
    credited_ht = row.Int(0);
    credited_tva = row.Int(1);
  }
  const Cents remaining_ht = invoice.total_ht - credited_ht;
  const Cents amount = amount_ht.value_or(0) > 0 ? *amount_ht : remaining_ht;
  if (amount <= 0 || amount > remaining_ht)
    return FailedPrecondition("L'avoir dépasse ce qui reste à créditer sur cette facture (" +
                              billing::FormatEurosFrench(remaining_ht) + " HT).");
  // Crediting all that is left gives back exactly the TVA invoiced, whatever the rounding.
  const Cents tva = amount == remaining_ht ? invoice.tva - credited_tva
                                           : billing::PercentOf(amount, billing::kTvaPercent);
  NewInvoice note;
  note.partner_id = invoice.partner_id;
  note.contract_id = invoice.contract_id;
  note.issue_date = issue_date;
  note.period_first = invoice.period_first;
  note.period_last = invoice.period_last;
  note.label = "Avoir sur la facture " + invoice.number + (reason.empty() ? "" : " : " + reason);
  note.lines = {{note.label, 1, amount, amount, invoice.period_first, invoice.period_last}};
  note.buyer = invoice.buyer;
  note.seller = invoice.seller;
  VV_ASSIGN_OR_RETURN(const int64_t id, InsertNumbered(connection, InvoiceKind::kCreditNote, note,
                                                       invoice.id, issue_date, amount, tva, now));
  if (amount == remaining_ht) {
    connection.Execute("UPDATE invoices SET status = 'credited' WHERE id = $1", {invoice.id});
  }
  return *Get(connection, id);
}

std::optional<Invoice> InvoiceStore::Get(storage::Connection& connection, int64_t id) {
  std::vector<Invoice> found = QueryInvoices(connection, "WHERE id = $1", {id});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<Invoice> InvoiceStore::FindByNumber(storage::Connection& connection,
                                                  const std::string& number) {
  std::vector<Invoice> found = QueryInvoices(connection, "WHERE number = $1", {number});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<Invoice> InvoiceStore::OfPartner(storage::Connection& connection, int64_t partner_id) {
  return QueryInvoices(connection, "WHERE partner_id = $1 ORDER BY sequence DESC", {partner_id});
}

std::map<int64_t, std::vector<int>> InvoiceStore::InvoicedInstalments(
    storage::Connection& connection, const std::vector<int64_t>& contract_ids) {
  std::map<int64_t, std::vector<int>> invoiced;
  ForChunks(connection, contract_ids,
            "SELECT contract_id, instalment_index FROM invoices WHERE kind = 'invoice' AND "
            "instalment_index IS NOT NULL AND contract_id IN ",
            " ORDER BY contract_id, instalment_index", [&](const storage::Row& row) {
              invoiced[row.Int(0)].push_back(static_cast<int>(row.Int(1)));
            });
  return invoiced;
}

std::vector<Invoice> InvoiceStore::Ledger(storage::Connection& connection, const std::string& first,
                                          const std::string& last) {
  return QueryInvoices(connection, "WHERE issue_date >= $1 AND issue_date <= $2 ORDER BY sequence",
                       {first, last});
}

Result<Payment> InvoiceStore::RecordPayment(storage::Connection& connection, int64_t invoice_id,
                                            Cents amount, const std::string& paid_on,
                                            PaymentMethod method, const std::string& reference,
                                            std::optional<int64_t> recorded_by, int64_t now) {
  if (!billing::ParseIsoDate(paid_on))
    return InvalidArgument("Date de paiement illisible (AAAA-MM-JJ).", "paid_on");
  if (amount <= 0) return InvalidArgument("Le montant payé doit être positif.", "amount");
  storage::QueryForUpdate(connection, "SELECT id FROM invoices WHERE id = $1", {invoice_id});
  std::optional<Invoice> invoice = Get(connection, invoice_id);
  if (!invoice) return NotFound("Facture introuvable.");
  if (invoice->kind == InvoiceKind::kCreditNote)
    return FailedPrecondition("Un avoir ne se paie pas.");
  const Cents outstanding = invoice->Outstanding();
  if (outstanding == 0) return FailedPrecondition("Cette facture est déjà soldée.");
  if (amount > outstanding)
    return InvalidArgument(
        "Le montant dépasse le reste dû (" + billing::FormatEurosFrench(outstanding) + ").",
        "amount");
  std::optional<storage::Row> row = connection.QueryOne(
      "INSERT INTO invoice_payments (invoice_id, amount_cents, paid_on, method, reference, "
      "recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {invoice_id, amount, paid_on, std::string(PaymentMethodName(method)), reference,
       recorded_by ? SqlValue(*recorded_by) : SqlValue(nullptr), now});
  if (amount == outstanding) {
    connection.Execute("UPDATE invoices SET status = 'paid', paid_at = $1 WHERE id = $2",
                       {now, invoice_id});
  }
  return Payment{row->Int(0), invoice_id, amount, paid_on, method, reference, recorded_by, now};
}

std::vector<Payment> InvoiceStore::Payments(storage::Connection& connection, int64_t invoice_id) {
  std::vector<Payment> payments;
  for (const storage::Row& row : connection.Query(
           "SELECT id, invoice_id, amount_cents, paid_on, method, reference, recorded_by, "
           "recorded_at FROM invoice_payments WHERE invoice_id = $1 ORDER BY paid_on, id",
           {invoice_id})) {
    payments.push_back({row.Int(0), row.Int(1), row.Int(2), row.Text(3),
                        ParsePaymentMethod(row.Text(4)).value_or(PaymentMethod::kOther),
                        row.Text(5), row.OptionalInt(6), row.Int(7)});
  }
  return payments;
}

std::vector<Invoice> InvoiceStore::Overdue(storage::Connection& connection,
                                           const std::string& today) {
  std::vector<Invoice> overdue;
  for (Invoice& invoice : QueryInvoices(connection,
                                        "WHERE kind = 'invoice' AND status = 'issued' AND "
                                        "due_date < $1 ORDER BY due_date, sequence",
                                        {today})) {
    if (invoice.Outstanding() > 0) overdue.push_back(std::move(invoice));
  }
  return overdue;
}

std::map<int64_t, int> InvoiceStore::RemindersSent(storage::Connection& connection,
                                                   const std::vector<int64_t>& invoice_ids) {
  std::map<int64_t, int> sent;
  ForChunks(connection, invoice_ids,
            "SELECT invoice_id, MAX(reminder_rank) FROM invoice_reminders WHERE invoice_id IN ",
            " GROUP BY invoice_id",
            [&](const storage::Row& row) { sent[row.Int(0)] = static_cast<int>(row.Int(1)); });
  return sent;
}

bool InvoiceStore::RecordReminder(storage::Connection& connection, int64_t invoice_id, int rank,
                                  const std::string& today, int64_t now) {
  return connection
      .QueryOne(
          "INSERT INTO invoice_reminders (invoice_id, reminder_rank, sent_on, queued_at) VALUES "
          "($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING invoice_id",
          {invoice_id, int64_t{rank}, today, now})
      .has_value();
}

}  // namespace vivrovert::invoices
