#include "domain/listings/listing_template.hpp"

#include <map>

#include "domain/exports/table_export.hpp"
#include "domain/listings/listing_export.hpp"
#include "domain/listings/listing_file.hpp"

namespace vivrovert::listings {

namespace {

using nlohmann::json;

// Example values, as a partner in the Lot would type them. Common fields first; a field
// missing here (a field added to the schema later) stays empty in the template.
const std::map<std::string, std::string>& CommonExample() {
  static const std::map<std::string, std::string> values = {
      {"external_id", "EXEMPLE-1"},
      {"latitude", "44,4475"},
      {"longitude", "1,4410"},
      {"commune_code", "46042"},
      {"postcode", "46000"},
      {"address", "Place François-Mitterrand, 46000 Cahors"},
      {"valid_from", "01/09/2025"},
      {"valid_until", "31/12/2026"},
      {"contact_name", "Service attractivité (exemple)"},
      {"contact_email", "contact@exemple.fr"},
      {"contact_phone", "05 65 00 00 00"},
      {"url", "https://www.exemple.fr/annonces/exemple-1"},
      {"pictures",
       "https://www.exemple.fr/photos/exemple-1a.jpg|https://www.exemple.fr/photos/exemple-1b.jpg"},
  };
  return values;
}

std::map<std::string, std::string> KindExample(Kind kind) {
  switch (kind) {
    case Kind::kHousing:
      return {{"title", "EXEMPLE – Maison de bourg avec jardin, à supprimer"},
              {"description",
               "Ligne d'exemple : remplacez-la par vos annonces. Maison en pierre de 5 pièces, "
               "jardin clos, à 5 minutes de la gare."},
              {"transaction", "Vente"},
              {"property_type", "Maison"},
              {"rooms", "5"},
              {"surface_m2", "120,5"},
              {"land_m2", "850"},
              {"price_eur", "185 000"},
              {"energy_class", "D"}};
    case Kind::kJob:
      return {
          {"title", "EXEMPLE – Infirmier ou infirmière en EHPAD, à supprimer"},
          {"description",
           "Ligne d'exemple : remplacez-la par vos offres. Poste de jour, équipe de 12 soignants."},
          {"rome_code", "J1506"},
          {"contract", "CDI"},
          {"hours_per_week", "35"},
          {"salary_min_eur", "26 000"},
          {"salary_max_eur", "30 000"},
          {"employer", "EHPAD Les Tilleuls (exemple)"},
          {"remote", "non"}};
    case Kind::kBusiness:
      return {
          {"title", "EXEMPLE – Café-restaurant de village à reprendre, à supprimer"},
          {"description",
           "Ligne d'exemple : remplacez-la par vos annonces. Licence IV, 40 couverts, terrasse."},
          {"naf_code", "56.10A"},
          {"sector", "Café, hôtel, restaurant"},
          {"turnover_min_eur", "180 000"},
          {"turnover_max_eur", "220 000"},
          {"price_eur", "95 000"},
          {"staff", "2"}};
    case Kind::kLeisure:
      return {{"title", "EXEMPLE – Marché de producteurs du samedi, à supprimer"},
              {"description",
               "Ligne d'exemple : remplacez-la par vos annonces. Tous les samedis matin, place du "
               "marché."},
              {"category", "Marché"},
              {"season", "Toute l'année"}};
    case Kind::kPoi:
      return {{"title", "EXEMPLE – Tiers-lieu et espace de coworking, à supprimer"},
              {"description",
               "Ligne d'exemple : remplacez-la par vos lieux. 12 postes, fibre, salle de réunion."},
              {"category", "Tiers-lieu, coworking"}};
    case Kind::kCv:
      return {
          {"title", "EXEMPLE – Ouvrier viticole polyvalent, à supprimer"},
          {"description",
           "Ligne d'exemple : remplacez-la par les CV reçus, avec l'accord de chaque personne."},
          {"rome_codes", "A1405, A1416"},
          {"skills", "Taille de la vigne, conduite de tracteur, permis B"},
          {"contract", "Indifférent"},
          {"consent", "oui"}};
  }
  return {};
}

std::string AsciiSlug(std::string_view label) {
  // Kind labels are French words; the template name keeps their ASCII letters.
  static const std::map<std::string, std::string> kSlugs = {
      {"housing", "logement"}, {"job", "emploi"},          {"business", "activite-a-reprendre"},
      {"leisure", "loisir"},   {"poi", "point-d-interet"}, {"cv", "cv"}};
  auto found = kSlugs.find(std::string(label));
  return found == kSlugs.end() ? std::string(label) : found->second;
}

}  // namespace

std::string CsvTemplate(Kind kind) {
  std::map<std::string, std::string> example = CommonExample();
  for (auto& [name, value] : KindExample(kind)) example[name] = value;
  exports::Table table{"Modèle", {"kind"}, {{exports::Cell::Text(KindLabel(kind))}}};
  for (const FieldSpec* spec : AllFields(kind)) {
    table.columns.push_back(spec->name);
    auto found = example.find(spec->name);
    table.rows[0].push_back(found != example.end() ? exports::Cell::Text(found->second)
                                                   : exports::Cell::Empty());
  }
  return exports::TableCsv(table);
}

std::string TemplateFileName(Kind kind) {
  return "modele-annonces-" + AsciiSlug(KindName(kind)) + ".csv";
}

json FileFormatJson() {
  json kinds = json::array();
  json templates = json::array();
  for (Kind kind : kAllKinds) {
    kinds.push_back({{"code", KindName(kind)}, {"label", KindLabel(kind)}});
    templates.push_back({{"kind", KindName(kind)}, {"file_name", TemplateFileName(kind)}});
  }
  return {
      {"max_bytes", kMaxListingFileBytes},
      {"formats", {"csv", "json"}},
      {"separators", {";", ","}},
      {"encodings", {"utf-8", "windows-1252"}},
      {"date_formats", {"JJ/MM/AAAA", "AAAA-MM-JJ"}},
      {"decimal_separators", {",", "."}},
      {"list_separator", "|"},
      {"booleans",
       {{"true", {"oui", "o", "true", "1", "yes"}}, {"false", {"non", "n", "false", "0", "no"}}}},
      {"kind_column",
       {{"name", "kind"}, {"headers", {"kind", "type", "type d'annonce"}}, {"values", kinds}}},
      {"ignored_columns", ExportOnlyColumns()},
      {"templates", templates}};
}

}  // namespace vivrovert::listings
