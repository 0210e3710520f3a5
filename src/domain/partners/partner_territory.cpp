#include "domain/partners/partner_territory.hpp"

namespace vivrovert::partners {

engine::TerritoryCodes WholeTerritoryCodes(storage::Connection& connection,
                                           const Partner& partner) {
  engine::TerritoryCodes codes = partner.territory;
  for (int64_t member_id : partner.member_ids) {
    std::optional<Partner> member = PartnerStore::Get(connection, member_id);
    if (!member) continue;
    const engine::TerritoryCodes& more = member->territory;
    codes.communes.insert(codes.communes.end(), more.communes.begin(), more.communes.end());
    codes.epcis.insert(codes.epcis.end(), more.epcis.begin(), more.epcis.end());
    codes.departements.insert(codes.departements.end(), more.departements.begin(),
                              more.departements.end());
  }
  return codes;
}

Result<engine::Territory> ResolveTerritory(storage::Connection& connection,
                                           const engine::GridFile& grid, const Partner& partner) {
  return engine::Territory::Resolve(grid, WholeTerritoryCodes(connection, partner));
}

listings::Publisher PublisherFor(const Partner& partner, const engine::Territory& territory) {
  listings::Publisher publisher;
  publisher.source_key = partner.SourceKey();
  publisher.partner_id = partner.id;
  publisher.territory = &territory;
  publisher.territory_name = partner.name;
  publisher.is_demo = partner.is_demo;
  return publisher;
}

}  // namespace vivrovert::partners
