// A quote as a French PDF ("Devis n° D-2027-0001"): the parties, the monthly lines, the
// payment schedule, the warnings, the seed's conditions, the validity date and the "Bon pour
// accord" block (or the acceptance already given), over domain/documents.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "domain/billing/quote.hpp"
#include "domain/documents/pdf_document.hpp"
#include "domain/quotes/quote_store.hpp"

namespace vivrovert::quotes {

// `seller` and `buyer`: their lines, name first (the publisher's identity, the partner's
// name). `quote` is `record` priced (QuoteStore::Price).
documents::PdfDocument QuoteDocument(const QuoteRecord& record, const billing::Quote& quote,
                                     std::vector<std::string> seller,
                                     std::vector<std::string> buyer);

}  // namespace vivrovert::quotes
