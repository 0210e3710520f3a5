// Invoices and credit notes (avoirs) as French law and public buyers need them (tables
// `invoices`, `invoice_lines`, `invoice_payments`, `invoice_reminders`, `invoice_counter`,
// `partner_billing_details`, migration 0017; docs/BILLING.md "Invoices").
//
// Numbering: every invoice and credit note takes the next number of ONE unbroken sequence,
// "F-<issue year>-<sequence on 6 digits>" (F-2027-000001, F-2027-000002…). The number is
// allocated by incrementing the one-row `invoice_counter` (UPDATE … RETURNING) in the
// transaction that inserts the invoice: the counter's row lock orders concurrent issuers
// (other threads, other processes, on SQLite and PostgreSQL alike), and a rollback or a
// process killed mid-way gives the number back. So numbers have no gap and no duplicate,
// and follow the issue dates: an invoice dated before the last one issued is refused.
//
// An issued invoice is never edited: a credit note corrects it (in full or in part). Only
// its payment status changes, from the payments recorded.
//
// Stateless functions on the caller's connection (and transaction: Issue* must run inside
// one, which the caller commits). Expected outcomes are Status values (French message,
// field); database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/config/config.hpp"
#include "core/storage/database.hpp"
#include "domain/billing/money.hpp"

namespace vivrovert::invoices {

using billing::Cents;

inline constexpr int kPaymentDelayDays = 30;       // public buyers: 30 days (art. R2192-10 CCP)
inline constexpr Cents kRecoveryIndemnity = 4000;  // 40 € (art. L441-10, D441-5 C. com.)

// The seller's legal mentions, copied into each invoice at issue (config `publisher.*`).
// An empty field is printed "à renseigner".
struct Seller {
  std::string name;
  std::string legal_form;
  std::string siret;
  std::string vat_number;
  std::string address;
  std::string email;
  std::string iban;
  std::string bic;
  std::string late_penalty_rate;

  static Seller FromConfig(const PublisherConfig& publisher);
  std::string ToJson() const;
  static Seller FromJson(const std::string& json);
};

// "à renseigner" when `value` is empty.
std::string OrToFill(const std::string& value);

// Where a partner's invoices go and what they must carry (a public buyer: Chorus Pro).
struct BillingDetails {
  int64_t partner_id = 0;
  std::string legal_name;  // empty: the partner's name
  std::string address;
  std::string siret;              // 14 digits
  std::string code_service;       // Chorus Pro "code service"
  std::string engagement_number;  // Chorus Pro "numéro d'engagement" (bon de commande)
  std::string billing_email;      // invoices and reminders
  int64_t updated_at = 0;
};

class BillingDetailsStore {
 public:
  // Records the partner's details (replacing them). InvalidArgument naming the field: a
  // SIRET that is not 14 digits, an e-mail without '@'.
  static Status Put(storage::Connection& connection, const BillingDetails& details, int64_t now);
  static std::optional<BillingDetails> Get(storage::Connection& connection, int64_t partner_id);
  // Batch read: the details of these partners that have some, by partner.
  static std::map<int64_t, BillingDetails> Of(storage::Connection& connection,
                                              const std::vector<int64_t>& partner_ids);
};

enum class InvoiceKind { kInvoice, kCreditNote };
enum class InvoiceStatus { kIssued, kPaid, kCredited };
const char* InvoiceKindName(InvoiceKind kind);        // "invoice", "credit_note"
const char* InvoiceStatusName(InvoiceStatus status);  // "issued", "paid", "credited"

struct InvoiceLine {
  std::string label;
  int64_t quantity = 1;
  Cents unit_ht = 0;
  Cents total_ht = 0;
  std::string period_first;  // AAAA-MM-JJ, may be empty
  std::string period_last;
};

struct Buyer {
  std::string name;
  std::string address;
  std::string siret;
  std::string code_service;
  std::string engagement_number;
};

// What is issued; the store adds the number, the due date, the TVA and the totals.
struct NewInvoice {
  int64_t partner_id = 0;
  std::optional<int64_t> contract_id;
  std::optional<int> instalment_index;  // the schedule entry invoiced, unique per contract
  std::string issue_date;               // AAAA-MM-JJ
  std::string period_first;
  std::string period_last;
  std::string label;
  std::vector<InvoiceLine> lines;
  Buyer buyer;
  Seller seller;
  // Where the invoice is mailed when issued (the buyer's billing e-mail); not stored with
  // the invoice. Empty: not mailed.
  std::string mail_to;
};

struct Invoice {
  int64_t id = 0;
  int64_t sequence = 0;
  std::string number;
  InvoiceKind kind = InvoiceKind::kInvoice;
  int64_t partner_id = 0;
  std::optional<int64_t> contract_id;
  std::optional<int> instalment_index;
  std::optional<int64_t> credited_invoice_id;
  std::string credited_number;  // the invoice a credit note corrects, its number
  std::string credited_issue_date;
  std::string issue_date;
  std::string due_date;
  std::string period_first;
  std::string period_last;
  std::string label;
  Cents total_ht = 0;
  int tva_percent = 20;
  Cents tva = 0;
  Cents total_ttc = 0;
  Buyer buyer;
  Seller seller;
  InvoiceStatus status = InvoiceStatus::kIssued;
  std::optional<int64_t> paid_at;
  int64_t created_at = 0;
  std::vector<InvoiceLine> lines;
  Cents paid = 0;      // payments recorded
  Cents credited = 0;  // TTC of the credit notes correcting it
  // What is still owed: TTC − credited − paid (never below 0); 0 for a credit note.
  Cents Outstanding() const;
};

enum class PaymentMethod { kTransfer, kCheque, kCard, kOther };
const char* PaymentMethodName(PaymentMethod method);  // "transfer", "cheque", "card", "other"
std::optional<PaymentMethod> ParsePaymentMethod(std::string_view name);

struct Payment {
  int64_t id = 0;
  int64_t invoice_id = 0;
  Cents amount = 0;
  std::string paid_on;  // AAAA-MM-JJ
  PaymentMethod method = PaymentMethod::kTransfer;
  std::string reference;
  std::optional<int64_t> recorded_by;
  int64_t recorded_at = 0;
};

// The "F-2027-000001" of `sequence` issued in `year`.
std::string FormatInvoiceNumber(int year, int64_t sequence);

// The day `days` after `date` "AAAA-MM-JJ" (nullopt for a bad date).
std::optional<std::string> AddDays(const std::string& date, int days);

class InvoiceStore {
 public:
  // Issues an invoice: the next number (see the top of this file), due 30 days after its
  // issue date, TVA 20 % of the lines' total rounded once (billing::PercentOf). Must run
  // in the caller's transaction. AlreadyExists when the contract's instalment is invoiced
  // already, FailedPrecondition when an invoice was issued at a later date (the number is
  // then given back: the counter is left as it was); InvalidArgument on a bad date or no
  // line.
  static Result<Invoice> Issue(storage::Connection& connection, const NewInvoice& invoice,
                               int64_t now);

