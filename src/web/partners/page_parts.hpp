// Pieces of pages that the partner back-office and the operator's console both show: a
// listing's row in a table, an import's report, dates and statuses in French.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <mstch/mstch.hpp>
#include <string>

#include "core/common/status.hpp"
#include "domain/display/labels.hpp"
#include "domain/listings/import_log.hpp"
#include "domain/listings/listing_store.hpp"

namespace vivrovert::partners {

// The id in a page's path or form (/operateur/partenaires/{id}); NotFound for anything but a
// positive decimal id, so that a mistyped address is the usual 404 page.
Result<int64_t> ParsePageId(const std::string& text);

// Dates on pages, in the French form (JJ/MM/AAAA); empty for 0.
std::string FormatDate(int64_t seconds);

// "En ligne", "Programmée", "Expirée", "Retirée".
const char* StatusLabel(const std::string& status);

// A listing's row in the tables of listings, with links under `base` ("/partenaire/slug");
// its commune read out by `labels` ("Cahors (46042)").
mstch::map ListingRow(const listings::Listing& listing, const std::string& today,
                      const std::string& base, const display::Labels& labels);

// An import's record as the report page and the tables of imports show it.
mstch::map ReportData(const listings::ImportRecord& record, const std::string& base);

}  // namespace vivrovert::partners
