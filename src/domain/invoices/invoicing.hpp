// The invoices the contracts' payment schedules call for, issued by the nightly run, and
// the reminders of overdue invoices (docs/BILLING.md "Invoices").
//
// Issuing is claim → load → decide → write, a page of contracts per transaction:
//  - claim: the next page of invoiced contracts (not demo, with a monthly price, signed);
//  - load: the contracts (subscriptions/), their instalments already invoiced, the buyers'
//    names (partners/) and billing details, through the owners' batch reads;
//  - decide (pure, `DecideInvoices`): every schedule instalment (billing::ScheduleOf)
//    due on or before today and not invoiced yet, issued today;
//  - write: each invoice numbered in the transaction (InvoiceStore::Issue).
// Resumable and safe with several processes: an instalment is invoiced at most once (unique
// contract and instalment; a collision gives its number back), so a run killed mid-way is
// completed by the next one, and two runs at once issue each invoice once, numbers unbroken.
//
// Thread safety: stateless functions; IssueDueInvoices may run in several threads and
// processes at once. Database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/invoices/invoice_store.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/mail/templates.hpp"
#include "domain/subscriptions/subscriptions.hpp"

namespace vivrovert::invoices {

// What deciding a page of contracts needs.
struct InvoicingData {
  std::string today;  // AAAA-MM-JJ, Paris
  std::vector<subscriptions::Contract> contracts;
  std::map<int64_t, std::vector<int>> invoiced;  // contract → instalment indexes
  std::map<int64_t, std::string> partner_names;
  std::map<int64_t, BillingDetails> details;  // by partner
};

InvoicingData LoadInvoicing(storage::Connection& connection,
                            const std::vector<int64_t>& contract_ids, const std::string& today);

// The invoices to issue on `data.today`, in contract then instalment order. Pure.
std::vector<NewInvoice> DecideInvoices(const InvoicingData& data, const Seller& seller);

// How an issued invoice is announced to its buyer: mail `invoice_issued` (number, amounts,
// due date, the link to the partner's invoices page), queued in the transaction that issues
// the invoice (idempotency key "invoice_issued:<invoice id>"), so it goes out once, and only
// for an invoice that was issued.
struct InvoiceMail {
  const mail::MailTemplates& templates;
  std::string public_base_url;  // "https://vivrovert.fr"
};

// Issues `invoices` in the caller's transaction, mailing each (when `mail` is set and the
// invoice has a `mail_to`); returns how many were issued (those invoiced meanwhile by
// another process are skipped).
int WriteInvoices(storage::Connection& connection, const std::vector<NewInvoice>& invoices,
                  int64_t now, const InvoiceMail* mail = nullptr);

struct IssueReport {
  int contracts = 0;  // looked at
  int invoices = 0;   // issued
};

// Issues every invoice due on or before `today` for every invoiced contract: the loop above,
// `page` contracts a transaction.
IssueReport IssueDueInvoices(storage::Database& database, const std::string& today, int64_t now,
                             const Seller& seller, int page = 50,
                             const InvoiceMail* mail = nullptr);

// The same for the contracts `contract_ids` alone, in one transaction; returns the invoices
// issued. The acceptance of a quote calls it, so that the invoice due at signature is issued
// then rather than at night (the night's run would find it done).
int IssueDueInvoicesOf(storage::Database& database, const std::vector<int64_t>& contract_ids,
                       const std::string& today, int64_t now, const Seller& seller,
                       const InvoiceMail* mail = nullptr);

// Reminders: rank 1 the day after the due date, rank 2 fifteen days after, rank 3 thirty
// days after; one mail a night at most per invoice (the highest rank due and not sent).
inline constexpr int kReminderDaysLate[] = {1, 15, 30};

// The reminder rank due for an invoice `days_late` days past due, 0 when none.
int ReminderRankDue(int days_late);

// Queues the reminders due on `today` (outbox, through domain/mail; idempotency key
// "invoice_reminder:<invoice>:<rank>"), to each buyer's billing e-mail (invoices without one
// are left out and counted), in one transaction.
struct ReminderReport {
  int queued = 0;
  int without_address = 0;
};
ReminderReport QueueReminders(storage::Database& database, const mail::MailTemplates& templates,
                              const std::string& today, int64_t now);

}  // namespace vivrovert::invoices
