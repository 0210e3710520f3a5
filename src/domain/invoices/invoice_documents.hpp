// What an invoice is shown as: its French PDF (domain/documents), its UN/CEFACT Cross
// Industry Invoice XML with the EN 16931 data Chorus Pro needs, and the ledger of sales
// (journal des ventes) for the accountant, as a table for CSV or XLSX (domain/exports).
//
// The CII document (urn:cen.eu:en16931:2017) carries, by EN 16931 business term: BT-1
// number, BT-2 issue date, BT-3 type code (380 invoice, 381 credit note), BT-5 currency EUR,
// BT-9 due date, BT-10 buyer reference (Chorus Pro code service), BT-13 purchase order
// (numéro d'engagement), BT-20 payment terms with the late-payment mentions, BT-25/BT-26 the
// invoice a credit note corrects, BT-27 seller name, BT-29/BT-30 seller SIRET, BT-31 seller
// VAT number, BT-44 buyer name, BT-46/BT-47 buyer SIRET (scheme 0009), BT-73/BT-74 period,
// BT-81/BT-84 payment by transfer to the IBAN, BT-106…BT-115 totals, BT-116…BT-119 the VAT
// breakdown (standard rate S, 20 %), BT-126…BT-131 and BT-146, BT-151…BT-153 each line.
// Written with libxml2's xmlwriter, never by concatenating text.
//
// Thread safety: pure functions. Errors: Internal when cairo or libxml2 fails.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "domain/exports/table_export.hpp"
#include "domain/invoices/invoice_store.hpp"

namespace vivrovert::invoices {

// "Facture" or "Avoir" and its number, the parties, the lines, HT / TVA / TTC, the due date
// and the legal mentions (payment delay, penalty rate, 40 € indemnity, no discount).
Result<std::string> InvoicePdf(const Invoice& invoice);

// The CII XML document, UTF-8.
Result<std::string> InvoiceCii(const Invoice& invoice);

// Amounts of CII: "1234.56" (a dot, two decimals).
std::string CiiAmount(billing::Cents amount);

// One row per invoice or credit note (credit notes negative), in the order given: number,
// kind, dates, buyer and SIRET, HT, TVA, TTC, paid, outstanding, status.
exports::Table LedgerTable(const std::vector<Invoice>& invoices);

}  // namespace vivrovert::invoices
