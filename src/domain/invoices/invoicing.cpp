#include "domain/invoices/invoicing.hpp"

#include <algorithm>
#include <chrono>

#include "domain/billing/calendar.hpp"
#include "domain/billing/quote.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/subscriptions/pvd_changes.hpp"

namespace vivrovert::invoices {

namespace {

int DaysBetween(const std::string& from, const std::string& to) {
  std::optional<billing::Date> first = billing::ParseIsoDate(from);
  std::optional<billing::Date> last = billing::ParseIsoDate(to);
  if (!first || !last) return 0;
  return static_cast<int>((std::chrono::sys_days(*last) - std::chrono::sys_days(*first)).count());
}

}  // namespace

InvoicingData LoadInvoicing(storage::Connection& connection,
                            const std::vector<int64_t>& contract_ids, const std::string& today) {
  InvoicingData data;
  data.today = today;
  data.contracts = subscriptions::SubscriptionStore::Contracts(connection, contract_ids);
  data.invoiced = InvoiceStore::InvoicedInstalments(connection, contract_ids);
  std::vector<int64_t> partner_ids;
  for (const subscriptions::Contract& contract : data.contracts)
    partner_ids.push_back(contract.partner_id);
  std::sort(partner_ids.begin(), partner_ids.end());
  partner_ids.erase(std::unique(partner_ids.begin(), partner_ids.end()), partner_ids.end());
  data.partner_names = partners::PartnerStore::Names(connection, partner_ids);
  data.details = BillingDetailsStore::Of(connection, partner_ids);
  return data;
}

std::vector<NewInvoice> DecideInvoices(const InvoicingData& data, const Seller& seller) {
  std::vector<NewInvoice> invoices;
  const std::optional<billing::Date> today = billing::ParseIsoDate(data.today);
  if (!today) return invoices;
  for (const subscriptions::Contract& contract : data.contracts) {
    if (contract.is_demo || !contract.monthly_ht_cents) continue;
    const std::optional<billing::Date> start = billing::ParseIsoDate(contract.start_date);
    if (!start) continue;
    // The schedule at the contract's price, its periods at the price a PVD departure left.
    const std::vector<billing::Instalment> schedule = subscriptions::InvoicedSchedule(contract);
    std::vector<int> done;
    if (auto found = data.invoiced.find(contract.id); found != data.invoiced.end())
      done = found->second;
    for (size_t instalment_idx = 0; instalment_idx < schedule.size(); ++instalment_idx) {
      const billing::Instalment& instalment = schedule[instalment_idx];
      if (instalment.due > *today) break;  // the schedule is in due order
      if (std::find(done.begin(), done.end(), static_cast<int>(instalment_idx)) != done.end())
        continue;
      if (instalment.amount_ht <= 0) continue;  // every seat it was for has gone
      NewInvoice invoice;
      invoice.partner_id = contract.partner_id;
      invoice.contract_id = contract.id;
      invoice.instalment_index = static_cast<int>(instalment_idx);
      invoice.issue_date = data.today;
      invoice.period_first = billing::FormatIsoDate(instalment.period_first);
      invoice.period_last = billing::FormatIsoDate(instalment.period_last);
      invoice.label = (contract.amends_contract_id
                           ? "Avenant n° " + std::to_string(contract.id) + " au contrat n° " +
                                 std::to_string(*contract.amends_contract_id) + ", signé le "
                           : "Contrat n° " + std::to_string(contract.id) + " du ") +
                      billing::FormatFrenchDate(*start) + " — " + instalment.label;
      invoice.lines = {{"Abonnement VivroVert — " + instalment.label, 1, instalment.amount_ht,
                        instalment.amount_ht, invoice.period_first, invoice.period_last}};
      auto name = data.partner_names.find(contract.partner_id);
      auto details = data.details.find(contract.partner_id);
      invoice.buyer.name = name != data.partner_names.end() ? name->second : std::string();
      if (details != data.details.end()) {
        const BillingDetails& known = details->second;
        if (!known.legal_name.empty()) invoice.buyer.name = known.legal_name;
        invoice.buyer.address = known.address;
        invoice.buyer.siret = known.siret;
        invoice.buyer.code_service = known.code_service;
        invoice.buyer.engagement_number = known.engagement_number;
        invoice.mail_to = known.billing_email;
      }
      invoice.seller = seller;
      invoices.push_back(std::move(invoice));
    }
  }
  return invoices;
}

int WriteInvoices(storage::Connection& connection, const std::vector<NewInvoice>& invoices,
                  int64_t now, const InvoiceMail* mail) {
  int issued = 0;
  std::vector<mail::OutgoingMessage> messages;
  for (const NewInvoice& invoice : invoices) {
    Result<Invoice> written = InvoiceStore::Issue(connection, invoice, now);
    if (!written.ok()) continue;
    ++issued;
    if (mail == nullptr || invoice.mail_to.empty()) continue;
    nlohmann::json values = {
        {"buyer_name", written->buyer.name},
        {"number", written->number},
        {"label", written->label},
        {"issue_date", billing::FormatFrenchDate(*billing::ParseIsoDate(written->issue_date))},
        {"due_date", billing::FormatFrenchDate(*billing::ParseIsoDate(written->due_date))},
        {"amount_ht", billing::FormatEurosFrench(written->total_ht)},
        {"amount_ttc", billing::FormatEurosFrench(written->total_ttc)},
        {"invoices_url", mail->public_base_url + "/partenaire"},
        {"iban", OrToFill(written->seller.iban)},
        {"seller_name", OrToFill(written->seller.name)},
        {"seller_email", OrToFill(written->seller.email)}};
    Result<mail::OutgoingMessage> message = mail->templates.RenderNested("invoice_issued", values);
    if (!message.ok()) throw std::runtime_error("invoice_issued: " + message.status().message());
    message->idempotency_key = "invoice_issued:" + std::to_string(written->id);
    message->to_address = invoice.mail_to;
    messages.push_back(std::move(*message));
  }
  mail::EnqueueMany(connection, messages, now);
  return issued;
}

IssueReport IssueDueInvoices(storage::Database& database, const std::string& today, int64_t now,
                             const Seller& seller, int page, const InvoiceMail* mail) {
  IssueReport report;
  for (int64_t after = 0;;) {
    storage::Connection connection = database.Acquire();
    storage::Transaction transaction(connection);
    const std::vector<int64_t> ids =
        subscriptions::SubscriptionStore::InvoicedContractIds(connection, today, after, page);
    if (ids.empty()) break;
    after = ids.back();
    const InvoicingData data = LoadInvoicing(connection, ids, today);
    const std::vector<NewInvoice> decided = DecideInvoices(data, seller);
    report.invoices += WriteInvoices(connection, decided, now, mail);
    transaction.Commit();
    report.contracts += static_cast<int>(ids.size());
  }
  return report;
}

int IssueDueInvoicesOf(storage::Database& database, const std::vector<int64_t>& contract_ids,
                       const std::string& today, int64_t now, const Seller& seller,
                       const InvoiceMail* mail) {
  if (contract_ids.empty()) return 0;
  storage::Connection connection = database.Acquire();
  storage::Transaction transaction(connection);
  const InvoicingData data = LoadInvoicing(connection, contract_ids, today);
  const int issued = WriteInvoices(connection, DecideInvoices(data, seller), now, mail);
  transaction.Commit();
  return issued;
}

int ReminderRankDue(int days_late) {
  int rank = 0;
  for (int days : kReminderDaysLate) {
    if (days_late >= days) ++rank;
  }
  return rank;
}

ReminderReport QueueReminders(storage::Database& database, const mail::MailTemplates& templates,
                              const std::string& today, int64_t now) {
  ReminderReport report;
  storage::Connection connection = database.Acquire();
  storage::Transaction transaction(connection);
  const std::vector<Invoice> overdue = InvoiceStore::Overdue(connection, today);
  std::vector<int64_t> ids;
  std::vector<int64_t> partner_ids;
  for (const Invoice& invoice : overdue) {
    ids.push_back(invoice.id);
    partner_ids.push_back(invoice.partner_id);
  }
  const std::map<int64_t, int> sent = InvoiceStore::RemindersSent(connection, ids);
  const std::map<int64_t, BillingDetails> details =
      BillingDetailsStore::Of(connection, partner_ids);
  std::vector<mail::OutgoingMessage> messages;
  for (const Invoice& invoice : overdue) {
    const int rank = ReminderRankDue(DaysBetween(invoice.due_date, today));
    auto already = sent.find(invoice.id);
    if (rank == 0 || (already != sent.end() && already->second >= rank)) continue;
    auto address = details.find(invoice.partner_id);
    if (address == details.end() || address->second.billing_email.empty()) {
      ++report.without_address;
      continue;
    }
    nlohmann::json values = {
        {"buyer_name", invoice.buyer.name},
        {"number", invoice.number},
        {"issue_date", billing::FormatFrenchDate(*billing::ParseIsoDate(invoice.issue_date))},
        {"due_date", billing::FormatFrenchDate(*billing::ParseIsoDate(invoice.due_date))},
        {"amount_ttc", billing::FormatEurosFrench(invoice.total_ttc)},
        {"outstanding", billing::FormatEurosFrench(invoice.Outstanding())},
        {"days_late", std::to_string(DaysBetween(invoice.due_date, today))},
        {"rank", std::to_string(rank)},
        {"last_reminder", rank == static_cast<int>(std::size(kReminderDaysLate))},
        {"penalty_rate", OrToFill(invoice.seller.late_penalty_rate)},
        {"seller_name", OrToFill(invoice.seller.name)},
        {"seller_email", OrToFill(invoice.seller.email)},
        {"iban", OrToFill(invoice.seller.iban)}};
    Result<mail::OutgoingMessage> message = templates.RenderNested("invoice_reminder", values);
    if (!message.ok()) throw std::runtime_error("invoice_reminder: " + message.status().message());
    message->idempotency_key =
        "invoice_reminder:" + std::to_string(invoice.id) + ":" + std::to_string(rank);
    message->to_address = address->second.billing_email;
    if (InvoiceStore::RecordReminder(connection, invoice.id, rank, today, now))
      messages.push_back(std::move(*message));
  }
  report.queued = static_cast<int>(mail::EnqueueMany(connection, messages, now));
  transaction.Commit();
  return report;
}

}  // namespace vivrovert::invoices
