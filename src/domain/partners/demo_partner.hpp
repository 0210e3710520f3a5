// The partner of the local demonstration (`make run`): the Communauté d'agglomération du
// Grand Cahors (EPCI 200023737, Lot), its demo staff account as administrator, and a few
// listings of each kind — all marked as demo data (is_demo), invented for the demo and
// labelled so on every page. Idempotent: the listings are upserted by external id.
//
// Thread safety: a plain function. Errors: the grid must be built (the listings are placed
// on it); database faults throw storage::StorageError.
#pragma once

#include <string>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/listings/listing_service.hpp"
#include "domain/partners/partner_store.hpp"

namespace vivrovert::partners {

inline constexpr const char* kDemoPartnerSlug = "grand-cahors-demo";

struct DemoPartnerSummary {
  Partner partner;
  int64_t listings_created = 0;
  int64_t listings_kept = 0;
};

Result<DemoPartnerSummary> SeedDemoPartner(storage::Database& database,
                                           listings::ListingService& service,
                                           int64_t staff_user_id);

}  // namespace vivrovert::partners