  // Issues a credit note correcting `invoice_id` by `amount_ht` (HT; 0 or absent: the whole
  // remaining amount), numbered in the same sequence, dated `issue_date`, with its reason.
  // A credit note that brings the invoice's credited TTC to its TTC marks it credited. In
  // the caller's transaction. NotFound; FailedPrecondition for a credit note of a credit
  // note, more than what is left to credit, or a date before the last issue.
  static Result<Invoice> IssueCreditNote(storage::Connection& connection, int64_t invoice_id,
                                         std::optional<Cents> amount_ht,
                                         const std::string& issue_date, const std::string& reason,
                                         int64_t now);

  static std::optional<Invoice> Get(storage::Connection& connection, int64_t id);
  static std::optional<Invoice> FindByNumber(storage::Connection& connection,
                                             const std::string& number);
  // The partner's invoices and credit notes, newest first.
  static std::vector<Invoice> OfPartner(storage::Connection& connection, int64_t partner_id);
  // Batch read: the schedule entries already invoiced, by contract.
  static std::map<int64_t, std::vector<int>> InvoicedInstalments(
      storage::Connection& connection, const std::vector<int64_t>& contract_ids);
  // Every invoice and credit note issued from `first` to `last` (AAAA-MM-JJ, inclusive), in
  // number order: the ledger.
  static std::vector<Invoice> Ledger(storage::Connection& connection, const std::string& first,
                                     const std::string& last);

  // Records a payment; an invoice whose outstanding amount falls to 0 becomes paid (paid_at
  // `now`). NotFound; FailedPrecondition for a credit note or an invoice already settled;
  // InvalidArgument for an amount ≤ 0 or above the outstanding amount, or a bad date.
  static Result<Payment> RecordPayment(storage::Connection& connection, int64_t invoice_id,
                                       Cents amount, const std::string& paid_on,
                                       PaymentMethod method, const std::string& reference,
                                       std::optional<int64_t> recorded_by, int64_t now);
  static std::vector<Payment> Payments(storage::Connection& connection, int64_t invoice_id);

  // Invoices due before `today` and not settled (outstanding > 0), oldest due first.
  static std::vector<Invoice> Overdue(storage::Connection& connection, const std::string& today);
  // The reminder ranks already sent, by invoice.
  static std::map<int64_t, int> RemindersSent(storage::Connection& connection,
                                              const std::vector<int64_t>& invoice_ids);
  // Records that reminder `rank` of the invoice went out on `today`; false when it had.
  static bool RecordReminder(storage::Connection& connection, int64_t invoice_id, int rank,
                             const std::string& today, int64_t now);
};

}  // namespace vivrovert::invoices
