// A partner's invoices in the operator's console; every route is for operators only
// (web::Access::kOperator: others get the login page or a 404).
//
//   /operateur/partenaires/{id}/factures   the partner's invoices and credit notes: number,
//                                          dates, amounts, what is still due, status
//   /operateur/factures/{id}.pdf           the invoice's PDF (domain/invoices InvoicePdf)
//   /operateur/factures/{id}.xml           its CII XML for Chorus Pro (InvoiceCii)
//                                          (one route, /operateur/factures/{file})
//
// Thread safety: the routes share only the database.
#pragma once

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "web/http/app.hpp"

namespace vivrovert::invoices {

// `database` and `clock` (today, Paris, for "en retard") must outlive the app.
void RegisterInvoicePages(web::App& app, storage::Database& database, const Clock& clock);

}  // namespace vivrovert::invoices
