// Invoices on the web (docs/BILLING.md "Invoices"): the operator's console, where the money
// is followed, and the partner's own page, where its invoices are read and downloaded.
//
// Operators only (web::Access::kOperator: others get the login page or a 404):
//   /operateur/factures                       overdue invoices, and the ledger of a period
//                                             (?du=AAAA-MM-JJ&au=AAAA-MM-JJ) with its CSV
//                                             and XLSX exports for the accountant (&format=)
//   /operateur/partenaires/{id}/factures      the partner's invoices and credit notes, and
//                                             its billing details (form, POST …/facturation)
//   /operateur/factures/{id}                  one invoice: lines, payments, credit notes;
//                                             forms to record a payment (POST
//                                             …/{id}/paiements) and to issue a credit note
//                                             (POST …/{id}/avoir)
//   /operateur/factures/{id}.pdf | .xml       its PDF and its CII XML for Chorus Pro (one
//                                             route with the detail: /operateur/factures/{file})
// The partner's staff (any role; operators too), whatever its subscriptions, since invoices
// outlive them:
//   /partenaire/{slug}/factures               its invoices and credit notes, what is due
//   /partenaire/{slug}/factures/{id}.pdf|.xml their documents
//
// Thread safety: the routes share only the database and the clock.
#pragma once

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "web/http/app.hpp"

namespace vivrovert::invoices {

// `database` and `clock` (today, Paris, for "en retard" and the forms' default dates) must
// outlive the app.
void RegisterInvoicePages(web::App& app, storage::Database& database, const Clock& clock);

}  // namespace vivrovert::invoices
