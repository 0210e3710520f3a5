// A listing as mails and the in-site list show it: its title, kind, commune, a few facts
// read from its own fields ("Transaction : Vente · Pièces : 5 · Prix : 185000 €"), who
// published it and the link to its page. Nothing is computed or estimated: a fact the
// listing does not state is left out.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "domain/listings/listing_store.hpp"
#include "engine/engine.hpp"

namespace vivrovert::notifications {

// {"id", "title", "kind", "kind_label", "commune_code", "commune" (name, or the code when
//  `grid` is null or lacks it), "facts": [{"label","value"}], "facts_text", "url"}.
nlohmann::json ListingSummary(const listings::Listing& listing, const engine::GridFile* grid,
                              const std::string& public_base_url);

// The page of one listing: `<public_base_url>/annonces/<id>`.
std::string ListingUrl(const std::string& public_base_url, int64_t listing_id);

}  // namespace vivrovert::notifications
