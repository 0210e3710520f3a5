#include "domain/partners/demo_partner.hpp"

#include <nlohmann/json.hpp>

#include "domain/partners/partner_territory.hpp"

namespace vivrovert::partners {

namespace {

using nlohmann::json;

// Invented listings for the demo, in communes of the Grand Cahors. Places and prices are
// plausible, not real offers: every title says "(démo)".
json DemoListings() {
  return json::array({
      {{"kind", "housing"},
       {"external_id", "demo-logement-1"},
       {"title", "Maison en pierre avec jardin (démo)"},
       {"description",
        "Maison quercynoise rénovée, quatre pièces, jardin arboré, à dix minutes de Cahors."},
       {"commune_code", "46191"},
       {"transaction", "sale"},
       {"property_type", "house"},
       {"rooms", 4},
       {"surface_m2", 112},
       {"land_m2", 1400},
       {"price_eur", 215000},
       {"energy_class", "D"}},
      {{"kind", "housing"},
       {"external_id", "demo-logement-2"},
       {"title", "Appartement T3 en centre-ville (démo)"},
       {"latitude", 44.4475},
       {"longitude", 1.4410},
       {"commune_code", "46042"},
       {"transaction", "rent"},
       {"property_type", "flat"},
       {"rooms", 3},
       {"surface_m2", 68},
       {"price_eur", 590},
       {"energy_class", "C"}},
      {{"kind", "housing"},
       {"external_id", "demo-logement-3"},
       {"title", "Terrain à bâtir viabilisé (démo)"},
       {"postcode", "46090"},
       {"address", "Chemin des Combes, 46090 Pradines"},
       {"transaction", "sale"},
       {"property_type", "land"},
       {"land_m2", 900},
       {"price_eur", 42000}},
      {{"kind", "job"},
       {"external_id", "demo-emploi-1"},
       {"title", "Infirmier ou infirmière en EHPAD (démo)"},
       {"commune_code", "46042"},
       {"rome_code", "J1506"},
       {"contract", "cdi"},
       {"hours_per_week", 35},
       {"salary_min_eur", 26000},
       {"salary_max_eur", 31000},
       {"employer", "EHPAD du Grand Cahors (démo)"}},
      {{"kind", "job"},
       {"external_id", "demo-emploi-2"},
       {"title", "Développeur web en télétravail partiel (démo)"},
       {"commune_code", "46224"},
       {"rome_code", "M1805"},
       {"contract", "cdi"},
       {"remote", true},
       {"employer", "Agence numérique (démo)"}},
      {{"kind", "business"},
       {"external_id", "demo-reprise-1"},
       {"title", "Boulangerie-pâtisserie à reprendre (démo)"},
       {"commune_code", "46064"},
       {"sector", "craft"},
       {"naf_code", "10.71C"},
       {"turnover_min_eur", 180000},
       {"turnover_max_eur", 220000},
       {"price_eur", 95000},
       {"staff", 2}},
      {{"kind", "business"},
       {"external_id", "demo-reprise-2"},
       {"title", "Café multiservice de village (démo)"},
       {"commune_code", "46256"},
       {"sector", "food_service"},
       {"price_eur", 60000}},
      {{"kind", "leisure"},
       {"external_id", "demo-loisir-1"},
       {"title", "Club de canoë sur le Lot (démo)"},
       {"commune_code", "46037"},
       {"category", "sport"},
       {"season", "summer"}},
      {{"kind", "leisure"},
       {"external_id", "demo-loisir-2"},
       {"title", "Marché de producteurs du samedi (démo)"},
       {"commune_code", "46042"},
       {"category", "market"},
       {"season", "all_year"}},
      {{"kind", "poi"},
       {"external_id", "demo-poi-1"},
       {"title", "Tiers-lieu et espace de coworking (démo)"},
       {"commune_code", "46042"},
       {"category", "coworking"}},
      {{"kind", "poi"},
       {"external_id", "demo-poi-2"},
       {"title", "Maison de santé pluriprofessionnelle (démo)"},
       {"commune_code", "46064"},
       {"category", "health"}},
  });
}

}  // namespace

Result<DemoPartnerSummary> SeedDemoPartner(storage::Database& database,
                                           listings::ListingService& service,
                                           int64_t staff_user_id) {
  if (service.grid() == nullptr) {
    return FailedPrecondition(
        "the grid is not built: the demo partner's listings cannot be placed");
  }
  DemoPartnerSummary summary;
  {
    storage::Connection connection = database.Acquire();
    std::optional<Partner> partner = PartnerStore::FindBySlug(connection, kDemoPartnerSlug);
    if (!partner) {
      PartnerInput input;
      input.kind = PartnerKind::kEpci;
      input.name = "CA du Grand Cahors (démo)";
      input.slug = kDemoPartnerSlug;
      input.territory.epcis = {"200023737"};
      input.is_demo = true;
      VV_ASSIGN_OR_RETURN(Partner created, PartnerStore::Create(connection, input, service.Now()));
      partner = created;
    }
    // Making someone an administrator is never refused.
    VV_RETURN_IF_ERROR(PartnerStore::SetStaff(connection, partner->id, staff_user_id,
                                              StaffRole::kAdmin, service.Now()));
    summary.partner = *partner;
  }
  storage::Connection connection = database.Acquire();
  VV_ASSIGN_OR_RETURN(engine::Territory territory,
                      ResolveTerritory(connection, *service.grid(), summary.partner));
  const listings::Publisher publisher = PublisherFor(summary.partner, territory);
  for (const json& item : DemoListings()) {
    std::vector<listings::FieldError> errors;
    auto written = service.Upsert(publisher, *listings::ParseKind(item["kind"].get<std::string>()),
                                  item, &errors);
    if (!written.ok())
      return Internal("demo listing " + item["external_id"].get<std::string>() + ": " +
                      written.status().message() + " (" + written.status().field() + ")");
    (written->outcome == listings::Outcome::kCreated ? summary.listings_created
                                                     : summary.listings_kept)++;
  }
  return summary;
}

}  // namespace vivrovert::partners
