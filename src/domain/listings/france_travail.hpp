// Reading job offers in the layout of France Travail's (ex-Pôle emploi) "Offres d'emploi
// v2" API (GET …/partenaire/offresdemploi/v2/offres/search → {"resultats":[offre…]}; see
// tests/listings/fixtures/README.md for the documentation), into job BatchItems that
// ListingService::ApplyBatch publishes like any partner's (source "france-travail").
//
// Mapping, per offer:
//   id → external_id; intitule → title; description → description (both cut to the
//   schema's lengths); romeCode → rome_code; entreprise.nom → employer;
//   typeContrat → contract (CDI → cdi, CDD/DDI → cdd, MIS/DIN → interim, SAI → seasonal,
//   LIB → freelance, others → other; "alternance": true → apprenticeship);
//   lieuTravail: latitude+longitude when both are numbers, else commune (INSEE code), else
//   codePostal (with libelle as the address, which helps pick the commune);
//   dureeTravailLibelle "35H Horaires normaux", "39H30 …" → hours_per_week (when 1–60);
//   salaire.libelle "Mensuel de 1800.00 Euros à 2000.00 Euros sur 12 mois", "Annuel de …",
//   "Horaire de 11.88 Euros" (only with known hours) → salary_min_eur/salary_max_eur as
//   yearly gross; anything else ("Selon profil") is left out;
//   origineOffre.urlOrigine, else contact.urlPostulation → url; contact.nom/courriel/
//   telephone → contact_name/contact_email/contact_phone when they look like one.
//
// Errors: bytes that are not JSON, or JSON without an offer list, are InvalidArgument. An
// offer with a field of the wrong type (an object expected, a number expected…) gives a
// BatchItem whose read_errors name the offer's field ("lieuTravail.latitude"); its line
// is the offer's 1-based index in "resultats". Missing required fields (romeCode) are left
// to the service, which names the schema field.
//
// Thread safety: pure function.
#pragma once

#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "domain/listings/listing_service.hpp"

namespace vivrovert::listings {

// The source key France Travail offers are published under.
inline constexpr const char* kFranceTravailSource = "france-travail";

// Accepts {"resultats":[…]} (a search page), a bare array of offers, or one offer (GET
// /v2/offres/{id}).
Result<std::vector<BatchItem>> ReadFranceTravailOffers(std::string_view json_bytes);

}  // namespace vivrovert::listings
