// A partner's whole territory on the grid, and the publisher it is for listings.
//
// A grouping's territory is its own codes plus every member's; a partner's listings may
// lie anywhere in that territory (engine/territory.hpp has the tile rule).
//
// Thread safety: stateless functions.
#pragma once

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/listings/listing_service.hpp"
#include "domain/partners/partner_store.hpp"
#include "engine/engine.hpp"

namespace vivrovert::partners {

// The codes of `partner` and, for a grouping, of its members.
engine::TerritoryCodes WholeTerritoryCodes(storage::Connection& connection, const Partner& partner);

// Errors: NotFound naming a code the grid does not know (a territory saved against
// another grid).
Result<engine::Territory> ResolveTerritory(storage::Connection& connection,
                                           const engine::GridFile& grid, const Partner& partner);

// The publisher of `partner`'s listings; `territory` must outlive it.
listings::Publisher PublisherFor(const Partner& partner, const engine::Territory& territory);

}  // namespace vivrovert::partners
